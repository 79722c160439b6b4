import { Duration } from 'cdk8s';
import { OPERATOR_NAMESPACES } from './default-namespaces';
import { AutoscalingQueryEndpoint, IMetricsBackend } from './metrics-backend';
import { InstallPhase, OperatorRelease, ReleaseSource } from './release';
import { PlatformContract } from '../../core/contract';
import { invalidProp } from '../../core/errors';
import { LLM_SERVICE_POD_LABEL } from '../../core/metrics';
import { ManagedPrometheusContract, METRICS_BACKEND } from '../../core/metrics-backend';
import { NAME_RULES, assertName } from '../../core/names';
import { ProvidedService, ProvidedWorkload, ReleaseProvides } from '../../core/release-provides';
import { OPERATOR_SOURCES } from '../../core/versions';
import { DEFAULT_ENCRYPTED_STORAGE_CLASS } from '../common/encrypted-storage-class';
import { PLATFORM_NAMESPACE_LABELS } from '../common/namespace-isolation';
import { PodSecurityLevel } from '../pod-security';
import { WorkloadSelector } from '../workload-selector';

/** Label the Grafana dashboard sidecar selects dashboard ConfigMaps by (value "1"). */
export const GRAFANA_DASHBOARD_LABEL = 'grafana_dashboard';
/** Annotation the Grafana dashboard sidecar reads a dashboard's folder from. */
export const GRAFANA_FOLDER_ANNOTATION = 'grafana_folder';

const RELEASE = 'kube-prometheus-stack';
// fullnameOverride: the chart names its objects `<fullname>-<component>`; fixing it keeps
// the Service names below true whatever the release is called.
const FULLNAME = 'kube-prometheus-stack';
const PROMETHEUS = `${FULLNAME}-prometheus`;
const ALERTMANAGER = `${FULLNAME}-alertmanager`;

/**
 * Names and ports of what the kube-prometheus-stack release creates, as chart 88.3.0 names
 * them with `fullnameOverride: kube-prometheus-stack` (templates named in {@link KubePrometheusStack.provides}).
 */
export const KUBE_PROMETHEUS_STACK = {
  /** Helm release (and Argo CD Application) name. */
  releaseName: RELEASE,
  /** Namespace of the release. */
  namespace: OPERATOR_NAMESPACES.monitoring,
  /** The Prometheus custom resource, its Service and (with the prefix `prometheus-`) its StatefulSet. */
  prometheus: PROMETHEUS,
  /** Prometheus' web and API port (container port `http-web`). */
  prometheusPort: 9090,
  /** The config reloader sidecar's metrics port (`reloader-web`) in Prometheus' and Alertmanager's pods. */
  reloaderPort: 8080,
  /** The Alertmanager custom resource and its Service. */
  alertmanager: ALERTMANAGER,
  /** Alertmanager's web and API port. */
  alertmanagerPort: 9093,
  /** Alertmanager's cluster (gossip) port, TCP and UDP. */
  alertmanagerMeshPort: 9094,
  /** The Secret Alertmanager reads its configuration from (`alertmanager-<name>`). */
  alertmanagerConfigSecret: `alertmanager-${ALERTMANAGER}`,
  /** Grafana's Service, port 80 to the pods' 3000. */
  grafana: `${RELEASE}-grafana`,
  grafanaServicePort: 80,
  grafanaPort: 3000,
  /** The Prometheus operator's Service and metrics port (plain HTTP: no admission webhook, so no serving certificate). */
  operator: `${FULLNAME}-operator`,
  operatorPort: 8080,
  /** kube-state-metrics' Service; 8080 serves the object metrics, 8081 its own. */
  kubeStateMetrics: `${RELEASE}-kube-state-metrics`,
  kubeStateMetricsPort: 8080,
  kubeStateMetricsTelemetryPort: 8081,
  /** Node exporter's Service; the pods use the node's network. */
  nodeExporter: `${RELEASE}-prometheus-node-exporter`,
  nodeExporterPort: 9100,
  /** The kubelet's port, scraped on every node (metrics, cAdvisor, probes). */
  kubeletPort: 10250,
};

const K = KUBE_PROMETHEUS_STACK;

