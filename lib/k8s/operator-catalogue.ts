import { INodePool, poolsAffinity, poolsTolerations } from './node-pool';
import { InstallPhase, OperatorRelease, ReleaseSource } from './operator-release';
import { PodSecurityLevel } from './pod-security';
import { imageRef, OPERATOR_IMAGES, OPERATOR_SOURCES } from '../core/versions';

/** Props of the cert-manager release. */
export interface CertManagerReleaseProps {
  /**
   * Controller replicas.
   * @default 1
   */
  readonly replicas?: number;
  /**
   * Create a ServiceMonitor for cert-manager's metrics.
   * @default true
   */
  readonly serviceMonitor?: boolean;
}

/** Props of the Kueue release. */
export interface KueueReleaseProps {
  /**
   * Let cert-manager issue the webhook certificate instead of Kueue's internal rotator.
   * @default false
   */
  readonly certManager?: boolean;
  /**
   * Create a ServiceMonitor for Kueue's metrics (quota usage, pending workloads).
   * @default true
   */
  readonly serviceMonitor?: boolean;
}

/** Props of the KEDA release. */
export interface KedaReleaseProps {
  /**
   * Create ServiceMonitors for the KEDA operator.
   * @default true
   */
  readonly serviceMonitor?: boolean;
}

/** How KServe deploys InferenceServices by default. */
export enum KServeDeploymentMode {
  /** Plain Deployments, Services and HPAs/KEDA (no Knative needed). */
  STANDARD = 'Standard',
  /** Knative Services (scale to zero; needs Knative Serving installed). */
  KNATIVE = 'Knative',
}

/** Props of the KServe release. */
export interface KServeReleaseProps {
  /**
   * Default deployment mode.
   * @default KServeDeploymentMode.STANDARD
   */
  readonly deploymentMode?: KServeDeploymentMode;
}

/** Props of the NVIDIA charts (device plugin, DCGM exporter, GPU operator). */
export interface NvidiaChartProps {
  /** The GPU pools the NVIDIA agents run on (their selectors and taints place the agents). */
  readonly pools: INodePool[];
  /**
   * Name of a ConfigMap with named device plugin configs (e.g. the one of NvidiaGpuSupport).
   * @default - the chart's built-in default config
   */
  readonly configMapName?: string;
  /**
   * Name of the config used for nodes without the per-node config label.
   * @default - the chart's default
   */
  readonly defaultConfig?: string;
  /**
   * Deploy GPU feature discovery (and node feature discovery) with the device plugin.
   * @default true
   */
  readonly featureDiscovery?: boolean;
}

const DEFAULT_NAMESPACES = {
  certManager: 'cert-manager',
  monitoring: 'monitoring',
  kueue: 'kueue-system',
  keda: 'keda',
  kserve: 'kserve',
  kubeflowSystem: 'kubeflow-system',
  kubeflow: 'kubeflow',
  otel: 'opentelemetry-operator-system',
  nvidia: 'nvidia-device-plugin',
  gpuOperator: 'gpu-operator',
};

/**
 * The typed catalogue of third-party controllers the platform uses. Each method returns a
 * pinned release (source and version from lib/core/versions.ts) with values built from
 * typed props, the namespace, the install phase and how Argo CD should sync it.
 */
export class OperatorCatalogue {
  /** cert-manager: issues webhook certificates; installed first, never pruned (certificates are state). */
  public static certManager(props: CertManagerReleaseProps = {}): OperatorRelease {
    return new OperatorRelease({
      name: 'cert-manager',
      namespace: DEFAULT_NAMESPACES.certManager,
      source: ReleaseSource.helmChart(OPERATOR_SOURCES.certManager),
      values: {
        crds: { enabled: true, keep: true },
        replicaCount: props.replicas ?? 1,
        prometheus: { enabled: true, servicemonitor: { enabled: props.serviceMonitor ?? true } },
      },
      phase: InstallPhase.FOUNDATION,
      prune: false,
      podSecurity: PodSecurityLevel.RESTRICTED,
      description: 'Certificates for admission webhooks (KServe, OpenTelemetry operator).',
    });
  }

  /** Prometheus operator: the monitoring CRDs (ServiceMonitor, PodMonitor, PrometheusRule) and controller. */
  public static prometheusOperator(): OperatorRelease {
    return new OperatorRelease({
      name: 'prometheus-operator',
      namespace: DEFAULT_NAMESPACES.monitoring,
      source: ReleaseSource.gitKustomize(OPERATOR_SOURCES.prometheusOperator, { namespace: DEFAULT_NAMESPACES.monitoring }),
      phase: InstallPhase.FOUNDATION,
      // Its CRDs (Prometheus, Alertmanager) exceed the 256 KiB limit of client-side apply.
      serverSideApply: true,
      podSecurity: PodSecurityLevel.RESTRICTED,
      description: 'Monitoring CRDs and operator; other releases create ServiceMonitors.',
    });
  }

