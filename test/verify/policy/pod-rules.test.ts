// The pod security pack: each rule over a compliant and a non-compliant literal workload.
import { CONTRACT, deployment, goodContainer, goodPodSpec, job, namespace, runKubernetesRule } from './helpers';
import { RuleStatus } from '../../../lib/verify/policy';
import {
  POD_APPARMOR, POD_CAPABILITIES, POD_CREATE_WORKLOAD_IDENTITY, POD_HOST_NAMESPACES, POD_HOST_PATH, POD_HOST_PORTS, POD_HOST_PROCESS,
  POD_IMAGE_PINNED, POD_NAMESPACE_RESTRICTED, POD_PRIORITY_CLASS, POD_PRIVILEGE_ESCALATION, POD_PRIVILEGED, POD_PROBES, POD_PROC_MOUNT,
  POD_READ_ONLY_ROOT_FILESYSTEM, POD_RESOURCES, POD_RUN_AS_NON_ROOT, POD_RUN_AS_USER, POD_SECCOMP, POD_SELINUX, POD_SERVICE_ACCOUNT_TOKEN,
  POD_SYSCTLS, POD_VOLUME_TYPES,
} from '../../../lib/verify/policy/rules/pod';

const C = RuleStatus.COMPLIANT;
const NA = RuleStatus.NOT_APPLICABLE;
const CONFIG_MAP = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'ns' }, data: {} };
const withContainer = (over: any, podOver: any = {}) => deployment(goodPodSpec({ containers: [{ ...goodContainer(), ...over }], ...podOver }));
const withSecurity = (sc: any) => withContainer({ securityContext: { ...goodContainer().securityContext, ...sc } });

/** The pod rules every compliant workload passes and every object without pods is not applicable to. */
const POD_RULES = [POD_PRIVILEGED, POD_HOST_NAMESPACES, POD_HOST_PATH, POD_HOST_PORTS, POD_HOST_PROCESS, POD_APPARMOR, POD_SELINUX, POD_PROC_MOUNT,
  POD_SYSCTLS, POD_VOLUME_TYPES, POD_PRIVILEGE_ESCALATION, POD_RUN_AS_NON_ROOT, POD_RUN_AS_USER, POD_SECCOMP, POD_CAPABILITIES,
  POD_READ_ONLY_ROOT_FILESYSTEM, POD_RESOURCES, POD_PROBES, POD_IMAGE_PINNED, POD_SERVICE_ACCOUNT_TOKEN, POD_PRIORITY_CLASS];

describe('a restricted, hygienic Deployment passes every pod rule; a ConfigMap is not applicable', () => {
  const service = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'app', namespace: 'ns' }, spec: { selector: { app: 'app' }, ports: [{ port: 80, targetPort: 'http' }] } };
  test.each(POD_RULES.map((r) => [r.id, r]))('%s', (_id, rule) => {
    expect(runKubernetesRule(rule, [deployment(), service]).status).toBe(C);
    expect(runKubernetesRule(rule, [CONFIG_MAP]).status).toBe(NA);
  });
});

