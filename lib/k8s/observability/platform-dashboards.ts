import { Construct } from 'constructs';
import { DashboardPanel, GrafanaDashboard, PanelKind, PanelUnit } from './grafana-dashboard';
import { DCGM_METRICS, KUEUE_METRICS, LLM_SERVICE_METRIC_LABEL, MetricDefinition, VLLM_METRICS, VLLM_METRIC_DEFINITIONS, VLLM_MODEL_LABEL } from '../../core/metrics';
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
 * The platform's three dashboards: GPUs (utilisation, memory, temperature, power and XID
 * errors per pool and node), LLM serving (queue, time to first token, latency, token
 * throughput, KV cache, preemptions per service) and queue admission (pending and admitted
 * workloads and admission wait per team queue).
 */
export class PlatformDashboards extends Construct {
  /** GPU dashboard. */
  public readonly gpus: GrafanaDashboard;
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

  /** All three dashboards. */
  public get all(): GrafanaDashboard[] {
    return [this.gpus, this.llmServing, this.queues];
  }
}
