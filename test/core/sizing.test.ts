import {
  CnaiError, GpuInstanceType, ModelDtype, ModelPresets, ModelSizing, ModelSpec, SIZING_CONSTANTS,
} from '../../lib/core';

const llama8b = ModelPresets.LLAMA_3_1_8B_INSTRUCT;
const llama70b = ModelPresets.LLAMA_3_1_70B_INSTRUCT;

function errorOf(fn: () => unknown): CnaiError {
  try {
    fn();
  } catch (e) {
    if (e instanceof CnaiError) return e;
    throw e;
  }
  throw new Error('expected a CnaiError');
}

describe('constants', () => {
  test('documented figures', () => {
    expect(SIZING_CONSTANTS).toEqual({
      runtimeOverheadGiBPerGpu: 1.5,
      activationFractionOfWeights: 0.05,
      defaultGpuMemoryUtilization: 0.9,
    });
  });
});

describe('an 8B model in bf16 on one 24 GiB GPU (A10G)', () => {
  test('fits with an 8k context', () => {
    const b = ModelSizing.fitsOn(llama8b.withServing({ maxContextLength: 8192 }), GpuInstanceType.G5_XLARGE);
    expect(b).toEqual({
      model: 'llama-3.1-8b-instruct',
      instanceType: 'g5.xlarge',
      tensorParallel: 1,
      weightsGiB: 14.96,
      kvCacheGiB: 1,
      overheadGiB: 2.25,
      requiredGiB: 18.21,
      availableGiB: 20.24, // 23028 MiB reported by nvidia-smi * 0.9
      headroomGiB: 2.03,
      fits: true,
      kvCacheExact: true,
      kvCacheTokenCapacity: 24852,
    });
  });

  test('does not fit its full 128k context, even for one sequence, nor at several sequences', () => {
    const one = ModelSizing.fitsOn(llama8b, GpuInstanceType.G5_XLARGE);
    expect(one.fits).toBe(false);
    expect(one.kvCacheGiB).toBe(16);
    const four = ModelSizing.fitsOn(llama8b.withServing({ concurrentSequences: 4 }), GpuInstanceType.G5_XLARGE);
    expect(four.fits).toBe(false);
    expect(four.kvCacheGiB).toBe(64);
    expect(four.requiredGiB).toBe(81.21);
  });

  test('fits at 24k but not at 32k: the KV cache room is about 24.8k tokens', () => {
    expect(ModelSizing.fitsOn(llama8b.withServing({ maxContextLength: 24 * 1024 }), GpuInstanceType.G5_XLARGE).fits).toBe(true);
    expect(ModelSizing.fitsOn(llama8b.withServing({ maxContextLength: 32 * 1024 }), GpuInstanceType.G5_XLARGE).fits).toBe(false);
  });

  test('a higher utilisation leaves more room', () => {
    const at = (u: number) =>
      ModelSizing.fitsOn(llama8b.withServing({ maxContextLength: 28 * 1024 }), GpuInstanceType.G5_XLARGE, 1, { gpuMemoryUtilization: u });
    expect(at(0.9).fits).toBe(false);
    expect(at(0.95).fits).toBe(true);
  });

  test('the cheapest type for it is a single L4 (g6.xlarge)', () => {
    const r = ModelSizing.recommend(llama8b.withServing({ maxContextLength: 8192 }));
    expect(r.instanceType).toBe(GpuInstanceType.G6_XLARGE);
    expect(r.tensorParallel).toBe(1);
    expect(r.replicasPerInstance).toBe(1);
    expect(r.onDemandHourlyUsd).toBe(0.8048);
    expect(r.alternatives.map((a) => a.instanceType)).toEqual(['g6.2xlarge', 'g5.xlarge', 'g5.2xlarge', 'g6.4xlarge', 'g5.4xlarge']);
  });
});

