// Expected figures are computed by hand from the catalogue's listed prices (us-east-1,
// 2026-01-19): g6e.xlarge $1.861/h, g6e.2xlarge $2.24208/h, g5.2xlarge $1.212/h,
// p5.48xlarge $55.04/h (8 GPUs), g6e.12xlarge $10.49264/h (4 GPUs); a month is 730 h.
import { REFERENCE_SPEC } from '../../examples/reference-platform/spec';
import { GpuInstanceType } from '../../lib/core/accelerators';
import { CostBasis, CostModel, PlatformCostReport } from '../../lib/core/cost';
import { CnaiError } from '../../lib/core/errors';
import { ModelPresets } from '../../lib/core/models';
import { CapacityReservationKind, PlatformSpec, PoolCapacity, ServedModelKind } from '../../lib/core/platform-spec';
import { PredictiveModelFormat } from '../../lib/core/predictive-models';

function spec(overrides: Partial<PlatformSpec> = {}): PlatformSpec {
  return {
    name: 'cnai',
    environment: 'test',
    region: 'us-east-1',
    accountId: '123456789012',
    availabilityZones: ['us-east-1a', 'us-east-1b'],
    gpuPools: [{ name: 'l40s', instanceTypes: [GpuInstanceType.G6E_XLARGE], maxNodes: 4 }],
    teams: [{ name: 'team-a', quotas: [{ pool: 'l40s', gpus: 2 }] }],
    ...overrides,
  };
}

const money = (lowUsd: number, highUsd: number = lowUsd, atMost: boolean = false) => ({ lowUsd, highUsd, atMost, estimate: false });

