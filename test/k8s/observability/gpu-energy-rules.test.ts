import { Duration, Testing } from 'cdk8s';
import { DCGM_METRICS, GPU_ENERGY_METRICS, KSM_LLM_SERVICE_LABEL, KUBE_STATE_METRICS, kubeStateMetricsLabel } from '../../../lib/core';
import { GpuEnergyRules, KubePrometheusStack, LLM_SERVICE_LABEL, PlatformAlerts, PlatformAlertsProps, PlatformDashboards, metricNamesIn, unknownMetricsIn } from '../../../lib/k8s';
import { assertValidManifests } from '../../../lib/verify/k8s';
import { one } from '../helpers';

function render(props: PlatformAlertsProps = {}): { alerts: PlatformAlerts; energy: any; platform: any; dashboards: PlatformDashboards } {
  const chart = Testing.chart();
  const alerts = new PlatformAlerts(chart, 'alerts', props);
  const dashboards = new PlatformDashboards(chart, 'dashboards');
  const objects = Testing.synth(chart);
  // Core kinds at 1.34, the PrometheusRule against the pinned monitoring.coreos.com CRD.
  assertValidManifests(objects, { kubernetesVersion: '1.34' });
  return { alerts, dashboards, energy: one(objects, 'PrometheusRule', 'cnai-gpu-energy'), platform: one(objects, 'PrometheusRule', 'cnai-platform-alerts') };
}

/** `record -> expr` of every recording rule, by group. */
function recorded(rule: any): { [group: string]: { [record: string]: string } } {
  return Object.fromEntries(rule.spec.groups.map((g: any) => [g.name, Object.fromEntries(g.rules.map((r: any) => [r.record, r.expr]))]));
}

/** Every dashboard query of the energy dashboard, by panel title. */
function panels(d: PlatformDashboards): { [title: string]: string[] } {
  return Object.fromEntries(d.gpuEnergy.toJson().panels.map((p: any) => [p.title, p.targets.map((t: any) => t.expr)]));
}

