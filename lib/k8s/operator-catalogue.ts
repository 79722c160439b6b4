import { Duration } from 'cdk8s';
import * as YAML from 'yaml';
import { INodePool, NodePoolReference, poolsAffinity, poolsTolerations } from './node-pool';
import { InstallPhase, OperatorRelease, ReleaseSource } from './operator-release';
import { PodSecurityLevel } from './pod-security';
import { DATA_SERVICES, NodePoolProvisioner, PlatformContract } from '../core/contract';
import { invalidProp } from '../core/errors';
import { imageRef, OPERATOR_IMAGES, OPERATOR_SOURCES, PinnedImage } from '../core/versions';

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

/** Props of the Kubeflow notebook controller release. */
export interface NotebookControllerReleaseProps {
  /**
   * Stop notebooks whose Jupyter kernels have been idle for `cullIdleTime` (their GPUs go
   * back to the pool; the workspace volume stays).
   * @default true
   */
  readonly culling?: boolean;
  /**
   * Idle time after which a notebook is stopped (whole minutes).
   * @default Duration.minutes(60)
   */
  readonly cullIdleTime?: Duration;
  /**
   * How often the controller checks notebooks for idleness (whole minutes).
   * @default Duration.minutes(1)
   */
  readonly idlenessCheckPeriod?: Duration;
}

/** Props of the Katib release. */
export interface KatibReleaseProps {
  /**
   * Replace Katib's runtime config (katib-config) with one whose metrics collectors,
   * suggestion and early-stopping containers satisfy the restricted Pod Security Standard
   * and whose images are pinned to the release, so Experiments run in restricted team
   * namespaces. Off: upstream's config, whose suggestion containers lack a container
   * security context (restricted namespaces reject them).
   * @default true
   */
  readonly restrictedRuntime?: boolean;
}

/** Props of the Spark operator release. */
export interface SparkOperatorReleaseProps {
  /** Namespaces whose SparkApplications the operator runs (e.g. the team namespaces). */
  readonly jobNamespaces: string[];
}

/** Props of the AWS EFA device plugin release. */
export interface EfaDevicePluginReleaseProps {
  /** The pools with EFA interfaces (the plugin runs on their nodes only). */
  readonly pools: INodePool[];
}

/** Requests (equal to limits) of the Karpenter controller. */
export interface KarpenterControllerResources {
  /**
   * CPU of each controller replica.
   * @default "1"
   */
  readonly cpu?: string;
  /**
   * Memory of each controller replica.
   * @default "1Gi"
   */
  readonly memory?: string;
}

/** Props of the Karpenter release. */
export interface KarpenterReleaseProps {
  /**
   * The platform contract: the cluster name and Karpenter's names (namespace, service account
   * with its Pod Identity, interruption queue) come from its `karpenter` entry.
   */
  readonly contract: PlatformContract;
  /**
   * The pool the controller runs on: a managed node group, never a pool Karpenter provisions
   * (the controller must not run on the nodes it manages).
   * @default - the contract's first managed node group without GPUs (the AWS layer lists the system pool first)
   */
  readonly systemPool?: INodePool;
  /**
   * Controller replicas (one leads; the other takes over).
   * @default 2
   */
  readonly replicas?: number;
  /**
   * Controller requests and limits.
   * @default - 1 CPU and 1Gi, as in Karpenter's getting-started guide
   */
  readonly resources?: KarpenterControllerResources;
  /**
   * Create a ServiceMonitor for Karpenter's metrics.
   * @default true
   */
  readonly serviceMonitor?: boolean;
}

/** The notebook controller's culling settings, as rendered into its Deployment. */
export const NOTEBOOK_CULLING_DEFAULTS = { cullIdleMinutes: 60, idlenessCheckMinutes: 1 };

