import { Testing } from 'cdk8s';
import { GpuInstanceType, ModelPresets, ModelSpec } from '../../../lib/core';
import { GpuNodePool, LlmSizing, NodePoolReference, SERVING_POD_CONSTANTS, replicaNodeShare } from '../../../lib/k8s';
import { gpuPoolContract } from '../helpers';

const a10g = NodePoolReference.fromContract(gpuPoolContract('gpu-a10g', GpuInstanceType.G5_XLARGE, 4));
const h100 = NodePoolReference.fromContract(gpuPoolContract('gpu-h100', GpuInstanceType.P5_48XLARGE, 2));
const llama8b = ModelPresets.LLAMA_3_1_8B_INSTRUCT.withServing({ maxContextLength: 8192 });
const llama70b = ModelPresets.LLAMA_3_1_70B_INSTRUCT.withServing({ maxContextLength: 8192 });

function plan(model: ModelSpec, pools: any[], extra: object = {}) {
  return LlmSizing.plan({ model, pools, gpuMemoryUtilization: 0.9, construct: 'test/chat', ...extra });
}

describe('LlmSizing', () => {
  test('an 8B bf16 model at 8k context fits one 24 GiB GPU', () => {
    const p = plan(llama8b, [a10g]);
    expect(p.pool).toBe(a10g);
    expect(p.instanceType).toBe(GpuInstanceType.G5_XLARGE);
    expect(p.gpusPerReplica).toBe(1);
    expect(p.tensorParallelSize).toBe(1);
    expect(p.pipelineParallelSize).toBe(1);
    expect(p.breakdown.fits).toBe(true);
    expect(p.breakdown.weightsGiB).toBeCloseTo(14.96, 2);
    expect(p.automatic).toBe(true);
    // g5.xlarge: 4 vCPUs, 16 GiB; 1 vCPU and 4 GiB stay with the node.
    expect(p.cpu).toBe(3);
    expect(p.memoryGiB).toBe(12);
    expect(p.restrictInstanceTypes).toBe(false);
  });

  test('a 70B bf16 model needs 4 x 80 GiB (H100): the smallest degree that fits', () => {
    const p = plan(llama70b, [h100]);
    expect(p.instanceType).toBe(GpuInstanceType.P5_48XLARGE);
    expect(p.tensorParallelSize).toBe(4);
    expect(p.gpusPerReplica).toBe(4);
    // At 2 GPUs it misses by a hair; at 4 it has half of each GPU left for the KV cache.
    expect(p.breakdown.requiredGiB).toBeLessThan(p.breakdown.availableGiB);
    // Half of a p5.48xlarge (192 vCPUs, 2048 GiB) minus the reserve.
    expect(p.cpu).toBe(Math.floor(((192 - 20) * 4) / 8));
    expect(p.memoryGiB).toBe(Math.floor(((2048 - 205) * 4) / 8));
  });

  test('a 70B model can be spread over all 8 GPUs by override', () => {
    const p = plan(llama70b, [h100], { tensorParallelSize: 8 });
    expect(p.tensorParallelSize).toBe(8);
    expect(p.gpusPerReplica).toBe(8);
    expect(p.automatic).toBe(false);
  });

  test('GPUs beyond the tensor-parallel degree run pipeline parallel', () => {
    const p = plan(llama70b, [h100], { tensorParallelSize: 4, gpusPerReplica: 8 });
    expect(p.pipelineParallelSize).toBe(2);
    expect(p.breakdown.weightsGiB).toBeCloseTo(131.42 / 8, 1);
  });

  test('among several pools, the cheapest replica wins', () => {
    const l40s = NodePoolReference.fromContract(gpuPoolContract('gpu-l40s', GpuInstanceType.G6E_XLARGE, 4));
    expect(plan(llama8b, [l40s, a10g]).pool).toBe(a10g);
    // At the full 128k context only the 48 GiB L40S fits.
    const full = plan(ModelPresets.LLAMA_3_1_8B_INSTRUCT, [a10g, l40s]);
    expect(full.pool).toBe(l40s);
    expect(full.instanceType).toBe(GpuInstanceType.G6E_XLARGE);
  });

  test('a pool with types the replica does not fit on: the pods require the fitting types', () => {
    const chart = Testing.chart();
    const g5 = new GpuNodePool(chart, 'g5', { families: ['g5'], maxGpus: 16, clusterName: 'c', nodeRole: 'r' });
    const mixtral = ModelPresets.MIXTRAL_8X7B_INSTRUCT.withServing({ maxContextLength: 8192 });
    const p = plan(mixtral, [g5]);
    expect(p.tensorParallelSize).toBe(8);
    expect(p.fittingInstanceTypes.map((t) => t.name)).toEqual(['g5.48xlarge']);
    expect(p.restrictInstanceTypes).toBe(true);
  });

  test('CPU and memory are the smallest share among the fitting types, after the system reserve', () => {
    const chart = Testing.chart();
    const g5 = new GpuNodePool(chart, 'g5', { instanceTypes: [GpuInstanceType.G5_2XLARGE, GpuInstanceType.G5_12XLARGE], maxGpus: 8, clusterName: 'c', nodeRole: 'r' });
    const p = plan(llama8b, [g5]);
    expect(p.fittingInstanceTypes).toHaveLength(2);
    expect(p.cpu).toBe(Math.min(replicaNodeShare(GpuInstanceType.G5_2XLARGE, 1).cpu, replicaNodeShare(GpuInstanceType.G5_12XLARGE, 1).cpu));
    expect(p.memoryGiB).toBe(28);
    expect(SERVING_POD_CONSTANTS.minReservedMemoryGiB).toBe(4);
  });

  test('cpu and memory overrides within the node are kept', () => {
    const p = plan(llama8b, [a10g], { cpu: 2, memoryGiB: 10 });
    expect(p.cpu).toBe(2);
    expect(p.memoryGiB).toBe(10);
  });

  describe('errors', () => {
    test('a model that fits no allowed pool: memory needed and what would fit', () => {
      expect(() => plan(llama70b, [a10g])).toThrow(
        /test\/chat: invalid model = "llama-3\.1-70b-instruct": needs [\d.]+ GiB per GPU .* nothing fits among g5\.xlarge \(pool gpu-a10g\)\. Fix: .*add a larger instance type such as/,
      );
    });

    test('the full 128k context of an 8B model on one 24 GiB GPU: shorten maxModelLen', () => {
      expect(() => plan(ModelPresets.LLAMA_3_1_8B_INSTRUCT, [a10g])).toThrow(/Fix: shorten maxModelLen to at most \d+ tokens \(fits g5\.xlarge/);
    });

    test('a tensor-parallel degree that does not divide the attention heads', () => {
      expect(() => plan(llama8b, [h100], { tensorParallelSize: 3 })).toThrow(
        /test\/chat: invalid tensorParallelSize = 3: does not divide the 32 attention heads of llama-3\.1-8b-instruct\. Fix: use one of 1, 2, 4, 8/,
      );
    });

    test('a tensor-parallel degree that does not divide the GPUs per replica', () => {
      expect(() => plan(llama70b, [h100], { tensorParallelSize: 4, gpusPerReplica: 6 })).toThrow(
        /invalid tensorParallelSize = 4: does not divide gpusPerReplica \(6\).*Fix: use a tensorParallelSize that divides 6 \(1, 2, 3, 6\)/,
      );
    });

    test('GPUs per replica beyond the largest node', () => {
      expect(() => plan(llama8b, [a10g], { gpusPerReplica: 2, tensorParallelSize: 2 })).toThrow(/invalid gpusPerReplica = 2: more GPUs than a node has: the largest node of the pools has 1 GPU\. Fix: use at most 1, or leave tensorParallelSize and gpusPerReplica unset/);
    });

    test('an override that cannot fit names the degree that would', () => {
      expect(() => plan(llama70b, [h100], { tensorParallelSize: 2 })).toThrow(
        /invalid tensorParallelSize = 2: the model needs 71\.74 GiB per GPU on p5\.48xlarge .*Fix: use tensorParallelSize 4 \(fits p5\.48xlarge\)/,
      );
    });

    test('an embedding model runs on one GPU', () => {
      expect(() => plan(ModelPresets.BGE_LARGE_EN_V1_5, [h100], { tensorParallelSize: 2 })).toThrow(/embedding models are served on one GPU per replica/);
    });

    test('an instance type outside the pools', () => {
      expect(() => plan(llama8b, [a10g], { instanceType: GpuInstanceType.G6E_XLARGE })).toThrow(/invalid instanceType = "g6e\.xlarge": not an instance type of the pool gpu-a10g\. Fix: use one of g5\.xlarge/);
    });

    test('a CPU pool', () => {
      const cpu = NodePoolReference.fromContract({ ...gpuPoolContract('cpu', GpuInstanceType.G5_XLARGE, 2), instanceTypes: ['m7i.xlarge'], gpusPerNode: 0, gpuMemoryGiB: 0 });
      expect(() => plan(llama8b, [cpu])).toThrow(/invalid pool = "cpu": not a GPU pool/);
    });

    test('no pool', () => {
      expect(() => plan(llama8b, [])).toThrow(/invalid pools = \[\]: no pool to run on/);
    });

    test('more vCPUs than the node has', () => {
      expect(() => plan(llama8b, [a10g], { cpu: 8 })).toThrow(/invalid cpu = 8: a replica on g5\.xlarge can have at most 3 vCPUs/);
    });

    test('more memory than the node has', () => {
      expect(() => plan(llama8b, [a10g], { memoryGiB: 64 })).toThrow(/invalid memoryGiB = 64: a replica on g5\.xlarge can have at most 12 GiB/);
    });

    test('a fractional tensor-parallel degree', () => {
      expect(() => plan(llama8b, [a10g], { tensorParallelSize: 1.5 })).toThrow(/invalid tensorParallelSize = 1\.5: not a positive whole number/);
    });
  });
});