/** Pod labels of each component (from the chart's templates, and for Prometheus and Alertmanager from operator v0.93.0). */
const POD_LABELS = {
  // pkg/prometheus/server/operator.go makeSelectorLabels, plus the shard of statefulset.go.
  prometheus: {
    'app.kubernetes.io/managed-by': 'prometheus-operator',
    'app.kubernetes.io/name': 'prometheus',
    'app.kubernetes.io/instance': PROMETHEUS,
    'operator.prometheus.io/name': PROMETHEUS,
    'operator.prometheus.io/shard': '0',
    'prometheus': PROMETHEUS,
  },
  // pkg/alertmanager/operator.go makeSelectorLabels.
  alertmanager: {
    'app.kubernetes.io/managed-by': 'prometheus-operator',
    'app.kubernetes.io/name': 'alertmanager',
    'app.kubernetes.io/instance': ALERTMANAGER,
    'alertmanager': ALERTMANAGER,
  },
  // grafana chart: grafana.selectorLabels.
  grafana: { 'app.kubernetes.io/name': 'grafana', 'app.kubernetes.io/instance': RELEASE },
  // kube-prometheus-stack.prometheus-operator.labels (the Deployment selects app and release).
  operator: {
    'app': `${RELEASE}-operator`,
    'release': RELEASE,
    'app.kubernetes.io/name': `${RELEASE}-prometheus-operator`,
    'app.kubernetes.io/component': 'prometheus-operator',
  },
  kubeStateMetrics: { 'app.kubernetes.io/name': 'kube-state-metrics', 'app.kubernetes.io/instance': RELEASE },
  nodeExporter: { 'app.kubernetes.io/name': 'prometheus-node-exporter', 'app.kubernetes.io/instance': RELEASE },
};

/** A key of a Secret in the monitoring namespace. */
export interface MonitoringSecretKey {
  /** Name of the Secret (in the release's namespace, `monitoring`). */
  readonly secretName: string;
  /** Key in the Secret. */
  readonly key: string;
}

/** How Alertmanager delivers alerts. */
export enum AlertReceiverKind {
  /** A webhook (Alertmanager's JSON payload) at a URL kept in a Secret. */
  WEBHOOK = 'webhook',
  /** A Slack incoming webhook kept in a Secret. */
  SLACK = 'slack',
  /** A whole Alertmanager configuration the user provides as a Secret. */
  CONFIG_SECRET = 'config-secret',
}

/** Options of {@link AlertReceiver.slack}. */
export interface SlackReceiverOptions {
  /**
   * Channel to post to (the webhook's own channel when not given).
   * @default - the incoming webhook's channel
   */
  readonly channel?: string;
}

/** Directory Alertmanager's pods mount the Secrets of `alertmanagerSpec.secrets` under. */
const ALERTMANAGER_SECRETS_DIR = '/etc/alertmanager/secrets';

/**
 * Where Alertmanager sends the platform's alerts (the receiver hook). Every alert except the
 * always-firing `Watchdog` goes to it; credentials stay in a Secret of the monitoring
 * namespace, which Alertmanager mounts and reads (`*_file` settings), so no URL or token is
 * in the output. Create the Secret yourself or with External Secrets.
 * @see https://prometheus.io/docs/alerting/latest/configuration/#receiver-integration-settings
 */
export class AlertReceiver {
  /**
   * Every alert posted as Alertmanager's webhook JSON to the URL in `url` (e.g. an incident
   * tool's inbound webhook). Alerts are sent again when they resolve.
   * @param url the Secret key holding the URL
   */
  public static webhook(url: MonitoringSecretKey): AlertReceiver {
    return new AlertReceiver(AlertReceiverKind.WEBHOOK, checkSecretKey('AlertReceiver.webhook', url), undefined);
  }

