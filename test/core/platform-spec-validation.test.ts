import { problemsOf, spec } from './spec-fixture';
import { GpuInstanceType } from '../../lib/core/accelerators';
import { CnaiValidationError } from '../../lib/core/errors';
import { ModelPresets } from '../../lib/core/models';
import { CapacityReservationKind, PoolCapacity, ServedModelBackend, ServedModelKind, ServedModelSpec, ServedModelTask } from '../../lib/core/platform-spec';
import { PlatformSpecValidator, validatePlatformSpec } from '../../lib/core/platform-spec-validation';
import { PredictiveModelFormat, PredictiveRuntime } from '../../lib/core/predictive-models';


describe('validatePlatformSpec', () => {
  test('the metrics section: a valid one passes, and each mistake is one problem among the spec\'s others', () => {
    const group = '9067c4b5-1021-70e2-2b7c-4ae1c8b1e2a4';
    expect(problemsOf(spec({ metrics: { managedPrometheus: {}, managedGrafana: { identityCenter: { adminGroupIds: [group] } } } }))).toEqual([]);
    expect(problemsOf(spec({
      availabilityZones: ['us-west-2a'],
      observability: false,
      metrics: { managedGrafana: { identityCenter: { adminGroupIds: ['platform-admins'] }, allowedPrefixListIds: ['10.0.0.0/8'] } },
    }))).toEqual([
      'availabilityZones: EKS needs subnets in at least two availability zones',
      'metrics.managedGrafana: the managed Grafana workspace is part of observability, and observability is off',
      'metrics.managedGrafana: its data source is the managed Prometheus workspace, and there is none',
      'metrics.managedGrafana.identityCenter.adminGroupIds[0]: not a group id of an IAM Identity Center identity store',
      'metrics.managedGrafana.allowedPrefixListIds[0]: not a managed prefix list id',
    ]);
  });

  test('a consistent spec passes', () => {
    expect(problemsOf(spec())).toEqual([]);
  });

  test('all problems are reported together, not one per run', () => {
    const bad = spec({
      environment: 'Prod_1',
      gpuPools: [
        { name: 'l40s', instanceTypes: [GpuInstanceType.G6E_XLARGE], maxNodes: 4 },
        { name: 'l40s', instanceTypes: [GpuInstanceType.G6E_2XLARGE], maxNodes: 1 },
      ],
      teams: [
        { name: 'team-a', quotas: [{ pool: 'a100', gpus: 1 }] },
        { name: 'team-a', quotas: [] },
      ],
      models: [{ name: 'chat', team: 'nobody', model: ModelPresets.LLAMA_3_1_8B_INSTRUCT, pools: ['l40s'] }],
      vectorDatabase: undefined,
    });
    let error: unknown;
    try {
      validatePlatformSpec(bad);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CnaiValidationError);
    const message = (error as Error).message;
    expect(message).toMatch(/^5 problems found:/);
    expect(message).toContain('invalid environment = "Prod_1"');
    expect(message).toContain('invalid gpuPools[1].name = "l40s": two pools have this name');
    expect(message).toContain('invalid teams[0].quotas[0].pool = "a100": no GPU pool has this name');
    expect(message).toContain('invalid teams[1].name = "team-a": two teams have this name');
    expect(message).toContain('invalid models[0].team = "nobody": no team has this name');
  });

  test('a quota above what the pool can ever hold', () => {
    expect(problemsOf(spec({ teams: [{ name: 'team-a', quotas: [{ pool: 'l40s', gpus: 5 }] }], models: [], vectorDatabase: undefined })))
      .toEqual(['teams[0].quotas[0].gpus: pool l40s can never hold more than 4 GPUs (4 nodes)']);
  });

  test("the teams' quotas on one pool add up to more than it holds", () => {
    const teams = [
      { name: 'team-a', quotas: [{ pool: 'l40s', gpus: 3 }] },
      { name: 'team-b', quotas: [{ pool: 'l40s', gpus: 3 }] },
    ];
    expect(problemsOf(spec({ teams, models: [], vectorDatabase: undefined })))
      .toEqual(["teams[*].quotas (pool l40s): the teams' nominal quotas on pool l40s add up to more than its 4 GPUs"]);
  });

  test('a model that fits no pool of its own names the memory it needs', () => {
    const models = [{ name: 'big', team: 'team-b', model: ModelPresets.LLAMA_3_1_70B_INSTRUCT, pools: ['l40s'], maxModelLen: 8192 }];
    const problems = problemsOf(spec({ models, vectorDatabase: undefined }));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^models\[0\]\.model: .*GiB/);
  });

  test('maxModelLen above the model\'s context window is named as such, not as a memory problem', () => {
    expect(() => validatePlatformSpec(spec({
      models: [{ name: 'chat', team: 'team-a', model: ModelPresets.LLAMA_3_1_8B_INSTRUCT, pools: ['l40s'], maxModelLen: 200000 }],
    }))).toThrow('spec cnai: invalid models[0].maxModelLen = 200000: above the context window of llama-3.1-8b-instruct (131072 tokens). '
      + 'Fix: give at most 131072, or leave maxModelLen out to serve the whole window.');
  });

  test('a context too long for the pool suggests a shorter maxModelLen (the spec\'s prop), within the window', () => {
    let message = '';
    try {
      validatePlatformSpec(spec({
        gpuPools: [{ name: 'l40s', instanceTypes: [GpuInstanceType.G5_XLARGE], maxNodes: 4 }],
        teams: [{ name: 'team-a', quotas: [{ pool: 'l40s', gpus: 4 }] }],
        models: [{ name: 'chat', team: 'team-a', model: ModelPresets.LLAMA_3_1_8B_INSTRUCT, pools: ['l40s'], maxModelLen: 131072 }],
        vectorDatabase: undefined,
      }));
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/^spec cnai: invalid models\[0\]\.model = "llama-3\.1-8b-instruct": needs [\d.]+ GiB per GPU at tensor parallel 1 on g5\.xlarge/);
    expect(message).toMatch(/Fix: shorten maxModelLen to at most \d+ tokens \(fits g5\.xlarge at tensor parallel 1\)/);
    expect(message).not.toContain('maxContextLength');
  });

  test('a model too large for its pools names a pool of larger GPUs', () => {
    expect(() => validatePlatformSpec(spec({
      models: [{ name: 'chat', team: 'team-a', model: ModelPresets.LLAMA_3_1_70B_INSTRUCT, pools: ['l40s'] }],
    }))).toThrow(/Fix: give the model a pool of larger GPUs \(l40s has g6e\.xlarge\), such as p4d\.24xlarge \(tensor parallel 8\)\.$/);
  });

  test('an instance type that is not a catalogue GPU type (a spec from JSON) is reported once, without cascades', () => {
    expect(problemsOf(spec({
      gpuPools: [{ name: 'l40s', instanceTypes: ['m5.xlarge' as any], maxNodes: 4 }, { name: 'h100', instanceTypes: [{ name: 'p5.48xlarge' } as any], maxNodes: 2 }],
    }))).toEqual([
      'gpuPools[0].instanceTypes[0]: m5 is not an NVIDIA GPU instance family (the catalogue holds the GPU families g4dn, g5, g6, g6e, p4d, p4de, p5, p5e, p5en)',
      'gpuPools[1].instanceTypes[0]: not a GpuInstanceType of the catalogue',
    ]);
  });

  test("a model's GPU budget above its team's quota", () => {
    const models = [{ name: 'chat', team: 'team-b', model: ModelPresets.LLAMA_3_1_8B_INSTRUCT, pools: ['l40s'], maxModelLen: 8192, maxReplicas: 5 }];
    expect(problemsOf(spec({ models, vectorDatabase: undefined }))).toEqual([
      'models[0].maxReplicas: 5 replicas x 1 GPUs (g6e.xlarge) need 5 GPUs, but team team-b may use at most 4 on pools l40s',
    ]);
  });

  test('unknown pools, clients and vector database references', () => {
    const models = [{ name: 'chat', team: 'team-a', model: ModelPresets.LLAMA_3_1_8B_INSTRUCT, pools: ['nope'], clients: ['ghost'] }];
    expect(problemsOf(spec({ models, vectorDatabase: { name: 'team-a', expectedVectors: 1, dimension: 0, clients: ['ghost'] } }))).toEqual([
      'models[0].pools: no GPU pool is named nope',
      'models[0].clients[0]: no served model has this name',
      'vectorDatabase.name: a team has this name; the database runs in a namespace of its own',
      'vectorDatabase.dimension: must be a whole number of at least 1',
      'vectorDatabase.clients[0]: no served model has this name',
    ]);
  });

  test('pool rules: min above max, EFA on a family without it, one family per pool, time-slicing', () => {
    const gpuPools = [
      { name: 'a', instanceTypes: [GpuInstanceType.G6E_XLARGE], minNodes: 3, maxNodes: 2, efa: true, timeSlicingReplicas: 1 },
      { name: 'b', instanceTypes: [GpuInstanceType.G6E_XLARGE, GpuInstanceType.G5_XLARGE], maxNodes: 1 },
    ];
    expect(problemsOf(spec({ gpuPools, teams: [], models: [], vectorDatabase: undefined }))).toEqual([
      'gpuPools[0].minNodes: must be a whole number from 0 to maxNodes (2)',
      'gpuPools[0].efa: g6e.xlarge has no EFA',
      'gpuPools[0].timeSlicingReplicas: time-slicing shares a GPU between at least 2 pods',
      'gpuPools[1].instanceTypes: mixes the families g6e, g5; a pool\'s nodes must all carry the same GPU',
    ]);
  });

  test('drift monitoring needs the KServe backend and observability', () => {
    const models = [{ name: 'chat', team: 'team-a', model: ModelPresets.LLAMA_3_1_8B_INSTRUCT, pools: ['l40s'], maxModelLen: 8192, monitorDrift: true }];
    expect(problemsOf(spec({ models, observability: false, vectorDatabase: undefined }))).toEqual([
      'models[0].monitorDrift: drift monitoring logs payloads through KServe\'s logger, which the vLLM backend does not have',
      'models[0].monitorDrift: drift monitoring runs on the telemetry collector, and observability is off',
    ]);
  });

  test('fewer than two zones, or a zone of another region', () => {
    expect(problemsOf(spec({ availabilityZones: ['eu-west-1a'] }))).toEqual([
      'availabilityZones: EKS needs subnets in at least two availability zones',
      'availabilityZones[0]: not a zone of region us-west-2',
    ]);
  });
});

