/**
 * The reference platform's releases checked against upstream: every Application maps to its
 * vendored artifact, every Helm value exists, every kustomize patch hits, every image is
 * pinned, every declaration holds, and no object has two owners.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { buildReferenceK8s, k8sApp, referenceContract } from '../../../examples/reference-platform/main';
import { formatReleaseReport, verifyReleases } from '../../../lib/verify/upstream';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cnai-reference-releases-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function synthesize(): Array<{ file: string; content: string }> {
  const out = path.join(tmp, 'dist');
  const app = k8sApp(out);
  buildReferenceK8s(app, referenceContract());
  app.synth();
  return fs.readdirSync(out).filter((f) => f.endsWith('.yaml')).sort().map((f) => ({ file: `dist/${f}`, content: fs.readFileSync(path.join(out, f), 'utf8') }));
}

const result = verifyReleases(synthesize());

test('every Application of the reference platform is checked, the kustomize sources rendered', () => {
  expect(result.releases.map((r) => `${r.application} ${r.sourceType}${r.rendered ? ' rendered' : ''}`)).toEqual([
    'cert-manager helm',
    'kube-prometheus-stack helm',
    'kueue helm',
    'keda helm',
    'kserve kustomize rendered',
    'kserve-runtimes kustomize rendered',
    'external-secrets helm',
    'opentelemetry-operator helm',
    'kubeflow-trainer kustomize rendered',
    'kubeflow-trainer-runtimes kustomize rendered',
    'katib kustomize rendered',
    'notebook-controller kustomize rendered',
    'efa-device-plugin helm',
    // The model gateway and its internal NLB's controller.
    'envoy-gateway helm',
    'envoy-ai-gateway-crds helm',
    'envoy-ai-gateway helm',
    'inference-extension-crds kustomize rendered',
    'aws-load-balancer-controller helm',
  ]);
});

test('the installs match what upstream publishes: no findings', () => {
  expect(result.findings.map((f) => f.message)).toEqual([]);
  expect(formatReleaseReport(result).split('\n')[0]).toBe('No problems in 18 releases checked against upstream');
});
