import { evaluatePods, podSubject } from './pod-rule';
import { Benchmarks } from '../../benchmarks';
import { isLongRunning } from '../../kubernetes-resources';
import { KubernetesRule, PolicyLayer, PolicyPack, PolicySeverity, Results } from '../../types';

/** Long-running pods name a PriorityClass. */
export const POD_PRIORITY_CLASS: KubernetesRule = {
  id: 'pod-priority-class',
  pack: PolicyPack.POD_SECURITY,
  layer: PolicyLayer.KUBERNETES,
  severity: PolicySeverity.LOW,
  info: 'Long-running pods name a PriorityClass.',
  explanation: 'spec.priorityClassName on the pods of Deployments, StatefulSets, DaemonSets and long-running custom '
    + 'resources: under pressure the scheduler preempts and the kubelet evicts by priority, so the platform\'s own services '
    + '(registry, collector, model servers) must not rank with a research job that happens to land on the same node. '
    + 'The platform creates cnai-high, cnai-normal and cnai-low.',
  benchmarks: [Benchmarks.kubernetesDocs('Pod Priority and Preemption', 'https://kubernetes.io/docs/concepts/scheduling-eviction/pod-priority-preemption/'),
    Benchmarks.eksBestPractices('Use pod priority', 'https://docs.aws.amazon.com/eks/latest/best-practices/application.html')],
  evaluate(resource, context) {
    if (!isLongRunning(resource)) return Results.notApplicable();
    return evaluatePods(resource, context, (pod) => (typeof pod.podSpec.priorityClassName === 'string' && pod.podSpec.priorityClassName !== '' ? []
      : [{ ...(podSubject(pod) ? { subject: podSubject(pod) } : {}), message: 'names no PriorityClass', fix: 'set priorityClassName (cnai-high for platform services and model servers)' }]));
  },
};
