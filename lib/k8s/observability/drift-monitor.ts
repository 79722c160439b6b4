import { ApiObject, Duration, JsonPatch, Lazy } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { CollectorExporter, CollectorProcessor, CollectorReceiver, TelemetrySignal } from './collector-components';
import { CollectorPipeline } from './collector-config';
import { DRIFT_FETCH_SCRIPT, DRIFT_PYTHON_PROGRAM } from './drift-job-script';
import { MetricsScraping } from './metrics-scraping';
import { AlertSeverity, AlertRule, promDuration, renderGroups } from './platform-alerts';
import { assertKnownMetrics } from './promql';
import { CollectorDeploymentMethod, TelemetryCollector } from './telemetry-collector';
import { selectorIn } from './tracing';
import { WorkloadIdentityContract } from '../../core/contract';
import { invalidProp } from '../../core/errors';
import { DRIFT_METRICS } from '../../core/metrics';
import { NAME_RULES, assertName, shorten } from '../../core/names';
import { DATA_SERVICE_IMAGES, OBSERVABILITY_IMAGES, imageRef } from '../../core/versions';
import { PrometheusRule } from '../../imports/monitoring.coreos.com';
import { dnsEgress, httpsEgress, podIdentityEgress, tcpPorts } from '../common/egress';
import { MetricsComponent, MetricsEndpoint } from '../common/metrics-endpoint';
import { IMetricsBackend, InstallPhase, KubePrometheusStack, syncWaveOf } from '../operators';
import { SYNC_WAVE_ANNOTATION, restrictedContainerSecurityContext, restrictedPodSecurityContext } from '../pod-security';
import { WorkloadSelector } from '../workload-selector';

/** The statistical test that compares the two windows. */
export enum DriftTest {
  /** Population stability index over 10 quantile bins of the reference (numeric features). Rule of thumb: < 0.1 stable, > 0.2 shifted. */
  PSI = 'psi',
  /** Two-sample Kolmogorov-Smirnov statistic D, the largest gap between the two CDFs, 0 to 1 (numeric features). */
  KOLMOGOROV_SMIRNOV = 'ks',
  /** Cosine distance between the mean embedding of each window, 0 to 2 (embeddings). */
  MEAN_COSINE_DISTANCE = 'mean_cosine_distance',
  /** Squared maximum mean discrepancy with an RBF kernel (median bandwidth) on a sample of each window (embeddings). */
  MMD = 'mmd',
}

/** What a feature is. */
export enum DriftFeatureKind {
  /** A number per payload (token counts, lengths, scores). */
  NUMERIC = 'numeric',
  /** An embedding vector per item. */
  EMBEDDING = 'embedding',
}

/** Which payload a feature is read from. */
export enum PayloadSide {
  /** The request sent to the model. */
  REQUEST = 'request',
  /** The model's response. */
  RESPONSE = 'response',
}

/** A feature of the payloads whose distribution is compared. */
export class DriftFeature {
  /** Prompt tokens of an OpenAI-compatible completion (`usage.prompt_tokens` of the response). */
  public static readonly PROMPT_TOKENS = DriftFeature.number('prompt_tokens', 'usage.prompt_tokens');
  /** Completion tokens of an OpenAI-compatible completion (`usage.completion_tokens` of the response). */
  public static readonly COMPLETION_TOKENS = DriftFeature.number('completion_tokens', 'usage.completion_tokens');
  /** Embeddings returned by an OpenAI-compatible embeddings API (`data[*].embedding` of the response). */
  public static readonly RESPONSE_EMBEDDINGS = DriftFeature.embedding('embedding', 'data[*].embedding');

  /**
   * Numbers at a path of the payload.
   * @param name feature name (the `feature` label)
   * @param path dotted path, `[*]` for every item of a list (e.g. `usage.prompt_tokens`, `instances[*][0]`)
   * @param side request or response
   */
  public static number(name: string, path: string, side: PayloadSide = PayloadSide.RESPONSE): DriftFeature {
    return new DriftFeature(name, path, side, DriftFeatureKind.NUMERIC, 'value');
  }

