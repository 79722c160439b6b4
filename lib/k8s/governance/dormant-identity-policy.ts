/**
 * Dormant service accounts: accounts an upstream chart creates with rights that nothing of the
 * platform runs as (the k8sgpt-operator chart's `k8sgpt`, bound to a ClusterRole that reads
 * Secrets in every namespace, when the platform turns its dynamic RBAC off). The chart cannot
 * leave them out; the policy keeps their rights out of reach:
 *
 * - no pod runs as one (a pod's `serviceAccountName`, set by the time validation runs);
 * - no token is issued for one (`serviceaccounts/token`, the TokenRequest API);
 * - no long-lived token Secret is made for one (`kubernetes.io/service-account-token`).
 *
 * Whoever may bind it to a pod or ask for its token in that namespace (a cluster admin) is
 * refused until the account is taken off the list.
 */
import { DormantIdentity } from './admission-options';
import { AdmissionOperation, AdmissionPolicyProps } from './admission-policy';
import { celStringList } from './cel-expressions';

/** Name of the policy. */
export const DORMANT_IDENTITY_POLICY = 'cnai-dormant-identities';

/** The annotation of a long-lived token Secret that names its service account. */
const TOKEN_SECRET_ACCOUNT = 'kubernetes.io/service-account.name';

/**
 * The dormant identity policy (none when the list is empty).
 * @param identities the dormant service accounts
 */
export function dormantIdentityPolicy(identities: DormantIdentity[]): AdmissionPolicyProps | undefined {
  if (identities.length === 0) return undefined;
  const namespaces = [...new Set(identities.map((d) => d.namespace))].sort();
  const accounts = [...new Set(identities.map((d) => `${d.namespace}/${d.serviceAccount}`))].sort();
  return {
    name: DORMANT_IDENTITY_POLICY,
    description: 'Service accounts upstream creates with rights that nothing of the platform runs as: no pod runs as them, no token is issued for them. '
      + identities.map((d) => `${d.namespace}/${d.serviceAccount}: ${d.reason}`).join('; '),
    resourceRules: [
      { apiGroups: [''], apiVersions: ['v1'], resources: ['pods'], operations: [AdmissionOperation.CREATE] },
      { apiGroups: [''], apiVersions: ['v1'], resources: ['serviceaccounts/token'], operations: [AdmissionOperation.CREATE] },
      { apiGroups: [''], apiVersions: ['v1'], resources: ['secrets'], operations: [AdmissionOperation.CREATE, AdmissionOperation.UPDATE] },
    ],
    variables: [{
      // The namespace/name of the service account the request would use, or '' for a Secret that is no token.
      name: 'account',
      expression: 'request.namespace + \'/\' + (request.subResource == \'token\' ? request.name '
        + ': object.kind == \'Pod\' ? (has(object.spec.serviceAccountName) ? object.spec.serviceAccountName : \'default\') '
        + ': object.kind == \'Secret\' && has(object.type) && object.type == \'kubernetes.io/service-account-token\' && has(object.metadata.annotations) '
        + `&& '${TOKEN_SECRET_ACCOUNT}' in object.metadata.annotations ? object.metadata.annotations['${TOKEN_SECRET_ACCOUNT}'] : '')`,
    }],
    validations: [{
      expression: `!(variables.account in ${celStringList(accounts)})`,
      message: 'A dormant service account (created by upstream with rights nothing of the platform uses) runs no pod and gets no token: '
        + 'use a service account of your own.',
      messageExpression: `variables.account + ' is a dormant service account (created by upstream with rights nothing of the platform uses): '
        + 'it runs no pod and gets no token; use a service account of your own'`,
    }],
    bindings: [{
      name: DORMANT_IDENTITY_POLICY,
      namespaceSelector: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: namespaces }] },
    }],
  };
}