  /**
   * Every alert posted to Slack through the incoming webhook URL in `webhookUrl`.
   * @param webhookUrl the Secret key holding the incoming webhook URL
   */
  public static slack(webhookUrl: MonitoringSecretKey, options: SlackReceiverOptions = {}): AlertReceiver {
    if (options.channel !== undefined && !/^[#@]?[a-z0-9][a-z0-9._-]{0,79}$/.test(options.channel)) {
      throw invalidProp('AlertReceiver.slack', 'channel', options.channel, 'not a Slack channel name', 'give e.g. "#platform-alerts" (lowercase, up to 80 characters)');
    }
    return new AlertReceiver(AlertReceiverKind.SLACK, checkSecretKey('AlertReceiver.slack', webhookUrl), options.channel);
  }

  /**
   * A complete Alertmanager configuration (routes, receivers, inhibitions) that you keep in
   * the Secret `alertmanager-kube-prometheus-stack-alertmanager` of the monitoring namespace,
   * key `alertmanager.yaml`. The chart then writes no configuration of its own.
   */
  public static configSecret(): AlertReceiver {
    return new AlertReceiver(AlertReceiverKind.CONFIG_SECRET, { secretName: K.alertmanagerConfigSecret, key: 'alertmanager.yaml' }, undefined);
  }

  private constructor(
    /** How alerts are delivered. */
    public readonly kind: AlertReceiverKind,
    /** The Secret key Alertmanager reads (the URL, or the whole configuration). */
    public readonly secret: MonitoringSecretKey,
    /** Slack channel. */
    public readonly channel: string | undefined,
  ) {}

  /** The Alertmanager values of the chart for this receiver. */
  public alertmanagerValues(): { [key: string]: any } {
    if (this.kind === AlertReceiverKind.CONFIG_SECRET) {
      return { alertmanagerSpec: { useExistingSecret: true } };
    }
    const file = `${ALERTMANAGER_SECRETS_DIR}/${this.secret.secretName}/${this.secret.key}`;
    const receiver = this.kind === AlertReceiverKind.WEBHOOK
      ? { name: 'platform', webhook_configs: [{ url_file: file, send_resolved: true }] }
      : { name: 'platform', slack_configs: [{ api_url_file: file, send_resolved: true, ...(this.channel ? { channel: this.channel } : {}) }] };
    return {
      alertmanagerSpec: { secrets: [this.secret.secretName] },
      // Merged over the chart's configuration: its grouping and inhibition rules stay.
      config: {
        route: { receiver: 'platform', routes: [{ receiver: 'null', matchers: ['alertname = "Watchdog"'] }] },
        receivers: [{ name: 'null' }, receiver],
      },
    };
  }
}

function checkSecretKey(where: string, s: MonitoringSecretKey): MonitoringSecretKey {
  assertName(where, 'secretName', s.secretName, NAME_RULES.dns1123Subdomain, 'give the name of the Secret in the monitoring namespace, never the URL itself');
  if (typeof s.key !== 'string' || !/^[-._a-zA-Z0-9]{1,253}$/.test(s.key)) {
    throw invalidProp(where, 'key', s.key, 'not a Secret key', 'give the key that holds the value, e.g. "url"');
  }
  return { secretName: s.secretName, key: s.key };
}

/** CPU and memory of one component. */
export interface ComponentResources {
  /** CPU request, e.g. "500m". */
  readonly cpuRequest: string;
  /** Memory request, e.g. "2Gi". */
  readonly memoryRequest: string;
  /** Memory limit, e.g. "4Gi". */
  readonly memoryLimit: string;
}

/** Props of {@link KubePrometheusStack}. */
export interface KubePrometheusStackProps {
  /**
   * How long Prometheus keeps samples (whole minutes, at least 2 hours: one TSDB block).
   * @default Duration.days(15)
   */
  readonly retention?: Duration;
  /**
   * Size of Prometheus' volume, GiB.
   * @default 50
   */
  readonly storageGiB?: number;
  /**
   * Most GiB of samples (blocks, WAL included) Prometheus keeps before it deletes the oldest,
   * whatever their age: below the volume size, so compaction has room and the volume never fills.
   * @default - 80 % of storageGiB, rounded down
   */
  readonly retentionSizeGiB?: number;
  /**
   * StorageClass of Prometheus' and Alertmanager's volumes.
   * @default "cnai-gp3-encrypted-retain" (EncryptedStorageClass: encrypted gp3, kept when the claim is deleted)
   */
  readonly storageClassName?: string;
  /**
   * Prometheus replicas; each scrapes every target and keeps all data (2 for a Prometheus that survives a node loss).
   * @default 1
   */
  readonly prometheusReplicas?: number;
  /**
   * Prometheus' CPU and memory (memory grows with the number of series).
   * @default - 500m CPU and 2Gi requested, 4Gi memory limit
   */
  readonly prometheusResources?: ComponentResources;
  /**
   * Where Alertmanager sends alerts.
   * @default - nowhere: alerts are visible in Alertmanager and Grafana but not sent (the chart's "null" receiver)
   */
  readonly alertReceiver?: AlertReceiver;
  /**
   * Secret of the monitoring namespace with Grafana's admin user and password (keys
   * `admin-user` and `admin-password`), provided by the user or External Secrets. The chart's
   * own generated password is not used: it needs Helm's `lookup`, which Argo CD does not run,
   * so it would change on every render.
   * @default "grafana-admin"
   */
  readonly grafanaAdminSecret?: string;
  /**
   * Amazon Managed Service for Prometheus (the contract's `metrics.managedPrometheus`): Prometheus
   * keeps scraping, evaluating rules and answering Grafana, and also writes every sample to the
   * workspace, signed with SigV4. The credentials are those of its service account through EKS
   * Pod Identity: the AWS layer associates `monitoring/kube-prometheus-stack-prometheus` with a
   * role allowed `aps:RemoteWrite` on that workspace only.
   * @default - no remote write
   */
  readonly managedPrometheus?: ManagedPrometheusContract;
  /**
   * KEDA's prometheus scalers (the served models' autoscalers) query the managed workspace instead
   * of the in-cluster Prometheus, signed with the KEDA operator's own identity (a TriggerAuthentication
   * with `podIdentity.provider: aws`; the AWS layer allows that identity `aps:QueryMetrics` on the
   * workspace). Needs `managedPrometheus`.
   * @default false (KubePrometheusStack.fromContract: true when the contract has KEDA's identity)
   */
  readonly kedaQueriesManagedPrometheus?: boolean;
}

/** Prometheus' default CPU and memory. */
export const PROMETHEUS_RESOURCES: ComponentResources = { cpuRequest: '500m', memoryRequest: '2Gi', memoryLimit: '4Gi' };

/**
 * The platform's metrics backend in the cluster: the kube-prometheus-stack chart (the
 * Prometheus operator and its CRDs, a Prometheus with retention and an encrypted persistent
 * volume, Alertmanager with a receiver hook, Grafana with its dashboard sidecar, node
 * exporter and kube-state-metrics), installed first (foundation phase, so every later
 * release's ServiceMonitors find their CRDs), and the handle the platform's constructs take
 * ({@link IMetricsBackend}): Prometheus' URL and pods, and how monitors, rules and dashboards
 * are selected.
 *
 * Selection: Prometheus takes every ServiceMonitor, PodMonitor, Probe, ScrapeConfig and
 * PrometheusRule in the namespaces labelled `app.kubernetes.io/part-of: cnai-platform` (every
 * namespace the platform creates carries it), whatever the object's own labels. The platform
 * owns those namespaces, so it decides what is scraped, while upstream charts' monitors are
 * selected without a label value per chart (Kueue's chart has none). Grafana loads dashboard
 * ConfigMaps labelled `grafana_dashboard: "1"` in the monitoring namespace only, with RBAC
 * limited to that namespace (the chart's default reads ConfigMaps and Secrets cluster-wide).
 *
 * On EKS the control plane's controller manager, scheduler and etcd cannot be scraped and
 * kube-proxy's metrics listen on localhost, so their monitors and alerts are off. The
 * operator's admission webhook is off: the library parses every rule it writes at synth, the
 * operator rejects invalid rules when it loads them, and the API server would otherwise need
 * a way into the default-deny monitoring namespace.
 * @see https://github.com/prometheus-community/helm-charts/tree/kube-prometheus-stack-88.3.0/charts/kube-prometheus-stack
 */
export class KubePrometheusStack implements IMetricsBackend {
  /** The backend with default props (what OperatorCatalogue.platformDefaults() installs). */
  public static platformDefault(): KubePrometheusStack {
    return DEFAULT ?? (DEFAULT = new KubePrometheusStack());
  }