  /** Lengths (characters of a string, items of a list) at a path, e.g. `messages[*].content` of the request. */
  public static lengthOf(name: string, path: string, side: PayloadSide = PayloadSide.REQUEST): DriftFeature {
    return new DriftFeature(name, path, side, DriftFeatureKind.NUMERIC, 'length');
  }

  /** Embedding vectors at a path. */
  public static embedding(name: string, path: string, side: PayloadSide = PayloadSide.RESPONSE): DriftFeature {
    return new DriftFeature(name, path, side, DriftFeatureKind.EMBEDDING, 'value');
  }

  private constructor(
    /** Feature name. */
    public readonly name: string,
    /** Path in the payload. */
    public readonly path: string,
    /** Request or response. */
    public readonly side: PayloadSide,
    /** Numeric or embedding. */
    public readonly kind: DriftFeatureKind,
    /** Value or length. */
    public readonly transform: string,
  ) {
    if (!/^[a-z][a-z0-9_]*$/.test(name)) {
      throw invalidProp(`DriftFeature(${name})`, 'name', name, 'not a feature name', 'use lowercase letters, digits and "_"');
    }
    if (!/^[A-Za-z0-9_-]+(\[\*\])*(\.[A-Za-z0-9_-]+(\[\*\])*)*$/.test(path)) {
      throw invalidProp(`DriftFeature(${name})`, 'path', path, 'not a payload path', 'use dotted keys with [*] for lists, e.g. "data[*].embedding"');
    }
  }
}

/** The window the recent payloads are compared with. */
export class DriftReference {
  /**
   * The window of the same length that ended `offset` ago (e.g. the same hours a week earlier).
   * @param offset how far back (whole hours)
   */
  public static trailingWindow(offset: Duration): DriftReference {
    return new DriftReference('trailing', offset, undefined);
  }

  /**
   * A fixed reference set: payload logs (or JSON lines of payloads) under an S3 prefix, e.g.
   * a copy of a known-good week or the evaluation set the model was validated on.
   * @param s3Uri `s3://bucket/prefix`
   */
  public static fixed(s3Uri: string): DriftReference {
    if (!/^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/[^\s]*[^/\s])?$/.test(s3Uri)) {
      throw invalidProp('DriftReference', 's3Uri', s3Uri, 'not an S3 URI', 'give s3://<bucket>/<prefix> without a trailing "/"');
    }
    return new DriftReference('fixed', undefined, s3Uri);
  }

  private constructor(
    /** `trailing` or `fixed`. */
    public readonly mode: string,
    /** Offset of a trailing window. */
    public readonly offset?: Duration,
    /** URI of a fixed set. */
    public readonly s3Uri?: string,
  ) {}
}

/** The served model whose payloads are logged, and how logging is attached to it. */
export class PayloadSource {
  /**
   * A KServe InferenceService (its predictor's logger is pointed at the collector). Pass the
   * InferenceService API object, or an LlmService with the KServe backend.
   */
  public static kserve(model: Construct): PayloadSource {
    const m = model as any;
    const isvc: unknown = m instanceof ApiObject ? m : m?.kserve?.inferenceService;
    if (!(isvc instanceof ApiObject) || isvc.kind !== 'InferenceService') {
      throw invalidProp(model.node.path, 'source', model.node.path, 'not a KServe InferenceService (an LlmService with the vLLM backend has no payload logger)',
        'serve the model with backend: ServedModelBackend.KSERVE, or use PayloadSource.external() with drift.payloadLoggerSidecar()');
    }
    const namespace = isvc.metadata.namespace;
    if (!namespace) throw invalidProp(model.node.path, 'source.metadata.namespace', undefined, 'the InferenceService has no namespace', 'set its namespace');
    return new PayloadSource(isvc.name, namespace, { 'serving.kserve.io/inferenceservice': isvc.name }, (url) => {
      isvc.addJsonPatch(JsonPatch.add('/spec/predictor/logger', { mode: 'all', url }));
    });
  }

