import { Duration, Testing } from 'cdk8s';
import { DCGM_METRICS, KNOWN_METRICS, MetricType, VLLM_METRICS, knownMetricOf, seriesNames } from '../../../lib/core';
import { AlertSeverity, PLATFORM_ALERTS, PlatformAlerts, PlatformAlertsProps, metricNamesIn, unknownMetricsIn } from '../../../lib/k8s';
import { assertValidManifests } from '../../../lib/verify/k8s';
import { one } from '../helpers';

function render(props: PlatformAlertsProps = {}): { alerts: PlatformAlerts; rule: any } {
  const chart = Testing.chart();
  const alerts = new PlatformAlerts(chart, 'alerts', props);
  const objects = Testing.synth(chart);
  assertValidManifests(objects, { kubernetesVersion: '1.34' });
  return { alerts, rule: one(objects, 'PrometheusRule', 'cnai-platform-alerts') };
}

function exprOf(rule: any, alert: string): string {
  for (const g of rule.spec.groups) for (const r of g.rules) if (r.alert === alert) return r.expr;
  throw new Error(`no alert ${alert}`);
}

describe('PromQL metric names', () => {
  test('functions, aggregations, label lists, matchers, ranges, strings and numbers are not metric names', () => {
    expect(metricNamesIn('histogram_quantile(0.95, sum by (namespace, le) (rate(vllm:time_to_first_token_seconds_bucket{model_name=~"a|b"}[5m]))) > 2'))
      .toEqual(['vllm:time_to_first_token_seconds_bucket']);
    expect(metricNamesIn('max by (node) (DCGM_FI_DEV_FB_USED / (DCGM_FI_DEV_FB_USED + DCGM_FI_DEV_FB_FREE)) * 100 > 95'))
      .toEqual(['DCGM_FI_DEV_FB_USED', 'DCGM_FI_DEV_FB_FREE']);
    expect(metricNamesIn('(sum(a) > 0) unless on (cluster_queue) group_left (x) sum(increase(b_total[30m] offset 1h)) or absent(c{d="e"})'))
      .toEqual(['a', 'b_total', 'c']);
    expect(metricNamesIn('time() - max without (pod) (x) > bool 3')).toEqual(['x']);
  });

  test('every known metric is found, with a histogram\'s series', () => {
    for (const m of KNOWN_METRICS) {
      for (const s of seriesNames(m)) expect(knownMetricOf(s)).toBe(m);
    }
    expect(seriesNames(KNOWN_METRICS.find((m) => m.type === MetricType.HISTOGRAM)!)).toHaveLength(3);
    expect(unknownMetricsIn('rate(vllm:gpu_cache_usage_perc[5m])')).toEqual(['vllm:gpu_cache_usage_perc']);
  });

  test('every constant names its exporter and version; counters end in _total (DCGM names series after its fields)', () => {
    for (const m of KNOWN_METRICS) {
      expect([m.name, m.exporter.length > 0, m.version.length > 0]).toEqual([m.name, true, true]);
      if (m.type === MetricType.COUNTER && !m.name.startsWith('DCGM_FI_')) expect(m.name).toMatch(/_total$/);
    }
    expect(new Set(KNOWN_METRICS.map((m) => m.name)).size).toBe(KNOWN_METRICS.length);
  });
});