  /** Kueue: quotas and queueing of batch workloads. */
  public static kueue(props: KueueReleaseProps = {}): OperatorRelease {
    return new OperatorRelease({
      name: 'kueue',
      namespace: DEFAULT_NAMESPACES.kueue,
      source: ReleaseSource.helmChart(OPERATOR_SOURCES.kueue),
      values: {
        enableCertManager: props.certManager ?? false,
        enablePrometheus: props.serviceMonitor ?? true,
      },
      phase: InstallPhase.OPERATORS,
      serverSideApply: true,
      description: 'GPU quotas per team, queueing and preemption.',
    });
  }

  /** KEDA: event-driven autoscaling (LLM queue depth, tokens per second). */
  public static keda(props: KedaReleaseProps = {}): OperatorRelease {
    const monitor = props.serviceMonitor ?? true;
    return new OperatorRelease({
      name: 'keda',
      namespace: DEFAULT_NAMESPACES.keda,
      source: ReleaseSource.helmChart(OPERATOR_SOURCES.keda),
      values: { prometheus: { operator: { enabled: monitor, serviceMonitor: { enabled: monitor } } } },
      phase: InstallPhase.OPERATORS,
      serverSideApply: true,
      description: 'Autoscaling of model servers on LLM metrics.',
    });
  }

  /** KServe: model serving (InferenceService, ServingRuntime). */
  public static kserve(props: KServeReleaseProps = {}): OperatorRelease {
    const mode = props.deploymentMode ?? KServeDeploymentMode.STANDARD;
    return new OperatorRelease({
      name: 'kserve',
      namespace: DEFAULT_NAMESPACES.kserve,
      source: ReleaseSource.gitKustomize(OPERATOR_SOURCES.kserve, {
        namespace: DEFAULT_NAMESPACES.kserve,
        patches: [{
          kind: 'ConfigMap',
          name: 'inferenceservice-config',
          patch: `- op: replace\n  path: /data/deploy\n  value: '${JSON.stringify({ defaultDeploymentMode: mode })}'\n`,
        }],
      }),
      phase: InstallPhase.OPERATORS,
      // The InferenceService CRD alone is about 2 MB.
      serverSideApply: true,
      description: `Model serving; default deployment mode ${mode}.`,
    });
  }

  /** Kubeflow Trainer v2 controller with JobSet. */
  public static trainer(): OperatorRelease {
    return new OperatorRelease({
      name: 'kubeflow-trainer',
      namespace: DEFAULT_NAMESPACES.kubeflowSystem,
      source: ReleaseSource.gitKustomize(OPERATOR_SOURCES.trainer, {
        namespace: DEFAULT_NAMESPACES.kubeflowSystem,
        images: [imageRef(OPERATOR_IMAGES.trainerController)],
      }),
      phase: InstallPhase.OPERATORS,
      serverSideApply: true,
      description: 'Distributed training (TrainJob) and JobSet.',
    });
  }

  /** Kubeflow Trainer's ClusterTrainingRuntimes: custom resources, installed after the trainer's CRDs and webhook. */
  public static trainerRuntimes(): OperatorRelease {
    return new OperatorRelease({
      name: 'kubeflow-trainer-runtimes',
      namespace: DEFAULT_NAMESPACES.kubeflowSystem,
      source: ReleaseSource.gitKustomize(OPERATOR_SOURCES.trainerRuntimes, { namespace: DEFAULT_NAMESPACES.kubeflowSystem }),
      phase: InstallPhase.OPERATOR_RESOURCES,
      serverSideApply: true,
      description: 'Training runtimes (torch, DeepSpeed, ...) that TrainJobs reference.',
    });
  }

  /** Katib: hyperparameter tuning. Never pruned: it runs a MySQL database. */
  public static katib(): OperatorRelease {
    return new OperatorRelease({
      name: 'katib',
      namespace: DEFAULT_NAMESPACES.kubeflow,
      source: ReleaseSource.gitKustomize(OPERATOR_SOURCES.katib, {
        namespace: DEFAULT_NAMESPACES.kubeflow,
        images: [
          imageRef(OPERATOR_IMAGES.katibController),
          imageRef(OPERATOR_IMAGES.katibDbManager),
          imageRef(OPERATOR_IMAGES.katibUi),
          imageRef(OPERATOR_IMAGES.katibCertGenerator),
        ],
      }),
      phase: InstallPhase.OPERATORS,
      prune: false,
      description: 'Hyperparameter tuning (Experiment); holds its results in MySQL.',
    });
  }

  /** Kubeflow notebook controller. */
  public static notebookController(): OperatorRelease {
    return new OperatorRelease({
      name: 'notebook-controller',
      namespace: DEFAULT_NAMESPACES.kubeflow,
      source: ReleaseSource.gitKustomize(OPERATOR_SOURCES.notebookController, {
        namespace: DEFAULT_NAMESPACES.kubeflow,
        images: [imageRef(OPERATOR_IMAGES.notebookController)],
      }),
      phase: InstallPhase.OPERATORS,
      serverSideApply: true,
      description: 'Jupyter notebooks (Notebook).',
    });
  }