  /**
   * A model server that posts its payloads itself (e.g. with the sidecar from
   * {@link DriftMonitor.payloadLoggerSidecar}) as CloudEvents to {@link DriftMonitor.payloadLogUrl}.
   * @param name model name (the `model` label)
   * @param senders the pods that post payloads
   */
  public static external(name: string, senders: WorkloadSelector): PayloadSource {
    return new PayloadSource(name, senders.namespace, senders.podLabels, undefined, senders);
  }

  private constructor(
    /** Model name. */
    public readonly modelName: string,
    /** Namespace of the model. */
    public readonly namespace: string,
    /** Labels of the pods that post payloads. */
    public readonly senderLabels: { [key: string]: string },
    private readonly attachLogger?: (url: string) => void,
    private readonly selector?: WorkloadSelector,
  ) {}

  /** @internal */
  public _attach(url: string): void {
    this.attachLogger?.(url);
  }

  /** @internal */
  public _senders(scope: Construct): WorkloadSelector {
    return this.selector ?? selectorIn(scope, this.namespace, this.senderLabels);
  }
}

/** Props of {@link DriftMonitor}. */
export interface DriftMonitorProps {
  /** The served model and how its payloads are logged. */
  readonly source: PayloadSource;
  /** The collector that receives the payloads (written to S3) and exposes the drift metrics. Must run as a plain Deployment. */
  readonly collector: TelemetryCollector;
  /** Scrapes the drift metrics (the one place monitors are made). */
  readonly scraping: MetricsScraping;
  /** Bucket the payload logs are written to (e.g. the platform's datasets bucket). */
  readonly bucket: string;
  /** AWS region of the bucket. */
  readonly region: string;
  /** The features compared. */
  readonly features: DriftFeature[];
  /**
   * The statistical test.
   * @default - DriftTest.PSI for numeric features, DriftTest.MEAN_COSINE_DISTANCE for embeddings
   */
  readonly test?: DriftTest;
  /**
   * Score above which drift is reported.
   * @default - 0.2 for PSI, 0.1 for KS, 0.05 for mean cosine distance, 0.05 for MMD
   */
  readonly threshold?: number;
  /**
   * Length of the recent window (whole hours; at least the interval, so no payload goes unexamined).
   * @default Duration.hours(24)
   */
  readonly window?: Duration;
  /**
   * How often the job runs (whole hours dividing a day, or whole days).
   * @default Duration.hours(6)
   */
  readonly interval?: Duration;
  /**
   * The reference.
   * @default DriftReference.trailingWindow(Duration.days(7))
   */
  readonly reference?: DriftReference;
  /**
   * Key prefix of the payload logs in the bucket.
   * @default "payloads/<namespace>/<model>"
   */
  readonly prefix?: string;
  /**
   * Fewest samples in each window for a score (fewer: no score that run).
   * @default 100
   */
  readonly minSamples?: number;
  /**
   * The identity the job reads S3 with (EKS Pod Identity; its namespace must be the collector's).
   * @default - the collector's identity (its role must allow reading the payload prefix)
   */
  readonly jobIdentity?: WorkloadIdentityContract;
  /**
   * The metrics backend that evaluates the drift alerts (their PrometheusRule goes to its rule namespace).
   * @default KubePrometheusStack.platformDefault() (namespace "monitoring")
   */
  readonly metricsBackend?: IMetricsBackend;
  /**
   * Extra labels on the PrometheusRule.
   * @default - none
   */
  readonly ruleLabels?: { [key: string]: string };
}

const DEFAULT_THRESHOLDS: { [test: string]: number } = {
  [DriftTest.PSI]: 0.2,
  [DriftTest.KOLMOGOROV_SMIRNOV]: 0.1,
  [DriftTest.MEAN_COSINE_DISTANCE]: 0.05,
  [DriftTest.MMD]: 0.05,
};
const THRESHOLD_RANGES: { [test: string]: [number, number] } = {
  [DriftTest.PSI]: [0, Infinity],
  [DriftTest.KOLMOGOROV_SMIRNOV]: [0, 1],
  [DriftTest.MEAN_COSINE_DISTANCE]: [0, 2],
  [DriftTest.MMD]: [0, Infinity],
};
const EMBEDDING_TESTS = [DriftTest.MEAN_COSINE_DISTANCE, DriftTest.MMD];
const DRIFT_METRICS_PORT = 8889;
const PAYLOAD_BASE_PORT = 8088;
const PARTITION = 'year=%Y/month=%m/day=%d/hour=%H';

