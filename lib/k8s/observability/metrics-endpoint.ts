/**
 * What a workload that exposes Prometheus metrics tells the platform about its endpoint.
 * Model servers, vector databases, registries and the platform's own agents implement
 * {@link IMetricsEndpoint} (duck typing: any object with these fields will do), and one
 * helper ({@link MetricsScraping}) turns each into a ServiceMonitor or PodMonitor, so that
 * no selector or port name is ever spelled twice.
 */

/** Whether Prometheus finds the endpoint through a Service or directly on the pods. */
export enum MetricsTargetKind {
  /** A Service port: a ServiceMonitor selects the Service by its labels. */
  SERVICE = 'Service',
  /** A container port: a PodMonitor selects the pods by their labels (no Service needed). */
  POD = 'Pod',
}

/** What kind of software serves the metrics; alerts and dashboards select targets by it. */
export enum MetricsComponent {
  /** vLLM OpenAI-compatible server. */
  VLLM = 'vllm',
  /** KServe model server (InferenceService predictor, transformer, explainer). */
  KSERVE = 'kserve',
  /** Qdrant vector database. */
  QDRANT = 'qdrant',
  /** MLflow tracking server. */
  MLFLOW = 'mlflow',
  /** NVIDIA DCGM exporter. */
  DCGM = 'dcgm-exporter',
  /** OpenTelemetry Collector (its own telemetry and what it exposes). */
  OTEL_COLLECTOR = 'otel-collector',
  /** Anything else. */
  OTHER = 'other',
}

/** A Secret key holding the bearer token Prometheus sends when scraping (e.g. Qdrant's API key). */
export interface MetricsBearerToken {
  /** Secret name (in the endpoint's namespace). */
  readonly secretName: string;
  /** Key in the Secret. */
  readonly secretKey: string;
}

/**
 * A Prometheus metrics endpoint. Implemented by the constructs that run metric-exposing
 * workloads (LlmService, the Qdrant and MLflow constructs, the TelemetryCollector), or built
 * with {@link MetricsEndpoint} for anything else. Field names carry a `metrics` prefix so a
 * construct can implement the interface next to its own fields.
 */
export interface IMetricsEndpoint {
  /** A short name for the endpoint (the monitor's name; a DNS-1123 label). */
  readonly metricsName: string;
  /** Namespace of the Service (or pods). */
  readonly metricsNamespace: string;
  /** Labels that select the Service (kind SERVICE) or the pods (kind POD). */
  readonly metricsSelector: { [key: string]: string };
  /** Name of the Service port (kind SERVICE) or container port (kind POD) serving the metrics. */
  readonly metricsPortName: string;
  /**
   * HTTP path of the metrics.
   * @default "/metrics"
   */
  readonly metricsPath?: string;
  /**
   * Service port or pod port.
   * @default MetricsTargetKind.SERVICE
   */
  readonly metricsTargetKind?: MetricsTargetKind;
  /**
   * What serves the metrics (becomes the `cnai_component` target label that alerts select on).
   * @default MetricsComponent.OTHER
   */
  readonly metricsComponent?: MetricsComponent;
  /**
   * Extra target labels added to every series scraped from the endpoint (e.g. `llm_service`).
   * @default - none
   */
  readonly metricsLabels?: { [key: string]: string };
  /**
   * Bearer token for the scrape.
   * @default - none
   */
  readonly metricsBearerToken?: MetricsBearerToken;
}

/** Props of {@link MetricsEndpoint}. */
export interface MetricsEndpointProps {
  /** A short name (the monitor's name; a DNS-1123 label). */
  readonly name: string;
  /** Namespace. */
  readonly namespace: string;
  /** Labels of the Service (kind SERVICE) or of the pods (kind POD). */
  readonly selector: { [key: string]: string };
  /** Port name. */
  readonly portName: string;
  /**
   * HTTP path.
   * @default "/metrics"
   */
  readonly path?: string;
  /**
   * Service port or pod port.
   * @default MetricsTargetKind.SERVICE
   */
  readonly targetKind?: MetricsTargetKind;
  /**
   * What serves the metrics.
   * @default MetricsComponent.OTHER
   */
  readonly component?: MetricsComponent;
  /**
   * Extra target labels.
   * @default - none
   */
  readonly labels?: { [key: string]: string };
  /**
   * Bearer token for the scrape.
   * @default - none
   */
  readonly bearerToken?: MetricsBearerToken;
}

/** An {@link IMetricsEndpoint} described by hand (for workloads the library does not build). */
export class MetricsEndpoint implements IMetricsEndpoint {
  /** An endpoint reached through a Service port. */
  public static service(props: MetricsEndpointProps): MetricsEndpoint {
    return new MetricsEndpoint({ ...props, targetKind: MetricsTargetKind.SERVICE });
  }

  /** An endpoint reached directly on pods (a PodMonitor; no Service needed). */
  public static pods(props: MetricsEndpointProps): MetricsEndpoint {
    return new MetricsEndpoint({ ...props, targetKind: MetricsTargetKind.POD });
  }

  public readonly metricsName: string;
  public readonly metricsNamespace: string;
  public readonly metricsSelector: { [key: string]: string };
  public readonly metricsPortName: string;
  public readonly metricsPath: string;
  public readonly metricsTargetKind: MetricsTargetKind;
  public readonly metricsComponent: MetricsComponent;
  public readonly metricsLabels: { [key: string]: string };
  public readonly metricsBearerToken?: MetricsBearerToken;

  private constructor(props: MetricsEndpointProps) {
    this.metricsName = props.name;
    this.metricsNamespace = props.namespace;
    this.metricsSelector = { ...props.selector };
    this.metricsPortName = props.portName;
    this.metricsPath = props.path ?? '/metrics';
    this.metricsTargetKind = props.targetKind ?? MetricsTargetKind.SERVICE;
    this.metricsComponent = props.component ?? MetricsComponent.OTHER;
    this.metricsLabels = { ...props.labels };
    this.metricsBearerToken = props.bearerToken;
  }
}

/** The target label that carries {@link IMetricsEndpoint.metricsComponent} on every scraped series (and on `up`). */
export const COMPONENT_TARGET_LABEL = 'cnai_component';