  /** OpenTelemetry operator (collectors, auto-instrumentation); needs cert-manager. */
  public static opentelemetryOperator(): OperatorRelease {
    return new OperatorRelease({
      name: 'opentelemetry-operator',
      namespace: DEFAULT_NAMESPACES.otel,
      source: ReleaseSource.gitKustomize(OPERATOR_SOURCES.opentelemetryOperator, { namespace: DEFAULT_NAMESPACES.otel }),
      phase: InstallPhase.OPERATORS,
      serverSideApply: true,
      description: 'LLM traces (OpenLLMetry) through OpenTelemetry collectors.',
    });
  }

  /**
   * NVIDIA device plugin chart with GPU feature discovery: an alternative to
   * NvidiaGpuSupport's own manifests for users who prefer the upstream chart. Use one, not both.
   */
  public static nvidiaDevicePlugin(props: NvidiaChartProps): OperatorRelease {
    const gfd = props.featureDiscovery ?? true;
    return new OperatorRelease({
      name: 'nvidia-device-plugin',
      namespace: DEFAULT_NAMESPACES.nvidia,
      source: ReleaseSource.helmChart(OPERATOR_SOURCES.nvidiaDevicePlugin),
      values: {
        ...(props.configMapName ? { config: deviceConfig(props) } : {}),
        gfd: { enabled: gfd },
        nfd: { enabled: gfd },
        affinity: poolsAffinity(props.pools),
        tolerations: poolsTolerations(props.pools),
      },
      phase: InstallPhase.OPERATORS,
      podSecurity: PodSecurityLevel.PRIVILEGED,
      podSecurityReason: 'the device plugin registers GPUs with the kubelet through a host socket (hostPath)',
      description: 'Advertises nvidia.com/gpu; GPU feature discovery labels GPU nodes.',
    });
  }

  /** DCGM exporter chart (GPU metrics); an alternative to NvidiaGpuSupport's own exporter. */
  public static dcgmExporter(props: NvidiaChartProps): OperatorRelease {
    return new OperatorRelease({
      name: 'dcgm-exporter',
      namespace: DEFAULT_NAMESPACES.nvidia,
      source: ReleaseSource.helmChart(OPERATOR_SOURCES.dcgmExporter),
      values: {
        serviceMonitor: { enabled: true },
        affinity: poolsAffinity(props.pools),
        tolerations: poolsTolerations(props.pools),
      },
      phase: InstallPhase.OPERATORS,
      podSecurity: PodSecurityLevel.PRIVILEGED,
      podSecurityReason: 'the upstream chart runs the exporter as root with SYS_ADMIN for profiling metrics',
      description: 'GPU metrics for Prometheus.',
    });
  }

  /**
   * NVIDIA GPU operator with driver and container toolkit disabled (EKS's NVIDIA AMIs carry
   * both): an alternative to NvidiaGpuSupport when MIG re-partitioning (mig-manager) is needed.
   */
  public static gpuOperator(props: NvidiaChartProps): OperatorRelease {
    return new OperatorRelease({
      name: 'gpu-operator',
      namespace: DEFAULT_NAMESPACES.gpuOperator,
      source: ReleaseSource.helmChart(OPERATOR_SOURCES.gpuOperator),
      values: {
        driver: { enabled: false },
        toolkit: { enabled: false },
        ...(props.configMapName ? { devicePlugin: { config: deviceConfig(props) } } : {}),
        daemonsets: { tolerations: poolsTolerations(props.pools) },
        dcgmExporter: { serviceMonitor: { enabled: true } },
      },
      phase: InstallPhase.OPERATORS,
      serverSideApply: true,
      podSecurity: PodSecurityLevel.PRIVILEGED,
      podSecurityReason: 'GPU operator daemonsets need host access to configure GPUs',
      description: 'NVIDIA GPU operator without driver and toolkit.',
    });
  }

  /**
   * The releases the reference platform installs: cert-manager and the Prometheus
   * operator first, then Kueue, KEDA, KServe, Kubeflow Trainer (with JobSet and its
   * runtimes), Katib, the notebook controller and the OpenTelemetry operator. The NVIDIA
   * components come from NvidiaGpuSupport.
   */
  public static platformDefaults(): OperatorRelease[] {
    return [
      OperatorCatalogue.certManager(),
      OperatorCatalogue.prometheusOperator(),
      OperatorCatalogue.kueue(),
      OperatorCatalogue.keda(),
      OperatorCatalogue.kserve(),
      OperatorCatalogue.trainer(),
      OperatorCatalogue.trainerRuntimes(),
      OperatorCatalogue.katib(),
      OperatorCatalogue.notebookController(),
      OperatorCatalogue.opentelemetryOperator(),
    ];
  }

  private constructor() {}
}

function deviceConfig(props: NvidiaChartProps): { [key: string]: string } {
  return { name: props.configMapName!, ...(props.defaultConfig ? { default: props.defaultConfig } : {}) };
}
