import * as path from 'path';
import { assertProvidedTemplates, assertValuesInChart, crdKindsIn, declaredKinds, upstreamPath } from './upstream';
import { InstallPhase, OperatorCatalogue, PodSecurityLevel } from '../../../lib/k8s';

const chart = () => upstreamPath('cert-manager', 'v1.20.2', 'deploy/charts/cert-manager');

describe('cert-manager release (chart v1.20.2)', () => {
  const r = OperatorCatalogue.certManager();

  test('chart, phase and values, literally: every image tag pinned to the release', () => {
    expect(r.source).toMatchObject({ repoUrl: 'https://charts.jetstack.io', chart: 'cert-manager', version: 'v1.20.2' });
    expect(r.phase).toBe(InstallPhase.FOUNDATION);
    expect(r.prune).toBe(false);
    expect(r.podSecurity).toBe(PodSecurityLevel.RESTRICTED);
    const tag = { image: { tag: 'v1.20.2' } };
    expect(r.values).toEqual({
      crds: { enabled: true, keep: true },
      replicaCount: 1,
      prometheus: { enabled: true, servicemonitor: { enabled: true } },
      ...tag,
      webhook: tag,
      cainjector: tag,
      acmesolver: tag,
      startupapicheck: tag,
    });
  });

  test('every value is one the chart has (values.yaml or values.schema.json)', () => {
    assertValuesInChart(r.values, chart());
    expect(() => assertValuesInChart({ webhook: { imageTag: 'v1' } }, chart())).toThrow(/values not in .*: webhook.imageTag/);
  });

  test('what it provides comes from the chart: CRDs and the templates of its Services and workloads', () => {
    expect(declaredKinds(r.provides)).toEqual(crdKindsIn(path.join(chart(), 'templates')));
    assertProvidedTemplates(r.provides, chart());
  });
});
