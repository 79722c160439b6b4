/**
 * cnai-dormant-identities: the service accounts upstream creates with rights nothing of the
 * platform uses (k8sgpt-operator's `k8sgpt`, bound to Secret reads everywhere) run no pod and get
 * no token, evaluated on the assistant example's policies with allowed and denied requests.
 */
import { Chart, Testing } from 'cdk8s';
import { admit, AdmissionRequest, problemsOf } from './admission';
import { controller } from './fixture';
import { buildAssistantApp } from '../../../examples/assistant/main';
import { AdmissionPolicyMode, CnaiKubernetesPlatform, PlatformAdmissionPolicies, PlatformAdmissionPoliciesProps } from '../../../lib/k8s';
import { dormantIdentityPolicy } from '../../../lib/k8s/governance/dormant-identity-policy';

const app = buildAssistantApp(Testing.app().outdir);
const objects: any[] = app.charts.flatMap((c) => Testing.synth(c));
const POLICY = 'cnai-dormant-identities';
const OPERATOR_NS = 'k8sgpt-operator-system';
const ADMIN = { username: 'alice@example.com', groups: ['system:masters'] };

function verdicts(req: AdmissionRequest) {
  return admit(objects, req).filter((v) => v.policy === POLICY);
}

const pod = (namespace: string, serviceAccountName?: string) => ({
  apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace }, spec: { ...(serviceAccountName ? { serviceAccountName } : {}), containers: [{ name: 'c', image: 'x' }] },
});
const tokenRequest = (namespace: string, account: string) => ({
  apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', metadata: { name: account, namespace }, spec: { audiences: ['https://kubernetes.default.svc'] },
});
const tokenSecret = (namespace: string, account: string) => ({
  apiVersion: 'v1', kind: 'Secret', type: 'kubernetes.io/service-account-token', metadata: { name: `${account}-token`, namespace, annotations: { 'kubernetes.io/service-account.name': account } },
});
const DENIED = `${OPERATOR_NS}/k8sgpt is a dormant service account (created by upstream with rights nothing of the platform uses): it runs no pod and gets no token; `
  + 'use a service account of your own';

