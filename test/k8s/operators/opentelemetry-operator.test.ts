import * as fs from 'fs';
import * as path from 'path';
import Ajv from 'ajv';
import * as YAML from 'yaml';
import { assertProvidedTemplates, assertValuesInChart, crdKindsIn, declaredKinds, upstreamPath } from './upstream';
import { InstallPhase, OperatorCatalogue, PodSecurityLevel, ReleaseSourceKind } from '../../../lib/k8s';

const chart = () => upstreamPath('opentelemetry-operator-chart', '0.122.0', 'charts/opentelemetry-operator');

describe('OpenTelemetry operator release (chart 0.122.0, appVersion 0.158.0)', () => {
  const r = OperatorCatalogue.opentelemetryOperator();

  test('the chart, not config/default (placeholder image `controller`); values literally', () => {
    expect(r.source.kind).toBe(ReleaseSourceKind.HELM_REPOSITORY);
    expect(r.source).toMatchObject({ repoUrl: 'https://open-telemetry.github.io/opentelemetry-helm-charts', chart: 'opentelemetry-operator', version: '0.122.0' });
    expect(r.phase).toBe(InstallPhase.OPERATORS);
    expect(r.podSecurity).toBe(PodSecurityLevel.RESTRICTED);
    expect(r.values).toEqual({
      manager: {
        image: { repository: 'ghcr.io/open-telemetry/opentelemetry-operator/opentelemetry-operator', tag: '0.158.0' },
        collectorImage: { repository: 'docker.io/otel/opentelemetry-collector-contrib', tag: '0.158.0' },
      },
      admissionWebhooks: { certManager: { enabled: true }, autoGenerateCert: { enabled: false } },
      testFramework: { image: { repository: 'docker.io/library/busybox', tag: '1.37.0' } },
    });
    const chartYaml = fs.readFileSync(path.join(chart(), 'Chart.yaml'), 'utf8');
    expect(chartYaml).toMatch(/^appVersion: 0\.158\.0$/m);
  });

  test('every value is one the chart has, and the values pass the chart\'s values.schema.json', () => {
    assertValuesInChart(r.values, chart());
    const schema = JSON.parse(fs.readFileSync(path.join(chart(), 'values.schema.json'), 'utf8'));
    const ajv = new Ajv({ strict: false, allErrors: true });
    // The schema validates the merged values: check ours merged over the chart's defaults.
    const defaults = YAML.parse(fs.readFileSync(path.join(chart(), 'values.yaml'), 'utf8'));
    const merge = (a: any, b: any): any => (a && b && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b)
      ? Object.fromEntries([...new Set([...Object.keys(a), ...Object.keys(b)])].map((k) => [k, k in b ? merge(a[k], b[k]) : a[k]]))
      : b ?? a);
    const validate = ajv.compile({ ...schema, $schema: undefined });
    expect(validate(merge(defaults, r.values)) ? [] : validate.errors).toEqual([]);
  });

  test('what it provides comes from the chart: CRDs (conf/crds) and the templates of its webhook Service and manager', () => {
    expect(declaredKinds(r.provides)).toEqual(crdKindsIn(path.join(chart(), 'conf', 'crds')));
    assertProvidedTemplates(r.provides, chart());
  });
});
