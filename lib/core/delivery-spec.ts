/**
 * Model delivery's vocabulary, shared by the spec and the Kubernetes layer (ModelDelivery): the
 * evaluation that gates a new model version, the canary steps, the gates on the canary's
 * metrics, and the checks of them, one problem per mistake, so that the spec validation and the
 * construct report the same messages. Plain data; imports neither CDK.
 */
import { ProblemDetails } from './errors';
import { KSERVE_METRICS, MetricDefinition, MetricType, VLLM_HTTP_METRICS, VLLM_METRICS, VLLM_METRIC_DEFINITIONS } from './metrics';

/** How the evaluation Job scores the candidate's answers against the dataset's expected ones. */
export enum EvaluationMetric {
  /** The answer, trimmed, equals the expected text. */
  EXACT_MATCH = 'exact-match',
  /** The answer contains the expected text (case-insensitive). */
  CONTAINS = 'contains',
}

/** How a gate reads its metric over the analysis window. */
export enum GateAggregation {
  /** 95th percentile of a histogram (`histogram_quantile(0.95, ...)`). */
  P95 = 'p95',
  /** Per-second rate of a counter. */
  RATE = 'rate',
  /** Highest value of a gauge across the canary's pods. */
  MAX = 'max',
}

/** The server a delivery watches: which metrics its Prometheus scrapes from it. */
export enum DeliveryServer {
  /** vLLM's OpenAI-compatible server (a Deployment: Argo Rollouts canary). */
  VLLM = 'vllm',
  /** KServe's model servers (an InferenceService). */
  KSERVE = 'kserve',
}

/** The evaluation that must pass before any traffic reaches the candidate. */
export interface DeliveryEvaluationSpec {
  /**
   * Key of the evaluation dataset in the platform's datasets bucket: a JSON Lines file, one
   * `{"prompt": "...", "expected": "..."}` per line (e.g. `evaluation/chat/golden-v1.jsonl`).
   */
  readonly dataset: string;
  /**
   * How answers are scored.
   * @default EvaluationMetric.CONTAINS
   */
  readonly metric?: EvaluationMetric;
  /** The least share of the dataset the candidate must answer right, in (0, 1] (e.g. 0.8). */
  readonly threshold: number;
  /**
   * Most samples of the dataset to evaluate (the first ones).
   * @default 500
   */
  readonly maxSamples?: number;
}

/** One canary step: the candidate's share of the replicas, held for a while under the gates. */
export interface CanaryStepSpec {
  /** Percent of the replicas (and so of the requests) on the candidate, 1 to 99. */
  readonly weight: number;
  /**
   * Minutes to hold the step before the next, while the gates are checked.
   * @default 10
   */
  readonly pauseMinutes?: number;
}

/** A gate of the platform's own choosing on one metric the server exports. */
export interface DeliveryGateSpec {
  /** Name of the gate (a DNS-1123 label): the analysis metric's name. */
  readonly name: string;
  /** Metric name as Prometheus stores it (e.g. `vllm:e2e_request_latency_seconds`); one the server exports. */
  readonly metric: string;
  /** How the metric is read: P95 of a histogram, RATE of a counter, MAX of a gauge. */
  readonly aggregation: GateAggregation;
  /** The highest value that passes. */
  readonly maxValue: number;
}

/** The gates the canary must pass at every step; any failure rolls the delivery back. */
export interface DeliveryGatesSpec {
  /**
   * Highest share of the candidate's HTTP requests that may fail with a 5xx status.
   * @default 0.01
   */
  readonly maxErrorRate?: number;
  /**
   * Highest 95th percentile of the candidate's time to first token, in seconds.
   * @default 2
   */
  readonly maxTimeToFirstTokenSeconds?: number;
  /**
   * Most requests waiting in any candidate replica's queue.
   * @default 10
   */
  readonly maxQueueDepth?: number;
  /**
   * More gates, each on a metric the server exports.
   * @default - none
   */
  readonly extra?: DeliveryGateSpec[];
}

/**
 * The delivery of a new version of a served model: the version is evaluated first, then rolled
 * out in canary steps under gates, then recorded as live in the registry; a failure anywhere
 * rolls back to the running version.
 */
