import { Duration, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { assertKnownMetrics } from './promql';
import { invalidProp } from '../../core/errors';
import {
  DCGM_METRICS, GPU_ENERGY_METRICS, KSM_GPU_RESOURCE, KSM_LLM_SERVICE_LABEL, KUBE_STATE_METRICS, LLM_SERVICE_METRIC_LABEL, MetricDefinition,
} from '../../core/metrics';
import { PrometheusRule, PrometheusRuleSpecGroupsRulesExpr } from '../../imports/monitoring.coreos.com';
import { IMetricsBackend, InstallPhase, KubePrometheusStack, syncWaveOf } from '../operators';
import { SYNC_WAVE_ANNOTATION } from '../pod-security';

/** One recording rule: the series it records and the expression it records. */
export interface RecordingRule {
  /** The recorded series (one of GPU_ENERGY_METRICS of lib/core/metrics.ts). */
  readonly record: MetricDefinition;
  /** PromQL expression (built from the metric constants of lib/core/metrics.ts). */
  readonly expr: string;
}

/** A group of recording rules, evaluated in order at its own interval. */
export interface RecordingRuleGroup {
  /** Group name. */
  readonly name: string;
  /** How often the group is evaluated. */
  readonly interval: Duration;
  /** The rules, in evaluation order (a rule may read the series of the rules before it). */
  readonly rules: RecordingRule[];
}

/** Props of {@link GpuEnergyRules}. */
export interface GpuEnergyRulesProps {
  /**
   * The metrics backend that evaluates the rules: the PrometheusRule goes to its rule namespace
   * with the labels it selects.
   * @default KubePrometheusStack.platformDefault() (namespace "monitoring")
   */
  readonly metricsBackend?: IMetricsBackend;
  /**
   * Extra labels on the PrometheusRule.
   * @default - none
   */
  readonly ruleLabels?: { [key: string]: string };
  /**
   * Utilisation, percent, below which a GPU held by a pod counts as idle (its 5-minute average
   * of DCGM_FI_DEV_GPU_UTIL).
   * @default 10
   */
  readonly idleGpuUtilisationPercent?: number;
}

/** How often the power rules run; the team and model energy integrate their samples at this step. */
export const GPU_POWER_RULES_INTERVAL = Duration.minutes(1);
/** How often the daily energy rules run (a day of raw samples is too much to read every minute). */
export const GPU_DAILY_ENERGY_RULES_INTERVAL = Duration.minutes(15);
/** Window over which a GPU's utilisation is averaged before it is compared with the idle threshold. */
export const GPU_IDLE_AVERAGE_WINDOW = Duration.minutes(5);

/**
 * Checks an idle-utilisation threshold (a percentage strictly between 0 and 100).
 * @internal
 */
export function checkIdleGpuUtilisationPercent(where: string, value: number): number {
  if (typeof value !== 'number' || !(value > 0 && value < 100)) {
    throw invalidProp(where, 'idleGpuUtilisationPercent', value, 'an idle threshold is a percentage above 0 and below 100',
      'give the utilisation under which a held GPU is wasted, e.g. 10');
  }
  return value;
}

/** `1m`-style Prometheus duration. */
function prom(d: Duration): string {
  const s = d.toSeconds();
  if (s % 86400 === 0) return `${s / 86400}d`;
  if (s % 3600 === 0) return `${s / 3600}h`;
  if (s % 60 === 0) return `${s / 60}m`;
  return `${s}s`;
}

/**
 * Recording rules for GPU power and energy, per node pool, team namespace and served model,
 * and for the GPUs that pods hold but do not use, as one PrometheusRule (`cnai-gpu-energy`).
 *
 * The DCGM exporter reports each GPU with its node and pool (NvidiaGpuSupport's ServiceMonitor
 * adds them), but not the pod using it: attributing a GPU to a pod needs the kubelet's
 * root-only pod-resources socket, and the platform's exporter runs without root. Power is
 * therefore attributed by allocation: each running pod gets its node's GPU power times its
 * share of the node's schedulable `nvidia.com/gpu` (kube-state-metrics' requests and
 * allocatable), a team is a namespace, and a served model is the pod label
 * `cnai.io/llm-service` (which kube-prometheus-stack's kube-state-metrics exposes on
 * `kube_pod_labels`). The power of GPUs no pod holds stays with the pool as "unallocated".
 * Pool energy comes from DCGM's energy counter (`DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION`, mJ);
 * team and model energy integrate their attributed power, recorded every minute.
 *
 * A GPU held by a pod is idle when its 5-minute average utilisation is below the threshold.
 * With whole GPUs no other pod can use a GPU that is not allocated, so on each node the idle
 * held GPUs are the held GPUs minus the GPUs above the threshold.
 */
export class GpuEnergyRules extends Construct {
  /** Namespace of the PrometheusRule. */
  public readonly namespace: string;
  /** Utilisation, percent, below which a held GPU is idle. */
  public readonly idleGpuUtilisationPercent: number;
  /** The PrometheusRule. */
  public readonly prometheusRule: PrometheusRule;
  private readonly groupList: RecordingRuleGroup[] = [];

  constructor(scope: Construct, id: string, props: GpuEnergyRulesProps = {}) {
    super(scope, id);
    const where = this.node.path;
    const backend = props.metricsBackend ?? KubePrometheusStack.platformDefault();
    this.namespace = backend.ruleNamespace;
    this.idleGpuUtilisationPercent = checkIdleGpuUtilisationPercent(where, props.idleGpuUtilisationPercent ?? 10);

    const G = GPU_ENERGY_METRICS;
    const K = KUBE_STATE_METRICS;
    const gpu = `{resource="${KSM_GPU_RESOURCE}"}`;
    const allocatable = `max by (node) (${K.nodeStatusAllocatable.name}${gpu} > 0)`;
    const svc = LLM_SERVICE_METRIC_LABEL;
    const step = GPU_POWER_RULES_INTERVAL.toSeconds();

    this.group('cnai.gpu-power', GPU_POWER_RULES_INTERVAL, [
      { record: G.nodePowerWatts, expr: `sum by (node, pool) (${DCGM_METRICS.powerUsage.name})` },
      { record: G.poolPowerWatts, expr: `sum by (pool) (${G.nodePowerWatts.name})` },
      { record: G.nodeGpus, expr: `count by (node, pool) (${DCGM_METRICS.gpuUtil.name})` },
      // `group_left` keeps the pool label: a one-to-one match `on (node)` would keep only `node`.
      { record: G.nodePowerPerAllocatableGpu, expr: `${G.nodePowerWatts.name} / on (node) group_left () ${allocatable}` },
      {
        record: G.podGpuRequests,
        expr: `sum by (namespace, pod, node) (${K.podContainerResourceRequests.name}${gpu} > 0) `
          + `and on (namespace, pod) (${K.podStatusPhase.name}{phase="Running"} == 1)`,
      },
      { record: G.podPowerWatts, expr: `${G.podGpuRequests.name} * on (node) group_left (pool) ${G.nodePowerPerAllocatableGpu.name}` },
      { record: G.namespacePowerWatts, expr: `sum by (namespace) (${G.podPowerWatts.name})` },
      {
        record: G.llmServicePowerWatts,
        expr: `sum by (namespace, ${svc}) (label_replace(${G.podPowerWatts.name} * on (namespace, pod) group_left (${KSM_LLM_SERVICE_LABEL}) `
          + `max by (namespace, pod, ${KSM_LLM_SERVICE_LABEL}) (${K.podLabels.name}{${KSM_LLM_SERVICE_LABEL}!=""}), `
          + `"${svc}", "$1", "${KSM_LLM_SERVICE_LABEL}", "(.+)"))`,
      },
      {
        record: G.poolUnallocatedPowerWatts,
        expr: `${G.poolPowerWatts.name} - (sum by (pool) (${G.podPowerWatts.name}) or 0 * ${G.poolPowerWatts.name})`,
      },
      {
        record: G.nodeGpusAllocated,
        expr: `${G.nodeGpus.name} / on (node) group_left () ${allocatable} * on (node) group_left () sum by (node) (${G.podGpuRequests.name})`,
      },
      {
        record: G.nodeGpusAllocatedIdle,
        expr: `clamp_min(${G.nodeGpusAllocated.name} - on (node) group_left () `
          + `(count by (node) (avg_over_time(${DCGM_METRICS.gpuUtil.name}[${prom(GPU_IDLE_AVERAGE_WINDOW)}]) >= ${this.idleGpuUtilisationPercent}) `
          + `or on (node) 0 * ${G.nodeGpusAllocated.name}), 0)`,
      },
    ]);

    const energy = DCGM_METRICS.totalEnergyConsumption.name;
    const windows: Array<[string, Duration, MetricDefinition[]]> = [
      ['cnai.gpu-energy-1h', GPU_POWER_RULES_INTERVAL, [G.poolEnergyJoules1h, G.poolEnergyKwh1h, G.namespaceEnergyJoules1h, G.namespaceEnergyKwh1h, G.llmServiceEnergyJoules1h, G.llmServiceEnergyKwh1h]],
      ['cnai.gpu-energy-1d', GPU_DAILY_ENERGY_RULES_INTERVAL, [G.poolEnergyJoules1d, G.poolEnergyKwh1d, G.namespaceEnergyJoules1d, G.namespaceEnergyKwh1d, G.llmServiceEnergyJoules1d, G.llmServiceEnergyKwh1d]],
    ];
    for (const [name, interval, [poolJ, poolKwh, nsJ, nsKwh, svcJ, svcKwh]] of windows) {
      const range = name.endsWith('1h') ? '1h' : '1d';
      this.group(name, interval, [
        // The counter is in millijoules.
        { record: poolJ, expr: `sum by (pool) (increase(${energy}[${range}])) / 1000` },
        { record: poolKwh, expr: `${poolJ.name} / 3600000` },
        // Watts sampled every `step` seconds: their sum times the step is joules.
        { record: nsJ, expr: `sum_over_time(${G.namespacePowerWatts.name}[${range}]) * ${step}` },
        { record: nsKwh, expr: `${nsJ.name} / 3600000` },
        { record: svcJ, expr: `sum_over_time(${G.llmServicePowerWatts.name}[${range}]) * ${step}` },
        { record: svcKwh, expr: `${svcJ.name} / 3600000` },
      ]);
    }

    this.prometheusRule = new PrometheusRule(this, 'Rules', {
      metadata: {
        name: 'cnai-gpu-energy',
        namespace: this.namespace,
        labels: { ...backend.monitorLabels, ...props.ruleLabels },
        annotations: { [SYNC_WAVE_ANNOTATION]: String(syncWaveOf(InstallPhase.PLATFORM)) },
      },
      spec: {
        groups: Lazy.any({
          produce: () => this.groupList.map((g) => ({
            name: g.name,
            interval: prom(g.interval),
            rules: g.rules.map((r) => ({ record: r.record.name, expr: PrometheusRuleSpecGroupsRulesExpr.fromString(r.expr) })),
          })),
        }),
      },
    });
  }

  /** The groups of recording rules, in order. */
  public get groups(): RecordingRuleGroup[] {
    return this.groupList.map((g) => ({ ...g, rules: [...g.rules] }));
  }

  /** The series the rules record, in order. */
  public get recordedSeries(): string[] {
    return this.groupList.flatMap((g) => g.rules.map((r) => r.record.name));
  }

  private group(name: string, interval: Duration, rules: RecordingRule[]): void {
    for (const r of rules) assertKnownMetrics(this.node.path, `rules.${r.record.name}.expr`, r.expr);
    this.groupList.push({ name, interval, rules });
  }
}
