import { ApiObject, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import {
  PodMonitor, PodMonitorSpecPodMetricsEndpointsRelabelingsAction, ServiceMonitor, ServiceMonitorSpecEndpointsRelabelingsAction,
} from '../../imports/monitoring.coreos.com';

/**
 * A Prometheus metrics endpoint as one value: model servers, vector databases, registries and
 * the platform's own agents each carry a {@link MetricsEndpoint} (they implement
 * {@link IMetricsSource}), and their monitors, and the platform's MetricsScraping, are built
 * from it, so no selector or port name is ever spelled twice.
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

/** The Secret keys of the user and password Prometheus sends when scraping (e.g. MLflow's reader). */
export interface MetricsBasicAuth {
  /** Secret name (in the endpoint's namespace). */
  readonly secretName: string;
  /** Key of the user name in the Secret. */
  readonly usernameKey: string;
  /** Key of the password in the Secret. */
  readonly passwordKey: string;
}

/** The target label that carries {@link MetricsEndpoint.component} on every scraped series (and on `up`). */
export const COMPONENT_TARGET_LABEL = 'cnai_component';

/** Props of {@link MetricsEndpoint}. */
export interface MetricsEndpointProps {
  /** A short name (the monitor's name; a DNS-1123 label). */
  readonly name: string;
  /** Namespace of the Service (or pods). */
  readonly namespace: string;
  /** Labels that select the Service (kind SERVICE) or the pods (kind POD). */
  readonly selector: { [key: string]: string };
  /** Name of the Service port (kind SERVICE) or container port (kind POD) serving the metrics. */
  readonly portName: string;
  /**
   * HTTP path.
   * @default "/metrics"
   */
  readonly path?: string;
  /**
   * What serves the metrics (becomes the `cnai_component` target label that alerts select on).
   * @default MetricsComponent.OTHER
   */
  readonly component?: MetricsComponent;
  /**
   * Extra target labels added to every series scraped from the endpoint (e.g. `llm_service`).
   * @default - none
   */
  readonly labels?: { [key: string]: string };
  /**
   * Bearer token for the scrape.
   * @default - none
   */
  readonly bearerToken?: MetricsBearerToken;
  /**
   * User and password for the scrape.
   * @default - none
   */
  readonly basicAuth?: MetricsBasicAuth;
}

/** Options of {@link MetricsEndpoint.monitor}. */
export interface MetricsMonitorOptions {
  /** How often Prometheus scrapes the endpoint. */
  readonly interval: Duration;
  /**
   * Labels of the monitor (for a Prometheus whose monitor selector needs them).
   * @default - none
   */
  readonly labels?: { [key: string]: string };
  /**
   * Annotations of the monitor (e.g. its sync wave).
   * @default - none
   */
  readonly annotations?: { [key: string]: string };
  /**
   * Name the endpoint's namespace in the monitor's `namespaceSelector` (a monitor selects in
   * its own namespace either way).
   * @default false
   */
  readonly namespaceSelector?: boolean;
}

/** Anything that exposes a Prometheus metrics endpoint: LlmService, the Qdrant and MLflow servers, the TelemetryCollector, or a {@link MetricsEndpoint} itself. */
export interface IMetricsSource {
  /** The endpoint. */
  readonly metricsEndpoint: MetricsEndpoint;
}

/**
 * A Prometheus metrics endpoint: where it is (namespace, selector, port, path), how Prometheus
 * finds it (a Service or the pods), what serves it and how the scrape authenticates. Built by
 * the constructs that run metric-exposing workloads, or with {@link MetricsEndpoint.service} and
 * {@link MetricsEndpoint.pods} for anything else.
 */
export class MetricsEndpoint implements IMetricsSource {
  /** An endpoint reached through a Service port. */
  public static service(props: MetricsEndpointProps): MetricsEndpoint {
    return new MetricsEndpoint(props, MetricsTargetKind.SERVICE);
  }

  /** An endpoint reached directly on pods (a PodMonitor; no Service needed). */
  public static pods(props: MetricsEndpointProps): MetricsEndpoint {
    return new MetricsEndpoint(props, MetricsTargetKind.POD);
  }

  /** A short name (the monitor's name). */
  public readonly name: string;
  /** Namespace of the Service (or pods). */
  public readonly namespace: string;
  /** Labels that select the Service or the pods. */
  public readonly selector: { [key: string]: string };
  /** Name of the Service port or container port. */
  public readonly portName: string;
  /** HTTP path. */
  public readonly path: string;
  /** Service port or pod port. */
  public readonly targetKind: MetricsTargetKind;
  /** What serves the metrics. */
  public readonly component: MetricsComponent;
  /** Extra target labels of every scraped series. */
  public readonly labels: { [key: string]: string };
  /** Bearer token of the scrape, if any. */
  public readonly bearerToken?: MetricsBearerToken;
  /** User and password of the scrape, if any. */
  public readonly basicAuth?: MetricsBasicAuth;

  private constructor(props: MetricsEndpointProps, targetKind: MetricsTargetKind) {
    this.name = props.name;
    this.namespace = props.namespace;
    this.selector = { ...props.selector };
    this.portName = props.portName;
    this.path = props.path ?? '/metrics';
    this.targetKind = targetKind;
    this.component = props.component ?? MetricsComponent.OTHER;
    this.labels = { ...props.labels };
    this.bearerToken = props.bearerToken;
    this.basicAuth = props.basicAuth;
  }

  /** The endpoint itself (an endpoint is its own source). */
  public get metricsEndpoint(): MetricsEndpoint {
    return this;
  }

  /** The target labels every scraped series gets: the endpoint's labels, then `cnai_component`. */
  public targetLabels(): { [key: string]: string } {
    return { ...this.labels, [COMPONENT_TARGET_LABEL]: this.component };
  }

  /** A ServiceMonitor (kind SERVICE) or PodMonitor (kind POD) named after the endpoint, in its namespace, that scrapes it. */
  public monitor(scope: Construct, id: string, options: MetricsMonitorOptions): ApiObject {
    return this.targetKind === MetricsTargetKind.SERVICE ? this.serviceMonitor(scope, id, options) : this.podMonitor(scope, id, options);
  }

  /** The ServiceMonitor of an endpoint of kind SERVICE. */
  public serviceMonitor(scope: Construct, id: string, options: MetricsMonitorOptions): ServiceMonitor {
    this.assertKind(MetricsTargetKind.SERVICE);
    return new ServiceMonitor(scope, id, {
      metadata: this.monitorMetadata(options),
      spec: {
        selector: { matchLabels: { ...this.selector } },
        namespaceSelector: options.namespaceSelector ? { matchNames: [this.namespace] } : undefined,
        endpoints: [{
          ...this.scrape(options),
          relabelings: Object.entries(this.targetLabels()).map(([targetLabel, replacement]) => ({
            targetLabel, replacement, action: ServiceMonitorSpecEndpointsRelabelingsAction.REPLACE,
          })),
        }],
      },
    });
  }

  /** The PodMonitor of an endpoint of kind POD. */
  public podMonitor(scope: Construct, id: string, options: MetricsMonitorOptions): PodMonitor {
    this.assertKind(MetricsTargetKind.POD);
    return new PodMonitor(scope, id, {
      metadata: this.monitorMetadata(options),
      spec: {
        selector: { matchLabels: { ...this.selector } },
        namespaceSelector: options.namespaceSelector ? { matchNames: [this.namespace] } : undefined,
        podMetricsEndpoints: [{
          ...this.scrape(options),
          relabelings: Object.entries(this.targetLabels()).map(([targetLabel, replacement]) => ({
            targetLabel, replacement, action: PodMonitorSpecPodMetricsEndpointsRelabelingsAction.REPLACE,
          })),
        }],
      },
    });
  }

  private monitorMetadata(options: MetricsMonitorOptions) {
    const labels = options.labels ? { ...options.labels } : undefined;
    return { name: this.name, namespace: this.namespace, labels, annotations: options.annotations };
  }

  /** What a ServiceMonitor's and a PodMonitor's endpoint share: port, path, interval and authentication. */
  private scrape(options: MetricsMonitorOptions) {
    const token = this.bearerToken;
    const basic = this.basicAuth;
    return {
      port: this.portName,
      path: this.path,
      interval: `${options.interval.toSeconds()}s`,
      authorization: token ? { type: 'Bearer', credentials: { name: token.secretName, key: token.secretKey } } : undefined,
      basicAuth: basic
        ? { username: { name: basic.secretName, key: basic.usernameKey }, password: { name: basic.secretName, key: basic.passwordKey } }
        : undefined,
    };
  }

  private assertKind(kind: MetricsTargetKind): void {
    if (this.targetKind !== kind) throw new Error(`internal: metrics endpoint ${this.namespace}/${this.name} is of kind ${this.targetKind}, not ${kind}`);
  }
}