describe('the reference platform', () => {
  let report: PlatformCostReport;
  beforeAll(() => {
    report = CostModel.report(REFERENCE_SPEC);
  });

  test('a month is 730 hours, in USD, at the catalogue\'s region and date, and the report says the platform\'s region differs', () => {
    expect(CostModel.HOURS_PER_MONTH).toBe(730);
    expect(report.currency).toBe('USD');
    expect(report.prices).toMatchObject({ region: 'us-east-1', readOn: '2026-01-19', platformRegion: 'us-west-2' });
    expect(report.prices.statement).toBe('us-east-1 on-demand Linux list prices as of 2026-01-19 (AWS Price List API; the platform runs in us-west-2, where prices differ)');
    expect(report.prices.source).toMatch(/^AWS Price List API, on-demand Linux, us-east-1/);
  });

  test('per pool: min and max nodes x hourly price x 730; a spot pool at most its on-demand price; two types of different prices are a range', () => {
    const [l40s, a10g, h100] = report.pools;
    expect(l40s).toMatchObject({
      pool: 'inference-l40s',
      basis: CostBasis.SPOT,
      minNodes: 0,
      maxNodes: 6,
      gpusPerNode: 1,
      maxGpus: 6,
      instanceTypes: [
        { instanceType: 'g6e.xlarge', gpus: 1, hourlyUsd: 1.861, hourlyUsdPerGpu: 1.861 },
        { instanceType: 'g6e.2xlarge', gpus: 1, hourlyUsd: 2.24208, hourlyUsdPerGpu: 2.24208 },
      ],
      hourlyPerNode: money(1.861, 2.24208, true),
      monthlyAtMinNodes: money(0),
      // 6 x 1.861 x 730 = 8151.18; 6 x 2.24208 x 730 = 9820.3104
      monthlyAtMaxNodes: money(8151.18, 9820.31, true),
      // chat keeps one replica (one node) up: 1358.53 to 1636.7184
      floorNodes: 1,
      monthlyFloor: money(1358.53, 1636.72, true),
    });
    expect(a10g).toMatchObject({
      pool: 'shared-a10g',
      basis: CostBasis.ON_DEMAND,
      maxGpus: 4,
      timeSlicingReplicas: 4,
      maxSchedulableGpus: 16,
      // 4 x 1.212 x 730
      monthlyAtMaxNodes: money(3539.04),
      // embed's one replica is a quarter of a GPU, but the node it runs on is billed whole: 1.212 x 730
      floorNodes: 1,
      monthlyFloor: money(884.76),
    });
    expect(h100).toMatchObject({
      pool: 'training-h100',
      basis: CostBasis.ON_DEMAND,
      gpusPerNode: 8,
      maxGpus: 16,
      hourlyPerGpu: money(6.88),
      // 2 x 55.04 x 730
      monthlyAtMaxNodes: money(80358.4),
      floorNodes: 0,
      monthlyFloor: money(0),
      notes: [],
    });
    expect(report.totals).toEqual({
      monthlyAtMinNodes: money(0),
      monthlyAtMaxNodes: money(92048.62, 93717.75, true),
      monthlyFloor: money(2243.29, 2521.48, true),
    });
  });

  test('per team: its nominal quota at the pool\'s per-GPU price; slices of a time-sliced pool cost their share of a GPU', () => {
    const [apps, research] = report.teams;
    expect(apps.quotas).toEqual([
      // 4 x 1.861 x 730 = 5434.12; 4 x 2.24208 x 730 = 6546.8736
      { pool: 'inference-l40s', gpus: 4, physicalGpus: 4, basis: CostBasis.SPOT, monthly: money(5434.12, 6546.87, true) },
      // 2 slices of 4 per GPU = 0.5 GPU: 0.5 x 1.212 x 730
      { pool: 'shared-a10g', gpus: 2, physicalGpus: 0.5, basis: CostBasis.ON_DEMAND, monthly: money(442.38) },
    ]);
    expect(apps.monthly).toEqual(money(5876.5, 6989.25, true));
    expect(research.quotas.map((q) => [q.pool, q.monthly])).toEqual([
      // 16 x (55.04 / 8) x 730
      ['training-h100', money(80358.4)],
      ['shared-a10g', money(442.38)],
      // 2 x 1.861 x 730 = 2717.06; 2 x 2.24208 x 730 = 3273.4368
      ['inference-l40s', money(2717.06, 3273.44, true)],
    ]);
    expect(research.monthly).toEqual(money(83517.84, 84074.22, true));
  });

  test('per served model: one replica and its most replicas, on the types it fits on', () => {
    const [chat, embed] = report.models;
    expect(chat).toEqual({
      model: 'chat',
      team: 'ai-apps',
      pool: 'inference-l40s',
      instanceTypes: ['g6e.xlarge', 'g6e.2xlarge'],
      gpusPerReplica: 1,
      physicalGpusPerReplica: 1,
      minReplicas: 1,
      maxReplicas: 3,
      basis: CostBasis.SPOT,
      hourlyPerReplica: money(1.861, 2.24208, true),
      monthlyPerReplica: money(1358.53, 1636.72, true),
      monthlyAtMinReplicas: money(1358.53, 1636.72, true),
      // 3 x 1.861 x 730 = 4075.59; 3 x 2.24208 x 730 = 4910.1552
      monthlyAtMaxReplicas: money(4075.59, 4910.16, true),
    });
    expect(embed).toEqual({
      model: 'embed',
      team: 'ai-apps',
      pool: 'shared-a10g',
      instanceTypes: ['g5.2xlarge'],
      gpusPerReplica: 1,
      physicalGpusPerReplica: 0.25,
      minReplicas: 1,
      maxReplicas: 2,
      basis: CostBasis.ON_DEMAND,
      // a quarter of 1.212
      hourlyPerReplica: money(0.303),
      monthlyPerReplica: money(221.19),
      monthlyAtMinReplicas: money(221.19),
      monthlyAtMaxReplicas: money(442.38),
    });
  });

  test('the text for the synth summary', () => {
    const text = CostModel.formatText(report);
    const lines = text.split('\n');
    expect(lines[0]).toBe('GPU cost per month (USD, 730 h): us-east-1 on-demand Linux list prices as of 2026-01-19 (AWS Price List API; the platform runs in us-west-2, where prices differ)');
    expect(lines).toContain('  inference-l40s  spot, 0-6 x g6e.xlarge $1.861/h, g6e.2xlarge $2.24208/h: min $0.00, max at most $9,820.31; floor at most $1,636.72 (1 node for the served models\' minimum replicas)');
    expect(lines).toContain('  shared-a10g     on-demand, 0-4 x g5.2xlarge $1.212/h: min $0.00, max $3,539.04; floor $884.76 (1 node for the served models\' minimum replicas)');
    expect(lines).toContain('  training-h100   on-demand, 0-2 x p5.48xlarge $55.04/h: min $0.00, max $80,358.40');
    expect(lines).toContain('  all pools       min $0.00, max at most $93,717.75, floor at most $2,521.48');
    expect(lines).toContain('  ai-apps      at most $6,989.25: 4 GPUs on inference-l40s at most $6,546.87, 2 slices (0.5 GPUs) on shared-a10g $442.38');
    expect(lines).toContain('  ai-apps/embed  shared-a10g, 1 slice (0.25 GPUs) of g5.2xlarge per replica: $221.19 per replica, $221.19 at 1, $442.38 at 2 replicas');
    expect(text).toMatch(/Spot: the catalogue has no spot prices\. .* so spot figures are upper bounds \("at most"\)\./);
    expect(text).toContain('Only GPU nodes are counted');
  });

  test('the JSON file is the report itself, indented, with a final newline', () => {
    const json = CostModel.toJson(report);
    expect(json.endsWith('}\n')).toBe(true);
    expect(json.split('\n')[1]).toBe('  "platform": "cnai",');
    expect(JSON.parse(json)).toEqual(JSON.parse(JSON.stringify(report)));
  });
});

