import * as path from 'path';
import { assertProvidedTemplates, assertValuesInChart, crdKindsIn, declaredKinds, upstreamPath } from './upstream';
import { InstallPhase, OperatorCatalogue } from '../../../lib/k8s';

const chart = () => upstreamPath('keda', '2.20.2', 'keda');

describe('KEDA release (chart 2.20.2)', () => {
  const r = OperatorCatalogue.keda();

  test('chart and values, literally: image tags pinned', () => {
    expect(r.source).toMatchObject({ repoUrl: 'https://kedacore.github.io/charts', chart: 'keda', version: '2.20.2' });
    expect(r.phase).toBe(InstallPhase.OPERATORS);
    expect(r.values).toEqual({
      image: { keda: { tag: '2.20.2' }, metricsApiServer: { tag: '2.20.2' }, webhooks: { tag: '2.20.2' } },
      prometheus: { operator: { enabled: true, serviceMonitor: { enabled: true } } },
    });
  });

  test('every value is one the chart has; what it provides comes from the chart', () => {
    assertValuesInChart(r.values, chart());
    assertValuesInChart(OperatorCatalogue.keda({ serviceMonitor: false }).values, chart());
    expect(declaredKinds(r.provides)).toEqual(crdKindsIn(path.join(chart(), 'templates', 'crds')));
    assertProvidedTemplates(r.provides, chart());
    // The operator, which queries Prometheus for the LLM scalers, is declared with its service account.
    expect(r.provides.workloads!.find((w) => w.name === 'keda-operator')).toMatchObject({
      podLabels: { 'app': 'keda-operator', 'name': 'keda-operator', 'app.kubernetes.io/name': 'keda-operator' }, serviceAccount: 'keda-operator',
    });
  });
});
