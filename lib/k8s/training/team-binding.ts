import { invalidProp } from '../../core/errors';
import { TeamNamespace } from '../team-namespace';
import { INamespaceOwner } from '../workload-selector';

/**
 * The team namespace a workload runs in, and its LocalQueue. Workloads name their team by
 * object so that the queue label and the namespace never have to be typed.
 * @internal
 */
export function teamOf(where: string, prop: string, owner: INamespaceOwner, needsQueue: boolean): TeamNamespace {
  if (!(owner instanceof TeamNamespace)) {
    throw invalidProp(where, prop, owner?.namespaceName, 'not a team namespace: training workloads run in a TeamNamespace (its quota, network isolation and Kueue LocalQueue govern them)',
      'pass the TeamNamespace object (e.g. platform.teams["team-a"])');
  }
  if (needsQueue && !owner.localQueueName) {
    throw invalidProp(where, prop, owner.namespaceName, 'the team namespace has no Kueue LocalQueue, so nothing would ever admit the workload',
      'give the team a GPU quota (CnaiKubernetesPlatform teams[].quotas, or the spec\'s teams[].quotas) so that the platform creates its queue, or create the TeamNamespace with a clusterQueue');
  }
  return owner;
}
