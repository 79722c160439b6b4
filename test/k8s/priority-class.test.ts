import { chart, gpuPoolContract } from './helpers';
import { GpuInstanceType } from '../../lib/core';
import { KueueQueues, NodePoolReference, PriorityClassReference, WorkloadPriority } from '../../lib/k8s';

const a10g = NodePoolReference.fromContract(gpuPoolContract('gpu-a10g', GpuInstanceType.G5_2XLARGE, 4));

describe('priority classes', () => {
  test('the queues hand out the platform\'s PriorityClasses by priority', () => {
    const q = new KueueQueues(chart().chart, 'queues', { pools: [a10g] });
    expect(q.emitsPriorityClasses).toBe(true);
    expect([WorkloadPriority.HIGH, WorkloadPriority.NORMAL, WorkloadPriority.LOW].map((p) => q.priorityClass(p).priorityClassName))
      .toEqual(['cnai-high', 'cnai-normal', 'cnai-low']);
  });

  test('a PriorityClass the cluster already has, by name', () => {
    expect(PriorityClassReference.fromName('system-cluster-critical').priorityClassName).toBe('system-cluster-critical');
  });

  test('error: a platform PriorityClass from queues that do not create them', () => {
    const q = new KueueQueues(chart().chart, 'queues', { pools: [a10g], priorityClasses: false });
    expect(() => q.priorityClass(WorkloadPriority.HIGH)).toThrow(
      'test/queues: invalid priorityClasses = false: the PriorityClass "cnai-high" is not created, and a pod naming it would be rejected. '
      + 'Fix: leave priorityClasses on, or give the pods a PriorityClass the cluster has (PriorityClassReference.fromName).');
  });
});
