import { Duration } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { KSERVE_ANNOTATIONS, KSERVE_STANDARD_MODE } from './kserve-inference-service';
import { LLM_SERVER_PATHS, serverPodDisruptionBudget, serverTolerations, serverPodSecurityContext, serverProbes, serverSecurityContext, serverSpread } from './llm-pod';
import { checkKServeName, checkModelSource, fixedReplicas, modelStoreRegion, servedModelLabels, servedModelServiceAccount } from './served-model';
import { ServingNetwork } from './serving-network';
import { GPU_RESOURCE } from '../../core/contract';
import { invalidProp } from '../../core/errors';
import { NAME_RULES, assertName } from '../../core/names';
import { PREDICTIVE_DEFAULTS, PredictiveModelFormat, PredictiveRuntime, PredictiveRuntimeInfo, PredictiveRuntimes } from '../../core/predictive-models';
import { InferenceService, InferenceServiceSpecPredictor } from '../../imports/serving.kserve.io';
import { tcpPorts } from '../common/egress';
import { IMetricsSource, MetricsComponent, MetricsEndpoint } from '../common/metrics-endpoint';
import { ModelSource, ModelSourceKind } from '../common/model-source';
import { FeatureAccess, IFeatureStore } from '../features/feature-store-connection';
import { INodePool } from '../node-pool';
import { SYNC_WAVE_ANNOTATION, WORKLOADS_SYNC_WAVE } from '../pod-security';
import { TeamNamespace } from '../team-namespace';
import { INamespaceOwner, WorkloadSelector } from '../workload-selector';
import { ServedModelCommonProps } from './serving-props';

/** Label on every object and pod of a predictive service: its name. Selects the pods. */
export const PREDICTIVE_SERVICE_LABEL = 'cnai.io/predictive-service';

/** Autoscaler class with which KServe's Standard mode makes an HPA for the predictor. */
export const KSERVE_HPA_AUTOSCALER = 'hpa';

/** KServe's HPA on CPU utilisation. */
export interface PredictiveAutoscalingOptions {
  /**
   * Fewest replicas.
   * @default 1
   */
  readonly minReplicas?: number;
  /** Most replicas. */
  readonly maxReplicas: number;
  /**
   * Target average CPU utilisation in percent of the request (`scaleTarget`).
   * @default 70
   */
  readonly targetCpuUtilization?: number;
}

/** Props of {@link PredictiveService}. */
export interface PredictiveServiceProps extends ServedModelCommonProps {
  /** The model's format (KServe's `modelFormat.name`). */
  readonly format: PredictiveModelFormat;
  /**
   * The ClusterServingRuntime; it must serve `format`.
   * @default - the format's runtime (sklearn: kserve-sklearnserver, xgboost: kserve-xgbserver, onnx: kserve-tritonserver, ...)
   */
  readonly runtime?: PredictiveRuntime;
  /** Where the model comes from: the model store (`ModelSource.fromModelStore`), the registry (`ModelSource.fromArtifact`), S3 or an OCI image. */
  readonly source: ModelSource;
  /** The namespace the service runs in (a TeamNamespace: its GPU quota is checked). */
  readonly namespace: INamespaceOwner;
  /**
   * Name of the service (a DNS-1123 label of at most 53 characters): InferenceService, ServiceAccount.
   * @default - the construct id
   */
  readonly name?: string;
  /**
   * vCPUs per replica (requests = limits).
   * @default 1
   */
  readonly cpu?: number;
  /**
   * Memory per replica in GiB (requests = limits).
   * @default 2
   */
  readonly memoryGiB?: number;
  /**
   * Node disk per replica in GiB (the downloaded model and /tmp).
   * @default 4
   */
  readonly diskGiB?: number;
  /**
   * A GPU pool to run on. Without one the replicas run on CPU nodes and ask for no GPU.
   * @default - CPU nodes
   */
  readonly pool?: INodePool;
  /**
   * GPUs per replica (needs `pool`).
   * @default - 1 with a pool, else 0
   */
  readonly gpus?: number;
  /**
   * Fixed replica count, when `autoscaling` is not given.
   * @default 1
   */
  readonly replicas?: number;
  /**
   * KServe's HPA on CPU utilisation between minReplicas and maxReplicas.
   * @default - a fixed replica count
   */
  readonly autoscaling?: PredictiveAutoscalingOptions;
  /**
   * How long a replica may take to start (download and load) before it is restarted.
   * @default Duration.minutes(5)
   */
  readonly startupTimeout?: Duration;
  /**
   * Name of the ServiceAccount (the AWS layer associates an IAM role with namespace + name).
   * @default - the service's name
   */
  readonly serviceAccountName?: string;
  /**
   * A feature store the model reads its features from: the server gets the online server's and
   * the registry's endpoints (`FEAST_FEATURE_SERVER_URL`, `FEAST_REGISTRY`, `FEAST_PROJECT`) and
   * the network flow to them.
   * @default - none
   */
  readonly featureStore?: IFeatureStore;
}

