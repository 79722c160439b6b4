import { spawnSync } from 'child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { EVALUATION_SCRIPT, PROMOTION_SCRIPT } from '../../../lib/k8s/delivery/delivery-scripts';

/*
 * The delivery Jobs' programs run with stand-ins for the packages their images bring (boto3 and
 * vllm in the vLLM image, mlflow in the MLflow image): each stand-in records how it was called in
 * a JSON file, so the programs' inputs, outputs and exit codes are checked without a GPU or AWS.
 */

const python = spawnSync('python3', ['--version']).status === 0 ? 'python3' : undefined;

function requirePython(): string {
  if (!python) throw new Error('python3 is not installed: install Python 3 (e.g. `apt-get install python3`) to run the delivery scripts\' tests');
  return python;
}

const BOTO3 = `import json, os
class _Body:
    def __init__(self, data): self.data = data
    def read(self): return self.data
class _S3:
    def get_object(self, Bucket, Key):
        with open(os.environ["STUB_LOG"] + ".s3", "w") as f: json.dump({"Bucket": Bucket, "Key": Key}, f)
        with open(os.environ["STUB_DATASET"], "rb") as f: return {"Body": _Body(f.read())}
def client(name):
    assert name == "s3"
    return _S3()
`;

const VLLM = `import json, os
class SamplingParams:
    def __init__(self, **kw): self.kw = kw
class _Out:
    def __init__(self, text): self.text = text
class _Res:
    def __init__(self, text): self.outputs = [_Out(text)]
ANSWERS = json.loads(os.environ["STUB_ANSWERS"])
def _log(entry):
    path = os.environ["STUB_LOG"] + ".vllm"
    log = json.load(open(path)) if os.path.exists(path) else []
    log.append(entry)
    json.dump(log, open(path, "w"))
class LLM:
    def __init__(self, **kw): _log({"llm": kw})
    def chat(self, conversations, params):
        _log({"chat": [c[0] for c in conversations], "params": params.kw})
        if os.environ.get("STUB_NO_CHAT_TEMPLATE"): raise ValueError("no chat template")
        return [_Res(ANSWERS[c[0]["content"]]) for c in conversations]
    def generate(self, prompts, params):
        _log({"generate": prompts, "params": params.kw})
        return [_Res(ANSWERS[p]) for p in prompts]
`;

const MLFLOW = `import json, os
class MlflowClient:
    def set_registered_model_alias(self, name, alias, version):
        json.dump({"name": name, "alias": alias, "version": version, "uri": os.environ.get("MLFLOW_TRACKING_URI")}, open(os.environ["STUB_LOG"] + ".mlflow", "w"))
`;

interface Run { status: number | null; stdout: string; stderr: string; s3?: any; vllm?: any[]; mlflow?: any }

