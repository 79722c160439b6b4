import {
  CnaiError, CnaiValidationError, dtypeBytes, isSixteenBit, MODEL_MEMORY_CONSTANTS, ModelDtype, ModelKind, ModelPresets, ModelSpec,
} from '../../lib/core';

const GB = 1e9;
const GIB = 1024 ** 3;

describe('dtypes', () => {
  test('bytes per value', () => {
    expect(dtypeBytes(ModelDtype.BF16)).toBe(2);
    expect(dtypeBytes(ModelDtype.FP16)).toBe(2);
    expect(dtypeBytes(ModelDtype.FP8)).toBe(1);
    expect(dtypeBytes(ModelDtype.INT8)).toBe(1);
    expect(dtypeBytes(ModelDtype.INT4)).toBe(0.5);
    expect(() => dtypeBytes('fp4' as ModelDtype)).toThrow('unknown model dtype fp4');
  });

  test('16-bit formats', () => {
    expect([ModelDtype.BF16, ModelDtype.FP16, ModelDtype.FP8, ModelDtype.INT8, ModelDtype.INT4].map(isSixteenBit))
      .toEqual([true, true, false, false, false]);
  });
});

describe('ModelSpec defaults', () => {
  const base = { name: 'm', parametersBillions: 1, maxContextLength: 4096 };

  test('resolved in the constructor', () => {
    const spec = new ModelSpec(base);
    expect(spec.kind).toBe(ModelKind.TEXT_GENERATION);
    expect(spec.weightDtype).toBe(ModelDtype.BF16);
    expect(spec.kvCacheDtype).toBe(ModelDtype.BF16);
    expect(spec.concurrentSequences).toBe(1);
    expect(spec.tiedEmbeddings).toBe(false);
    expect(spec.kvHeads).toBeUndefined();
    expect(spec.kvCacheExact).toBe(false);
  });

  test('KV cache type follows 16-bit weights, and is BF16 for quantised weights', () => {
    expect(new ModelSpec({ ...base, weightDtype: ModelDtype.FP16 }).kvCacheDtype).toBe(ModelDtype.FP16);
    expect(new ModelSpec({ ...base, weightDtype: ModelDtype.FP8 }).kvCacheDtype).toBe(ModelDtype.BF16);
    expect(new ModelSpec({ ...base, weightDtype: ModelDtype.INT8 }).kvCacheDtype).toBe(ModelDtype.BF16);
    expect(new ModelSpec({ ...base, weightDtype: ModelDtype.INT4 }).kvCacheDtype).toBe(ModelDtype.BF16);
    expect(new ModelSpec({ ...base, weightDtype: ModelDtype.INT4, kvCacheDtype: ModelDtype.FP8 }).kvCacheDtype).toBe(ModelDtype.FP8);
  });

  test('kvHeads defaults to attentionHeads and headDim to hiddenSize / attentionHeads', () => {
    const spec = new ModelSpec({ ...base, layers: 2, hiddenSize: 64, attentionHeads: 4 });
    expect(spec.kvHeads).toBe(4);
    expect(spec.headDim).toBe(16);
    expect(spec.kvCacheExact).toBe(true);
    // 2 (K and V) * 2 layers * 4 heads * 16 dims * 2 bytes
    expect(spec.kvCacheBytesPerToken).toBe(512);
  });
});

