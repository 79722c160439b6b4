import { Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { chart, gpuPoolContract } from './helpers';
import { GpuInstanceType, NODE_LABELS, NodePoolProvisioner } from '../../lib/core';
import { NodePoolReference, scheduleOnPool, supportsMig } from '../../lib/k8s';

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