describe('GPU power and energy recording rules', () => {
  const { energy, platform, dashboards } = render();

  test('one PrometheusRule in the rule namespace, three groups at their intervals', () => {
    expect(energy.metadata).toMatchObject({ name: 'cnai-gpu-energy', namespace: 'monitoring' });
    expect(energy.spec.groups.map((g: any) => [g.name, g.interval, g.rules.length]))
      .toEqual([['cnai.gpu-power', '1m', 11], ['cnai.gpu-energy-1h', '1m', 6], ['cnai.gpu-energy-1d', '15m', 6]]);
  });

  test('power per node and pool, attributed to pods, teams and served models by their share of the node\'s GPUs', () => {
    expect(recorded(energy)['cnai.gpu-power']).toEqual({
      'node:cnai_gpu_power_watts:sum': 'sum by (node, pool) (DCGM_FI_DEV_POWER_USAGE)',
      'pool:cnai_gpu_power_watts:sum': 'sum by (pool) (node:cnai_gpu_power_watts:sum)',
      'node:cnai_gpus:count': 'count by (node, pool) (DCGM_FI_DEV_GPU_UTIL)',
      'node:cnai_gpu_power_per_allocatable_gpu_watts:ratio':
        'node:cnai_gpu_power_watts:sum / on (node) group_left () max by (node) (kube_node_status_allocatable{resource="nvidia_com_gpu"} > 0)',
      'namespace_pod:cnai_gpu_requests:sum':
        'sum by (namespace, pod, node) (kube_pod_container_resource_requests{resource="nvidia_com_gpu"} > 0) and on (namespace, pod) (kube_pod_status_phase{phase="Running"} == 1)',
      'namespace_pod:cnai_gpu_power_watts:sum':
        'namespace_pod:cnai_gpu_requests:sum * on (node) group_left (pool) node:cnai_gpu_power_per_allocatable_gpu_watts:ratio',
      'namespace:cnai_gpu_power_watts:sum': 'sum by (namespace) (namespace_pod:cnai_gpu_power_watts:sum)',
      'namespace_llm_service:cnai_gpu_power_watts:sum':
        'sum by (namespace, llm_service) (label_replace(namespace_pod:cnai_gpu_power_watts:sum * on (namespace, pod) group_left (label_cnai_io_llm_service) '
        + 'max by (namespace, pod, label_cnai_io_llm_service) (kube_pod_labels{label_cnai_io_llm_service!=""}), "llm_service", "$1", "label_cnai_io_llm_service", "(.+)"))',
      'pool:cnai_gpu_unallocated_power_watts:sum':
        'pool:cnai_gpu_power_watts:sum - (sum by (pool) (namespace_pod:cnai_gpu_power_watts:sum) or 0 * pool:cnai_gpu_power_watts:sum)',
      'node:cnai_gpus_allocated:sum':
        'node:cnai_gpus:count / on (node) group_left () max by (node) (kube_node_status_allocatable{resource="nvidia_com_gpu"} > 0) '
        + '* on (node) group_left () sum by (node) (namespace_pod:cnai_gpu_requests:sum)',
      'node:cnai_gpus_allocated_idle:count':
        'clamp_min(node:cnai_gpus_allocated:sum - on (node) group_left () (count by (node) (avg_over_time(DCGM_FI_DEV_GPU_UTIL[5m]) >= 10) '
        + 'or on (node) 0 * node:cnai_gpus_allocated:sum), 0)',
    });
  });

  test('energy over an hour and a day: pools from DCGM\'s millijoule counter, teams and models by integrating their power', () => {
    const r = recorded(energy);
    expect(r['cnai.gpu-energy-1h']).toEqual({
      'pool:cnai_gpu_energy_joules:increase1h': 'sum by (pool) (increase(DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION[1h])) / 1000',
      'pool:cnai_gpu_energy_kwh:increase1h': 'pool:cnai_gpu_energy_joules:increase1h / 3600000',
      'namespace:cnai_gpu_energy_joules:integral1h': 'sum_over_time(namespace:cnai_gpu_power_watts:sum[1h]) * 60',
      'namespace:cnai_gpu_energy_kwh:integral1h': 'namespace:cnai_gpu_energy_joules:integral1h / 3600000',
      'namespace_llm_service:cnai_gpu_energy_joules:integral1h': 'sum_over_time(namespace_llm_service:cnai_gpu_power_watts:sum[1h]) * 60',
      'namespace_llm_service:cnai_gpu_energy_kwh:integral1h': 'namespace_llm_service:cnai_gpu_energy_joules:integral1h / 3600000',
    });
    expect(r['cnai.gpu-energy-1d']).toEqual({
      'pool:cnai_gpu_energy_joules:increase1d': 'sum by (pool) (increase(DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION[1d])) / 1000',
      'pool:cnai_gpu_energy_kwh:increase1d': 'pool:cnai_gpu_energy_joules:increase1d / 3600000',
      'namespace:cnai_gpu_energy_joules:integral1d': 'sum_over_time(namespace:cnai_gpu_power_watts:sum[1d]) * 60',
      'namespace:cnai_gpu_energy_kwh:integral1d': 'namespace:cnai_gpu_energy_joules:integral1d / 3600000',
      'namespace_llm_service:cnai_gpu_energy_joules:integral1d': 'sum_over_time(namespace_llm_service:cnai_gpu_power_watts:sum[1d]) * 60',
      'namespace_llm_service:cnai_gpu_energy_kwh:integral1d': 'namespace_llm_service:cnai_gpu_energy_joules:integral1d / 3600000',
    });
    // The integration step (`* 60`) is the interval of the group that records the power.
    expect(energy.spec.groups[0]).toMatchObject({ name: 'cnai.gpu-power', interval: '1m' });
  });

  test('the idle-GPU alert reads the recorded idle count', () => {
    const group = platform.spec.groups.find((g: any) => g.name === 'cnai.gpu-idle');
    expect(group.rules).toEqual([{
      alert: 'GpuAllocatedIdle',
      expr: 'node:cnai_gpus_allocated_idle:count > 0',
      for: '30m',
      labels: { severity: 'warning' },
      annotations: {
        summary: '{{ $value }} GPU(s) held by pods on {{ $labels.node }} (pool {{ $labels.pool }}) are idle',
        description: expect.stringContaining('have averaged below 10% utilisation for 30m'),
      },
    }]);
    expect(group.rules[0].annotations.description).toContain('kubectl get pods -A --field-selector spec.nodeName=<node>');
  });

  test('the "GPU power and energy" dashboard: its queries, literally', () => {
    expect(dashboards.gpuEnergy.title).toBe('CNAI / GPU power and energy');
    const model = 'namespace, llm_service';
    expect(panels(dashboards)).toEqual({
      'GPU power by pool': ['sum by (pool) (pool:cnai_gpu_power_watts:sum{pool=~"$pool"})'],
      'Power of GPUs no pod holds, by pool': ['sum by (pool) (pool:cnai_gpu_unallocated_power_watts:sum{pool=~"$pool"})'],
      'GPU power by team': ['sum by (namespace) (namespace:cnai_gpu_power_watts:sum{namespace=~"$namespace"})'],
      'GPU power by served model': [`sum by (${model}) (namespace_llm_service:cnai_gpu_power_watts:sum{namespace=~"$namespace"})`],
      'Energy per hour by pool': ['sum by (pool) (pool:cnai_gpu_energy_kwh:increase1h{pool=~"$pool"})'],
      'Energy per hour by team': ['sum by (namespace) (namespace:cnai_gpu_energy_kwh:integral1h{namespace=~"$namespace"})'],
      'Energy per hour by served model': [`sum by (${model}) (namespace_llm_service:cnai_gpu_energy_kwh:integral1h{namespace=~"$namespace"})`],
      'Energy, last 24 hours, by pool': ['sum by (pool) (pool:cnai_gpu_energy_kwh:increase1d{pool=~"$pool"})'],
      'Energy, last 24 hours, by team': ['sum by (namespace) (namespace:cnai_gpu_energy_kwh:integral1d{namespace=~"$namespace"})'],
      'Energy, last 24 hours, by served model': [`sum by (${model}) (namespace_llm_service:cnai_gpu_energy_kwh:integral1d{namespace=~"$namespace"})`],
      'GPU energy per generated token': [
        `sum by (${model}) (namespace_llm_service:cnai_gpu_power_watts:sum{namespace=~"$namespace"}) / on (${model}) `
        + `sum by (${model}) (rate(vllm:generation_tokens_total{namespace=~"$namespace"}[$__rate_interval]))`,
      ],
      'Idle GPUs held by pods, by node': ['sum by (pool, node) (node:cnai_gpus_allocated_idle:count{pool=~"$pool"})'],
      'GPUs held by pod': [
        'sum by (namespace, pod, node) (namespace_pod:cnai_gpu_requests:sum{namespace=~"$namespace"})',
        'sum by (namespace, pod, node, pool) (namespace_pod:cnai_gpu_power_watts:sum{namespace=~"$namespace", pool=~"$pool"})',
      ],
    });
    const json = dashboards.gpuEnergy.toJson();
    expect(json.panels.map((p: any) => p.fieldConfig.defaults.unit))
      .toEqual(['watt', 'watt', 'watt', 'watt', 'kwatth', 'kwatth', 'kwatth', 'kwatth', 'kwatth', 'kwatth', 'joule', 'short', 'short']);
    expect(json.templating.list.map((v: any) => v.definition))
      .toEqual([undefined, 'label_values(pool:cnai_gpu_power_watts:sum, pool)', 'label_values(namespace:cnai_gpu_power_watts:sum, namespace)']);
    // Loaded by the metrics backend's Grafana like the other dashboards.
    expect(dashboards.gpuEnergy.configMap.metadata.getLabel('grafana_dashboard')).toBe('1');
    expect(dashboards.gpuEnergy.namespace).toBe(KubePrometheusStack.platformDefault().dashboardNamespace);
  });

  test('no dangling series: every recorded series read is recorded before, and every recorded series is read', () => {
    const order: string[] = [];
    const readers: string[] = [];
    for (const g of energy.spec.groups) {
      for (const r of g.rules) {
        for (const m of metricNamesIn(r.expr).filter((n) => n.includes(':') && !n.startsWith('vllm:'))) {
          expect([r.record, m, order.includes(m)]).toEqual([r.record, m, true]);
        }
        order.push(r.record);
        readers.push(r.expr);
      }
    }
    const dashboardQueries = Object.values(panels(dashboards)).flat();
    const alertExprs = platform.spec.groups.flatMap((g: any) => g.rules.map((r: any) => r.expr));
    const read = new Set([...readers, ...dashboardQueries, ...alertExprs].flatMap(metricNamesIn));
    // The recorded set is exactly GPU_ENERGY_METRICS, and each is read by a later rule, the dashboard or an alert.
    expect(order.sort()).toEqual(Object.values(GPU_ENERGY_METRICS).map((m) => m.name).sort());
    for (const s of order) expect([s, read.has(s)]).toEqual([s, true]);
    // What the dashboard and the alert read of the recorded series is recorded.
    for (const q of [...dashboardQueries, ...alertExprs]) {
      for (const m of metricNamesIn(q).filter((n) => n.includes(':') && !n.startsWith('vllm:'))) expect([q, order.includes(m)]).toEqual([q, true]);
    }
  });

  test('the raw series come from the pinned exporters: DCGM default counters and kube-state-metrics', () => {
    const raw = new Set(energy.spec.groups.flatMap((g: any) => g.rules.flatMap((r: any) => metricNamesIn(r.expr))).filter((n: string) => !n.includes(':')));
    expect([...raw].sort()).toEqual([
      'DCGM_FI_DEV_GPU_UTIL', 'DCGM_FI_DEV_POWER_USAGE', 'DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION',
      'kube_node_status_allocatable', 'kube_pod_container_resource_requests', 'kube_pod_labels', 'kube_pod_status_phase',
    ]);
    for (const g of energy.spec.groups) for (const r of g.rules) expect([r.record, unknownMetricsIn(r.expr)]).toEqual([r.record, []]);
    expect(DCGM_METRICS.totalEnergyConsumption.name).toBe('DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION');
    expect(KUBE_STATE_METRICS.podLabels.labels).toContain('label_cnai_io_llm_service');
  });

  test('PromQL shape: brackets balance, label lists follow group_left, strings close', () => {
    const exprs = [
      ...energy.spec.groups.flatMap((g: any) => g.rules.map((r: any) => r.expr)),
      ...platform.spec.groups.flatMap((g: any) => g.rules.map((r: any) => r.expr)),
      ...Object.values(panels(dashboards)).flat(),
    ];
    const opener: { [close: string]: string } = { ')': '(', '}': '{', ']': '[' };
    for (const e of exprs as string[]) {
      const stack: string[] = [];
      let quoted = false;
      for (const ch of e) {
        if (ch === '"') quoted = !quoted;
        if (quoted) continue;
        if ('({['.includes(ch)) stack.push(ch);
        if (')}]'.includes(ch)) expect([e, stack.pop()]).toEqual([e, opener[ch]]);
      }
      expect([e, stack, quoted]).toEqual([e, [], false]);
      // `group_left (` must open a label list, never an expression (the parser would read it as labels).
      for (const m of e.matchAll(/group_left \(([^)]*)\)/g)) expect([e, m[1]]).toEqual([e, expect.stringMatching(/^[a-z_, ]*$/)]);
    }
  });
});

