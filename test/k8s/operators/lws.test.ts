import * as path from 'path';
import { assertProvidedTemplates, assertValuesInChart, crdKindsIn, declaredKinds, upstreamPath } from './upstream';
import { InstallPhase, OperatorCatalogue } from '../../../lib/k8s';

const chart = () => upstreamPath('lws', 'v0.10.0', 'charts', 'lws');

describe('LeaderWorkerSet release (chart 0.10.0)', () => {
  const r = OperatorCatalogue.leaderWorkerSet();

  test('chart and values, literally: the controller image pinned to the release', () => {
    expect(r.name).toBe('lws');
    expect(r.namespace).toBe('lws-system');
    expect(r.source).toMatchObject({ repoUrl: 'oci://registry.k8s.io/lws/charts', chart: 'lws', version: '0.10.0' });
    expect(r.phase).toBe(InstallPhase.OPERATORS);
    expect(r.values).toEqual({
      image: { manager: { repository: 'registry.k8s.io/lws/lws', tag: 'v0.10.0', pullPolicy: 'IfNotPresent' } },
      enableCertManager: false,
      enablePrometheus: false,
      enableDisaggregatedSet: false,
    });
  });

  test('every value is one the chart has; what it provides comes from the chart', () => {
    assertValuesInChart(r.values, chart());
    expect(declaredKinds(r.provides)).toEqual(crdKindsIn(path.join(chart(), 'crds')));
    assertProvidedTemplates(r.provides, chart());
    expect(r.provides.services).toEqual([expect.objectContaining({ name: 'lws-webhook-service', ports: [{ port: 443, targetPort: 9443 }] })]);
    expect(r.provides.workloads![0]).toMatchObject({
      podLabels: { 'control-plane': 'controller-manager', 'app.kubernetes.io/name': 'lws', 'app.kubernetes.io/instance': 'lws' },
      serviceAccount: 'lws-controller-manager',
    });
  });
});