describe('figures', () => {
  test('formatFigure: a value, a range, an upper bound, nothing on spot, an estimate', () => {
    expect(CostModel.formatFigure(money(1234567.891))).toBe('$1,234,567.89');
    expect(CostModel.formatFigure(money(8151.18, 9820.31))).toBe('$8,151.18-$9,820.31');
    expect(CostModel.formatFigure(money(8151.18, 9820.31, true))).toBe('at most $9,820.31');
    expect(CostModel.formatFigure(money(0))).toBe('$0.00');
    expect(CostModel.formatFigure({ ...money(46206.08), estimate: true })).toBe('$46,206.08 (estimate)');
  });

  test('formatHourly keeps the catalogue\'s decimals', () => {
    expect(CostModel.formatHourly(55.04)).toBe('$55.04/h');
    expect(CostModel.formatHourly(2.24208)).toBe('$2.24208/h');
    expect(CostModel.formatHourly(0.303)).toBe('$0.303/h');
    expect(CostModel.formatHourly(21.957642)).toBe('$21.957642/h');
    expect(CostModel.formatHourly(10)).toBe('$10.00/h');
  });

  test('a spec in the prices\' region says other regions differ', () => {
    expect(CostModel.report(spec()).prices.statement)
      .toBe('us-east-1 on-demand Linux list prices as of 2026-01-19 (AWS Price List API; the platform\'s region; prices in other regions differ)');
  });

  test('fewest nodes count; a pool of 1- and 4-GPU types ranges per node and per GPU; replicas pack onto the larger nodes at the low end', () => {
    const r = CostModel.report(spec({
      gpuPools: [{ name: 'l40s', instanceTypes: [GpuInstanceType.G6E_XLARGE, GpuInstanceType.G6E_12XLARGE], minNodes: 1, maxNodes: 4 }],
      teams: [{ name: 'team-a', quotas: [{ pool: 'l40s', gpus: 4 }] }],
      models: [{ name: 'chat', team: 'team-a', model: ModelPresets.LLAMA_3_1_8B_INSTRUCT, pools: ['l40s'], maxModelLen: 8192, minReplicas: 3, maxReplicas: 4 }],
    }));
    const pool = r.pools[0];
    expect(pool).toMatchObject({
      basis: CostBasis.ON_DEMAND,
      gpusPerNode: 1,
      maxGpus: 4,
      hourlyPerNode: money(1.861, 10.49264),
      // 10.49264 / 4
      hourlyPerGpu: money(1.861, 2.62316),
      // 1 x 1.861 x 730 = 1358.53; 1 x 10.49264 x 730 = 7659.6272
      monthlyAtMinNodes: money(1358.53, 7659.63),
      // 3 replicas of 1 GPU: one g6e.12xlarge (low) or three g6e.xlarge at the dearest node price (high)
      floorNodes: 3,
      monthlyFloor: money(1358.53, 22978.88),
    });
    // The cheapest replica is a g6e.xlarge; it fits the 4-GPU type too, at its per-GPU price.
    expect(r.models[0]).toMatchObject({ instanceTypes: ['g6e.xlarge', 'g6e.12xlarge'], hourlyPerReplica: money(1.861, 2.62316) });
    // 4 x 1.861 x 730 = 5434.12; 4 x 2.62316 x 730 = 7659.6272
    expect(r.teams[0].monthly).toEqual(money(5434.12, 7659.63));
  });

  test('placements from the Kubernetes layer replace the cost model\'s own', () => {
    const s = spec({
      gpuPools: [
        { name: 'l40s', instanceTypes: [GpuInstanceType.G6E_XLARGE], maxNodes: 4 },
        { name: 'h100', instanceTypes: [GpuInstanceType.P5_48XLARGE], maxNodes: 1 },
      ],
      teams: [{ name: 'team-a', quotas: [{ pool: 'l40s', gpus: 2 }, { pool: 'h100', gpus: 8 }] }],
      models: [{ name: 'chat', team: 'team-a', model: ModelPresets.LLAMA_3_1_8B_INSTRUCT, pools: ['l40s', 'h100'], maxModelLen: 8192, maxReplicas: 2 }],
    });
    expect(CostModel.report(s).models[0]).toMatchObject({ pool: 'l40s', instanceTypes: ['g6e.xlarge'] });
    const placed = CostModel.report(s, { placements: [{ model: 'chat', pool: 'h100', instanceTypes: [GpuInstanceType.P5_48XLARGE], gpusPerReplica: 2 }] }).models[0];
    // 2 of 8 GPUs of 55.04: 13.76 per hour, 10044.80 per month, 20089.60 at 2 replicas
    expect(placed).toMatchObject({ pool: 'h100', gpusPerReplica: 2, hourlyPerReplica: money(13.76), monthlyPerReplica: money(10044.8), monthlyAtMaxReplicas: money(20089.6) });
  });
});