/**
 * Watches a served model for drift. The serving layer logs request and response payloads
 * (KServe's logger, or a logger sidecar) to the platform's collector, which writes them to
 * S3 in hourly partitions; a CronJob compares the recent window with a reference window using
 * the statistical test of the props, and pushes the score to the collector, whose Prometheus
 * exporter Prometheus scrapes. An alert fires when the score crosses the threshold, and when
 * the job stops reporting.
 *
 * Payloads hold user data: the bucket's encryption and retention apply to them, and only this
 * monitor's job and the collector have access to the prefix.
 */
export class DriftMonitor extends Construct {
  /** Model name. */
  public readonly modelName: string;
  /** Namespace of the model. */
  public readonly modelNamespace: string;
  /** The test. */
  public readonly test: DriftTest;
  /** The threshold. */
  public readonly threshold: number;
  /** The recent window. */
  public readonly window: Duration;
  /** The schedule interval. */
  public readonly interval: Duration;
  /** The cron schedule of the job. */
  public readonly schedule: string;
  /** The reference. */
  public readonly reference: DriftReference;
  /** Key prefix of the payload logs. */
  public readonly prefix: string;
  /** URL payloads are posted to (CloudEvents over HTTP). */
  public readonly payloadLogUrl: string;
  /** The drift alerts. */
  public readonly rules: AlertRule[];
  /** The CronJob. */
  public readonly cronJob: k8s.KubeCronJob;
  /** The PrometheusRule. */
  public readonly prometheusRule: PrometheusRule;
  /** The job's NetworkPolicy (nothing in; DNS, AWS and the collector out). */
  public readonly networkPolicy: k8s.KubeNetworkPolicy;