const DEFAULT_NAMESPACES = {
  certManager: 'cert-manager',
  monitoring: 'monitoring',
  kueue: 'kueue-system',
  keda: 'keda',
  kserve: 'kserve',
  kubeflowSystem: 'kubeflow-system',
  kubeflow: 'kubeflow',
  spark: 'spark-operator',
  efa: 'aws-efa-device-plugin',
  otel: 'opentelemetry-operator-system',
  nvidia: 'nvidia-device-plugin',
  gpuOperator: 'gpu-operator',
  externalSecrets: DATA_SERVICES.secretsReader.namespace,
};

/** Restricted security context of KServe's injected storage initializer. */
export const STORAGE_INITIALIZER_SECURITY_CONTEXT = {
  allowPrivilegeEscalation: false,
  capabilities: { drop: ['ALL'] },
  runAsNonRoot: true,
  runAsUser: 1000,
  seccompProfile: { type: 'RuntimeDefault' },
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

  /**
   * External Secrets: copies the platform's secrets (database, registry and vector database
   * credentials) from AWS Secrets Manager into Kubernetes Secrets. Its service account is the
   * one the AWS layer's DataServicesAccess gives read access to exactly those secrets.
   */
  public static externalSecrets(): OperatorRelease {
    return new OperatorRelease({
      name: 'external-secrets',
      namespace: DEFAULT_NAMESPACES.externalSecrets,
      source: ReleaseSource.helmChart(OPERATOR_SOURCES.externalSecrets),
      values: {
        installCRDs: true,
        serviceAccount: { create: true, name: DATA_SERVICES.secretsReader.serviceAccount },
        serviceMonitor: { enabled: true },
        securityContext: { runAsNonRoot: true, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' } },
      },
      phase: InstallPhase.OPERATORS,
      serverSideApply: true,
      description: 'Secrets from AWS Secrets Manager (through its EKS Pod Identity).',
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
        }, {
          // KServe injects the storage initializer into model pods. Its default container has
          // no security context, so Pod Security `restricted` (team namespaces) rejects the
          // pods of models read from S3 (kserve/kserve#5373; upstream fix #5855 is not in the
          // pinned release). KServe takes the injected container's security context from the
          // ClusterStorageContainer (kserve/kserve#3985); the image runs as uid 1000.
          kind: 'ClusterStorageContainer',
          name: 'default',
          patch: `- op: add\n  path: /spec/container/securityContext\n  value: ${JSON.stringify(STORAGE_INITIALIZER_SECURITY_CONTEXT)}\n`,
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

  /**
   * Katib: hyperparameter tuning. Never pruned: it runs a MySQL database. By default its
   * runtime config is replaced by a hardened one (see {@link KatibReleaseProps.restrictedRuntime}).
   */
  public static katib(props: KatibReleaseProps = {}): OperatorRelease {
    const restricted = props.restrictedRuntime ?? true;
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
        patches: restricted ? [{
          kind: 'ConfigMap',
          name: 'katib-config',
          patch: YAML.stringify([{ op: 'replace', path: '/data/katib-config.yaml', value: YAML.stringify(restrictedKatibConfig()) }]),
        }] : undefined,
      }),
      phase: InstallPhase.OPERATORS,
      prune: false,
      description: 'Hyperparameter tuning (Experiment); holds its results in MySQL.',
    });
  }

  /**
   * Kubeflow notebook controller, without Istio (notebooks are reached by port-forward or an
   * ingress of the user's choice), culling idle notebooks by default.
   */
  public static notebookController(props: NotebookControllerReleaseProps = {}): OperatorRelease {
    const culling = props.culling ?? true;
    const idle = wholeMinutes('cullIdleTime', props.cullIdleTime, NOTEBOOK_CULLING_DEFAULTS.cullIdleMinutes);
    const period = wholeMinutes('idlenessCheckPeriod', props.idlenessCheckPeriod, NOTEBOOK_CULLING_DEFAULTS.idlenessCheckMinutes);
    // Explicit env on the container wins over the envFrom ConfigMap of upstream's params.env.
    const env = [
      { name: 'USE_ISTIO', value: 'false' },
      { name: 'ENABLE_CULLING', value: String(culling) },
      { name: 'CULL_IDLE_TIME', value: String(idle) },
      { name: 'IDLENESS_CHECK_PERIOD', value: String(period) },
    ];
    return new OperatorRelease({
      name: 'notebook-controller',
      namespace: DEFAULT_NAMESPACES.kubeflow,
      source: ReleaseSource.gitKustomize(OPERATOR_SOURCES.notebookController, {
        namespace: DEFAULT_NAMESPACES.kubeflow,
        images: [imageRef(OPERATOR_IMAGES.notebookController)],
        patches: [{
          kind: 'Deployment',
          name: 'notebook-controller-deployment',
          patch: YAML.stringify({
            apiVersion: 'apps/v1',
            kind: 'Deployment',
            metadata: { name: 'notebook-controller-deployment' },
            spec: { template: { spec: { containers: [{ name: 'manager', env }] } } },
          }),
        }],
      }),
      phase: InstallPhase.OPERATORS,
      serverSideApply: true,
      description: culling ? `Jupyter notebooks (Notebook); idle notebooks stopped after ${idle} minutes.` : 'Jupyter notebooks (Notebook).',
    });
  }

  /**
   * Kubeflow Pipelines' cluster-scoped resources (CRDs, cluster roles): install before
   * {@link OperatorCatalogue.pipelines}.
   */
  public static pipelinesClusterResources(): OperatorRelease {
    return new OperatorRelease({
      name: 'kubeflow-pipelines-cluster',
      namespace: DEFAULT_NAMESPACES.kubeflow,
      source: ReleaseSource.gitKustomize(OPERATOR_SOURCES.pipelinesClusterResources),
      phase: InstallPhase.FOUNDATION,
      serverSideApply: true,
      description: 'Kubeflow Pipelines CRDs and cluster roles.',
    });
  }

  /** Kubeflow Pipelines standalone (optional). Never pruned: it holds run metadata and artifacts. */
  public static pipelines(): OperatorRelease {
    return new OperatorRelease({
      name: 'kubeflow-pipelines',
      namespace: DEFAULT_NAMESPACES.kubeflow,
      source: ReleaseSource.gitKustomize(OPERATOR_SOURCES.pipelines, { namespace: DEFAULT_NAMESPACES.kubeflow }),
      phase: InstallPhase.OPERATORS,
      prune: false,
      serverSideApply: true,
      description: 'ML pipelines (Kubeflow Pipelines, single user).',
    });
  }

  /**
   * Kubeflow Spark operator (optional): runs SparkApplications in the given namespaces. The
   * applications bring their own ServiceAccount and RBAC (for their workload identity).
   */
  public static sparkOperator(props: SparkOperatorReleaseProps): OperatorRelease {
    if (!props.jobNamespaces || props.jobNamespaces.length === 0) {
      throw invalidProp('OperatorCatalogue.sparkOperator', 'jobNamespaces', props.jobNamespaces, 'no namespace given',
        'list the namespaces whose SparkApplications the operator runs, e.g. the team namespaces');
    }
    return new OperatorRelease({
      name: 'spark-operator',
      namespace: DEFAULT_NAMESPACES.spark,
      source: ReleaseSource.helmChart(OPERATOR_SOURCES.sparkOperator),
      values: {
        spark: { jobNamespaces: [...props.jobNamespaces], serviceAccount: { create: false }, rbac: { create: false } },
        webhook: { enable: true },
      },
      phase: InstallPhase.OPERATORS,
      description: 'Spark on Kubernetes (SparkApplication) for data preparation.',
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
   * AWS EFA device plugin: advertises `vpc.amazonaws.com/efa` on the nodes of EFA pools, which
   * multi-node training jobs request. Runs only on those pools.
   */
  public static efaDevicePlugin(props: EfaDevicePluginReleaseProps): OperatorRelease {
    const without = (props.pools ?? []).filter((p) => p.efa !== true).map((p) => p.poolName);
    if (!props.pools || props.pools.length === 0 || without.length > 0) {
      throw invalidProp('OperatorCatalogue.efaDevicePlugin', 'pools', without.length > 0 ? without : props.pools,
        without.length > 0 ? 'pools without EFA interfaces' : 'no pool given', 'pass the pools created with efa: true');
    }
    return new OperatorRelease({
      name: 'efa-device-plugin',
      namespace: DEFAULT_NAMESPACES.efa,
      source: ReleaseSource.helmChart(OPERATOR_SOURCES.efaDevicePlugin),
      values: { affinity: poolsAffinity(props.pools), tolerations: poolsTolerations(props.pools) },
      phase: InstallPhase.OPERATORS,
      podSecurity: PodSecurityLevel.PRIVILEGED,
      podSecurityReason: 'the device plugin registers EFA devices with the kubelet through a host socket (hostPath)',
      description: 'Advertises vpc.amazonaws.com/efa on EFA nodes.',
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
   * Karpenter (self-managed, v1): node autoscaling for GpuNodePools with an EC2NodeClass.
   * The AWS layer prepares it (`karpenter: true` on CnaiAwsStack); the contract carries the
   * names, so the service account matches its Pod Identity association and the interruption
   * queue matches the one the EventBridge rules feed. Runs on the system pool.
   */
  public static karpenter(props: KarpenterReleaseProps): OperatorRelease {
    const where = 'OperatorCatalogue.karpenter';
    const k = props.contract.karpenter;
    if (!k) {
      throw invalidProp(where, 'contract.karpenter', undefined, 'the AWS layer did not prepare Karpenter (no node role, controller identity or interruption queue)',
        'set karpenter: true on CnaiAwsStack (or call cluster.addKarpenter()) and pass that stack\'s contract');
    }
    if (k.namespace === 'kube-system') {
      throw invalidProp(where, 'contract.karpenter.namespace', k.namespace, 'release namespaces are declared with a Pod Security level, which kube-system\'s privileged system pods would not pass',
        'install Karpenter into its own namespace (the default, KARPENTER.namespace)');
    }
    const pool = props.systemPool ?? defaultSystemPool(where, props.contract);
    if (pool.provisioner !== NodePoolProvisioner.MANAGED_NODE_GROUP) {
      throw invalidProp(where, 'systemPool', pool.poolName, `a ${pool.provisioner} pool; Karpenter would run on nodes it (or Auto Mode) may remove`,
        'run the controller on a managed node group, e.g. NodePoolReference.fromContract(<the system pool of the contract>)');
    }
    const replicas = props.replicas ?? 2;
    if (!Number.isInteger(replicas) || replicas < 1) {
      throw invalidProp(where, 'replicas', replicas, 'not a positive whole number', 'give 2 (one leader and a standby) or more');
    }
    const size = { cpu: props.resources?.cpu ?? '1', memory: props.resources?.memory ?? '1Gi' };
    return new OperatorRelease({
      name: 'karpenter',
      namespace: k.namespace,
      source: ReleaseSource.helmChart(OPERATOR_SOURCES.karpenter),
      values: {
        settings: {
          clusterName: props.contract.clusterName,
          ...(k.interruptionQueueName ? { interruptionQueue: k.interruptionQueueName } : {}),
        },
        serviceAccount: { create: true, name: k.serviceAccount },
        replicas,
        controller: { resources: { requests: { ...size }, limits: { ...size } } },
        nodeSelector: { 'kubernetes.io/os': 'linux', ...pool.nodeSelector() },
        tolerations: pool.tolerations(),
        serviceMonitor: { enabled: props.serviceMonitor ?? true },
      },
      phase: InstallPhase.OPERATORS,
      // The EC2NodeClass and NodePool CRDs ship in the chart.
      serverSideApply: true,
      podSecurity: PodSecurityLevel.RESTRICTED,
      description: `Node autoscaling of ${props.contract.clusterName} (Karpenter, on pool ${pool.poolName}).`,
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
      OperatorCatalogue.externalSecrets(),
      OperatorCatalogue.trainer(),
      OperatorCatalogue.trainerRuntimes(),
      OperatorCatalogue.katib(),
      OperatorCatalogue.notebookController(),
      OperatorCatalogue.opentelemetryOperator(),
    ];
  }

  private constructor() {}
}

function defaultSystemPool(where: string, contract: PlatformContract): INodePool {
  const system = contract.nodePools.find((p) => p.provisioner === NodePoolProvisioner.MANAGED_NODE_GROUP && p.gpusPerNode === 0);
  if (!system) {
    throw invalidProp(where, 'systemPool', undefined, 'the contract has no managed node group without GPUs to run the controller on',
      'pass systemPool, a managed node group (NodePoolReference.fromContract(...))');
  }
  return NodePoolReference.fromContract(system);
}

function wholeMinutes(prop: string, d: Duration | undefined, fallback: number): number {
  if (d === undefined) return fallback;
  const m = d.toSeconds() / 60;
  if (!Number.isInteger(m) || m < 1) {
    throw invalidProp('OperatorCatalogue.notebookController', prop, `${d.toSeconds()}s`, 'not a whole number of minutes (the controller counts minutes)',
      'give Duration.minutes(n) with n >= 1');
  }
  return m;
}

/**
 * Katib's runtime config (katib-config.yaml) for restricted namespaces: upstream's
 * trial resources (including Trainer v2 TrainJobs), collectors, suggestions and early
 * stopping, with images pinned to the release and a restricted container security context
 * on every container Katib starts in team namespaces. Population-based training, ENAS and
 * DARTS are left out (PBT needs a ReadWriteMany volume; the others are NAS).
 */
function restrictedKatibConfig(): any {
  const container = {
    allowPrivilegeEscalation: false,
    runAsNonRoot: true,
    capabilities: { drop: ['ALL'] },
    seccompProfile: { type: 'RuntimeDefault' },
  };
  const pod = { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } };
  const suggestion = (algorithmName: string, image: PinnedImage) => ({
    algorithmName, image: imageRef(image), podSecurityContext: pod, securityContext: container,
  });
  return {
    apiVersion: 'config.kubeflow.org/v1beta1',
    kind: 'KatibConfig',
    init: {
      certGenerator: { enable: true },
      controller: {
        webhookPort: 8443,
        trialResources: [
          'TrainJob.v1alpha1.trainer.kubeflow.org',
          'Job.v1.batch',
          'TFJob.v1.kubeflow.org',
          'PyTorchJob.v1.kubeflow.org',
          'MPIJob.v1.kubeflow.org',
          'XGBoostJob.v1.kubeflow.org',
        ],
      },
    },
    runtime: {
      metricsCollectors: [
        { kind: 'StdOut', image: imageRef(OPERATOR_IMAGES.katibFileMetricsCollector), securityContext: container },
        { kind: 'File', image: imageRef(OPERATOR_IMAGES.katibFileMetricsCollector), securityContext: container },
        {
          kind: 'TensorFlowEvent',
          image: imageRef(OPERATOR_IMAGES.katibTfEventMetricsCollector),
          resources: { limits: { memory: '1Gi' } },
          securityContext: container,
        },
      ],
      suggestions: [
        suggestion('random', OPERATOR_IMAGES.katibSuggestionHyperopt),
        suggestion('tpe', OPERATOR_IMAGES.katibSuggestionHyperopt),
        suggestion('grid', OPERATOR_IMAGES.katibSuggestionOptuna),
        suggestion('multivariate-tpe', OPERATOR_IMAGES.katibSuggestionOptuna),
        suggestion('hyperband', OPERATOR_IMAGES.katibSuggestionHyperband),
        suggestion('bayesianoptimization', OPERATOR_IMAGES.katibSuggestionSkopt),
        suggestion('cmaes', OPERATOR_IMAGES.katibSuggestionGoptuna),
        suggestion('sobol', OPERATOR_IMAGES.katibSuggestionGoptuna),
      ],
      earlyStoppings: [
        { algorithmName: 'medianstop', image: imageRef(OPERATOR_IMAGES.katibEarlyStoppingMedianstop), securityContext: container },
      ],
    },
  };
}

function deviceConfig(props: NvidiaChartProps): { [key: string]: string } {
  return { name: props.configMapName!, ...(props.defaultConfig ? { default: props.defaultConfig } : {}) };
}
