import { Benchmarks } from '../../benchmarks';
import { KubernetesRule, PolicyLayer, PolicyPack, PolicySeverity, Results } from '../../types';

/** Label of the Pod Security Admission level a namespace enforces. */
export const ENFORCE_LABEL = 'pod-security.kubernetes.io/enforce';

/** Namespaces enforce the restricted Pod Security Standard. */
export const POD_NAMESPACE_RESTRICTED: KubernetesRule = {
  id: 'pod-namespace-restricted',
  pack: PolicyPack.POD_SECURITY,
  layer: PolicyLayer.KUBERNETES,
  severity: PolicySeverity.HIGH,
  info: 'Every namespace the platform declares enforces the restricted Pod Security Standard.',
  explanation: `The ${ENFORCE_LABEL} label is restricted, so Pod Security Admission refuses any pod that breaks the `
    + 'profile, whoever creates it. A weaker level needs its reason: the library writes it as the namespace\'s '
    + '`cnai.io/pod-security-reason` annotation, which the packs read as the suppression of this rule.',
  benchmarks: [Benchmarks.kubernetesDocs('Pod Security Admission', 'https://kubernetes.io/docs/concepts/security/pod-security-admission/'),
    Benchmarks.nsa('Kubernetes Pod security: "Pod security enforcement"')],
  evaluate(resource) {
    if (resource.object.kind !== 'Namespace' || resource.object.apiVersion !== 'v1') return Results.notApplicable();
    const level = resource.object.metadata.labels?.[ENFORCE_LABEL];
    return Results.of(level === 'restricted' ? [] : [{
      message: level === undefined ? 'enforces no Pod Security level' : `enforces ${level}, not restricted`,
      fix: `label it ${ENFORCE_LABEL}: restricted (SecureNamespace), or give the reason for the weaker level`,
    }]);
  },
};
