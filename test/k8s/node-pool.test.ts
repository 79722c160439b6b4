import { Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { chart, gpuPoolContract } from './helpers';
import { ExistingClusterContract, GpuInstanceType, NODE_LABELS, NodePoolProvisioner, TaintEffect } from '../../lib/core';
import { CnaiKubernetesPlatform, NodePoolReference, scheduleOnPool, supportsMig } from '../../lib/k8s';

describe('NodePoolReference', () => {
  const c = gpuPoolContract('gpu-a10g', GpuInstanceType.G5_2XLARGE, 4);
  const pool = NodePoolReference.fromContract(c);

  test('carries exactly the contract labels and taints', () => {
    expect(pool.nodeSelector()).toEqual(c.labels);
    expect(pool.tolerations()).toEqual([
      { key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' },
      { key: 'cnai.io/dedicated', operator: 'Equal', value: 'gpu-a10g', effect: 'NoExecute' },
    ]);
    expect(pool.provisioner).toBe(NodePoolProvisioner.MANAGED_NODE_GROUP);
    expect(pool.maxGpus).toBe(4);
    expect(pool.gpuInstanceTypes).toEqual([GpuInstanceType.G5_2XLARGE]);
  });

  test('always selects on the pool label, even when the contract omits it', () => {
    const p = NodePoolReference.fromContract({ ...c, labels: { [NODE_LABELS.acceleratorFamily]: 'g5' } });
    expect(p.nodeSelector()).toEqual({ [NODE_LABELS.acceleratorFamily]: 'g5', [NODE_LABELS.pool]: 'gpu-a10g' });
  });

  test('a workload that selects the pool gets exactly its labels and tolerations', () => {
    const { chart: ch } = chart();
    const d = new kplus.Deployment(ch, 'server', { containers: [{ image: 'docker.io/library/busybox:1.37.0' }] });
    scheduleOnPool(pool, d);
    const spec = Testing.synth(ch).find((o) => o.kind === 'Deployment').spec.template.spec;
    const terms = spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms;
    expect(terms).toHaveLength(1);
    const required = Object.fromEntries(terms[0].matchExpressions.map((e: any) => {
      expect(e.operator).toBe('In');
      expect(e.values).toHaveLength(1);
      return [e.key, e.values[0]];
    }));
    expect(required).toEqual(pool.nodeSelector());
    expect(spec.tolerations).toEqual(pool.tolerations());
  });

  test.each([
    ['p4d.24xlarge', true], ['p5.48xlarge', true], ['p5e.48xlarge', true], ['p4de.24xlarge', true],
    ['g5.xlarge', false], ['g6.xlarge', false], ['g6e.xlarge', false], ['g4dn.xlarge', false],
  ])('MIG support of %s is %s (A100/H100/H200 only)', (type, expected) => {
    expect(supportsMig(GpuInstanceType.of(type))).toBe(expected);
  });

  describe('errors', () => {
    test('pool name that is not a DNS-1123 label', () => {
      expect(() => NodePoolReference.fromContract({ ...c, name: 'GPU_Pool' })).toThrow(/NodePoolReference\(GPU_Pool\): invalid name = "GPU_Pool": not a valid DNS-1123 label/);
    });
    test('maxNodes that is not a whole number', () => {
      expect(() => NodePoolReference.fromContract({ ...c, maxNodes: 1.5 })).toThrow(/invalid maxNodes = 1.5: not a whole number of nodes/);
    });
    test('GPU pool whose instance type is not in the GPU catalogue', () => {
      expect(() => NodePoolReference.fromContract({ ...c, instanceTypes: ['m7i.xlarge'] })).toThrow(/invalid instanceTypes\[0\] = "m7i.xlarge"/);
    });
  });
});

describe('NodePoolReference of an existing node group', () => {
  const group = {
    name: 'gpu-a10g',
    instanceTypes: ['g5.2xlarge'],
    labels: { 'eks.amazonaws.com/nodegroup': 'gpu-a10g', 'workload-type': 'gpu' },
    taints: [{ key: 'nvidia.com/gpu', value: 'present', effect: TaintEffect.NO_SCHEDULE }, { key: 'dedicated', effect: TaintEffect.NO_EXECUTE }],
    maxNodes: 4,
  };

  test('selects exactly the labels the nodes carry (no cnai.io/pool) and tolerates exactly their taints; GPU facts from the catalogue', () => {
    const pool = NodePoolReference.fromExistingNodeGroup(group);
    expect(pool.nodeSelector()).toEqual({ 'eks.amazonaws.com/nodegroup': 'gpu-a10g', 'workload-type': 'gpu' });
    expect(pool.tolerations()).toEqual([
      { key: 'nvidia.com/gpu', operator: 'Equal', value: 'present', effect: 'NoSchedule' },
      { key: 'dedicated', operator: 'Exists', effect: 'NoExecute' },
    ]);
    expect([pool.provisioner, pool.gpusPerNode, pool.gpuMemoryGiB, pool.maxGpus, pool.efa]).toEqual(['existing', 1, 24, 4, false]);
    expect(pool.gpuInstanceTypes).toEqual([GpuInstanceType.G5_2XLARGE]);
  });

  test('the same pool from a contract of ExistingClusterContract.create', () => {
    const contract = ExistingClusterContract.create({ clusterName: 'ml-prod', region: 'us-west-2', kubernetesVersion: '1.34', vpcCidr: '10.20.0.0/16', nodeGroups: [group] });
    const pool = NodePoolReference.fromContract(contract.nodePools[0]);
    expect(pool.nodeSelector()).toEqual({ 'eks.amazonaws.com/nodegroup': 'gpu-a10g', 'workload-type': 'gpu' });
  });

  test('error: a node group with wrong GPU facts names the node group', () => {
    expect(() => NodePoolReference.fromExistingNodeGroup({ ...group, gpusPerNode: 2 })).toThrow(
      'NodePoolReference(gpu-a10g): invalid nodeGroup.gpusPerNode = 2: the GPU catalogue says g5.2xlarge has 1 x A10G (24 GiB). Fix: leave it out: it is derived from instanceTypes (or correct instanceTypes if the nodes are of another type).');
  });

  test('error: an EXISTING contract entry without labels', () => {
    const c = ExistingClusterContract.nodePool(group);
    expect(() => NodePoolReference.fromContract({ ...c, labels: {} })).toThrow(
      'NodePoolReference(gpu-a10g): invalid labels = {}: an existing node group without labels: the platform has nothing to select its nodes with, and its pods could land on any node. '
      + 'Fix: list labels its nodes really carry (kubectl get nodes --show-labels), e.g. { "eks.amazonaws.com/nodegroup": "gpu-a10g" } for an EKS managed node group.');
  });

  test('error: a contract whose GPU count contradicts the catalogue', () => {
    const c = gpuPoolContract('gpu-a10g', GpuInstanceType.G5_2XLARGE, 4);
    expect(() => NodePoolReference.fromContract({ ...c, gpusPerNode: 8 })).toThrow(
      'NodePoolReference(gpu-a10g): invalid gpusPerNode = 8: the GPU catalogue says g5.2xlarge has 1 x A10G (24 GiB). Fix: correct it to the catalogue\'s value (ExistingClusterContract.create derives it from instanceTypes), or correct instanceTypes.');
  });

  test('error: a contract whose GPU memory contradicts the catalogue', () => {
    const c = gpuPoolContract('gpu-a10g', GpuInstanceType.G5_2XLARGE, 4);
    expect(() => NodePoolReference.fromContract({ ...c, gpuMemoryGiB: 48 })).toThrow(
      'NodePoolReference(gpu-a10g): invalid gpuMemoryGiB = 48: the GPU catalogue says g5.2xlarge has 1 x A10G (24 GiB). Fix: correct it to the catalogue\'s value (ExistingClusterContract.create derives it from instanceTypes), or correct instanceTypes.');
  });

  test('the platform installs no device plugin on existing node groups (they run their own)', () => {
    const contract = ExistingClusterContract.create({ clusterName: 'ml-prod', region: 'us-west-2', kubernetesVersion: '1.34', vpcCidr: '10.20.0.0/16', nodeGroups: [group] });
    const app = Testing.app();
    const platform = new CnaiKubernetesPlatform(app, 'platform', { contract, withoutOperators: true, teams: [{ name: 'ai', quotas: [{ pool: NodePoolReference.fromContract(contract.nodePools[0]), gpus: 4 }] }] });
    expect(platform.gpuSupport).toBeUndefined();
    const flavor = Testing.synth(platform).find((o) => o.kind === 'ResourceFlavor');
    expect(flavor.spec).toEqual({
      nodeLabels: { 'eks.amazonaws.com/nodegroup': 'gpu-a10g', 'workload-type': 'gpu' },
      tolerations: [
        { key: 'nvidia.com/gpu', operator: 'Equal', value: 'present', effect: 'NoSchedule' },
        { key: 'dedicated', operator: 'Exists', effect: 'NoExecute' },
      ],
    });
  });
});