  /**
   * The backend a platform contract asks for: with the contract's managed Prometheus workspace,
   * Prometheus remote-writes there, and KEDA queries it when the contract lists the KEDA
   * operator's identity (`keda/keda-operator`) or `kedaQueriesManagedPrometheus` is set; without
   * one (and without props), the platform default.
   * @throws CnaiError when `kedaQueriesManagedPrometheus` is set but the contract has no workspace or no KEDA identity
   */
  public static fromContract(contract: PlatformContract, props: KubePrometheusStackProps = {}): KubePrometheusStack {
    const where = 'KubePrometheusStack.fromContract';
    const managedPrometheus = props.managedPrometheus ?? contract.metrics?.managedPrometheus;
    const M = METRICS_BACKEND;
    const kedaIdentity = contract.workloadIdentities.some((w) => w.namespace === M.kedaNamespace && w.serviceAccount === M.kedaServiceAccount);
    const fix = 'create the workspace in the AWS layer with kedaQueries on (the default) and take the contract from that stack, or set kedaQueriesManagedPrometheus: false to query the in-cluster Prometheus';
    if (props.kedaQueriesManagedPrometheus === true && !managedPrometheus) {
      throw invalidProp(where, 'kedaQueriesManagedPrometheus', true, 'the contract has no managed Prometheus workspace (metrics.managedPrometheus)', fix);
    }
    if (props.kedaQueriesManagedPrometheus === true && !kedaIdentity) {
      throw invalidProp(where, 'kedaQueriesManagedPrometheus', true,
        `the contract has no workload identity for ${M.kedaNamespace}/${M.kedaServiceAccount}: KEDA could not sign its queries, and the workspace refuses unsigned ones`, fix);
    }
    if (!managedPrometheus && Object.keys(props).length === 0) return KubePrometheusStack.platformDefault();
    return new KubePrometheusStack({
      ...props,
      managedPrometheus,
      kedaQueriesManagedPrometheus: props.kedaQueriesManagedPrometheus ?? (managedPrometheus !== undefined && kedaIdentity),
    });
  }

