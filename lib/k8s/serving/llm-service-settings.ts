/**
 * The settings resolver of {@link LlmService}: every default applied and every check made once,
 * from the props alone, before the service builds an object. Pure (no construct, chart or app),
 * so it can be tested on its own. Internal to the serving constructs (not exported from the
 * library's index).
 */
import { Duration } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { LlmAutoscaling, LlmAutoscalingOptions } from './llm-autoscaling';
import { HealthPaths, LlmPodSettings, LLM_SERVER_PATHS, serverSecurityContext } from './llm-pod';
import { LLM_SERVICE_LABEL, LlmServiceProps, SERVING_SYNC_WAVE } from './llm-service-props';
import { LlmSizing, LlmSizingPlan } from './llm-sizing';
import { checkKServeName, checkModelSource, fixedReplicas, modelStoreRegion, servedModelLabels, servedModelServiceAccount } from './served-model';
import { KServeRuntime, LLM_SERVER_PORTS, SERVING_POD_CONSTANTS, VllmDtype, VllmQuantization } from './serving-options';
import { VllmEngineSettings, huggingFaceServerArgs, vllmEngineArgs } from './vllm-engine-args';
import { multiNodeOptions } from './vllm-leader-worker-set';
import { GpuArchitecture } from '../../core/accelerators';
import { AssistantChecks } from '../../core/assistant-spec';
import { CnaiError, invalidProp } from '../../core/errors';
import { ModelDtype, ModelKind, ModelSpec, isSixteenBit } from '../../core/models';
import { NAME_RULES, assertName, satisfiesNameRule } from '../../core/names';
import { ServedModelBackend, ServedModelTask } from '../../core/platform-spec';
import { SIZING_CONSTANTS } from '../../core/sizing';
import { IMAGES, PinnedImage } from '../../core/versions';
import { ModelSource, ModelSourceKind } from '../common/model-source';
import { INodePool } from '../node-pool';
import { SYNC_WAVE_ANNOTATION } from '../pod-security';
import { TeamNamespace } from '../team-namespace';

/** What the resolver knows of the service besides its props. */
export interface LlmServiceSite {
  /** The construct path (named in errors). */
  readonly path: string;
  /** The construct id: the default name. */
  readonly id: string;
}

/** What a multi-node service adds to its LeaderWorkerSet (see multiNodeOptions). */
export interface LlmMultiNodeSettings {
  /** Room in the pool for one more replica during a rollout. */
  readonly surge: boolean;
  /** EFA interfaces per pod (0: the stages talk over TCP). */
  readonly efaInterfaces: number;
}

