import { Duration } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { KServeInferenceService } from './kserve-inference-service';
import { LlmAutoscaling } from './llm-autoscaling';
import { LlmClientSettings, LlmClientTelemetryOptions } from './llm-client-settings';
import { LlmServiceProps } from './llm-service-props';
import { resolveLlmServiceSettings } from './llm-service-settings';
import { LlmSizingPlan } from './llm-sizing';
import { ServingNetwork } from './serving-network';
import { KServeRuntime } from './serving-options';
import { VllmDeployment, VllmWorkloadProps } from './vllm-deployment';
import { VllmEngineSettings } from './vllm-engine-args';
import { VllmLeaderWorkerSet } from './vllm-leader-worker-set';
import { LLM_SERVICE_METRIC_LABEL } from '../../core/metrics';
import { ModelSpec } from '../../core/models';
import { ServedModelBackend, ServedModelTask } from '../../core/platform-spec';
import { IMetricsSource, MetricsComponent, MetricsEndpoint, MetricsTargetKind } from '../common/metrics-endpoint';
import { ModelSource } from '../common/model-source';
import { Suppressions } from '../common/suppressions';
import { TeamNamespace } from '../team-namespace';
import { INamespaceOwner, WorkloadSelector } from '../workload-selector';

/**
 * A model behind an OpenAI-compatible endpoint on the right GPUs.
 *
 * From the model spec and the GPU pools it may use, the service sizes one replica (GPUs and
 * tensor-parallel degree from the model's memory, CPU and memory from the instance) and
 * runs it with vLLM, either as its own Deployment or as a KServe InferenceService in
 * Standard mode. It adds a ServiceAccount (workload identity for S3 models), a
 * PodDisruptionBudget, NetworkPolicies (only named clients and the metrics scraper get in;
 * only the model download gets out), a ServiceMonitor or PodMonitor, and optionally a KEDA
 * ScaledObject on vLLM's waiting requests and KV-cache usage. Every choice can be
 * overridden; an override that cannot work fails at synth with the reason and the fix.
 *
 * ```ts
 * const chat = new LlmService(chart, 'chat', {
 *   model: ModelPresets.LLAMA_3_1_8B_INSTRUCT,
 *   source: ModelSource.fromModelStore(contract, 'llama-3.1-8b-instruct'),
 *   namespace: team,
 *   pools: [a10g],
 *   maxModelLen: 8192,
 *   autoscaling: { minReplicas: 1, maxReplicas: 4 },
 *   allowFrom: [team.workloads({ app: 'rag-api' })],
 * });
 * ```
 */
export class LlmService extends Construct implements IMetricsSource {
  /** Name of the service. */
  public readonly name: string;
  /** Namespace. */
  public readonly namespaceName: string;
  /** ServiceAccount of the pods: the AWS layer associates the model-store role with (namespaceName, serviceAccountName). */
  public readonly serviceAccountName: string;
  /** The model as served (context length applied). */
  public readonly model: ModelSpec;
  /** The model source. */
  public readonly source: ModelSource;
  /** Backend. */
  public readonly backend: ServedModelBackend;
  /** KServe runtime (KServe backend only). */
  public readonly kserveRuntime?: KServeRuntime;
  /** Task. */
  public readonly task: ServedModelTask;
  /** Sizing and placement of one replica. */
  public readonly plan: LlmSizingPlan;
  /** vLLM engine settings. */
  public readonly engine: VllmEngineSettings;
  /** Container port of the server. */
  public readonly containerPort: number;
  /** Name of the Kubernetes Service clients call (port 80). */
  public readonly serviceName: string;
  /** Name of the Deployment that runs the server (the autoscaler's target). */
  public readonly deploymentName: string;
  /** Base URL of the OpenAI-compatible API, e.g. `http://chat.team-a.svc/v1`. */
  public readonly baseUrl: string;
  /** Labels that select the server pods. */
  public readonly selectorLabels: { [key: string]: string };
  /** Startup budget. */
  public readonly startupTimeout: Duration;
  /** Model cache size in GiB. */
  public readonly cacheSizeGiB: number;
  /** Fewest replicas. */
  public readonly minReplicas: number;
  /** Most replicas. */
  public readonly maxReplicas: number;
  /** The vLLM backend's objects. */
  public readonly vllm?: VllmDeployment;
  /** The KServe backend's objects. */
  public readonly kserve?: KServeInferenceService;
  /** The vLLM backend's objects when one replica spans nodes (`plan.nodesPerReplica` > 1): a LeaderWorkerSet. */
  public readonly multiNode?: VllmLeaderWorkerSet;
  /** The autoscaler, when autoscaling is on. */
  public readonly autoscaling?: LlmAutoscaling;
  /** The ServiceAccount. */
  public readonly serviceAccount: k8s.KubeServiceAccount;
  /** NetworkPolicies of the service, by name. */
  public readonly networkPolicies: { [name: string]: k8s.KubeNetworkPolicy };

