import { evaluatePods } from './pod-rule';
import { Benchmarks } from '../../benchmarks';
import { containersOf, effectiveSetting } from '../../kubernetes-resources';
import { KubernetesRule, PolicyLayer, PolicyPack, PolicySeverity } from '../../types';

/** RuntimeDefault (or Localhost) seccomp for every container. */
export const POD_SECCOMP: KubernetesRule = {
  id: 'pod-seccomp',
  pack: PolicyPack.POD_SECURITY,
  layer: PolicyLayer.KUBERNETES,
  severity: PolicySeverity.MEDIUM,
  info: 'Every container runs with the RuntimeDefault (or a Localhost) seccomp profile.',
  explanation: 'seccompProfile.type RuntimeDefault or Localhost on the pod (inherited) or each container, and Unconfined nowhere.',
  benchmarks: [Benchmarks.pss('restricted', 'Seccomp'), Benchmarks.cisEks('4.6.2', 'Apply Security Context to Your Pods and Containers')],
  evaluate(resource, context) {
    return evaluatePods(resource, context, (pod) => containersOf(pod.podSpec).flatMap((c) => {
      const type = effectiveSetting(pod.podSpec, c, 'seccompProfile')?.type;
      return type === 'RuntimeDefault' || type === 'Localhost' ? []
        : [{ subject: `${pod.prefix}${c.subject}`, message: `runs without a seccomp profile (${type ?? 'unset'})`, fix: 'set seccompProfile: { type: RuntimeDefault } on the pod' }];
    }));
  },
};