describe('non-compliant workloads', () => {
  test('pod-privileged', () => {
    expect(runKubernetesRule(POD_PRIVILEGED, [withSecurity({ privileged: true })]).findings).toEqual(['container app: runs privileged']);
  });
  test('pod-host-namespaces', () => {
    expect(runKubernetesRule(POD_HOST_NAMESPACES, [deployment(goodPodSpec({ hostNetwork: true, hostPID: true }))]).findings).toEqual([
      'uses the node\'s network namespace (NetworkPolicies do not apply to it) (hostNetwork)',
      'uses the node\'s process namespace (hostPID)',
    ]);
  });
  test('pod-host-path', () => {
    expect(runKubernetesRule(POD_HOST_PATH, [deployment(goodPodSpec({ volumes: [{ name: 'sock', hostPath: { path: '/var/run' } }] }))]).findings)
      .toEqual(['volume sock: mounts host path /var/run']);
  });
  test('pod-host-ports', () => {
    expect(runKubernetesRule(POD_HOST_PORTS, [withContainer({ ports: [{ containerPort: 8080, hostPort: 8080 }] })]).findings).toEqual(['container app: binds host port 8080']);
  });
  test('pod-host-process', () => {
    expect(runKubernetesRule(POD_HOST_PROCESS, [deployment(goodPodSpec({ securityContext: { windowsOptions: { hostProcess: true } } }))]).findings)
      .toEqual(['container app: is a HostProcess container']);
  });
  test('pod-apparmor: the field and the legacy annotation', () => {
    expect(runKubernetesRule(POD_APPARMOR, [withSecurity({ appArmorProfile: { type: 'Unconfined' } })]).findings).toEqual(['container app: runs with AppArmor Unconfined']);
    const annotated = deployment();
    annotated.spec.template.metadata.annotations = { 'container.apparmor.security.beta.kubernetes.io/app': 'unconfined' };
    expect(runKubernetesRule(POD_APPARMOR, [annotated]).findings).toEqual(['container app: runs with AppArmor unconfined']);
  });
  test('pod-selinux', () => {
    expect(runKubernetesRule(POD_SELINUX, [withSecurity({ seLinuxOptions: { type: 'spc_t', user: 'system_u' } })]).findings).toEqual(['container app: sets SELinux type spc_t, user system_u']);
  });
  test('pod-proc-mount', () => {
    expect(runKubernetesRule(POD_PROC_MOUNT, [withSecurity({ procMount: 'Unmasked' })]).findings).toEqual(['container app: mounts /proc Unmasked']);
  });
  test('pod-sysctls', () => {
    const spec = goodPodSpec();
    spec.securityContext.sysctls = [{ name: 'net.ipv4.tcp_syncookies', value: '1' }, { name: 'kernel.msgmax', value: '1' }];
    expect(runKubernetesRule(POD_SYSCTLS, [deployment(spec)]).findings).toEqual(['sets unsafe sysctls kernel.msgmax']);
  });
  test('pod-volume-types (hostPath is pod-host-path\'s)', () => {
    const spec = goodPodSpec({ volumes: [{ name: 'nfs', nfs: { server: 'x', path: '/' } }, { name: 'h', hostPath: { path: '/x' } }] });
    expect(runKubernetesRule(POD_VOLUME_TYPES, [deployment(spec)]).findings).toEqual(['volume nfs: is a nfs volume']);
  });
  test('pod-privilege-escalation: unset counts as allowed', () => {
    const sc = { ...goodContainer().securityContext };
    delete sc.allowPrivilegeEscalation;
    expect(runKubernetesRule(POD_PRIVILEGE_ESCALATION, [withContainer({ securityContext: sc })]).findings).toEqual(['container app: allows privilege escalation (allowPrivilegeEscalation unset)']);
  });
  test('pod-run-as-non-root: inherited from the pod unless a container overrides it', () => {
    const c = goodContainer();
    delete c.securityContext.runAsNonRoot;
    expect(runKubernetesRule(POD_RUN_AS_NON_ROOT, [deployment(goodPodSpec({ containers: [c] }))]).status).toBe(C);
    expect(runKubernetesRule(POD_RUN_AS_NON_ROOT, [withSecurity({ runAsNonRoot: false })]).findings).toEqual(['container app: may run as root (runAsNonRoot false)']);
    const init = goodPodSpec({ securityContext: {}, initContainers: [{ ...c, name: 'init' }] });
    expect(runKubernetesRule(POD_RUN_AS_NON_ROOT, [deployment(init)]).findings).toEqual(['initContainer init: may run as root (runAsNonRoot unset)']);
  });
  test('pod-run-as-user', () => {
    expect(runKubernetesRule(POD_RUN_AS_USER, [deployment(goodPodSpec({ securityContext: { runAsUser: 0, runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } } }))]).findings)
      .toEqual(['runs its pod as user 0']);
    expect(runKubernetesRule(POD_RUN_AS_USER, [withSecurity({ runAsUser: 0 })]).findings).toEqual(['container app: runs as user 0']);
  });
  test('pod-seccomp', () => {
    const c = goodContainer();
    delete c.securityContext.seccompProfile;
    expect(runKubernetesRule(POD_SECCOMP, [deployment(goodPodSpec({ containers: [c], securityContext: {} }))]).findings).toEqual(['container app: runs without a seccomp profile (unset)']);
    expect(runKubernetesRule(POD_SECCOMP, [withSecurity({ seccompProfile: { type: 'Unconfined' } })]).findings).toEqual(['container app: runs without a seccomp profile (Unconfined)']);
  });
  test('pod-capabilities', () => {
    expect(runKubernetesRule(POD_CAPABILITIES, [withSecurity({ capabilities: { add: ['NET_ADMIN', 'NET_BIND_SERVICE'] } })]).findings).toEqual([
      'container app: keeps the runtime\'s default capabilities (drop does not include ALL)',
      'container app: adds capabilities NET_ADMIN',
    ]);
  });
  test('pod-read-only-root-filesystem', () => {
    expect(runKubernetesRule(POD_READ_ONLY_ROOT_FILESYSTEM, [withSecurity({ readOnlyRootFilesystem: false })]).findings).toEqual(['container app: has a writable root file system']);
  });
  test('pod-resources', () => {
    expect(runKubernetesRule(POD_RESOURCES, [withContainer({ resources: { requests: { cpu: '1' } } })]).findings).toEqual(['container app: has no requests.memory, limits.memory']);
  });
  test('pod-probes: liveness always, readiness when a Service selects the pods; Jobs not applicable', () => {
    expect(runKubernetesRule(POD_PROBES, [withContainer({ livenessProbe: undefined })]).findings).toEqual(['container app: has no livenessProbe']);
    const service = { apiVersion: 'v1', kind: 'Service', metadata: { name: 's', namespace: 'ns' }, spec: { selector: { app: 'app' }, ports: [{ port: 80 }] } };
    expect(runKubernetesRule(POD_PROBES, [withContainer({ readinessProbe: undefined })]).status).toBe(C);
    expect(runKubernetesRule(POD_PROBES, [withContainer({ readinessProbe: undefined }), service]).findings).toEqual(['container app: has no readinessProbe (a Service selects its pods)']);
    expect(runKubernetesRule(POD_PROBES, [job({ containers: [{ ...goodContainer(), livenessProbe: undefined }] })]).status).toBe(NA);
  });
  test('pod-image-pinned: latest, untagged; a digest or tag with a registry port is pinned', () => {
    expect(runKubernetesRule(POD_IMAGE_PINNED, [withContainer({ image: 'docker.io/library/python:latest' })]).findings).toEqual(['container app: runs docker.io/library/python:latest']);
    expect(runKubernetesRule(POD_IMAGE_PINNED, [withContainer({ image: 'registry:5000/team/app' })]).findings).toEqual(['container app: runs registry:5000/team/app (no tag: latest)']);
    expect(runKubernetesRule(POD_IMAGE_PINNED, [withContainer({ image: 'registry:5000/team/app@sha256:abc' })]).status).toBe(C);
  });
  test('pod-service-account-token: mounted for an account no role is bound to; fine when bound', () => {
    const spec = goodPodSpec({ automountServiceAccountToken: undefined, serviceAccountName: 'app' });
    expect(runKubernetesRule(POD_SERVICE_ACCOUNT_TOKEN, [deployment(spec)]).findings).toEqual(['mounts the token of service account app, which no Role or ClusterRole is bound to']);
    const binding = {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: 'b', namespace: 'ns' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'r' },
      subjects: [{ kind: 'ServiceAccount', name: 'app', namespace: 'ns' }],
    };
    expect(runKubernetesRule(POD_SERVICE_ACCOUNT_TOKEN, [deployment(spec), binding]).status).toBe(C);
    const account = { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'app', namespace: 'ns' }, automountServiceAccountToken: false };
    expect(runKubernetesRule(POD_SERVICE_ACCOUNT_TOKEN, [deployment(spec), account]).status).toBe(C);
  });
  test('pod-priority-class: long-running pods only', () => {
    expect(runKubernetesRule(POD_PRIORITY_CLASS, [deployment(goodPodSpec({ priorityClassName: undefined }))]).findings).toEqual(['names no PriorityClass']);
    expect(runKubernetesRule(POD_PRIORITY_CLASS, [job(goodPodSpec({ priorityClassName: undefined }))]).status).toBe(NA);
  });
});

