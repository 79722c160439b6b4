import { Duration, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { GPU_IDLE_AVERAGE_WINDOW, GpuEnergyRules, checkIdleGpuUtilisationPercent } from './gpu-energy-rules';
import { assertKnownMetrics } from './promql';
import { invalidProp } from '../../core/errors';
import {
  DCGM_METRICS, GPU_ENERGY_METRICS, KUEUE_METRICS, LLM_SERVICE_METRIC_LABEL, OTEL_COLLECTOR_METRICS, PROMETHEUS_METRICS,
  VLLM_METRICS, VLLM_MODEL_LABEL,
} from '../../core/metrics';
import { PrometheusRule, PrometheusRuleSpecGroupsRulesExpr } from '../../imports/monitoring.coreos.com';
import { COMPONENT_TARGET_LABEL, MetricsComponent } from '../common/metrics-endpoint';
import { IMetricsBackend, InstallPhase, KubePrometheusStack, syncWaveOf } from '../operators';
import { SYNC_WAVE_ANNOTATION } from '../pod-security';

/** How urgent an alert is (the `severity` label Alertmanager routes on). */
export enum AlertSeverity {
  /** Someone must act now. */
  CRITICAL = 'critical',
  /** Needs attention within hours. */
  WARNING = 'warning',
  /** For dashboards and tickets. */
  INFO = 'info',
}

/** One alerting rule. */
export interface AlertRule {
  /** Alert name (CamelCase). */
  readonly alert: string;
  /** PromQL expression (built from the metric constants of lib/core/metrics.ts). */
  readonly expr: string;
  /**
   * How long the condition must hold.
   * @default - fires at once
   */
  readonly for?: Duration;
  /** Severity. */
  readonly severity: AlertSeverity;
  /** One-line summary (may use `{{ $labels.x }}`). */
  readonly summary: string;
  /** What it means and what to do. */
  readonly description: string;
}

/** Props of {@link PlatformAlerts}. */
export interface PlatformAlertsProps {
  /**
   * The metrics backend that evaluates the rules: the PrometheusRule goes to its rule namespace
   * with the labels it selects.
   * @default KubePrometheusStack.platformDefault() (namespace "monitoring")
   */
  readonly metricsBackend?: IMetricsBackend;
  /**
   * Extra labels on the PrometheusRule (e.g. for Alertmanager routes of your own).
   * @default - none
   */
  readonly ruleLabels?: { [key: string]: string };
  /**
   * GPU memory in use, percent of the GPU's memory, above which GPUs are reported as near full.
   * vLLM reserves 90 % by default, so keep this above vLLM's `gpu_memory_utilization`.
   * @default 95
   */
  readonly gpuMemoryUsedPercent?: number;
  /**
   * Requests waiting in one LLM service's queue above which it is reported as overloaded.
   * @default 20
   */
  readonly llmQueuedRequests?: number;
  /**
   * Time to first token (at `ttftQuantile`, over 5 minutes) above which an LLM service is slow, seconds.
   * @default 2
   */
  readonly timeToFirstTokenSeconds?: number;
  /**
   * Quantile of the time to first token that is compared with the threshold (0 to 1, exclusive).
   * @default 0.95
   */
  readonly ttftQuantile?: number;
  /**
   * KV-cache usage, percent, above which an LLM service is saturated (requests queue or are preempted).
   * @default 90
   */
  readonly kvCacheUsagePercent?: number;
  /**
   * How long a condition of the serving alerts must hold.
   * @default Duration.minutes(10)
   */
  readonly servingFor?: Duration;
  /**
   * How long a vector database may be unreachable before it is reported.
   * @default Duration.minutes(5)
   */
  readonly vectorDatabaseDownFor?: Duration;
  /**
   * How long training workloads may wait for quota with no admission in their queue.
   * @default Duration.minutes(30)
   */
  readonly trainingPendingFor?: Duration;
  /**
   * Utilisation, percent, below which a GPU that a pod holds counts as idle (its 5-minute
   * average). Used by the GPU energy rules ({@link GpuEnergyRules}) and the idle-GPU alert.
   * @default 10
   */
  readonly idleGpuUtilisationPercent?: number;
  /**
   * How long GPUs held by pods must stay idle before the idle-GPU alert fires (at least
   * 5 minutes, the window the utilisation is averaged over).
   * @default Duration.minutes(30)
   */
  readonly idleGpuFor?: Duration;
}

/** Names of the built-in alerts. */
export const PLATFORM_ALERTS = {
  gpuXidError: 'GpuXidError',
  gpuMemoryNearFull: 'GpuMemoryNearFull',
  gpuAllocatedIdle: 'GpuAllocatedIdle',
  llmRequestQueueHigh: 'LlmRequestQueueHigh',
  llmTimeToFirstTokenHigh: 'LlmTimeToFirstTokenHigh',
  llmKvCacheSaturated: 'LlmKvCacheSaturated',
  vectorDatabaseUnavailable: 'VectorDatabaseUnavailable',
  modelRegistryUnavailable: 'ModelRegistryUnavailable',
  trainingStuckPendingOnQuota: 'TrainingJobStuckPendingOnQuota',
  trainingInadmissible: 'TrainingJobInadmissible',
  telemetryExportFailing: 'TelemetryExportFailing',
};

/** `[5m]`-style Prometheus duration of a cdk8s Duration. */
export function promDuration(d: Duration): string {
  const s = d.toSeconds();
  if (s % 3600 === 0 && s > 0) return `${s / 3600}h`;
  if (s % 60 === 0 && s > 0) return `${s / 60}m`;
  return `${s}s`;
}

/**
 * The alerts that matter on an AI platform, as one PrometheusRule: GPU XID errors and GPU
 * memory near full (DCGM), GPUs held by pods but idle (with the GPU power and energy
 * recording rules of {@link GpuEnergyRules}, a second PrometheusRule), request queue, time to first token and KV-cache saturation of
 * LLM services (vLLM), vector database and model registry unavailable (scrape health),
 * training workloads stuck waiting for quota (Kueue), and telemetry export failures (the
 * collector). Every expression reads metrics only through lib/core/metrics.ts and is parsed
 * at synth time to prove it.
 */
export class PlatformAlerts extends Construct {
  /** Namespace of the PrometheusRule. */
  public readonly namespace: string;
  /** The thresholds in force. */
  public readonly gpuMemoryUsedPercent: number;
  public readonly llmQueuedRequests: number;
  public readonly timeToFirstTokenSeconds: number;
  public readonly ttftQuantile: number;
  public readonly kvCacheUsagePercent: number;
  /** Utilisation, percent, below which a GPU held by a pod is idle. */
  public readonly idleGpuUtilisationPercent: number;
  /** How long held GPUs must stay idle before the idle-GPU alert fires. */
  public readonly idleGpuFor: Duration;
  /** The recording rules of GPU power and energy (per pool, team and served model) and of idle held GPUs, which the idle-GPU alert reads. */
  public readonly gpuEnergy: GpuEnergyRules;
  /** The PrometheusRule. */
  public readonly prometheusRule: PrometheusRule;
  private readonly groups: { [group: string]: AlertRule[] } = {};

  constructor(scope: Construct, id: string, props: PlatformAlertsProps = {}) {
    super(scope, id);
    const where = this.node.path;
    const backend = props.metricsBackend ?? KubePrometheusStack.platformDefault();
    this.namespace = backend.ruleNamespace;
    this.gpuMemoryUsedPercent = percent(where, 'gpuMemoryUsedPercent', props.gpuMemoryUsedPercent ?? 95);
    this.kvCacheUsagePercent = percent(where, 'kvCacheUsagePercent', props.kvCacheUsagePercent ?? 90);
    this.llmQueuedRequests = props.llmQueuedRequests ?? 20;
    if (!Number.isInteger(this.llmQueuedRequests) || this.llmQueuedRequests < 1) {
      throw invalidProp(where, 'llmQueuedRequests', props.llmQueuedRequests, 'not a whole number of requests of at least 1', 'give the queue length that means overload (e.g. 20)');
    }
    this.timeToFirstTokenSeconds = props.timeToFirstTokenSeconds ?? 2;
    if (!(this.timeToFirstTokenSeconds > 0) || !Number.isFinite(this.timeToFirstTokenSeconds)) {
      throw invalidProp(where, 'timeToFirstTokenSeconds', props.timeToFirstTokenSeconds, 'a duration must be a positive number of seconds',
        'give the time to first token users should not wait beyond, e.g. 2');
    }
    this.ttftQuantile = props.ttftQuantile ?? 0.95;
    if (!(this.ttftQuantile > 0 && this.ttftQuantile < 1)) {
      throw invalidProp(where, 'ttftQuantile', props.ttftQuantile, 'a quantile is between 0 and 1 (exclusive)', 'give e.g. 0.95 for the 95th percentile');
    }
    const servingFor = props.servingFor ?? Duration.minutes(10);
    this.idleGpuUtilisationPercent = checkIdleGpuUtilisationPercent(where, props.idleGpuUtilisationPercent ?? 10);
    this.idleGpuFor = props.idleGpuFor ?? Duration.minutes(30);
    const idleForSeconds = this.idleGpuFor.toSeconds();
    if (!Number.isInteger(idleForSeconds) || idleForSeconds < GPU_IDLE_AVERAGE_WINDOW.toSeconds()) {
      throw invalidProp(where, 'idleGpuFor', `${idleForSeconds}s`,
        `shorter than the ${promDuration(GPU_IDLE_AVERAGE_WINDOW)} the GPU utilisation is averaged over (or not whole seconds)`,
        'give at least Duration.minutes(5), e.g. Duration.minutes(30)');
    }
    this.gpuEnergy = new GpuEnergyRules(this, 'GpuEnergy', {
      metricsBackend: backend,
      ruleLabels: props.ruleLabels,
      idleGpuUtilisationPercent: this.idleGpuUtilisationPercent,
    });

    const gpuLabels = 'node, pool, gpu, UUID, modelName';
    const svcLabels = `namespace, ${LLM_SERVICE_METRIC_LABEL}, ${VLLM_MODEL_LABEL}`;
    const fbUsed = DCGM_METRICS.fbUsed.name;
    const fbFree = DCGM_METRICS.fbFree.name;

    this.add('cnai.gpu', {
      alert: PLATFORM_ALERTS.gpuXidError,
      expr: `max by (${gpuLabels}) (${DCGM_METRICS.xidErrors.name}) > 0`,
      severity: AlertSeverity.CRITICAL,
      summary: 'GPU {{ $labels.gpu }} on {{ $labels.node }} reported XID {{ $value }}',
      description: 'The NVIDIA driver reported an XID error (e.g. 48 double-bit ECC, 79 GPU fallen off the bus, 94/95 contained/uncontained ECC). '
        + 'Workloads on this GPU may have failed. Drain the node and check `nvidia-smi -q` and the kernel log; XIDs 48, 79 and 95 need a reset or replacement.',
    });
    this.add('cnai.gpu', {
      alert: PLATFORM_ALERTS.gpuMemoryNearFull,
      expr: `max by (${gpuLabels}) (${fbUsed} / (${fbUsed} + ${fbFree})) * 100 > ${this.gpuMemoryUsedPercent}`,
      for: Duration.minutes(15),
      severity: AlertSeverity.WARNING,
      summary: 'GPU {{ $labels.gpu }} on {{ $labels.node }} has {{ $value | humanize }}% of its memory in use',
      description: `GPU memory has been above ${this.gpuMemoryUsedPercent}% for 15 minutes: the next allocation may fail with CUDA out of memory. `
        + 'Lower the batch size or context length, or move the workload to a GPU with more memory.',
    });

    const idle = promDuration(this.idleGpuFor);
    this.add('cnai.gpu-idle', {
      alert: PLATFORM_ALERTS.gpuAllocatedIdle,
      expr: `${GPU_ENERGY_METRICS.nodeGpusAllocatedIdle.name} > 0`,
      for: this.idleGpuFor,
      severity: AlertSeverity.WARNING,
      summary: '{{ $value }} GPU(s) held by pods on {{ $labels.node }} (pool {{ $labels.pool }}) are idle',
      description: `GPUs that running pods hold on this node have averaged below ${this.idleGpuUtilisationPercent}% utilisation for ${idle}: `
        + 'they draw power and keep other teams\' work waiting while doing nothing. Find the pods in the "GPUs held by pod" table of the '
        + '"CNAI / GPU power and energy" dashboard, or with `kubectl get pods -A --field-selector spec.nodeName=<node>`. '
        + 'Stop forgotten notebooks and finished jobs, lower the minimum replicas of served models that see no traffic, or move small '
        + 'workloads to a time-sliced pool. Raise idleGpuUtilisationPercent or idleGpuFor of PlatformAlerts if this workload is idle by design.',
    });

    const ttft = VLLM_METRICS.timeToFirstToken;
    this.add('cnai.llm-serving', {
      alert: PLATFORM_ALERTS.llmRequestQueueHigh,
      expr: `sum by (${svcLabels}) (${VLLM_METRICS.numRequestsWaiting}) > ${this.llmQueuedRequests}`,
      for: servingFor,
      severity: AlertSeverity.WARNING,
      summary: 'LLM service {{ $labels.namespace }}/{{ $labels.llm_service }} has {{ $value }} requests waiting',
      description: `More than ${this.llmQueuedRequests} requests have been queued for ${promDuration(servingFor)}: the service has too few replicas for its load. `
        + 'Check that the autoscaler can add replicas (GPU quota, node pool limits).',
    });
    this.add('cnai.llm-serving', {
      alert: PLATFORM_ALERTS.llmTimeToFirstTokenHigh,
      expr: `histogram_quantile(${this.ttftQuantile}, sum by (${svcLabels}, le) (rate(${ttft}_bucket[5m]))) > ${this.timeToFirstTokenSeconds}`,
      for: servingFor,
      severity: AlertSeverity.WARNING,
      summary: 'LLM service {{ $labels.namespace }}/{{ $labels.llm_service }}: time to first token p' + Math.round(this.ttftQuantile * 100) + ' is {{ $value | humanizeDuration }}',
      description: `The ${this.ttftQuantile} quantile of the time to first token has been above ${this.timeToFirstTokenSeconds}s for ${promDuration(servingFor)}. `
        + 'Long prompts, a full KV cache or too few replicas cause it; see the LLM serving dashboard.',
    });
    this.add('cnai.llm-serving', {
      alert: PLATFORM_ALERTS.llmKvCacheSaturated,
      expr: `max by (${svcLabels}) (${VLLM_METRICS.kvCacheUsagePerc}) * 100 > ${this.kvCacheUsagePercent}`,
      for: servingFor,
      severity: AlertSeverity.WARNING,
      summary: 'LLM service {{ $labels.namespace }}/{{ $labels.llm_service }}: KV cache {{ $value | humanize }}% full',
      description: `The KV cache has been above ${this.kvCacheUsagePercent}% for ${promDuration(servingFor)}: new requests wait and running ones are preempted. `
        + 'Add replicas, shorten the maximum context length, or use a GPU with more memory.',
    });

    const downFor = props.vectorDatabaseDownFor ?? Duration.minutes(5);
    const up = PROMETHEUS_METRICS.up.name;
    this.add('cnai.retrieval', {
      alert: PLATFORM_ALERTS.vectorDatabaseUnavailable,
      expr: `max by (namespace, service) (${up}{${COMPONENT_TARGET_LABEL}="${MetricsComponent.QDRANT}"}) == 0`,
      for: downFor,
      severity: AlertSeverity.CRITICAL,
      summary: 'Vector database {{ $labels.namespace }}/{{ $labels.service }} is unavailable',
      description: `No Qdrant node of the service has answered a scrape for ${promDuration(downFor)}: retrieval-augmented applications cannot search. `
        + 'Check the pods, their volumes and their memory.',
    });
    this.add('cnai.registry', {
      alert: PLATFORM_ALERTS.modelRegistryUnavailable,
      expr: `max by (namespace, service) (${up}{${COMPONENT_TARGET_LABEL}="${MetricsComponent.MLFLOW}"}) == 0`,
      for: downFor,
      severity: AlertSeverity.WARNING,
      summary: 'Model registry {{ $labels.namespace }}/{{ $labels.service }} is unavailable',
      description: 'The MLflow tracking server has not answered a scrape: training runs cannot log and deployments cannot resolve model versions.',
    });

    const pendingFor = props.trainingPendingFor ?? Duration.minutes(30);
    const pending = KUEUE_METRICS.pendingWorkloads.name;
    this.add('cnai.queueing', {
      alert: PLATFORM_ALERTS.trainingStuckPendingOnQuota,
      expr: `(sum by (cluster_queue) (${pending}{status="active"}) > 0) unless on (cluster_queue) `
        + `(sum by (cluster_queue) (increase(${KUEUE_METRICS.admittedWorkloads.name}[${promDuration(pendingFor)}])) > 0)`,
      for: pendingFor,
      severity: AlertSeverity.WARNING,
      summary: 'ClusterQueue {{ $labels.cluster_queue }} has {{ $value }} workloads waiting for quota and admitted none',
      description: `Workloads have waited for quota for ${promDuration(pendingFor)} with no admission in their queue: the queue's GPUs are held by other work, `
        + 'or its nominal quota is below what one job asks. Check `kubectl get clusterqueue` and the GPU node pools\' capacity.',
    });
    this.add('cnai.queueing', {
      alert: PLATFORM_ALERTS.trainingInadmissible,
      expr: `sum by (cluster_queue) (${pending}{status="inadmissible"}) > 0`,
      for: Duration.minutes(15),
      severity: AlertSeverity.WARNING,
      summary: 'ClusterQueue {{ $labels.cluster_queue }} has {{ $value }} workloads it can never admit',
      description: 'Kueue found no flavor that fits these workloads (more GPUs than the queue\'s quota and borrowing limit, or a missing ResourceFlavor). '
        + 'They will wait forever until the queue or the jobs change.',
    });

    this.add('cnai.telemetry', {
      alert: PLATFORM_ALERTS.telemetryExportFailing,
      expr: `sum by (namespace, exporter) (rate(${OTEL_COLLECTOR_METRICS.exporterSendFailedSpans.name}[5m])) `
        + `+ sum by (namespace, exporter) (rate(${OTEL_COLLECTOR_METRICS.exporterSendFailedMetricPoints.name}[5m])) > 0`,
      for: Duration.minutes(15),
      severity: AlertSeverity.WARNING,
      summary: 'Collector exporter {{ $labels.exporter }} is failing to send',
      description: 'The OpenTelemetry Collector has failed to send telemetry for 15 minutes: traces or metrics are being dropped. Check the backend and the collector\'s AWS identity.',
    });

    this.prometheusRule = new PrometheusRule(this, 'Rules', {
      metadata: {
        name: 'cnai-platform-alerts',
        namespace: this.namespace,
        labels: { ...backend.monitorLabels, ...props.ruleLabels },
        annotations: { [SYNC_WAVE_ANNOTATION]: String(syncWaveOf(InstallPhase.PLATFORM)) },
      },
      // Rendered at synth so that rules added later are included.
      spec: { groups: Lazy.any({ produce: () => renderGroups(this.groups) }) },
    });
  }

  /** The rules, by group. */
  public get rules(): { [group: string]: AlertRule[] } {
    return Object.fromEntries(Object.entries(this.groups).map(([g, r]) => [g, [...r]]));
  }

  /** Every rule, flat. */
  public get allRules(): AlertRule[] {
    return Object.values(this.groups).flat();
  }

  /** Adds a rule to a group; its expression may read only known metrics. */
  public addRule(group: string, rule: AlertRule): void {
    this.add(group, rule);
  }

  private add(group: string, rule: AlertRule): void {
    const where = this.node.path;
    if (!/^[A-Z][A-Za-z0-9]*$/.test(rule.alert)) {
      throw invalidProp(where, 'rule.alert', rule.alert, 'not an alert name', 'use CamelCase letters and digits, e.g. "LlmQueueHigh"');
    }
    if (this.allRules.some((r) => r.alert === rule.alert)) {
      throw invalidProp(where, 'rule.alert', rule.alert, 'an alert with this name exists', 'give each alert its own name');
    }
    assertKnownMetrics(where, `rules.${rule.alert}.expr`, rule.expr);
    (this.groups[group] = this.groups[group] ?? []).push(rule);
  }
}

/** The PrometheusRule groups of rules. */
export function renderGroups(groups: { [group: string]: AlertRule[] }): any[] {
  return Object.entries(groups).map(([name, rules]) => ({
    name,
    rules: rules.map((r) => ({
      alert: r.alert,
      expr: PrometheusRuleSpecGroupsRulesExpr.fromString(r.expr),
      ...(r.for ? { for: promDuration(r.for) } : {}),
      labels: { severity: r.severity },
      annotations: { summary: r.summary, description: r.description },
    })),
  }));
}

function percent(where: string, prop: string, value: number): number {
  if (!(value > 0 && value <= 100)) {
    throw invalidProp(where, prop, value, 'a percentage must be above 0 and at most 100', 'give a percentage such as 90');
  }
  return value;
}
