/**
 * kustomize Applications rendered with the real tool (`kubectl kustomize`) over the vendored
 * trees, with the Application's namespace, images and patches applied as Argo CD applies
 * them. kubectl is required: without it these tests fail with the message saying what to
 * install (renders are cached by content, so repeated runs are fast).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { application, FILE, helmSource, kustomizeSource, namespace, output } from './helpers';
import { KubectlError, ReleaseCheck, ReleaseSourceType, verifyReleases } from '../../../lib/verify/upstream';

const at = (i: number) => `${FILE}#${i}`;
const strip = (app: string, i: number) => (m: string) => m.replace(`Application ${app} (${at(i)}): `, '');

const NOTEBOOKS = kustomizeSource('kubeflow/notebooks', 'components/notebook-controller/config/base', 'v1.11.0', {
  namespace: 'kubeflow',
  images: ['ghcr.io/kubeflow/notebooks/notebook-controller:v1.11.0'],
  patches: [{
    target: { kind: 'Deployment', name: 'notebook-controller-deployment' },
    // Replace the whole entry: upstream reads ENABLE_CULLING with valueFrom.
    patch: '- op: replace\n  path: /spec/template/spec/containers/0/env/4\n  value: {"name": "ENABLE_CULLING", "value": "true"}\n',
  }],
});

describe('a kustomize release that fits its source', () => {
  const result = verifyReleases(output(application('notebook-controller', 'kubeflow', NOTEBOOKS, {
    customResources: [{ group: 'kubeflow.org', kinds: ['Notebook'] }],
    services: [{ name: 'notebook-controller-service', ports: [{ port: 443 }], selector: { 'app': 'notebook-controller', 'kustomize.component': 'notebook-controller' } }],
    workloads: [{ name: 'notebook-controller', podLabels: { app: 'notebook-controller' }, serviceAccount: 'notebook-controller-service-account' }],
  })));

  test('has no findings', () => {
    expect(result.findings).toEqual([]);
  });

  test('its objects are the render, with the namespace, image and patch applied', () => {
    const r = result.releases[0];
    expect(r).toMatchObject({ application: 'notebook-controller', sourceType: ReleaseSourceType.KUSTOMIZE, rendered: true, namespace: 'kubeflow' });
    expect(path.relative(result.upstreamDir, r.upstreamDir!)).toBe('notebooks/v1.11.0/components/notebook-controller/config/base');
    const ids = r.objects.map((o) => `${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name}`);
    expect(ids).toContain('Namespace /kubeflow');
    expect(ids).toContain('CustomResourceDefinition /notebooks.kubeflow.org');
    expect(ids).toContain('Service kubeflow/notebook-controller-service');
    const deployment = r.objects.find((o) => o.kind === 'Deployment') as any;
    expect(deployment.metadata.namespace).toBe('kubeflow');
    const container = deployment.spec.template.spec.containers[0];
    expect(container.image).toBe('ghcr.io/kubeflow/notebooks/notebook-controller:v1.11.0');
    expect(container.env[4]).toEqual({ name: 'ENABLE_CULLING', value: 'true' });
  });

  test('a declaration the render does not have is a finding', () => {
    const wrong = verifyReleases(output(application('notebook-controller', 'kubeflow', NOTEBOOKS, {
      customResources: [{ group: 'kubeflow.org', kinds: ['Profile'] }],
      services: [{ name: 'notebook-controller-service', ports: [{ port: 8443 }], selector: { app: 'notebook-controller' } }],
      workloads: [{ name: 'notebook-controller', podLabels: { app: 'notebooks' } }],
      objects: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'notebook-controller-config' }],
    })));
    expect(wrong.findings.map((f) => [f.path, strip('notebook-controller', 0)(f.message)])).toEqual([
      ['provides.customResources.kubeflow.org', 'declares the CRD of Profile.kubeflow.org, but the render has no such CRD (it has Notebook.kubeflow.org) '
        + '(upstream notebooks/v1.11.0/components/notebook-controller/config/base)'],
      ['provides.services[0].ports', 'declares port 8443 of Service kubeflow/notebook-controller-service, but the rendered Service has ports 443 '
        + '(upstream notebooks/v1.11.0/components/notebook-controller/config/base)'],
      ['provides.services[0].selector', 'declares selector {"app":"notebook-controller"} for Service kubeflow/notebook-controller-service, but the rendered Service '
        + 'selects {"app":"notebook-controller","kustomize.component":"notebook-controller"} (upstream notebooks/v1.11.0/components/notebook-controller/config/base)'],
      ['provides.workloads[0]', 'declares workload notebook-controller with pod labels {"app":"notebooks"} in kubeflow, but no Deployment, StatefulSet or DaemonSet '
        + 'of the render has pods with those labels (upstream notebooks/v1.11.0/components/notebook-controller/config/base)'],
      // kustomize appends a content hash to generated ConfigMap names.
      ['provides.objects[0]', 'declares v1 ConfigMap notebook-controller-config, but the render has no such object (its ConfigMaps: v1 '
        + 'notebook-controller-config-fhm9f7tdt5) (upstream notebooks/v1.11.0/components/notebook-controller/config/base)'],
    ]);
  });

  test('a second run comes from the render cache', () => {
    const again = verifyReleases(output(application('notebook-controller', 'kubeflow', NOTEBOOKS)));
    expect(again.renders).toEqual({ run: 0, cached: 2 });
  });
});

const CERT_MANAGER = application('cert-manager', 'cert-manager', helmSource('https://charts.jetstack.io', 'cert-manager', 'v1.20.2', { crds: { enabled: true } }),
  undefined, -20);

test('a patch whose target is not in the render is a finding naming the patch and its target (KServe config/default)', () => {
  const result = verifyReleases(output(CERT_MANAGER, application('kserve', 'kserve', kustomizeSource('kserve/kserve', 'config/default', 'v0.20.0', {
    namespace: 'kserve',
    images: ['kserve/kserve-controller:v0.20.0'],
    patches: [{
      target: { kind: 'ConfigMap', name: 'inferenceservice-config' },
      patch: '- op: replace\n  path: /data/deploy\n  value: \'{"defaultDeploymentMode":"Standard"}\'\n',
    }],
  }))));
  expect(result.findings.map((f) => [f.check, f.path, strip('kserve', 1)(f.message)])).toEqual([
    [ReleaseCheck.PATCH, 'spec.source.kustomize.patches[0]', 'patch 0 (target kind=ConfigMap,name=inferenceservice-config) matches no object of the render '
      + '(its ConfigMaps: none), so kustomize drops it without a word in upstream kserve/v0.20.0/config/default; '
      + 'point the Application at the kustomization that holds the target, or drop the patch'],
  ]);
  // Without cert-manager in the output, KServe's Certificate has no CRD to be checked against.
  const alone = verifyReleases(output(application('kserve', 'kserve', kustomizeSource('kserve/kserve', 'config/default', 'v0.20.0', { namespace: 'kserve' }))));
  expect(alone.findings.filter((f) => f.check === ReleaseCheck.SCHEMA).map((f) => strip('kserve', 0)(f.message))).toEqual([
    'rendered Certificate kserve/serving-cert (upstream kserve/v0.20.0/config/default) is a Certificate of cert-manager.io/v1, whose CRD no release of the output '
      + 'installs and the schema directory does not have: install the release that ships it before this one (a lower sync wave), or drop the object',
  ]);
});

test('a patch that hits its target but changes nothing is a finding too', () => {
  const result = verifyReleases(output(application('notebook-controller', 'kubeflow', kustomizeSource('kubeflow/notebooks', 'components/notebook-controller/config/base', 'v1.11.0', {
    namespace: 'kubeflow',
    patches: [{ target: { kind: 'Deployment', name: 'notebook-controller-deployment' }, patch: '- op: replace\n  path: /spec/template/spec/containers/0/name\n  value: manager\n' }],
  }))));
  expect(result.findings.map((f) => strip('notebook-controller', 0)(f.message))).toEqual([
    'patch 0 (target kind=Deployment,name=notebook-controller-deployment) changes nothing (Deployment kubeflow/notebook-controller-deployment already has what it sets) '
      + 'in upstream notebooks/v1.11.0/components/notebook-controller/config/base; point the Application at the kustomization that holds the target, or drop the patch',
  ]);
});

test('a patch that breaks the render is named with kubectl\'s error', () => {
  const result = verifyReleases(output(application('notebook-controller', 'kubeflow', kustomizeSource('kubeflow/notebooks', 'components/notebook-controller/config/base', 'v1.11.0', {
    patches: [{ target: { kind: 'Deployment', name: 'notebook-controller-deployment' }, patch: '- op: replace\n  path: /spec/nothing/here\n  value: 1\n' }],
  }))));
  expect(result.findings).toHaveLength(1);
  expect(result.findings[0]).toMatchObject({ check: ReleaseCheck.PATCH, path: 'spec.source.kustomize.patches[0]' });
  expect(result.findings[0].message).toMatch(/^Application notebook-controller \(dist\/test\.k8s\.yaml#0\): patch 0 \(target kind=Deployment,name=notebook-controller-deployment\) breaks the render of upstream notebooks\/v1\.11\.0\/components\/notebook-controller\/config\/base: .*nothing/);
  // The rest is still checked on the render without the patch.
  expect(result.releases[0].rendered).toBe(true);
});

test('images on latest and placeholder images in the render are findings; so is an image on latest inside a string', () => {
  const result = verifyReleases(output(
    CERT_MANAGER,
    application('kserve', 'kserve', kustomizeSource('kserve/kserve', 'config/default', 'v0.20.0', { namespace: 'kserve' })),
    application('opentelemetry-operator', 'opentelemetry-operator-system', kustomizeSource('open-telemetry/opentelemetry-operator', 'config/default', 'v0.158.0')),
    application('kserve-standalone', 'kserve', kustomizeSource('kserve/kserve', 'config/overlays/standalone/kserve', 'v0.20.0', {
      images: ['kserve/kserve-controller:v0.20.0', 'kserve/storage-initializer:v0.20.0'],
    })),
  ));
  const images = result.findings.filter((f) => f.check === ReleaseCheck.IMAGE);
  expect(images.filter((f) => f.application !== 'kserve-standalone').map((f) => [f.application, f.path, f.message])).toEqual([
    ['kserve', 'Deployment kserve/kserve-controller-manager: spec.template.spec.containers[0].image', `Application kserve (${at(1)}): rendered Deployment `
      + 'kserve/kserve-controller-manager (upstream kserve/v0.20.0/config/default): spec.template.spec.containers[0].image: '
      + 'container image "kserve/kserve-controller:latest" is on the floating tag latest; set the released image with spec.source.kustomize.images '
      + '(e.g. "kserve/kserve-controller=<registry>/<repository>:<tag>") or install upstream\'s release manifests'],
    ['opentelemetry-operator', 'Deployment opentelemetry-operator-system/opentelemetry-operator-controller-manager: spec.template.spec.containers[0].image',
      `Application opentelemetry-operator (${at(2)}): rendered Deployment opentelemetry-operator-system/opentelemetry-operator-controller-manager `
      + '(upstream opentelemetry-operator/v0.158.0/config/default): spec.template.spec.containers[0].image: container image "controller" is a placeholder '
      + '(no registry, no repository path, no tag: upstream replaces it '
      + 'at release time, so it cannot be pulled); set the released image with spec.source.kustomize.images (e.g. "controller=<registry>/<repository>:<tag>") '
      + 'or install upstream\'s release manifests'],
  ]);
  // With the controller images set, KServe's standalone overlay still names agent and router images on latest inside the inferenceservice-config JSON.
  const standalone = images.filter((f) => f.application === 'kserve-standalone');
  expect(standalone.map((f) => f.path)).toEqual(['agent', 'batcher', 'localModel', 'logger', 'router', 'storageInitializer']
    .map((key) => `ConfigMap kserve/inferenceservice-config: data.${key}`));
  expect(standalone[0].message).toBe(`Application kserve-standalone (${at(3)}): rendered ConfigMap kserve/inferenceservice-config `
    + '(upstream kserve/v0.20.0/config/overlays/standalone/kserve): data.agent: names image kserve/agent:latest on the floating tag latest (upstream rewrites it '
    + 'to the release tag only when it builds its release manifests); install the release manifests or patch the value to the release tag');
});

test('a remote resource with a vendored stand-in is rendered from it; without a mapping it is a finding', () => {
  const trainer = application('kubeflow-trainer', 'kubeflow-system', kustomizeSource('kubeflow/trainer', 'manifests/overlays/manager', 'v2.3.0', {
    images: ['ghcr.io/kubeflow/trainer/trainer-controller-manager:v2.3.0'],
  }));
  const mapped = verifyReleases(output(trainer));
  expect(mapped.findings).toEqual([]);
  // JobSet comes from the vendored jobset v0.12.0 config/default, with trainer's image override applied.
  const jobset = mapped.releases[0].objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'jobset-controller-manager') as any;
  expect(jobset.metadata.namespace).toBe('kubeflow-system');
  expect(jobset.spec.template.spec.containers.map((c: any) => c.image)).toContain('registry.k8s.io/jobset/jobset:v0.12.0');

  const unmapped = verifyReleases(output(trainer), { remoteResources: [] });
  expect(unmapped.findings.map((f) => [f.check, f.path, strip('kubeflow-trainer', 0)(f.message)])).toEqual([
    [ReleaseCheck.REMOTE_RESOURCE, 'trainer/v2.3.0/manifests/third-party/jobset/kustomization.yaml', 'trainer/v2.3.0/manifests/third-party/jobset/kustomization.yaml '
      + 'pulls the remote resource https://github.com/kubernetes-sigs/jobset/releases/download/v0.12.0/manifests.yaml, which has no vendored stand-in; the render '
      + 'below leaves it out. Add its source to the upstream directory and a mapping to REMOTE_RESOURCES (lib/verify/upstream/kustomize.ts), or install from a '
      + 'kustomization without it'],
  ]);
  expect(unmapped.releases[0].objects.some((o) => o.metadata.name === 'jobset-controller-manager')).toBe(false);
});

test('a field of embedded configuration its Go type does not declare is a finding (Katib\'s katib-config)', () => {
  const config = [
    'apiVersion: config.kubeflow.org/v1beta1',
    'kind: KatibConfig',
    'init:',
    '  controller:',
    '    webhookPort: 8443',
    '    injectSecurityContext: true',
    'runtime:',
    '  metricsCollectors:',
    '    - kind: StdOut',
    '      image: ghcr.io/kubeflow/katib/file-metrics-collector:v0.19.0',
    '      securityContext: {runAsNonRoot: true}',
    '  suggestions:',
    '    - algorithmName: random',
    '      image: ghcr.io/kubeflow/katib/suggestion-hyperopt:v0.19.0',
    '      securityContext: {runAsNonRoot: true}',
    '      podSecurityContext: {runAsNonRoot: true}',
  ].join('\n');
  const result = verifyReleases(output(application('katib', 'kubeflow', kustomizeSource('kubeflow/katib', 'manifests/v1beta1/installs/katib-standalone', 'v0.19.0', {
    patches: [{ target: { kind: 'ConfigMap', name: 'katib-config' }, patch: `- op: replace\n  path: /data/katib-config.yaml\n  value: ${JSON.stringify(config)}\n` }],
  }))));
  expect(result.findings.map((f) => [f.check, f.path, strip('katib', 0)(f.message)])).toEqual([
    [ReleaseCheck.EMBEDDED_CONFIG, 'data.katib-config.yaml.runtime.metricsCollectors[*].securityContext', 'ConfigMap kubeflow/katib-config key katib-config.yaml: '
      + 'field runtime.metricsCollectors[*].securityContext (entry 0) is not a field of MetricsCollectorConfig (pkg/apis/config/v1beta1/types.go), so the Katib '
      + 'controller drops it silently; remove it (MetricsCollectorConfig has kind, image, imagePullPolicy, resources, waitAllProcesses); upstream\'s way: set '
      + 'init.controller.injectSecurityContext: true, and the controller gives the injected metrics collector the securityContext of the trial\'s first container '
      + '(upstream katib/v0.19.0/manifests/v1beta1/installs/katib-standalone)'],
    // securityContext of a suggestion is a field (corev1.Container is inline in SuggestionConfig); podSecurityContext is not.
    [ReleaseCheck.EMBEDDED_CONFIG, 'data.katib-config.yaml.runtime.suggestions[*].podSecurityContext', 'ConfigMap kubeflow/katib-config key katib-config.yaml: '
      + 'field runtime.suggestions[*].podSecurityContext (entry 0) is not a field of SuggestionConfig (pkg/apis/config/v1beta1/types.go), so the Katib controller '
      + 'drops it silently; did you mean securityContext?; upstream\'s way: a suggestion takes container fields only (corev1.Container is inline: securityContext '
      + 'is one); there is no pod-level securityContext (upstream katib/v0.19.0/manifests/v1beta1/installs/katib-standalone)'],
  ]);
});

test('an object installed by two owners is a finding naming both (a Namespace of the output shipped by a release; a CRD of two releases)', () => {
  const trainer = (name: string) => application(name, 'kubeflow-system', kustomizeSource('kubeflow/trainer', 'manifests/overlays/manager', 'v2.3.0', {
    images: ['ghcr.io/kubeflow/trainer/trainer-controller-manager:v2.3.0'],
  }));
  const result = verifyReleases(output(namespace('kubeflow-system'), trainer('kubeflow-trainer'), application('lws', 'lws-system',
    kustomizeSource('kubernetes-sigs/lws', 'config/default', 'v0.10.0'))));
  const owners = result.findings.filter((f) => f.check === ReleaseCheck.OWNERSHIP);
  expect(owners.map((f) => [f.application, f.path, f.message])).toEqual([
    ['kubeflow-trainer', 'Namespace kubeflow-system', `Application kubeflow-trainer (${at(1)}): Namespace kubeflow-system is installed by the output (${at(0)}) `
      + `and by Application kubeflow-trainer (${at(1)}): two owners fight over it (Argo CD syncs it back and forth, pruning one deletes it for both); `
      + 'keep one owner (remove it from the release with a patch {"$patch": "delete"}, or stop declaring it in the output)'],
  ]);
  const twice = verifyReleases(output(trainer('trainer-a'), trainer('trainer-b')));
  const crd = twice.findings.find((f) => f.path === 'CustomResourceDefinition.apiextensions.k8s.io trainjobs.trainer.kubeflow.org');
  expect(crd?.message).toBe(`Application trainer-b (${at(1)}): CustomResourceDefinition.apiextensions.k8s.io trainjobs.trainer.kubeflow.org is installed by `
    + `Application trainer-a (${at(0)}) and by Application trainer-b (${at(1)}): two owners fight over it (Argo CD syncs it back and forth, pruning one deletes it `
    + 'for both); keep one owner (remove it from the release with a patch {"$patch": "delete"}, or stop declaring it in the output)');
});

test('without kubectl, a kustomize source is an error saying what to install and what was not checked', () => {
  const missing = path.join(os.tmpdir(), 'no-such-dir', 'kubectl');
  const run = () => verifyReleases(output(application('notebook-controller', 'kubeflow', NOTEBOOKS)), { kubectl: missing });
  expect(run).toThrow(KubectlError);
  expect(run).toThrow(`kubectl ${missing} (from the kubectl option) does not exist or is not executable. Install kubectl 1.27 or later (it has kustomize built in; `
    + 'https://kubernetes.io/docs/tasks/tools/) and put it on PATH, or name the binary with $CNAI_KUBECTL or the kubectl option. Needed to render the kustomize '
    + 'sources of notebook-controller (https://github.com/kubeflow/notebooks components/notebook-controller/config/base @ v1.11.0); nothing was checked against upstream.');

  const saved = { path: process.env.PATH, kubectl: process.env.CNAI_KUBECTL };
  const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'cnai-empty-path-'));
  try {
    process.env.PATH = empty;
    delete process.env.CNAI_KUBECTL;
    expect(run.bind(null)).toThrow(KubectlError);
    expect(() => verifyReleases(output(application('notebook-controller', 'kubeflow', NOTEBOOKS)))).toThrow(/^kubectl not found on PATH\. Install kubectl 1\.27 or later/);
  } finally {
    process.env.PATH = saved.path;
    if (saved.kubectl !== undefined) process.env.CNAI_KUBECTL = saved.kubectl;
    fs.rmSync(empty, { recursive: true, force: true });
  }
});

test('a git source with no upstream artifact at its tag is a finding naming what is vendored', () => {
  const result = verifyReleases(output(
    application('kserve', 'kserve', kustomizeSource('kserve/kserve', 'config/default', 'v0.19.0')),
    application('prometheus-operator', 'monitoring', kustomizeSource('prometheus-operator/prometheus-operator', '.', 'v0.93.0')),
  ));
  expect(result.findings.map((f) => [f.application, f.check, f.path, f.message])).toEqual([
    ['kserve', ReleaseCheck.UPSTREAM_SOURCE, 'spec.source', `Application kserve (${at(0)}): https://github.com/kserve/kserve path config/default at v0.19.0: path `
      + 'config/default of github.com/kserve/kserve at v0.19.0 is not in the upstream directory (vendored: charts @ v0.20.0, config @ v0.20.0, '
      + 'hack/release/generate-install.sh @ v0.20.0, hack/setup/scripts/generate_chart_manifests.sh @ v0.20.0): vendor it (SOURCES.tsv, '
      + 'MANIFEST.sha256, lib/verify/upstream-files.sha256) or install from a vendored source'],
    ['prometheus-operator', ReleaseCheck.UPSTREAM_SOURCE, 'spec.source', `Application prometheus-operator (${at(1)}): https://github.com/prometheus-operator/prometheus-operator `
      + 'path . at v0.93.0: path . of github.com/prometheus-operator/prometheus-operator at v0.93.0 is not in the upstream directory (nothing of that repository '
      + 'is vendored): vendor it (SOURCES.tsv, MANIFEST.sha256, lib/verify/upstream-files.sha256) or install from a vendored source'],
  ]);
  expect(result.releases.map((r) => [r.application, r.sourceType, r.upstreamDir, r.objects])).toEqual([
    ['kserve', ReleaseSourceType.KUSTOMIZE, undefined, []], ['prometheus-operator', ReleaseSourceType.KUSTOMIZE, undefined, []],
  ]);
});