  constructor(scope: Construct, id: string, props: DriftMonitorProps) {
    super(scope, id);
    const where = this.node.path;
    const collector = props.collector;
    if (collector.deploymentMethod !== CollectorDeploymentMethod.DEPLOYMENT) {
      throw invalidProp(where, 'collector', collector.node.path, 'the collector is run by the OpenTelemetry operator, which names the ports of the payload receiver itself',
        'use a TelemetryCollector with deploymentMethod DEPLOYMENT (the default) for payload logs');
    }
    const backend = props.metricsBackend ?? KubePrometheusStack.platformDefault();
    this.modelName = assertName(where, 'source.modelName', props.source.modelName, NAME_RULES.dns1123Label);
    this.modelNamespace = props.source.namespace;
    if (props.features.length === 0) {
      throw invalidProp(where, 'features', [], 'nothing to compare', 'give at least one feature, e.g. DriftFeature.PROMPT_TOKENS');
    }
    const names = new Set<string>();
    for (const f of props.features) {
      if (names.has(f.name)) throw invalidProp(where, 'features', f.name, 'two features have this name', 'give each feature its own name');
      names.add(f.name);
    }
    const kinds = new Set(props.features.map((f) => f.kind));
    const embeddings = kinds.has(DriftFeatureKind.EMBEDDING);
    this.test = props.test ?? (embeddings ? DriftTest.MEAN_COSINE_DISTANCE : DriftTest.PSI);
    if (kinds.size > 1 || EMBEDDING_TESTS.includes(this.test) !== embeddings) {
      throw invalidProp(where, 'test', this.test, `${this.test} does not apply to ${[...kinds].join(' and ')} features`,
        'use PSI or KOLMOGOROV_SMIRNOV for numeric features and MEAN_COSINE_DISTANCE or MMD for embeddings, in separate monitors');
    }
    this.threshold = props.threshold ?? DEFAULT_THRESHOLDS[this.test];
    const [lo, hi] = THRESHOLD_RANGES[this.test];
    if (!(this.threshold > lo && this.threshold <= hi)) {
      throw invalidProp(where, 'threshold', props.threshold, `a ${this.test} score lies in (${lo}, ${hi === Infinity ? '∞' : hi}]`,
        `give a threshold in that range (default ${DEFAULT_THRESHOLDS[this.test]})`);
    }

    this.interval = props.interval ?? Duration.hours(6);
    this.window = props.window ?? Duration.hours(24);
    this.schedule = cronOf(where, this.interval, this.modelName);
    const windowHours = wholeHours(where, 'window', this.window);
    if (this.window.toSeconds() < this.interval.toSeconds()) {
      throw invalidProp(where, 'window', `${windowHours}h`, `the window is shorter than the ${promDuration(this.interval)} interval, so payloads between runs would never be examined`,
        `make the window at least ${promDuration(this.interval)}, or run the job more often`);
    }
    this.reference = props.reference ?? DriftReference.trailingWindow(Duration.days(7));
    let offsetHours = 0;
    if (this.reference.mode === 'trailing') {
      offsetHours = wholeHours(where, 'reference.offset', this.reference.offset!);
      if (offsetHours < windowHours) {
        throw invalidProp(where, 'reference.offset', `${offsetHours}h`, 'the reference window overlaps the recent window', `give an offset of at least the window (${windowHours}h)`);
      }
    }
    const minSamples = props.minSamples ?? 100;
    if (!Number.isInteger(minSamples) || minSamples < 10) {
      throw invalidProp(where, 'minSamples', minSamples, 'too few samples make any score noise', 'give at least 10 (default 100)');
    }
    if (props.jobIdentity && props.jobIdentity.namespace !== collector.namespace) {
      throw invalidProp(where, 'jobIdentity.namespace', props.jobIdentity.namespace, `the job runs in the collector's namespace ${collector.namespace}`,
        'declare the job\'s workload identity for the collector\'s namespace');
    }
    this.prefix = props.prefix ?? `payloads/${this.modelNamespace}/${this.modelName}`;

    // 1. Payload logs: a webhook receiver of this model's CloudEvents -> S3, in a pipeline of its own.
    const receiver = CollectorReceiver.webhookEvent({
      name: shorten(`${this.modelNamespace}-${this.modelName}`, 40),
      port: this.freePort(collector),
      path: '/events',
      headerAttributeRegex: '^Ce-',
    });
    const s3 = CollectorExporter.awsS3(receiver.id.split('/')[1], { bucket: props.bucket, prefix: this.prefix, region: props.region, partitionFormat: PARTITION });
    collector.addReceiver(receiver);
    collector.addExporter(s3);
    const limiter = collector.findComponent('memory_limiter') as CollectorProcessor | undefined ?? CollectorProcessor.memoryLimiter();
    const batch = collector.findComponent('batch') as CollectorProcessor | undefined ?? CollectorProcessor.batch();
    if (!collector.findComponent(limiter.id)) collector.addProcessor(limiter);
    if (!collector.findComponent(batch.id)) collector.addProcessor(batch);
    collector.addPipeline(new CollectorPipeline({ signal: TelemetrySignal.LOGS, name: receiver.id.split('/')[1], receivers: [receiver], processors: [limiter, batch], exporters: [s3] }));
    this.payloadLogUrl = collector.urlOf(receiver, '/events');
    props.source._attach(this.payloadLogUrl);
    collector.allowFrom(props.source._senders(this));

    // 2. Drift metrics: OTLP from the job -> only cnai_model_drift_* -> a Prometheus exporter (shared by the monitors of this collector).
    const exporter = this.driftExporter(collector, props.scraping, limiter, batch);
    // A series is kept for two intervals of the slowest monitor, so a gauge survives between runs.
    const expiration = Math.max(Number.parseInt(String(exporter.config.metric_expiration), 10) || 0, 2 * this.interval.toSeconds());
    exporter.config.metric_expiration = `${expiration}s`;

    // 3. The job.
    const jobLabels = { 'app.kubernetes.io/name': 'drift-monitor', 'app.kubernetes.io/instance': shorten(`${this.modelNamespace}-${this.modelName}`, 63) };
    collector.allowFrom(WorkloadSelector.inNamespace(collector.namespace, jobLabels));
    const wave = { [SYNC_WAVE_ANNOTATION]: String(syncWaveOf(InstallPhase.PLATFORM)) };
    const base = shorten(`drift-${this.modelNamespace}-${this.modelName}`, 52);
    const scripts = new k8s.KubeConfigMap(this, 'Scripts', {
      metadata: { name: base, namespace: collector.namespace, annotations: wave },
      data: { 'fetch.sh': DRIFT_FETCH_SCRIPT, 'drift.py': DRIFT_PYTHON_PROGRAM },
    });
    const features = props.features.map((f) => ({ name: f.name, path: f.path, side: f.side, kind: f.kind, transform: f.transform }));
    const small = { requests: { cpu: k8s.Quantity.fromString('100m'), memory: k8s.Quantity.fromString('256Mi') }, limits: { memory: k8s.Quantity.fromString('512Mi') } };
    const activeDeadline = Math.min(this.interval.toSeconds() - 60, 3 * 3600);
    this.cronJob = new k8s.KubeCronJob(this, 'Job', {
      metadata: { name: base, namespace: collector.namespace, labels: jobLabels, annotations: wave },
      spec: {
        schedule: this.schedule,
        concurrencyPolicy: 'Forbid',
        startingDeadlineSeconds: 600,
        successfulJobsHistoryLimit: 3,
        failedJobsHistoryLimit: 3,
        jobTemplate: {
          metadata: { labels: jobLabels },
          spec: {
            backoffLimit: 1,
            activeDeadlineSeconds: activeDeadline,
            ttlSecondsAfterFinished: 24 * 3600,
            template: {
              metadata: { labels: jobLabels },
              spec: {
                restartPolicy: 'Never',
                serviceAccountName: props.jobIdentity?.serviceAccount ?? collector.serviceAccountName,
                automountServiceAccountToken: false,
                securityContext: restrictedPodSecurityContext(),
                initContainers: [{
                  name: 'fetch-payloads',
                  image: imageRef(DATA_SERVICE_IMAGES.awsCli),
                  command: ['/bin/bash', '/scripts/fetch.sh'],
                  env: [
                    { name: 'HOME', value: '/tmp' },
                    { name: 'AWS_REGION', value: props.region },
                    { name: 'BUCKET', value: props.bucket },
                    { name: 'PREFIX', value: this.prefix },
                    { name: 'PARTITION', value: PARTITION },
                    { name: 'WINDOW_HOURS', value: String(windowHours) },
                    { name: 'REFERENCE_MODE', value: this.reference.mode },
                    { name: 'REFERENCE_OFFSET_HOURS', value: String(offsetHours) },
                    { name: 'REFERENCE_URI', value: this.reference.s3Uri ?? '' },
                  ],
                  securityContext: restrictedContainerSecurityContext(),
                  resources: small,
                  volumeMounts: [{ name: 'scripts', mountPath: '/scripts', readOnly: true }, { name: 'data', mountPath: '/data' }, { name: 'tmp', mountPath: '/tmp' }],
                }],
                containers: [{
                  name: 'drift',
                  image: imageRef(OBSERVABILITY_IMAGES.python),
                  command: ['python', '/scripts/drift.py'],
                  env: [
                    { name: 'PYTHONDONTWRITEBYTECODE', value: '1' },
                    { name: 'MODEL', value: this.modelName },
                    { name: 'MODEL_NAMESPACE', value: this.modelNamespace },
                    { name: 'DRIFT_TEST', value: this.test },
                    { name: 'FEATURES', value: JSON.stringify(features) },
                    { name: 'MIN_SAMPLES', value: String(minSamples) },
                    { name: 'OTEL_EXPORTER_OTLP_ENDPOINT', value: collector.otlpHttpEndpoint },
                  ],
                  securityContext: restrictedContainerSecurityContext(),
                  resources: { requests: { cpu: k8s.Quantity.fromString('500m'), memory: k8s.Quantity.fromString('1Gi') }, limits: { memory: k8s.Quantity.fromString('2Gi') } },
                  volumeMounts: [{ name: 'scripts', mountPath: '/scripts', readOnly: true }, { name: 'data', mountPath: '/data', readOnly: true }],
                }],
                volumes: [
                  { name: 'scripts', configMap: { name: scripts.name } },
                  { name: 'data', emptyDir: { sizeLimit: k8s.Quantity.fromString('4Gi') } },
                  { name: 'tmp', emptyDir: { sizeLimit: k8s.Quantity.fromString('256Mi') } },
                ],
              },
            },
          },
        },
      },
    });

    // The job's way out (its namespace denies everything else): DNS, its AWS credentials and
    // S3 over HTTPS, and OTLP to the collector (whose ingress admits the job, above).
    this.networkPolicy = new k8s.KubeNetworkPolicy(this, 'NetworkPolicy', {
      metadata: { name: base, namespace: collector.namespace, labels: jobLabels, annotations: wave },
      spec: {
        podSelector: { matchLabels: jobLabels },
        policyTypes: ['Ingress', 'Egress'],
        egress: [
          dnsEgress(),
          podIdentityEgress(),
          httpsEgress(),
          { to: [collector.workloads().toPeer()], ports: tcpPorts(...collector.otlpReceiver.ports.map((p) => p.port)) },
        ],
      },
    });

    // 4. Alerts: drift above the threshold, and a job that stopped reporting.
    const sel = `{model="${this.modelName}", model_namespace="${this.modelNamespace}"}`;
    const stale = 3 * this.interval.toSeconds();
    this.rules = [
      {
        alert: 'ModelDriftDetected',
        expr: `max by (model, model_namespace, feature, test) (${DRIFT_METRICS.score.name}${sel}) > ${this.threshold}`,
        severity: AlertSeverity.WARNING,
        summary: 'Model {{ $labels.model_namespace }}/{{ $labels.model }}: {{ $labels.feature }} drifted ({{ $labels.test }} = {{ $value | printf "%.3f" }})',
        description: `The ${this.test} score of the last ${promDuration(this.window)} against the reference is above ${this.threshold}: `
          + 'the traffic the model sees no longer looks like the reference. Compare the windows, then re-evaluate or retrain the model.',
      },
      {
        alert: 'ModelDriftCheckNotRunning',
        expr: `(time() - max by (model, model_namespace) (${DRIFT_METRICS.lastRun.name}${sel}) > ${stale}) or absent(${DRIFT_METRICS.lastRun.name}${sel})`,
        for: this.interval,
        severity: AlertSeverity.INFO,
        summary: `Drift of ${this.modelNamespace}/${this.modelName} has not been computed for ${promDuration(Duration.seconds(stale))}`,
        description: `The drift job ${collector.namespace}/${base} has not reported. Check its last Job's logs (too few payloads, S3 access, the collector).`,
      },
    ];
    this.rules.forEach((r) => assertKnownMetrics(where, `rules.${r.alert}.expr`, r.expr));
    this.prometheusRule = new PrometheusRule(this, 'Rules', {
      metadata: { name: base, namespace: backend.ruleNamespace, labels: { ...backend.monitorLabels, ...props.ruleLabels }, annotations: wave },
      spec: { groups: Lazy.any({ produce: () => renderGroups({ [`cnai.drift.${this.modelNamespace}.${this.modelName}`]: this.rules }) }) },
    });
  }

