import { VllmDtype, VllmQuantization } from './serving-options';
import { ServedModelTask } from '../../core/platform-spec';

/** The resolved engine settings of a service (every default already applied). */
export interface VllmEngineSettings {
  /** Name clients send as `model` (`--served-model-name`). */
  readonly servedModelName: string;
  /** Generation or embeddings. */
  readonly task: ServedModelTask;
  /** `--tensor-parallel-size`. */
  readonly tensorParallelSize: number;
  /** `--pipeline-parallel-size` (1: not passed). */
  readonly pipelineParallelSize: number;
  /** `--max-model-len`. */
  readonly maxModelLen: number;
  /** `--gpu-memory-utilization`. */
  readonly gpuMemoryUtilization: number;
  /** `--dtype`. */
  readonly dtype: VllmDtype;
  /**
   * `--max-num-seqs`.
   * @default - vLLM's default
   */
  readonly maxNumSeqs?: number;
  /**
   * `--quantization`.
   * @default - from the checkpoint's config
   */
  readonly quantization?: VllmQuantization;
  /**
   * `--kv-cache-dtype`.
   * @default - auto
   */
  readonly kvCacheDtype?: string;
  /**
   * Prefix caching on or off (`--[no-]enable-prefix-caching`); not passed for embeddings.
   * @default - not passed
   */
  readonly enablePrefixCaching?: boolean;
  /**
   * `--load-format` (`runai_streamer` streams safetensors from S3 into GPU memory).
   * @default - vLLM's default
   */
  readonly loadFormat?: string;
  /**
   * `--revision` of a Hugging Face model.
   * @default - the default branch
   */
  readonly revision?: string;
  /** Arguments appended verbatim. */
  readonly extraArgs: string[];
}

/**
 * The arguments of `vllm serve <model>` after the model, one flag and one value per item.
 * The server listens on all interfaces on `port` (also /health and /metrics).
 */
export function vllmEngineArgs(s: VllmEngineSettings, port: number): string[] {
  const args: string[] = [
    '--host', '0.0.0.0',
    '--port', String(port),
    '--served-model-name', s.servedModelName,
  ];
  if (s.task === ServedModelTask.EMBED) args.push('--runner', 'pooling');
  args.push('--tensor-parallel-size', String(s.tensorParallelSize));
  if (s.pipelineParallelSize > 1) args.push('--pipeline-parallel-size', String(s.pipelineParallelSize));
  args.push('--max-model-len', String(s.maxModelLen));
  args.push('--gpu-memory-utilization', String(s.gpuMemoryUtilization));
  args.push('--dtype', s.dtype);
  if (s.maxNumSeqs !== undefined) args.push('--max-num-seqs', String(s.maxNumSeqs));
  if (s.quantization !== undefined) args.push('--quantization', s.quantization);
  if (s.kvCacheDtype !== undefined) args.push('--kv-cache-dtype', s.kvCacheDtype);
  if (s.enablePrefixCaching !== undefined) args.push(s.enablePrefixCaching ? '--enable-prefix-caching' : '--no-enable-prefix-caching');
  if (s.loadFormat !== undefined) args.push('--load-format', s.loadFormat);
  if (s.revision !== undefined) args.push('--revision', s.revision);
  return [...args, ...s.extraArgs];
}

/**
 * Arguments of KServe's Hugging Face server with the vLLM backend. Its own flags use
 * underscores; vLLM's engine flags pass through with dashes. The runtime's own
 * `--model_name={{.Name}}` comes first (KServe appends these), so the served name given
 * here wins.
 *
 * Embeddings: with the vLLM backend the server adds vLLM's own CLI parser
 * (python/huggingfaceserver/huggingfaceserver/__main__.py at v0.20.0: `maybe_add_vllm_cli_parser`;
 * `--task` exists only on the Hugging Face backend's parser) and parses with
 * `parse_known_args`, so a `--task` flag would be dropped without a word. The bundled vLLM
 * (0.24.0, python/huggingface_server.Dockerfile) selects embedding with `--runner=pooling`; the
 * server then serves /openai/v1/embeddings when the engine reports the `embed` task
 * (huggingfaceserver/vllm/vllm_model.py).
 */
export function huggingFaceServerArgs(s: VllmEngineSettings, model: { readonly modelId?: string; readonly revision?: string }): string[] {
  const args: string[] = [`--model_name=${s.servedModelName}`];
  if (model.modelId !== undefined) args.push(`--model_id=${model.modelId}`);
  if (model.revision !== undefined) args.push(`--model_revision=${model.revision}`);
  // vLLM for both tasks: the engine the service was sized for, and the metrics it scales on.
  args.push('--backend=vllm');
  if (s.task === ServedModelTask.EMBED) args.push('--runner=pooling');
  args.push(`--max_model_len=${s.maxModelLen}`);
  args.push(`--dtype=${s.dtype}`);
  args.push(`--tensor-parallel-size=${s.tensorParallelSize}`);
  if (s.pipelineParallelSize > 1) args.push(`--pipeline-parallel-size=${s.pipelineParallelSize}`);
  args.push(`--gpu-memory-utilization=${s.gpuMemoryUtilization}`);
  if (s.maxNumSeqs !== undefined) args.push(`--max-num-seqs=${s.maxNumSeqs}`);
  if (s.quantization !== undefined) args.push(`--quantization=${s.quantization}`);
  if (s.kvCacheDtype !== undefined) args.push(`--kv-cache-dtype=${s.kvCacheDtype}`);
  if (s.enablePrefixCaching !== undefined) args.push(s.enablePrefixCaching ? '--enable-prefix-caching' : '--no-enable-prefix-caching');
  return [...args, ...s.extraArgs];
}