describe('a 70B model in bf16 (131.4 GiB of weights)', () => {
  const at8k = llama70b.withServing({ maxContextLength: 8192 });

  test('does not fit one 80 GiB GPU; needs at least two (p4de, p5 at tensor parallel >= 2)', () => {
    const at4k = llama70b.withServing({ maxContextLength: 4096 });
    for (const type of [GpuInstanceType.P4DE_24XLARGE, GpuInstanceType.P5_48XLARGE]) {
      expect(ModelSizing.fitsOn(at4k, type, 1).fits).toBe(false);
      expect(ModelSizing.fitsOn(at4k, type, 2).fits).toBe(true);
    }
    // Two GPUs are tight: at 8k the H100's 79.6 GiB (81559 MiB) falls 0.06 GiB short, the A100 80GB's 80 GiB does not.
    expect(ModelSizing.fitsOn(at8k, GpuInstanceType.P5_48XLARGE, 2).headroomGiB).toBe(-0.06);
    expect(ModelSizing.fitsOn(at8k, GpuInstanceType.P4DE_24XLARGE, 2).fits).toBe(true);
    const r = ModelSizing.recommend(at8k, { candidates: [GpuInstanceType.P5_48XLARGE, GpuInstanceType.P4DE_24XLARGE] });
    expect(r.instanceType.name).toBe('p4de.24xlarge');
    expect(r.tensorParallel).toBe(2);
    expect(r.replicasPerInstance).toBe(4);
  });

  test('does fit g5.48xlarge at tensor parallel 8 with a short context: 8 x 20.24 GiB usable > 131.4 GiB of weights', () => {
    const b = ModelSizing.fitsOn(at8k, GpuInstanceType.G5_48XLARGE, 8);
    expect(b.fits).toBe(true);
    expect(b.weightsGiB).toBe(16.43);
    expect(b.requiredGiB).toBe(19.06);
    expect(b.kvCacheTokenCapacity).toBe(39079);
    expect(ModelSizing.fitsOn(at8k, GpuInstanceType.G5_48XLARGE, 4).fits).toBe(false);
    expect(ModelSizing.fitsOn(llama70b.withServing({ maxContextLength: 65536 }), GpuInstanceType.G5_48XLARGE, 8).fits).toBe(false);
  });

  test('the cheapest fit at 8k is 4 x L40S (g6e.12xlarge), at 128k 8 x A100 40GB (p4d)', () => {
    const short = ModelSizing.recommend(at8k);
    expect([short.instanceType.name, short.tensorParallel]).toEqual(['g6e.12xlarge', 4]);
    const long = ModelSizing.recommend(llama70b);
    expect([long.instanceType.name, long.tensorParallel]).toEqual(['p4d.24xlarge', 8]);
    expect(long.breakdown.kvCacheGiB).toBe(5);
  });

  test('in int4 it fits far smaller setups', () => {
    const int4 = at8k.withServing({ weightDtype: ModelDtype.INT4 });
    expect(int4.weightGiB).toBeCloseTo(37.03, 2);
    expect(ModelSizing.fitsOn(int4, GpuInstanceType.G5_12XLARGE, 4).fits).toBe(true);
    expect(ModelSizing.fitsOn(int4, GpuInstanceType.G6E_12XLARGE, 2).fits).toBe(true);
    const r = ModelSizing.recommend(int4);
    expect([r.instanceType.name, r.tensorParallel]).toEqual(['g4dn.12xlarge', 4]);
    expect(r.onDemandHourlyUsd).toBeLessThan(ModelSizing.recommend(at8k).onDemandHourlyUsd / 2);
  });
});

