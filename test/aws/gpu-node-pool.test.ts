import { configs, synth, testCluster, testStack } from './util';
import { AUTOSCALER_TEMPLATE_PREFIX, CapacityType, GPU_TAINT, GpuAmiType, GpuNodePool } from '../../lib/aws';
import { GpuInstanceType } from '../../lib/core/accelerators';
import { NODE_LABELS, NodePoolProvisioner, TaintEffect } from '../../lib/core/contract';
import { CapacityReservationKind } from '../../lib/core/platform-spec';

/** The node group, launch template and ASG tags of one pool, from the synthesized JSON. */
function poolResources(json: any, poolName: string) {
  const [groupId, group] = Object.entries<any>(json.resource.aws_eks_node_group).find(([, g]) => g.node_group_name === poolName)!;
  const ltId = /aws_launch_template\.([^.]+)\.id/.exec(group.launch_template.id)![1];
  const asgTags = configs(json, 'aws_autoscaling_group_tag').filter((t) => t.autoscaling_group_name.includes(`aws_eks_node_group.${groupId}.`));
  return { group, launchTemplate: json.resource.aws_launch_template[ltId], asgTags };
}

function clusterWithPool(options: Partial<Parameters<ReturnType<typeof testCluster>['addGpuNodePool']>[1]> = {}) {
  const stack = testStack();
  const cluster = testCluster(stack);
  const pool = cluster.addGpuNodePool('gpu-l40s', { instanceTypes: [GpuInstanceType.G6E_XLARGE, GpuInstanceType.G6E_2XLARGE], ...options });
  return { stack, cluster, pool };
}

