import { Testing } from 'cdk8s';
import { DCGM_METRICS, MetricType, knownMetricOf } from '../../../lib/core';
import { GrafanaDashboard, KubePrometheusStack, PanelKind, PanelUnit, PlatformDashboards, metricNamesIn, unknownMetricsIn } from '../../../lib/k8s';
import { assertValidManifests } from '../../../lib/verify/k8s';
import { ofKind } from '../helpers';

describe('dashboards', () => {
  const chart = Testing.chart();
  const dashboards = new PlatformDashboards(chart, 'dashboards');
  const objects = Testing.synth(chart);

  test('four ConfigMaps for the Grafana sidecar, schema-valid', () => {
    assertValidManifests(objects, { kubernetesVersion: '1.34' });
    const maps = ofKind(objects, 'ConfigMap');
    expect(maps.map((m) => m.metadata.name)).toEqual(['grafana-dashboard-cnai-gpus', 'grafana-dashboard-cnai-gpu-energy', 'grafana-dashboard-cnai-llm-serving', 'grafana-dashboard-cnai-queues']);
    for (const m of maps) {
      expect(m.metadata.labels).toEqual({ grafana_dashboard: '1' });
      expect(m.metadata.annotations.grafana_folder).toBe('CNAI platform');
      expect(m.metadata.namespace).toBe('monitoring');
    }
    expect(dashboards.all.map((d) => d.uid)).toEqual(['cnai-gpus', 'cnai-gpu-energy', 'cnai-llm-serving', 'cnai-queues']);
  });

  test('the namespace and label come from the metrics backend whose Grafana loads them', () => {
    const c = Testing.chart();
    const backend = { ...KubePrometheusStack.platformDefault(), dashboardNamespace: 'grafana', dashboardLabels: { 'grafana.example.com/dashboard': 'platform' } };
    const d = new PlatformDashboards(c, 'dashboards', { metricsBackend: backend });
    const maps = ofKind(Testing.synth(c), 'ConfigMap');
    expect(maps.map((m) => [m.metadata.namespace, m.metadata.labels])).toEqual(Array(4).fill(['grafana', { 'grafana.example.com/dashboard': 'platform' }]));
    expect(d.gpus.namespace).toBe('grafana');
    // The default backend's Grafana watches this namespace for this label (kube-prometheus-stack's sidecar values).
    const sidecar = KubePrometheusStack.platformDefault().release.values.grafana.sidecar.dashboards;
    expect([sidecar.searchNamespace, { [sidecar.label]: sidecar.labelValue }, sidecar.folderAnnotation]).toEqual(['monitoring', { grafana_dashboard: '1' }, 'grafana_folder']);
  });

  test('they parse as JSON, reference only known metrics, and lay panels out on the 24-column grid', () => {
    let queries = 0;
    for (const m of ofKind(objects, 'ConfigMap')) {
      const [key, text] = Object.entries<string>(m.data)[0];
      const dash = JSON.parse(text);
      expect(key).toBe(`${dash.uid}.json`);
      expect(dash.schemaVersion).toBeGreaterThanOrEqual(36);
      expect(new Set(dash.panels.map((p: any) => p.id)).size).toBe(dash.panels.length);
      for (const p of dash.panels) {
        expect(p.gridPos.x + p.gridPos.w).toBeLessThanOrEqual(24);
        expect(p.datasource.uid).toBe('${datasource}');
        for (const t of p.targets) {
          queries++;
          expect(metricNamesIn(t.expr).length).toBeGreaterThan(0);
          expect([p.title, unknownMetricsIn(t.expr)]).toEqual([p.title, []]);
        }
      }
      for (const v of dash.templating.list.filter((x: any) => x.type === 'query')) {
        const metric = /^label_values\(([^,]+), *\w+\)$/.exec(v.query.query)![1];
        expect(knownMetricOf(metric)).toBeDefined();
        expect(knownMetricOf(metric)!.type).not.toBe(MetricType.HISTOGRAM);
      }
    }
    expect(queries).toBeGreaterThan(20);
  });

  test('panels flow into rows', () => {
    const gpu = JSON.parse(ofKind(objects, 'ConfigMap')[0].data['cnai-gpus.json']);
    expect(gpu.panels.slice(0, 3).map((p: any) => p.gridPos))
      .toEqual([{ x: 0, y: 0, w: 12, h: 8 }, { x: 12, y: 0, w: 12, h: 8 }, { x: 0, y: 8, w: 24, h: 8 }]);
    expect(gpu.panels.find((p: any) => p.type === 'table').targets[0]).toMatchObject({ instant: true, format: 'table' });
  });

  describe('errors', () => {
    const panel = { title: 'p', queries: [{ expr: DCGM_METRICS.gpuUtil.name }], unit: PanelUnit.PERCENT, kind: PanelKind.STAT };
    test('a query reading an unknown metric', () => {
      expect(() => new GrafanaDashboard(Testing.chart(), 'd', { uid: 'd', title: 'd', panels: [{ ...panel, queries: [{ expr: 'nvidia_gpu_util' }] }] }))
        .toThrow('invalid panels[0].queries[0].expr = "nvidia_gpu_util": reads nvidia_gpu_util, which no exporter of the platform exposes');
    });
    test('a panel without queries, or wider than the grid', () => {
      expect(() => new GrafanaDashboard(Testing.chart(), 'd', { uid: 'd', title: 'd', panels: [{ ...panel, queries: [] }] })).toThrow('invalid panels[0].queries = []: panel "p" has no query');
      expect(() => new GrafanaDashboard(Testing.chart(), 'd', { uid: 'd', title: 'd', panels: [{ ...panel, width: 30 }] })).toThrow('invalid panels[0].width = 30: Grafana\'s grid is 24 columns wide');
    });
    test('a variable over an unknown metric or with a bad name', () => {
      const bad = { ...DCGM_METRICS.gpuUtil, name: 'gpu_util' };
      expect(() => new GrafanaDashboard(Testing.chart(), 'd', { uid: 'd', title: 'd', panels: [panel], variables: [{ name: 'pool', metric: bad, label: 'pool' }] }))
        .toThrow('invalid variables.pool.metric = "gpu_util": not a metric of lib/core/metrics.ts');
      expect(() => new GrafanaDashboard(Testing.chart(), 'd', { uid: 'd', title: 'd', panels: [panel], variables: [{ name: 'Pool-1', metric: DCGM_METRICS.gpuUtil, label: 'pool' }] }))
        .toThrow('invalid variables.name = "Pool-1": not a variable name');
    });
  });
});
