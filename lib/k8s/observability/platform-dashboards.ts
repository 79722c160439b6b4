import { Construct } from 'constructs';
import { DashboardPanel, GrafanaDashboard, PanelKind, PanelUnit } from './grafana-dashboard';
import { DCGM_METRICS, GPU_ENERGY_METRICS, KUEUE_METRICS, LLM_SERVICE_METRIC_LABEL, MetricDefinition, VLLM_METRICS, VLLM_METRIC_DEFINITIONS, VLLM_MODEL_LABEL } from '../../core/metrics';
import { IMetricsBackend } from '../operators';

/** Props of {@link PlatformDashboards}. */
export interface PlatformDashboardsProps {
  /**
   * The metrics backend whose Grafana loads the dashboards.
   * @default KubePrometheusStack.platformDefault()
   */
  readonly metricsBackend?: IMetricsBackend;
  /**
   * Grafana folder.
   * @default "CNAI platform"
   */
  readonly folder?: string;
}

function vllm(name: string): MetricDefinition {
  const m = VLLM_METRIC_DEFINITIONS.find((d) => d.name === name);
  if (!m) throw new Error(`internal: ${name} is not in VLLM_METRIC_DEFINITIONS`);
  return m;
}

/**
 * The platform's four dashboards: GPUs (utilisation, memory, temperature, power and XID
 * errors per pool and node), GPU power and energy (power and energy per pool, team and
 * served model, energy per generated token, idle GPUs that pods hold: the series of
 * {@link GpuEnergyRules}, which PlatformAlerts records), LLM serving (queue, time to first
 * token, latency, token throughput, KV cache, preemptions per service) and queue admission
 * (pending and admitted workloads and admission wait per team queue).
 */
export class PlatformDashboards extends Construct {
  /** GPU dashboard. */
  public readonly gpus: GrafanaDashboard;
  /** GPU power and energy dashboard. */
  public readonly gpuEnergy: GrafanaDashboard;
  /** LLM serving dashboard. */
  public readonly llmServing: GrafanaDashboard;
  /** Queue admission dashboard. */
  public readonly queues: GrafanaDashboard;

