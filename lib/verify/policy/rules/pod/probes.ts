import { evaluatePods } from './pod-rule';
import { Benchmarks } from '../../benchmarks';
import { containersOf, ContainerList, isLongRunning } from '../../kubernetes-resources';
import { KubernetesRule, PolicyLayer, PolicyPack, PolicySeverity, Results, Violation } from '../../types';

/** Liveness probes on long-running containers; readiness probes where a Service sends traffic. */
export const POD_PROBES: KubernetesRule = {
  id: 'pod-probes',
  pack: PolicyPack.POD_SECURITY,
  layer: PolicyLayer.KUBERNETES,
  severity: PolicySeverity.LOW,
  info: 'Long-running containers have a liveness probe, and a readiness probe when a Service sends them traffic.',
  explanation: 'For Deployments, StatefulSets, DaemonSets and the long-running custom resources (InferenceService, ...): '
    + 'every main container has a livenessProbe (a hung process is restarted), and a readinessProbe when a Service of the '
    + 'model selects the pods (traffic reaches only ready pods). Jobs run to completion and are not applicable.',
  benchmarks: [Benchmarks.eksBestPractices('Use liveness and readiness probes', 'https://docs.aws.amazon.com/eks/latest/best-practices/application.html'),
    Benchmarks.kubernetesDocs('Configure Liveness, Readiness and Startup Probes', 'https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/')],
  evaluate(resource, context) {
    if (!isLongRunning(resource)) return Results.notApplicable();
    return evaluatePods(resource, context, (pod) => {
      const served = context.model.services.some((s) => s.namespace === pod.group.namespace && s.selector !== undefined
        && Object.entries(s.selector).every(([k, v]) => pod.group.labels[k] === v));
      const out: Violation[] = [];
      for (const c of containersOf(pod.podSpec).filter((x) => x.list === ContainerList.CONTAINERS)) {
        const missing = [...(c.spec.livenessProbe ? [] : ['livenessProbe']), ...(served && !c.spec.readinessProbe ? ['readinessProbe'] : [])];
        if (missing.length > 0) {
          out.push({ subject: `${pod.prefix}${c.subject}`, message: `has no ${missing.join(' and no ')}${served && missing.includes('readinessProbe') ? ' (a Service selects its pods)' : ''}`, fix: `add ${missing.join(' and ')} (an HTTP health endpoint, or exec of a health command)` });
        }
      }
      return out;
    });
  },
};