describe('pod-namespace-restricted', () => {
  test('compliant: restricted; non-compliant: weaker or unlabelled; other kinds not applicable', () => {
    expect(runKubernetesRule(POD_NAMESPACE_RESTRICTED, [namespace('a', { 'pod-security.kubernetes.io/enforce': 'restricted' })]).status).toBe(C);
    expect(runKubernetesRule(POD_NAMESPACE_RESTRICTED, [namespace('a', { 'pod-security.kubernetes.io/enforce': 'baseline' })]).findings).toEqual(['enforces baseline, not restricted']);
    expect(runKubernetesRule(POD_NAMESPACE_RESTRICTED, [namespace('a')]).findings).toEqual(['enforces no Pod Security level']);
    expect(runKubernetesRule(POD_NAMESPACE_RESTRICTED, [CONFIG_MAP]).status).toBe(NA);
  });
  test('the namespace\'s pod-security reason is its suppression, reported with the reason', () => {
    const r = runKubernetesRule(POD_NAMESPACE_RESTRICTED, [namespace('gpu', { 'pod-security.kubernetes.io/enforce': 'privileged' }, { 'cnai.io/pod-security-reason': 'device plugin registers through a host socket' })]);
    expect(r.report.passed).toBe(true);
    expect(r.report.findings[0].suppression).toEqual({ id: 'pod-namespace-restricted', reason: 'device plugin registers through a host socket' });
  });
});

