import { Duration } from 'cdk8s';
import { GpuInstanceType, ModelPresets, ServedModelBackend, ServedModelTask } from '../../../lib/core';
import { KServeRuntime, LlmServiceProps, ModelSource, NodePoolReference, VllmDtype, VllmQuantization } from '../../../lib/k8s';
import { resolveLlmServiceSettings } from '../../../lib/k8s/serving/llm-service-settings';
import { contract, gpuPoolContract } from '../helpers';

// The resolver runs without a chart or an app: a plain namespace owner, pool references and props.
const a10g = NodePoolReference.fromContract(gpuPoolContract('gpu-a10g', GpuInstanceType.G5_2XLARGE, 4));
const t4 = NodePoolReference.fromContract(gpuPoolContract('gpu-t4', GpuInstanceType.G4DN_2XLARGE, 4));
const h100 = NodePoolReference.fromContract(gpuPoolContract('gpu-h100', GpuInstanceType.P5_48XLARGE, 2));
const llama8b = ModelPresets.LLAMA_3_1_8B_INSTRUCT;
const bge = ModelPresets.BGE_LARGE_EN_V1_5;
const s3 = ModelSource.s3('s3://cnai-test-models/llama-3.1-8b-instruct/', { region: 'us-west-2' });
const site = { path: 'test/chat', id: 'chat' };

function resolve(props: Partial<LlmServiceProps> = {}) {
  return resolveLlmServiceSettings(site, { model: llama8b, maxModelLen: 8192, source: s3, namespace: { namespaceName: 'team-a' }, pools: [a10g], ...props } as LlmServiceProps);
}

describe('resolveLlmServiceSettings: defaults', () => {
  const s = resolve();

  test('names, backend and task from the id and the model', () => {
    expect(s.name).toBe('chat');
    expect(s.namespaceName).toBe('team-a');
    expect(s.serviceAccountName).toBe('chat');
    expect(s.backend).toBe('vllm');
    expect(s.kserveRuntime).toBeUndefined();
    expect(s.usesHuggingFaceServer).toBe(false);
    expect(s.task).toBe('chat');
    expect(s.model.maxContextLength).toBe(8192);
  });

  test('one pool list; the replica sized on it', () => {
    expect(s.pools.map((p) => p.poolName)).toEqual(['gpu-a10g']);
    expect(s.plan.pool.poolName).toBe('gpu-a10g');
    expect(s.plan.gpusPerReplica).toBe(1);
    expect(s.plan.tensorParallelSize).toBe(1);
    // g5.2xlarge: 8 vCPUs and 32 GiB, less the system reserve (1 vCPU, 4 GiB).
    expect(s.plan.cpu).toBe(7);
    expect(s.plan.memoryGiB).toBe(28);
  });

  test('image, engine flags and the server arguments', () => {
    expect(s.image).toEqual({ repository: 'docker.io/vllm/vllm-openai', tag: 'v0.30.0', chosen: '2026-11-27' });
    expect(s.engine).toEqual({
      servedModelName: 'llama-3.1-8b-instruct',
      task: 'chat',
      tensorParallelSize: 1,
      pipelineParallelSize: 1,
      maxModelLen: 8192,
      gpuMemoryUtilization: 0.9,
      dtype: 'bfloat16',
      maxNumSeqs: undefined,
      quantization: undefined,
      kvCacheDtype: undefined,
      enablePrefixCaching: true,
      loadFormat: 'runai_streamer',
      revision: undefined,
      toolCallParser: undefined,
      extraArgs: [],
    });
    expect(s.modelArgument).toBe('s3://cnai-test-models/llama-3.1-8b-instruct/');
    expect(s.args).toEqual([
      's3://cnai-test-models/llama-3.1-8b-instruct/', '--host', '0.0.0.0', '--port', '8000', '--served-model-name', 'llama-3.1-8b-instruct',
      '--tensor-parallel-size', '1', '--max-model-len', '8192', '--gpu-memory-utilization', '0.9', '--dtype', 'bfloat16',
      '--enable-prefix-caching', '--load-format', 'runai_streamer',
    ]);
    expect(s.containerPort).toBe(8000);
  });

  test('a fixed replica, no autoscaling, one node per replica', () => {
    expect([s.minReplicas, s.maxReplicas]).toEqual([1, 1]);
    expect(s.autoscaling).toBeUndefined();
    expect(s.multiNode).toBeUndefined();
  });

  test('startup budget, cache, labels and the pod environment', () => {
    // 10 minutes plus 20 s per GiB of weights (about 15 GiB), rounded up to whole minutes.
    expect(s.startupTimeout.toSeconds()).toBe(900);
    // Streamed from S3: nothing on disk but the compile caches.
    expect(s.cacheSizeGiB).toBe(4);
    expect(s.selectorLabels).toEqual({ 'cnai.io/llm-service': 'chat' });
    expect(s.labels).toEqual({
      'app.kubernetes.io/name': 'chat',
      'app.kubernetes.io/component': 'llm-server',
      'app.kubernetes.io/part-of': 'cnai-platform',
      'app.kubernetes.io/managed-by': 'cnai-constructs',
      'cnai.io/llm-service': 'chat',
      'cnai.io/model': 'llama-3.1-8b-instruct',
    });
    expect(s.annotations).toEqual({ 'argocd.argoproj.io/sync-wave': '1' });
    expect(s.pod.health).toEqual({ ready: '/health', live: '/health' });
    expect(s.pod.startupTimeoutSeconds).toBe(900);
    expect(s.pod.env.map((e) => e.name)).toEqual([
      'HOME', 'USER', 'LOGNAME', 'HF_HOME', 'XDG_CACHE_HOME', 'VLLM_CACHE_ROOT', 'TRITON_CACHE_DIR', 'VLLM_NO_USAGE_STATS', 'DO_NOT_TRACK',
      'HF_HUB_OFFLINE', 'AWS_REGION', 'AWS_DEFAULT_REGION', 'RUNAI_STREAMER_MEMORY_LIMIT',
    ]);
    // A quarter of the 28 GiB container memory.
    expect(s.pod.env.find((e) => e.name === 'RUNAI_STREAMER_MEMORY_LIMIT')?.value).toBe('7516192768');
    expect(s.initContainers).toEqual([]);
    expect(s.storageUri).toBeUndefined();
  });
});