export interface ModelDeliverySpec {
  /** The candidate's version: the registry's version number (e.g. `"3"`). */
  readonly version: string;
  /**
   * Key prefix of the candidate's weights in the models bucket (inside the model's prefix).
   * @default `<the model's modelStorePrefix>v<version>/`
   */
  readonly modelStorePrefix?: string;
  /** The evaluation that gates the rollout. */
  readonly evaluation: DeliveryEvaluationSpec;
  /**
   * Canary steps, in increasing weight; the delivery promotes after the last one.
   * @default [{ weight: 25 }, { weight: 50 }] (10 minutes each)
   */
  readonly canarySteps?: CanaryStepSpec[];
  /**
   * Gates on the candidate's metrics.
   * @default - the defaults of DeliveryGatesSpec
   */
  readonly gates?: DeliveryGatesSpec;
  /**
   * Name of the registered model in the registry.
   * @default - the served model's name
   */
  readonly registeredModel?: string;
  /**
   * The registry alias that names the live version.
   * @default 'live'
   */
  readonly liveAlias?: string;
}

/** The defaults of a delivery, in one place. */
export const DELIVERY_DEFAULTS = {
  metric: EvaluationMetric.CONTAINS,
  maxSamples: 500,
  canarySteps: [{ weight: 25, pauseMinutes: 10 }, { weight: 50, pauseMinutes: 10 }] as CanaryStepSpec[],
  pauseMinutes: 10,
  maxErrorRate: 0.01,
  maxTimeToFirstTokenSeconds: 2,
  maxQueueDepth: 10,
  liveAlias: 'live',
};

/** Where the problems of a delivery are reported. */
export interface DeliverySite {
  /** Construct path or `spec <name>`. */
  readonly construct: string;
  /** Prefix of the props (`models[0].delivery.` in the spec, empty for the construct). */
  readonly propPrefix: string;
  /** The prop that chooses the server (`models[0].backend` in the spec, `service` for the construct). */
  readonly serverProp: string;
}

const LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DATASET_KEY = /^[A-Za-z0-9!_.*'()-][A-Za-z0-9!_.*'()/-]*$/;
const ALIAS = /^[A-Za-z_][A-Za-z0-9_-]{0,254}$/;

/** Checks of a delivery's settings, and the metrics each server exports. */
export class DeliveryChecks {
  /**
   * The metrics the platform's Prometheus scrapes from a server: vLLM's engine metrics and its API
   * server's HTTP metrics; KServe's model server metrics.
   */
  public static scrapedMetrics(server: DeliveryServer): MetricDefinition[] {
    return server === DeliveryServer.VLLM
      ? [...VLLM_METRIC_DEFINITIONS, ...Object.values(VLLM_HTTP_METRICS)]
      : Object.values(KSERVE_METRICS);
  }

  /** The metrics the built-in gates read (vLLM). */
  public static builtInGateMetrics(): string[] {
    return [VLLM_HTTP_METRICS.requests.name, VLLM_METRICS.timeToFirstToken, VLLM_METRICS.numRequestsWaiting];
  }