  /** What the release puts into the cluster that the platform's objects refer to, with the chart template of each. */
  public static provides(): ReleaseProvides {
    const ns = K.namespace;
    const tcp = (name: string, containerPort: number) => ({ name, containerPort });
    const workloads: ProvidedWorkload[] = [
      {
        name: `prometheus-${PROMETHEUS}`,
        podLabels: { ...POD_LABELS.prometheus },
        ports: [tcp('http-web', K.prometheusPort), tcp('reloader-web', K.reloaderPort)],
        serviceAccount: PROMETHEUS,
        // The operator turns the chart's Prometheus resource into this StatefulSet.
        template: 'templates/prometheus/prometheus.yaml',
      },
      {
        name: `alertmanager-${ALERTMANAGER}`,
        podLabels: { ...POD_LABELS.alertmanager },
        ports: [
          tcp('http-web', K.alertmanagerPort), tcp('mesh-tcp', K.alertmanagerMeshPort),
          { name: 'mesh-udp', containerPort: K.alertmanagerMeshPort, protocol: 'UDP' }, tcp('reloader-web', K.reloaderPort),
        ],
        serviceAccount: ALERTMANAGER,
        template: 'templates/alertmanager/alertmanager.yaml',
      },
      {
        name: K.grafana,
        podLabels: { ...POD_LABELS.grafana },
        ports: [tcp('grafana', K.grafanaPort), tcp('gossip-tcp', 9094), { name: 'gossip-udp', containerPort: 9094, protocol: 'UDP' }, tcp('profiling', 6060)],
        serviceAccount: K.grafana,
        template: 'charts/grafana/templates/deployment.yaml',
      },
      {
        name: K.operator,
        podLabels: { ...POD_LABELS.operator },
        ports: [tcp('http', K.operatorPort)],
        serviceAccount: K.operator,
        template: 'templates/prometheus-operator/deployment.yaml',
      },
      {
        name: K.kubeStateMetrics,
        podLabels: { ...POD_LABELS.kubeStateMetrics },
        ports: [tcp('http', K.kubeStateMetricsPort), tcp('metrics', K.kubeStateMetricsTelemetryPort)],
        serviceAccount: K.kubeStateMetrics,
        template: 'charts/kube-state-metrics/templates/deployment.yaml',
      },
      {
        name: K.nodeExporter,
        podLabels: { ...POD_LABELS.nodeExporter },
        ports: [tcp('http-metrics', K.nodeExporterPort)],
        serviceAccount: K.nodeExporter,
        hostNetwork: true,
        template: 'charts/prometheus-node-exporter/templates/daemonset.yaml',
      },
    ];
    const services: ProvidedService[] = [
      {
        name: PROMETHEUS,
        ports: [{ name: 'http-web', port: K.prometheusPort }, { name: 'reloader-web', port: K.reloaderPort }],
        selector: { 'app.kubernetes.io/name': 'prometheus', 'operator.prometheus.io/name': PROMETHEUS },
        template: 'templates/prometheus/service.yaml',
      },
      {
        name: ALERTMANAGER,
        ports: [{ name: 'http-web', port: K.alertmanagerPort }, { name: 'reloader-web', port: K.reloaderPort }],
        selector: { 'app.kubernetes.io/name': 'alertmanager', 'alertmanager': ALERTMANAGER },
        template: 'templates/alertmanager/service.yaml',
      },
      {
        name: K.grafana,
        ports: [{ name: 'http-web', port: K.grafanaServicePort, targetPort: K.grafanaPort }],
        selector: { ...POD_LABELS.grafana },
        template: 'charts/grafana/templates/service.yaml',
      },
      {
        name: K.operator,
        ports: [{ name: 'http', port: K.operatorPort }],
        selector: { app: POD_LABELS.operator.app, release: RELEASE },
        template: 'templates/prometheus-operator/service.yaml',
      },
      {
        name: K.kubeStateMetrics,
        ports: [{ name: 'http', port: K.kubeStateMetricsPort }],
        selector: { ...POD_LABELS.kubeStateMetrics },
        template: 'charts/kube-state-metrics/templates/service.yaml',
      },
      {
        name: K.nodeExporter,
        ports: [{ name: 'http-metrics', port: K.nodeExporterPort }],
        selector: { ...POD_LABELS.nodeExporter },
        template: 'charts/prometheus-node-exporter/templates/service.yaml',
      },
    ];
    return {
      customResources: [{
        group: 'monitoring.coreos.com',
        kinds: ['Alertmanager', 'AlertmanagerConfig', 'PodMonitor', 'Probe', 'Prometheus', 'PrometheusAgent', 'PrometheusRule', 'ScrapeConfig', 'ServiceMonitor', 'ThanosRuler'],
      }],
      services: services.map((x) => ({ ...x, namespace: ns })),
      workloads: workloads.map((w) => ({ ...w, namespace: ns })),
      objects: [
        { apiVersion: 'monitoring.coreos.com/v1', kind: 'Prometheus', name: PROMETHEUS, namespace: ns, template: 'templates/prometheus/prometheus.yaml' },
        { apiVersion: 'monitoring.coreos.com/v1', kind: 'Alertmanager', name: ALERTMANAGER, namespace: ns, template: 'templates/alertmanager/alertmanager.yaml' },
      ],
    };
  }

