/**
 * Typed building blocks of an OpenTelemetry Collector configuration: receivers, processors,
 * exporters and extensions, each with the config it renders, the signals it handles and the
 * ports it listens on. The TelemetryCollector assembles them into pipelines and checks the
 * result (see collector-config.ts); nothing here imports cdk8s.
 * Component types use the collector's lower_snake_case names where the pinned version has
 * them (`otlp_grpc`, `otlp_http`, `k8s_attributes`, `prometheus_remote_write`; the old names are
 * deprecated aliases since v0.144-v0.153).
 * @see https://opentelemetry.io/docs/collector/configuration/
 */

import { invalidProp } from '../../core/errors';
import { shorten } from '../../core/names';

/** A telemetry signal (the type of a collector pipeline). */
export enum TelemetrySignal {
  /** Spans. */
  TRACES = 'traces',
  /** Metrics. */
  METRICS = 'metrics',
  /** Logs (also used for model payload logs). */
  LOGS = 'logs',
}

const ALL_SIGNALS = [TelemetrySignal.TRACES, TelemetrySignal.METRICS, TelemetrySignal.LOGS];

/** A port a collector component listens on. */
export interface CollectorPort {
  /** Port name on the container and the Service (at most 15 characters). */
  readonly name: string;
  /** Port number. */
  readonly port: number;
  /**
   * True for ports clients send telemetry to (opened to the connected namespaces); false for
   * ports Prometheus scrapes or the kubelet probes.
   */
  readonly ingest: boolean;
}

/** The parts every component has (for the static factories of the component classes). */
export interface CollectorComponentParts {
  /** Component type (e.g. `otlp_grpc`). */
  readonly type: string;
  /**
   * Component name (`type/name`).
   * @default - the type alone
   */
  readonly name?: string;
  /** The component's config. */
  readonly config: { [key: string]: any };
  /** Signals it handles. */
  readonly signals: TelemetrySignal[];
  /**
   * Ports it listens on.
   * @default - none
   */
  readonly ports?: CollectorPort[];
  /**
   * Extensions it needs.
   * @default - none
   */
  readonly extensions?: CollectorExtension[];
  /**
   * It reads the Kubernetes API.
   * @default false
   */
  readonly needsKubernetesApi?: boolean;
  /**
   * It calls AWS.
   * @default false
   */
  readonly needsAwsCredentials?: boolean;
}

/** Component id `type` or `type/name`, as the collector config names it. */
function componentId(type: string, name?: string): string {
  if (name === undefined) return type;
  if (!/^[a-z0-9][a-z0-9_.-]*$/.test(name)) {
    throw invalidProp(`collector ${type}`, 'name', name, 'not a valid component name', 'use lowercase letters, digits, ".", "_" and "-"');
  }
  return `${type}/${name}`;
}

function checkPort(where: string, prop: string, port: number): number {
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw invalidProp(where, prop, port, 'not a TCP port', 'give a port from 1 to 65535');
  }
  return port;
}

/**
 * A Kubernetes port name (IANA service name: a-z, 0-9 and single inner hyphens, at most 15
 * characters) from a component's: the `_` and `.` a component name may have become `-`.
 */
function portName(raw: string): string {
  return shorten(raw.replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, ''), 15);
}

/** Base of receivers, processors, exporters and extensions. */
export abstract class CollectorComponent {
  /** The id in the collector config (`type` or `type/name`). */
  public readonly id: string;
  /** The component type (e.g. `otlp`, `k8s_attributes`). */
  public readonly type: string;
  /** The component's config. */
  public readonly config: { [key: string]: any };
  /** The signals it handles. */
  public readonly signals: TelemetrySignal[];
  /** The ports it listens on. */
  public readonly ports: CollectorPort[];
  /** Extensions it needs (e.g. an authenticator). */
  public readonly extensions: CollectorExtension[];
  /** It reads the Kubernetes API (the collector needs RBAC). */
  public readonly needsKubernetesApi: boolean;
  /** It calls AWS (the collector needs a workload identity). */
  public readonly needsAwsCredentials: boolean;

  protected constructor(parts: CollectorComponentParts) {
    this.type = parts.type;
    this.id = componentId(parts.type, parts.name);
    this.config = parts.config;
    this.signals = parts.signals;
    this.ports = parts.ports ?? [];
    this.extensions = parts.extensions ?? [];
    this.needsKubernetesApi = parts.needsKubernetesApi ?? false;
    this.needsAwsCredentials = parts.needsAwsCredentials ?? false;
  }
}