  constructor(scope: Construct, id: string, props: PlatformDashboardsProps = {}) {
    super(scope, id);
    const common = { metricsBackend: props.metricsBackend, folder: props.folder };

    const gpuSel = '{pool=~"$pool", node=~"$node"}';
    const util = DCGM_METRICS.gpuUtil.name;
    const used = DCGM_METRICS.fbUsed.name;
    const free = DCGM_METRICS.fbFree.name;
    const gpuPanels: DashboardPanel[] = [
      {
        title: 'GPU utilisation by pool',
        queries: [{ expr: `avg by (pool) (${util}${gpuSel})`, legend: '{{pool}}' }],
        unit: PanelUnit.PERCENT,
        max: 100,
      },
      {
        title: 'GPU memory in use by pool',
        queries: [{ expr: `sum by (pool) (${used}${gpuSel}) / (sum by (pool) (${used}${gpuSel}) + sum by (pool) (${free}${gpuSel}))`, legend: '{{pool}}' }],
        unit: PanelUnit.PERCENT_UNIT,
        max: 1,
      },
      {
        title: 'GPU utilisation by GPU',
        queries: [{ expr: `${util}${gpuSel}`, legend: '{{node}} gpu{{gpu}}' }],
        unit: PanelUnit.PERCENT,
        max: 100,
        width: 24,
      },
      { title: 'GPU temperature', queries: [{ expr: `max by (node, gpu) (${DCGM_METRICS.gpuTemp.name}${gpuSel})`, legend: '{{node}} gpu{{gpu}}' }], unit: PanelUnit.CELSIUS, width: 8 },
      { title: 'GPU power', queries: [{ expr: `sum by (pool) (${DCGM_METRICS.powerUsage.name}${gpuSel})`, legend: '{{pool}}' }], unit: PanelUnit.WATTS, width: 8 },
      {
        title: 'GPUs with an XID error',
        kind: PanelKind.TABLE,
        queries: [{ expr: `max by (pool, node, gpu, UUID) (${DCGM_METRICS.xidErrors.name}${gpuSel}) > 0` }],
        description: 'Last XID reported per GPU (empty when none). 48, 79, 94 and 95 mean the GPU needs attention.',
        width: 8,
      },
      {
        title: 'Running workloads by team queue',
        queries: [{ expr: `sum by (cluster_queue) (${KUEUE_METRICS.admittedActiveWorkloads.name})`, legend: '{{cluster_queue}}' }],
        description: 'Admitted, running workloads of each team\'s ClusterQueue (what holds the GPUs).',
        width: 24,
      },
    ];
    this.gpus = new GrafanaDashboard(this, 'Gpus', {
      ...common,
      uid: 'cnai-gpus',
      title: 'CNAI / GPUs',
      variables: [
        { name: 'pool', metric: DCGM_METRICS.gpuUtil, label: 'pool', title: 'Pool' },
        { name: 'node', metric: DCGM_METRICS.gpuUtil, label: 'node', title: 'Node' },
      ],
      panels: gpuPanels,
    });

    const G = GPU_ENERGY_METRICS;
    const pool = '{pool=~"$pool"}';
    const team = '{namespace=~"$namespace"}';
    const model = `namespace, ${LLM_SERVICE_METRIC_LABEL}`;
    const modelLegend = `{{namespace}}/{{${LLM_SERVICE_METRIC_LABEL}}}`;
    this.gpuEnergy = new GrafanaDashboard(this, 'GpuEnergy', {
      ...common,
      uid: 'cnai-gpu-energy',
      title: 'CNAI / GPU power and energy',
      variables: [
        { name: 'pool', metric: G.poolPowerWatts, label: 'pool', title: 'Pool' },
        { name: 'namespace', metric: G.namespacePowerWatts, label: 'namespace', title: 'Team namespace' },
      ],
      panels: [
        { title: 'GPU power by pool', queries: [{ expr: `sum by (pool) (${G.poolPowerWatts.name}${pool})`, legend: '{{pool}}' }], unit: PanelUnit.WATTS },
        {
          title: 'Power of GPUs no pod holds, by pool',
          queries: [{ expr: `sum by (pool) (${G.poolUnallocatedPowerWatts.name}${pool})`, legend: '{{pool}}' }],
          unit: PanelUnit.WATTS,
          description: 'What the pool\'s GPUs draw beyond the share attributed to running pods: GPUs waiting for work, or nodes kept for scale-up.',
        },
        {
          title: 'GPU power by team',
          queries: [{ expr: `sum by (namespace) (${G.namespacePowerWatts.name}${team})`, legend: '{{namespace}}' }],
          unit: PanelUnit.WATTS,
          description: 'Each running pod gets its node\'s GPU power times its share of the node\'s nvidia.com/gpu; a team is its namespace.',
        },
        {
          title: 'GPU power by served model',
          queries: [{ expr: `sum by (${model}) (${G.llmServicePowerWatts.name}${team})`, legend: modelLegend }],
          unit: PanelUnit.WATTS,
        },
        { title: 'Energy per hour by pool', queries: [{ expr: `sum by (pool) (${G.poolEnergyKwh1h.name}${pool})`, legend: '{{pool}}' }], unit: PanelUnit.KILOWATT_HOURS, width: 8 },
        { title: 'Energy per hour by team', queries: [{ expr: `sum by (namespace) (${G.namespaceEnergyKwh1h.name}${team})`, legend: '{{namespace}}' }], unit: PanelUnit.KILOWATT_HOURS, width: 8 },
        { title: 'Energy per hour by served model', queries: [{ expr: `sum by (${model}) (${G.llmServiceEnergyKwh1h.name}${team})`, legend: modelLegend }], unit: PanelUnit.KILOWATT_HOURS, width: 8 },
        { title: 'Energy, last 24 hours, by pool', kind: PanelKind.TABLE, queries: [{ expr: `sum by (pool) (${G.poolEnergyKwh1d.name}${pool})` }], unit: PanelUnit.KILOWATT_HOURS, width: 8 },
        { title: 'Energy, last 24 hours, by team', kind: PanelKind.TABLE, queries: [{ expr: `sum by (namespace) (${G.namespaceEnergyKwh1d.name}${team})` }], unit: PanelUnit.KILOWATT_HOURS, width: 8 },
        { title: 'Energy, last 24 hours, by served model', kind: PanelKind.TABLE, queries: [{ expr: `sum by (${model}) (${G.llmServiceEnergyKwh1d.name}${team})` }], unit: PanelUnit.KILOWATT_HOURS, width: 8 },
        {
          title: 'GPU energy per generated token',
          queries: [{
            expr: `sum by (${model}) (${G.llmServicePowerWatts.name}${team}) / on (${model}) `
              + `sum by (${model}) (rate(${VLLM_METRICS.generationTokens}${team}[$__rate_interval]))`,
            legend: modelLegend,
          }],
          unit: PanelUnit.JOULES,
          description: 'Attributed GPU power over the rate of generated tokens: joules per token of each served model.',
        },
        {
          title: 'Idle GPUs held by pods, by node',
          queries: [{ expr: `sum by (pool, node) (${G.nodeGpusAllocatedIdle.name}${pool})`, legend: '{{pool}}/{{node}}' }],
          description: 'GPUs that running pods hold while their 5-minute utilisation is below the idle threshold of PlatformAlerts (alert GpuAllocatedIdle).',
        },
        {
          title: 'GPUs held by pod',
          kind: PanelKind.TABLE,
          queries: [
            { expr: `sum by (namespace, pod, node) (${G.podGpuRequests.name}${team})` },
            { expr: `sum by (namespace, pod, node, pool) (${G.podPowerWatts.name}{namespace=~"$namespace", pool=~"$pool"})` },
          ],
          description: 'Running pods that request nvidia.com/gpu: how many (A) and the GPU power attributed to them in W (B).',
          width: 24,
        },
      ],
    });

    const svc = `{namespace=~"$namespace", ${LLM_SERVICE_METRIC_LABEL}=~"$llm_service"}`;
    const by = `namespace, ${LLM_SERVICE_METRIC_LABEL}`;
    const legend = `{{namespace}}/{{${LLM_SERVICE_METRIC_LABEL}}}`;
    const q = (quantile: number, metric: string) => `histogram_quantile(${quantile}, sum by (${by}, le) (rate(${metric}_bucket${svc}[$__rate_interval])))`;
    this.llmServing = new GrafanaDashboard(this, 'LlmServing', {
      ...common,
      uid: 'cnai-llm-serving',
      title: 'CNAI / LLM serving',
      variables: [
        { name: 'namespace', metric: vllm(VLLM_METRICS.numRequestsRunning), label: 'namespace', title: 'Namespace' },
        { name: 'llm_service', metric: vllm(VLLM_METRICS.numRequestsRunning), label: LLM_SERVICE_METRIC_LABEL, title: 'Service' },
      ],
      panels: [
        {
          title: 'Requests running and waiting',
          queries: [
            { expr: `sum by (${by}) (${VLLM_METRICS.numRequestsRunning}${svc})`, legend: `${legend} running` },
            { expr: `sum by (${by}) (${VLLM_METRICS.numRequestsWaiting}${svc})`, legend: `${legend} waiting` },
          ],
        },
        {
          title: 'Time to first token (p50, p95)',
          queries: [
            { expr: q(0.5, VLLM_METRICS.timeToFirstToken), legend: `${legend} p50` },
            { expr: q(0.95, VLLM_METRICS.timeToFirstToken), legend: `${legend} p95` },
          ],
          unit: PanelUnit.SECONDS,
        },
        {
          title: 'End-to-end latency (p50, p95)',
          queries: [
            { expr: q(0.5, VLLM_METRICS.e2eRequestLatency), legend: `${legend} p50` },
            { expr: q(0.95, VLLM_METRICS.e2eRequestLatency), legend: `${legend} p95` },
          ],
          unit: PanelUnit.SECONDS,
        },
        {
          title: 'Tokens per second',
          queries: [
            { expr: `sum by (${by}) (rate(${VLLM_METRICS.promptTokens}${svc}[$__rate_interval]))`, legend: `${legend} prompt` },
            { expr: `sum by (${by}) (rate(${VLLM_METRICS.generationTokens}${svc}[$__rate_interval]))`, legend: `${legend} generated` },
          ],
          unit: PanelUnit.PER_SECOND,
        },
        {
          title: 'Finished requests per second',
          queries: [{ expr: `sum by (${by}, finished_reason) (rate(${VLLM_METRICS.requestSuccess}${svc}[$__rate_interval]))`, legend: `${legend} {{finished_reason}}` }],
          unit: PanelUnit.REQUESTS_PER_SECOND,
        },
        {
          title: 'KV-cache usage',
          queries: [{ expr: `max by (${by}, ${VLLM_MODEL_LABEL}) (${VLLM_METRICS.kvCacheUsagePerc}${svc})`, legend: `${legend} {{${VLLM_MODEL_LABEL}}}` }],
          unit: PanelUnit.PERCENT_UNIT,
          max: 1,
        },
        {
          title: 'Preemptions per second',
          queries: [{ expr: `sum by (${by}) (rate(${VLLM_METRICS.numPreemptions}${svc}[$__rate_interval]))`, legend }],
          description: 'Requests evicted from the batch because the KV cache was full (they are recomputed later).',
        },
        {
          title: 'Time in queue (p95)',
          queries: [{ expr: q(0.95, VLLM_METRICS.requestQueueTime), legend }],
          unit: PanelUnit.SECONDS,
        },
      ],
    });

    const cq = '{cluster_queue=~"$cluster_queue"}';
    this.queues = new GrafanaDashboard(this, 'Queues', {
      ...common,
      uid: 'cnai-queues',
      title: 'CNAI / Queue admission',
      variables: [{ name: 'cluster_queue', metric: KUEUE_METRICS.pendingWorkloads, label: 'cluster_queue', title: 'Team queue' }],
      panels: [
        {
          title: 'Pending workloads',
          queries: [{ expr: `sum by (cluster_queue, status) (${KUEUE_METRICS.pendingWorkloads.name}${cq})`, legend: '{{cluster_queue}} {{status}}' }],
          description: 'active: waiting for quota; inadmissible: cannot fit the queue at all.',
        },
        {
          title: 'Running workloads',
          queries: [{ expr: `sum by (cluster_queue) (${KUEUE_METRICS.admittedActiveWorkloads.name}${cq})`, legend: '{{cluster_queue}}' }],
        },
        {
          title: 'Admission wait (p50, p90)',
          queries: [
            { expr: `histogram_quantile(0.5, sum by (cluster_queue, le) (rate(${KUEUE_METRICS.admissionWaitTime.name}_bucket${cq}[$__rate_interval])))`, legend: '{{cluster_queue}} p50' },
            { expr: `histogram_quantile(0.9, sum by (cluster_queue, le) (rate(${KUEUE_METRICS.admissionWaitTime.name}_bucket${cq}[$__rate_interval])))`, legend: '{{cluster_queue}} p90' },
          ],
          unit: PanelUnit.SECONDS,
        },
        {
          title: 'Admissions and evictions per hour',
          queries: [
            { expr: `sum by (cluster_queue) (increase(${KUEUE_METRICS.admittedWorkloads.name}${cq}[1h]))`, legend: '{{cluster_queue}} admitted' },
            { expr: `sum by (cluster_queue, reason) (increase(${KUEUE_METRICS.evictedWorkloads.name}${cq}[1h]))`, legend: '{{cluster_queue}} evicted ({{reason}})' },
          ],
        },
      ],
    });
  }

  /** All four dashboards. */
  public get all(): GrafanaDashboard[] {
    return [this.gpus, this.gpuEnergy, this.llmServing, this.queues];
  }
}
