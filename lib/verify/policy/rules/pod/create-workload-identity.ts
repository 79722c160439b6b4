import { Benchmarks } from '../../benchmarks';
import { KubernetesContext, KubernetesResourceInfo, KubernetesRule, PolicyLayer, PolicyPack, PolicySeverity, Results } from '../../types';

/** Resources whose create (or update) lets a person choose the service account pods run as. */
const POD_CREATING: { [group: string]: string[] } = {
  '': ['pods', 'replicationcontrollers'],
  'apps': ['deployments', 'replicasets', 'statefulsets', 'daemonsets'],
  'batch': ['jobs', 'cronjobs'],
};
const WRITE_VERBS = ['create', 'update', 'patch', '*'];

interface RoleRule { readonly apiGroups?: string[]; readonly resources?: string[]; readonly verbs?: string[]; readonly resourceNames?: string[] }

/** What a Role's rules let a person do to run pods as another identity, as `verb resource` phrases grouped by verb. */
function escalations(rules: RoleRule[]): string[] {
  const byVerb = new Map<string, Set<string>>();
  const add = (verb: string, resource: string) => byVerb.set(verb, (byVerb.get(verb) ?? new Set()).add(resource));
  for (const r of rules) {
    const verbs = r.verbs ?? [];
    const groups = r.apiGroups ?? [];
    const resources = r.resources ?? [];
    const has = (group: string, resource: string) => (groups.includes('*') || groups.includes(group)) && (resources.includes('*') || resources.includes(resource));
    const creates = verbs.includes('create') || verbs.includes('*');
    if (verbs.some((v) => WRITE_VERBS.includes(v))) {
      for (const [group, kinds] of Object.entries(POD_CREATING)) for (const k of kinds) if (has(group, k)) add(creates ? 'create' : 'update', k);
    }
    if (creates && has('', 'serviceaccounts')) add('create', 'serviceaccounts');
    if (creates && has('', 'serviceaccounts/token')) add('create', 'serviceaccounts/token');
    if ((verbs.includes('impersonate') || verbs.includes('*')) && has('', 'serviceaccounts')) add('impersonate', 'serviceaccounts');
  }
  return [...byVerb.entries()].map(([verb, resources]) => `${verb} ${[...resources].join(', ')}`);
}

/** Namespaces where a Role is granted to people (Users or Groups) by RoleBindings. */
function grantedToPeople(role: KubernetesResourceInfo, context: KubernetesContext): { namespaces: string[]; subjects: string[] } {
  const namespaces = new Set<string>();
  const subjects = new Set<string>();
  for (const { object } of context.objects) {
    if (object.kind !== 'RoleBinding' && object.kind !== 'ClusterRoleBinding') continue;
    const ref = object.roleRef as { kind?: string; name?: string } | undefined;
    if (ref?.kind !== role.object.kind || ref.name !== role.object.metadata.name) continue;
    if (role.object.kind === 'Role' && object.metadata.namespace !== role.namespace) continue;
    const people = (Array.isArray(object.subjects) ? object.subjects as Array<{ kind?: string; name?: string }> : []).filter((s) => s.kind === 'User' || s.kind === 'Group');
    if (people.length === 0) continue;
    people.forEach((s) => subjects.add(`${s.kind} ${s.name}`));
    if (object.kind === 'ClusterRoleBinding') namespaces.add('*');
    else namespaces.add(object.metadata.namespace ?? '');
  }
  return { namespaces: [...namespaces], subjects: [...subjects] };
}

/** People who may create pods in a namespace cannot run them as a service account with an IAM role. */
export const POD_CREATE_WORKLOAD_IDENTITY: KubernetesRule = {
  id: 'pod-create-workload-identity',
  pack: PolicyPack.POD_SECURITY,
  layer: PolicyLayer.KUBERNETES,
  severity: PolicySeverity.HIGH,
  info: 'No Role lets people create pods (or service accounts) in a namespace where a service account has a workload identity.',
  explanation: 'Whoever creates a pod chooses its serviceAccountName, and with it the IAM role EKS Pod Identity gives that '
    + 'service account. A Role or ClusterRole bound to Users or Groups that allows create/update of pods, Deployments, '
    + 'ReplicaSets, StatefulSets, DaemonSets, Jobs or CronJobs, create of serviceaccounts or serviceaccounts/token, or '
    + 'impersonate of serviceaccounts, in a namespace with a workload identity, lets them act as that identity (e.g. write '
    + 'to the training prefixes as ml-training). Compliant: people submit work through kinds whose service account the '
    + 'platform fixes, or an admission policy refuses their pods the identity\'s account; suppress with the policy as the '
    + 'reason. Custom kinds that also take a service account (TrainJob podSpecOverrides, Notebook, InferenceService) are '
    + 'not read by this rule.',
  benchmarks: [Benchmarks.cisEks('4.1.4', 'Minimize access to create pods'),
    Benchmarks.kubernetesDocs('RBAC good practices: workload creation', 'https://kubernetes.io/docs/concepts/security/rbac-good-practices/#workload-creation')],
  needs: ['workload-identities'],
  evaluate(role, context) {
    if ((role.object.kind !== 'Role' && role.object.kind !== 'ClusterRole') || !role.object.apiVersion.startsWith('rbac.authorization.k8s.io/')) return Results.notApplicable();
    const grants = escalations((Array.isArray(role.object.rules) ? role.object.rules : []) as RoleRule[]);
    if (grants.length === 0) return Results.notApplicable();
    const { namespaces, subjects } = grantedToPeople(role, context);
    if (subjects.length === 0) return Results.notApplicable();
    const identities = [...context.workloadIdentities].filter((id) => namespaces.includes('*') || namespaces.includes(id.split('/')[0])).sort();
    if (identities.length === 0) return Results.compliant();
    return Results.of([{
      message: `lets ${subjects.join(', ')} ${grants.join('; ')}, so they can run pods as ${identities.join(', ')} and use their IAM roles`,
      fix: 'drop those verbs (people submit TrainJobs, Notebooks, InferenceServices), or ship an admission policy that refuses people\'s pods these service accounts and suppress with it as the reason',
    }]);
  },
};
