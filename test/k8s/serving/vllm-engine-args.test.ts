import { ServedModelTask } from '../../../lib/core/platform-spec';
import { VllmDtype, VllmQuantization } from '../../../lib/k8s/serving/serving-options';
import { VllmEngineSettings, huggingFaceServerArgs, vllmEngineArgs } from '../../../lib/k8s/serving/vllm-engine-args';

const MINIMAL: VllmEngineSettings = {
  servedModelName: 'llama-3.1-8b-instruct',
  task: ServedModelTask.CHAT,
  tensorParallelSize: 1,
  pipelineParallelSize: 1,
  maxModelLen: 8192,
  gpuMemoryUtilization: 0.9,
  dtype: VllmDtype.AUTO,
  extraArgs: [],
};

const FULL: VllmEngineSettings = {
  ...MINIMAL,
  tensorParallelSize: 4,
  pipelineParallelSize: 2,
  dtype: VllmDtype.BFLOAT16,
  maxNumSeqs: 128,
  quantization: VllmQuantization.FP8,
  kvCacheDtype: 'fp8_e5m2',
  enablePrefixCaching: false,
  loadFormat: 'runai_streamer',
  revision: 'a1b2c3',
  toolCallParser: 'llama3_json',
  extraArgs: ['--seed', '7'],
};

describe('vllmEngineArgs', () => {
  test('the least: host, port, served name, one GPU, length, memory share, dtype; no pipeline flag at 1', () => {
    expect(vllmEngineArgs(MINIMAL, 8000)).toEqual([
      '--host', '0.0.0.0', '--port', '8000', '--served-model-name', 'llama-3.1-8b-instruct',
      '--tensor-parallel-size', '1', '--max-model-len', '8192', '--gpu-memory-utilization', '0.9', '--dtype', 'auto',
    ]);
  });

  test('every option, in a fixed order, extra arguments last', () => {
    expect(vllmEngineArgs(FULL, 8080)).toEqual([
      '--host', '0.0.0.0', '--port', '8080', '--served-model-name', 'llama-3.1-8b-instruct',
      '--tensor-parallel-size', '4', '--pipeline-parallel-size', '2', '--max-model-len', '8192', '--gpu-memory-utilization', '0.9', '--dtype', 'bfloat16',
      '--max-num-seqs', '128', '--quantization', 'fp8', '--kv-cache-dtype', 'fp8_e5m2', '--no-enable-prefix-caching',
      '--load-format', 'runai_streamer', '--revision', 'a1b2c3', '--enable-auto-tool-choice', '--tool-call-parser', 'llama3_json',
      '--seed', '7',
    ]);
  });

  test('embeddings run the pooling runner; prefix caching on', () => {
    const args = vllmEngineArgs({ ...MINIMAL, task: ServedModelTask.EMBED, enablePrefixCaching: true }, 8000);
    expect(args.slice(6, 8)).toEqual(['--runner', 'pooling']);
    expect(args[args.length - 1]).toBe('--enable-prefix-caching');
  });
});

describe('huggingFaceServerArgs', () => {
  test('the least: the served name first, the vLLM backend, engine flags with "=", no model id or revision', () => {
    expect(huggingFaceServerArgs(MINIMAL, {})).toEqual([
      '--model_name=llama-3.1-8b-instruct', '--backend=vllm', '--max_model_len=8192', '--dtype=auto', '--tensor-parallel-size=1', '--gpu-memory-utilization=0.9',
    ]);
  });

  test('every option: the model\'s id and revision (not the settings\' revision), no load format, extra arguments last', () => {
    expect(huggingFaceServerArgs(FULL, { modelId: 'meta-llama/Llama-3.1-8B-Instruct', revision: 'main' })).toEqual([
      '--model_name=llama-3.1-8b-instruct', '--model_id=meta-llama/Llama-3.1-8B-Instruct', '--model_revision=main', '--backend=vllm',
      '--max_model_len=8192', '--dtype=bfloat16', '--tensor-parallel-size=4', '--pipeline-parallel-size=2', '--gpu-memory-utilization=0.9',
      '--max-num-seqs=128', '--quantization=fp8', '--kv-cache-dtype=fp8_e5m2', '--no-enable-prefix-caching',
      '--enable-auto-tool-choice', '--tool-call-parser=llama3_json', '--seed', '7',
    ]);
  });

  test('embeddings: the pooling runner after the backend, never --task', () => {
    const args = huggingFaceServerArgs({ ...MINIMAL, task: ServedModelTask.EMBED }, {});
    expect(args.slice(1, 3)).toEqual(['--backend=vllm', '--runner=pooling']);
    expect(args.some((a) => a.startsWith('--task'))).toBe(false);
  });
});