/** Options of the OTLP receiver. */
export interface OtlpReceiverOptions {
  /**
   * Component name (`otlp/<name>`).
   * @default - `otlp`
   */
  readonly name?: string;
  /**
   * OTLP/gRPC port.
   * @default 4317
   */
  readonly grpcPort?: number;
  /**
   * OTLP/HTTP port.
   * @default 4318
   */
  readonly httpPort?: number;
}

/** A static Prometheus scrape target of the collector's Prometheus receiver. */
export interface PrometheusScrapeTarget {
  /** Job name (the `job` label). */
  readonly jobName: string;
  /** `host:port` targets. */
  readonly targets: string[];
  /**
   * Metrics path.
   * @default "/metrics"
   */
  readonly metricsPath?: string;
  /**
   * Scrape interval in seconds.
   * @default 30
   */
  readonly intervalSeconds?: number;
}

/** Options of the Prometheus receiver. */
export interface PrometheusReceiverOptions {
  /**
   * Component name (`prometheus/<name>`).
   * @default - `prometheus`
   */
  readonly name?: string;
  /** What to scrape. */
  readonly targets: PrometheusScrapeTarget[];
}

/** Options of the webhook event receiver (HTTP POST bodies become log records). */
export interface WebhookEventReceiverOptions {
  /** Component name (`webhookevent/<name>`). */
  readonly name: string;
  /** Port. */
  readonly port: number;
  /**
   * Path events are posted to.
   * @default "/events"
   */
  readonly path?: string;
  /**
   * Request headers copied into log attributes (`header.<name>`), as a regular expression.
   * @default - none
   */
  readonly headerAttributeRegex?: string;
  /**
   * Largest accepted body in bytes.
   * @default 4194304 (4 MiB)
   */
  readonly maxRequestBodyBytes?: number;
}

/** Where telemetry enters the collector. */
export class CollectorReceiver extends CollectorComponent {
  /** OTLP over gRPC and HTTP: what OpenLLMetry and every OpenTelemetry SDK send. */
  public static otlp(options: OtlpReceiverOptions = {}): CollectorReceiver {
    const id = componentId('otlp', options.name);
    const grpc = checkPort(`collector ${id}`, 'grpcPort', options.grpcPort ?? 4317);
    const http = checkPort(`collector ${id}`, 'httpPort', options.httpPort ?? 4318);
    const suffix = options.name ? `-${options.name}`.slice(0, 5) : '';
    return new CollectorReceiver({
      type: 'otlp',
      name: options.name,
      signals: ALL_SIGNALS,
      config: { protocols: { grpc: { endpoint: `0.0.0.0:${grpc}` }, http: { endpoint: `0.0.0.0:${http}` } } },
      ports: [{ name: portName(`otlp-grpc${suffix}`), port: grpc, ingest: true }, { name: portName(`otlp-http${suffix}`), port: http, ingest: true }],
    });
  }

  /** Prometheus scraping of static targets (targets with a ServiceMonitor are better scraped by Prometheus itself). */
  public static prometheus(options: PrometheusReceiverOptions): CollectorReceiver {
    const id = componentId('prometheus', options.name);
    if (options.targets.length === 0) {
      throw invalidProp(`collector ${id}`, 'targets', [], 'nothing to scrape', 'give at least one target, or leave the Prometheus receiver out');
    }
    return new CollectorReceiver({
      type: 'prometheus',
      name: options.name,
      signals: [TelemetrySignal.METRICS],
      config: {
        config: {
          scrape_configs: options.targets.map((t) => ({
            job_name: t.jobName,
            scrape_interval: `${t.intervalSeconds ?? 30}s`,
            metrics_path: t.metricsPath ?? '/metrics',
            static_configs: [{ targets: [...t.targets] }],
          })),
        },
      },
    });
  }

  /** HTTP POST bodies as log records (e.g. KServe's CloudEvents payload logger). */
  public static webhookEvent(options: WebhookEventReceiverOptions): CollectorReceiver {
    const id = componentId('webhookevent', options.name);
    const port = checkPort(`collector ${id}`, 'port', options.port);
    const config: { [key: string]: any } = {
      endpoint: `0.0.0.0:${port}`,
      path: options.path ?? '/events',
      // LLM responses are large and streamed: the 500ms default cuts them off.
      read_timeout: '10s',
      write_timeout: '10s',
      max_request_body_size: options.maxRequestBodyBytes ?? 4 * 1024 * 1024,
    };
    if (options.headerAttributeRegex) config.header_attribute_regex = options.headerAttributeRegex;
    return new CollectorReceiver({
      type: 'webhookevent',
      name: options.name,
      signals: [TelemetrySignal.LOGS],
      config,
      ports: [{ name: portName(`wh-${options.name}`), port, ingest: true }],
    });
  }

