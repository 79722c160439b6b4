import { evaluatePods, podSubject } from './pod-rule';
import { Benchmarks } from '../../benchmarks';
import { KubernetesContext, KubernetesRule, PolicyLayer, PolicyPack, PolicySeverity } from '../../types';

/** Service accounts (`namespace/name`) a RoleBinding or ClusterRoleBinding of the model binds: their pods call the API. */
export function boundServiceAccounts(context: KubernetesContext): Set<string> {
  const out = new Set<string>();
  for (const { object } of context.objects) {
    if (object.kind !== 'RoleBinding' && object.kind !== 'ClusterRoleBinding') continue;
    const subjects = Array.isArray(object.subjects) ? object.subjects as Array<{ [key: string]: unknown }> : [];
    for (const s of subjects) {
      if (s.kind === 'ServiceAccount' && typeof s.name === 'string') out.add(`${(s.namespace as string | undefined) ?? object.metadata.namespace}/${s.name}`);
    }
  }
  return out;
}

/** Whether the pods get the service account's token automatically (pod spec first, then the ServiceAccount). */
export function mountsToken(podSpec: { [key: string]: any }, namespace: string, serviceAccount: string, context: KubernetesContext): boolean {
  if (typeof podSpec.automountServiceAccountToken === 'boolean') return podSpec.automountServiceAccountToken;
  const account = context.objects.find(({ object }) => object.kind === 'ServiceAccount' && object.metadata.namespace === namespace && object.metadata.name === serviceAccount);
  return account?.object.automountServiceAccountToken !== false;
}

/** No API token where the pod does not call the API. */
export const POD_SERVICE_ACCOUNT_TOKEN: KubernetesRule = {
  id: 'pod-service-account-token',
  pack: PolicyPack.POD_SECURITY,
  layer: PolicyLayer.KUBERNETES,
  severity: PolicySeverity.MEDIUM,
  info: 'Pods mount a Kubernetes API token only when their service account is bound to a Role or ClusterRole.',
  explanation: 'A pod whose service account no RoleBinding or ClusterRoleBinding of the platform binds has nothing to do '
    + 'with the API, so its token only helps an attacker: set automountServiceAccountToken: false on the pod or the '
    + 'ServiceAccount. (Pod Identity credentials for AWS come from the agent, not from this token.)',
  benchmarks: [Benchmarks.cisEks('4.1.6', 'Ensure that Service Account Tokens are only mounted where necessary')],
  evaluate(resource, context) {
    const bound = boundServiceAccounts(context);
    return evaluatePods(resource, context, (pod) => {
      const account = pod.group.serviceAccount;
      if (!mountsToken(pod.podSpec, pod.group.namespace, account, context) || bound.has(`${pod.group.namespace}/${account}`)) return [];
      return [{ ...(podSubject(pod) ? { subject: podSubject(pod) } : {}), message: `mounts the token of service account ${account}, which no Role or ClusterRole is bound to`, fix: 'set automountServiceAccountToken: false on the pod spec (or on the ServiceAccount)' }];
    });
  },
};