/**
 * A predictive model (scikit-learn, XGBoost, LightGBM, ONNX, TensorFlow, PyTorch, PMML, ...)
 * behind KServe's V1 or V2 inference protocol, on one of the ClusterServingRuntimes KServe
 * ships (`PredictiveRuntimes`): a KServe InferenceService in Standard mode whose storage
 * initializer fetches the model from the model store with the pods' workload identity, CPU
 * and memory from the props (a GPU pool only when asked), KServe's HPA on CPU, probes, a
 * PodDisruptionBudget, a PodMonitor and NetworkPolicies (named clients and the scraper in,
 * only the model download out), like LlmService.
 *
 * ```ts
 * const churn = new PredictiveService(chart, 'churn', {
 *   format: PredictiveModelFormat.XGBOOST,
 *   source: ModelSource.fromModelStore(contract, 'served/churn'),
 *   namespace: team,
 *   autoscaling: { maxReplicas: 4 },
 *   allowFrom: [team.workloads({ app: 'crm' })],
 * });
 * ```
 */
export class PredictiveService extends Construct implements IMetricsSource {
  /** Name of the service (the InferenceService). */
  public readonly name: string;
  /** Namespace. */
  public readonly namespaceName: string;
  /** ServiceAccount of the pods. */
  public readonly serviceAccountName: string;
  /** The model's format. */
  public readonly format: PredictiveModelFormat;
  /** The runtime chosen, and what the platform knows of it. */
  public readonly runtime: PredictiveRuntimeInfo;
  /** The model source. */
  public readonly source: ModelSource;
  /** vCPUs per replica. */
  public readonly cpu: number;
  /** Memory per replica in GiB. */
  public readonly memoryGiB: number;
  /** Node disk per replica in GiB. */
  public readonly diskGiB: number;
  /** GPUs per replica (0 on CPU nodes). */
  public readonly gpus: number;
  /** The GPU pool, when the service runs on GPUs. */
  public readonly pool?: INodePool;
  /** Fewest replicas. */
  public readonly minReplicas: number;
  /** Most replicas. */
  public readonly maxReplicas: number;
  /** Startup budget. */
  public readonly startupTimeout: Duration;
  /** Name of the Deployment and Service KServe creates (`<name>-predictor`, port 80). */
  public readonly deploymentName: string;
  /** Name of the Service clients call (port 80). */
  public readonly serviceName: string;
  /** Base URL, e.g. `http://churn-predictor.team-a.svc` (V1: `/v1/models/<name>:predict`; V2: `/v2/models/<name>/infer`). */
  public readonly baseUrl: string;
  /** Labels that select the server pods. */
  public readonly selectorLabels: { [key: string]: string };
  /** The ServiceAccount. */
  public readonly serviceAccount: k8s.KubeServiceAccount;
  /** The InferenceService. */
  public readonly inferenceService: InferenceService;
  /** The PodDisruptionBudget of the predictor pods. */
  public readonly podDisruptionBudget: k8s.KubePodDisruptionBudget;
  /** NetworkPolicies of the service, by name. */
  public readonly networkPolicies: { [name: string]: k8s.KubeNetworkPolicy };
  /** The server's metrics endpoint (the pods' metrics port). */
  public readonly metricsEndpoint: MetricsEndpoint;
  /** The feature store the model reads from, if any. */
  public readonly featureStore?: IFeatureStore;

  private readonly network: ServingNetwork;