  /** Every problem of a delivery for a server: version, evaluation, steps, gates. */
  public static problems(site: DeliverySite, delivery: ModelDeliverySpec, server: DeliveryServer): ProblemDetails[] {
    const out: ProblemDetails[] = [];
    const p = (prop: string, value: unknown, problem: string, fix: string) => out.push({ construct: site.construct, prop: `${site.propPrefix}${prop}`, value, problem, fix });
    if (server !== DeliveryServer.VLLM) {
      out.push({
        construct: site.construct,
        prop: site.serverProp,
        value: server,
        problem: 'progressive delivery is built for vLLM Deployments only: KServe v0.20 splits a Standard-mode canary (spec.canary) only through Gateway API '
        + 'routes, which the platform\'s KServe does not enable, and ignores canaryTrafficPercent in Standard mode (kserve/kserve#5335)',
        fix: 'serve the model with the vLLM backend to deliver it progressively, or change its version in the spec (an immediate rollout)',
      });
    }
    if (typeof delivery.version !== 'string' || !/^[1-9][0-9]{0,8}$/.test(delivery.version)) {
      p('version', delivery.version, 'a registry version is a positive whole number', 'give the version number the registry shows, as a string, e.g. "3"');
    }
    if (delivery.modelStorePrefix !== undefined && (typeof delivery.modelStorePrefix !== 'string' || !/^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*\/$/.test(delivery.modelStorePrefix))) {
      p('modelStorePrefix', delivery.modelStorePrefix, 'not a key prefix ending in "/"', 'give e.g. "served/chat/v3/"');
    }
    const e = delivery.evaluation;
    if (!e || typeof e !== 'object') {
      p('evaluation', e, 'a delivery needs an evaluation', 'give evaluation: { dataset: "evaluation/<model>/golden.jsonl", threshold: 0.8 }');
    } else {
      if (typeof e.dataset !== 'string' || !DATASET_KEY.test(e.dataset) || e.dataset.endsWith('/') || e.dataset.includes('//') || !e.dataset.includes('/')) {
        p('evaluation.dataset', e.dataset, 'not the key of a file in a folder of the datasets bucket (the evaluation Job\'s identity may read that folder)',
          'give the key of a JSON Lines file in a folder of its own, e.g. "evaluation/chat/golden-v1.jsonl"');
      }
      if (typeof e.threshold !== 'number' || !(e.threshold > 0 && e.threshold <= 1)) {
        p('evaluation.threshold', e.threshold, 'not a share in (0, 1]', 'give the least share of right answers that passes, e.g. 0.8');
      }
      if (e.metric !== undefined && !Object.values(EvaluationMetric).includes(e.metric)) {
        p('evaluation.metric', e.metric, 'not an EvaluationMetric', 'use EvaluationMetric.CONTAINS or EvaluationMetric.EXACT_MATCH');
      }
      if (e.maxSamples !== undefined && (!Number.isInteger(e.maxSamples) || e.maxSamples < 1)) {
        p('evaluation.maxSamples', e.maxSamples, 'not a positive whole number', 'give e.g. 500');
      }
    }
    const steps = delivery.canarySteps ?? DELIVERY_DEFAULTS.canarySteps;
    if (!Array.isArray(steps) || steps.length === 0) {
      p('canarySteps', steps, 'a canary needs at least one step', 'give e.g. [{ weight: 25 }, { weight: 50 }]');
    } else {
      steps.forEach((s, i) => {
        if (!validWeight(s?.weight)) {
          p(`canarySteps[${i}].weight`, s?.weight, 'not a whole percent from 1 to 99 (the delivery promotes to 100 after the last step)', 'give e.g. 25');
        } else if (i > 0 && validWeight(steps[i - 1]?.weight) && s.weight <= steps[i - 1].weight) {
          p(`canarySteps[${i}].weight`, s.weight, `not above the step before (${steps[i - 1].weight}): a canary only grows`, 'list the steps in increasing weight');
        }
        if (s?.pauseMinutes !== undefined && (!Number.isInteger(s.pauseMinutes) || s.pauseMinutes < 1)) {
          p(`canarySteps[${i}].pauseMinutes`, s.pauseMinutes, 'not a positive whole number of minutes (the gates need time to see traffic)', 'give e.g. 10');
        }
      });
    }
    const g = delivery.gates ?? {};
    if (g.maxErrorRate !== undefined && (typeof g.maxErrorRate !== 'number' || g.maxErrorRate < 0 || g.maxErrorRate >= 1)) {
      p('gates.maxErrorRate', g.maxErrorRate, 'not a share in [0, 1)', 'give e.g. 0.01 (1% of requests)');
    }
    if (g.maxTimeToFirstTokenSeconds !== undefined && (typeof g.maxTimeToFirstTokenSeconds !== 'number' || !(g.maxTimeToFirstTokenSeconds > 0))) {
      p('gates.maxTimeToFirstTokenSeconds', g.maxTimeToFirstTokenSeconds, 'not a positive number of seconds', 'give e.g. 2');
    }
    if (g.maxQueueDepth !== undefined && (!Number.isInteger(g.maxQueueDepth) || g.maxQueueDepth < 0)) {
      p('gates.maxQueueDepth', g.maxQueueDepth, 'not a whole number of requests', 'give e.g. 10');
    }
    const scraped = DeliveryChecks.scrapedMetrics(server);
    const names = new Set(['error-rate', 'ttft-p95', 'queue-depth']);
    (g.extra ?? []).forEach((gate, i) => {
      const at = `gates.extra[${i}]`;
      if (typeof gate?.name !== 'string' || !LABEL.test(gate.name) || gate.name.length > 63) {
        p(`${at}.name`, gate?.name, 'not a DNS-1123 label', 'give e.g. "e2e-latency-p95"');
      } else if (names.has(gate.name)) {
        p(`${at}.name`, gate.name, 'another gate has this name', 'give each gate its own name');
      } else {
        names.add(gate.name);
      }
      const metric = scraped.find((m) => m.name === gate?.metric);
      if (!metric) {
        const known = scraped.map((m) => m.name).sort().join(', ');
        p(`${at}.metric`, gate?.metric, `the platform's Prometheus has no such metric from the ${server} server (it scrapes: ${known})`,
          'name a metric the server exports, as Prometheus stores it (counters with _total, histograms by their base name)');
      } else if (!Object.values(GateAggregation).includes(gate.aggregation)) {
        p(`${at}.aggregation`, gate.aggregation, 'not a GateAggregation', 'use GateAggregation.P95, RATE or MAX');
      } else {
        const fits = {
          [GateAggregation.P95]: MetricType.HISTOGRAM, [GateAggregation.RATE]: MetricType.COUNTER, [GateAggregation.MAX]: MetricType.GAUGE,
        }[gate.aggregation];
        if (metric.type !== fits) {
          const use = { [MetricType.HISTOGRAM]: 'P95', [MetricType.COUNTER]: 'RATE', [MetricType.GAUGE]: 'MAX' }[metric.type];
          p(`${at}.aggregation`, gate.aggregation, `${metric.name} is a ${metric.type}, which ${gate.aggregation} cannot read`, `use GateAggregation.${use}`);
        }
      }
      if (typeof gate?.maxValue !== 'number' || !Number.isFinite(gate.maxValue) || gate.maxValue < 0) {
        p(`${at}.maxValue`, gate?.maxValue, 'not a non-negative number', 'give the highest value that passes');
      }
    });
    if (delivery.registeredModel !== undefined && (typeof delivery.registeredModel !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9._ -]{0,255}$/.test(delivery.registeredModel))) {
      p('registeredModel', delivery.registeredModel, 'not a registered model name', 'give the name the registry shows, e.g. "chat"');
    }
    if (delivery.liveAlias !== undefined && (typeof delivery.liveAlias !== 'string' || !ALIAS.test(delivery.liveAlias) || /^v[0-9]+$/.test(delivery.liveAlias))) {
      p('liveAlias', delivery.liveAlias, 'not an MLflow alias (letters, digits, "_" and "-", not "v<number>", which MLflow reserves for versions)', 'give e.g. "live" or "champion"');
    }
    return out;
  }
}

/** A canary weight: a whole percent from 1 to 99. */
function validWeight(weight: unknown): weight is number {
  return typeof weight === 'number' && Number.isInteger(weight) && weight >= 1 && weight <= 99;
}

/** The key prefix of a delivery's candidate in the models bucket, its default resolved. */
export function deliveryCandidatePrefix(modelPrefix: string, delivery: ModelDeliverySpec): string {
  return delivery.modelStorePrefix ?? `${modelPrefix}v${delivery.version}/`;
}

/** The key prefix the evaluation Job's identity may read in the datasets bucket: the dataset's folder. */
export function deliveryDatasetPrefix(dataset: string): string {
  return dataset.slice(0, dataset.lastIndexOf('/') + 1);
}

/** The service account of a delivered model's evaluation Job (its own workload identity). */
export function deliveryEvaluationServiceAccount(model: string): string {
  return `${model}-evaluation`;
}