describe('reserved capacity and estimated prices', () => {
  test('a capacity reservation is billed whether used or not, a capacity block up front: both are noted', () => {
    const r = CostModel.report(spec({
      gpuPools: [
        { name: 'odcr', instanceTypes: [GpuInstanceType.P5_48XLARGE], maxNodes: 1, capacityReservation: { kind: CapacityReservationKind.ON_DEMAND_RESERVATION, reservationId: 'cr-0123456789abcdef0' } },
        { name: 'block', instanceTypes: [GpuInstanceType.P5_48XLARGE], maxNodes: 1, capacityReservation: { kind: CapacityReservationKind.CAPACITY_BLOCK, reservationId: 'cr-0123456789abcdef1' } },
      ],
      teams: [{ name: 'team-a', quotas: [{ pool: 'odcr', gpus: 8 }] }],
    }));
    expect(r.pools.map((p) => p.basis)).toEqual([CostBasis.ON_DEMAND_RESERVATION, CostBasis.CAPACITY_BLOCK]);
    expect(r.pools[0].notes).toEqual(['launches into capacity reservation cr-0123456789abcdef0 first: its reserved instances are billed at the on-demand price whether nodes run in them or not; '
      + 'their count is not in the spec, so the figures count running nodes only']);
    expect(r.pools[1].notes).toEqual(['runs in capacity block cr-0123456789abcdef1: paid up front at the block\'s price when it was bought, not at the on-demand price; the figures are on-demand list prices for reference']);
    expect(CostModel.formatText(r)).toContain('  block       capacity block (on-demand prices for reference), 0-1 x p5.48xlarge $55.04/h: min $0.00, max $40,179.20');
  });

  test('error: an instance type without a listed price names the type, the pool and the fix', () => {
    const s = spec({
      gpuPools: [{ name: 'h200', instanceTypes: [GpuInstanceType.P5E_48XLARGE], maxNodes: 1 }],
      teams: [{ name: 'team-a', quotas: [{ pool: 'h200', gpus: 8 }] }],
    });
    expect(() => CostModel.report(s)).toThrow(CnaiError);
    expect(() => CostModel.report(s)).toThrow(
      'spec cnai: invalid gpuPools[0].instanceTypes[0] = "p5e.48xlarge": no listed on-demand price in us-east-1 (prices of 2026-01-19): '
      + 'the GPU catalogue has only an estimate for it (p5e has no listed on-demand price in us-east-1 (AWS sells it through EC2 Capacity Blocks); '
      + 'the figure is the listed on-demand price of p5en.48xlarge, which has the same 8 x H200, as an estimate), so the cost of pool h200 cannot be reported. '
      + 'Fix: use p5en.48xlarge (8 x H200, $63.296/h), which has the same GPUs and a listed price; '
      + 'or report the estimate, marked as such, with CostModel.report(spec, { acceptEstimatedPrices: true }).');
  });

  test('accepted estimates are marked as estimates in every figure and in the text', () => {
    const s = spec({
      gpuPools: [{ name: 'h200', instanceTypes: [GpuInstanceType.P5E_48XLARGE], maxNodes: 1, capacity: PoolCapacity.ON_DEMAND }],
      teams: [{ name: 'team-a', quotas: [{ pool: 'h200', gpus: 4 }] }],
    });
    const r = CostModel.report(s, { acceptEstimatedPrices: true });
    // 63.296 x 730 = 46206.08; half the node for 4 of 8 GPUs
    expect(r.pools[0].monthlyAtMaxNodes).toEqual({ lowUsd: 46206.08, highUsd: 46206.08, atMost: false, estimate: true });
    expect(r.pools[0].instanceTypes[0].estimateNote).toMatch(/^p5e has no listed on-demand price in us-east-1/);
    expect(r.teams[0].monthly).toEqual({ lowUsd: 23103.04, highUsd: 23103.04, atMost: false, estimate: true });
    const text = CostModel.formatText(r);
    expect(text).toContain('  h200        on-demand, 0-1 x p5e.48xlarge $63.296/h (estimate): min $0.00, max $46,206.08 (estimate)');
    expect(text).toContain('  team-a      $23,103.04 (estimate): 4 GPUs on h200 $23,103.04 (estimate)');
  });
});

describe('predictive models', () => {
  test('on CPU they cost nothing of the GPU pools (not listed); on a GPU, a replica is its GPUs\' share of the pool\'s node', () => {
    const report = CostModel.report(spec({
      teams: [{ name: 'team-a', quotas: [{ pool: 'l40s', gpus: 4 }] }],
      models: [
        { name: 'churn', team: 'team-a', kind: ServedModelKind.PREDICTIVE, predictive: { format: PredictiveModelFormat.XGBOOST }, pools: [] },
        { name: 'vision', team: 'team-a', kind: ServedModelKind.PREDICTIVE, predictive: { format: PredictiveModelFormat.ONNX, gpus: 1 }, pools: ['l40s'], minReplicas: 1, maxReplicas: 2 },
      ],
    }));
    expect(report.models.map((m) => m.model)).toEqual(['vision']);
    expect(report.models[0]).toMatchObject({
      pool: 'l40s',
      instanceTypes: ['g6e.xlarge'],
      gpusPerReplica: 1,
      // 1.861 x 730 = 1358.53; two replicas 2717.06
      monthlyPerReplica: money(1358.53),
      monthlyAtMaxReplicas: money(2717.06),
    });
  });
});
