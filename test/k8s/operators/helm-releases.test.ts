import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Testing } from 'cdk8s';
import { HelmReleases, InstallPhase, OperatorCatalogue, OperatorRelease, OperatorRendering, PlatformOperators, ReleaseSource } from '../../../lib/k8s';
import { chart } from '../helpers';

const helmPresent = !spawnSync('helm', ['version', '--short']).error;

/** A minimal chart on disk, so rendering needs no network. */
function localChart(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cnai-chart-'));
  fs.writeFileSync(path.join(dir, 'Chart.yaml'), 'apiVersion: v2\nname: demo\nversion: 1.0.0\n');
  fs.mkdirSync(path.join(dir, 'templates'));
  fs.writeFileSync(path.join(dir, 'templates', 'cm.yaml'),
    'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\n  namespace: {{ .Release.Namespace }}\ndata:\n  greeting: {{ .Values.greeting | quote }}\n');
  return dir;
}

describe('HelmReleases (inline manifests through helm template)', () => {
  const release = () => new OperatorRelease({
    name: 'demo', namespace: 'demo', source: ReleaseSource.helmDirectory(localChart(), '1.0.0'), phase: InstallPhase.OPERATORS, values: { greeting: 'hello' },
  });

  // The one runtime branch of the suite: helm is needed at synth time and may be absent.
  test(helmPresent ? 'renders a chart with its values and sync wave (helm present)' : 'fails with a clear "helm not found" error (helm absent on this machine)', () => {
    if (helmPresent) {
      const { app } = chart();
      const ops = new PlatformOperators(app, 'ops', { releases: [release()], rendering: OperatorRendering.HELM });
      const cm = Testing.synth(ops).find((o) => o.kind === 'ConfigMap');
      expect(cm.metadata).toMatchObject({ name: 'demo', namespace: 'demo', annotations: { 'argocd.argoproj.io/sync-wave': '-10' } });
      expect(cm.data).toEqual({ greeting: 'hello' });
    } else {
      console.log('helm is not installed here: HelmReleases is checked for its "helm not found" error only');
      expect(() => new HelmReleases(chart().chart, 'h', { releases: [release()] }))
        .toThrow(/invalid helmExecutable = "helm": helm not found or not runnable \(ENOENT\).*Fix: install helm 3 and put it on PATH, or render the releases with OperatorRendering.ARGO_CD/);
    }
  });

  test('a missing helm executable is reported with the fix', () => {
    expect(() => new HelmReleases(chart().chart, 'h', { releases: [release()], helmExecutable: '/nonexistent/helm' }))
      .toThrow(/invalid helmExecutable = "\/nonexistent\/helm": helm not found or not runnable/);
  });

  test('kustomize sources cannot be rendered by helm', () => {
    expect(() => new HelmReleases(chart().chart, 'h', { releases: [OperatorCatalogue.katib()] }))
      .toThrow(/invalid releases\[0\].source = "https:\/\/github.com\/kubeflow\/katib\/manifests\/v1beta1\/installs\/katib-standalone@v0.19.0": release katib is a kustomize source, which helm cannot render/);
  });
});
