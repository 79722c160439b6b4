import { Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { invalidProp } from '../../core/errors';
import { LLM_SERVICE_METRIC_LABEL, VLLM_METRICS } from '../../core/metrics';
import {
  ScaledObject, TriggerAuthentication, TriggerAuthenticationSpecPodIdentityIdentityOwner, TriggerAuthenticationSpecPodIdentityProvider,
} from '../../imports/keda.sh';
import { AutoscalingQueryEndpoint, IMetricsBackend, KubePrometheusStack } from '../operators';

/**
 * Scale-to-zero settings. Opting in means accepting a cold start: the first request after an
 * idle period waits for a GPU node (Karpenter: one to five minutes), the server image pull
 * (about 10 GB: one to three minutes, less when the node has it cached) and the model load
 * (the service's startup budget: minutes for large models). Callers must time out above that
 * or retry, and something must measure demand while no server runs (`activationQuery`).
 */
export interface ScaleToZeroOptions {
  /**
   * A PromQL query for demand that exists while no server pod runs (the vLLM metrics vanish
   * with the pods): e.g. requests queued by the calling application or seen by a gateway.
   * The service wakes when it returns more than 0.
   */
  readonly activationQuery: string;
  /**
   * How long the service must be idle (no trigger active) before it scales to zero.
   * @default Duration.minutes(30)
   */
  readonly idleAfter?: Duration;
}

/** Autoscaling of an LLM service on vLLM's own load signals. */
export interface LlmAutoscalingOptions {
  /**
   * Fewest replicas. 0 only together with `scaleToZero`.
   * @default 1
   */
  readonly minReplicas?: number;
  /** Most replicas (the GPU budget is maxReplicas x GPUs per replica). */
  readonly maxReplicas: number;
  /**
   * Requests waiting per replica (`vllm:num_requests_waiting`) above which the service scales
   * up. Waiting requests mean the running batch is full: latency grows with the queue.
   * @default 5
   */
  readonly targetWaitingRequests?: number;
  /**
   * KV-cache usage per replica (`vllm:kv_cache_usage_perc`, 0 to 1) above which the service
   * scales up; near 1, vLLM preempts running requests. Not used for embedding models.
   * @default 0.8
   */
  readonly targetKvCacheUsage?: number;
  /**
   * How long load must stay low before replicas are removed: a replica is expensive to start
   * (minutes), so the service scales down slowly, one replica per `scaleDownStep`.
   * @default Duration.minutes(10)
   */
  readonly scaleDownStabilization?: Duration;
  /**
   * How often at most one replica is removed.
   * @default Duration.minutes(5)
   */
  readonly scaleDownStep?: Duration;
  /**
   * How often KEDA evaluates the queries.
   * @default Duration.seconds(15)
   */
  readonly pollingInterval?: Duration;
  /**
   * Scale to zero when idle (an explicit opt-in, see {@link ScaleToZeroOptions} for the cold start).
   * @default - never below minReplicas (at least 1)
   */
  readonly scaleToZero?: ScaleToZeroOptions;
}

/** Props of {@link LlmAutoscaling}. */
export interface LlmAutoscalingProps extends LlmAutoscalingOptions {
  /** Name of the ScaledObject (the service's name). */
  readonly name: string;
  /** Namespace of the service. */
  readonly namespace: string;
  /** The Deployment to scale. */
  readonly deploymentName: string;
  /** Value of the `llm_service` label the service's monitor puts on its series. */
  readonly serviceLabel: string;
  /** Whether the model has a KV cache (generation) or not (embeddings). */
  readonly kvCache: boolean;
  /** Labels of the ScaledObject. */
  readonly labels: { [key: string]: string };
  /**
   * The metrics backend that scrapes the servers: KEDA's prometheus scaler queries its URL, or its
   * managed Prometheus workspace (signed with the KEDA operator's identity) when it names one
   * (`autoscalingQuery`).
   * @default KubePrometheusStack.platformDefault() (http://kube-prometheus-stack-prometheus.monitoring.svc:9090)
   */
  readonly metricsBackend?: IMetricsBackend;
  /**
   * Annotations of the ScaledObject.
   * @default - none
   */
  readonly annotations?: { [key: string]: string };
}

/** The replica bounds of an autoscaled service, checked. */
export interface ReplicaBounds {
  /** Fewest replicas (0 with scale to zero). */
  readonly minReplicas: number;
  /** Most replicas. */
  readonly maxReplicas: number;
}

/**
 * A KEDA ScaledObject (keda.sh/v1alpha1) that scales an LLM server's Deployment on
 * Prometheus queries over vLLM's metrics: requests waiting and KV-cache usage, summed over
 * the service's pods and divided by a per-replica target (KEDA's AverageValue), with fast
 * scale-up, slow scale-down and, only on opt-in, scale to zero.
 *
 * When the metrics backend sends autoscaling queries to Amazon Managed Service for Prometheus,
 * every trigger names the workspace's query URL and `awsRegion`, and refers to a
 * TriggerAuthentication (`<name>-managed-prometheus`) with `podIdentity.provider: aws` and
 * `identityOwner: keda`: KEDA 2.20's prometheus scaler then signs each query with SigV4 using the
 * operator's own credentials (EKS Pod Identity of `keda/keda-operator`, allowed `aps:QueryMetrics`
 * on that workspace), and the served model's pods need no AWS identity for it.
 * @see https://keda.sh/docs/2.20/scalers/prometheus/
 */
export class LlmAutoscaling extends Construct {
  /**
   * The replica bounds of `options`, checked.
   * @throws CnaiError for min > max, fractional counts, or 0 without scaleToZero
   */
  public static checkReplicas(where: string, options: LlmAutoscalingOptions): ReplicaBounds {
    const minReplicas = options.minReplicas ?? 1;
    const maxReplicas = options.maxReplicas;
    if (!Number.isInteger(maxReplicas) || maxReplicas < 1) {
      throw invalidProp(where, 'autoscaling.maxReplicas', maxReplicas, 'not a whole number of at least 1', 'give the most replicas the service may run');
    }
    if (!Number.isInteger(minReplicas) || minReplicas < 0) {
      throw invalidProp(where, 'autoscaling.minReplicas', minReplicas, 'not a whole number of at least 0', 'give the fewest replicas, e.g. 1');
    }
    if (minReplicas > maxReplicas) {
      throw invalidProp(where, 'autoscaling.minReplicas', minReplicas, `above maxReplicas (${maxReplicas})`, `give minReplicas at most ${maxReplicas}, or raise maxReplicas`);
    }
    if (minReplicas === 0 && !options.scaleToZero) {
      throw invalidProp(where, 'autoscaling.minReplicas', 0, 'scaling to zero means a cold start of minutes (GPU node, image pull, model load) on the first request after idle',
        'opt in with scaleToZero: { activationQuery: ... } (see its docs), or give minReplicas 1');
    }
    if (options.scaleToZero && minReplicas !== 0) {
      throw invalidProp(where, 'autoscaling.scaleToZero', 'set', `has no effect with minReplicas ${minReplicas}`, 'give minReplicas 0 to scale to zero, or drop scaleToZero');
    }
    return { minReplicas, maxReplicas };
  }

  /** Fewest replicas. */
  public readonly minReplicas: number;
  /** Most replicas. */
  public readonly maxReplicas: number;
  /** Target waiting requests per replica. */
  public readonly targetWaitingRequests: number;
  /** Target KV-cache usage per replica (undefined for embedding models). */
  public readonly targetKvCacheUsage?: number;
  /** Scale-down stabilization window. */
  public readonly scaleDownStabilization: Duration;
  /** The Prometheus URL KEDA queries (the metrics backend's). */
  public readonly prometheusUrl: string;
  /** The queries, by trigger name. */
  public readonly queries: { [trigger: string]: string };
  /** The TriggerAuthentication the triggers sign their queries with, when they query a managed Prometheus workspace. */
  public readonly triggerAuthentication?: TriggerAuthentication;
  /** The ScaledObject. */
  public readonly scaledObject: ScaledObject;

  constructor(scope: Construct, id: string, props: LlmAutoscalingProps) {
    super(scope, id);
    const where = scope.node.path;
    const { minReplicas, maxReplicas } = LlmAutoscaling.checkReplicas(where, props);
    this.minReplicas = minReplicas;
    this.maxReplicas = maxReplicas;
    this.targetWaitingRequests = props.targetWaitingRequests ?? 5;
    if (!(this.targetWaitingRequests > 0)) {
      throw invalidProp(where, 'autoscaling.targetWaitingRequests', props.targetWaitingRequests, 'must be more than 0', 'give the queue length per replica to scale at, e.g. 5');
    }
    if (props.kvCache) {
      this.targetKvCacheUsage = props.targetKvCacheUsage ?? 0.8;
      if (!(this.targetKvCacheUsage > 0 && this.targetKvCacheUsage <= 1)) {
        throw invalidProp(where, 'autoscaling.targetKvCacheUsage', props.targetKvCacheUsage, 'must be a share in (0, 1]', 'give e.g. 0.8 (scale before the cache is full)');
      }
    }
    this.scaleDownStabilization = props.scaleDownStabilization ?? Duration.minutes(10);
    const window = this.scaleDownStabilization.toSeconds();
    if (window < 0 || window > 3600) {
      throw invalidProp(where, 'autoscaling.scaleDownStabilization', `${window}s`, 'the HPA accepts 0 to 3600 seconds', 'give at most Duration.hours(1)');
    }
    const step = (props.scaleDownStep ?? Duration.minutes(5)).toSeconds();
    if (step < 1 || step > 1800) {
      throw invalidProp(where, 'autoscaling.scaleDownStep', `${step}s`, 'the HPA accepts policy periods of 1 to 1800 seconds', 'give at most Duration.minutes(30)');
    }
    const backend = props.metricsBackend ?? KubePrometheusStack.platformDefault();
    const managed = backend.autoscalingQuery;
    this.prometheusUrl = managed?.serverAddress ?? backend.queryUrl;
    if (managed) {
      this.triggerAuthentication = new TriggerAuthentication(this, 'ManagedPrometheusAuth', {
        metadata: { name: `${props.name}-managed-prometheus`, namespace: props.namespace, labels: { ...props.labels } },
        spec: {
          podIdentity: {
            provider: TriggerAuthenticationSpecPodIdentityProvider.AWS,
            // The operator's own identity: the aws provider's default, stated.
            identityOwner: TriggerAuthenticationSpecPodIdentityIdentityOwner.KEDA,
          },
        },
      });
    }
    const auth = managed ? { query: managed, authName: this.triggerAuthentication!.name } : undefined;
    const trigger = (name: string, query: string, threshold: string) => prometheusTrigger(name, this.prometheusUrl, query, threshold, auth);

    const selector = `{namespace="${props.namespace}",${LLM_SERVICE_METRIC_LABEL}="${props.serviceLabel}"}`;
    // `or vector(0)`: no series (no pod yet, or scaled to zero) reads as no load, not as an error.
    this.queries = { 'waiting-requests': `sum(${VLLM_METRICS.numRequestsWaiting}${selector}) or vector(0)` };
    if (this.targetKvCacheUsage !== undefined) {
      this.queries['kv-cache-usage'] = `sum(${VLLM_METRICS.kvCacheUsagePerc}${selector}) or vector(0)`;
    }
    const triggers = [
      trigger('waiting-requests', this.queries['waiting-requests'], String(this.targetWaitingRequests)),
      ...(this.targetKvCacheUsage !== undefined
        ? [trigger('kv-cache-usage', this.queries['kv-cache-usage'], String(this.targetKvCacheUsage))]
        : []),
    ];
    let cooldownPeriod: number | undefined;
    if (props.scaleToZero) {
      const q = props.scaleToZero.activationQuery;
      if (typeof q !== 'string' || q.trim().length === 0) {
        throw invalidProp(where, 'autoscaling.scaleToZero.activationQuery', q, 'empty', 'give a PromQL query for demand seen while no server runs');
      }
      this.queries.activation = q;
      // Only wakes the service: its huge per-replica target never asks for more than one replica.
      const activation = trigger('activation', q, '1000000');
      triggers.push({ ...activation, metadata: { ...activation.metadata, activationThreshold: '0' } });
      cooldownPeriod = (props.scaleToZero.idleAfter ?? Duration.minutes(30)).toSeconds();
    }

    this.scaledObject = new ScaledObject(this, 'Resource', {
      metadata: { name: props.name, namespace: props.namespace, labels: { ...props.labels }, annotations: props.annotations },
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: props.deploymentName },
        minReplicaCount: this.minReplicas,
        maxReplicaCount: this.maxReplicas,
        pollingInterval: (props.pollingInterval ?? Duration.seconds(15)).toSeconds(),
        cooldownPeriod,
        advanced: {
          horizontalPodAutoscalerConfig: {
            behavior: {
              // Up at once (a new replica takes minutes to be ready), at most 2 replicas a minute.
              scaleUp: { stabilizationWindowSeconds: 0, policies: [{ type: 'Pods', value: 2, periodSeconds: 60 }] },
              scaleDown: { stabilizationWindowSeconds: window, policies: [{ type: 'Pods', value: 1, periodSeconds: step }] },
            },
          },
        },
        triggers,
      },
    });
  }

}

interface Trigger {
  readonly type: string;
  readonly name: string;
  readonly metricType: string;
  readonly metadata: { [key: string]: string };
  readonly authenticationRef?: { readonly name: string };
}

interface ManagedQueryAuth {
  readonly query: AutoscalingQueryEndpoint;
  readonly authName: string;
}

function prometheusTrigger(name: string, serverAddress: string, query: string, threshold: string, auth?: ManagedQueryAuth): Trigger {
  return {
    type: 'prometheus',
    name,
    metricType: 'AverageValue',
    // awsRegion: the prometheus scaler signs with SigV4 for this region (KEDA 2.20 prometheusMetadata.AwsRegion).
    metadata: { serverAddress, query, threshold, ...(auth ? { awsRegion: auth.query.awsRegion } : {}) },
    ...(auth ? { authenticationRef: { name: auth.authName } } : {}),
  };
}
