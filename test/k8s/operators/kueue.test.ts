import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';
import { assertProvidedTemplates, assertValuesInChart, crdKindsIn, declaredKinds, upstreamPath } from './upstream';
import { InstallPhase, OperatorCatalogue } from '../../../lib/k8s';

const chart = () => upstreamPath('kueue', '0.19.2', 'charts/kueue');

describe('Kueue release (chart 0.19.2)', () => {
  const r = OperatorCatalogue.kueue();

  test('chart and values, literally: the published chart\'s image, pinned', () => {
    expect(r.source).toMatchObject({ repoUrl: 'oci://registry.k8s.io/kueue/charts', chart: 'kueue', version: '0.19.2' });
    expect(r.phase).toBe(InstallPhase.OPERATORS);
    expect(r.values).toEqual({
      enableCertManager: false,
      enablePrometheus: true,
      controllerManager: { manager: { image: { repository: 'registry.k8s.io/kueue/kueue', tag: 'v0.19.2', pullPolicy: 'IfNotPresent' } } },
    });
    expect(OperatorCatalogue.kueue({ certManager: true, serviceMonitor: false }).values)
      .toMatchObject({ enableCertManager: true, enablePrometheus: false });
  });

  test('the git tree names a staging image the release replaces', () => {
    const image = YAML.parse(fs.readFileSync(path.join(chart(), 'values.yaml'), 'utf8')).controllerManager.manager.image;
    expect(image).toEqual({ repository: 'us-central1-docker.pkg.dev/k8s-staging-images/kueue/kueue', tag: 'release-0.19', pullPolicy: 'Always' });
  });

  test('every value is one the chart has; what it provides comes from the chart', () => {
    assertValuesInChart(r.values, chart());
    expect(declaredKinds(r.provides)).toEqual(crdKindsIn(path.join(chart(), 'templates', 'crd')));
    assertProvidedTemplates(r.provides, chart());
  });
});
