/**
 * The k8s-platform example composes the platform from constructs (CnaiKubernetesPlatform) and
 * ships its admission policies through PlatformAdmissionPolicies.forPlatform: its own workloads
 * (the GPU support's device plugins and DCGM exporter) pass them once enforced, and what the
 * policies are for is refused: people's pods as the training identity, GPU pods outside Kueue,
 * access to the node from a team namespace or beyond an exemption.
 */
import { Testing } from 'cdk8s';
import { admit, AdmissionRequest, compileAll, problemsOf } from './admission';
import { container, create, GPU, pod, workload } from './fixture';
import { namespaceLabelsOf, platformRequests, withoutExemptions } from './platform-requests';
import { buildApp } from '../../../examples/k8s-platform/main';

const app = buildApp(Testing.app().outdir);
const objects: any[] = app.charts.flatMap((c) => Testing.synth(c));
const { requests, others } = platformRequests(objects);
const TEAM = 'team-vision';
const teamLabels = namespaceLabelsOf(objects).get(TEAM)!;
/** A person of the vision team's developer group. */
const DEVELOPER = { username: 'alice@example.com', groups: ['vision-developers', 'system:authenticated'] };
const byDeveloper = (object: any): AdmissionRequest =>
  create({ ...object, metadata: { ...object.metadata, namespace: TEAM } }, DEVELOPER, teamLabels);
const IMAGE = 'nvcr.io/nvidia/pytorch:25.01-py3';

describe('the k8s-platform example under its admission policies', () => {
  test('it ships the six policies in the platform chart, the rules in warn mode and the identity boundaries enforced', () => {
    const policies = objects.filter((o) => o.kind === 'ValidatingAdmissionPolicy');
    expect(policies.map((p) => p.metadata.name).sort()).toEqual([
      'cnai-allowed-images', 'cnai-gpu-workloads-through-kueue', 'cnai-no-host-access', 'cnai-served-model-sources', 'cnai-serving-identity', 'cnai-training-identity',
    ]);
    expect(compileAll(policies)).toBeGreaterThan(50);
    const actions = Object.fromEntries(objects.filter((o) => o.kind === 'ValidatingAdmissionPolicyBinding').map((b) => [b.metadata.name, b.spec.validationActions.join(',')]));
    expect(actions).toEqual({
      'cnai-gpu-workloads-through-kueue': 'Warn,Audit',
      'cnai-allowed-images-teams': 'Warn,Audit',
      'cnai-allowed-images-platform': 'Warn,Audit',
      'cnai-no-host-access': 'Warn,Audit',
      'cnai-served-model-sources': 'Warn,Audit',
      'cnai-training-identity': 'Deny,Audit',
      'cnai-serving-identity': 'Deny,Audit',
    });
  });

  test('nothing the platform runs would be denied once enforced; the device plugins need their exemption', () => {
    expect(requests.map((r) => r.what)).toEqual([
      'DaemonSet nvidia-gpu/nvidia-device-plugin-gpu-a10g (applied by Argo CD)', 'pod of DaemonSet nvidia-gpu/nvidia-device-plugin-gpu-a10g',
      'DaemonSet nvidia-gpu/nvidia-device-plugin-gpu-l40s (applied by Argo CD)', 'pod of DaemonSet nvidia-gpu/nvidia-device-plugin-gpu-l40s',
      'DaemonSet nvidia-gpu/dcgm-exporter (applied by Argo CD)', 'pod of DaemonSet nvidia-gpu/dcgm-exporter',
    ]);
    expect(others).toEqual([]);
    expect(requests.filter((r) => problemsOf(admit(objects, r.request)).length > 0).map((r) => r.what)).toEqual([]);
    // The image policy judged the GPU support's namespace (a platform namespace from the platform's GPU support).
    expect(admit(objects, requests[1].request).map((v) => v.binding)).toEqual(expect.arrayContaining(['cnai-allowed-images-platform', 'cnai-no-host-access']));
    const denied = requests.filter((r) => problemsOf(admit(withoutExemptions(objects), r.request)).length > 0).map((r) => r.what);
    expect(denied).toContain('pod of DaemonSet nvidia-gpu/nvidia-device-plugin-gpu-a10g');
  });

  test('a developer\'s pod as the training identity is denied (enforced); the same pod with the default account is allowed', () => {
    const asTraining = byDeveloper(pod({ serviceAccountName: 'ml-training', containers: [container(IMAGE)] }));
    expect(problemsOf(admit(objects, asTraining), 'cnai-training-identity').join('\n')).toMatch(/alice@example.com may not create or change a pod that runs as ml-training/);
    const own = byDeveloper(pod({ containers: [container(IMAGE)] }));
    expect(problemsOf(admit(objects, own))).toEqual([]);
  });

  test('a developer\'s GPU Deployment outside Kueue, and a hostPath pod in the team namespace, are refused by the rules', () => {
    const gpuDeployment = byDeveloper(workload('Deployment', { containers: [container(IMAGE, GPU)] }));
    expect(problemsOf(admit(objects, gpuDeployment), 'cnai-gpu-workloads-through-kueue')).toHaveLength(1);
    const hostPath = byDeveloper(pod({ containers: [container(IMAGE)], volumes: [{ name: 'h', hostPath: { path: '/var/run' } }] }));
    expect(problemsOf(admit(objects, hostPath), 'cnai-no-host-access')).toHaveLength(1);
  });

  test('the GPU support\'s exemption is host paths only: a privileged container there is refused', () => {
    const dcgm = requests.find((r) => r.what === 'pod of DaemonSet nvidia-gpu/dcgm-exporter')!.request;
    const spec = dcgm.object.spec;
    const containers = spec.containers.map((c: any) => ({ ...c, securityContext: { ...c.securityContext, privileged: true } }));
    const privileged = { ...dcgm, object: { ...dcgm.object, spec: { ...spec, containers } } };
    expect(problemsOf(admit(objects, privileged), 'cnai-no-host-access')).toHaveLength(1);
  });
});