  constructor(scope: Construct, id: string, props: PredictiveServiceProps) {
    super(scope, id);
    const where = this.node.path;
    const source = checkModelSource(where, props.source, 'use ModelSource.fromModelStore(contract, prefix), ModelSource.fromArtifact(...), ModelSource.s3(...) or ModelSource.oci(...)');
    if (source.kind === ModelSourceKind.HUGGING_FACE) {
      throw invalidProp(where, 'source', source.storageUri, 'predictive runtimes load a model directory through KServe\'s storage initializer; the platform admits only the model store',
        'copy the model into the model store and use ModelSource.fromModelStore(contract, prefix)');
    }
    if (props.featureStore !== undefined && (typeof props.featureStore !== 'object' || typeof (props.featureStore as IFeatureStore).clientEnv !== 'function')) {
      throw invalidProp(where, 'featureStore', props.featureStore, 'not a feature store object',
        'pass the FeatureStore construct (or CnaiPlatform.featureStore), not its name or URL');
    }
    this.featureStore = props.featureStore;
    this.source = source;
    this.format = props.format;
    this.runtime = PredictiveRuntimes.forFormat(props.format, props.runtime, where, 'runtime');
    this.namespaceName = assertName(where, 'namespace', props.namespace?.namespaceName, NAME_RULES.dns1123Label);
    this.name = checkKServeName(where, assertName(where, 'name', props.name ?? id, NAME_RULES.dns1123Label));
    this.serviceAccountName = servedModelServiceAccount(where, props.serviceAccountName, this.name);

    // Sizing: CPU and memory from the props, a GPU only when a pool is given.
    this.cpu = positive(where, 'cpu', props.cpu ?? PREDICTIVE_DEFAULTS.cpu, 'give vCPUs per replica, e.g. 1 or 0.5');
    this.memoryGiB = positive(where, 'memoryGiB', props.memoryGiB ?? PREDICTIVE_DEFAULTS.memoryGiB, 'give GiB per replica, e.g. 2');
    this.diskGiB = props.diskGiB ?? 4;
    if (!Number.isInteger(this.diskGiB) || this.diskGiB < 1) {
      throw invalidProp(where, 'diskGiB', this.diskGiB, 'not a whole number of GiB', 'give at least the model\'s size plus 1, e.g. 4');
    }
    this.pool = props.pool;
    if (props.gpus !== undefined && !props.pool) {
      throw invalidProp(where, 'gpus', props.gpus, 'GPUs need a GPU pool to run on', 'give pool: a GPU pool, or leave gpus out to run on CPU nodes');
    }
    this.gpus = props.gpus ?? (props.pool ? 1 : 0);
    if (props.pool && (!Number.isInteger(this.gpus) || this.gpus < 1 || (props.pool.gpusPerNode > 0 && this.gpus > props.pool.gpusPerNode))) {
      throw invalidProp(where, 'gpus', this.gpus, `not a whole number from 1 to the GPUs of one node of pool ${props.pool.poolName} (${props.pool.gpusPerNode})`,
        'give 1, or leave the pool out to run on CPU nodes');
    }
    if (this.gpus > 0 && !this.runtime.gpuCapable) {
      throw invalidProp(where, 'pool', props.pool!.poolName, `${this.runtime.runtime} runs on CPU only; a GPU would sit idle`,
        `leave the pool out, or serve the model with a GPU runtime (${PredictiveRuntimes.all().filter((r) => r.gpuCapable).map((r) => r.runtime).join(', ')})`);
    }

    // Replicas.
    const replicas = fixedReplicas(where, props.replicas, props.autoscaling !== undefined, 'give 1 or more');
    const target = props.autoscaling?.targetCpuUtilization ?? PREDICTIVE_DEFAULTS.targetCpuUtilization;
    if (props.autoscaling) {
      this.minReplicas = props.autoscaling.minReplicas ?? 1;
      this.maxReplicas = props.autoscaling.maxReplicas;
      if (!Number.isInteger(this.minReplicas) || this.minReplicas < 1 || !Number.isInteger(this.maxReplicas) || this.maxReplicas < this.minReplicas) {
        throw invalidProp(where, 'autoscaling.maxReplicas', this.maxReplicas, `must be whole numbers with 1 <= minReplicas (${this.minReplicas}) <= maxReplicas`,
          'give minReplicas of at least 1 and maxReplicas at least as large');
      }
      if (!Number.isInteger(target) || target < 1 || target > 100) {
        throw invalidProp(where, 'autoscaling.targetCpuUtilization', target, 'not a whole percentage from 1 to 100', 'give e.g. 70');
      }
    } else {
      this.minReplicas = replicas;
      this.maxReplicas = replicas;
    }
    this.checkGpuBudget(props);

    // Workload identity for S3 models.
    const region = modelStoreRegion(where, this.source, props.contract, this.namespaceName, this.serviceAccountName, 'the storage initializer');
    this.startupTimeout = props.startupTimeout ?? Duration.seconds(PREDICTIVE_DEFAULTS.startupTimeoutSeconds);

    // Labels and names.
    this.selectorLabels = { [PREDICTIVE_SERVICE_LABEL]: this.name };
    const labels = servedModelLabels(this.name, 'model-server', PREDICTIVE_SERVICE_LABEL, { 'cnai.io/model-format': this.format });
    const annotations = { [SYNC_WAVE_ANNOTATION]: String(WORKLOADS_SYNC_WAVE) };
    const template = PredictiveRuntimes.templateValues(this.runtime, this.format);
    const meta = (name: string) => ({ name, namespace: this.namespaceName, labels: { ...labels }, annotations: { ...annotations } });
    this.deploymentName = `${this.name}-predictor`;
    this.serviceName = this.deploymentName;
    this.baseUrl = `http://${this.serviceName}.${this.namespaceName}.svc`;

    this.serviceAccount = new k8s.KubeServiceAccount(this, 'ServiceAccount', { metadata: meta(this.serviceAccountName), automountServiceAccountToken: false });
    this.inferenceService = new InferenceService(this, 'Resource', {
      metadata: {
        ...meta(this.name),
        labels: { ...labels, ...template.labels },
        annotations: {
          ...annotations,
          ...template.annotations,
          [KSERVE_ANNOTATIONS.deploymentMode]: KSERVE_STANDARD_MODE,
          [KSERVE_ANNOTATIONS.autoscalerClass]: KSERVE_HPA_AUTOSCALER,
        },
      },
      // The core Kubernetes types (cdk8s-plus-27's k8s) describe the same pod fields as the generated KServe ones.
      spec: { predictor: this.predictor(props, labels, region, target) as unknown as InferenceServiceSpecPredictor },
    });
    this.podDisruptionBudget = serverPodDisruptionBudget(this, meta(this.deploymentName), this.selectorLabels);

    // Metrics: the runtime's Prometheus port on the pods.
    const metricsPortName = this.runtime.metricsPort === this.runtime.httpPort ? 'http' : 'metrics';
    this.metricsEndpoint = MetricsEndpoint.pods({
      name: this.name,
      namespace: this.namespaceName,
      selector: { ...this.selectorLabels },
      portName: metricsPortName,
      component: MetricsComponent.KSERVE,
    });
    if (props.monitoring ?? true) {
      this.metricsEndpoint.monitor(this, 'PodMonitor', {
        interval: Duration.seconds(15),
        labels: { ...labels, ...(props.monitorLabels ?? {}) },
        annotations: { ...annotations },
        namespaceSelector: true,
      });
    }

    // Network: clients and the scraper in, the model download out.
    this.network = new ServingNetwork(this, {
      name: this.name,
      namespace: this.namespaceName,
      owner: props.namespace,
      selectorLabels: this.selectorLabels,
      labels,
      annotations,
      port: this.runtime.httpPort,
    });
    this.networkPolicies = this.network.policies;
    const fs = this.featureStore;
    // Serving reads the online server and the registry.
    this.network.openServerFlows(props, this.source, this.runtime.metricsPort,
      fs ? [{ to: [fs.workloads().toPeer()], ports: tcpPorts(...fs.clientPorts(FeatureAccess.ONLINE)) }] : []);
    fs?.allowFrom(this.workloads(), FeatureAccess.ONLINE);
    for (const peer of props.allowFrom ?? []) this.allowFrom(peer);
  }

