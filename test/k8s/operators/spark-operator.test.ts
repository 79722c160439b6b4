import * as path from 'path';
import { assertProvidedTemplates, assertValuesInChart, crdKindsIn, declaredKinds, upstreamPath } from './upstream';
import { OperatorCatalogue } from '../../../lib/k8s';

const chart = () => upstreamPath('spark-operator', 'v2.5.2', 'charts/spark-operator-chart');

describe('Spark operator release (chart 2.5.2)', () => {
  const r = OperatorCatalogue.sparkOperator({ jobNamespaces: ['team-a'] });

  test('chart and values, literally', () => {
    expect(r.source).toMatchObject({ repoUrl: 'https://kubeflow.github.io/spark-operator', chart: 'spark-operator', version: '2.5.2' });
    expect(r.values).toEqual({
      image: { tag: '2.5.2' },
      spark: { jobNamespaces: ['team-a'], serviceAccount: { create: false }, rbac: { create: false } },
      webhook: { enable: true },
    });
  });

  test('every value is one the chart has; what it provides comes from the chart', () => {
    assertValuesInChart(r.values, chart());
    expect(declaredKinds(r.provides)).toEqual(crdKindsIn(path.join(chart(), 'crds')));
    assertProvidedTemplates(r.provides, chart());
  });
});
