import { AutoscalingGroupTagA } from '@cdktf/provider-aws/lib/autoscaling-group-tag';
import { PlacementGroup } from '@cdktf/provider-aws/lib/placement-group';
import { configs, only, resources, synth, testNaming, testStack, tfJson } from './util';
import {
  AUTOSCALER_TEMPLATE_PREFIX, CapacityType, ManagedNodeGroup, ManagedNodeGroupSettings, validateScaling, validateVolumeSize,
} from '../../lib/aws/managed-node-group';
import { TaintEffect } from '../../lib/core/contract';

const KEY = 'arn:aws:kms:us-west-2:123456789012:key/volumes';

function group(settings: Partial<ManagedNodeGroupSettings> = {}) {
  const stack = testStack();
  const ng = new ManagedNodeGroup(stack, 'pool', {
    naming: testNaming(),
    clusterName: 'cnai-test',
    clusterNameReference: 'cnai-test',
    clusterSecurityGroupId: 'sg-cluster',
    nodeRoleArn: 'arn:aws:iam::123456789012:role/cnai-test-node',
    volumeKeyArn: KEY,
    poolName: 'gpu',
    instanceTypes: ['g6e.xlarge'],
    amiType: 'AL2023_x86_64_NVIDIA',
    capacityType: CapacityType.ON_DEMAND,
    minSize: 0,
    maxSize: 4,
    desiredSize: 0,
    subnetIds: ['subnet-a', 'subnet-b'],
    labels: { 'cnai.io/pool': 'gpu' },
    taints: [],
    rootVolumeSizeGiB: 200,
    bottlerocket: false,
    efaInterfaces: 0,
    autoscalerTags: {},
    nodeRepair: false,
    ...settings,
  });
  return { stack, ng, json: synth(stack) };
}

describe('ManagedNodeGroup', () => {
  test('launch template: IMDSv2 with hop limit 1, one encrypted gp3 root volume, Name tags, no EFA, no reservation', () => {
    const lt = only(group().json, 'aws_launch_template');
    expect(lt).toMatchObject({
      name: 'cnai-test-gpu-nodes',
      description: 'Nodes of pool gpu of cnai-test',
      update_default_version: true,
      metadata_options: { http_endpoint: 'enabled', http_tokens: 'required', http_put_response_hop_limit: 1, instance_metadata_tags: 'disabled' },
      block_device_mappings: [{
        device_name: '/dev/xvda',
        ebs: { volume_type: 'gp3', volume_size: 200, encrypted: 'true', kms_key_id: KEY, delete_on_termination: 'true' },
      }],
      tag_specifications: [
        { resource_type: 'instance', tags: { Name: 'cnai-test-gpu' } },
        { resource_type: 'volume', tags: { Name: 'cnai-test-gpu' } },
      ],
    });
    for (const absent of ['network_interfaces', 'placement', 'capacity_reservation_specification', 'instance_market_options']) expect(lt[absent]).toBeUndefined();
  });

  test('node group: the settings, one node unavailable at a time, desired size left to the autoscaler', () => {
    const { json } = group({
      taints: [
        { key: 'nvidia.com/gpu', value: 'true', effect: TaintEffect.NO_SCHEDULE },
        { key: 'a', value: 'b', effect: TaintEffect.PREFER_NO_SCHEDULE },
        { key: 'c', value: 'd', effect: TaintEffect.NO_EXECUTE },
      ],
    });
    const [[ltId]] = resources(json, 'aws_launch_template');
    expect(only(json, 'aws_eks_node_group')).toMatchObject({
      cluster_name: 'cnai-test',
      node_group_name: 'gpu',
      node_role_arn: 'arn:aws:iam::123456789012:role/cnai-test-node',
      subnet_ids: ['subnet-a', 'subnet-b'],
      instance_types: ['g6e.xlarge'],
      ami_type: 'AL2023_x86_64_NVIDIA',
      capacity_type: 'ON_DEMAND',
      scaling_config: { min_size: 0, max_size: 4, desired_size: 0 },
      update_config: { max_unavailable: 1 },
      labels: { 'cnai.io/pool': 'gpu' },
      taint: [
        { key: 'nvidia.com/gpu', value: 'true', effect: 'NO_SCHEDULE' },
        { key: 'a', value: 'b', effect: 'PREFER_NO_SCHEDULE' },
        { key: 'c', value: 'd', effect: 'NO_EXECUTE' },
      ],
      launch_template: { id: `\${aws_launch_template.${ltId}.id}`, version: `\${aws_launch_template.${ltId}.latest_version}` },
      tags: { Name: 'cnai-test-gpu' },
      lifecycle: { ignore_changes: ['scaling_config[0].desired_size'] },
    });
    expect(only(json, 'aws_eks_node_group').node_repair_config).toBeUndefined();
  });

  test('node repair when asked', () => {
    expect(only(group({ nodeRepair: true }).json, 'aws_eks_node_group').node_repair_config).toEqual({ enabled: true });
  });

  test('Bottlerocket: the OS volume at its snapshot size, images on /dev/xvdb at the given size', () => {
    expect(only(group({ bottlerocket: true }).json, 'aws_launch_template').block_device_mappings).toEqual([
      { device_name: '/dev/xvda', ebs: { volume_type: 'gp3', encrypted: 'true', kms_key_id: KEY, delete_on_termination: 'true' } },
      { device_name: '/dev/xvdb', ebs: { volume_type: 'gp3', volume_size: 200, encrypted: 'true', kms_key_id: KEY, delete_on_termination: 'true' } },
    ]);
  });

  test('EFA: one interface per network card with the cluster security group, in a cluster placement group', () => {
    const { ng, json } = group({ efaInterfaces: 2 });
    expect(ng.placementGroup).toBeDefined();
    expect(tfJson(json)).toHaveResourceWithProperties(PlacementGroup, { name: 'cnai-test-gpu-efa', strategy: 'cluster' });
    const [[pgId]] = resources(json, 'aws_placement_group');
    const lt = only(json, 'aws_launch_template');
    expect(lt.network_interfaces).toEqual([
      { device_index: 0, network_card_index: 0, interface_type: 'efa', delete_on_termination: 'true', security_groups: ['sg-cluster'] },
      { device_index: 1, network_card_index: 1, interface_type: 'efa', delete_on_termination: 'true', security_groups: ['sg-cluster'] },
    ]);
    expect(lt.placement).toEqual({ group_name: `\${aws_placement_group.${pgId}.name}` });
    expect(group().ng.placementGroup).toBeUndefined();
  });

  test('an ODCR: only the named reservation; a capacity block also sets its market type', () => {
    const odcr = only(group({ capacityReservation: { reservationId: 'cr-0abc', capacityBlock: false } }).json, 'aws_launch_template');
    expect(odcr.capacity_reservation_specification).toEqual({ capacity_reservation_target: { capacity_reservation_id: 'cr-0abc' } });
    expect(odcr.instance_market_options).toBeUndefined();
    const block = only(group({ capacityReservation: { reservationId: 'cr-0blk', capacityBlock: true } }).json, 'aws_launch_template');
    expect(block.capacity_reservation_specification).toEqual({ capacity_reservation_target: { capacity_reservation_id: 'cr-0blk' } });
    expect(block.instance_market_options).toEqual({ market_type: 'capacity-block' });
  });

  test('autoscaler templates as tags of the Auto Scaling group, not propagated to instances', () => {
    const key = `${AUTOSCALER_TEMPLATE_PREFIX}/resources/nvidia.com/gpu`;
    expect(AUTOSCALER_TEMPLATE_PREFIX).toBe('k8s.io/cluster-autoscaler/node-template');
    const { json } = group({ autoscalerTags: { [key]: '1', 'k8s.io/cluster-autoscaler/node-template/label/cnai.io/pool': 'gpu' } });
    const [[ngId]] = resources(json, 'aws_eks_node_group');
    const tags = configs(json, 'aws_autoscaling_group_tag');
    expect(tags).toEqual([
      expect.objectContaining({ tag: { key: 'k8s.io/cluster-autoscaler/node-template/resources/nvidia.com/gpu', value: '1', propagate_at_launch: false } }),
      expect.objectContaining({ tag: { key: 'k8s.io/cluster-autoscaler/node-template/label/cnai.io/pool', value: 'gpu', propagate_at_launch: false } }),
    ]);
    expect(tags[0].autoscaling_group_name).toContain(`aws_eks_node_group.${ngId}.resources[0].autoscaling_groups[0].name`);
    expect(tfJson(group().json)).not.toHaveResource(AutoscalingGroupTagA);
  });

  test('capacity types as EKS names them', () => {
    expect(Object.values(CapacityType)).toEqual(['ON_DEMAND', 'SPOT', 'CAPACITY_BLOCK']);
  });
});