describe('resolveLlmServiceSettings: choices', () => {
  test('KServe with the Hugging Face server, a hub model, autoscaling and tool calling', () => {
    const s = resolve({
      source: ModelSource.huggingFace('meta-llama/Llama-3.1-8B-Instruct'),
      backend: ServedModelBackend.KSERVE,
      autoscaling: { maxReplicas: 3 },
      toolCalling: true,
    });
    expect(s.kserveRuntime).toBe('huggingface');
    expect(s.usesHuggingFaceServer).toBe(true);
    expect(s.image).toEqual({ repository: 'docker.io/kserve/huggingfaceserver', tag: 'v0.20.0-gpu', chosen: '2026-11-27' });
    expect(s.containerPort).toBe(8080);
    expect(s.args).toEqual([
      '--model_name=llama-3.1-8b-instruct', '--model_id=meta-llama/Llama-3.1-8B-Instruct', '--backend=vllm', '--max_model_len=8192',
      '--dtype=bfloat16', '--tensor-parallel-size=1', '--gpu-memory-utilization=0.9', '--enable-prefix-caching',
      '--enable-auto-tool-choice', '--tool-call-parser=llama3_json',
    ]);
    expect(s.engine.toolCallParser).toBe('llama3_json');
    expect(s.pod.health).toEqual({ ready: '/v1/models/llama-3.1-8b-instruct', live: '/' });
    expect([s.minReplicas, s.maxReplicas]).toEqual([1, 3]);
    expect(s.autoscaling).toEqual({ maxReplicas: 3 });
    // The server downloads a hub model itself: no storage URI; weights x 1.1 + 4 GiB on disk.
    expect(s.storageUri).toBeUndefined();
    expect(s.cacheSizeGiB).toBe(21);
    expect(s.pod.env.map((e) => e.name)).not.toContain('HF_HUB_OFFLINE');
  });

  test('KServe with the vLLM runtime loads what the storage initializer put at /mnt/models', () => {
    const s = resolve({ backend: ServedModelBackend.KSERVE, kserveRuntime: KServeRuntime.VLLM });
    expect(s.image.repository).toBe('docker.io/vllm/vllm-openai');
    expect(s.containerPort).toBe(8000);
    expect(s.storageUri).toBe('s3://cnai-test-models/llama-3.1-8b-instruct/');
    expect(s.args.slice(0, 3)).toEqual(['/mnt/models', '--host', '0.0.0.0']);
    expect(s.engine.loadFormat).toBeUndefined();
  });

  test('an OCI model on vLLM is copied into the cache first', () => {
    const s = resolve({ source: ModelSource.oci('registry.example.com/models/llama-3.1-8b@sha256:' + 'a'.repeat(64)) });
    expect(s.modelArgument).toBe('/var/cache/model/oci');
    expect(s.initContainers.map((c) => [c.name, c.command])).toEqual([['model', ['cp', '-R', '/models/.', '/var/cache/model/oci']]]);
    expect(s.cacheSizeGiB).toBe(21);
  });

  test('an embedding model: the embed task, no prefix caching, its own component label', () => {
    const s = resolve({ model: bge, maxModelLen: undefined, name: 'embed' });
    expect(s.task).toBe('embed');
    expect(s.engine.enablePrefixCaching).toBeUndefined();
    expect(s.labels['app.kubernetes.io/component']).toBe('embedding-server');
  });

  test('Turing GPUs get float16', () => {
    expect(resolve({ model: bge, maxModelLen: undefined, pools: [t4] }).engine.dtype).toBe('float16');
  });

  test('the deprecated pool stands in for a list of one', () => {
    const s = resolve({ pools: undefined, pool: a10g });
    expect(s.pools.map((p) => p.poolName)).toEqual(['gpu-a10g']);
    expect(s.plan.pool.poolName).toBe('gpu-a10g');
  });

  test('a model no node holds spans nodes: no room to surge in a pool of two nodes, the p5.48xlarge\'s 32 EFA interfaces', () => {
    const s = resolve({ model: ModelPresets.LLAMA_3_1_405B_INSTRUCT, maxModelLen: 8192, pools: [h100] });
    expect(s.plan.nodesPerReplica).toBe(2);
    expect(s.multiNode).toEqual({ surge: false, efaInterfaces: 32 });
    expect(s.args.slice(-2)).toEqual(['--distributed-executor-backend', 'ray']);
  });

  test('the contract region for an S3 source without one; a workload identity the contract gives', () => {
    const c = { ...contract([]), region: 'eu-central-1', workloadIdentities: [{ namespace: 'team-a', serviceAccount: 'chat', roleName: 'chat-models' }] };
    const s = resolve({ contract: c, source: ModelSource.s3('s3://cnai-test-models/llama/') });
    expect(s.pod.env.find((e) => e.name === 'AWS_REGION')?.value).toBe('eu-central-1');
  });
});

