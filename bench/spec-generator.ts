/**
 * Platform specs of growing size for the synth benchmark. Everything that a user adds as a
 * platform grows (served models, teams, GPU pools, quotas, network clients) grows with the
 * number of served models; the shared parts (vector database, registry, Kubeflow,
 * observability) are there once, as in the reference platform.
 */
import {
  GpuInstanceType, ModelPresets, ModelRegistryKind, PlatformSpec, PoolCapacity, ServedModelBackend, ServedModelSpec,
  TeamQuotaSpec, TeamSpec, VectorEngine,
} from 'cnai-constructs';

/** How the benchmark platform grows with the number of served models. */
export const BENCH_GROWTH = {
  /** Served models per team (one team per this many models, at least `minTeams`). */
  modelsPerTeam: 10,
  /** Fewest teams. */
  minTeams: 2,
  /** Served models per L40S inference pool. */
  modelsPerInferencePool: 50,
  /** Served models per A10G pool. */
  modelsPerSharedPool: 100,
  /**
   * Most L40S and A10G pools: with the system pool and the training pool, 25 managed node
   * groups, under the EKS default quota of 30 per cluster.
   */
  maxInferencePools: 16,
  maxSharedPools: 8,
  /** Teams per research team (those that get an H100 quota for training). */
  teamsPerResearchTeam: 10,
  /** Every this-many-th served model is an embedding model (the others are chat models). */
  embedEvery: 4,
  /** Replicas of each served model (1 GPU each). */
  minReplicas: 1,
  maxReplicas: 2,
  /** Context of the chat models: 8k fits one GPU. */
  chatMaxModelLen: 8192,
};

/** What {@link benchSpec} built, counted. */
export interface BenchSpecCounts {
  readonly models: number;
  readonly chatModels: number;
  readonly embedModels: number;
  readonly teams: number;
  readonly researchTeams: number;
  readonly inferencePools: number;
  readonly sharedPools: number;
  /** All GPU pools (inference, shared and the training pool). */
  readonly gpuPools: number;
}

const G = BENCH_GROWTH;

/** How many of each thing a benchmark platform with `models` served models has. */
export function benchCounts(models: number): BenchSpecCounts {
  if (!Number.isInteger(models) || models < 0) throw new Error(`models must be a whole number >= 0, got ${models}`);
  const teams = Math.max(G.minTeams, Math.ceil(models / G.modelsPerTeam));
  const embedModels = Math.floor(models / G.embedEvery);
  const inferencePools = Math.min(G.maxInferencePools, Math.max(1, Math.ceil(models / G.modelsPerInferencePool)));
  const sharedPools = Math.min(G.maxSharedPools, Math.max(1, Math.ceil(models / G.modelsPerSharedPool)));
  return {
    models,
    chatModels: models - embedModels,
    embedModels,
    teams,
    researchTeams: Math.max(1, Math.ceil(teams / G.teamsPerResearchTeam)),
    inferencePools,
    sharedPools,
    gpuPools: inferencePools + sharedPools + 1,
  };
}

const pad = (i: number, width: number) => String(i).padStart(width, '0');

/**
 * A valid platform spec with `models` served models. Model `i` belongs to team
 * `floor(i / 10)`; every fourth model is a bge-large embedding model served by KServe on
 * the team's A10G pool and called by the team's chat models, the others are Llama 3.1 8B
 * (8k context) served by vLLM on the team's L40S pool. Teams are spread round-robin over
 * the pools; each team's nominal quota on a pool is one GPU per replica its models keep
 * running (minReplicas) and it may borrow up to maxReplicas; pools are sized to hold every
 * team's nominal quota plus one spare node. The first team of every ten also gets 8 H100s
 * on the training pool.
 */