describe('kube-state-metrics exposes the LLM service label the model rules join on', () => {
  test('the chart value, the label name kube-state-metrics gives it, and the serving pods\' label agree', () => {
    const ksm = KubePrometheusStack.platformDefault().release.values['kube-state-metrics'];
    expect(ksm.metricLabelsAllowlist).toEqual(['pods=[cnai.io/llm-service]']);
    expect(LLM_SERVICE_LABEL).toBe('cnai.io/llm-service');
    expect(KSM_LLM_SERVICE_LABEL).toBe('label_cnai_io_llm_service');
    // kube-state-metrics' own conversion: invalid characters to "_", camelCase to snake_case.
    expect(kubeStateMetricsLabel('app.kubernetes.io/name')).toBe('label_app_kubernetes_io_name');
    expect(kubeStateMetricsLabel('teamName')).toBe('label_team_name');
  });
});

describe('thresholds', () => {
  test('the idle threshold and period reach the recording rule and the alert', () => {
    const { alerts, energy, platform } = render({ idleGpuUtilisationPercent: 25, idleGpuFor: Duration.hours(2) });
    expect(recorded(energy)['cnai.gpu-power']['node:cnai_gpus_allocated_idle:count']).toContain('avg_over_time(DCGM_FI_DEV_GPU_UTIL[5m]) >= 25)');
    const rule = platform.spec.groups.find((g: any) => g.name === 'cnai.gpu-idle').rules[0];
    expect([rule.for, rule.annotations.description]).toEqual(['2h', expect.stringContaining('below 25% utilisation for 2h')]);
    expect([alerts.idleGpuUtilisationPercent, alerts.idleGpuFor.toSeconds(), alerts.gpuEnergy.idleGpuUtilisationPercent]).toEqual([25, 7200, 25]);
  });

  test('documented defaults: 10 % for 30 minutes', () => {
    const alerts = new PlatformAlerts(Testing.chart(), 'a');
    expect([alerts.idleGpuUtilisationPercent, alerts.idleGpuFor.toSeconds()]).toEqual([10, 1800]);
    expect(new GpuEnergyRules(Testing.chart(), 'e').idleGpuUtilisationPercent).toBe(10);
  });

  test('rule labels and the backend\'s rule namespace apply to the energy rules too', () => {
    const chart = Testing.chart();
    const backend = { ...KubePrometheusStack.platformDefault(), ruleNamespace: 'rules', monitorLabels: { prometheus: 'main' } };
    new PlatformAlerts(chart, 'alerts', { metricsBackend: backend, ruleLabels: { team: 'platform' } });
    const energy = one(Testing.synth(chart), 'PrometheusRule', 'cnai-gpu-energy');
    expect([energy.metadata.namespace, energy.metadata.labels]).toEqual(['rules', { prometheus: 'main', team: 'platform' }]);
  });

  describe('errors', () => {
    test('an idle threshold of 100 (never below it: every GPU idle)', () => {
      expect(() => new PlatformAlerts(Testing.chart(), 'alerts', { idleGpuUtilisationPercent: 100 }))
        .toThrow('invalid idleGpuUtilisationPercent = 100: an idle threshold is a percentage above 0 and below 100');
    });
    test('an idle threshold on the energy rules alone', () => {
      expect(() => new GpuEnergyRules(Testing.chart(), 'energy', { idleGpuUtilisationPercent: 0 }))
        .toThrow('invalid idleGpuUtilisationPercent = 0: an idle threshold is a percentage above 0 and below 100');
    });
    test('an idle period shorter than the 5-minute average', () => {
      expect(() => new PlatformAlerts(Testing.chart(), 'alerts', { idleGpuFor: Duration.minutes(2) }))
        .toThrow('invalid idleGpuFor = "120s": shorter than the 5m the GPU utilisation is averaged over (or not whole seconds)');
    });
  });
});
