import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';
import { assertProvidedByRender, editedCopy, find, imagesOf, isPinnedImage, renderKustomize, upstreamPath } from './upstream';
import { InstallPhase, OperatorCatalogue, syncWaveOf } from '../../../lib/k8s';

const trainer = OperatorCatalogue.trainer();
const runtimes = OperatorCatalogue.trainerRuntimes();

const JOBSET_ASSET = 'https://github.com/kubernetes-sigs/jobset/releases/download/v0.12.0/manifests.yaml';

/**
 * The trainer's manifests with its one remote resource (JobSet's release asset, built upstream
 * as `kustomize build config/default` of jobset v0.12.0) replaced by that vendored source.
 */
function offlineTrainerTree(): { root: string; overlay: string } {
  const copy = editedCopy(upstreamPath('trainer', 'v2.3.0', 'manifests'), {
    'third-party/jobset/kustomization.yaml': (t) => {
      expect(t).toContain(`- ${JOBSET_ASSET}`);
      return t.replace(`- ${JOBSET_ASSET}`, '- jobset-config/default');
    },
  });
  fs.symlinkSync(upstreamPath('jobset', 'v0.12.0', 'config'), path.join(copy, 'third-party', 'jobset', 'jobset-config'));
  return { root: copy, overlay: path.join(copy, 'overlays', 'manager') };
}

describe('Kubeflow Trainer releases (manifests/overlays/manager and overlays/runtimes @ v2.3.0)', () => {
  test('sources, waves and patches, literally', () => {
    expect(trainer.source.path).toBe('manifests/overlays/manager');
    expect(runtimes.source.path).toBe('manifests/overlays/runtimes');
    expect(trainer.source.version).toBe('v2.3.0');
    expect(runtimes.source.version).toBe('v2.3.0');
    expect(trainer.namespace).toBe('kubeflow-system');
    expect(trainer.phase).toBe(InstallPhase.OPERATORS);
    // The runtimes after the trainer's CRDs and webhook, before the platform's TrainJobs.
    expect(runtimes.phase).toBe(InstallPhase.OPERATOR_RESOURCES);
    expect(runtimes.syncWave).toBeGreaterThan(trainer.syncWave);
    expect(runtimes.syncWave).toBeLessThan(syncWaveOf(InstallPhase.PLATFORM));
    expect(trainer.source.kustomize!.images).toEqual(['ghcr.io/kubeflow/trainer/trainer-controller-manager:v2.3.0']);
    expect(trainer.source.kustomize!.patches!.map((p) => YAML.parse(p.patch))).toEqual([
      { $patch: 'delete', apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'kubeflow-system' } },
    ]);
  });

  describe('the trainer rendered against the upstream tree (JobSet from its vendored source)', () => {
    const tree = offlineTrainerTree();
    const before = renderKustomize(trainer, 'trainer', { sourceDir: tree.overlay, withoutImages: true, withoutPatches: true });
    const after = renderKustomize(trainer, 'trainer', { sourceDir: tree.overlay });
    afterAll(() => fs.rmSync(tree.root, { recursive: true, force: true }));

    test('the kubeflow-system Namespace is the platform\'s alone', () => {
      expect(find(before, 'Namespace', 'kubeflow-system')).toBeDefined();
      expect(after.filter((o) => o.kind === 'Namespace')).toEqual([]);
    });

    test('images pinned: the controller and JobSet', () => {
      expect(imagesOf(after).sort()).toEqual(['ghcr.io/kubeflow/trainer/trainer-controller-manager:v2.3.0', 'registry.k8s.io/jobset/jobset:v0.12.0']);
      expect(imagesOf(after).every(isPinnedImage)).toBe(true);
    });

    test('what it provides is in the render', () => {
      assertProvidedByRender(trainer.provides, after, 'kubeflow-system');
    });
  });

  describe('the runtimes rendered against the upstream tree', () => {
    const after = renderKustomize(runtimes, 'trainer');

    test('every runtime image is pinned by upstream\'s overlay', () => {
      expect(imagesOf(after).length).toBeGreaterThan(0);
      expect(imagesOf(after).filter((i) => !isPinnedImage(i))).toEqual([]);
    });

    test('the declared ClusterTrainingRuntimes are exactly the render\'s', () => {
      assertProvidedByRender(runtimes.provides, after, 'kubeflow-system');
      expect(after.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual(runtimes.provides.objects!.map((o) => `ClusterTrainingRuntime/${o.name}`).sort());
    });
  });
});
