import { Duration } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { KServeInferenceService } from './kserve-inference-service';
import { LlmAutoscaling, LlmAutoscalingOptions } from './llm-autoscaling';
import { LlmClientSettings, LlmClientTelemetryOptions } from './llm-client-settings';
import { LlmPodSettings, LLM_SERVER_PATHS, serverSecurityContext } from './llm-pod';
import { LlmSizing, LlmSizingPlan } from './llm-sizing';
import { ServingNetwork } from './serving-network';
import { KServeRuntime, LLM_SERVER_PORTS, SERVING_POD_CONSTANTS, VllmDtype, VllmQuantization } from './serving-options';
import { VllmDeployment } from './vllm-deployment';
import { VllmEngineSettings, huggingFaceServerArgs, vllmEngineArgs } from './vllm-engine-args';
import { VllmLeaderWorkerSet, multiNodeOptions } from './vllm-leader-worker-set';
import { GpuArchitecture, GpuInstanceType } from '../../core/accelerators';
import { AssistantChecks } from '../../core/assistant-spec';
import { CnaiError, invalidProp } from '../../core/errors';
import { LLM_SERVICE_METRIC_LABEL, LLM_SERVICE_POD_LABEL } from '../../core/metrics';
import { ModelDtype, ModelKind, ModelSpec, isSixteenBit } from '../../core/models';
import { NAME_RULES, assertName, satisfiesNameRule } from '../../core/names';
import { ServedModelBackend, ServedModelTask } from '../../core/platform-spec';
import { SIZING_CONSTANTS } from '../../core/sizing';
import { IMetricsSource, MetricsComponent, MetricsEndpoint, MetricsTargetKind } from '../common/metrics-endpoint';
import { ModelSource, ModelSourceKind } from '../common/model-source';
import { Suppressions } from '../common/suppressions';
import { INodePool } from '../node-pool';
import { KubePrometheusStack } from '../operators';
import { SYNC_WAVE_ANNOTATION, WORKLOADS_SYNC_WAVE } from '../pod-security';
import { TeamNamespace } from '../team-namespace';
import { INamespaceOwner, WorkloadSelector } from '../workload-selector';
import { ServedModelCommonProps } from './serving-props';

/** Label on every object and pod of an LLM service: its name. Selects the pods. */
export const LLM_SERVICE_LABEL = LLM_SERVICE_POD_LABEL;

/** Argo CD sync wave of serving objects: after namespaces, quotas and the platform's custom resources. */
export const SERVING_SYNC_WAVE = WORKLOADS_SYNC_WAVE;

