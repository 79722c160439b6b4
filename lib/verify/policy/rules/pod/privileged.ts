import { evaluatePods } from './pod-rule';
import { Benchmarks } from '../../benchmarks';
import { containersOf, containerSecurityContext } from '../../kubernetes-resources';
import { KubernetesRule, PolicyLayer, PolicyPack, PolicySeverity } from '../../types';

/** No privileged containers. */
export const POD_PRIVILEGED: KubernetesRule = {
  id: 'pod-privileged',
  pack: PolicyPack.POD_SECURITY,
  layer: PolicyLayer.KUBERNETES,
  severity: PolicySeverity.HIGH,
  info: 'No container runs privileged.',
  explanation: 'securityContext.privileged must be unset or false on every container, init and ephemeral container: a '
    + 'privileged container has every device and capability of the node.',
  benchmarks: [Benchmarks.pss('baseline', 'Privileged Containers'), Benchmarks.cisEks('4.2.1', 'Minimize the admission of privileged containers')],
  evaluate(resource, context) {
    return evaluatePods(resource, context, (pod) => containersOf(pod.podSpec)
      .filter((c) => containerSecurityContext(c).privileged === true)
      .map((c) => ({ subject: `${pod.prefix}${c.subject}`, message: 'runs privileged', fix: 'remove securityContext.privileged; grant the one capability or device it needs instead' })));
  },
};