  public readonly backendName = 'kube-prometheus-stack';
  /** The release (an Argo CD Application of the operators chart). */
  public readonly release: OperatorRelease;
  /** Namespace of the release. */
  public readonly namespace: string;
  /** Retention time (a Prometheus duration). */
  public readonly retention: string;
  /** Volume size, GiB. */
  public readonly storageGiB: number;
  /** Retention size, GiB. */
  public readonly retentionSizeGiB: number;
  /** StorageClass of the volumes. */
  public readonly storageClassName: string;
  /** Prometheus replicas. */
  public readonly prometheusReplicas: number;
  /** The alert receiver, when set. */
  public readonly alertReceiver?: AlertReceiver;
  /** Name of the Secret with Grafana's admin credentials. */
  public readonly grafanaAdminSecret: string;
  /**
   * Name of Grafana's Deployment (the grafana chart's `grafana.fullname` for this release; a
   * Deployment since its data is not persisted: each start makes a new database, with the admin
   * password of the Secret).
   */
  public readonly grafanaDeploymentName: string = KUBE_PROMETHEUS_STACK.grafana;
  /** The managed Prometheus workspace Prometheus remote-writes to, when set. */
  public readonly managedPrometheus?: ManagedPrometheusContract;

  // IMetricsBackend
  public readonly queryUrl: string;
  public readonly queryServer: WorkloadSelector;
  public readonly queryPort = K.prometheusPort;
  public readonly autoscalingQuery?: AutoscalingQueryEndpoint;
  public readonly scraper: WorkloadSelector;
  public readonly monitorNamespaceLabels: { [key: string]: string } = { ...PLATFORM_NAMESPACE_LABELS };
  public readonly monitorLabels: { [key: string]: string } = {};
  public readonly ruleNamespace: string;
  public readonly dashboardNamespace: string;
  public readonly dashboardLabels: { [key: string]: string } = { [GRAFANA_DASHBOARD_LABEL]: '1' };

  /** Prometheus' pods. */
  public readonly prometheusPods: WorkloadSelector;
  /** Alertmanager's pods. */
  public readonly alertmanagerPods: WorkloadSelector;
  /** Grafana's pods. */
  public readonly grafanaPods: WorkloadSelector;
  /** The Prometheus operator's pods. */
  public readonly operatorPods: WorkloadSelector;
  /** kube-state-metrics' pods. */
  public readonly kubeStateMetricsPods: WorkloadSelector;