  private constructor(parts: CollectorComponentParts) {
    super(parts);
  }
}

/** Options of the memory limiter. */
export interface MemoryLimiterOptions {
  /**
   * Memory (percent of the container's limit) above which data is refused.
   * @default 80
   */
  readonly limitPercentage?: number;
  /**
   * Headroom (percent of the limit) for spikes between checks.
   * @default 25
   */
  readonly spikeLimitPercentage?: number;
}

/** Options of the batch processor. */
export interface BatchOptions {
  /**
   * Items per batch that trigger a send.
   * @default 8192
   */
  readonly sendBatchSize?: number;
  /**
   * Longest wait before a partial batch is sent, in seconds.
   * @default 5
   */
  readonly timeoutSeconds?: number;
}

/** Options of the Kubernetes attributes processor. */
export interface K8sAttributesOptions {
  /**
   * Pod labels copied into resource attributes (same key).
   * @default ["app.kubernetes.io/name", "cnai.io/llm-service"]
   */
  readonly podLabels?: string[];
  /**
   * Namespace labels copied into resource attributes (same key).
   * @default ["cnai.io/team"]
   */
  readonly namespaceLabels?: string[];
}

/** What happens to telemetry between receivers and exporters. */
export class CollectorProcessor extends CollectorComponent {
  /** Refuses data before the collector runs out of memory (first in every pipeline). */
  public static memoryLimiter(options: MemoryLimiterOptions = {}): CollectorProcessor {
    const limit = options.limitPercentage ?? 80;
    const spike = options.spikeLimitPercentage ?? 25;
    if (!(limit > 0 && limit <= 100) || !(spike > 0 && spike < limit)) {
      throw invalidProp('collector memory_limiter', 'limitPercentage', { limit, spike }, 'the limit must be in (0, 100] and the spike limit in (0, limit)',
        'keep the defaults (80 and 25) unless the collector shares its container with something else');
    }
    return new CollectorProcessor({
      type: 'memory_limiter',
      signals: ALL_SIGNALS,
      config: { check_interval: '1s', limit_percentage: limit, spike_limit_percentage: spike },
    });
  }

  /** Batches data before export (last in every pipeline). */
  public static batch(options: BatchOptions = {}): CollectorProcessor {
    return new CollectorProcessor({
      type: 'batch',
      signals: ALL_SIGNALS,
      config: { send_batch_size: options.sendBatchSize ?? 8192, timeout: `${options.timeoutSeconds ?? 5}s` },
    });
  }

  /**
   * Adds the namespace, pod, deployment and node of the sender to its telemetry (needs read
   * access to pods, namespaces and replicasets, which the TelemetryCollector grants).
   */
  public static k8sAttributes(options: K8sAttributesOptions = {}): CollectorProcessor {
    const podLabels = options.podLabels ?? ['app.kubernetes.io/name', 'cnai.io/llm-service'];
    const nsLabels = options.namespaceLabels ?? ['cnai.io/team'];
    return new CollectorProcessor({
      type: 'k8s_attributes',
      signals: ALL_SIGNALS,
      needsKubernetesApi: true,
      config: {
        auth_type: 'serviceAccount',
        passthrough: false,
        extract: {
          metadata: ['k8s.namespace.name', 'k8s.pod.name', 'k8s.pod.uid', 'k8s.deployment.name', 'k8s.node.name', 'k8s.container.name'],
          labels: [
            ...podLabels.map((key) => ({ tag_name: key, key, from: 'pod' })),
            ...nsLabels.map((key) => ({ tag_name: key, key, from: 'namespace' })),
          ],
        },
        // The tracing env sets k8s.pod.ip; the connection address works for direct senders.
        pod_association: [
          { sources: [{ from: 'resource_attribute', name: 'k8s.pod.ip' }] },
          { sources: [{ from: 'resource_attribute', name: 'k8s.pod.uid' }] },
          { sources: [{ from: 'connection' }] },
        ],
      },
    });
  }

