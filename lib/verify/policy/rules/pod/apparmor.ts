import { evaluatePods } from './pod-rule';
import { Benchmarks } from '../../benchmarks';
import { containersOf, effectiveSetting, podAnnotations } from '../../kubernetes-resources';
import { KubernetesRule, PolicyLayer, PolicyPack, PolicySeverity, Violation } from '../../types';

const ANNOTATION_PREFIX = 'container.apparmor.security.beta.kubernetes.io/';

/** No unconfined AppArmor profile. */
export const POD_APPARMOR: KubernetesRule = {
  id: 'pod-apparmor',
  pack: PolicyPack.POD_SECURITY,
  layer: PolicyLayer.KUBERNETES,
  severity: PolicySeverity.MEDIUM,
  info: 'No container overrides the default AppArmor profile with Unconfined.',
  explanation: 'appArmorProfile.type (pod or container) is unset, RuntimeDefault or Localhost, and the legacy annotation '
    + `${ANNOTATION_PREFIX}<container> is unset, runtime/default or localhost/*.`,
  benchmarks: [Benchmarks.pss('baseline', 'AppArmor')],
  evaluate(resource, context) {
    return evaluatePods(resource, context, (pod) => {
      const annotations = podAnnotations(resource, pod.group);
      const out: Violation[] = [];
      for (const c of containersOf(pod.podSpec)) {
        const type = effectiveSetting(pod.podSpec, c, 'appArmorProfile')?.type;
        const annotation = annotations[`${ANNOTATION_PREFIX}${c.name}`];
        if ((type !== undefined && type !== 'RuntimeDefault' && type !== 'Localhost')
          || (annotation !== undefined && annotation !== 'runtime/default' && !annotation.startsWith('localhost/'))) {
          out.push({ subject: `${pod.prefix}${c.subject}`, message: `runs with AppArmor ${type ?? annotation}`, fix: 'remove the Unconfined AppArmor profile' });
        }
      }
      return out;
    });
  },
};