  /**
   * A KServe agent container that logs the payloads of a model server it fronts (for model
   * servers KServe does not manage). Add it to the pod and send clients to its port; it
   * forwards to `componentPort` on localhost.
   * @param componentPort the model server's port
   * @param port the port the logger listens on
   */
  public payloadLoggerSidecar(componentPort: number, port: number = 9081): k8s.Container {
    return {
      name: 'payload-logger',
      image: imageRef(OBSERVABILITY_IMAGES.kserveAgent),
      args: [
        `--port=${port}`,
        `--component-port=${componentPort}`,
        `--log-url=${this.payloadLogUrl}`,
        '--log-mode=all',
        `--inference-service=${this.modelName}`,
        `--namespace=${this.modelNamespace}`,
        '--component=predictor',
      ],
      // The agent requires a readiness probe description of the component it fronts.
      env: [{ name: 'SERVING_READINESS_PROBE', value: JSON.stringify({ tcpSocket: { port: componentPort }, timeoutSeconds: 1, periodSeconds: 10, failureThreshold: 3 }) }],
      ports: [{ name: 'logged-http', containerPort: port, protocol: 'TCP' }],
      securityContext: restrictedContainerSecurityContext(),
      resources: { requests: { cpu: k8s.Quantity.fromString('100m'), memory: k8s.Quantity.fromString('128Mi') }, limits: { memory: k8s.Quantity.fromString('1Gi') } },
    };
  }

