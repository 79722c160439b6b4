import { BENCH_GROWTH, benchCounts, benchSpec } from '../../bench/spec-generator';
import { ModelPresets, poolGpuCapacity, ServedModelBackend, validatePlatformSpec } from '../../lib/core';

describe('benchSpec', () => {
  test.each([1, 10, 100, 1000])('is a valid platform spec with %i served models', (n) => {
    const spec = benchSpec(n);
    expect(() => validatePlatformSpec(spec)).not.toThrow();
    expect(spec.models).toHaveLength(n);
  });

  test.each([1, 10, 100, 1000])('has the documented counts with %i served models', (n) => {
    const spec = benchSpec(n);
    const c = benchCounts(n);
    expect(spec.teams).toHaveLength(c.teams);
    expect(spec.gpuPools).toHaveLength(c.gpuPools);
    expect(spec.models!.filter((m) => m.model === ModelPresets.BGE_LARGE_EN_V1_5)).toHaveLength(c.embedModels);
    expect(spec.models!.filter((m) => m.model === ModelPresets.LLAMA_3_1_8B_INSTRUCT)).toHaveLength(c.chatModels);
    expect(spec.teams.filter((t) => t.quotas.some((q) => q.pool === 'training-h100'))).toHaveLength(c.researchTeams);
  });

  test('teams and pools grow with the models, pools within the EKS node group quota', () => {
    expect(benchCounts(1)).toMatchObject({ teams: 2, inferencePools: 1, sharedPools: 1, gpuPools: 3, researchTeams: 1 });
    expect(benchCounts(10)).toMatchObject({ teams: 2, chatModels: 8, embedModels: 2, gpuPools: 3 });
    expect(benchCounts(100)).toMatchObject({ teams: 10, inferencePools: 2, sharedPools: 1, gpuPools: 4, researchTeams: 1 });
    expect(benchCounts(1000)).toMatchObject({
      teams: 100,
      chatModels: 750,
      embedModels: 250,
      inferencePools: BENCH_GROWTH.maxInferencePools,
      sharedPools: BENCH_GROWTH.maxSharedPools,
      researchTeams: 10,
    });
    // System pool + GPU pools <= 30 managed node groups per cluster (EKS default quota).
    expect(benchCounts(100_000).gpuPools + 1).toBeLessThanOrEqual(30);
  });

  test('every model runs one GPU per replica within its team\'s quota, and pools hold every nominal quota', () => {
    const spec = benchSpec(1000);
    const pools = new Map(spec.gpuPools.map((p) => [p.name, p]));
    const nominal = new Map<string, number>();
    for (const t of spec.teams) for (const q of t.quotas) nominal.set(q.pool, (nominal.get(q.pool) ?? 0) + q.gpus);
    for (const [pool, gpus] of nominal) expect(gpus).toBeLessThanOrEqual(poolGpuCapacity(pools.get(pool)!));
    for (const t of spec.teams) {
      const own = spec.models!.filter((m) => m.team === t.name);
      expect(own.length).toBeLessThanOrEqual(BENCH_GROWTH.modelsPerTeam);
      for (const q of t.quotas.filter((x) => x.pool !== 'training-h100')) {
        const onPool = own.filter((m) => m.pools.includes(q.pool));
        expect(q.gpus + (q.borrowingLimit ?? q.gpus)).toBeGreaterThanOrEqual(onPool.length * BENCH_GROWTH.maxReplicas);
      }
    }
  });

  test('embedding models are KServe services called by their team\'s chat models', () => {
    const spec = benchSpec(10);
    const embed = spec.models!.find((m) => m.name === 'embed-03')!;
    expect(embed.backend).toBe(ServedModelBackend.KSERVE);
    expect(embed.clients).toEqual(['chat-00', 'chat-01', 'chat-02', 'chat-04', 'chat-05', 'chat-06', 'chat-08', 'chat-09']);
    expect(spec.vectorDatabase!.clients).toEqual(embed.clients);
  });

  test('names are stable and sort in order', () => {
    expect(benchSpec(1000).models!.slice(0, 4).map((m) => m.name)).toEqual(['chat-000', 'chat-001', 'chat-002', 'embed-003']);
    expect(benchSpec(1).models!.map((m) => m.name)).toEqual(['chat-00']);
  });

  test('rejects a negative or fractional size', () => {
    expect(() => benchSpec(-1)).toThrow(/whole number/);
    expect(() => benchSpec(1.5)).toThrow(/whole number/);
  });
});