  /** The server pods, as a network peer. */
  public workloads(): WorkloadSelector {
    return this.network.workloads();
  }

  /** Lets `client` call the service (the server's HTTP port). */
  public allowFrom(client: WorkloadSelector): void {
    this.network.allowFrom(this.node.path, client);
  }

  /** GPUs the service may hold at most: maxReplicas x GPUs per replica. */
  public get gpuBudget(): number {
    return this.maxReplicas * this.gpus;
  }

  private checkGpuBudget(props: PredictiveServiceProps): void {
    if (this.gpus === 0) return;
    const where = this.node.path;
    const prop = props.autoscaling ? 'autoscaling.maxReplicas' : 'replicas';
    const pool = props.pool!;
    const quota = props.namespace instanceof TeamNamespace ? props.namespace.quota.gpus : undefined;
    const limit = Math.min(pool.maxGpus > 0 ? pool.maxGpus : Infinity, quota ?? Infinity);
    if (this.gpuBudget > limit) {
      throw invalidProp(where, prop, this.maxReplicas,
        `${this.maxReplicas} replicas x ${this.gpus} GPU${this.gpus === 1 ? '' : 's'} = ${this.gpuBudget} GPUs, more than ${quota !== undefined && quota <= pool.maxGpus ? `the GPU quota of namespace ${this.namespaceName} (${quota})` : `pool ${pool.poolName} can ever hold (${pool.maxGpus})`}`,
        `give at most ${Math.floor(limit / this.gpus)} replicas, or raise the quota or the pool's maximum size`);
    }
  }