describe('the dormant identities policy (assistant example)', () => {
  test('is enforced in the operator\'s namespace only, naming the account and its reason', () => {
    const policy = objects.find((o) => o.kind === 'ValidatingAdmissionPolicy' && o.metadata.name === POLICY);
    const binding = objects.find((o) => o.kind === 'ValidatingAdmissionPolicyBinding' && o.metadata.name === POLICY);
    expect(binding.spec.validationActions).toEqual(['Deny', 'Audit']);
    expect(binding.spec.matchResources.namespaceSelector).toEqual({ matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: [OPERATOR_NS] }] });
    expect(policy.spec.matchConstraints.resourceRules).toEqual([
      { apiGroups: [''], apiVersions: ['v1'], resources: ['pods'], operations: ['CREATE'], scope: 'Namespaced' },
      { apiGroups: [''], apiVersions: ['v1'], resources: ['serviceaccounts/token'], operations: ['CREATE'], scope: 'Namespaced' },
      { apiGroups: [''], apiVersions: ['v1'], resources: ['secrets'], operations: ['CREATE', 'UPDATE'], scope: 'Namespaced' },
    ]);
    expect(policy.metadata.annotations['cnai.io/description']).toBe('Service accounts upstream creates with rights that nothing of the platform runs as: '
      + 'no pod runs as them, no token is issued for them. k8sgpt-operator-system/k8sgpt: k8sgpt-operator: the chart binds it to the ClusterRole '
      + 'k8sgpt-clusterrole, which reads Secrets in every namespace; no pod runs as it (the analyzers run in their own namespaces as the platform\'s '
      + 'service account, without Secret reads)');
  });

  test('a pod that runs as it is refused, even to a cluster admin; the operator\'s own pod and a pod without an account pass', () => {
    expect(problemsOf(verdicts({ operation: 'CREATE', object: pod(OPERATOR_NS, 'k8sgpt'), ...ADMIN }))).toEqual([DENIED]);
    expect(problemsOf(verdicts({ operation: 'CREATE', object: pod(OPERATOR_NS, 'k8sgpt-operator-controller-manager'), ...controller('replicaset-controller') }))).toEqual([]);
    expect(problemsOf(verdicts({ operation: 'CREATE', object: pod(OPERATOR_NS), ...ADMIN }))).toEqual([]);
  });

  test('a token for it is refused (TokenRequest, long-lived token Secret); other accounts\' tokens and other Secrets pass', () => {
    expect(problemsOf(verdicts({ operation: 'CREATE', object: tokenRequest(OPERATOR_NS, 'k8sgpt'), subResource: 'token', ...ADMIN }))).toEqual([DENIED]);
    expect(problemsOf(verdicts({ operation: 'CREATE', object: tokenSecret(OPERATOR_NS, 'k8sgpt'), ...ADMIN }))).toEqual([DENIED]);
    expect(problemsOf(verdicts({ operation: 'CREATE', object: tokenRequest(OPERATOR_NS, 'k8sgpt-operator-controller-manager'), subResource: 'token', ...ADMIN })))
      .toEqual([]);
    const opaque = { apiVersion: 'v1', kind: 'Secret', type: 'Opaque', metadata: { name: 'k8sgpt', namespace: OPERATOR_NS } };
    expect(problemsOf(verdicts({ operation: 'CREATE', object: opaque, ...ADMIN }))).toEqual([]);
  });

  test('the analyzers\' own account of the same name in the analysis namespace is not touched', () => {
    expect(verdicts({ operation: 'CREATE', object: pod('cnai-analysis', 'k8sgpt'), ...controller('replicaset-controller') })).toEqual([]);
    expect(verdicts({ operation: 'CREATE', object: tokenRequest('cnai-analysis', 'k8sgpt'), subResource: 'token', ...ADMIN })).toEqual([]);
  });
});

describe('dormantIdentityPolicy', () => {
  test('none without dormant accounts', () => {
    expect(dormantIdentityPolicy([])).toBeUndefined();
  });
});

describe('PlatformAdmissionPolicies.dormantIdentities', () => {
  const contract = () => app.node.findAll().find((c): c is CnaiKubernetesPlatform => c instanceof CnaiKubernetesPlatform)!.contract;
  const policies = (props: Partial<PlatformAdmissionPoliciesProps>) =>
    new PlatformAdmissionPolicies(new Chart(Testing.app(), 'c'), 'Policies', { contract: contract(), ...props });

  test('none by default (no policy); those given, enforced by default; WARN when asked', () => {
    const none = policies({});
    expect(none.dormantIdentities).toEqual([]);
    expect(none.policies[POLICY]).toBeUndefined();
    const given = [{ namespace: 'tools', serviceAccount: 'legacy-admin', reason: 'a chart of ours binds it to cluster-admin, unused' }];
    expect(policies({ dormantIdentities: given }).policies[POLICY].mode).toBe(AdmissionPolicyMode.ENFORCE);
    const warned = policies({ dormantIdentities: given, dormantIdentityMode: AdmissionPolicyMode.WARN });
    expect(warned.dormantIdentities).toEqual(given);
    expect(warned.policies[POLICY].mode).toBe(AdmissionPolicyMode.WARN);
  });

  test('a dormant identity without a stated reason, or with a name that is no service account\'s, is refused', () => {
    expect(() => policies({ dormantIdentities: [{ namespace: 'tools', serviceAccount: 'Legacy!', reason: 'short' }] })).toThrow('2 problems found:\n'
      + '  - c/Policies: invalid dormantIdentities[0].serviceAccount = "Legacy!": not a service account name. Fix: give the name of a service account (a DNS-1123 subdomain).\n'
      + '  - c/Policies: invalid dormantIdentities[0].reason = "short": a dormant service account needs a stated reason. Fix: say what it is granted and why '
      + 'nothing runs as it (at least 10 characters); the reason is written on the policy.');
  });
});