  private freePort(collector: TelemetryCollector): number {
    const used = new Set(collectorPortsOf(collector));
    let port = PAYLOAD_BASE_PORT;
    while (used.has(port) || port === DRIFT_METRICS_PORT) port++;
    return port;
  }

  private driftExporter(
    collector: TelemetryCollector, scraping: MetricsScraping, limiter: CollectorProcessor, batch: CollectorProcessor): CollectorExporter {
    const existing = collector.findComponent('prometheus/drift');
    if (existing) return existing as CollectorExporter;
    const exporter = CollectorExporter.prometheus('drift', { port: DRIFT_METRICS_PORT, metricExpirationSeconds: 2 * this.interval.toSeconds() });
    const filter = CollectorProcessor.keepMetricsWithPrefix('drift', 'cnai_model_drift_');
    collector.addExporter(exporter);
    collector.addProcessor(filter);
    collector.addPipeline(new CollectorPipeline({
      signal: TelemetrySignal.METRICS, name: 'drift', receivers: [collector.otlpReceiver], processors: [limiter, filter, batch], exporters: [exporter],
    }));
    scraping.add(MetricsEndpoint.service({
      name: `${collector.name}-drift`,
      namespace: collector.namespace,
      selector: collector.podLabels,
      portName: exporter.ports[0].name,
      component: MetricsComponent.OTEL_COLLECTOR,
    }));
    return exporter;
  }
}

