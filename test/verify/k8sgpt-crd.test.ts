/**
 * k8sgpt-operator's chart (0.2.27) installs an older K8sGPT CRD than its repository's
 * config/crd/bases: K8sGPT resources are validated against the one that gets installed, which
 * has no security context fields (the API server would prune them from a resource).
 */
import { assertValidManifests } from '../../lib/verify/k8s';

const k8sgpt = (spec: { [key: string]: unknown }) => ({
  apiVersion: 'core.k8sgpt.ai/v1alpha1',
  kind: 'K8sGPT',
  metadata: { name: 'analysis', namespace: 'ops' },
  spec: { ai: { enabled: true, backend: 'localai', baseUrl: 'http://gateway.ops.svc:8080/v1', model: 'chat' }, ...spec },
});

describe('K8sGPT is validated against the CRD the chart installs', () => {
  test('a resource with the fields of both CRDs is valid', () => {
    expect(assertValidManifests([k8sgpt({ repository: 'ghcr.io/k8sgpt-ai/k8sgpt', version: 'v0.4.27', noCache: true })]).objectsChecked).toBe(1);
  });

  test('a field only the repository\'s newer CRD has is an error', () => {
    expect(() => assertValidManifests([k8sgpt({ containerSecurityContext: { runAsNonRoot: true } })])).toThrow(/containerSecurityContext/);
  });
});
