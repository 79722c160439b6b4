import { evaluatePods } from './pod-rule';
import { Benchmarks } from '../../benchmarks';
import { containersOf, containerSecurityContext } from '../../kubernetes-resources';
import { KubernetesRule, PolicyLayer, PolicyPack, PolicySeverity } from '../../types';

/** The default /proc mask. */
export const POD_PROC_MOUNT: KubernetesRule = {
  id: 'pod-proc-mount',
  pack: PolicyPack.POD_SECURITY,
  layer: PolicyLayer.KUBERNETES,
  severity: PolicySeverity.MEDIUM,
  info: 'Every container keeps the default /proc mask.',
  explanation: 'securityContext.procMount is unset or Default: Unmasked exposes the node\'s /proc paths the runtime hides.',
  benchmarks: [Benchmarks.pss('baseline', '/proc Mount Type')],
  evaluate(resource, context) {
    return evaluatePods(resource, context, (pod) => containersOf(pod.podSpec)
      .filter((c) => containerSecurityContext(c).procMount !== undefined && containerSecurityContext(c).procMount !== 'Default')
      .map((c) => ({ subject: `${pod.prefix}${c.subject}`, message: `mounts /proc ${containerSecurityContext(c).procMount}`, fix: 'remove securityContext.procMount' })));
  },
};