describe('pod-create-workload-identity', () => {
  const role = (rules: any[]) => ({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'dev', namespace: 'team-a' }, rules });
  const binding = (subjects: any[]) => ({
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { name: 'devs', namespace: 'team-a' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'dev' },
    subjects,
  });
  const people = [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'team-a-developers' }];
  test('non-compliant: people may create pods and service accounts where ml-training has an IAM role', () => {
    const r = runKubernetesRule(POD_CREATE_WORKLOAD_IDENTITY, [
      role([{ apiGroups: ['', 'batch'], resources: ['pods', 'serviceaccounts', 'jobs'], verbs: ['create', 'get'] }]), binding(people),
    ], { contract: CONTRACT });
    expect(r.findings).toEqual(['lets Group team-a-developers create pods, jobs, serviceaccounts, so they can run pods as team-a/ml-training and use their IAM roles']);
  });
  test('compliant: the same Role where no service account has an identity; people who only submit TrainJobs', () => {
    const elsewhere = { ...CONTRACT, workloadIdentities: [{ namespace: 'team-b', serviceAccount: 'ml-training', roleName: 'r' }] };
    expect(runKubernetesRule(POD_CREATE_WORKLOAD_IDENTITY, [role([{ apiGroups: [''], resources: ['pods'], verbs: ['create'] }]), binding(people)], { contract: elsewhere }).status).toBe(C);
    expect(runKubernetesRule(POD_CREATE_WORKLOAD_IDENTITY, [role([{ apiGroups: ['trainer.kubeflow.org'], resources: ['trainjobs'], verbs: ['create'] }]), binding(people)], { contract: CONTRACT }).status).toBe(NA);
  });
  test('not applicable: a Role bound only to service accounts', () => {
    expect(runKubernetesRule(POD_CREATE_WORKLOAD_IDENTITY, [role([{ apiGroups: [''], resources: ['pods'], verbs: ['create'] }]), binding([{ kind: 'ServiceAccount', name: 'ctl', namespace: 'team-a' }])],
      { contract: CONTRACT }).status).toBe(NA);
  });
  test('workload identities from the Terraform stack when no contract is given', () => {
    const tf = { resource: { aws_eks_pod_identity_association: { a: { namespace: 'team-a', service_account: 'ml-training', cluster_name: 'c', role_arn: 'r' } } } };
    const r = runKubernetesRule(POD_CREATE_WORKLOAD_IDENTITY, [role([{ apiGroups: ['apps'], resources: ['*'], verbs: ['*'] }]), binding(people)], {}, tf);
    expect(r.findings).toEqual(['lets Group team-a-developers create deployments, replicasets, statefulsets, daemonsets, so they can run pods as team-a/ml-training and use their IAM roles']);
  });
});