  /** The server's metrics endpoint: a Service port (vLLM backend) or the pods' port (KServe backend). */
  public readonly metricsEndpoint: MetricsEndpoint;

  private readonly owner: INamespaceOwner;
  private readonly objectLabels: { [key: string]: string };
  private readonly waveAnnotations: { [key: string]: string };
  private readonly network: ServingNetwork;

  constructor(scope: Construct, id: string, props: LlmServiceProps) {
    super(scope, id);
    // Every default and check once (llm-service-settings.ts), then the objects.
    const s = resolveLlmServiceSettings({ path: this.node.path, id }, props);
    this.owner = props.namespace;
    this.name = s.name;
    this.namespaceName = s.namespaceName;
    this.serviceAccountName = s.serviceAccountName;
    this.model = s.model;
    this.source = s.source;
    this.backend = s.backend;
    this.kserveRuntime = s.kserveRuntime;
    this.task = s.task;
    this.plan = s.plan;
    this.engine = s.engine;
    this.containerPort = s.containerPort;
    this.selectorLabels = s.selectorLabels;
    this.startupTimeout = s.startupTimeout;
    this.cacheSizeGiB = s.cacheSizeGiB;
    this.minReplicas = s.minReplicas;
    this.maxReplicas = s.maxReplicas;
    this.objectLabels = s.labels;
    this.waveAnnotations = s.annotations;

    this.network = new ServingNetwork(this, {
      name: s.name,
      namespace: s.namespaceName,
      owner: this.owner,
      selectorLabels: s.selectorLabels,
      labels: s.labels,
      annotations: s.annotations,
      port: s.containerPort,
    });
    this.networkPolicies = this.network.policies;

    this.serviceAccount = new k8s.KubeServiceAccount(this, 'ServiceAccount', {
      metadata: { name: s.serviceAccountName, namespace: s.namespaceName, labels: { ...s.labels }, annotations: { ...s.annotations } },
      automountServiceAccountToken: false,
    });

    // The server: a LeaderWorkerSet across nodes, else a Deployment (vLLM) or an InferenceService (KServe).
    const priorityClassName = props.priorityClass?.priorityClassName;
    const workload: VllmWorkloadProps = {
      name: s.name,
      namespace: s.namespaceName,
      serviceAccountName: s.serviceAccountName,
      priorityClassName,
      pod: s.pod,
      model: s.modelArgument,
      engine: s.engine,
      labels: s.labels,
      annotations: s.annotations,
      initContainers: s.initContainers,
      image: s.image,
    };
    if (s.multiNode) {
      // No single node holds the model: one replica is a group of pods, one per node (vllm-leader-worker-set.ts).
      this.multiNode = new VllmLeaderWorkerSet(this, 'Server', { ...workload, ...s.multiNode, replicas: s.minReplicas });
      this.serviceName = this.multiNode.serviceName;
      this.deploymentName = this.multiNode.name;
    } else if (s.backend === ServedModelBackend.VLLM) {
      this.vllm = new VllmDeployment(this, 'Server', { ...workload, replicas: s.autoscaling ? undefined : s.minReplicas });
      this.serviceName = this.vllm.name;
      this.deploymentName = this.vllm.name;
    } else {
      this.kserve = new KServeInferenceService(this, 'Server', {
        ...workload,
        runtime: s.kserveRuntime!,
        args: s.args,
        storageUri: s.storageUri,
        minReplicas: s.minReplicas,
        maxReplicas: s.maxReplicas,
      });
      this.serviceName = this.kserve.serviceName;
      this.deploymentName = this.kserve.deploymentName;
    }
    this.baseUrl = `http://${this.serviceName}.${s.namespaceName}.svc/${s.usesHuggingFaceServer ? 'openai/v1' : 'v1'}`;

    if (s.autoscaling) {
      this.autoscaling = new LlmAutoscaling(this, 'Autoscaling', {
        ...s.autoscaling,
        name: s.name,
        namespace: s.namespaceName,
        deploymentName: this.deploymentName,
        serviceLabel: s.name,
        kvCache: s.task === ServedModelTask.CHAT,
        labels: s.labels,
        annotations: s.annotations,
        metricsBackend: props.metricsBackend,
      });
    }

    // Metrics endpoint and its monitor.
    const endpoint = {
      name: s.name,
      namespace: s.namespaceName,
      selector: { ...s.selectorLabels },
      portName: 'http',
      component: s.usesHuggingFaceServer ? MetricsComponent.KSERVE : MetricsComponent.VLLM,
      labels: { [LLM_SERVICE_METRIC_LABEL]: s.name },
    };
    this.metricsEndpoint = s.backend === ServedModelBackend.VLLM ? MetricsEndpoint.service(endpoint) : MetricsEndpoint.pods(endpoint);
    if (props.monitoring ?? true) this.monitor(props.monitorLabels ?? {});

    // Network (serving-network.ts): clients and the scraper in, the model download out.
    this.network.openServerFlows(props, s.source);
    for (const peer of props.allowFrom ?? []) this.allowFrom(peer);

    // A server is a long-running service, not a batch workload Kueue admits: in a team namespace
    // its GPUs count against the namespace's ResourceQuota, checked against the team's quota here
    // at synth time, and the platform's admission policy exempts it by name with the same reason.
    if (this.owner instanceof TeamNamespace) {
      Suppressions.add(this, 'ai-gpu-kueue', `served model ${s.name}: a long-running server, not a batch workload Kueue admits; its GPUs `
        + 'count against the namespace\'s ResourceQuota and LlmService checks them against the team\'s quota at synth time',
      { resource: this.multiNode ? 'LeaderWorkerSet' : s.backend === ServedModelBackend.VLLM ? 'Deployment' : 'InferenceService' });
    }
  }