describe('PlatformAlerts', () => {
  test('the alert set: GPU XID, GPU memory, LLM queue, TTFT, KV cache, vector database, registry, training quota, telemetry', () => {
    const { alerts, rule } = render();
    expect(alerts.allRules.map((r) => r.alert)).toEqual(Object.values(PLATFORM_ALERTS));
    expect(rule.spec.groups.map((g: any) => g.name)).toEqual(['cnai.gpu', 'cnai.gpu-idle', 'cnai.llm-serving', 'cnai.retrieval', 'cnai.registry', 'cnai.queueing', 'cnai.telemetry']);
    expect(rule.metadata.namespace).toBe('monitoring');
    for (const g of rule.spec.groups) {
      for (const r of g.rules) {
        expect(Object.values(AlertSeverity)).toContain(r.labels.severity);
        expect(r.annotations.summary.length).toBeGreaterThan(10);
      }
    }
  });

  test('every alert expression reads only metrics the pinned exporters expose', () => {
    const { rule } = render();
    const seen = new Set<string>();
    for (const g of rule.spec.groups) {
      for (const r of g.rules) {
        const names = metricNamesIn(r.expr);
        expect([r.alert, names.length > 0]).toEqual([r.alert, true]);
        expect([r.alert, unknownMetricsIn(r.expr)]).toEqual([r.alert, []]);
        names.forEach((n) => seen.add(n));
      }
    }
    expect([...seen]).toEqual(expect.arrayContaining([DCGM_METRICS.xidErrors.name, VLLM_METRICS.kvCacheUsagePerc, 'kueue_pending_workloads', 'up']));
  });

  test('thresholds and durations reach the expressions', () => {
    const { rule } = render({
      gpuMemoryUsedPercent: 97,
      llmQueuedRequests: 5,
      timeToFirstTokenSeconds: 1.5,
      ttftQuantile: 0.9,
      kvCacheUsagePercent: 85,
      servingFor: Duration.minutes(3),
      trainingPendingFor: Duration.hours(2),
    });
    expect(exprOf(rule, 'GpuMemoryNearFull')).toMatch(/\* 100 > 97$/);
    expect(exprOf(rule, 'LlmRequestQueueHigh')).toBe('sum by (namespace, llm_service, model_name) (vllm:num_requests_waiting) > 5');
    expect(exprOf(rule, 'LlmTimeToFirstTokenHigh'))
      .toBe('histogram_quantile(0.9, sum by (namespace, llm_service, model_name, le) (rate(vllm:time_to_first_token_seconds_bucket[5m]))) > 1.5');
    expect(exprOf(rule, 'LlmKvCacheSaturated')).toMatch(/vllm:kv_cache_usage_perc\) \* 100 > 85$/);
    expect(exprOf(rule, 'TrainingJobStuckPendingOnQuota')).toContain('increase(kueue_admitted_workloads_total[2h])');
    expect(exprOf(rule, 'VectorDatabaseUnavailable')).toBe('max by (namespace, service) (up{cnai_component="qdrant"}) == 0');
    const ttft = rule.spec.groups.find((g: any) => g.name === 'cnai.llm-serving').rules.find((r: any) => r.alert === 'LlmTimeToFirstTokenHigh');
    expect(ttft.for).toBe('3m');
  });

  test('rules added later are rendered and checked', () => {
    const chart = Testing.chart();
    const alerts = new PlatformAlerts(chart, 'alerts');
    alerts.addRule('cnai.custom', { alert: 'GpuHot', expr: `max by (node) (${DCGM_METRICS.gpuTemp.name}) > 85`, severity: AlertSeverity.WARNING, summary: 'A GPU runs hot', description: 'd' });
    const rule = one(Testing.synth(chart), 'PrometheusRule', 'cnai-platform-alerts');
    expect(rule.spec.groups.find((g: any) => g.name === 'cnai.custom').rules[0].expr).toBe('max by (node) (DCGM_FI_DEV_GPU_TEMP) > 85');
  });

  describe('errors', () => {
    test('a percentage above 100', () => {
      expect(() => render({ gpuMemoryUsedPercent: 105 })).toThrow('test/alerts: invalid gpuMemoryUsedPercent = 105: a percentage must be above 0 and at most 100. Fix: give a percentage such as 90.');
    });

    test('a negative duration', () => {
      expect(() => render({ timeToFirstTokenSeconds: -1 })).toThrow('invalid timeToFirstTokenSeconds = -1: a duration must be a positive number of seconds');
    });

    test('a quantile outside (0, 1)', () => {
      expect(() => render({ ttftQuantile: 95 })).toThrow('invalid ttftQuantile = 95: a quantile is between 0 and 1 (exclusive)');
    });

    test('a queue length below 1', () => {
      expect(() => render({ llmQueuedRequests: 0 })).toThrow('invalid llmQueuedRequests = 0: not a whole number of requests of at least 1');
    });

    test('a rule reading a metric no exporter exposes', () => {
      const chart = Testing.chart();
      const alerts = new PlatformAlerts(chart, 'alerts');
      expect(() => alerts.addRule('x', { alert: 'Old', expr: 'vllm:gpu_cache_usage_perc > 0.9', severity: AlertSeverity.INFO, summary: 's', description: 'd' }))
        .toThrow('invalid rules.Old.expr = "vllm:gpu_cache_usage_perc > 0.9": reads vllm:gpu_cache_usage_perc, which no exporter of the platform exposes');
    });

    test('an alert name that is taken or malformed', () => {
      const chart = Testing.chart();
      const alerts = new PlatformAlerts(chart, 'alerts');
      const rule = { expr: 'up == 0', severity: AlertSeverity.INFO, summary: 's', description: 'd' };
      expect(() => alerts.addRule('x', { ...rule, alert: 'GpuXidError' })).toThrow('invalid rule.alert = "GpuXidError": an alert with this name exists');
      expect(() => alerts.addRule('x', { ...rule, alert: 'gpu down' })).toThrow('invalid rule.alert = "gpu down": not an alert name');
    });
  });
});