function runScript(script: string, args: string[], env: { [key: string]: string }, dataset?: string): Run {
  const py = requirePython();
  const dir = mkdtempSync(path.join(tmpdir(), 'cnai-delivery-'));
  try {
    const site = path.join(dir, 'site');
    mkdirSync(site);
    writeFileSync(path.join(site, 'boto3.py'), BOTO3);
    writeFileSync(path.join(site, 'vllm.py'), VLLM);
    writeFileSync(path.join(site, 'mlflow.py'), MLFLOW);
    const log = path.join(dir, 'log');
    if (dataset !== undefined) writeFileSync(path.join(dir, 'dataset.jsonl'), dataset);
    const r = spawnSync(py, ['-c', script, ...args], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH, PYTHONPATH: site, STUB_LOG: log, STUB_DATASET: path.join(dir, 'dataset.jsonl'), ...env },
    });
    const read = (ext: string) => { try { return JSON.parse(readFileSync(`${log}.${ext}`, 'utf8')); } catch { return undefined; } };
    return { status: r.status, stdout: r.stdout, stderr: r.stderr, s3: read('s3'), vllm: read('vllm'), mlflow: read('mlflow') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const DATASET = [
  { prompt: 'Capital of France?', expected: 'Paris' },
  { prompt: '2+2?', expected: '4' },
  { prompt: 'Colour of the sky?', expected: 'blue' },
].map((r) => JSON.stringify(r)).join('\n') + '\n';

const ANSWERS = { 'Capital of France?': 'It is PARIS.', '2+2?': ' 4 ', 'Colour of the sky?': 'grey' };

const ENV = {
  DATASET_URI: 's3://cnai-dev-datasets/evaluation/chat/golden.jsonl',
  METRIC: 'contains',
  THRESHOLD: '0.6',
  MAX_SAMPLES: '100',
  MAX_TOKENS: '64',
  TENSOR_PARALLEL_SIZE: '2',
  MAX_MODEL_LEN: '4096',
  DTYPE: 'bfloat16',
  LOAD_FORMAT: '',
  GPU_MEMORY_UTILIZATION: '0.9',
  STUB_ANSWERS: JSON.stringify(ANSWERS),
};

const MODEL = ['--model', 's3://cnai-dev-models/served/chat/v3/'];

describe('EVALUATION_SCRIPT', () => {
  test('contains: 2 of 3 answers hold the expected text (case-insensitive), above the threshold: exit 0 with the report', () => {
    const r = runScript(EVALUATION_SCRIPT, MODEL, ENV, DATASET);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ metric: 'contains', samples: 3, score: 2 / 3, threshold: 0.6, passed: true });
    expect(r.s3).toEqual({ Bucket: 'cnai-dev-datasets', Key: 'evaluation/chat/golden.jsonl' });
    expect(r.vllm![0]).toEqual({
      llm: { model: 's3://cnai-dev-models/served/chat/v3/', tensor_parallel_size: 2, max_model_len: 4096, dtype: 'bfloat16', load_format: 'auto', gpu_memory_utilization: 0.9 },
    });
    expect(r.vllm![1]).toEqual({
      chat: [{ role: 'user', content: 'Capital of France?' }, { role: 'user', content: '2+2?' }, { role: 'user', content: 'Colour of the sky?' }],
      params: { temperature: 0, max_tokens: 64 },
    });
  });

  test('exact-match compares stripped answers; below the threshold: exit 1', () => {
    const r = runScript(EVALUATION_SCRIPT, MODEL, { ...ENV, METRIC: 'exact-match', THRESHOLD: '0.5', LOAD_FORMAT: 'runai_streamer' }, DATASET);
    expect(r.status).toBe(1);
    expect(JSON.parse(r.stdout)).toEqual({ metric: 'exact-match', samples: 3, score: 1 / 3, threshold: 0.5, passed: false });
    expect(r.vllm![0].llm.load_format).toBe('runai_streamer');
  });

  test('MAX_SAMPLES lines are read; blank lines and lines without prompt and expected are left out', () => {
    const dataset = '\n{"prompt": "2+2?", "expected": 4}\n["not", "an", "object"]\n{"prompt": "x"}\n{"prompt": "Capital of France?", "expected": "Paris"}\n';
    const r = runScript(EVALUATION_SCRIPT, MODEL, { ...ENV, MAX_SAMPLES: '3', THRESHOLD: '1' }, dataset);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ metric: 'contains', samples: 1, score: 1, threshold: 1, passed: true });
  });

  test('a model without a chat template: plain completion of the prompts', () => {
    const r = runScript(EVALUATION_SCRIPT, MODEL, { ...ENV, STUB_NO_CHAT_TEMPLATE: '1' }, DATASET);
    expect(r.status).toBe(0);
    expect(r.vllm![2]).toEqual({ generate: ['Capital of France?', '2+2?', 'Colour of the sky?'], params: { temperature: 0, max_tokens: 64 } });
  });

  test('a dataset without usable lines: exit with the reason, before loading the model', () => {
    const r = runScript(EVALUATION_SCRIPT, MODEL, ENV, '{"question": "q", "answer": "a"}\n');
    expect(r.status).toBe(1);
    expect(r.stderr.trim()).toBe('evaluation: the dataset has no {prompt, expected} lines');
    expect(r.vllm).toBeUndefined();
  });
});

describe('PROMOTION_SCRIPT', () => {
  test('sets the registered model\'s alias to the version and says so', () => {
    const r = runScript(PROMOTION_SCRIPT, [], { MLFLOW_TRACKING_URI: 'http://mlflow.mlflow:5000', REGISTERED_MODEL: 'chat', ALIAS: 'live', VERSION: '3' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('registered model chat: alias live -> version 3\n');
    expect(r.mlflow).toEqual({ name: 'chat', alias: 'live', version: '3', uri: 'http://mlflow.mlflow:5000' });
  });
});