function collectorPortsOf(collector: TelemetryCollector): number[] {
  const config = collector.renderConfig();
  const ports: number[] = [];
  const scan = (o: any) => {
    if (!o || typeof o !== 'object') return;
    for (const [k, v] of Object.entries(o)) {
      if (k === 'endpoint' && typeof v === 'string') {
        const m = /:(\d+)$/.exec(v);
        if (m) ports.push(Number(m[1]));
      } else if (k === 'port' && typeof v === 'number') {
        ports.push(v);
      } else {scan(v);}
    }
  };
  scan(config.receivers);
  scan(config.exporters);
  scan(config.extensions);
  scan(config.service.telemetry);
  return ports;
}

function wholeHours(where: string, prop: string, d: Duration): number {
  const h = d.toSeconds() / 3600;
  if (!Number.isInteger(h) || h < 1) {
    throw invalidProp(where, prop, `${d.toSeconds()}s`, 'payload logs are partitioned by hour', 'give a whole number of hours (Duration.hours(n) or Duration.days(n))');
  }
  return h;
}

/** A cron schedule for an interval of whole hours dividing a day, or whole days; the minute spreads jobs. */
function cronOf(where: string, interval: Duration, seed: string): string {
  const s = interval.toSeconds();
  const minute = [...seed].reduce((a, c) => (a * 31 + c.charCodeAt(0)) % 60, 7);
  if (s % 86400 === 0 && s >= 86400) {
    const days = s / 86400;
    return days === 1 ? `${minute} 3 * * *` : `${minute} 3 */${days} * *`;
  }
  const h = s / 3600;
  if (Number.isInteger(h) && h >= 1 && 24 % h === 0) return h === 1 ? `${minute} * * * *` : `${minute} */${h} * * *`;
  throw invalidProp(where, 'interval', `${s}s`, 'a cron schedule cannot run at this interval', 'give whole hours that divide a day (1, 2, 3, 4, 6, 8, 12) or whole days');
}
