import { evaluatePods } from './pod-rule';
import { Benchmarks } from '../../benchmarks';
import { containersOf, containerSecurityContext } from '../../kubernetes-resources';
import { KubernetesRule, PolicyLayer, PolicyPack, PolicySeverity, Violation } from '../../types';

/** Drop ALL capabilities; add only NET_BIND_SERVICE. */
export const POD_CAPABILITIES: KubernetesRule = {
  id: 'pod-capabilities',
  pack: PolicyPack.POD_SECURITY,
  layer: PolicyLayer.KUBERNETES,
  severity: PolicySeverity.MEDIUM,
  info: 'Every container drops ALL capabilities and adds none but NET_BIND_SERVICE.',
  explanation: 'securityContext.capabilities.drop includes ALL on every container, and capabilities.add lists at most NET_BIND_SERVICE.',
  benchmarks: [Benchmarks.pss('restricted', 'Capabilities'), Benchmarks.cisEks('4.2.7', 'Minimize the admission of containers with the NET_RAW capability'),
    Benchmarks.cisEks('4.2.8', 'Minimize the admission of containers with added capabilities'), Benchmarks.cisEks('4.2.9', 'Minimize the admission of containers with capabilities assigned')],
  evaluate(resource, context) {
    return evaluatePods(resource, context, (pod) => containersOf(pod.podSpec).flatMap((c) => {
      const caps = containerSecurityContext(c).capabilities ?? {};
      const drop: string[] = Array.isArray(caps.drop) ? caps.drop : [];
      const add: string[] = Array.isArray(caps.add) ? caps.add : [];
      const out: Violation[] = [];
      if (!drop.includes('ALL')) out.push({ subject: `${pod.prefix}${c.subject}`, message: 'keeps the runtime\'s default capabilities (drop does not include ALL)', fix: 'set securityContext.capabilities.drop: [ALL]' });
      const extra = add.filter((a) => a !== 'NET_BIND_SERVICE');
      if (extra.length > 0) out.push({ subject: `${pod.prefix}${c.subject}`, message: `adds capabilities ${extra.join(', ')}`, fix: 'remove them from capabilities.add' });
      return out;
    }));
  },
};
