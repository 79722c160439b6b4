import { GPU_RESOURCE } from '../../../../core/contract';
import { Benchmarks } from '../../benchmarks';
import { containersOf } from '../../kubernetes-resources';
import { KubernetesRule, PolicyLayer, PolicyPack, PolicySeverity, Results } from '../../types';
import { evaluatePods, podSubject } from '../pod/pod-rule';

/** The label that puts a workload into a Kueue LocalQueue. */
export const QUEUE_NAME_LABEL = 'kueue.x-k8s.io/queue-name';

/** Extended resources counted as accelerators. */
const ACCELERATOR = (name: string) => name === GPU_RESOURCE || /(^|\.)[a-z]+\/gpu$/.test(name) || name.startsWith('aws.amazon.com/neuron');

/** Whether a `labels` map anywhere in the object (its metadata, a pod or job template, a trial template) carries the queue label. */
function hasQueueLabel(node: unknown): boolean {
  if (Array.isArray(node)) return node.some(hasQueueLabel);
  if (!node || typeof node !== 'object') return false;
  const o = node as { [key: string]: unknown };
  const labels = o.labels as { [key: string]: unknown } | undefined;
  if (labels && typeof labels === 'object' && typeof labels[QUEUE_NAME_LABEL] === 'string' && labels[QUEUE_NAME_LABEL] !== '') return true;
  return Object.values(o).some(hasQueueLabel);
}

/** GPU workloads of team namespaces go through a Kueue queue. */
export const AI_GPU_KUEUE: KubernetesRule = {
  id: 'ai-gpu-kueue',
  pack: PolicyPack.AI_PLATFORM,
  layer: PolicyLayer.KUBERNETES,
  severity: PolicySeverity.MEDIUM,
  info: 'In team namespaces, every workload that requests GPUs is admitted through a Kueue queue.',
  explanation: 'A workload in a team namespace (labelled cnai.io/team, or named by the spec\'s teams) whose containers request '
    + `${GPU_RESOURCE} (or another accelerator) carries the ${QUEUE_NAME_LABEL} label (on the object, or on the pod, job or `
    + 'trial template Kueue reads it from): Kueue then admits it against the team\'s ClusterQueue quota, fair sharing and '
    + 'preemption. A GPU workload outside Kueue takes GPUs the queues believe are free.',
  benchmarks: [Benchmarks.other('Kueue documentation', 'Run workloads: the kueue.x-k8s.io/queue-name label', 'https://kueue.sigs.k8s.io/docs/tasks/run/'),
    Benchmarks.other('CNCF Cloud Native AI white paper', 'Scheduling: quotas, queueing and fair sharing of accelerators', 'https://www.cncf.io/reports/cloud-native-artificial-intelligence-whitepaper/')],
  evaluate(resource, context) {
    if (!resource.namespace || !context.teamNamespaces.has(resource.namespace)) return Results.notApplicable();
    const queued = hasQueueLabel(resource.object);
    return evaluatePods(resource, context, (pod) => {
      const gpus = containersOf(pod.podSpec)
        .flatMap((c) => Object.entries({ ...(c.spec.resources?.requests ?? {}), ...(c.spec.resources?.limits ?? {}) })
          .filter(([name, value]) => ACCELERATOR(name) && Number(value) > 0).map(([name, value]) => `${value} ${name}`));
      if (gpus.length === 0 || queued) return [];
      return [{
        ...(podSubject(pod) ? { subject: podSubject(pod) } : {}),
        message: `requests ${[...new Set(gpus)].join(', ')} outside Kueue (no ${QUEUE_NAME_LABEL} label)`,
        fix: `label it ${QUEUE_NAME_LABEL}: <the team's LocalQueue> (a Kueue-managed kind: Job, TrainJob, JobSet; Deployments and StatefulSets through Kueue's pod integration)`,
      }];
    });
  },
};