describe('resolveLlmServiceSettings: errors it owns', () => {
  const cases: Array<[string, Partial<LlmServiceProps>, RegExp]> = [
    ['an inline token', { hfToken: 'hf_x' } as never, /^test\/chat: invalid hfToken = "<not shown>": a token cannot be given inline/],
    ['a source that is not a ModelSource', { source: 's3://bucket/model' as never }, /invalid source = "<string, not shown>": not a ModelSource/],
    ['a spec that is not a ModelSpec', { model: { name: 'x' } as never }, /invalid model = \{"name":"x"\}: not a ModelSpec/],
    ['a bad namespace name', { namespace: { namespaceName: 'Team_A' } }, /invalid namespace = "Team_A"/],
    ['a bad service name', { name: 'Chat_Service' }, /invalid name = "Chat_Service"/],
    ['a KServe name too long for <name>-predictor', { backend: ServedModelBackend.KSERVE, name: 'a'.repeat(54) },
      /KServe names its Service <name>-predictor, which must stay within 63 characters\. Fix: use a name of at most 53 characters/],
    ['a KServe runtime without the KServe backend', { kserveRuntime: KServeRuntime.VLLM }, /invalid kserveRuntime = "vllm": only the KServe backend has a serving runtime/],
    ['a bad ServiceAccount name', { serviceAccountName: 'Chat SA' }, /invalid serviceAccountName = "Chat SA"/],
    ['chat on an embedding model', { model: bge, maxModelLen: undefined, task: ServedModelTask.CHAT },
      /invalid task = "chat": .+ is an embedding model: it cannot generate text/],
    ['a fractional context length', { maxModelLen: 1000.5 }, /invalid maxModelLen = 1000\.5: not a positive whole number of tokens/],
    ['a context beyond the model', { maxModelLen: 1_000_000 }, /invalid maxModelLen = 1000000: above the context length of llama-3\.1-8b-instruct \(131072 tokens\)/],
    ['a GPU memory share above 1', { gpuMemoryUtilization: 90 }, /invalid gpuMemoryUtilization = 90: must be a share of GPU memory in \(0, 1\]/],
    ['a quantization outside the enum', { quantization: 'bitsandbytes' as never }, /invalid quantization = "bitsandbytes": not a quantization method of the VllmQuantization enum/],
    ['a quantization the spec does not size', { quantization: VllmQuantization.AWQ },
      /invalid quantization = "awq": stores int4 weights, but the model spec llama-3\.1-8b-instruct says bf16, so sizing would be wrong/],
    ['a fractional batch size', { maxNumSeqs: 2.5 }, /invalid maxNumSeqs = 2\.5: not a positive whole number/],
    ['prefix caching for embeddings', { model: bge, maxModelLen: undefined, enablePrefixCaching: true },
      /invalid enablePrefixCaching = true: embedding models have no KV cache to reuse/],
    ['tool calling on a model without a parser', { model: bge, maxModelLen: undefined, toolCalling: true },
      /invalid toolCalling = ".*": tool calling is asked of .*, whose model spec names no tool call parser/],
    ['an extra arg that is not a string', { extraArgs: [42 as never] }, /invalid extraArgs\[0\] = 42: not a string/],
    ['an extra arg that a prop owns', { extraArgs: ['--max-model-len=4096'] }, /invalid extraArgs\[0\] = "--max-model-len=4096": --max-model-len is set by a prop of the service/],
    ['pool and pools together', { pool: a10g }, /invalid pools = \["gpu-a10g"\]: both pool and pools are given\. Fix: give pools \(pool is deprecated: pools: \[pool\]\), not both/],
    ['bfloat16 on Turing GPUs', { model: bge, maxModelLen: undefined, pools: [t4], dtype: VllmDtype.BFLOAT16 },
      /invalid dtype = "bfloat16": the T4 GPUs of pool gpu-t4 \(Turing\) have no bfloat16/],
    ['a fixed count and autoscaling', { replicas: 2, autoscaling: { maxReplicas: 2 } }, /invalid replicas = 2: a fixed count and autoscaling are both given/],
    ['zero fixed replicas', { replicas: 0 }, /invalid replicas = 0: not a whole number of at least 1\. Fix: give 1 or more, or use autoscaling with scaleToZero/],
    ['scale to zero on KServe', { backend: ServedModelBackend.KSERVE, autoscaling: { minReplicas: 0, maxReplicas: 2, scaleToZero: { activationQuery: 'x' } } },
      /invalid autoscaling\.scaleToZero = "set": KServe's Standard mode keeps at least one predictor replica/],
    ['more GPUs than the pool holds', { replicas: 5 }, /invalid replicas = 5: 5 replicas x 1 GPU = 5 GPUs, more than pool gpu-a10g can ever hold \(4\)\. Fix: give at most 4 replicas/],
    ['a GPU quota that is not whole', { gpuQuota: -1 }, /invalid gpuQuota = -1: not a whole number of GPUs/],
    ['more GPUs than the quota', { gpuQuota: 2, autoscaling: { maxReplicas: 3 } },
      /invalid autoscaling\.maxReplicas = 3: 3 replicas x 1 GPU = 3 GPUs, more than the GPU quota of namespace team-a \(2\)\. Fix: give at most 2 replicas/],
    ['an S3 model without a workload identity in the contract', { contract: contract([]) },
      /invalid serviceAccountName = "team-a\/chat": the contract has no workload identity for it, so the pods cannot read s3:\/\/cnai-test-models\/llama-3\.1-8b-instruct\//],
    ['a served model name clients cannot send', { servedModelName: 'my model' }, /invalid servedModelName = "my model": not a model name clients can send/],
    ['a startup budget under a minute', { startupTimeout: Duration.seconds(30) }, /invalid startupTimeout = "30s": too short for any model server to start/],
    ['a cache size that is not whole GiB', { cacheSizeGiB: 0 }, /invalid cacheSizeGiB = 0: not a whole number of GiB/],
    ['KServe for a model across nodes', { model: ModelPresets.LLAMA_3_1_405B_INSTRUCT, pools: [h100], backend: ServedModelBackend.KSERVE },
      /invalid backend = "kserve": the model is served across nodes .*KServe's Standard mode serves from one pod/],
    ['autoscaling a model across nodes', { model: ModelPresets.LLAMA_3_1_405B_INSTRUCT, pools: [h100], autoscaling: { maxReplicas: 1 } },
      /invalid autoscaling = "set": the model is served across nodes .*the autoscaler scales Deployments/],
  ];
  test.each(cases)('%s', (_name, props, message) => {
    expect(() => resolve(props)).toThrow(message);
  });
});
