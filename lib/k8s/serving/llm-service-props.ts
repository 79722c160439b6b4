import { Duration } from 'cdk8s';
import { LlmAutoscalingOptions } from './llm-autoscaling';
import { KServeRuntime, VllmDtype, VllmQuantization } from './serving-options';
import { ServedModelCommonProps } from './serving-props';
import { GpuInstanceType } from '../../core/accelerators';
import { LLM_SERVICE_POD_LABEL } from '../../core/metrics';
import { ModelSpec } from '../../core/models';
import { ServedModelBackend, ServedModelTask } from '../../core/platform-spec';
import { ModelSource } from '../common/model-source';
import { INodePool } from '../node-pool';
import { WORKLOADS_SYNC_WAVE } from '../pod-security';
import { INamespaceOwner } from '../workload-selector';

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
   * The GPU pools the service may use (one or more); sizing picks the pool and instance types
   * where a replica is cheapest. Required (the deprecated `pool` still stands in for a list of one).
   * @default - [pool]
   */
  readonly pools?: INodePool[];
  /**
   * The GPU pool the replicas run on.
   * @deprecated use `pools: [pool]`; a service takes its pools as one list
   * @default - none: `pools`
   */
  readonly pool?: INodePool;
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
