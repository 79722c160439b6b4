import { Testing } from 'cdk8s';
import { chart, cpuPoolContract, gpuPoolContract, ofKind, one } from './helpers';
import { GpuInstanceType } from '../../lib/core';
import { KueueQueues, NodePoolReference, ReclaimPolicy, TEAM_LABEL, WORKLOAD_PRIORITIES } from '../../lib/k8s';

const system = NodePoolReference.fromContract(cpuPoolContract('system', 3));
const a10g = NodePoolReference.fromContract(gpuPoolContract('gpu-a10g', GpuInstanceType.G5_2XLARGE, 4));
const h100 = NodePoolReference.fromContract(gpuPoolContract('gpu-h100', GpuInstanceType.P5_48XLARGE, 2));

function queues() {
  const { chart: ch } = chart();
  const q = new KueueQueues(ch, 'queues', { pools: [a10g, h100, system] });
  return { ch, q };
}

describe('KueueQueues', () => {
  const { ch, q } = queues();
  const vision = q.addTeam('team-vision', [{ pool: a10g, gpus: 2 }, { pool: h100, gpus: 8, cpu: 96, memoryGiB: 1024 }]);
  q.addTeam('team-language', [{ pool: a10g, gpus: 2, gpuBorrowingLimit: 0 }, { pool: system, cpu: 4, memoryGiB: 16 }]);
  const objects = Testing.synth(ch);

  test('one ResourceFlavor per pool with exactly its node labels and tolerations, CPU pools first', () => {
    const flavors = ofKind(objects, 'ResourceFlavor');
    expect(flavors.map((f) => f.metadata.name)).toEqual(['system', 'gpu-a10g', 'gpu-h100']);
    for (const pool of [system, a10g, h100]) {
      const f = one(flavors, 'ResourceFlavor', pool.poolName);
      expect(f.apiVersion).toBe('kueue.x-k8s.io/v1beta2');
      expect(f.spec.nodeLabels).toEqual(pool.nodeSelector());
      expect(f.spec.tolerations ?? []).toEqual(pool.tolerations());
    }
  });

  test('a ClusterQueue per team in one cohort, with nominal quotas, borrowing limits and preemption', () => {
    const cq = one(objects, 'ClusterQueue', 'team-vision');
    expect(cq.spec.cohortName).toBe('cnai-platform');
    expect(cq.spec.namespaceSelector).toEqual({ matchLabels: { [TEAM_LABEL]: 'team-vision' } });
    expect(cq.spec.preemption).toEqual({ reclaimWithinCohort: 'Any', withinClusterQueue: 'LowerPriority' });
    expect(cq.spec.resourceGroups).toEqual([{
      coveredResources: ['cpu', 'memory', 'nvidia.com/gpu'],
      flavors: [
        {
          name: 'gpu-a10g',
          resources: [
            { name: 'cpu', nominalQuota: '16', borrowingLimit: '16' },
            { name: 'memory', nominalQuota: '64Gi', borrowingLimit: '64Gi' },
            { name: 'nvidia.com/gpu', nominalQuota: 2, borrowingLimit: 2 },
          ],
        },
        {
          name: 'gpu-h100',
          resources: [
            { name: 'cpu', nominalQuota: '96', borrowingLimit: '96' },
            { name: 'memory', nominalQuota: '1024Gi', borrowingLimit: '1024Gi' },
            // Borrowing is capped at what the pool can still hold (16 - 8).
            { name: 'nvidia.com/gpu', nominalQuota: 8, borrowingLimit: 8 },
          ],
        },
      ],
    }]);
    expect(vision.totalGpus).toBe(10);
    expect(vision.gpuCeiling).toBe(20);
  });

  test('every flavor of every queue is a declared ResourceFlavor', () => {
    const flavors = new Set(ofKind(objects, 'ResourceFlavor').map((f) => f.metadata.name));
    for (const cq of ofKind(objects, 'ClusterQueue')) {
      for (const f of cq.spec.resourceGroups[0].flavors) expect(flavors.has(f.name)).toBe(true);
    }
    expect(one(objects, 'ClusterQueue', 'team-language').spec.resourceGroups[0].flavors.map((f: any) => f.name)).toEqual(['system', 'gpu-a10g']);
  });

  test('nominal GPU quotas of the cohort fit the pools', () => {
    for (const pool of [a10g, h100]) {
      const sum = ofKind(objects, 'ClusterQueue').flatMap((cq) => cq.spec.resourceGroups[0].flavors)
        .filter((f: any) => f.name === pool.poolName)
        .reduce((a: number, f: any) => a + f.resources.find((r: any) => r.name === 'nvidia.com/gpu').nominalQuota, 0);
      expect(sum).toBeLessThanOrEqual(pool.maxGpus);
    }
  });

  test('PriorityClasses for workload priority', () => {
    const pcs = ofKind(objects, 'PriorityClass');
    expect(pcs.map((p) => [p.metadata.name, p.value])).toEqual(Object.values(WORKLOAD_PRIORITIES).map((p) => [p.name, p.value]));
    expect(one(pcs, 'PriorityClass', 'cnai-low').preemptionPolicy).toBe('Never');
  });

  test('reclaim policy as given; capacity from time-slicing', () => {
    const { chart: c2 } = chart();
    const q2 = new KueueQueues(c2, 'q', { pools: [a10g], reclaimWithinCohort: ReclaimPolicy.LOWER_PRIORITY, capacityOf: { schedulableGpus: (p) => p.maxGpus * 4 }, priorityClasses: false });
    q2.addTeam('t', [{ pool: a10g, gpus: 16 }]);
    const objs = Testing.synth(c2);
    expect(one(objs, 'ClusterQueue', 't').spec.preemption.reclaimWithinCohort).toBe('LowerPriority');
    expect(ofKind(objs, 'PriorityClass')).toHaveLength(0);
  });

  describe('errors', () => {
    const cases: [string, () => unknown, RegExp][] = [
      ['a team quota above what the pool can ever hold', () => queues().q.addTeam('t', [{ pool: a10g, gpus: 5 }]),
        /test\/queues\/t: invalid quotas\[0\].gpus = 5: asks for more GPUs than pool gpu-a10g can ever hold \(4 = its most nodes x GPUs per node\)/],
      ['teams that together ask for more than a pool holds', () => {
        const { ch: c, q: qq } = queues();
        qq.addTeam('a', [{ pool: a10g, gpus: 3 }]);
        qq.addTeam('b', [{ pool: a10g, gpus: 2 }]);
        return Testing.synth(c);
      }, /the teams' nominal GPU quotas on pool gpu-a10g add up to more than the pool can ever hold \(4\)/],
      ['two teams with the same name', () => {
        const { q: qq } = queues();
        qq.addTeam('a', [{ pool: a10g, gpus: 1 }]);
        return qq.addTeam('a', [{ pool: a10g, gpus: 1 }]);
      }, /invalid team = "a": two teams have the same name/],
      ['a quota on a pool the queues do not have', () => {
        const other = NodePoolReference.fromContract(gpuPoolContract('gpu-l4', GpuInstanceType.G6_XLARGE, 2));
        return queues().q.addTeam('t', [{ pool: other, gpus: 1 }]);
      }, /invalid quotas\[0\].pool = "gpu-l4": not one of the pools of the queues/],
      ['two quotas on one pool', () => queues().q.addTeam('t', [{ pool: a10g, gpus: 1 }, { pool: a10g, gpus: 1 }]), /invalid quotas\[1\].pool = "gpu-a10g": two quotas for the same pool/],
      ['GPUs on a CPU pool', () => queues().q.addTeam('t', [{ pool: system, gpus: 1 }]), /invalid quotas\[0\].gpus = 1: pool system has no GPUs/],
      ['a negative quota', () => queues().q.addTeam('t', [{ pool: a10g, cpu: -1 }]), /invalid quotas\[0\].cpu = -1: not a non-negative quantity/],
      ['no quota', () => queues().q.addTeam('t', []), /invalid quotas = \[\]: no quota given/],
      ['team name not DNS-1123', () => queues().q.addTeam('Team A', [{ pool: a10g, gpus: 1 }]), /invalid team = "Team A": not a valid DNS-1123 label/],
      ['a pool listed twice', () => new KueueQueues(chart().chart, 'q', { pools: [a10g, a10g] }), /invalid pools = "gpu-a10g": pool listed twice/],
    ];
    test.each(cases)('%s', (_name, fn, message) => expect(fn).toThrow(message));
  });
});