describe('validateScaling', () => {
  test('desired defaults to min; given, it is returned', () => {
    expect(validateScaling('p', 1, 3, undefined)).toBe(1);
    expect(validateScaling('p', 0, 3, 2)).toBe(2);
    expect(validateScaling('p', 0, 1, 1)).toBe(1);
  });

  test.each([
    ['minSize', -1, 3, undefined],
    ['maxSize', 0, 2.5, undefined],
    ['desiredSize', 0, 3, 1.5],
  ] as const)('%s not a whole number >= 0', (prop, min, max, desired) => {
    const value = { minSize: min, maxSize: max, desiredSize: desired }[prop];
    expect(() => validateScaling('test/pool', min, max, desired)).toThrow(
      `test/pool: invalid ${prop} = ${value}: node counts are whole numbers of at least 0. Fix: give ${prop} as a whole number >= 0.`);
  });

  test('maxSize 0', () => {
    expect(() => validateScaling('test/pool', 0, 0, undefined)).toThrow(
      'test/pool: invalid maxSize = 0: a node group must be able to hold at least one node. Fix: set maxSize to 1 or more.');
  });

  test('minSize above maxSize', () => {
    expect(() => validateScaling('test/pool', 5, 3, undefined)).toThrow(
      'test/pool: invalid minSize = 5: minSize is greater than maxSize (3). Fix: set minSize <= maxSize, or raise maxSize to at least 5.');
  });

  test.each([[0, 1], [4, 1]])('desiredSize %p outside [1, 3]', (desired) => {
    expect(() => validateScaling('test/pool', 1, 3, desired)).toThrow(
      `test/pool: invalid desiredSize = ${desired}: desiredSize is outside [minSize, maxSize] = [1, 3]. Fix: set desiredSize between 1 and 3, or leave it unset to start at minSize.`);
  });
});

describe('validateVolumeSize', () => {
  test('the bounds are accepted', () => {
    expect(() => validateVolumeSize('p', 'rootVolumeSizeGiB', 20, 20)).not.toThrow();
    expect(() => validateVolumeSize('p', 'rootVolumeSizeGiB', 16384, 20)).not.toThrow();
  });

  test.each([19, 16385, 100.5])('%p GiB', (size) => {
    expect(() => validateVolumeSize('test/pool', 'rootVolumeSizeGiB', size, 20)).toThrow(
      `test/pool: invalid rootVolumeSizeGiB = ${size}: the volume must be between 20 and 16384 GiB. Fix: give a whole number of GiB between 20 and 16384.`);
  });
});