  /** The server pods, as a network peer (for other workloads' flows). */
  public workloads(): WorkloadSelector {
    return WorkloadSelector.inNamespace(this.namespaceName, this.selectorLabels);
  }

  /**
   * Lets `client` call the service (the server's port). When the client's namespace is a
   * TeamNamespace, its egress to the service is opened too.
   */
  public allowFrom(client: WorkloadSelector): void {
    this.network.allowFrom(this.node.path, client);
  }

  /**
   * Settings for a client of the service: base URL and model name, and with `telemetry` the
   * OpenLLMetry / OpenTelemetry environment (prompt and completion content off unless opted in).
   */
  public clientSettings(telemetry?: LlmClientTelemetryOptions): LlmClientSettings {
    return new LlmClientSettings({ baseUrl: this.baseUrl, model: this.engine.servedModelName, telemetry });
  }

  /**
   * The workloads whose pods hold the service's GPUs, by name (for admission exemptions): the
   * Deployment, or the LeaderWorkerSet's StatefulSets (its leaders' and each replica's workers').
   */
  public get gpuWorkloadNames(): string[] {
    return this.multiNode ? [...this.multiNode.statefulSetNames] : [this.deploymentName];
  }

  /** GPUs the service may hold at most: maxReplicas x GPUs per replica. */
  public get gpuBudget(): number {
    return this.maxReplicas * this.plan.gpusPerReplica;
  }

  private monitor(extraLabels: { [key: string]: string }): void {
    const kind = this.metricsEndpoint.targetKind === MetricsTargetKind.SERVICE ? 'ServiceMonitor' : 'PodMonitor';
    this.metricsEndpoint.monitor(this, kind, {
      interval: Duration.seconds(15),
      labels: { ...this.objectLabels, ...extraLabels },
      annotations: { ...this.waveAnnotations },
      namespaceSelector: true,
    });
  }
}