  constructor(props: KubePrometheusStackProps = {}) {
    const where = 'KubePrometheusStack';
    const ns = K.namespace;
    this.namespace = ns;
    this.retention = prometheusDuration(where, props.retention ?? Duration.days(15));
    this.storageGiB = props.storageGiB ?? 50;
    if (!Number.isInteger(this.storageGiB) || this.storageGiB < 10 || this.storageGiB > 16384) {
      throw invalidProp(where, 'storageGiB', props.storageGiB, 'not a volume size from 10 to 16384 GiB', 'give whole GiB, e.g. 50');
    }
    this.retentionSizeGiB = props.retentionSizeGiB ?? Math.floor(this.storageGiB * 0.8);
    if (!Number.isInteger(this.retentionSizeGiB) || this.retentionSizeGiB < 1 || this.retentionSizeGiB >= this.storageGiB) {
      throw invalidProp(where, 'retentionSizeGiB', props.retentionSizeGiB, `must be a whole number of GiB below the volume size (${this.storageGiB} GiB)`,
        `give at most ${Math.floor(this.storageGiB * 0.8)} (80 % of the volume leaves room for compaction), or a larger storageGiB`);
    }
    this.storageClassName = assertName(where, 'storageClassName', props.storageClassName ?? DEFAULT_ENCRYPTED_STORAGE_CLASS, NAME_RULES.dns1123Subdomain);
    this.prometheusReplicas = props.prometheusReplicas ?? 1;
    if (!Number.isInteger(this.prometheusReplicas) || this.prometheusReplicas < 1 || this.prometheusReplicas > 3) {
      throw invalidProp(where, 'prometheusReplicas', props.prometheusReplicas, 'not 1 to 3 replicas', 'give 1, or 2 for a Prometheus that survives the loss of a node');
    }
    this.alertReceiver = props.alertReceiver;
    this.grafanaAdminSecret = assertName(where, 'grafanaAdminSecret', props.grafanaAdminSecret ?? 'grafana-admin', NAME_RULES.dns1123Subdomain,
      'give the name of a Secret of the monitoring namespace with admin-user and admin-password');
    const prometheusResources = props.prometheusResources ?? PROMETHEUS_RESOURCES;
    if (props.managedPrometheus) {
      const mp = props.managedPrometheus;
      for (const [prop, url] of [['remoteWriteUrl', mp.remoteWriteUrl], ['queryUrl', mp.queryUrl]]) {
        if (typeof url !== 'string' || !/^https:\/\/[^\s/]+\/\S*$/.test(url)) {
          throw invalidProp(where, `managedPrometheus.${prop}`, url, 'not an https URL', 'pass the contract\'s metrics.managedPrometheus as the AWS layer wrote it');
        }
      }
      if (typeof mp.region !== 'string' || !/^[a-z]{2}(-[a-z]+)+-\d$/.test(mp.region)) {
        throw invalidProp(where, 'managedPrometheus.region', mp.region, 'not an AWS region', 'pass the contract\'s metrics.managedPrometheus as the AWS layer wrote it');
      }
      this.managedPrometheus = { workspaceId: mp.workspaceId, region: mp.region, remoteWriteUrl: mp.remoteWriteUrl, queryUrl: mp.queryUrl };
    }
    if (props.kedaQueriesManagedPrometheus) {
      if (!this.managedPrometheus) {
        throw invalidProp(where, 'kedaQueriesManagedPrometheus', true, 'there is no managed Prometheus workspace to query',
          'give managedPrometheus (the contract\'s metrics.managedPrometheus), or leave kedaQueriesManagedPrometheus off');
      }
      this.autoscalingQuery = { serverAddress: this.managedPrometheus.queryUrl, awsRegion: this.managedPrometheus.region };
    }

    this.prometheusPods = WorkloadSelector.inNamespace(ns, { 'app.kubernetes.io/name': 'prometheus', 'operator.prometheus.io/name': PROMETHEUS });
    this.alertmanagerPods = WorkloadSelector.inNamespace(ns, { 'app.kubernetes.io/name': 'alertmanager', 'alertmanager': ALERTMANAGER });
    this.grafanaPods = WorkloadSelector.inNamespace(ns, { ...POD_LABELS.grafana });
    this.operatorPods = WorkloadSelector.inNamespace(ns, { app: POD_LABELS.operator.app, release: RELEASE });
    this.kubeStateMetricsPods = WorkloadSelector.inNamespace(ns, { ...POD_LABELS.kubeStateMetrics });
    this.scraper = this.prometheusPods;
    this.queryServer = this.prometheusPods;
    this.queryUrl = `http://${PROMETHEUS}.${ns}.svc:${K.prometheusPort}`;
    this.ruleNamespace = ns;
    this.dashboardNamespace = ns;

    this.release = new OperatorRelease({
      name: RELEASE,
      namespace: ns,
      source: ReleaseSource.helmChart(OPERATOR_SOURCES.kubePrometheusStack),
      values: this.values(prometheusResources),
      phase: InstallPhase.FOUNDATION,
      // The Prometheus and Alertmanager CRDs exceed the 256 KiB annotation of client-side apply.
      serverSideApply: true,
      // Node exporter reads the node: host network and PID namespace, read-only host paths.
      podSecurity: PodSecurityLevel.PRIVILEGED,
      podSecurityReason: 'prometheus-node-exporter reads node metrics through the host network, the host PID namespace and read-only '
        + 'mounts of /proc, /sys and /; it and every other pod of the stack run as non-root users',
      description: 'Metrics backend: Prometheus operator and CRDs, Prometheus, Alertmanager, Grafana, node exporter, kube-state-metrics.',
      provides: KubePrometheusStack.provides(),
    });
  }

