import { GpuInstanceType } from '../../../lib/core';
import { KueueQueues, NodePoolReference, TeamNamespace, WorkloadSelector } from '../../../lib/k8s';
import { teamOf } from '../../../lib/k8s/training/team-binding';
import { chart, gpuPoolContract } from '../helpers';

const a10g = NodePoolReference.fromContract(gpuPoolContract('gpu-a10g', GpuInstanceType.G5_2XLARGE, 4));

describe('teamOf', () => {
  test('a team namespace with a queue is returned as is, with or without a queue being needed', () => {
    const { chart: ch } = chart();
    const cq = new KueueQueues(ch, 'q', { pools: [a10g] }).addTeam('team-a', [{ pool: a10g, gpus: 2, cpu: 16, memoryGiB: 64 }]);
    const team = new TeamNamespace(ch, 'team-a', { clusterQueue: cq });
    expect(teamOf('job', 'team', team, true)).toBe(team);
    expect(teamOf('job', 'team', team, false)).toBe(team);
  });

  test('a team without a queue, where no queue is needed', () => {
    const { chart: ch } = chart();
    const team = new TeamNamespace(ch, 'clients');
    expect(teamOf('job', 'team', team, false)).toBe(team);
  });

  test('a namespace that is not a team\'s, named by its namespace (exact message)', () => {
    const other = WorkloadSelector.inNamespace('data', { app: 'x' }) as any;
    expect(() => teamOf('job', 'team', { namespaceName: 'data' } as any, false)).toThrow(
      'job: invalid team = "data": not a team namespace: training workloads run in a TeamNamespace (its quota, network isolation and Kueue LocalQueue govern them). '
      + 'Fix: pass the TeamNamespace object (e.g. platform.teams["team-a"]).');
    expect(() => teamOf('job', 'namespace', other, true)).toThrow('job: invalid namespace = undefined: not a team namespace');
    expect(() => teamOf('job', 'team', undefined as any, true)).toThrow('job: invalid team = undefined: not a team namespace');
  });

  test('a team without a queue, where one is needed (exact message)', () => {
    const { chart: ch } = chart();
    const team = new TeamNamespace(ch, 'clients');
    expect(() => teamOf('job', 'team', team, true)).toThrow(
      'job: invalid team = "clients": the team namespace has no Kueue LocalQueue, so nothing would ever admit the workload. '
      + 'Fix: give the team a GPU quota (CnaiKubernetesPlatform teams[].quotas, or the spec\'s teams[].quotas) so that the platform creates its queue, '
      + 'or create the TeamNamespace with a clusterQueue.');
  });
});
