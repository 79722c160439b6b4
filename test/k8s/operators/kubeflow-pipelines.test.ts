import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';
import { assertProvidedByRender, editedCopy, renderKustomize, upstreamPath } from './upstream';
import { InstallPhase, OperatorCatalogue } from '../../../lib/k8s';

const cluster = OperatorCatalogue.pipelinesClusterResources();
const pipelines = OperatorCatalogue.pipelines();

const ARGO_CRDS = 'https://github.com/argoproj/argo-workflows/manifests/base/crds/minimal?ref=v4.0.5';

function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? filesUnder(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

describe('Kubeflow Pipelines releases (manifests/kustomize @ 2.17.0)', () => {
  test('re-pinned to the vendored tag; the documented two-step standalone install', () => {
    expect(cluster.source.version).toBe('2.17.0');
    expect(pipelines.source.version).toBe('2.17.0');
    expect(cluster.source.path).toBe('manifests/kustomize/cluster-scoped-resources');
    expect(pipelines.source.path).toBe('manifests/kustomize/env/platform-agnostic');
    expect(cluster.phase).toBe(InstallPhase.FOUNDATION);
    expect(pipelines.phase).toBe(InstallPhase.OPERATORS);
    expect(pipelines.prune).toBe(false);
    // The Namespace's name is set by a replacement, which kustomize applies after patches: the patch targets the kind.
    expect(cluster.source.kustomize!.patches).toEqual([{
      kind: 'Namespace', name: undefined, patch: YAML.stringify({ $patch: 'delete', apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'any' } }),
    }]);
  });

  test('cluster-scoped resources, rendered (Argo Workflows\' remote CRD base left out): no Namespace, the declared CRDs', () => {
    const root = editedCopy(upstreamPath('kubeflow-pipelines', '2.17.0', 'manifests/kustomize'), {
      'third-party/argo/installs/namespace/cluster-scoped/kustomization.yaml': (t) => {
        // Its only resource is the remote base.
        expect(YAML.parse(t).resources).toEqual([ARGO_CRDS]);
        return 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: []\n';
      },
    });
    try {
      const source = path.join(root, 'cluster-scoped-resources');
      const before = renderKustomize(cluster, 'kubeflow-pipelines', { sourceDir: source, withoutPatches: true });
      const after = renderKustomize(cluster, 'kubeflow-pipelines', { sourceDir: source });
      expect(before.filter((o) => o.kind === 'Namespace').map((o) => o.metadata.name)).toEqual(['kubeflow']);
      expect(after.filter((o) => o.kind === 'Namespace')).toEqual([]);
      assertProvidedByRender(cluster.provides, after, 'kubeflow');
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  test('the install itself ships no Namespace (the only ones are cluster-scoped-resources\' and a cert-manager dev env\'s)', () => {
    const root = upstreamPath('kubeflow-pipelines', '2.17.0', 'manifests/kustomize');
    const withNamespace = filesUnder(root).filter((f) => /\.ya?ml$/.test(f) && /^kind: Namespace\s*$/m.test(fs.readFileSync(f, 'utf8')))
      .map((f) => path.relative(root, f)).sort();
    expect(withNamespace).toEqual(['cluster-scoped-resources/namespace.yaml', 'env/cert-manager/dev/namespace.yaml']);
    const platformAgnostic = fs.readFileSync(path.join(root, 'env/platform-agnostic/kustomization.yaml'), 'utf8');
    expect(platformAgnostic).not.toMatch(/cert-manager|cluster-scoped-resources/);
  });

  test('the install\'s own images are pinned to the release by upstream\'s kustomizations', () => {
    const root = upstreamPath('kubeflow-pipelines', '2.17.0', 'manifests/kustomize', 'base');
    const tags = filesUnder(root).filter((f) => f.endsWith('kustomization.yaml'))
      .flatMap((f) => (YAML.parse(fs.readFileSync(f, 'utf8')).images ?? []).map((i: any) => `${i.newName ?? i.name}:${i.newTag}`))
      .filter((i: string) => i.startsWith('ghcr.io/kubeflow/kfp-'));
    expect(tags.length).toBeGreaterThan(5);
    expect(tags.filter((i: string) => !i.endsWith(':2.17.0'))).toEqual([]);
  });
});
