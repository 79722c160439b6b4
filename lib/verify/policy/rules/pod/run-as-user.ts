import { evaluatePods, podSubject } from './pod-rule';
import { Benchmarks } from '../../benchmarks';
import { containersOf, containerSecurityContext, podSecurityContext } from '../../kubernetes-resources';
import { KubernetesRule, PolicyLayer, PolicyPack, PolicySeverity, Violation } from '../../types';

/** runAsUser is never 0. */
export const POD_RUN_AS_USER: KubernetesRule = {
  id: 'pod-run-as-user',
  pack: PolicyPack.POD_SECURITY,
  layer: PolicyLayer.KUBERNETES,
  severity: PolicySeverity.HIGH,
  info: 'No pod or container sets runAsUser: 0.',
  explanation: 'spec.securityContext.runAsUser and every container\'s securityContext.runAsUser must be unset or non-zero.',
  benchmarks: [Benchmarks.pss('restricted', 'Running as Non-root user')],
  evaluate(resource, context) {
    return evaluatePods(resource, context, (pod) => {
      const out: Violation[] = [];
      if (podSecurityContext(pod.podSpec).runAsUser === 0) {
        out.push({ ...(podSubject(pod) ? { subject: podSubject(pod) } : {}), message: 'runs its pod as user 0', fix: 'set spec.securityContext.runAsUser to a non-zero uid' });
      }
      for (const c of containersOf(pod.podSpec)) {
        if (containerSecurityContext(c).runAsUser === 0) out.push({ subject: `${pod.prefix}${c.subject}`, message: 'runs as user 0', fix: 'set securityContext.runAsUser to a non-zero uid' });
      }
      return out;
    });
  },
};