describe('withServing', () => {
  const llama = ModelPresets.LLAMA_3_1_8B_INSTRUCT;

  test('changes context, concurrency and name, keeps the architecture', () => {
    const s = llama.withServing({ name: 'llama-8k', maxContextLength: 8192, concurrentSequences: 4 });
    expect(s.name).toBe('llama-8k');
    expect(s.maxContextLength).toBe(8192);
    expect(s.concurrentSequences).toBe(4);
    expect(s.layers).toBe(32);
    expect(s.huggingFaceId).toBe('meta-llama/Llama-3.1-8B-Instruct');
    expect(llama.maxContextLength).toBe(131072);
    expect(s.kvCacheGiB).toBeCloseTo(4, 6); // 128 KiB per token * 32768 tokens
  });

  test('a quantised weight type re-derives the KV type; an explicit KV type stays', () => {
    expect(llama.withServing({ weightDtype: ModelDtype.INT4 }).kvCacheDtype).toBe(ModelDtype.BF16);
    expect(llama.withServing({ weightDtype: ModelDtype.FP16 }).kvCacheDtype).toBe(ModelDtype.FP16);
    const fp8Kv = llama.withServing({ kvCacheDtype: ModelDtype.FP8 });
    expect(fp8Kv.withServing({ weightDtype: ModelDtype.INT4 }).kvCacheDtype).toBe(ModelDtype.FP8);
    expect(fp8Kv.withServing({ maxContextLength: 1024 }).kvCacheDtype).toBe(ModelDtype.FP8);
    expect(fp8Kv.kvCacheBytesPerToken).toBe(llama.kvCacheBytesPerToken / 2);
  });

  test('validates the new values', () => {
    expect(() => llama.withServing({ maxContextLength: 0 }, 'svc/llm')).toThrow(
      'svc/llm: invalid maxContextLength = 0: must be a positive integer. Fix: give the longest sequence in tokens, e.g. 8192.');
  });
});

describe('presets', () => {
  test('architecture figures from config.json', () => {
    const rows = ModelPresets.all().map((m) => [
      m.huggingFaceId, m.parametersBillions, m.layers, m.attentionHeads, m.kvHeads, m.headDim, m.maxContextLength,
    ]);
    expect(rows).toEqual([
      ['meta-llama/Llama-3.1-8B-Instruct', 8.030261248, 32, 32, 8, 128, 131072],
      ['meta-llama/Llama-3.1-70B-Instruct', 70.553706496, 80, 64, 8, 128, 131072],
      ['mistralai/Mistral-7B-Instruct-v0.3', 7.248023552, 32, 32, 8, 128, 32768],
      ['mistralai/Mixtral-8x7B-Instruct-v0.1', 46.702792704, 32, 32, 8, 128, 32768],
      ['Qwen/Qwen2.5-7B-Instruct', 7.615616512, 28, 28, 4, 128, 32768],
      ['Qwen/Qwen2.5-72B-Instruct', 72.706203648, 80, 64, 8, 128, 32768],
      ['BAAI/bge-large-en-v1.5', 0.335141888, 24, 16, 16, 64, 512],
      ['meta-llama/Llama-3.1-405B-Instruct', 405.8533888, 126, 128, 8, 128, 131072],
    ]);
    for (const m of ModelPresets.all()) expect(m.kvCacheExact).toBe(true);
  });

  test('KV cache bytes per token (2 * layers * kvHeads * headDim * 2 bytes)', () => {
    expect(ModelPresets.LLAMA_3_1_8B_INSTRUCT.kvCacheBytesPerToken).toBe(131072);
    expect(ModelPresets.LLAMA_3_1_70B_INSTRUCT.kvCacheBytesPerToken).toBe(327680);
    expect(ModelPresets.MISTRAL_7B_INSTRUCT_V0_3.kvCacheBytesPerToken).toBe(131072);
    expect(ModelPresets.MIXTRAL_8X7B_INSTRUCT.kvCacheBytesPerToken).toBe(131072);
    expect(ModelPresets.QWEN2_5_7B_INSTRUCT.kvCacheBytesPerToken).toBe(57344);
    expect(ModelPresets.QWEN2_5_72B_INSTRUCT.kvCacheBytesPerToken).toBe(327680);
    // Llama 3.1 8B at its full 128k context: 16 GiB of KV cache for one sequence.
    expect(ModelPresets.LLAMA_3_1_8B_INSTRUCT.kvCacheGiB).toBe(16);
  });

  test('the embedding preset has no KV cache and gives its dimension', () => {
    const bge = ModelPresets.BGE_LARGE_EN_V1_5;
    expect(bge.kind).toBe(ModelKind.EMBEDDING);
    expect(bge.embeddingDimension).toBe(1024);
    expect(bge.kvCacheBytesPerToken).toBe(0);
    expect(bge.kvCacheGiB).toBe(0);
    expect(bge.weightBytes).toBeCloseTo(0.670283776 * GB, 0);
  });
});

