/** cnai-allowed-images, evaluated with allowed and denied objects. */
import { admit, AdmissionRequest, problemsOf } from './admission';
import { ARGO_CD, container, create, DEVELOPER, ECR_TRAINER, pod, policyObjects, TEAM_A, workload } from './fixture';

const POLICY = 'cnai-allowed-images';
const objects = policyObjects({ additionalImageSources: ['quay.io/jupyter'] });

function problems(req: AdmissionRequest): string[] {
  const verdicts = admit(objects, req).filter((v) => v.policy === POLICY);
  expect(verdicts).toHaveLength(1);
  return problemsOf(verdicts);
}
const podOf = (...images: string[]) => pod({ containers: images.map((i, n) => container(i, { name: `c${n}` })) });
const DIGEST = `sha256:${'a'.repeat(64)}`;

describe('images: allowed', () => {
  test('pinned images of the publishers the platform pins', () => {
    expect(problems(create(podOf('docker.io/vllm/vllm-openai:v0.30.0', 'ghcr.io/kubeflow/trainer/deepspeed-runtime:v2.3.0', 'nvcr.io/nvidia/cuda:12.8.0-base-ubuntu24.04')))).toEqual([]);
  });

  test('Docker Hub short names resolve to docker.io (vllm/vllm-openai, postgres → library/postgres)', () => {
    expect(problems(create(podOf('vllm/vllm-openai:v0.30.0', 'postgres:17.6', 'library/python:3.14.2-slim-bookworm')))).toEqual([]);
  });

  test('the platform\'s ECR namespace (its repositories and their siblings), by tag or digest; an additional source', () => {
    const sibling = '123456789012.dkr.ecr.us-west-2.amazonaws.com/cnai-test/chat-prep:0.9.2';
    expect(problems(create(podOf(`${ECR_TRAINER}:1.3.0`, `${ECR_TRAINER}@${DIGEST}`, sibling, 'quay.io/jupyter/base-notebook:2026-11-30')))).toEqual([]);
  });

  test('a digest pins an image whatever its tag says', () => {
    expect(problems(create(podOf(`docker.io/vllm/vllm-openai:latest@${DIGEST}`)))).toEqual([]);
  });

  test('init containers and workload templates are checked the same way', () => {
    const spec = { initContainers: [container('docker.io/kserve/storage-initializer:v0.20.0', { name: 'init' })], containers: [container('docker.io/vllm/vllm-openai:v0.30.0')] };
    for (const kind of ['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob']) expect(problems(create(workload(kind, spec), DEVELOPER))).toEqual([]);
  });

  test('the platform\'s own namespaces by name (their second binding)', () => {
    const verdicts = admit(objects, create(pod({ containers: [container('nvcr.io/nvidia/k8s-device-plugin:v0.19.0')] }, { namespace: 'nvidia-gpu' }), ARGO_CD, {}));
    expect(verdicts.filter((v) => v.policy === POLICY).map((v) => [v.binding, v.violations])).toEqual([['cnai-allowed-images-platform', []]]);
  });
});

describe('images: denied', () => {
  const UNPINNED = /^images must name a tag other than latest, or a digest: /;

  test('latest, or no tag at all (a registry port is not a tag)', () => {
    expect(problems(create(podOf('docker.io/vllm/vllm-openai:latest')))).toEqual(['images must name a tag other than latest, or a digest: docker.io/vllm/vllm-openai:latest']);
    expect(problems(create(podOf('docker.io/vllm/vllm-openai')))).toEqual([expect.stringMatching(UNPINNED)]);
    expect(problems(create(podOf('localhost:5000/vllm/vllm-openai')))).toEqual([
      'images must name a tag other than latest, or a digest: localhost:5000/vllm/vllm-openai',
      'images must come from the platform\'s ECR repositories or the publishers of its pinned images, not: localhost:5000/vllm/vllm-openai',
    ]);
  });

  test('another publisher, on Docker Hub or elsewhere; a look-alike of an allowed one', () => {
    expect(problems(create(podOf('docker.io/randomuser/vllm:v1', 'alpine:3.20', 'ghcr.io/kubeflow-mirror/trainer:v2.3.0')))).toEqual([
      'images must come from the platform\'s ECR repositories or the publishers of its pinned images, not: '
        + 'docker.io/randomuser/vllm, docker.io/library/alpine, ghcr.io/kubeflow-mirror/trainer',
    ]);
    // Another account's ECR, or another namespace of the same registry.
    expect(problems(create(podOf('210987654321.dkr.ecr.us-west-2.amazonaws.com/cnai-test/trainer:1.0', '123456789012.dkr.ecr.us-west-2.amazonaws.com/cnai-prod/trainer:1.0')))).toEqual([
      'images must come from the platform\'s ECR repositories or the publishers of its pinned images, not: '
        + '210987654321.dkr.ecr.us-west-2.amazonaws.com/cnai-test/trainer, 123456789012.dkr.ecr.us-west-2.amazonaws.com/cnai-prod/trainer',
    ]);
  });

  test('an ephemeral debug container (kubectl debug) with an unpinned image', () => {
    const before = podOf('docker.io/vllm/vllm-openai:v0.30.0');
    const after = { ...before, spec: { ...before.spec, ephemeralContainers: [{ name: 'debugger', image: 'nicolaka/netshoot' }] } };
    const req: AdmissionRequest = { operation: 'UPDATE', object: after, oldObject: before, namespaceLabels: TEAM_A, subResource: 'ephemeralcontainers', ...DEVELOPER };
    expect(problems(req)).toEqual([
      'images must name a tag other than latest, or a digest: nicolaka/netshoot',
      'images must come from the platform\'s ECR repositories or the publishers of its pinned images, not: docker.io/nicolaka/netshoot',
    ]);
  });

  test('a workload template (the author hears about it when applying)', () => {
    expect(problems(create(workload('Deployment', { containers: [container('docker.io/vllm/vllm-openai:latest')] }), DEVELOPER))).toEqual([expect.stringMatching(UNPINNED)]);
  });
});

describe('binding', () => {
  test('namespaces that are neither a team\'s nor the platform\'s are not checked (operators install their charts\' images)', () => {
    expect(admit(objects, create(podOf('quay.io/prometheus/prometheus:v3.0.0'), ARGO_CD, {})).filter((v) => v.policy === POLICY && v.binding.endsWith('teams'))).toEqual([]);
    const monitoring = { ...podOf('quay.io/prometheus/prometheus:v3.0.0'), metadata: { name: 'p', namespace: 'monitoring' } };
    expect(admit(objects, create(monitoring, ARGO_CD, { 'app.kubernetes.io/part-of': 'cnai-platform' })).filter((v) => v.policy === POLICY)).toEqual([]);
  });
});