describe('tensor parallelism', () => {
  test('degrees divide the GPU count and the heads', () => {
    expect(ModelSizing.tensorParallelDegrees(llama70b, GpuInstanceType.P5_48XLARGE)).toEqual([1, 2, 4, 8]);
    expect(ModelSizing.tensorParallelDegrees(ModelPresets.QWEN2_5_7B_INSTRUCT, GpuInstanceType.G5_48XLARGE)).toEqual([1, 2, 4]);
    expect(ModelSizing.tensorParallelDegrees(llama70b, GpuInstanceType.G5_XLARGE)).toEqual([1]);
    expect(ModelSizing.tensorParallelDegrees(ModelPresets.BGE_LARGE_EN_V1_5, GpuInstanceType.G5_48XLARGE)).toEqual([1]);
  });

  test('a degree that does not divide the attention heads is rejected', () => {
    const e = errorOf(() => ModelSizing.fitsOn(ModelPresets.QWEN2_5_7B_INSTRUCT, GpuInstanceType.G5_48XLARGE, 8, { construct: 'serving/qwen' }));
    expect(e.message).toBe('serving/qwen: invalid tensorParallel = 8: does not divide the 28 attention heads of qwen2.5-7b-instruct. '
      + 'Fix: use one of 1, 2, 4 on g5.48xlarge.');
  });

  test('a degree that does not divide the GPU count is rejected', () => {
    const e = errorOf(() => ModelSizing.fitsOn(llama70b, GpuInstanceType.G5_12XLARGE, 3));
    expect(e.message).toBe('ModelSizing: invalid tensorParallel = 3: must divide the 4 GPUs of g5.12xlarge. Fix: use one of 1, 2, 4.');
    expect(errorOf(() => ModelSizing.fitsOn(llama8b, GpuInstanceType.G5_XLARGE, 2)).message).toBe(
      'ModelSizing: invalid tensorParallel = 2: must divide the 1 GPU of g5.xlarge. Fix: use one of 1.');
  });

  test('KV heads: a degree that is neither a divisor nor a multiple is rejected; a multiple replicates them', () => {
    const odd = new ModelSpec({ name: 'odd', parametersBillions: 1, maxContextLength: 1024, layers: 4, attentionHeads: 12, kvHeads: 3, headDim: 64 });
    expect(errorOf(() => ModelSizing.fitsOn(odd, GpuInstanceType.G5_12XLARGE, 4)).message).toBe(
      'ModelSizing: invalid tensorParallel = 4: neither divides nor is a multiple of the 3 KV heads of odd. Fix: use one of 1 on g5.12xlarge.');
    const gqa = new ModelSpec({ name: 'gqa', parametersBillions: 1, maxContextLength: 1024, layers: 4, attentionHeads: 8, kvHeads: 2, headDim: 64 });
    const tp1 = ModelSizing.fitsOn(gqa, GpuInstanceType.G5_12XLARGE, 1);
    const tp2 = ModelSizing.fitsOn(gqa, GpuInstanceType.G5_12XLARGE, 2);
    const tp4 = ModelSizing.fitsOn(gqa, GpuInstanceType.G5_12XLARGE, 4);
    expect(tp2.kvCacheGiB).toBeCloseTo(tp1.kvCacheGiB / 2, 6);
    // Four GPUs, two KV heads: each GPU keeps one head, as at tensor parallel 2.
    expect(tp4.kvCacheGiB).toBe(tp2.kvCacheGiB);
  });

  test('an embedding model runs on one GPU per replica', () => {
    expect(errorOf(() => ModelSizing.fitsOn(ModelPresets.BGE_LARGE_EN_V1_5, GpuInstanceType.G5_12XLARGE, 2)).message).toBe(
      'ModelSizing: invalid tensorParallel = 2: embedding models are served on one GPU per replica. Fix: use one of 1 on g5.12xlarge.');
    const r = ModelSizing.recommend(ModelPresets.BGE_LARGE_EN_V1_5);
    expect(r.instanceType).toBe(GpuInstanceType.G4DN_XLARGE);
    expect(r.breakdown.kvCacheGiB).toBe(0);
    expect(r.breakdown.kvCacheTokenCapacity).toBeUndefined();
  });

  test('the smallest fitting degree is chosen on an instance, leaving GPUs for more replicas', () => {
    const r = ModelSizing.recommend(llama8b.withServing({ maxContextLength: 8192 }), { candidates: [GpuInstanceType.P5_48XLARGE] });
    expect(r.tensorParallel).toBe(1);
    expect(r.replicasPerInstance).toBe(8);
  });
});

describe('data types and GPU generations', () => {
  test('FP8 is refused on Turing (T4) and skipped by recommend', () => {
    const fp8 = llama8b.withServing({ maxContextLength: 4096, weightDtype: ModelDtype.FP8 });
    expect(errorOf(() => ModelSizing.fitsOn(fp8, GpuInstanceType.G4DN_XLARGE)).message).toBe(
      'ModelSizing: invalid instanceType = "g4dn.xlarge": its T4 GPUs (Turing) cannot run FP8 weights or KV cache. '
      + 'Fix: choose an Ampere, Ada or Hopper type (g5, g6, g6e, p4d, p5...) or a 16-bit or int8/int4 format.');
    expect(ModelSizing.fitsOn(fp8, GpuInstanceType.G6_XLARGE).fits).toBe(true);
    expect(ModelSizing.recommend(fp8).instanceType.gpuArchitecture).not.toBe('turing');
  });

  test('an FP8 KV cache halves the KV memory', () => {
    const bf16 = ModelSizing.fitsOn(llama8b, GpuInstanceType.G6E_XLARGE);
    const fp8 = ModelSizing.fitsOn(llama8b.withServing({ kvCacheDtype: ModelDtype.FP8 }), GpuInstanceType.G6E_XLARGE);
    expect(fp8.kvCacheGiB).toBe(bf16.kvCacheGiB / 2);
  });
});