describe('weights', () => {
  test('16-bit weights are two bytes per parameter', () => {
    expect(ModelPresets.LLAMA_3_1_8B_INSTRUCT.weightBytes).toBe(16060522496);
    expect(ModelPresets.LLAMA_3_1_8B_INSTRUCT.weightGiB).toBeCloseTo(14.9575, 3);
    expect(ModelPresets.LLAMA_3_1_70B_INSTRUCT.weightGiB).toBeCloseTo(131.42, 2);
  });

  test('quantised weights keep embeddings and LM head in 16-bit and reproduce published checkpoint sizes', () => {
    const l8 = ModelPresets.LLAMA_3_1_8B_INSTRUCT;
    const l70 = ModelPresets.LLAMA_3_1_70B_INSTRUCT;
    // Embeddings + LM head: 128256 * 4096 * 2 parameters.
    expect(l8.withServing({ weightDtype: ModelDtype.FP8 }).sixteenBitParameters).toBe(1050673152);
    // FP8 Llama 3.1 8B checkpoints are about 9.08 GB; AWQ int4 8B about 5.7 GB; AWQ int4 70B about 39.8 GB.
    expect(l8.withServing({ weightDtype: ModelDtype.FP8 }).weightBytes / GB).toBeCloseTo(9.08, 2);
    expect(l8.withServing({ weightDtype: ModelDtype.INT4 }).weightBytes / GB).toBeCloseTo(5.73, 2);
    expect(l70.withServing({ weightDtype: ModelDtype.INT4 }).weightBytes / GB).toBeCloseTo(39.77, 2);
    expect(MODEL_MEMORY_CONSTANTS.int4GroupOverheadBytesPerWeight).toBeCloseTo(0.01953, 5);
  });

  test('tied embeddings count once', () => {
    const tied = new ModelSpec({ name: 't', parametersBillions: 1, maxContextLength: 1, hiddenSize: 1000, vocabSize: 1000, tiedEmbeddings: true, weightDtype: ModelDtype.INT8 });
    expect(tied.sixteenBitParameters).toBe(1e6);
    expect(tied.weightBytes).toBe(1e6 * 2 + (1e9 - 1e6) * 1);
  });

  test('without vocabulary figures a conservative 10% stays 16-bit', () => {
    const spec = new ModelSpec({ name: 'x', parametersBillions: 10, maxContextLength: 1, weightDtype: ModelDtype.INT8 });
    expect(spec.sixteenBitParameters).toBe(1e9);
    expect(spec.weightBytes).toBe(1e9 * 2 + 9e9);
  });
});

describe('KV cache estimate without architecture figures', () => {
  test('is conservative: multi-head attention with Llama proportions', () => {
    const unknown = new ModelSpec({ name: 'mystery-8b', parametersBillions: 8.03, maxContextLength: 8192 });
    expect(unknown.kvCacheExact).toBe(false);
    // hidden ≈ cbrt(8.03e9 / 12 * 128) ≈ 4408, layers ≈ 34
    expect(unknown.kvWidth).toBe(4408);
    expect(unknown.effectiveLayers).toBe(34);
    // Well above the real grouped-query figure of Llama 3.1 8B, and of the MHA Llama 2 7B (512 KiB).
    expect(unknown.kvCacheBytesPerToken).toBeGreaterThan(4 * ModelPresets.LLAMA_3_1_8B_INSTRUCT.kvCacheBytesPerToken);
    expect(unknown.kvCacheBytesPerToken).toBeGreaterThan(512 * 1024);
  });

  test('uses the hidden size and layers when only those are given', () => {
    const spec = new ModelSpec({ name: 'x', parametersBillions: 7, maxContextLength: 1024, layers: 32, hiddenSize: 4096 });
    expect(spec.kvCacheBytesPerToken).toBe(2 * 32 * 4096 * 2);
    expect(spec.kvCacheGiB).toBeCloseTo((2 * 32 * 4096 * 2 * 1024) / GIB, 9);
  });
});