describe('validatePlatformSpec: lifecycle options', () => {
  test('a Kubernetes version without pinned add-ons', () => {
    expect(problemsOf(spec({ kubernetesVersion: '1.33' }))).toEqual([
      'kubernetesVersion: the library pins EKS add-ons per Kubernetes version and has none for this one',
    ]);
    expect(problemsOf(spec({ kubernetesVersion: '1.35' }))).toEqual([]);
  });

  test('capacity reservations: a valid id; a capacity block is on demand and of one instance type', () => {
    const pool = (extra: object) => spec({ gpuPools: [spec().gpuPools[0], { ...spec().gpuPools[1], ...extra }] });
    expect(problemsOf(pool({ capacityReservation: { kind: CapacityReservationKind.ON_DEMAND_RESERVATION, reservationId: 'cr-1' } }))).toEqual([
      'gpuPools[1].capacityReservation.reservationId: not a capacity reservation id',
    ]);
    expect(problemsOf(pool({ capacity: PoolCapacity.SPOT, capacityReservation: { kind: CapacityReservationKind.CAPACITY_BLOCK, reservationId: 'cr-0123456789abcdef0' } }))).toEqual([
      'gpuPools[1].capacity: a capacity block is its own purchase option; it cannot be combined with spot',
    ]);
  });

});