/** Props of {@link LlmService}. */
export interface LlmServiceProps extends ServedModelCommonProps {
  /** The model: its size, heads, context length and data types (e.g. `ModelPresets.LLAMA_3_1_8B_INSTRUCT`). */
  readonly model: ModelSpec;
  /** Where the weights come from (`ModelSource.s3(...)`, `.huggingFace(...)`, `.oci(...)`, `.fromArtifact(...)`). */
  readonly source: ModelSource;
  /** The namespace the service runs in (a TeamNamespace: its GPU quota is checked). */
  readonly namespace: INamespaceOwner;
  /**
   * Name of the service (a DNS-1123 label): Deployment/InferenceService, Service, ServiceAccount.
   * @default - the construct id
   */
  readonly name?: string;
  /**
   * The GPU pool the replicas run on. Give this or `pools`.
   * @default - one of `pools`
   */
  readonly pool?: INodePool;
  /**
   * The GPU pools the service may use; sizing picks the pool and instance types where a
   * replica is cheapest. Give this or `pool`.
   * @default - [pool]
   */
  readonly pools?: INodePool[];
  /**
   * Which server runs the model.
   * @default ServedModelBackend.VLLM
   */
  readonly backend?: ServedModelBackend;
  /**
   * The serving runtime of the KServe backend.
   * @default KServeRuntime.HUGGING_FACE
   */
  readonly kserveRuntime?: KServeRuntime;
  /**
   * Generation or embeddings.
   * @default - ServedModelTask.EMBED for embedding models, else ServedModelTask.CHAT
   */
  readonly task?: ServedModelTask;
  /**
   * Name clients send as `model` (`--served-model-name`).
   * @default - the model spec's name
   */
  readonly servedModelName?: string;
  /**
   * Run only on this instance type (one of the pools').
   * @default - any type of the chosen pool the replica fits on
   */
  readonly instanceType?: GpuInstanceType;
  /**
   * Tensor-parallel degree (`--tensor-parallel-size`). Must divide the attention heads and
   * gpusPerReplica.
   * @default - the smallest degree at which the model fits the pool's GPUs
   */
  readonly tensorParallelSize?: number;
  /**
   * GPUs per replica (`nvidia.com/gpu` requests = limits). Above tensorParallelSize, the rest
   * runs pipeline parallel (`--pipeline-parallel-size`).
   * @default - tensorParallelSize
   */
  readonly gpusPerReplica?: number;
  /**
   * Longest sequence in tokens (`--max-model-len`); at most the model's context length.
   * Shorter contexts need less KV cache and fit smaller GPUs.
   * @default - the model spec's maxContextLength
   */
  readonly maxModelLen?: number;
  /**
   * Share of each GPU's memory vLLM may use (`--gpu-memory-utilization`), in (0, 1].
   * @default 0.9
   */
  readonly gpuMemoryUtilization?: number;
  /**
   * vCPUs per replica (requests = limits).
   * @default - the replica's share of the node's vCPUs, minus a reserve for system daemons
   */
  readonly cpu?: number;
  /**
   * Memory per replica in GiB (requests = limits; includes /dev/shm).
   * @default - the replica's share of the node's memory, minus a reserve for system daemons
   */
  readonly memoryGiB?: number;
  /**
   * Automatic prefix caching (`--enable-prefix-caching`): reuses the KV cache of shared
   * prompt prefixes (system prompts, RAG context). Generation only.
   * @default true
   */
  readonly enablePrefixCaching?: boolean;
  /**
   * Most sequences in one batch (`--max-num-seqs`).
   * @default - vLLM's default
   */
  readonly maxNumSeqs?: number;
  /**
   * `--dtype`.
   * @default - from the model spec's weightDtype: bfloat16 or float16 for 16-bit weights (float16
   * on Turing GPUs, which lack bfloat16), auto for quantised weights
   */
  readonly dtype?: VllmDtype;
  /**
   * `--quantization`; must agree with the model spec's weightDtype.
   * @default - fp8 for FP8 weights, else from the checkpoint's config
   */
  readonly quantization?: VllmQuantization;
  /**
   * Tool calling (function calling) on: vLLM's `--enable-auto-tool-choice` with the model spec's
   * `--tool-call-parser`. Only for models whose spec names a tool call parser.
   * @default false
   */
  readonly toolCalling?: boolean;
  /**
   * Extra `vllm serve` arguments, appended verbatim; flags that have a prop are refused.
   * @default - none
   */
  readonly extraArgs?: string[];
  /**
   * Fixed replica count, when `autoscaling` is not given.
   * @default 1
   */
  readonly replicas?: number;
  /**
   * KEDA autoscaling on vLLM's waiting requests and KV-cache usage.
   * @default - a fixed replica count
   */
  readonly autoscaling?: LlmAutoscalingOptions;
  /**
   * GPUs the namespace may use, checked against maxReplicas x GPUs per replica.
   * @default - the TeamNamespace's quota; no check for other namespaces
   */
  readonly gpuQuota?: number;
  /**
   * How long a replica may take to start (image pull, download, load, compile) before it is
   * restarted (the startup probe's budget).
   * @default - 10 minutes plus 20 seconds per GiB of weights
   */
  readonly startupTimeout?: Duration;
  /**
   * Size of the model cache volume in GiB (node disk).
   * @default - weights x 1.1 + 4 GiB when the weights are written to disk (Hugging Face, OCI copy), else 4 GiB
   */
  readonly cacheSizeGiB?: number;
  /**
   * Name of the ServiceAccount (the AWS layer associates an IAM role with namespace + name).
   * @default - the service's name
   */
  readonly serviceAccountName?: string;
}

/** Flags set through props; extraArgs may not repeat them. */
const OWNED_FLAGS = [
  '--host', '--port', '--served-model-name', '--model', '--tensor-parallel-size', '-tp', '--pipeline-parallel-size', '-pp',
  '--max-model-len', '--gpu-memory-utilization', '--dtype', '--max-num-seqs', '--quantization', '-q', '--kv-cache-dtype',
  '--enable-prefix-caching', '--no-enable-prefix-caching', '--load-format', '--revision', '--runner', '--convert',
  '--model_name', '--model_id', '--model_dir', '--max_model_len', '--model_revision', '--backend', '--task',
  '--enable-auto-tool-choice', '--tool-call-parser',
];