describe('validation errors', () => {
  const base = { name: 'm', parametersBillions: 1, maxContextLength: 4096 };
  const message = (fn: () => unknown) => {
    try {
      fn();
    } catch (e) {
      return (e as Error).message;
    }
    return 'no error';
  };

  test('empty name', () => {
    expect(message(() => new ModelSpec({ ...base, name: ' ' }, 'svc/llm'))).toBe(
      'svc/llm: invalid name = " ": a model spec needs a name. Fix: give a short name such as "llama-3.1-8b-instruct".');
  });

  test('parameter count', () => {
    expect(message(() => new ModelSpec({ ...base, parametersBillions: -1 }))).toBe(
      'ModelSpec: invalid parametersBillions = -1: must be a positive number. Fix: give the parameter count in billions, e.g. 8.03 for an 8B model.');
    expect(message(() => new ModelSpec({ name: 'm', maxContextLength: 1 } as any))).toBe(
      'ModelSpec: invalid parametersBillions = undefined: is required. Fix: give the parameter count in billions.');
  });

  test('context length', () => {
    expect(message(() => new ModelSpec({ ...base, maxContextLength: 1.5 }))).toBe(
      'ModelSpec: invalid maxContextLength = 1.5: must be a positive integer. Fix: give the longest sequence in tokens, e.g. 8192.');
    expect(message(() => new ModelSpec({ name: 'm', parametersBillions: 1 } as any))).toBe(
      'ModelSpec: invalid maxContextLength = undefined: is required. Fix: give the longest sequence in tokens, e.g. 8192.');
  });

  test('architecture figures', () => {
    expect(message(() => new ModelSpec({ ...base, layers: 0 }))).toBe(
      'ModelSpec: invalid layers = 0: must be a positive integer. Fix: give num_hidden_layers from the model\'s config.json.');
    expect(message(() => new ModelSpec({ ...base, concurrentSequences: 0 }))).toBe(
      'ModelSpec: invalid concurrentSequences = 0: must be a positive integer. Fix: give how many full-length sequences run at once, e.g. 1.');
    expect(message(() => new ModelSpec({ ...base, attentionHeads: 32, kvHeads: 6 }))).toBe(
      'ModelSpec: invalid kvHeads = 6: must divide attentionHeads (32): each KV head serves a whole group of query heads. '
      + 'Fix: copy num_key_value_heads and num_attention_heads from the model\'s config.json.');
    expect(message(() => new ModelSpec({ ...base, kvHeads: 8 }))).toBe(
      'ModelSpec: invalid kvHeads = 8: is given without attentionHeads. Fix: give attentionHeads (num_attention_heads) too.');
    expect(message(() => new ModelSpec({ ...base, hiddenSize: 100, attentionHeads: 3 }))).toBe(
      'ModelSpec: invalid headDim = undefined: cannot be derived: hiddenSize 100 is not a multiple of attentionHeads 3. '
      + 'Fix: give head_dim from the model\'s config.json.');
  });

  test('data types and kind', () => {
    expect(message(() => new ModelSpec({ ...base, kvCacheDtype: ModelDtype.INT4 }))).toBe(
      'ModelSpec: invalid kvCacheDtype = "int4": a 4-bit KV cache is not supported by the serving engines the platform runs. '
      + 'Fix: use fp8 for a smaller KV cache, or leave it unset.');
    expect(message(() => new ModelSpec({ ...base, weightDtype: 'float32' as ModelDtype }))).toBe(
      'ModelSpec: invalid weightDtype = "float32": not a model data type. Fix: use one of bf16, fp16, fp8, int8, int4 (the ModelDtype enum).');
    expect(message(() => new ModelSpec({ ...base, kind: 'rerank' as ModelKind }))).toBe(
      'ModelSpec: invalid kind = "rerank": not a model kind. Fix: use ModelKind.TEXT_GENERATION or ModelKind.EMBEDDING.');
  });

  test('several problems are reported together', () => {
    let error: unknown;
    try {
      new ModelSpec({ name: '', parametersBillions: 0, maxContextLength: -1 });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CnaiValidationError);
    expect((error as CnaiValidationError).problems.map((p) => p.prop)).toEqual(['name', 'parametersBillions', 'maxContextLength']);
  });

  test('a single problem is a CnaiError', () => {
    expect(() => new ModelSpec({ ...base, layers: -2 })).toThrow(CnaiError);
  });
});
