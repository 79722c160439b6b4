/** cnai-no-host-access, evaluated with allowed and denied objects. */
import { admit, AdmissionRequest, problemsOf } from './admission';
import { ARGO_CD, container, create, DEVELOPER, pod, policyObjects, TEAM_A, workload } from './fixture';

const POLICY = 'cnai-no-host-access';
const objects = policyObjects();
const IMAGE = 'docker.io/library/busybox:1.37.0';

function problems(req: AdmissionRequest): string[] {
  return problemsOf(admit(objects, req).filter((v) => v.policy === POLICY));
}
const in_ = (namespace: string) => ({ name: 'p', namespace });
const PRIVILEGED = 'Pods use privileged containers only in the namespaces that need it (hostAccessExemptions, with a reason): run the workload without it, or in a namespace exempt for it.';
const message = (what: string) => `Pods use ${what} only in the namespaces that need it (hostAccessExemptions, with a reason): run the workload without it, or in a namespace exempt for it.`;
const HOST_PATH = { volumes: [{ name: 'plugins', hostPath: { path: '/var/lib/kubelet/device-plugins' } }] };

describe('host access: allowed', () => {
  test('an ordinary pod, with privileged: false written out', () => {
    const ordinary = pod({ containers: [container(IMAGE, { securityContext: { privileged: false } })], hostNetwork: false });
    expect(problems(create(ordinary, DEVELOPER))).toEqual([]);
  });

  test('the GPU device plugin\'s hostPath in its namespace', () => {
    expect(problems(create(pod({ containers: [container(IMAGE)], ...HOST_PATH }, in_('nvidia-gpu')), ARGO_CD, {}))).toEqual([]);
  });

  test('node exporter\'s host network, PID namespace and host paths in monitoring', () => {
    const nodeExporter = { containers: [container(IMAGE)], hostNetwork: true, hostPID: true, volumes: [{ name: 'root', hostPath: { path: '/' } }] };
    expect(problems(create(workload('DaemonSet', nodeExporter, in_('monitoring')), ARGO_CD, {}))).toEqual([]);
  });

  test('kube-system is outside the binding (the EKS add-ons)', () => {
    const awsNode = pod({ containers: [container(IMAGE, { securityContext: { privileged: true } })], hostNetwork: true, ...HOST_PATH }, in_('kube-system'));
    expect(admit(objects, create(awsNode, ARGO_CD, {})).filter((v) => v.policy === POLICY)).toEqual([]);
  });
});

describe('host access: denied', () => {
  test('a privileged container, also an init or an ephemeral one, in a team namespace', () => {
    expect(problems(create(pod({ containers: [container(IMAGE, { securityContext: { privileged: true } })] }), DEVELOPER))).toEqual([PRIVILEGED]);
    const init = pod({ initContainers: [container(IMAGE, { securityContext: { privileged: true } })], containers: [container(IMAGE)] });
    expect(problems(create(init, DEVELOPER))).toEqual([PRIVILEGED]);
    const before = pod({ containers: [container(IMAGE)] });
    const after = { ...before, spec: { ...before.spec, ephemeralContainers: [{ name: 'debug', image: IMAGE, securityContext: { privileged: true } }] } };
    expect(problems({ operation: 'UPDATE', object: after, oldObject: before, namespaceLabels: TEAM_A, subResource: 'ephemeralcontainers', ...DEVELOPER })).toEqual([PRIVILEGED]);
  });

  test('host network, PID and IPC namespaces and hostPath, each with its own message', () => {
    const spec = { containers: [container(IMAGE)], hostNetwork: true, hostPID: true, hostIPC: true, ...HOST_PATH };
    expect(problems(create(workload('Deployment', spec), DEVELOPER))).toEqual([
      message('the node\'s network (hostNetwork)'),
      message('the node\'s processes (hostPID)'),
      message('the node\'s IPC (hostIPC)'),
      message('the node\'s filesystem (hostPath volumes)'),
    ]);
  });

  test('an exemption allows only what it lists: no privileged containers or host network beside the device plugin', () => {
    const spec = { containers: [container(IMAGE, { securityContext: { privileged: true } })], hostNetwork: true, ...HOST_PATH };
    expect(problems(create(pod(spec, in_('nvidia-gpu')), ARGO_CD, {}))).toEqual([PRIVILEGED, message('the node\'s network (hostNetwork)')]);
  });

  test('any other namespace, including one created later without Pod Security labels', () => {
    expect(problems(create(pod({ containers: [container(IMAGE)], hostPID: true }, in_('default')), ARGO_CD, {}))).toEqual([message('the node\'s processes (hostPID)')]);
    expect(problems(create(pod({ containers: [container(IMAGE)], ...HOST_PATH }, in_('scratch')), DEVELOPER, {}))).toEqual([message('the node\'s filesystem (hostPath volumes)')]);
  });
});