describe('GpuNodePool', () => {
  test('defaults: AL2023 NVIDIA, on-demand, scale to zero, 200 GiB, no EFA, every AZ', () => {
    const { pool } = clusterWithPool();
    expect(pool).toBeInstanceOf(GpuNodePool);
    expect(pool.name).toBe('gpu-l40s');
    expect(pool.amiType).toBe(GpuAmiType.AL2023_X86_64_NVIDIA);
    expect(pool.capacityType).toBe(CapacityType.ON_DEMAND);
    expect([pool.minSize, pool.maxSize, pool.desiredSize]).toEqual([0, 2, 0]);
    expect(pool.rootVolumeSizeGiB).toBe(200);
    expect(pool.efa).toBe(false);
    expect(pool.availabilityZones).toEqual(['us-west-2a', 'us-west-2b', 'us-west-2c']);
  });

  test('the node group carries what the defaults say', () => {
    const { stack } = clusterWithPool();
    const { group } = poolResources(synth(stack), 'gpu-l40s');
    expect(group).toMatchObject({
      ami_type: 'AL2023_x86_64_NVIDIA',
      capacity_type: 'ON_DEMAND',
      instance_types: ['g6e.xlarge', 'g6e.2xlarge'],
      scaling_config: { min_size: 0, max_size: 2, desired_size: 0 },
      node_repair_config: { enabled: true },
      lifecycle: { ignore_changes: ['scaling_config[0].desired_size'] },
    });
    expect(group.subnet_ids).toHaveLength(3);
  });

  test('launch template: IMDSv2 required with hop limit 1, encrypted gp3 volume of 200 GiB with the node key', () => {
    const { stack } = clusterWithPool();
    const json = synth(stack);
    const { launchTemplate } = poolResources(json, 'gpu-l40s');
    expect(launchTemplate.metadata_options).toEqual({
      http_endpoint: 'enabled', http_tokens: 'required', http_put_response_hop_limit: 1, instance_metadata_tags: 'disabled',
    });
    expect(launchTemplate.block_device_mappings).toHaveLength(1);
    const bdm = launchTemplate.block_device_mappings[0];
    expect(bdm.device_name).toBe('/dev/xvda');
    expect(bdm.ebs).toMatchObject({ volume_type: 'gp3', volume_size: 200, encrypted: 'true', delete_on_termination: 'true' });
    const keyId = /aws_kms_key\.([^.]+)\.arn/.exec(bdm.ebs.kms_key_id)![1];
    expect(json.resource.aws_kms_key[keyId].enable_key_rotation).toBe(true);
    expect(launchTemplate.network_interfaces).toBeUndefined();
    expect(launchTemplate.placement).toBeUndefined();
  });

  test('labels and taints on the node group equal the contract', () => {
    const { stack, pool } = clusterWithPool({ capacityType: CapacityType.SPOT });
    const { group } = poolResources(synth(stack), 'gpu-l40s');
    const contract = pool.contract();
    expect(contract).toEqual({
      name: 'gpu-l40s',
      provisioner: NodePoolProvisioner.MANAGED_NODE_GROUP,
      instanceTypes: ['g6e.xlarge', 'g6e.2xlarge'],
      labels: {
        [NODE_LABELS.pool]: 'gpu-l40s',
        [NODE_LABELS.acceleratorFamily]: 'g6e',
        [NODE_LABELS.gpuProduct]: 'NVIDIA-L40S',
        [NODE_LABELS.gpuCount]: '1',
        [NODE_LABELS.capacityType]: 'SPOT',
      },
      taints: [{ key: 'nvidia.com/gpu', value: 'true', effect: TaintEffect.NO_SCHEDULE }],
      gpusPerNode: 1,
      gpuMemoryGiB: 48,
      efa: false,
      maxNodes: 2,
    });
    // EKS sets its own capacity-type label; every other contract label is set by the node group.
    const { [NODE_LABELS.capacityType]: capacity, ...own } = contract.labels;
    expect(capacity).toBe(group.capacity_type);
    expect(group.labels).toEqual(own);
    expect(group.taint).toEqual(contract.taints.map((t) => ({ key: t.key, value: t.value, effect: 'NO_SCHEDULE' })));
  });

  test('cluster-autoscaler scale-from-zero tags on the Auto Scaling group match the contract', () => {
    const { stack, pool } = clusterWithPool();
    const { asgTags } = poolResources(synth(stack), 'gpu-l40s');
    const tags = Object.fromEntries(asgTags.map((t) => [t.tag.key, t.tag.value]));
    const contract = pool.contract();
    const expected: { [k: string]: string } = { [`${AUTOSCALER_TEMPLATE_PREFIX}/resources/nvidia.com/gpu`]: '1' };
    for (const [k, v] of Object.entries(contract.labels)) expected[`${AUTOSCALER_TEMPLATE_PREFIX}/label/${k}`] = v;
    expected[`${AUTOSCALER_TEMPLATE_PREFIX}/taint/nvidia.com/gpu`] = 'true:NoSchedule';
    expect(tags).toEqual(expected);
    expect(pool.autoscalerTags).toEqual(expected);
    expect(asgTags.every((t) => t.tag.propagate_at_launch === false)).toBe(true);
    expect(asgTags[0].autoscaling_group_name).toMatch(/\.resources\[0\]\.autoscaling_groups\[0\]\.name\}$/);
  });

  test('mixed GPU counts: no count label, the autoscaler template takes the smallest', () => {
    const { pool } = clusterWithPool({ instanceTypes: [GpuInstanceType.G6E_12XLARGE, GpuInstanceType.G6E_48XLARGE] });
    expect(pool.labels[NODE_LABELS.gpuCount]).toBeUndefined();
    expect(pool.autoscalerTags[`${AUTOSCALER_TEMPLATE_PREFIX}/resources/nvidia.com/gpu`]).toBe('4');
    expect(pool.contract().gpusPerNode).toBe(4);
  });

  test('EFA: one interface per network card, cluster SG on each, a cluster placement group, one AZ', () => {
    const stack = testStack();
    const cluster = testCluster(stack);
    const pool = cluster.addGpuNodePool('train-h100', { instanceTypes: [GpuInstanceType.P5_48XLARGE], efa: true });
    expect(pool.efaInterfaces).toBe(32);
    expect(pool.availabilityZones).toEqual(['us-west-2a']);
    expect(pool.contract().efa).toBe(true);
    const json = synth(stack);
    const { group, launchTemplate } = poolResources(json, 'train-h100');
    expect(group.subnet_ids).toHaveLength(1);
    const nics = launchTemplate.network_interfaces;
    expect(nics).toHaveLength(32);
    expect(nics[0]).toMatchObject({ device_index: 0, network_card_index: 0, interface_type: 'efa' });
    expect(nics[31]).toMatchObject({ device_index: 1, network_card_index: 31, interface_type: 'efa' });
    expect(nics.every((n: any) => n.security_groups.length === 1 && /cluster_security_group_id/.test(n.security_groups[0]))).toBe(true);
    const placement = configs(json, 'aws_placement_group');
    expect(placement).toEqual([expect.objectContaining({ strategy: 'cluster', name: 'cnai-test-train-h100-efa' })]);
    expect(launchTemplate.placement.group_name).toMatch(/aws_placement_group/);
  });

  test('Bottlerocket keeps images on /dev/xvdb, both volumes encrypted', () => {
    const { stack } = clusterWithPool({ amiType: GpuAmiType.BOTTLEROCKET_X86_64_NVIDIA, rootVolumeSizeGiB: 300 });
    const { group, launchTemplate } = poolResources(synth(stack), 'gpu-l40s');
    expect(group.ami_type).toBe('BOTTLEROCKET_x86_64_NVIDIA');
    const bdm = launchTemplate.block_device_mappings;
    expect(bdm.map((b: any) => b.device_name)).toEqual(['/dev/xvda', '/dev/xvdb']);
    expect(bdm[0].ebs.volume_size).toBeUndefined();
    expect(bdm[1].ebs.volume_size).toBe(300);
    expect(bdm.every((b: any) => b.ebs.encrypted === 'true' && b.ebs.kms_key_id)).toBe(true);
  });

  test('instance type names from untyped callers go through the catalogue', () => {
    const { pool } = clusterWithPool({ instanceTypes: ['g5.xlarge' as unknown as GpuInstanceType] });
    expect(pool.instanceTypes).toEqual([GpuInstanceType.G5_XLARGE]);
  });

  test('the GPU taint constant is the one the pool applies', () => {
    const { pool } = clusterWithPool();
    expect(pool.taints[0]).toEqual(GPU_TAINT);
  });

  describe('errors', () => {
    test('a non-GPU instance type', () => {
      expect(() => clusterWithPool({ instanceTypes: ['m5.large' as unknown as GpuInstanceType] })).toThrow(
        /^test\/cluster\/gpu-l40s: invalid instanceTypes\[0\] = "m5.large": m5 is not an NVIDIA GPU instance family \(the catalogue holds the GPU families g4dn, g5, g6, g6e, p4d, p4de, p5, p5e, p5en\)\. Fix: use a GPU instance type of the families/);
    });

    test('no instance types', () => {
      expect(() => clusterWithPool({ instanceTypes: [] })).toThrow(/invalid instanceTypes = \[\]: a GPU pool needs at least one instance type/);
    });

    test('instance types of different families', () => {
      expect(() => clusterWithPool({ instanceTypes: [GpuInstanceType.G6E_XLARGE, GpuInstanceType.G5_XLARGE] })).toThrow(
        /invalid instanceTypes = \["g6e.xlarge","g5.xlarge"\]: g5.xlarge \(NVIDIA-A10G\) and g6e.xlarge \(NVIDIA-L40S\) differ in family or GPU/);
    });

    test('min > max', () => {
      expect(() => clusterWithPool({ minSize: 3, maxSize: 2 })).toThrow(
        'test/cluster/gpu-l40s: invalid minSize = 3: minSize is greater than maxSize (2). Fix: set minSize <= maxSize, or raise maxSize to at least 3.');
    });

    test('desired outside [min, max]', () => {
      expect(() => clusterWithPool({ minSize: 1, maxSize: 3, desiredSize: 4 })).toThrow(
        'test/cluster/gpu-l40s: invalid desiredSize = 4: desiredSize is outside [minSize, maxSize] = [1, 3]. '
        + 'Fix: set desiredSize between 1 and 3, or leave it unset to start at minSize.');
    });

    test('max of zero', () => {
      expect(() => clusterWithPool({ maxSize: 0 })).toThrow(/invalid maxSize = 0: a node group must be able to hold at least one node/);
    });

    test('a negative or fractional size', () => {
      expect(() => clusterWithPool({ minSize: -1 })).toThrow(/invalid minSize = -1: node counts are whole numbers of at least 0/);
    });

    test('EFA on a family without it', () => {
      expect(() => clusterWithPool({ efa: true })).toThrow(
        /invalid efa = true: g6e.xlarge, g6e.2xlarge have no Elastic Fabric Adapter\. Fix: use EFA-capable sizes \(g6e.8xlarge, .*\) or set efa: false/);
    });

    test('EFA across several AZs', () => {
      expect(() => clusterWithPool({ instanceTypes: [GpuInstanceType.P5_48XLARGE], efa: true, availabilityZones: ['us-west-2a', 'us-west-2b'] })).toThrow(
        /invalid availabilityZones = \["us-west-2a","us-west-2b"\]: EFA traffic stays inside one cluster placement group, which lives in one AZ/);
    });

    test('an AZ outside the network', () => {
      expect(() => clusterWithPool({ availabilityZones: ['us-west-2d'] })).toThrow(/invalid availabilityZones = \["us-west-2d"\]: us-west-2d is not an AZ of the network/);
    });

    test('a name that breaks the naming rules', () => {
      expect(() => clusterWithPool({ name: 'GPU_Pool' })).toThrow(/invalid name = "GPU_Pool": not a valid DNS-1123 label/);
    });

    test('a platform label set by hand', () => {
      expect(() => clusterWithPool({ labels: { [NODE_LABELS.pool]: 'other' } })).toThrow(
        /invalid labels\["cnai.io\/pool"\] = "other": the platform sets this label from the pool and the catalogue/);
    });

    test('a volume too small', () => {
      expect(() => clusterWithPool({ rootVolumeSizeGiB: 10 })).toThrow(/invalid rootVolumeSizeGiB = 10: the volume must be between 20 and 16384 GiB/);
    });

    test('two pools with one name', () => {
      const { cluster } = clusterWithPool();
      expect(() => cluster.addGpuNodePool('other', { name: 'gpu-l40s', instanceTypes: [GpuInstanceType.G5_XLARGE] })).toThrow(
        /test\/cluster\/other: invalid name = "gpu-l40s": another pool of the cluster has this name/);
    });
  });

  test('autoscaler tags advertise every extended resource a node offers: GPUs and, on EFA pools, the EFA interfaces', () => {
    const stack = testStack();
    const cluster = testCluster(stack);
    const pool = cluster.addGpuNodePool('train-h100', { instanceTypes: [GpuInstanceType.P5_48XLARGE], efa: true });
    expect(pool.autoscalerTags['k8s.io/cluster-autoscaler/node-template/resources/nvidia.com/gpu']).toBe('8');
    expect(pool.autoscalerTags['k8s.io/cluster-autoscaler/node-template/resources/vpc.amazonaws.com/efa']).toBe('32');
    const tags = Object.fromEntries(poolResources(synth(stack), 'train-h100').asgTags.map((t) => [t.tag.key, t.tag.value]));
    expect(tags['k8s.io/cluster-autoscaler/node-template/resources/vpc.amazonaws.com/efa']).toBe('32');
    // No EFA, no EFA resource.
    const { pool: l40s } = clusterWithPool();
    expect(Object.keys(l40s.autoscalerTags).filter((k) => k.includes('/resources/'))).toEqual(['k8s.io/cluster-autoscaler/node-template/resources/nvidia.com/gpu']);
  });

  test('an On-Demand Capacity Reservation: the launch template targets it', () => {
    const { stack } = clusterWithPool({ capacityReservation: { kind: CapacityReservationKind.ON_DEMAND_RESERVATION, reservationId: 'cr-0123456789abcdef0' } });
    const { group, launchTemplate } = poolResources(synth(stack), 'gpu-l40s');
    expect(launchTemplate.capacity_reservation_specification).toEqual({ capacity_reservation_target: { capacity_reservation_id: 'cr-0123456789abcdef0' } });
    expect(launchTemplate.instance_market_options).toBeUndefined();
    expect(group.capacity_type).toBe('ON_DEMAND');
  });

  test('a capacity block for ML: market type capacity-block and node group capacity type CAPACITY_BLOCK', () => {
    const stack = testStack();
    const cluster = testCluster(stack);
    const pool = cluster.addGpuNodePool('train-h100', {
      instanceTypes: [GpuInstanceType.P5_48XLARGE], efa: true, capacityReservation: { kind: CapacityReservationKind.CAPACITY_BLOCK, reservationId: 'cr-0123456789abcdef0' },
    });
    expect(pool.capacityType).toBe(CapacityType.CAPACITY_BLOCK);
    const { group, launchTemplate } = poolResources(synth(stack), 'train-h100');
    expect(launchTemplate.instance_market_options).toEqual({ market_type: 'capacity-block' });
    expect(launchTemplate.capacity_reservation_specification).toEqual({ capacity_reservation_target: { capacity_reservation_id: 'cr-0123456789abcdef0' } });
    expect(group.capacity_type).toBe('CAPACITY_BLOCK');
    expect(pool.contract().labels[NODE_LABELS.capacityType]).toBe('CAPACITY_BLOCK');
  });

  test('errors: capacity reservations', () => {
    const block = { kind: CapacityReservationKind.CAPACITY_BLOCK, reservationId: 'cr-0123456789abcdef0' };
    expect(() => clusterWithPool({ capacityReservation: { kind: CapacityReservationKind.ON_DEMAND_RESERVATION, reservationId: 'my-reservation' } })).toThrow(
      /test\/cluster\/gpu-l40s: invalid capacityReservation.reservationId = "my-reservation": not a capacity reservation id/);
    expect(() => clusterWithPool({ capacityReservation: block })).toThrow(/invalid instanceTypes = \["g6e.xlarge","g6e.2xlarge"\]: a capacity block reserves one instance type/);
    const spotBlock = { instanceTypes: [GpuInstanceType.G6E_XLARGE], capacityReservation: block, capacityType: CapacityType.SPOT };
    expect(() => clusterWithPool(spotBlock)).toThrow(
      /invalid capacityType = "SPOT": a capacity block is its own purchase option/);
    expect(() => clusterWithPool({ capacityType: CapacityType.CAPACITY_BLOCK })).toThrow(/invalid capacityType = "CAPACITY_BLOCK": a capacity block pool needs the block it launches into/);
  });
});
