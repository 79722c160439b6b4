import * as YAML from 'yaml';
import { assertJsonPatchApplied, assertProvidedByRender, find, imagesOf, isPinnedImage, renderKustomize } from './upstream';
import { InstallPhase, KServeDeploymentMode, OperatorCatalogue, syncWaveOf } from '../../../lib/k8s';

const kserve = OperatorCatalogue.kserve();
const runtimes = OperatorCatalogue.kserveRuntimes();

describe('KServe release (config/overlays/standalone/kserve @ v0.20.0)', () => {
  test('source, namespace, images and patches, literally', () => {
    expect(kserve.source.repoUrl).toBe('https://github.com/kserve/kserve');
    expect(kserve.source.path).toBe('config/overlays/standalone/kserve');
    expect(kserve.source.version).toBe('v0.20.0');
    expect(kserve.namespace).toBe('kserve');
    expect(kserve.phase).toBe(InstallPhase.OPERATORS);
    expect(kserve.serverSideApply).toBe(true);
    const k = kserve.source.kustomize!;
    expect(k.namespace).toBe('kserve');
    expect(k.images).toEqual([
      'kserve/kserve-controller=docker.io/kserve/kserve-controller:v0.20.0',
      'kserve/storage-initializer=docker.io/kserve/storage-initializer:v0.20.0',
    ]);
    expect(k.patches!.map((p) => `${p.kind}/${p.name}`)).toEqual(['Namespace/kserve', 'ConfigMap/inferenceservice-config', 'ClusterStorageContainer/default']);
    expect(YAML.parse(k.patches![0].patch)).toEqual({ $patch: 'delete', apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'kserve' } });
    const ops = YAML.parse(k.patches![1].patch);
    expect(ops.map((o: any) => `${o.op} ${o.path}`)).toEqual([
      'replace /data/deploy', 'replace /data/agent', 'replace /data/batcher', 'replace /data/logger', 'replace /data/router',
      'replace /data/storageInitializer', 'replace /data/localModel', 'replace /data/explainers', 'remove /data/_example',
    ]);
    expect(JSON.parse(ops[0].value)).toEqual({ defaultDeploymentMode: 'Standard' });
    expect(JSON.parse(ops[1].value).image).toBe('docker.io/kserve/agent:v0.20.0');
    expect(JSON.parse(ops[4].value).image).toBe('docker.io/kserve/router:v0.20.0');
    expect(JSON.parse(ops[5].value).image).toBe('docker.io/kserve/storage-initializer:v0.20.0');
    expect(JSON.parse(ops[7].value)).toEqual({ art: { image: 'docker.io/kserve/art-explainer', defaultImageVersion: 'v0.20.0' } });
    expect(YAML.parse(k.patches![2].patch)).toEqual([{
      op: 'add',
      path: '/spec/container/securityContext',
      value: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: 'RuntimeDefault' } },
    }]);
    const knative = OperatorCatalogue.kserve({ deploymentMode: KServeDeploymentMode.KNATIVE });
    expect(JSON.parse(YAML.parse(knative.source.kustomize!.patches![1].patch)[0].value)).toEqual({ defaultDeploymentMode: 'Knative' });
  });

  test('the runtimes come after the controller and its webhooks (failurePolicy Fail)', () => {
    expect(runtimes.phase).toBe(InstallPhase.OPERATOR_RESOURCES);
    expect(runtimes.syncWave).toBeGreaterThan(kserve.syncWave);
    expect(runtimes.syncWave).toBeLessThan(syncWaveOf(InstallPhase.PLATFORM));
    expect(runtimes.source.path).toBe('config/runtimes');
    expect(runtimes.source.version).toBe('v0.20.0');
  });

  describe('rendered against the upstream tree', () => {
    const before = renderKustomize(kserve, 'kserve', { withoutImages: true, withoutPatches: true });
    const after = renderKustomize(kserve, 'kserve');

    test('what config/default left out is there: the ConfigMap, the Issuer, the ClusterStorageContainer', () => {
      expect(find(after, 'ConfigMap', 'inferenceservice-config')).toBeDefined();
      expect(find(after, 'Issuer', 'selfsigned-issuer')).toBeDefined();
      expect(find(after, 'Certificate', 'serving-cert')).toBeDefined();
      expect(find(after, 'ClusterStorageContainer', 'default')).toBeDefined();
    });

    test('every patch hits its target and changes it', () => {
      const k = kserve.source.kustomize!;
      expect(find(before, 'Namespace', 'kserve')).toBeDefined();
      expect(after.filter((o) => o.kind === 'Namespace')).toEqual([]);
      assertJsonPatchApplied(before, after, 'ConfigMap', 'inferenceservice-config', YAML.parse(k.patches![1].patch));
      assertJsonPatchApplied(before, after, 'ClusterStorageContainer', 'default', YAML.parse(k.patches![2].patch));
      expect(JSON.parse(find(after, 'ConfigMap', 'inferenceservice-config').data.deploy)).toEqual({ defaultDeploymentMode: 'Standard' });
    });

    test('the ConfigMap keys keep upstream\'s settings: only the images change', () => {
      const b = find(before, 'ConfigMap', 'inferenceservice-config').data;
      const a = find(after, 'ConfigMap', 'inferenceservice-config').data;
      // Upstream's values are JSON with comments in some keys; these keys are plain JSON.
      for (const key of ['agent', 'batcher', 'logger', 'router', 'storageInitializer', 'localModel']) {
        const up = JSON.parse(b[key]);
        const ours = JSON.parse(a[key]);
        const imageKey = key === 'localModel' ? 'defaultJobImage' : 'image';
        expect(up[imageKey]).toMatch(/:latest$/);
        expect(ours[imageKey]).toMatch(/^docker\.io\/kserve\/[a-z-]+:v0\.20\.0$/);
        expect({ ...ours, [imageKey]: undefined }).toEqual({ ...up, [imageKey]: undefined });
      }
      expect(JSON.parse(b.explainers)).toEqual({ art: { image: 'kserve/art-explainer', defaultImageVersion: 'latest' } });
    });

    test('every image is pinned: the git tree\'s :latest images get the release tag', () => {
      const latest = imagesOf(before).filter((i) => !isPinnedImage(i));
      expect(latest.sort()).toEqual(['kserve/kserve-controller:latest', 'kserve/storage-initializer:latest']);
      const images = imagesOf(after);
      expect(images.filter((i) => !isPinnedImage(i))).toEqual([]);
      expect(images).toEqual(expect.arrayContaining([
        'docker.io/kserve/kserve-controller:v0.20.0', 'docker.io/kserve/storage-initializer:v0.20.0', 'quay.io/brancz/kube-rbac-proxy:v0.18.0',
      ]));
      // No ":latest" left anywhere, ConfigMap text included.
      expect(JSON.stringify(after)).not.toMatch(/:latest\b|"defaultImageVersion":\s*"latest"/);
    });

    test('what it provides is in the render', () => {
      assertProvidedByRender(kserve.provides, after, 'kserve');
      const webhooks = after.filter((o) => /WebhookConfiguration$/.test(o.kind)).flatMap((o) => o.webhooks);
      expect(webhooks.every((w: any) => w.failurePolicy === 'Fail' && w.clientConfig.service.name === 'kserve-webhook-server-service')).toBe(true);
    });
  });

  describe('runtimes rendered against config/runtimes', () => {
    const before = renderKustomize(runtimes, 'kserve', { withoutImages: true, withoutPatches: true });
    const after = renderKustomize(runtimes, 'kserve');

    test('every runtime image is pinned; the multinode Hugging Face runtime keeps the GPU build', () => {
      expect(imagesOf(before).filter((i) => !isPinnedImage(i)).length).toBeGreaterThan(0);
      expect(imagesOf(after).filter((i) => !isPinnedImage(i))).toEqual([]);
      expect(imagesOf(find(after, 'ClusterServingRuntime', 'kserve-huggingfaceserver'))).toEqual(['docker.io/kserve/huggingfaceserver:v0.20.0']);
      expect(imagesOf(find(after, 'ClusterServingRuntime', 'kserve-huggingfaceserver-multinode')))
        .toEqual(['docker.io/kserve/huggingfaceserver:v0.20.0-gpu', 'docker.io/kserve/huggingfaceserver:v0.20.0-gpu']);
      expect(imagesOf(find(after, 'ClusterServingRuntime', 'kserve-vllmserver'))).toEqual(['docker.io/vllm/vllm-openai:v0.20.0']);
    });

    test('each image override matches an image of the render', () => {
      const repos = imagesOf(before).map((i) => i.slice(0, i.lastIndexOf(':')));
      for (const spec of runtimes.source.kustomize!.images!) expect(repos).toContain(spec.split('=')[0]);
    });

    test('the multinode patch changes the images the image overrides cannot tell apart', () => {
      const ops = YAML.parse(runtimes.source.kustomize!.patches![0].patch);
      assertJsonPatchApplied(before, after, 'ClusterServingRuntime', 'kserve-huggingfaceserver-multinode', ops);
      const withoutPatch = renderKustomize(runtimes, 'kserve', { withoutPatches: true });
      expect(imagesOf(find(withoutPatch, 'ClusterServingRuntime', 'kserve-huggingfaceserver-multinode'))[0]).toBe('docker.io/kserve/huggingfaceserver:v0.20.0');
    });

    test('every declared runtime is in the render, kserve-huggingfaceserver (LlmService\'s runtime) among them', () => {
      assertProvidedByRender(runtimes.provides, after, 'kserve');
      expect(after.filter((o) => o.kind === 'ClusterServingRuntime').map((o) => o.metadata.name).sort())
        .toEqual(runtimes.provides.objects!.map((o) => o.name).sort());
      expect(runtimes.provides.objects!.map((o) => o.name)).toContain('kserve-huggingfaceserver');
    });
  });
});
