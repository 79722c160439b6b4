import * as fs from 'fs';
import * as YAML from 'yaml';
import { assertJsonPatchApplied, assertProvidedByRender, find, imagesOf, isPinnedImage, renderKustomize, upstreamPath } from './upstream';
import { InstallPhase, OperatorCatalogue } from '../../../lib/k8s';

const katib = OperatorCatalogue.katib();

/** The field names of a Go struct in Katib's KatibConfig types (json tags), from the vendored types.go. */
function jsonFields(typesGo: string, struct: string): string[] {
  const body = new RegExp(`type ${struct} struct \\{([\\s\\S]*?)\\n\\}`).exec(typesGo)![1];
  return [...body.matchAll(/json:"([^",]*)/g)].map((m) => m[1]).filter((f) => f !== '');
}

describe('Katib release (manifests/v1beta1/installs/katib-standalone @ v0.19.0)', () => {
  test('source, images, patches and sync policy, literally', () => {
    expect(katib.source.path).toBe('manifests/v1beta1/installs/katib-standalone');
    expect(katib.source.version).toBe('v0.19.0');
    expect(katib.namespace).toBe('kubeflow');
    expect(katib.phase).toBe(InstallPhase.OPERATORS);
    expect(katib.prune).toBe(false);
    expect(katib.source.kustomize!.images).toEqual([
      'ghcr.io/kubeflow/katib/katib-controller:v0.19.0', 'ghcr.io/kubeflow/katib/katib-db-manager:v0.19.0', 'ghcr.io/kubeflow/katib/katib-ui:v0.19.0',
    ]);
    expect(katib.source.kustomize!.patches!.map((p) => `${p.kind}/${p.name}`)).toEqual(['Namespace/kubeflow', 'ConfigMap/katib-config']);
    expect(OperatorCatalogue.katib({ restrictedRuntime: false }).source.kustomize!.patches!.map((p) => p.kind)).toEqual(['Namespace']);
  });

  const config = YAML.parse(YAML.parse(katib.source.kustomize!.patches![1].patch)[0].value);

  test('the runtime config: upstream\'s, plus injectSecurityContext and the suggestions\' container security context', () => {
    const upstream = YAML.parse(fs.readFileSync(upstreamPath('katib', 'v0.19.0', 'manifests/v1beta1/installs/katib-standalone/katib-config.yaml'), 'utf8'));
    expect(config.init.controller.injectSecurityContext).toBe(true);
    const sc = { allowPrivilegeEscalation: false, runAsNonRoot: true, runAsUser: 1000, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' } };
    for (const s of config.runtime.suggestions) expect(s.securityContext).toEqual(sc);
    // Everything else is upstream's, suggestion for suggestion (order aside).
    const strip = (c: any) => ({
      ...c,
      init: { ...c.init, controller: { ...c.init.controller, injectSecurityContext: undefined } },
      runtime: {
        ...c.runtime,
        suggestions: [...c.runtime.suggestions].map((s: any) => ({ ...s, securityContext: undefined }))
          .sort((a: any, b: any) => a.algorithmName.localeCompare(b.algorithmName)),
      },
    });
    expect(JSON.parse(JSON.stringify(strip(config)))).toEqual(JSON.parse(JSON.stringify(strip(upstream))));
  });

  test('the runtime config sets only fields KatibConfig v0.19.0 declares (types.go)', () => {
    const types = fs.readFileSync(upstreamPath('katib', 'v0.19.0', 'pkg/apis/config/v1beta1/types.go'), 'utf8');
    const allowed = (struct: string) => new Set(jsonFields(types, struct));
    const subset = (o: any, struct: string, extra: string[] = []) => {
      const ok = new Set([...allowed(struct), ...extra]);
      expect(Object.keys(o).filter((k) => !ok.has(k))).toEqual([]);
    };
    subset(config, 'KatibConfig', ['apiVersion', 'kind']);
    subset(config.init, 'InitConfig');
    subset(config.init.controller, 'ControllerConfig');
    subset(config.init.certGenerator, 'CertGeneratorConfig');
    subset(config.runtime, 'RuntimeConfig');
    // A suggestion inlines corev1.Container: securityContext, image and resources are its fields.
    for (const s of config.runtime.suggestions) subset(s, 'SuggestionConfig', ['image', 'resources', 'securityContext']);
    for (const m of config.runtime.metricsCollectors) subset(m, 'MetricsCollectorConfig');
    for (const e of config.runtime.earlyStoppings) subset(e, 'EarlyStoppingConfig');
    // What the old config set and the decoder dropped: gone.
    expect(JSON.stringify(config.runtime.metricsCollectors)).not.toMatch(/securityContext/);
    expect(JSON.stringify(config.runtime.earlyStoppings)).not.toMatch(/securityContext/);
    expect(JSON.stringify(config)).not.toMatch(/podSecurityContext/);
  });

  describe('rendered against the upstream tree', () => {
    const before = renderKustomize(katib, 'katib', { withoutImages: true, withoutPatches: true });
    const after = renderKustomize(katib, 'katib');

    test('the Namespace is the platform\'s alone; the katib-config patch hits its target', () => {
      expect(find(before, 'Namespace', 'kubeflow')).toBeDefined();
      expect(after.filter((o) => o.kind === 'Namespace')).toEqual([]);
      assertJsonPatchApplied(before, after, 'ConfigMap', 'katib-config', YAML.parse(katib.source.kustomize!.patches![1].patch));
    });

    test('every image is pinned, in the manifests and in the runtime config', () => {
      expect(imagesOf(after).filter((i) => !isPinnedImage(i))).toEqual([]);
      const repos = imagesOf(before).map((i) => i.slice(0, i.lastIndexOf(':')));
      for (const spec of katib.source.kustomize!.images!) expect(repos).toContain(spec.slice(0, spec.lastIndexOf(':')));
      expect(imagesOf(config).filter((i) => !/^ghcr\.io\/kubeflow\/katib\/[a-z-]+:v0\.19\.0$/.test(i))).toEqual([]);
    });

    test('what it provides is in the render', () => {
      assertProvidedByRender(katib.provides, after, 'kubeflow');
    });
  });
});
