/**
 * The choices a user makes about how an LLM is served, as enums (jsii-clean), and the
 * constants of the serving pods.
 */

/** The serving runtime of the KServe backend. */
export enum KServeRuntime {
  /**
   * KServe's Hugging Face server (the `kserve-huggingfaceserver` ClusterServingRuntime with its
   * image pinned through `runtimeVersion`), vLLM engine inside. OpenAI API under `/openai/v1`.
   */
  HUGGING_FACE = 'huggingface',
  /**
   * The pinned vllm/vllm-openai image, wrapped in a ServingRuntime that the service creates in its
   * namespace (KServe v0.20 ships no vLLM runtime). OpenAI API under `/v1`.
   */
  VLLM = 'vllm',
}

/** vLLM's `--dtype`: the data type of activations and of unquantised weights. */
export enum VllmDtype {
  /** From the checkpoint (`auto`); the right choice for quantised checkpoints. */
  AUTO = 'auto',
  /** bfloat16; needs an Ampere or newer GPU (not T4). */
  BFLOAT16 = 'bfloat16',
  /** float16 (`half`). */
  FLOAT16 = 'float16',
}

/** vLLM's `--quantization`: how the weights of the checkpoint are quantised. */
export enum VllmQuantization {
  /** AWQ 4-bit weights (the model spec's weightDtype must be INT4). */
  AWQ = 'awq',
  /** GPTQ 4-bit weights (weightDtype INT4). */
  GPTQ = 'gptq',
  /** FP8 weights: an FP8 checkpoint, or a 16-bit checkpoint quantised at load (weightDtype FP8). */
  FP8 = 'fp8',
  /** llm-compressor checkpoints (W8A8 int8/fp8, W4A16): weightDtype INT8, FP8 or INT4. */
  COMPRESSED_TENSORS = 'compressed-tensors',
}

/** Ports and paths of the servers. */
export const LLM_SERVER_PORTS = {
  /** vllm/vllm-openai's default port (OpenAI API, /health, /metrics). */
  vllm: 8000,
  /** KServe's model server HTTP port (the Hugging Face runtime). */
  kserveHttp: 8080,
  /** The port of the Service in front of the pods. */
  service: 80,
};

/** Constants of the serving pods, in one place so that they can be read and tested. */
export const SERVING_POD_CONSTANTS = {
  /** User and group the servers run as (the images run as root by default; nothing needs it). */
  uid: 2000,
  /** Node vCPUs kept for the kubelet, system daemons and agents: this share, at least minReservedCpu. */
  reservedCpuShare: 0.1,
  /** At least this many vCPUs are kept per node. */
  minReservedCpu: 1,
  /** Node memory kept for the kubelet, system daemons and agents: this share, at least minReservedMemoryGiB. */
  reservedMemoryShare: 0.1,
  /** At least this many GiB are kept per node. */
  minReservedMemoryGiB: 4,
  /** /dev/shm for one GPU (PyTorch IPC); more with several GPUs (NCCL, custom all-reduce). */
  shmGiBSingleGpu: 2,
  /** /dev/shm per GPU when a replica spans several GPUs. */
  shmGiBPerGpuMulti: 4,
  /** /tmp (torch.compile and Triton scratch). */
  tmpGiB: 4,
  /** Writable cache besides model weights (compile caches, tokenizer and config files). */
  cacheBaseGiB: 4,
  /** Disk per GiB of weights when the weights are downloaded to disk (Hugging Face, OCI copy). */
  cachePerWeightGiB: 1.1,
  /** Base startup budget: image pull of ~10 GB, CUDA init, torch.compile, CUDA graphs. */
  startupBaseSeconds: 600,
  /** Startup budget per GiB of weights (download or stream at a conservative ~50 MB/s, then load). */
  startupSecondsPerWeightGiB: 20,
  /** Startup probe period. */
  startupPeriodSeconds: 10,
  /** Grace period: in-flight requests finish after SIGTERM. */
  terminationGracePeriodSeconds: 120,
  /** Share of the container memory the Run:ai streamer may buffer (it defaults to the whole model). */
  streamerMemoryShare: 0.25,
};
