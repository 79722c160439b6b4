import { Duration } from 'cdk8s';
import * as YAML from 'yaml';
import { assertJsonPatchApplied, assertProvidedByRender, imagesOf, isPinnedImage, renderKustomize } from './upstream';
import { OperatorCatalogue } from '../../../lib/k8s';

const nb = OperatorCatalogue.notebookController();

function configMap(objects: any[]): any {
  const cms = objects.filter((o) => o.kind === 'ConfigMap' && o.metadata.name.startsWith('notebook-controller-config'));
  expect(cms).toHaveLength(1);
  return cms[0];
}

describe('notebook controller release (components/notebook-controller/config/overlays/kubeflow @ v1.11.0)', () => {
  test('source and the settings patch on the ConfigMap, literally', () => {
    expect(nb.source.path).toBe('components/notebook-controller/config/overlays/kubeflow');
    expect(nb.source.version).toBe('v1.11.0');
    expect(nb.namespace).toBe('kubeflow');
    expect(nb.source.kustomize!.images).toEqual(['ghcr.io/kubeflow/notebooks/notebook-controller:v1.11.0']);
    expect(nb.source.kustomize!.patches!.map((p) => `${p.kind}/${p.name}`)).toEqual(['ConfigMap/notebook-controller-config']);
    expect(YAML.parse(nb.source.kustomize!.patches![0].patch)).toEqual([
      { op: 'replace', path: '/data/USE_ISTIO', value: 'false' },
      { op: 'replace', path: '/data/ENABLE_CULLING', value: 'true' },
      { op: 'replace', path: '/data/CULL_IDLE_TIME', value: '60' },
      { op: 'replace', path: '/data/IDLENESS_CHECK_PERIOD', value: '1' },
    ]);
    const custom = OperatorCatalogue.notebookController({
      culling: false, cullIdleTime: Duration.hours(2), idlenessCheckPeriod: Duration.minutes(5),
    });
    expect(YAML.parse(custom.source.kustomize!.patches![0].patch).map((o: any) => o.value)).toEqual(['false', 'false', '120', '5']);
  });

  describe('rendered against the upstream tree', () => {
    const before = renderKustomize(nb, 'notebooks', { withoutImages: true, withoutPatches: true });
    const after = renderKustomize(nb, 'notebooks');

    test('the settings land in the ConfigMap the Deployment reads; the Deployment is upstream\'s (valueFrom only)', () => {
      const name = configMap(after).metadata.name;
      assertJsonPatchApplied([{ ...configMap(before), metadata: { name } }], after, 'ConfigMap', name, YAML.parse(nb.source.kustomize!.patches![0].patch));
      expect(configMap(after).data).toMatchObject({ USE_ISTIO: 'false', ENABLE_CULLING: 'true', CULL_IDLE_TIME: '60', IDLENESS_CHECK_PERIOD: '1' });
      const deployment = after.find((o) => o.kind === 'Deployment');
      const env = deployment.spec.template.spec.containers[0].env;
      for (const name_ of ['USE_ISTIO', 'ENABLE_CULLING', 'CULL_IDLE_TIME', 'IDLENESS_CHECK_PERIOD']) {
        const e = env.filter((x: any) => x.name === name_);
        // One entry, valueFrom and no value: what the API server accepts.
        expect(e).toEqual([{ name: name_, valueFrom: { configMapKeyRef: { name, key: name_ } } }]);
      }
      expect(env.every((e: any) => !('value' in e && 'valueFrom' in e))).toBe(true);
      // The patch changes the ConfigMap only (kustomize renames it by its new content hash, and the
      // Deployment's references follow): otherwise the Deployment's env is upstream's.
      const keys = (entries: any[]) => entries.map((e) => [e.name, e.valueFrom.configMapKeyRef.key]);
      const upstreamEnv = before.find((o) => o.kind === 'Deployment').spec.template.spec.containers[0].env;
      expect(keys(env)).toEqual(keys(upstreamEnv));
      expect(name).not.toBe(configMap(before).metadata.name);
    });

    test('no Namespace of its own: the platform owns kubeflow', () => {
      expect(after.filter((o) => o.kind === 'Namespace')).toEqual([]);
    });

    test('images pinned; what it provides is in the render', () => {
      expect(imagesOf(after)).toEqual(['ghcr.io/kubeflow/notebooks/notebook-controller:v1.11.0']);
      expect(imagesOf(after).every(isPinnedImage)).toBe(true);
      assertProvidedByRender(nb.provides, after, 'kubeflow');
    });
  });
});