/** Props a caller might try for a token inline; none exists. */
const INLINE_TOKEN_PROPS = ['hfToken', 'huggingFaceToken', 'token', 'apiToken'];

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
 *   pool: a10g,
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
    const where = this.node.path;
    for (const prop of INLINE_TOKEN_PROPS) {
      if ((props as unknown as { [key: string]: unknown })[prop] !== undefined) {
        throw invalidProp(where, prop, '<not shown>', 'a token cannot be given inline: it would be written into every synthesized manifest',
          'store it in a Secret and pass source: ModelSource.huggingFace(repo, { tokenSecret: SecretKeyRef.fromName("<secret>", "<key>") })');
      }
    }
    if (!(props.source instanceof ModelSource)) {
      const shown = typeof props.source === 'string' ? '<string, not shown>' : props.source;
      throw invalidProp(where, 'source', shown, 'not a ModelSource', 'use ModelSource.s3(...), ModelSource.huggingFace(...), ModelSource.oci(...) or ModelSource.fromArtifact(...)');
    }
    if (!(props.model instanceof ModelSpec)) {
      throw invalidProp(where, 'model', props.model, 'not a ModelSpec', 'use a preset such as ModelPresets.LLAMA_3_1_8B_INSTRUCT or new ModelSpec({...})');
    }
    this.owner = props.namespace;
    this.namespaceName = assertName(where, 'namespace', props.namespace?.namespaceName, NAME_RULES.dns1123Label);
    this.name = assertName(where, 'name', props.name ?? id, NAME_RULES.dns1123Label);
    this.backend = props.backend ?? ServedModelBackend.VLLM;
    if (this.backend === ServedModelBackend.KSERVE && this.name.length > 53) {
      throw invalidProp(where, 'name', this.name, 'KServe names its Service <name>-predictor, which must stay within 63 characters', 'use a name of at most 53 characters');
    }
    this.kserveRuntime = this.backend === ServedModelBackend.KSERVE ? (props.kserveRuntime ?? KServeRuntime.HUGGING_FACE) : undefined;
    if (props.kserveRuntime !== undefined && this.backend !== ServedModelBackend.KSERVE) {
      throw invalidProp(where, 'kserveRuntime', props.kserveRuntime, 'only the KServe backend has a serving runtime', 'set backend: ServedModelBackend.KSERVE, or drop kserveRuntime');
    }
    this.serviceAccountName = assertName(where, 'serviceAccountName', props.serviceAccountName ?? this.name, NAME_RULES.dns1123Subdomain);
    this.source = props.source;

    // The task and the model kind must agree.
    const spec0 = props.model;
    this.task = props.task ?? (spec0.kind === ModelKind.EMBEDDING ? ServedModelTask.EMBED : ServedModelTask.CHAT);
    if (this.task === ServedModelTask.CHAT && spec0.kind === ModelKind.EMBEDDING) {
      throw invalidProp(where, 'task', this.task, `${spec0.name} is an embedding model: it cannot generate text`, 'use ServedModelTask.EMBED, or a text-generation model');
    }

    // Context length: never beyond what the model was trained for.
    const maxModelLen = props.maxModelLen ?? spec0.maxContextLength;
    if (!Number.isInteger(maxModelLen) || maxModelLen < 1) {
      throw invalidProp(where, 'maxModelLen', maxModelLen, 'not a positive whole number of tokens', 'give the longest sequence in tokens, e.g. 8192');
    }
    if (maxModelLen > spec0.maxContextLength) {
      throw invalidProp(where, 'maxModelLen', maxModelLen, `above the context length of ${spec0.name} (${spec0.maxContextLength} tokens)`,
        `give at most ${spec0.maxContextLength}`);
    }
    this.model = maxModelLen === spec0.maxContextLength ? spec0 : spec0.withServing({ maxContextLength: maxModelLen }, where);

    const utilisation = props.gpuMemoryUtilization ?? SIZING_CONSTANTS.defaultGpuMemoryUtilization;
    if (typeof utilisation !== 'number' || !(utilisation > 0 && utilisation <= 1)) {
      throw invalidProp(where, 'gpuMemoryUtilization', utilisation, 'must be a share of GPU memory in (0, 1]', 'use 0.9 (vLLM\'s default) or another value up to 1');
    }
    const quantization = props.quantization ?? (this.model.weightDtype === ModelDtype.FP8 ? VllmQuantization.FP8 : undefined);
    checkQuantization(where, this.model, quantization);
    if (props.maxNumSeqs !== undefined && (!Number.isInteger(props.maxNumSeqs) || props.maxNumSeqs < 1)) {
      throw invalidProp(where, 'maxNumSeqs', props.maxNumSeqs, 'not a positive whole number', 'give the most sequences per batch, e.g. 256');
    }
    if (props.enablePrefixCaching !== undefined && this.task === ServedModelTask.EMBED) {
      throw invalidProp(where, 'enablePrefixCaching', props.enablePrefixCaching, 'embedding models have no KV cache to reuse', 'drop enablePrefixCaching');
    }
    if (props.toolCalling) {
      const problem = AssistantChecks.toolCallingProblem(where, 'toolCalling', spec0);
      if (problem) throw new CnaiError(problem);
    }
    const extraArgs = props.extraArgs ?? [];
    extraArgs.forEach((a, i) => {
      const flag = typeof a === 'string' ? a.split('=')[0] : a;
      if (typeof a !== 'string' || OWNED_FLAGS.includes(flag as string)) {
        throw invalidProp(where, `extraArgs[${i}]`, a, typeof a !== 'string' ? 'not a string' : `${flag} is set by a prop of the service`,
          'use the prop (tensorParallelSize, maxModelLen, gpuMemoryUtilization, dtype, quantization, maxNumSeqs, enablePrefixCaching, servedModelName)');
      }
    });

    // Sizing: pool, instance types, GPUs, tensor parallel, CPU, memory.
    if (props.pool !== undefined && props.pools !== undefined) {
      throw invalidProp(where, 'pools', props.pools.map((p) => p.poolName), 'both pool and pools are given', 'give pool (one pool) or pools (several), not both');
    }
    this.plan = LlmSizing.plan({
      model: this.model,
      pools: props.pools ?? (props.pool ? [props.pool] : []),
      gpuMemoryUtilization: utilisation,
      instanceType: props.instanceType,
      tensorParallelSize: props.tensorParallelSize,
      gpusPerReplica: props.gpusPerReplica,
      cpu: props.cpu,
      memoryGiB: props.memoryGiB,
      construct: where,
    });

    const turing = this.plan.fittingInstanceTypes.some((t) => t.gpuArchitecture === GpuArchitecture.TURING);
    const dtype = props.dtype ?? defaultDtype(this.model, turing);
    if (dtype === VllmDtype.BFLOAT16 && turing) {
      throw invalidProp(where, 'dtype', dtype, `the ${this.plan.fittingInstanceTypes.find((t) => t.gpuArchitecture === GpuArchitecture.TURING)!.gpuModel} GPUs of pool ${this.plan.pool.poolName} (Turing) have no bfloat16`,
        'use VllmDtype.FLOAT16, or a pool of Ampere or newer GPUs');
    }

    // Replicas and the GPU budget.
    if (props.autoscaling !== undefined && props.replicas !== undefined) {
      throw invalidProp(where, 'replicas', props.replicas, 'a fixed count and autoscaling are both given', 'drop replicas (autoscaling sets minReplicas and maxReplicas), or drop autoscaling');
    }
    if (props.replicas !== undefined && (!Number.isInteger(props.replicas) || props.replicas < 1)) {
      throw invalidProp(where, 'replicas', props.replicas, 'not a whole number of at least 1', 'give 1 or more, or use autoscaling with scaleToZero to scale to zero');
    }
    if (props.autoscaling) {
      const r = LlmAutoscaling.checkReplicas(where, props.autoscaling);
      this.minReplicas = r.minReplicas;
      this.maxReplicas = r.maxReplicas;
      if (props.autoscaling.scaleToZero && this.backend === ServedModelBackend.KSERVE) {
        throw invalidProp(where, 'autoscaling.scaleToZero', 'set', 'KServe\'s Standard mode keeps at least one predictor replica',
          'use the vLLM backend to scale to zero, or give minReplicas 1');
      }
    } else {
      this.minReplicas = props.replicas ?? 1;
      this.maxReplicas = this.minReplicas;
    }
    this.checkGpuBudget(props);

    // Workload identity for S3 models: the AWS layer must associate a role with this ServiceAccount.
    if (this.source.kind === ModelSourceKind.S3 && props.contract) {
      const known = props.contract.workloadIdentities.some((w) => w.namespace === this.namespaceName && w.serviceAccount === this.serviceAccountName);
      if (!known) {
        throw invalidProp(where, 'serviceAccountName', `${this.namespaceName}/${this.serviceAccountName}`,
          `the contract has no workload identity for it, so the pods cannot read ${this.source.storageUri}`,
          `add a WorkloadIdentity for namespace ${this.namespaceName} and service account ${this.serviceAccountName} with read access to the model store in the AWS layer (ModelStore.grantRead)`);
      }
    }
    const region = this.source.region ?? (this.source.kind === ModelSourceKind.S3 ? props.contract?.region : undefined);

    this.containerPort = this.backend === ServedModelBackend.KSERVE && this.kserveRuntime === KServeRuntime.HUGGING_FACE
      ? LLM_SERVER_PORTS.kserveHttp
      : LLM_SERVER_PORTS.vllm;
    const servedModelName = props.servedModelName ?? this.model.name;
    if (typeof servedModelName !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/.test(servedModelName)) {
      throw invalidProp(where, 'servedModelName', servedModelName, 'not a model name clients can send (letters, digits, ".", "_", "-")', 'give a name such as "llama-3.1-8b-instruct"');
    }

    this.engine = {
      servedModelName,
      task: this.task,
      tensorParallelSize: this.plan.tensorParallelSize,
      pipelineParallelSize: this.plan.pipelineParallelSize,
      maxModelLen,
      gpuMemoryUtilization: utilisation,
      dtype,
      maxNumSeqs: props.maxNumSeqs,
      quantization,
      kvCacheDtype: this.task === ServedModelTask.CHAT && this.model.kvCacheDtype === ModelDtype.FP8 ? 'fp8' : undefined,
      enablePrefixCaching: this.task === ServedModelTask.CHAT ? (props.enablePrefixCaching ?? true) : undefined,
      loadFormat: this.backend === ServedModelBackend.VLLM && this.source.kind === ModelSourceKind.S3 ? 'runai_streamer' : undefined,
      revision: this.source.kind === ModelSourceKind.HUGGING_FACE && !this.usesHuggingFaceServer ? this.source.revision : undefined,
      toolCallParser: props.toolCalling ? spec0.toolCallParser : undefined,
      extraArgs: [
        // A generative checkpoint served for embeddings is converted by vLLM's pooling runner.
        ...(this.task === ServedModelTask.EMBED && this.model.kind === ModelKind.TEXT_GENERATION ? ['--convert', 'embed'] : []),
        ...extraArgs,
      ],
    };

    // Startup budget and cache.
    const c = SERVING_POD_CONSTANTS;
    const defaultStartup = c.startupBaseSeconds + Math.ceil(this.model.weightGiB * c.startupSecondsPerWeightGiB);
    this.startupTimeout = props.startupTimeout ?? Duration.seconds(Math.ceil(defaultStartup / 60) * 60);
    if (this.startupTimeout.toSeconds() < 60) {
      throw invalidProp(where, 'startupTimeout', `${this.startupTimeout.toSeconds()}s`, 'too short for any model server to start', 'give at least Duration.minutes(5)');
    }
    const weightsOnDisk = this.source.kind === ModelSourceKind.HUGGING_FACE
      || (this.source.kind === ModelSourceKind.OCI && this.backend === ServedModelBackend.VLLM);
    this.cacheSizeGiB = props.cacheSizeGiB ?? (weightsOnDisk
      ? Math.ceil(this.model.weightGiB * SERVING_POD_CONSTANTS.cachePerWeightGiB) + SERVING_POD_CONSTANTS.cacheBaseGiB
      : SERVING_POD_CONSTANTS.cacheBaseGiB);
    if (!Number.isInteger(this.cacheSizeGiB) || this.cacheSizeGiB < 1) {
      throw invalidProp(where, 'cacheSizeGiB', this.cacheSizeGiB, 'not a whole number of GiB', 'give e.g. 40');
    }

    // Labels.
    this.selectorLabels = { [LLM_SERVICE_LABEL]: this.name };
    this.objectLabels = {
      'app.kubernetes.io/name': this.name,
      'app.kubernetes.io/component': this.task === ServedModelTask.EMBED ? 'embedding-server' : 'llm-server',
      'app.kubernetes.io/part-of': 'cnai-platform',
      'app.kubernetes.io/managed-by': 'cnai-constructs',
      [LLM_SERVICE_LABEL]: this.name,
      ...(satisfiesNameRule(this.model.name, NAME_RULES.labelValue) ? { 'cnai.io/model': this.model.name } : {}),
    };
    this.waveAnnotations = { [SYNC_WAVE_ANNOTATION]: String(SERVING_SYNC_WAVE) };
    const meta = (name: string) => ({
      name, namespace: this.namespaceName, labels: { ...this.objectLabels }, annotations: { ...this.waveAnnotations },
    });

    this.network = new ServingNetwork(this, {
      name: this.name,
      namespace: this.namespaceName,
      owner: this.owner,
      selectorLabels: this.selectorLabels,
      labels: this.objectLabels,
      annotations: this.waveAnnotations,
      port: this.containerPort,
    });
    this.networkPolicies = this.network.policies;

    this.serviceAccount = new k8s.KubeServiceAccount(this, 'ServiceAccount', {
      metadata: meta(this.serviceAccountName),
      automountServiceAccountToken: false,
    });

    const pod: LlmPodSettings = {
      podLabels: { ...this.objectLabels },
      selectorLabels: this.selectorLabels,
      plan: this.plan,
      port: this.containerPort,
      health: this.healthPaths(servedModelName),
      startupTimeoutSeconds: this.startupTimeout.toSeconds(),
      cacheGiB: this.cacheSizeGiB,
      env: this.environment(region),
    };

    if (this.plan.nodesPerReplica > 1) {
      // No single node holds the model: one replica is a group of pods, one per node (vllm-leader-worker-set.ts).
      this.multiNode = new VllmLeaderWorkerSet(this, 'Server', {
        ...multiNodeOptions(where, this.plan, this.backend, props.autoscaling !== undefined, this.minReplicas),
        name: this.name,
        namespace: this.namespaceName,
        serviceAccountName: this.serviceAccountName,
        priorityClassName: props.priorityClass?.priorityClassName,
        pod,
        model: this.vllmModelArgument(),
        engine: this.engine,
        labels: this.objectLabels,
        annotations: this.waveAnnotations,
        initContainers: this.ociCopy(),
        replicas: this.minReplicas,
      });
      this.serviceName = this.multiNode.serviceName;
      this.deploymentName = this.multiNode.name;
      this.baseUrl = `http://${this.serviceName}.${this.namespaceName}.svc/v1`;
    } else if (this.backend === ServedModelBackend.VLLM) {
      this.vllm = new VllmDeployment(this, 'Server', {
        name: this.name,
        namespace: this.namespaceName,
        serviceAccountName: this.serviceAccountName,
        priorityClassName: props.priorityClass?.priorityClassName,
        pod,
        model: this.vllmModelArgument(),
        engine: this.engine,
        labels: this.objectLabels,
        annotations: this.waveAnnotations,
        initContainers: this.ociCopy(),
        replicas: props.autoscaling ? undefined : this.minReplicas,
      });
      this.serviceName = this.name;
      this.deploymentName = this.name;
      this.baseUrl = `http://${this.name}.${this.namespaceName}.svc/v1`;
    } else {
      const hf = this.kserveRuntime === KServeRuntime.HUGGING_FACE;
      const fromHub = this.source.kind === ModelSourceKind.HUGGING_FACE;
      const args = hf
        ? huggingFaceServerArgs(this.engine, fromHub ? { modelId: this.source.repoId, revision: this.source.revision } : {})
        : [fromHub ? this.source.repoId! : LLM_SERVER_PATHS.kserveModel, ...vllmEngineArgs(this.engine, this.containerPort)];
      this.kserve = new KServeInferenceService(this, 'Server', {
        name: this.name,
        namespace: this.namespaceName,
        serviceAccountName: this.serviceAccountName,
        priorityClassName: props.priorityClass?.priorityClassName,
        pod,
        runtime: this.kserveRuntime!,
        args,
        // Hub models are downloaded by the server itself with the token from the Secret.
        storageUri: fromHub ? undefined : this.source.storageUri,
        minReplicas: this.minReplicas,
        maxReplicas: this.maxReplicas,
        labels: this.objectLabels,
        annotations: this.waveAnnotations,
      });
      this.serviceName = this.kserve.serviceName;
      this.deploymentName = this.kserve.deploymentName;
      this.baseUrl = `http://${this.serviceName}.${this.namespaceName}.svc/${hf ? 'openai/v1' : 'v1'}`;
    }

    if (props.autoscaling) {
      this.autoscaling = new LlmAutoscaling(this, 'Autoscaling', {
        ...props.autoscaling,
        name: this.name,
        namespace: this.namespaceName,
        deploymentName: this.deploymentName,
        serviceLabel: this.name,
        kvCache: this.task === ServedModelTask.CHAT,
        labels: this.objectLabels,
        annotations: this.waveAnnotations,
        metricsBackend: props.metricsBackend,
      });
    }

    // Metrics endpoint and its monitor.
    const endpoint = {
      name: this.name,
      namespace: this.namespaceName,
      selector: { ...this.selectorLabels },
      portName: 'http',
      component: this.usesHuggingFaceServer ? MetricsComponent.KSERVE : MetricsComponent.VLLM,
      labels: { [LLM_SERVICE_METRIC_LABEL]: this.name },
    };
    this.metricsEndpoint = this.backend === ServedModelBackend.VLLM ? MetricsEndpoint.service(endpoint) : MetricsEndpoint.pods(endpoint);
    if (props.monitoring ?? true) this.monitor(props.monitorLabels ?? {});

    // Network: clients and the scraper in, the model download out.
    const scraper = props.metricsScraper ?? (props.metricsBackend ?? KubePrometheusStack.platformDefault()).scraper;
    this.network.ingress('metrics', [scraper]);
    this.network.egress(this.source);
    for (const peer of props.allowFrom ?? []) this.allowFrom(peer);

    // A server is a long-running service, not a batch workload Kueue admits: in a team namespace
    // its GPUs count against the namespace's ResourceQuota, checked against the team's quota here
    // at synth time, and the platform's admission policy exempts it by name with the same reason.
    if (this.owner instanceof TeamNamespace) {
      Suppressions.add(this, 'ai-gpu-kueue', `served model ${this.name}: a long-running server, not a batch workload Kueue admits; its GPUs `
        + 'count against the namespace\'s ResourceQuota and LlmService checks them against the team\'s quota at synth time',
      { resource: this.multiNode ? 'LeaderWorkerSet' : this.backend === ServedModelBackend.VLLM ? 'Deployment' : 'InferenceService' });
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

  private get usesHuggingFaceServer(): boolean {
    return this.backend === ServedModelBackend.KSERVE && (this.kserveRuntime ?? KServeRuntime.HUGGING_FACE) === KServeRuntime.HUGGING_FACE;
  }

  private checkGpuBudget(props: LlmServiceProps): void {
    const where = this.node.path;
    const prop = props.autoscaling ? 'autoscaling.maxReplicas' : 'replicas';
    const perReplica = this.plan.gpusPerReplica;
    const budget = this.maxReplicas * perReplica;
    const pool = this.plan.pool;
    if (pool.maxGpus > 0 && budget > pool.maxGpus) {
      throw invalidProp(where, prop, this.maxReplicas,
        `${this.maxReplicas} replicas x ${perReplica} GPU${perReplica === 1 ? '' : 's'} = ${budget} GPUs, more than pool ${pool.poolName} can ever hold (${pool.maxGpus})`,
        `give at most ${Math.floor(pool.maxGpus / perReplica)} replicas, or raise the pool's maximum size`);
    }
    const quota = props.gpuQuota ?? (this.owner instanceof TeamNamespace ? this.owner.quota.gpus : undefined);
    if (quota !== undefined) {
      if (!Number.isInteger(quota) || quota < 0) {
        throw invalidProp(where, 'gpuQuota', quota, 'not a whole number of GPUs', 'give the namespace\'s GPU quota, e.g. 8');
      }
      if (budget > quota) {
        throw invalidProp(where, prop, this.maxReplicas,
          `${this.maxReplicas} replicas x ${perReplica} GPU${perReplica === 1 ? '' : 's'} = ${budget} GPUs, more than the GPU quota of namespace ${this.namespaceName} (${quota})`,
          `give at most ${Math.floor(quota / perReplica)} replicas, or raise the team's quota`);
      }
    }
  }

  private healthPaths(servedModelName: string): { ready: string; live: string } {
    if (this.usesHuggingFaceServer) {
      // KServe's model server: a model's readiness (v1 protocol) and the server's liveness.
      return { ready: `/v1/models/${servedModelName}`, live: '/' };
    }
    return { ready: '/health', live: '/health' };
  }

  private environment(region: string | undefined): k8s.EnvVar[] {
    const env: k8s.EnvVar[] = [
      // Writable homes for a non-root user on a read-only root filesystem.
      { name: 'HOME', value: LLM_SERVER_PATHS.tmp },
      // torch's cache paths ask getpass for the user name, which fails for a uid without a passwd entry.
      { name: 'USER', value: 'vllm' },
      { name: 'LOGNAME', value: 'vllm' },
      { name: 'HF_HOME', value: `${LLM_SERVER_PATHS.cache}/huggingface` },
      { name: 'XDG_CACHE_HOME', value: `${LLM_SERVER_PATHS.cache}/xdg` },
      { name: 'VLLM_CACHE_ROOT', value: `${LLM_SERVER_PATHS.cache}/vllm` },
      { name: 'TRITON_CACHE_DIR', value: `${LLM_SERVER_PATHS.cache}/triton` },
      // No usage reports leave the cluster (and egress would be refused anyway).
      { name: 'VLLM_NO_USAGE_STATS', value: '1' },
      { name: 'DO_NOT_TRACK', value: '1' },
    ];
    if (this.source.kind !== ModelSourceKind.HUGGING_FACE) env.push({ name: 'HF_HUB_OFFLINE', value: '1' });
    if (this.source.tokenSecret) env.push({ name: 'HF_TOKEN', valueFrom: this.source.tokenSecret.toEnvVarSource() });
    if (region) {
      env.push({ name: 'AWS_REGION', value: region }, { name: 'AWS_DEFAULT_REGION', value: region });
    }
    if (this.backend === ServedModelBackend.VLLM && this.source.kind === ModelSourceKind.S3) {
      // The Run:ai streamer buffers the whole model in RAM unless limited.
      const bytes = Math.floor(this.plan.memoryGiB * SERVING_POD_CONSTANTS.streamerMemoryShare) * 1024 ** 3;
      env.push({ name: 'RUNAI_STREAMER_MEMORY_LIMIT', value: String(Math.max(bytes, 1024 ** 3)) });
    }
    return env;
  }

  private vllmModelArgument(): string {
    switch (this.source.kind) {
      case ModelSourceKind.S3: return this.source.storageUri;
      case ModelSourceKind.HUGGING_FACE: return this.source.repoId!;
      case ModelSourceKind.OCI: return LLM_SERVER_PATHS.ociModel;
      default: throw new Error(`internal: unknown model source ${this.source.kind}`);
    }
  }

  /** For an OCI model on the vLLM backend: copy the files from the image into the cache. */
  private ociCopy(): k8s.Container[] {
    if (this.source.kind !== ModelSourceKind.OCI) return [];
    const q = { cpu: k8s.Quantity.fromString('1'), memory: k8s.Quantity.fromString('1Gi') };
    return [{
      name: 'model',
      image: this.source.image!,
      imagePullPolicy: 'IfNotPresent',
      command: ['cp', '-R', `${this.source.modelPath}/.`, LLM_SERVER_PATHS.ociModel],
      resources: { requests: q, limits: q },
      securityContext: serverSecurityContext(),
      volumeMounts: [{ name: 'model-cache', mountPath: LLM_SERVER_PATHS.cache }],
    }];
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

function defaultDtype(spec: ModelSpec, turing: boolean): VllmDtype {
  if (!isSixteenBit(spec.weightDtype)) return VllmDtype.AUTO;
  if (spec.weightDtype === ModelDtype.FP16 || turing) return VllmDtype.FLOAT16;
  return VllmDtype.BFLOAT16;
}

function checkQuantization(where: string, spec: ModelSpec, q: VllmQuantization | undefined): void {
  if (q === undefined) return;
  const allowed: { [k: string]: ModelDtype[] } = {
    [VllmQuantization.AWQ]: [ModelDtype.INT4],
    [VllmQuantization.GPTQ]: [ModelDtype.INT4],
    [VllmQuantization.FP8]: [ModelDtype.FP8],
    [VllmQuantization.COMPRESSED_TENSORS]: [ModelDtype.INT4, ModelDtype.INT8, ModelDtype.FP8],
  };
  const ok = allowed[q];
  if (!ok) {
    throw invalidProp(where, 'quantization', q, 'not a quantization method of the VllmQuantization enum', 'use VllmQuantization.AWQ, GPTQ, FP8 or COMPRESSED_TENSORS');
  }
  if (!ok.includes(spec.weightDtype)) {
    throw invalidProp(where, 'quantization', q, `stores ${ok.join(' or ')} weights, but the model spec ${spec.name} says ${spec.weightDtype}, so sizing would be wrong`,
      `size the quantised model: model.withServing({ weightDtype: ModelDtype.${ok[0].toUpperCase()} })`);
  }
}