  /** Keeps only the metrics whose name starts with `prefix` (drops the rest). */
  public static keepMetricsWithPrefix(name: string, prefix: string): CollectorProcessor {
    if (!/^[A-Za-z_:][A-Za-z0-9_:.]*$/.test(prefix)) {
      throw invalidProp(`collector filter/${name}`, 'prefix', prefix, 'not a metric name prefix', 'use letters, digits, "_", ":" and "."');
    }
    const pattern = `^${prefix.replace(/\./g, '\\\\.')}`;
    return new CollectorProcessor({
      type: 'filter',
      name,
      signals: [TelemetrySignal.METRICS],
      config: { error_mode: 'ignore', metrics: { metric: [`not IsMatch(name, "${pattern}")`] } },
    });
  }

  private constructor(parts: CollectorComponentParts) {
    super(parts);
  }
}

/** Options of the OTLP exporters. */
export interface OtlpExporterOptions {
  /** Destination: `host:port` for gRPC, a URL for HTTP (e.g. `tempo-distributor.tracing:4317`). */
  readonly endpoint: string;
  /**
   * Send without TLS (an in-cluster backend without certificates).
   * @default false
   */
  readonly insecure?: boolean;
  /**
   * Signals to send.
   * @default - traces, metrics and logs
   */
  readonly signals?: TelemetrySignal[];
}

/** Options of the Prometheus remote write exporter. */
export interface PrometheusRemoteWriteOptions {
  /** Remote write URL (e.g. `https://aps-workspaces.us-west-2.amazonaws.com/workspaces/ws-.../api/v1/remote_write`). */
  readonly endpoint: string;
  /**
   * Sign requests with SigV4 for Amazon Managed Service for Prometheus, in this region
   * (credentials from the collector's EKS Pod Identity).
   * @default - no signing
   */
  readonly sigV4Region?: string;
}

/** Options of the AWS X-Ray exporter. */
export interface AwsXrayExporterOptions {
  /** AWS region. */
  readonly region: string;
}

/** Options of the CloudWatch embedded metric format exporter. */
export interface AwsEmfExporterOptions {
  /** AWS region. */
  readonly region: string;
  /**
   * CloudWatch metric namespace.
   * @default "CNAI/Platform"
   */
  readonly namespace?: string;
  /**
   * Log group the EMF records are written to.
   * @default "/cnai/metrics"
   */
  readonly logGroupName?: string;
}

/** Options of the Prometheus exporter (the collector serves metrics for Prometheus to scrape). */
export interface PrometheusExporterOptions {
  /** Port. */
  readonly port: number;
  /**
   * How long a series that stops being updated is still served, in seconds (longer than the
   * interval of its producer, e.g. a scheduled job).
   * @default 300
   */
  readonly metricExpirationSeconds?: number;
}

/** Options of the S3 exporter. */
export interface AwsS3ExporterOptions {
  /** Bucket. */
  readonly bucket: string;
  /** Key prefix (no leading or trailing `/`). */
  readonly prefix: string;
  /** AWS region. */
  readonly region: string;
  /**
   * Partition format of the keys below the prefix (strftime).
   * @default "year=%Y/month=%m/day=%d/hour=%H"
   */
  readonly partitionFormat?: string;
  /**
   * Signals to write.
   * @default [TelemetrySignal.LOGS]
   */
  readonly signals?: TelemetrySignal[];
}

/** Where telemetry leaves the collector. */
export class CollectorExporter extends CollectorComponent {
  /** OTLP/gRPC to a tracing backend or another collector (Tempo, Jaeger, a vendor). */
  public static otlp(name: string, options: OtlpExporterOptions): CollectorExporter {
    return new CollectorExporter({
      type: 'otlp_grpc',
      name,
      signals: options.signals ?? ALL_SIGNALS,
      config: { endpoint: options.endpoint, tls: { insecure: options.insecure ?? false } },
    });
  }

  /** OTLP/HTTP. */
  public static otlpHttp(name: string, options: OtlpExporterOptions): CollectorExporter {
    return new CollectorExporter({
      type: 'otlp_http',
      name,
      signals: options.signals ?? ALL_SIGNALS,
      config: { endpoint: options.endpoint, tls: { insecure: options.insecure ?? false } },
    });
  }

  /** Prometheus remote write (e.g. Amazon Managed Service for Prometheus with SigV4). */
  public static prometheusRemoteWrite(name: string, options: PrometheusRemoteWriteOptions): CollectorExporter {
    const extensions = options.sigV4Region ? [CollectorExtension.sigV4Auth(name, options.sigV4Region, 'aps')] : [];
    const config: { [key: string]: any } = { endpoint: options.endpoint, resource_to_telemetry_conversion: { enabled: true } };
    if (extensions.length > 0) config.auth = { authenticator: extensions[0].id };
    return new CollectorExporter({
      type: 'prometheus_remote_write',
      name,
      signals: [TelemetrySignal.METRICS],
      config,
      extensions,
      needsAwsCredentials: extensions.length > 0,
    });
  }