  private predictor(props: PredictiveServiceProps, labels: { [key: string]: string }, region: string | undefined, target: number): object {
    const r = this.runtime;
    const q = {
      cpu: k8s.Quantity.fromString(String(this.cpu)),
      memory: k8s.Quantity.fromString(`${this.memoryGiB}Gi`),
      ...(this.gpus > 0 ? { [GPU_RESOURCE]: k8s.Quantity.fromString(String(this.gpus)) } : {}),
    };
    const env: k8s.EnvVar[] = [{ name: 'HOME', value: LLM_SERVER_PATHS.tmp }];
    if (region) env.push({ name: 'AWS_REGION', value: region }, { name: 'AWS_DEFAULT_REGION', value: region });
    if (this.featureStore) env.push(...this.featureStore.clientEnv(FeatureAccess.ONLINE));
    const ports: k8s.ContainerPort[] = [{ name: 'http', containerPort: r.httpPort, protocol: 'TCP' }];
    if (r.metricsPort !== r.httpPort) ports.push({ name: 'metrics', containerPort: r.metricsPort, protocol: 'TCP' });
    const model = {
      modelFormat: { name: this.format },
      runtime: r.runtime,
      protocolVersion: r.protocol,
      storageUri: this.source.storageUri,
      // Appended to the runtime's args; the server's parser takes the last value.
      ...(r.threadsFlag ? { args: [`${r.threadsFlag}=${Math.max(1, Math.floor(this.cpu))}`] } : {}),
      env,
      ports,
      // Guaranteed QoS: requests equal limits; the model and /tmp on the node's disk.
      resources: { requests: { ...q, 'ephemeral-storage': k8s.Quantity.fromString(`${this.diskGiB}Gi`) }, limits: { ...q } },
      ...serverProbes({
        port: r.httpPort,
        health: { ready: r.readyPath.replace('{name}', this.name), live: r.livePath },
        startupTimeoutSeconds: this.startupTimeout.toSeconds(),
      }),
      securityContext: serverSecurityContext(),
      volumeMounts: [{ name: 'tmp', mountPath: LLM_SERVER_PATHS.tmp }],
    };
    const pool = props.pool;
    return {
      minReplicas: this.minReplicas,
      maxReplicas: this.maxReplicas,
      ...(props.autoscaling ? { scaleMetric: 'cpu', scaleTarget: target } : {}),
      labels: { ...labels },
      serviceAccountName: this.serviceAccountName,
      priorityClassName: props.priorityClass?.priorityClassName,
      automountServiceAccountToken: false,
      enableServiceLinks: false,
      securityContext: serverPodSecurityContext(),
      terminationGracePeriodSeconds: 30,
      volumes: [{ name: 'tmp', emptyDir: { sizeLimit: k8s.Quantity.fromString('1Gi') } }],
      ...(pool ? { nodeSelector: pool.nodeSelector(), tolerations: serverTolerations(pool) } : {}),
      topologySpreadConstraints: serverSpread(this.selectorLabels),
      model,
    };
  }
}

function positive(where: string, prop: string, value: number, fix: string): number {
  if (typeof value !== 'number' || !(value > 0) || !Number.isFinite(value)) {
    throw invalidProp(where, prop, value, 'not a positive number', fix);
  }
  return value;
}
