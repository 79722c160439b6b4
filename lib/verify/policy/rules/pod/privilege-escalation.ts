import { evaluatePods } from './pod-rule';
import { Benchmarks } from '../../benchmarks';
import { containersOf, containerSecurityContext } from '../../kubernetes-resources';
import { KubernetesRule, PolicyLayer, PolicyPack, PolicySeverity } from '../../types';

/** allowPrivilegeEscalation false everywhere. */
export const POD_PRIVILEGE_ESCALATION: KubernetesRule = {
  id: 'pod-privilege-escalation',
  pack: PolicyPack.POD_SECURITY,
  layer: PolicyLayer.KUBERNETES,
  severity: PolicySeverity.HIGH,
  info: 'Every container sets allowPrivilegeEscalation: false.',
  explanation: 'securityContext.allowPrivilegeEscalation must be false on every container (unset means true): setuid '
    + 'binaries and file capabilities cannot gain privileges then.',
  benchmarks: [Benchmarks.pss('restricted', 'Privilege Escalation'), Benchmarks.cisEks('4.2.5', 'Minimize the admission of containers with allowPrivilegeEscalation')],
  evaluate(resource, context) {
    return evaluatePods(resource, context, (pod) => containersOf(pod.podSpec)
      .filter((c) => containerSecurityContext(c).allowPrivilegeEscalation !== false)
      .map((c) => ({ subject: `${pod.prefix}${c.subject}`, message: `allows privilege escalation (allowPrivilegeEscalation ${containerSecurityContext(c).allowPrivilegeEscalation ?? 'unset'})`, fix: 'set securityContext.allowPrivilegeEscalation: false' })));
  },
};