/** Everything {@link LlmService} builds its objects from, every default applied. */
export interface LlmServiceSettings {
  /** Name of the service. */
  readonly name: string;
  /** Namespace. */
  readonly namespaceName: string;
  /** ServiceAccount of the pods. */
  readonly serviceAccountName: string;
  /** Backend. */
  readonly backend: ServedModelBackend;
  /** KServe runtime (KServe backend only). */
  readonly kserveRuntime?: KServeRuntime;
  /** KServe's Hugging Face server runs the model (its health paths, port and OpenAI path differ). */
  readonly usesHuggingFaceServer: boolean;
  /** Generation or embeddings. */
  readonly task: ServedModelTask;
  /** The model as served (context length applied). */
  readonly model: ModelSpec;
  /** The model source. */
  readonly source: ModelSource;
  /** The GPU pools sizing chose from (one list: `pools`, or the deprecated `pool`). */
  readonly pools: INodePool[];
  /** Sizing and placement of one replica. */
  readonly plan: LlmSizingPlan;
  /** The server's image. */
  readonly image: PinnedImage;
  /** vLLM engine settings (the flags). */
  readonly engine: VllmEngineSettings;
  /** What `vllm serve` loads: an `s3://` URI, a Hugging Face repo id or the OCI copy's path. */
  readonly modelArgument: string;
  /**
   * The server's arguments: after `vllm serve` for the vLLM backend (a multi-node replica's
   * leader adds `--distributed-executor-backend ray`), the predictor's for KServe.
   */
  readonly args: string[];
  /** Container port of the server. */
  readonly containerPort: number;
  /** Fewest replicas. */
  readonly minReplicas: number;
  /** Most replicas. */
  readonly maxReplicas: number;
  /** The autoscaler's options, when autoscaling is on. */
  readonly autoscaling?: LlmAutoscalingOptions;
  /** Set when one replica spans nodes (`plan.nodesPerReplica` > 1). */
  readonly multiNode?: LlmMultiNodeSettings;
  /** Startup budget. */
  readonly startupTimeout: Duration;
  /** Model cache size in GiB. */
  readonly cacheSizeGiB: number;
  /** Labels that select the server pods. */
  readonly selectorLabels: { [key: string]: string };
  /** Labels of every object. */
  readonly labels: { [key: string]: string };
  /** Annotations of every object (the Argo CD sync wave). */
  readonly annotations: { [key: string]: string };
  /** The server pods: sizing, probes, cache and environment. */
  readonly pod: LlmPodSettings;
  /** Containers run before the server (the copy of an OCI model on the vLLM backend). */
  readonly initContainers: k8s.Container[];
  /** Where the weights are loaded from, for KServe's storage initializer (none for hub models, which the server downloads). */
  readonly storageUri?: string;
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
 * Resolves the settings of an LLM service from its props: names, backend, task, context length,
 * engine flags, sizing on the pools, replicas and the GPU budget, workload identity, startup
 * budget, cache, labels and the server pods. Throws the service's prop errors.
 */
export function resolveLlmServiceSettings(site: LlmServiceSite, props: LlmServiceProps): LlmServiceSettings {
  const where = site.path;
  for (const prop of INLINE_TOKEN_PROPS) {
    if ((props as unknown as { [key: string]: unknown })[prop] !== undefined) {
      throw invalidProp(where, prop, '<not shown>', 'a token cannot be given inline: it would be written into every synthesized manifest',
        'store it in a Secret and pass source: ModelSource.huggingFace(repo, { tokenSecret: SecretKeyRef.fromName("<secret>", "<key>") })');
    }
  }
  const source = checkModelSource(where, props.source, 'use ModelSource.s3(...), ModelSource.huggingFace(...), ModelSource.oci(...) or ModelSource.fromArtifact(...)');
  if (!(props.model instanceof ModelSpec)) {
    throw invalidProp(where, 'model', props.model, 'not a ModelSpec', 'use a preset such as ModelPresets.LLAMA_3_1_8B_INSTRUCT or new ModelSpec({...})');
  }
  const namespaceName = assertName(where, 'namespace', props.namespace?.namespaceName, NAME_RULES.dns1123Label);
  const name = assertName(where, 'name', props.name ?? site.id, NAME_RULES.dns1123Label);
  const backend = props.backend ?? ServedModelBackend.VLLM;
  if (backend === ServedModelBackend.KSERVE) checkKServeName(where, name);
  const kserveRuntime = backend === ServedModelBackend.KSERVE ? (props.kserveRuntime ?? KServeRuntime.HUGGING_FACE) : undefined;
  if (props.kserveRuntime !== undefined && backend !== ServedModelBackend.KSERVE) {
    throw invalidProp(where, 'kserveRuntime', props.kserveRuntime, 'only the KServe backend has a serving runtime', 'set backend: ServedModelBackend.KSERVE, or drop kserveRuntime');
  }
  const usesHuggingFaceServer = kserveRuntime === KServeRuntime.HUGGING_FACE;
  const serviceAccountName = servedModelServiceAccount(where, props.serviceAccountName, name);

  // The task and the model kind must agree.
  const spec0 = props.model;
  const task = props.task ?? (spec0.kind === ModelKind.EMBEDDING ? ServedModelTask.EMBED : ServedModelTask.CHAT);
  if (task === ServedModelTask.CHAT && spec0.kind === ModelKind.EMBEDDING) {
    throw invalidProp(where, 'task', task, `${spec0.name} is an embedding model: it cannot generate text`, 'use ServedModelTask.EMBED, or a text-generation model');
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
  const model = maxModelLen === spec0.maxContextLength ? spec0 : spec0.withServing({ maxContextLength: maxModelLen }, where);

  const utilisation = props.gpuMemoryUtilization ?? SIZING_CONSTANTS.defaultGpuMemoryUtilization;
  if (typeof utilisation !== 'number' || !(utilisation > 0 && utilisation <= 1)) {
    throw invalidProp(where, 'gpuMemoryUtilization', utilisation, 'must be a share of GPU memory in (0, 1]', 'use 0.9 (vLLM\'s default) or another value up to 1');
  }
  const quantization = props.quantization ?? (model.weightDtype === ModelDtype.FP8 ? VllmQuantization.FP8 : undefined);
  checkQuantization(where, model, quantization);
  if (props.maxNumSeqs !== undefined && (!Number.isInteger(props.maxNumSeqs) || props.maxNumSeqs < 1)) {
    throw invalidProp(where, 'maxNumSeqs', props.maxNumSeqs, 'not a positive whole number', 'give the most sequences per batch, e.g. 256');
  }
  if (props.enablePrefixCaching !== undefined && task === ServedModelTask.EMBED) {
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
    throw invalidProp(where, 'pools', props.pools.map((p) => p.poolName), 'both pool and pools are given', 'give pools (pool is deprecated: pools: [pool]), not both');
  }
  const pools = props.pools ?? (props.pool ? [props.pool] : []);
  const plan = LlmSizing.plan({
    model,
    pools,
    gpuMemoryUtilization: utilisation,
    instanceType: props.instanceType,
    tensorParallelSize: props.tensorParallelSize,
    gpusPerReplica: props.gpusPerReplica,
    cpu: props.cpu,
    memoryGiB: props.memoryGiB,
    construct: where,
  });

  const turing = plan.fittingInstanceTypes.some((t) => t.gpuArchitecture === GpuArchitecture.TURING);
  const dtype = props.dtype ?? defaultDtype(model, turing);
  if (dtype === VllmDtype.BFLOAT16 && turing) {
    throw invalidProp(where, 'dtype', dtype, `the ${plan.fittingInstanceTypes.find((t) => t.gpuArchitecture === GpuArchitecture.TURING)!.gpuModel} GPUs of pool ${plan.pool.poolName} (Turing) have no bfloat16`,
      'use VllmDtype.FLOAT16, or a pool of Ampere or newer GPUs');
  }

  // Replicas and the GPU budget.
  const replicas = fixedReplicas(where, props.replicas, props.autoscaling !== undefined, 'give 1 or more, or use autoscaling with scaleToZero to scale to zero');
  let minReplicas = replicas;
  let maxReplicas = replicas;
  if (props.autoscaling) {
    ({ minReplicas, maxReplicas } = LlmAutoscaling.checkReplicas(where, props.autoscaling));
    if (props.autoscaling.scaleToZero && backend === ServedModelBackend.KSERVE) {
      throw invalidProp(where, 'autoscaling.scaleToZero', 'set', 'KServe\'s Standard mode keeps at least one predictor replica',
        'use the vLLM backend to scale to zero, or give minReplicas 1');
    }
  }
  checkGpuBudget(where, props, plan, namespaceName, maxReplicas);

  // Workload identity for S3 models: the AWS layer must associate a role with this ServiceAccount.
  const region = modelStoreRegion(where, source, props.contract, namespaceName, serviceAccountName, 'the pods');

  const containerPort = usesHuggingFaceServer ? LLM_SERVER_PORTS.kserveHttp : LLM_SERVER_PORTS.vllm;
  const servedModelName = props.servedModelName ?? model.name;
  if (typeof servedModelName !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/.test(servedModelName)) {
    throw invalidProp(where, 'servedModelName', servedModelName, 'not a model name clients can send (letters, digits, ".", "_", "-")', 'give a name such as "llama-3.1-8b-instruct"');
  }

  const engine: VllmEngineSettings = {
    servedModelName,
    task,
    tensorParallelSize: plan.tensorParallelSize,
    pipelineParallelSize: plan.pipelineParallelSize,
    maxModelLen,
    gpuMemoryUtilization: utilisation,
    dtype,
    maxNumSeqs: props.maxNumSeqs,
    quantization,
    kvCacheDtype: task === ServedModelTask.CHAT && model.kvCacheDtype === ModelDtype.FP8 ? 'fp8' : undefined,
    enablePrefixCaching: task === ServedModelTask.CHAT ? (props.enablePrefixCaching ?? true) : undefined,
    loadFormat: backend === ServedModelBackend.VLLM && source.kind === ModelSourceKind.S3 ? 'runai_streamer' : undefined,
    revision: source.kind === ModelSourceKind.HUGGING_FACE && !usesHuggingFaceServer ? source.revision : undefined,
    toolCallParser: props.toolCalling ? spec0.toolCallParser : undefined,
    extraArgs: [
      // A generative checkpoint served for embeddings is converted by vLLM's pooling runner.
      ...(task === ServedModelTask.EMBED && model.kind === ModelKind.TEXT_GENERATION ? ['--convert', 'embed'] : []),
      ...extraArgs,
    ],
  };

  // Startup budget and cache.
  const c = SERVING_POD_CONSTANTS;
  const defaultStartup = c.startupBaseSeconds + Math.ceil(model.weightGiB * c.startupSecondsPerWeightGiB);
  const startupTimeout = props.startupTimeout ?? Duration.seconds(Math.ceil(defaultStartup / 60) * 60);
  if (startupTimeout.toSeconds() < 60) {
    throw invalidProp(where, 'startupTimeout', `${startupTimeout.toSeconds()}s`, 'too short for any model server to start', 'give at least Duration.minutes(5)');
  }
  const weightsOnDisk = source.kind === ModelSourceKind.HUGGING_FACE
    || (source.kind === ModelSourceKind.OCI && backend === ServedModelBackend.VLLM);
  const cacheSizeGiB = props.cacheSizeGiB ?? (weightsOnDisk
    ? Math.ceil(model.weightGiB * c.cachePerWeightGiB) + c.cacheBaseGiB
    : c.cacheBaseGiB);
  if (!Number.isInteger(cacheSizeGiB) || cacheSizeGiB < 1) {
    throw invalidProp(where, 'cacheSizeGiB', cacheSizeGiB, 'not a whole number of GiB', 'give e.g. 40');
  }

  // Across nodes: what the LeaderWorkerSet adds (and what such a service cannot do).
  const multiNode = plan.nodesPerReplica > 1
    ? multiNodeOptions(where, plan, backend, props.autoscaling !== undefined, minReplicas)
    : undefined;

  // Labels.
  const selectorLabels = { [LLM_SERVICE_LABEL]: name };
  const labels = servedModelLabels(name, task === ServedModelTask.EMBED ? 'embedding-server' : 'llm-server', LLM_SERVICE_LABEL,
    satisfiesNameRule(model.name, NAME_RULES.labelValue) ? { 'cnai.io/model': model.name } : {});

  const pod: LlmPodSettings = {
    podLabels: { ...labels },
    selectorLabels,
    plan,
    port: containerPort,
    health: healthPaths(usesHuggingFaceServer, servedModelName),
    startupTimeoutSeconds: startupTimeout.toSeconds(),
    cacheGiB: cacheSizeGiB,
    env: environment(source, backend, plan, region),
  };

  const modelArgument = vllmModelArgument(source);
  const fromHub = source.kind === ModelSourceKind.HUGGING_FACE;
  let args: string[];
  if (backend === ServedModelBackend.VLLM) {
    args = [modelArgument, ...vllmEngineArgs(engine, containerPort), ...(multiNode ? ['--distributed-executor-backend', 'ray'] : [])];
  } else if (usesHuggingFaceServer) {
    args = huggingFaceServerArgs(engine, fromHub ? { modelId: source.repoId, revision: source.revision } : {});
  } else {
    args = [fromHub ? source.repoId! : LLM_SERVER_PATHS.kserveModel, ...vllmEngineArgs(engine, containerPort)];
  }

  return {
    name,
    namespaceName,
    serviceAccountName,
    backend,
    kserveRuntime,
    usesHuggingFaceServer,
    task,
    model,
    source,
    pools,
    plan,
    image: usesHuggingFaceServer ? IMAGES.kserveHuggingFaceServer : IMAGES.vllmOpenai,
    engine,
    modelArgument,
    args,
    containerPort,
    minReplicas,
    maxReplicas,
    autoscaling: props.autoscaling,
    multiNode,
    startupTimeout,
    cacheSizeGiB,
    selectorLabels,
    labels,
    annotations: { [SYNC_WAVE_ANNOTATION]: String(SERVING_SYNC_WAVE) },
    pod,
    initContainers: backend === ServedModelBackend.VLLM ? ociCopy(source) : [],
    // Hub models are downloaded by the server itself with the token from the Secret.
    storageUri: backend === ServedModelBackend.KSERVE && !fromHub ? source.storageUri : undefined,
  };
}

function checkGpuBudget(where: string, props: LlmServiceProps, plan: LlmSizingPlan, namespaceName: string, maxReplicas: number): void {
  const prop = props.autoscaling ? 'autoscaling.maxReplicas' : 'replicas';
  const perReplica = plan.gpusPerReplica;
  const budget = maxReplicas * perReplica;
  const pool = plan.pool;
  if (pool.maxGpus > 0 && budget > pool.maxGpus) {
    throw invalidProp(where, prop, maxReplicas,
      `${maxReplicas} replicas x ${perReplica} GPU${perReplica === 1 ? '' : 's'} = ${budget} GPUs, more than pool ${pool.poolName} can ever hold (${pool.maxGpus})`,
      `give at most ${Math.floor(pool.maxGpus / perReplica)} replicas, or raise the pool's maximum size`);
  }
  const quota = props.gpuQuota ?? (props.namespace instanceof TeamNamespace ? props.namespace.quota.gpus : undefined);
  if (quota !== undefined) {
    if (!Number.isInteger(quota) || quota < 0) {
      throw invalidProp(where, 'gpuQuota', quota, 'not a whole number of GPUs', 'give the namespace\'s GPU quota, e.g. 8');
    }
    if (budget > quota) {
      throw invalidProp(where, prop, maxReplicas,
        `${maxReplicas} replicas x ${perReplica} GPU${perReplica === 1 ? '' : 's'} = ${budget} GPUs, more than the GPU quota of namespace ${namespaceName} (${quota})`,
        `give at most ${Math.floor(quota / perReplica)} replicas, or raise the team's quota`);
    }
  }
}

function healthPaths(huggingFaceServer: boolean, servedModelName: string): HealthPaths {
  if (huggingFaceServer) {
    // KServe's model server: a model's readiness (v1 protocol) and the server's liveness.
    return { ready: `/v1/models/${servedModelName}`, live: '/' };
  }
  return { ready: '/health', live: '/health' };
}

function environment(source: ModelSource, backend: ServedModelBackend, plan: LlmSizingPlan, region: string | undefined): k8s.EnvVar[] {
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
  if (source.kind !== ModelSourceKind.HUGGING_FACE) env.push({ name: 'HF_HUB_OFFLINE', value: '1' });
  if (source.tokenSecret) env.push({ name: 'HF_TOKEN', valueFrom: source.tokenSecret.toEnvVarSource() });
  if (region) {
    env.push({ name: 'AWS_REGION', value: region }, { name: 'AWS_DEFAULT_REGION', value: region });
  }
  if (backend === ServedModelBackend.VLLM && source.kind === ModelSourceKind.S3) {
    // The Run:ai streamer buffers the whole model in RAM unless limited.
    const bytes = Math.floor(plan.memoryGiB * SERVING_POD_CONSTANTS.streamerMemoryShare) * 1024 ** 3;
    env.push({ name: 'RUNAI_STREAMER_MEMORY_LIMIT', value: String(Math.max(bytes, 1024 ** 3)) });
  }
  return env;
}

function vllmModelArgument(source: ModelSource): string {
  switch (source.kind) {
    case ModelSourceKind.S3: return source.storageUri;
    case ModelSourceKind.HUGGING_FACE: return source.repoId!;
    case ModelSourceKind.OCI: return LLM_SERVER_PATHS.ociModel;
    default: throw new Error(`internal: unknown model source ${source.kind}`);
  }
}

/** For an OCI model on the vLLM backend: copy the files from the image into the cache. */
function ociCopy(source: ModelSource): k8s.Container[] {
  if (source.kind !== ModelSourceKind.OCI) return [];
  const q = { cpu: k8s.Quantity.fromString('1'), memory: k8s.Quantity.fromString('1Gi') };
  return [{
    name: 'model',
    image: source.image!,
    imagePullPolicy: 'IfNotPresent',
    command: ['cp', '-R', `${source.modelPath}/.`, LLM_SERVER_PATHS.ociModel],
    resources: { requests: q, limits: q },
    securityContext: serverSecurityContext(),
    volumeMounts: [{ name: 'model-cache', mountPath: LLM_SERVER_PATHS.cache }],
  }];
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
