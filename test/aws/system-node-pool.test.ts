import { AutoscalingGroupTagA } from '@cdktf/provider-aws/lib/autoscaling-group-tag';
import { only, synth, testCluster, testStack, tfJson } from './util';
import { CPU_ACCELERATOR_FAMILY, SYSTEM_TAINT } from '../../lib/aws';
import { NODE_LABELS, NodePoolProvisioner } from '../../lib/core/contract';

describe('SystemNodePool', () => {
  test('defaults: 2 to 6 m7i.xlarge nodes on AL2023, labelled, untainted, IMDSv2 only', () => {
    const stack = testStack();
    const cluster = testCluster(stack);
    const pool = cluster.systemNodePool!;
    expect([pool.name, pool.minSize, pool.maxSize, pool.desiredSize, pool.rootVolumeSizeGiB, pool.dedicated]).toEqual(['system', 2, 6, 2, 100, false]);
    const json = synth(stack);
    const group = only(json, 'aws_eks_node_group');
    expect(group).toMatchObject({
      node_group_name: 'system',
      ami_type: 'AL2023_x86_64_STANDARD',
      instance_types: ['m7i.xlarge'],
      scaling_config: { min_size: 2, max_size: 6, desired_size: 2 },
      labels: { [NODE_LABELS.pool]: 'system', [NODE_LABELS.acceleratorFamily]: CPU_ACCELERATOR_FAMILY },
    });
    expect(group.taint).toEqual([]);
    const lt = only(json, 'aws_launch_template');
    expect(lt.metadata_options).toMatchObject({ http_tokens: 'required', http_put_response_hop_limit: 1 });
    expect(lt.block_device_mappings[0].ebs).toMatchObject({ encrypted: 'true', volume_type: 'gp3', volume_size: 100 });
    // Never scales to zero, so no scale-from-zero templates.
    expect(tfJson(json)).not.toHaveResource(AutoscalingGroupTagA);
  });

  test('a dedicated pool is tainted CriticalAddonsOnly, and the contract says so', () => {
    const stack = testStack();
    const cluster = testCluster(stack, { systemNodePool: { dedicated: true } });
    const group = only(synth(stack), 'aws_eks_node_group');
    expect(group.taint).toEqual([{ key: 'CriticalAddonsOnly', value: 'true', effect: 'NO_SCHEDULE' }]);
    expect(cluster.systemNodePool!.contract()).toEqual({
      name: 'system',
      provisioner: NodePoolProvisioner.MANAGED_NODE_GROUP,
      instanceTypes: ['m7i.xlarge'],
      labels: { [NODE_LABELS.pool]: 'system', [NODE_LABELS.acceleratorFamily]: 'cpu', [NODE_LABELS.capacityType]: 'ON_DEMAND' },
      taints: [SYSTEM_TAINT],
      gpusPerNode: 0,
      gpuMemoryGiB: 0,
      efa: false,
      maxNodes: 6,
    });
  });

  describe('errors', () => {
    test('a GPU instance type', () => {
      expect(() => testCluster(testStack(), { systemNodePool: { instanceTypes: ['g5.xlarge'] } })).toThrow(
        'test/cluster/system-pool: invalid instanceTypes[0] = "g5.xlarge": a GPU instance type in the CPU system pool would run platform components on expensive GPU nodes. '
        + 'Fix: use a CPU type here and cluster.addGpuNodePool() for GPU nodes.');
    });

    test('something that is not an instance type', () => {
      expect(() => testCluster(testStack(), { systemNodePool: { instanceTypes: ['large'] } })).toThrow(/invalid instanceTypes\[0\] = "large": not an EC2 instance type name/);
    });

    test('no instance types', () => {
      expect(() => testCluster(testStack(), { systemNodePool: { instanceTypes: [] } })).toThrow(/invalid instanceTypes = \[\]: the system pool needs at least one instance type/);
    });
  });
});