export function benchSpec(models: number): PlatformSpec {
  const c = benchCounts(models);
  const w = Math.max(2, String(Math.max(models, c.teams, c.gpuPools) - 1).length);
  const teamName = (t: number) => `team-${pad(t, w)}`;
  const inferencePool = (p: number) => `inference-l40s-${pad(p, w)}`;
  const sharedPool = (p: number) => `shared-a10g-${pad(p, w)}`;
  const trainingPool = 'training-h100';

  const served: ServedModelSpec[] = [];
  const teamModels: ServedModelSpec[][] = Array.from({ length: c.teams }, () => []);
  for (let i = 0; i < models; i++) {
    const t = Math.floor(i / G.modelsPerTeam);
    const embed = i % G.embedEvery === G.embedEvery - 1;
    const m: ServedModelSpec = embed
      ? {
        name: `embed-${pad(i, w)}`,
        team: teamName(t),
        model: ModelPresets.BGE_LARGE_EN_V1_5,
        pools: [sharedPool(t % c.sharedPools)],
        backend: ServedModelBackend.KSERVE,
        minReplicas: G.minReplicas,
        maxReplicas: G.maxReplicas,
      }
      : {
        name: `chat-${pad(i, w)}`,
        team: teamName(t),
        model: ModelPresets.LLAMA_3_1_8B_INSTRUCT,
        pools: [inferencePool(t % c.inferencePools)],
        maxModelLen: G.chatMaxModelLen,
        minReplicas: G.minReplicas,
        maxReplicas: G.maxReplicas,
      };
    served.push(m);
    teamModels[t].push(m);
  }
  // An embedding model is called by the chat models of its team.
  const withClients = served.map((m, i) => {
    if (m.model !== ModelPresets.BGE_LARGE_EN_V1_5) return m;
    const team = teamModels[Math.floor(i / G.modelsPerTeam)];
    const clients = team.filter((x) => x.model !== ModelPresets.BGE_LARGE_EN_V1_5).map((x) => x.name);
    return clients.length > 0 ? { ...m, clients } : m;
  });

  const load = new Map<string, number>();
  const teams: TeamSpec[] = [];
  for (let t = 0; t < c.teams; t++) {
    const own = teamModels[t];
    const quotas: TeamQuotaSpec[] = [];
    const onPool = (pool: string, count: number) => {
      // A team without models on a pool still gets one GPU there, for notebooks and tests.
      const gpus = Math.max(1, count * G.minReplicas);
      quotas.push({ pool, gpus, borrowingLimit: Math.max(gpus, count * G.maxReplicas) - gpus });
      load.set(pool, (load.get(pool) ?? 0) + gpus);
    };
    onPool(inferencePool(t % c.inferencePools), own.filter((m) => m.model !== ModelPresets.BGE_LARGE_EN_V1_5).length);
    onPool(sharedPool(t % c.sharedPools), own.filter((m) => m.model === ModelPresets.BGE_LARGE_EN_V1_5).length);
    if (t % G.teamsPerResearchTeam === 0) {
      quotas.push({ pool: trainingPool, gpus: 8 });
    }
    teams.push({ name: teamName(t), quotas, developerGroups: [`${teamName(t)}-developers`] });
  }

  const gpuPools = [
    ...Array.from({ length: c.inferencePools }, (_, p) => ({
      name: inferencePool(p),
      instanceTypes: [GpuInstanceType.G6E_XLARGE, GpuInstanceType.G6E_2XLARGE],
      capacity: PoolCapacity.SPOT,
      maxNodes: (load.get(inferencePool(p)) ?? 0) + 1,
    })),
    ...Array.from({ length: c.sharedPools }, (_, p) => ({
      name: sharedPool(p), instanceTypes: [GpuInstanceType.G5_2XLARGE], maxNodes: (load.get(sharedPool(p)) ?? 0) + 1,
    })),
    { name: trainingPool, instanceTypes: [GpuInstanceType.P5_48XLARGE], maxNodes: c.researchTeams, efa: true },
  ];

  const team0Chat = teamModels[0].filter((m) => m.model !== ModelPresets.BGE_LARGE_EN_V1_5).map((m) => m.name);
  return {
    name: 'bench',
    environment: 'perf',
    region: 'us-west-2',
    accountId: '123456789012',
    availabilityZones: ['us-west-2a', 'us-west-2b', 'us-west-2c'],
    adminPrincipalArns: ['arn:aws:iam::123456789012:role/platform-admins'],
    publicEndpointCidrs: ['203.0.113.0/24'],
    gpuPools,
    teams,
    models: withClients,
    vectorDatabase: {
      engine: VectorEngine.QDRANT,
      name: 'knowledge',
      expectedVectors: 5_000_000,
      dimension: 1024,
      highAvailability: true,
      clients: team0Chat.length > 0 ? team0Chat : undefined,
    },
    modelRegistry: ModelRegistryKind.MLFLOW,
    kubeflow: true,
    observability: true,
  };
}