  /** AWS X-Ray (traces), with the collector's AWS workload identity. */
  public static awsXray(options: AwsXrayExporterOptions): CollectorExporter {
    return new CollectorExporter({
      type: 'awsxray',
      signals: [TelemetrySignal.TRACES],
      config: { region: options.region, indexed_attributes: ['gen_ai.request.model', 'gen_ai.system', 'k8s.namespace.name'] },
      needsAwsCredentials: true,
    });
  }

  /** CloudWatch metrics in embedded metric format, with the collector's AWS workload identity. */
  public static awsEmf(options: AwsEmfExporterOptions): CollectorExporter {
    return new CollectorExporter({
      type: 'awsemf',
      signals: [TelemetrySignal.METRICS],
      config: {
        region: options.region,
        namespace: options.namespace ?? 'CNAI/Platform',
        log_group_name: options.logGroupName ?? '/cnai/metrics',
        dimension_rollup_option: 'NoDimensionRollup',
        resource_to_telemetry_conversion: { enabled: true },
      },
      needsAwsCredentials: true,
    });
  }

  /** Serves received metrics on a port for Prometheus to scrape. */
  public static prometheus(name: string, options: PrometheusExporterOptions): CollectorExporter {
    const id = componentId('prometheus', name);
    const port = checkPort(`collector ${id}`, 'port', options.port);
    const expiration = options.metricExpirationSeconds ?? 300;
    if (!Number.isInteger(expiration) || expiration < 1) {
      throw invalidProp(`collector ${id}`, 'metricExpirationSeconds', expiration, 'not a positive number of seconds', 'give a whole number of seconds');
    }
    return new CollectorExporter({
      type: 'prometheus',
      name,
      signals: [TelemetrySignal.METRICS],
      config: { endpoint: `0.0.0.0:${port}`, metric_expiration: `${expiration}s`, resource_to_telemetry_conversion: { enabled: false } },
      ports: [{ name: portName(`prom-${name}`), port, ingest: false }],
    });
  }

  /** Objects in S3, partitioned by time (e.g. model payload logs for drift detection). */
  public static awsS3(name: string, options: AwsS3ExporterOptions): CollectorExporter {
    if (/^\/|\/$/.test(options.prefix) || options.prefix.length === 0) {
      throw invalidProp(`collector awss3/${name}`, 'prefix', options.prefix, 'an empty prefix or one with a leading or trailing "/"', 'give a prefix such as "payloads/team-a/chat"');
    }
    return new CollectorExporter({
      type: 'awss3',
      name,
      signals: options.signals ?? [TelemetrySignal.LOGS],
      config: {
        s3uploader: {
          region: options.region,
          s3_bucket: options.bucket,
          s3_prefix: options.prefix,
          s3_partition_format: options.partitionFormat ?? 'year=%Y/month=%m/day=%d/hour=%H',
          compression: 'gzip',
        },
        marshaler: 'otlp_json',
      },
      needsAwsCredentials: true,
    });
  }

  /** Writes telemetry to the collector's log (troubleshooting only). */
  public static debug(name?: string): CollectorExporter {
    return new CollectorExporter({ type: 'debug', name, signals: ALL_SIGNALS, config: { verbosity: 'basic' } });
  }

  private constructor(parts: CollectorComponentParts) {
    super(parts);
  }
}

/** Collector extensions (health check, authenticators). */
export class CollectorExtension extends CollectorComponent {
  /** The health endpoint the kubelet probes. */
  public static healthCheck(port: number = 13133): CollectorExtension {
    return new CollectorExtension({
      type: 'health_check',
      signals: [],
      config: { endpoint: `0.0.0.0:${checkPort('collector health_check', 'port', port)}` },
      ports: [{ name: 'health', port, ingest: false }],
    });
  }

  /** SigV4 request signing with the collector's AWS credentials. */
  public static sigV4Auth(name: string, region: string, service: string): CollectorExtension {
    return new CollectorExtension({ type: 'sigv4auth', name, signals: [], config: { region, service }, needsAwsCredentials: true });
  }

  private constructor(parts: CollectorComponentParts) {
    super(parts);
  }
}