describe('validatePlatformSpec: predictive models', () => {
  const base = spec().models![0];
  const churn: ServedModelSpec = { name: 'churn', team: 'team-a', kind: ServedModelKind.PREDICTIVE, predictive: { format: PredictiveModelFormat.XGBOOST }, pools: [] };
  const withModel = (m: Partial<ServedModelSpec>) => spec({ models: [base, { ...churn, ...m }] });

  test('an XGBoost model on CPU, and an ONNX model on one GPU of a pool, pass', () => {
    expect(problemsOf(withModel({}))).toEqual([]);
    expect(problemsOf(withModel({ predictive: { format: PredictiveModelFormat.ONNX, gpus: 1, cpu: 2, memoryGiB: 8 }, pools: ['l40s'], maxReplicas: 2 }))).toEqual([]);
  });

  test('an unknown runtime for the model\'s format', () => {
    expect(problemsOf(withModel({ predictive: { format: PredictiveModelFormat.ONNX, runtime: PredictiveRuntime.SKLEARN_SERVER } }))).toEqual([
      'models[1].predictive.runtime: kserve-sklearnserver does not serve onnx models (it declares sklearn)',
    ]);
  });

  test('a format that is not KServe\'s', () => {
    expect(problemsOf(withModel({ predictive: { format: 'catboost' as PredictiveModelFormat } }))).toEqual([
      'models[1].predictive.format: not a model format of KServe\'s predictive runtimes',
    ]);
  });

  test('a kind that does not exist', () => {
    expect(problemsOf(withModel({ kind: 'tabular' as ServedModelKind }))).toEqual(['models[1].kind: not a kind of served model']);
  });

  test('a predictive model without its format', () => {
    expect(problemsOf(withModel({ predictive: undefined }))).toEqual(['models[1].predictive: a predictive model needs its format']);
  });

  test('an LLM without its model spec, and predictive settings on an LLM', () => {
    expect(problemsOf(spec({ models: [{ ...base, model: undefined }] }))).toEqual([
      'models[0].model: an LLM needs its model spec (sizing reads its size, heads and context)',
    ]);
    expect(problemsOf(spec({ models: [{ ...base, predictive: { format: PredictiveModelFormat.SKLEARN } }] }))).toEqual(['models[0].predictive: predictive settings on an LLM']);
  });

  test('LLM settings on a predictive model: one problem each', () => {
    const llmSettings = {
      model: ModelPresets.LLAMA_3_1_8B_INSTRUCT,
      backend: ServedModelBackend.KSERVE,
      task: ServedModelTask.CHAT,
      maxModelLen: 4096,
      monitorDrift: true,
    };
    expect(problemsOf(withModel(llmSettings))).toEqual([
      'models[1].model: a model spec describes an LLM; a predictive model is sized by cpu, memoryGiB and gpus',
      'models[1].backend: backend is a setting of LLMs; predictive models run on a KServe runtime',
      'models[1].task: task is a setting of LLMs; predictive models run on a KServe runtime',
      'models[1].maxModelLen: maxModelLen is a setting of LLMs; predictive models run on a KServe runtime',
      'models[1].monitorDrift: drift monitoring compares prompt and completion tokens or embeddings, which a predictive model does not have',
    ]);
  });

  test('CPU and memory that are not positive', () => {
    expect(problemsOf(withModel({ predictive: { format: PredictiveModelFormat.XGBOOST, cpu: 0, memoryGiB: -2 } }))).toEqual([
      'models[1].predictive.cpu: not a positive number',
      'models[1].predictive.memoryGiB: not a positive number',
    ]);
  });

  test('GPUs: a whole number, a pool only with GPUs, one known pool, a GPU runtime, within a node and the team\'s quota', () => {
    const gpu = (gpus: number, pools: string[], format = PredictiveModelFormat.ONNX, maxReplicas = 2) =>
      problemsOf(withModel({ predictive: { format, gpus }, pools, maxReplicas }));
    expect(gpu(0.5, [])).toEqual(['models[1].predictive.gpus: not a whole number of GPUs']);
    expect(gpu(0, ['l40s'])).toEqual(['models[1].pools: the pools are GPU pools, and the model asks for no GPU: it runs on the CPU nodes']);
    expect(gpu(1, ['l40s', 'h100'])).toEqual(['models[1].pools: a predictive model on GPUs runs on one pool']);
    expect(gpu(1, ['a100'])).toEqual(['models[1].pools: no GPU pool is named a100']);
    expect(gpu(1, ['l40s'], PredictiveModelFormat.XGBOOST)).toEqual(['models[1].predictive.gpus: kserve-xgbserver runs on CPU only; a GPU would sit idle']);
    expect(gpu(2, ['l40s'])).toEqual(['models[1].predictive.gpus: no instance type of pool l40s has 2 GPUs (at most 1)']);
    expect(gpu(1, ['l40s'], PredictiveModelFormat.ONNX, 5)).toEqual(['models[1].maxReplicas: 5 replicas x 1 GPUs need 5 GPUs, but team team-a may use at most 4 on pool l40s']);
  });
});

describe('PlatformSpecValidator (the check as a static method, for jsii)', () => {
  test('a valid spec passes; a broken one throws the same problems as validatePlatformSpec', () => {
    expect(() => PlatformSpecValidator.validate(spec())).not.toThrow();
    expect(() => PlatformSpecValidator.validate(spec({ availabilityZones: ['us-west-2a'] }))).toThrow(
      'invalid availabilityZones = ["us-west-2a"]: EKS needs subnets in at least two availability zones');
  });
});
