/** The library's own Cluster as an ICluster: the facts pools and identities read, its pools and its platform contract. */
import { configs, synth, testCluster, testStack } from './util';
import { ClusterAuthenticationMode, ICluster } from '../../lib/aws';
import { GpuInstanceType, KARPENTER } from '../../lib/core';

describe('Cluster as an ICluster', () => {
  const stack = testStack();
  const cluster: ICluster = testCluster(stack);
  cluster.addGpuNodePool('gpu-l40s', { instanceTypes: [GpuInstanceType.G6E_XLARGE] });
  const karpenter = cluster.addKarpenter();

  test('the facts: access entries only, the Pod Identity agent, the network\'s VPC and private subnets by zone', () => {
    expect(cluster.authenticationMode).toBe(ClusterAuthenticationMode.API);
    expect(cluster.podIdentityAgent).toBe(true);
    expect(cluster.autoMode).toBe(false);
    expect(cluster.vpcCidr).toBe('10.0.0.0/16');
    expect(cluster.privateSubnets.map((s) => s.availabilityZone)).toEqual(['us-west-2a', 'us-west-2b', 'us-west-2c']);
    expect(cluster.availabilityZones).toEqual(['us-west-2a', 'us-west-2b', 'us-west-2c']);
    const system = configs(synth(stack), 'aws_eks_node_group').find((g) => g.node_group_name === 'system');
    expect(system.subnet_ids).toEqual(['a', 'b', 'c'].map((z) => expect.stringMatching(new RegExp(`^\\$\\{aws_subnet\\.network_private-us-west-2${z}_[0-9A-F]+\\.id\\}$`))));
    expect(cluster.arnForPolicies).toBe('arn:aws:eks:us-west-2:123456789012:cluster/cnai-test');
    expect(cluster.nodeVolumeKeyArn).toEqual(expect.any(String));
  });

  test('Auto Mode: no node volume key', () => {
    expect(testCluster(testStack(), { autoMode: true }).nodeVolumeKeyArn).toBeUndefined();
  });

  test('addKarpenter creates the controller identity through the cluster, so it is bound once and listed', () => {
    expect(karpenter.controller.node.path).toBe('test/cluster/karpenter-controller');
    expect(cluster.workloadIdentities.map((w) => `${w.namespace}/${w.serviceAccount}`)).toEqual([`${KARPENTER.namespace}/${KARPENTER.serviceAccount}`]);
    expect(() => cluster.addWorkloadIdentity('again', { namespace: KARPENTER.namespace, serviceAccount: KARPENTER.serviceAccount })).toThrow(
      'test/cluster/again: invalid serviceAccount = "karpenter/karpenter": already bound by test/cluster/karpenter-controller; a service account has one Pod Identity association. '
      + 'Fix: grant the other identity instead of adding a second one.');
  });

  test('its platform contract: the system pool first, then the GPU pools, the identities and Karpenter', () => {
    const contract = cluster.platformContract({ buckets: { models: 'm', datasets: 'd' } });
    expect(contract).toMatchObject({
      platformName: 'cnai',
      environment: 'test',
      clusterName: 'cnai-test',
      kubernetesVersion: '1.36',
      vpcCidr: '10.0.0.0/16',
      buckets: { models: 'm', datasets: 'd' },
      karpenter: { namespace: 'karpenter', serviceAccount: 'karpenter', nodeRoleName: 'cnai-test-karpenter-node', interruptionQueueName: 'cnai-test-karpenter' },
    });
    expect(contract.nodePools.map((p) => p.name)).toEqual(['system', 'gpu-l40s']);
    expect(contract.workloadIdentities.map((w) => w.roleName)).toEqual(['cnai-test-karpenter-controller']);
  });
});
