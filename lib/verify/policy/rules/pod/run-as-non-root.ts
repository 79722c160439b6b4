import { evaluatePods } from './pod-rule';
import { Benchmarks } from '../../benchmarks';
import { containersOf, effectiveSetting } from '../../kubernetes-resources';
import { KubernetesRule, PolicyLayer, PolicyPack, PolicySeverity } from '../../types';

/** runAsNonRoot true for every container. */
export const POD_RUN_AS_NON_ROOT: KubernetesRule = {
  id: 'pod-run-as-non-root',
  pack: PolicyPack.POD_SECURITY,
  layer: PolicyLayer.KUBERNETES,
  severity: PolicySeverity.HIGH,
  info: 'Every container runs with runAsNonRoot: true.',
  explanation: 'runAsNonRoot true on the pod (inherited) or on each container, and false nowhere: the kubelet then '
    + 'refuses to start a container whose user is root.',
  benchmarks: [Benchmarks.pss('restricted', 'Running as Non-root'), Benchmarks.cisEks('4.2.6', 'Minimize the admission of root containers')],
  evaluate(resource, context) {
    return evaluatePods(resource, context, (pod) => containersOf(pod.podSpec)
      .filter((c) => effectiveSetting(pod.podSpec, c, 'runAsNonRoot') !== true)
      .map((c) => ({ subject: `${pod.prefix}${c.subject}`, message: `may run as root (runAsNonRoot ${effectiveSetting(pod.podSpec, c, 'runAsNonRoot') ?? 'unset'})`, fix: 'set runAsNonRoot: true and a non-zero runAsUser on the pod or the container' })));
  },
};