describe('when nothing fits', () => {
  test('a model whose 16-bit weights exceed the GPU: a quantised model with a shorter context is suggested (shorter context alone cannot help)', () => {
    expect(() => ModelSizing.recommend(ModelPresets.LLAMA_3_1_8B_INSTRUCT, { candidates: [GpuInstanceType.G4DN_XLARGE], construct: 'serving/chat' }))
      .toThrow(/Fix: quantise the weights to int4 and shorten maxContextLength to at most 52422 tokens \(fits g4dn\.xlarge at tensor parallel 1\); or add a larger instance type such as g6e\.xlarge \(tensor parallel 1\)\.$/);
  });

  test('the error states the memory needed per GPU at the closest configuration and what would fit', () => {
    const e = errorOf(() => ModelSizing.recommend(llama8b.withServing({ concurrentSequences: 4 }), {
      candidates: [GpuInstanceType.G5_XLARGE],
      construct: 'serving/chat',
    }));
    expect(e.construct).toBe('serving/chat');
    expect(e.prop).toBe('model');
    expect(e.value).toBe('llama-3.1-8b-instruct');
    expect(e.message).toBe('serving/chat: invalid model = "llama-3.1-8b-instruct": needs 81.21 GiB per GPU at tensor parallel 1 on g5.xlarge '
      + '(weights 14.96 + KV cache 64 + overhead 2.25 GiB; 4 x 131072 tokens, bf16 weights, bf16 KV cache), '
      + 'but its GPUs offer 20.24 GiB each at gpuMemoryUtilization 0.9; nothing fits among g5.xlarge. '
      + 'Fix: shorten maxContextLength to at most 6213 tokens (fits g5.xlarge at tensor parallel 1); '
      + 'or add a larger instance type such as g4dn.metal (tensor parallel 8).');
  });

  test('suggests quantisation when it would fit the candidates', () => {
    const e = errorOf(() => ModelSizing.recommend(llama70b.withServing({ maxContextLength: 8192 }), {
      candidates: [GpuInstanceType.G5_12XLARGE],
    }));
    expect(e.message).toContain('needs 36.62 GiB per GPU at tensor parallel 4 on g5.12xlarge');
    expect(e.fix).toBe('quantise the weights to fp8 (fits g5.12xlarge at tensor parallel 4); or add a larger instance type such as g6e.12xlarge (tensor parallel 4)');
  });

  test('the whole catalogue: a 70B model at 128k x 32 sequences', () => {
    const e = errorOf(() => ModelSizing.recommend(llama70b.withServing({ concurrentSequences: 32 })));
    expect(e.message).toMatch(/^ModelSizing: invalid model = "llama-3.1-70b-instruct": needs [\d.]+ GiB per GPU at tensor parallel 8 on p5en.48xlarge/);
    expect(e.message).toMatch(/nothing fits among 35 instance types/);
    expect(e.fix).toMatch(/^shorten maxContextLength to at most \d+ tokens \(fits p5en.48xlarge at tensor parallel 8\); or serve at most \d+ concurrent sequences/);
  });

  test('invalid options', () => {
    expect(errorOf(() => ModelSizing.recommend(llama8b, { gpuMemoryUtilization: 1.2 })).message).toBe(
      'ModelSizing: invalid gpuMemoryUtilization = 1.2: must be a share of GPU memory in (0, 1]. Fix: use 0.9 (vLLM\'s default) or another value up to 1.');
    expect(errorOf(() => ModelSizing.recommend(llama8b, { candidates: [] })).message).toBe(
      'ModelSizing: invalid candidates = []: no instance types to choose from. '
      + 'Fix: leave candidates unset for the whole catalogue, or list some GpuInstanceType values.');
    expect(errorOf(() => ModelSizing.recommend(llama8b, { candidates: ['g5.xlarge' as any] })).message).toBe(
      'ModelSizing: invalid candidates[0] = "g5.xlarge": not a GpuInstanceType. '
      + 'Fix: use GpuInstanceType.of("g5.xlarge") or a constant such as GpuInstanceType.G5_XLARGE.');
  });
});

describe('estimated price types', () => {
  test('p5e is only considered when listed explicitly', () => {
    const big = llama70b.withServing({ concurrentSequences: 8 });
    const byDefault = ModelSizing.recommend(big);
    expect(byDefault.instanceType.name).not.toBe('p5e.48xlarge');
    const explicit = ModelSizing.recommend(big, { candidates: [GpuInstanceType.P5E_48XLARGE] });
    expect(explicit.instanceType).toBe(GpuInstanceType.P5E_48XLARGE);
  });
});