  private values(prometheusResources: ComponentResources): { [key: string]: any } {
    const ns = K.namespace;
    const platformNamespaces = { matchLabels: { ...PLATFORM_NAMESPACE_LABELS } };
    const volume = (gib: number) => ({
      volumeClaimTemplate: {
        spec: {
          storageClassName: this.storageClassName,
          accessModes: ['ReadWriteOnce'],
          resources: { requests: { storage: `${gib}Gi` } },
        },
      },
    });
    const resources = (r: ComponentResources) => ({ requests: { cpu: r.cpuRequest, memory: r.memoryRequest }, limits: { memory: r.memoryLimit } });
    const receiver = this.alertReceiver?.alertmanagerValues() ?? {};
    return {
      'fullnameOverride': FULLNAME,
      'crds': { enabled: true },
      // EKS runs the control plane: these cannot be scraped (their monitors and alerts would fire forever).
      'kubeControllerManager': { enabled: false },
      'kubeScheduler': { enabled: false },
      'kubeEtcd': { enabled: false },
      'kubeProxy': { enabled: false },
      'prometheusOperator': {
        admissionWebhooks: { enabled: false },
        tls: { enabled: false },
        resources: resources({ cpuRequest: '100m', memoryRequest: '128Mi', memoryLimit: '512Mi' }),
      },
      'prometheus': {
        prometheusSpec: {
          replicas: this.prometheusReplicas,
          retention: this.retention,
          retentionSize: `${this.retentionSizeGiB}GiB`,
          storageSpec: volume(this.storageGiB),
          // The volumes outlive the StatefulSet and a scale-down.
          persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' },
          resources: resources(prometheusResources),
          // Every monitor and rule of the platform's namespaces, whatever its labels.
          serviceMonitorSelectorNilUsesHelmValues: false,
          serviceMonitorNamespaceSelector: platformNamespaces,
          podMonitorSelectorNilUsesHelmValues: false,
          podMonitorNamespaceSelector: platformNamespaces,
          probeSelectorNilUsesHelmValues: false,
          probeNamespaceSelector: platformNamespaces,
          scrapeConfigSelectorNilUsesHelmValues: false,
          scrapeConfigNamespaceSelector: platformNamespaces,
          ruleSelectorNilUsesHelmValues: false,
          ruleNamespaceSelector: platformNamespaces,
          ...(this.managedPrometheus ? { remoteWrite: [managedPrometheusRemoteWrite(this.managedPrometheus)] } : {}),
          // Replicas write the same series: the workspace keeps one replica's samples per `cluster`
          // when each replica's carry `__replica__` (AMP's high-availability deduplication).
          ...(this.managedPrometheus && this.prometheusReplicas > 1 ? { replicaExternalLabelName: '__replica__', externalLabels: { cluster: PROMETHEUS } } : {}),
        },
      },
      'alertmanager': {
        ...receiver,
        alertmanagerSpec: {
          replicas: 1,
          // Silences and the notification log survive a restart.
          storage: volume(2),
          resources: resources({ cpuRequest: '50m', memoryRequest: '128Mi', memoryLimit: '256Mi' }),
          // Alertmanager does not call the Kubernetes API.
          automountServiceAccountToken: false,
          ...receiver.alertmanagerSpec,
        },
      },
      'grafana': {
        'admin': { existingSecret: this.grafanaAdminSecret, userKey: METRICS_BACKEND.grafanaAdminKeys.user, passwordKey: METRICS_BACKEND.grafanaAdminKeys.password },
        // A Role in the monitoring namespace instead of a ClusterRole reading every ConfigMap and Secret.
        'rbac': { namespaced: true },
        'sidecar': {
          dashboards: {
            enabled: true,
            label: GRAFANA_DASHBOARD_LABEL,
            labelValue: '1',
            searchNamespace: ns,
            folderAnnotation: GRAFANA_FOLDER_ANNOTATION,
            provider: { foldersFromFilesStructure: true },
          },
        },
        // Its namespace has no way to the internet: do not look for updates.
        'grafana.ini': { analytics: { check_for_updates: false } },
        'resources': resources({ cpuRequest: '100m', memoryRequest: '256Mi', memoryLimit: '512Mi' }),
        // No Helm test pod (Argo CD does not run Helm tests).
        'testFramework': { enabled: false },
      },
      'kube-state-metrics': {
        // The LLM service label of serving pods on kube_pod_labels: the GPU energy rules attribute power to served models with it.
        metricLabelsAllowlist: [`pods=[${LLM_SERVICE_POD_LABEL}]`],
        resources: resources({ cpuRequest: '50m', memoryRequest: '128Mi', memoryLimit: '256Mi' }),
      },
      'prometheus-node-exporter': { resources: resources({ cpuRequest: '50m', memoryRequest: '64Mi', memoryLimit: '128Mi' }) },
    };
  }
}

let DEFAULT: KubePrometheusStack | undefined;

/**
 * Prometheus' remote write to Amazon Managed Service for Prometheus (a RemoteWriteSpec of the
 * Prometheus resource, operator v0.93.0): SigV4 with the region only, so the credentials come from
 * the default chain (EKS Pod Identity); the queue settings AWS recommends for AMP.
 * @see https://docs.aws.amazon.com/prometheus/latest/userguide/AMP-onboard-ingest-metrics-remote-write.html
 */
function managedPrometheusRemoteWrite(mp: ManagedPrometheusContract): { [key: string]: any } {
  return {
    name: 'amazon-managed-prometheus',
    url: mp.remoteWriteUrl,
    sigv4: { region: mp.region },
    queueConfig: { capacity: 2500, maxShards: 200, maxSamplesPerSend: 1000 },
  };
}

/**
 * kube-prometheus-stack: the platform's metrics backend (see {@link KubePrometheusStack}).
 * @internal
 */
export function kubePrometheusStackRelease(props: KubePrometheusStackProps = {}): OperatorRelease {
  return new KubePrometheusStack(props).release;
}

/** A cdk8s Duration as a Prometheus duration (`15d`, `36h`, `90m`), whole minutes and at least 2 hours. */
function prometheusDuration(where: string, d: Duration): string {
  const s = d.toSeconds();
  if (!Number.isInteger(s / 60) || s < 7200) {
    throw invalidProp(where, 'retention', `${s}s`, 'Prometheus keeps whole minutes, and at least one 2-hour block',
      'give at least Duration.hours(2) in whole minutes, e.g. Duration.days(15)');
  }
  if (s % 86400 === 0) return `${s / 86400}d`;
  if (s % 3600 === 0) return `${s / 3600}h`;
  return `${s / 60}m`;
}
