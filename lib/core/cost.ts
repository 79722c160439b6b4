import { GpuInstanceType, PRICE_REFERENCE } from './accelerators';
import { CnaiError, ProblemCollector } from './errors';
import { CapacityReservationKind, GpuPoolSpec, PlatformSpec, PoolCapacity, ServedModelSpec } from './platform-spec';
import { poolGpuCapacity, predictiveModelGpus, servedModelAcrossNodes, servedModelReplicas } from './platform-spec-derivation';
import { validatePlatformSpec } from './platform-spec-validation';
import { ModelSizing } from './sizing';

/**
 * The GPU cost of a platform spec, from the GPU catalogue's prices (accelerators.ts): per
 * pool the monthly cost at its fewest and most nodes, per team the cost of its nominal quota,
 * per served model the cost of one replica and of its most replicas.
 *
 * Every figure is an hourly price from the catalogue times hours: a month is 730 hours (AWS's
 * convention, 24 x 365 / 12). Prices are on-demand Linux list prices of one region at one date
 * (PRICE_REFERENCE); the report says so, and that other regions differ. A figure is a range
 * when a pool has instance types of different prices (the node group may launch any of them),
 * and an upper bound for spot pools: the catalogue has no spot prices, and spot costs the
 * on-demand price less a discount that changes by zone and hour (a spot pool never pays more
 * than on-demand: that is a spot request's default maximum price, which EKS managed node groups keep).
 *
 * Only GPU nodes are counted: the EKS control plane, the system node group, NAT gateways,
 * the database, storage, load balancers and data transfer are not in the catalogue.
 */

/** Hours in a month as AWS bills them (24 x 365 / 12). */
const HOURS_PER_MONTH = 730;

/** What a cost figure is based on. */
export enum CostBasis {
  /** On-demand list prices. */
  ON_DEMAND = 'on-demand',
  /** Spot: the on-demand list price is the upper bound (the real price is lower by an unknown discount). */
  SPOT = 'spot',
  /**
   * An On-Demand Capacity Reservation: instances in it are billed at the on-demand price, and
   * the reserved instances are billed whether nodes run in them or not.
   */
  ON_DEMAND_RESERVATION = 'on-demand-reservation',
  /**
   * An EC2 Capacity Block for ML: paid up front at the block's price when it is bought; the
   * on-demand list price is shown for reference only.
   */
  CAPACITY_BLOCK = 'capacity-block',
}

/** A cost in US dollars: a range over a pool's instance types, or an upper bound. */
export interface CostFigure {
  /** The lowest value: on the cheapest instance type that can be used. */
  readonly lowUsd: number;
  /** The highest value: on the most expensive instance type that can be used. */
  readonly highUsd: number;
  /**
   * True when the real cost is lower by an amount the catalogue cannot know (spot): only
   * {@link highUsd} is meaningful, as an upper bound.
   */
  readonly atMost: boolean;
  /** True when a price in it is an estimate of the catalogue, not a listed price. */
  readonly estimate: boolean;
}

/** The price of one instance type of a pool. */
export interface InstanceTypePrice {
  /** The instance type, e.g. `g6e.xlarge`. */
  readonly instanceType: string;
  /** GPUs per instance. */
  readonly gpus: number;
  /** On-demand price per hour in USD (PRICE_REFERENCE's region and date). */
  readonly hourlyUsd: number;
  /** Price per GPU per hour in USD (hourlyUsd / gpus). */
  readonly hourlyUsdPerGpu: number;
  /**
   * Where the price comes from when it is an estimate, not a listed price.
   * @default - a listed on-demand price
   */
  readonly estimateNote?: string;
}

/** The cost of one GPU pool. */
export interface PoolCost {
  /** Pool name. */
  readonly pool: string;
  /** How its nodes are bought (spot and on-demand), and reserved capacity. */
  readonly basis: CostBasis;
  /** Its instance types with their prices, in the spec's order. */
  readonly instanceTypes: InstanceTypePrice[];
  /** Fewest nodes. */
  readonly minNodes: number;
  /** Most nodes. */
  readonly maxNodes: number;
  /** GPUs per node (the smallest among its types, as the pool's capacity counts them). */
  readonly gpusPerNode: number;
  /** Pods sharing each GPU (time-slicing); 1 without sharing. */
  readonly timeSlicingReplicas: number;
  /** Physical GPUs at most nodes. */
  readonly maxGpus: number;
  /** GPUs as Kubernetes counts them at most nodes (slices on a time-sliced pool). */
  readonly maxSchedulableGpus: number;
  /** Price of one node per hour. */
  readonly hourlyPerNode: CostFigure;
  /** Price of one physical GPU per hour (node price / its GPUs). */
  readonly hourlyPerGpu: CostFigure;
  /** A month at the fewest nodes. */
  readonly monthlyAtMinNodes: CostFigure;
  /** A month at the most nodes. */
  readonly monthlyAtMaxNodes: CostFigure;
  /**
   * Nodes kept up by the fewest nodes and the served models' minimum replicas on this pool
   * (replicas packed onto as few nodes as their GPUs allow).
   */
  readonly floorNodes: number;
  /** A month at {@link floorNodes}: what the pool costs when nothing scales up. */
  readonly monthlyFloor: CostFigure;
  /** What the figures cannot show (reservations, capacity blocks). */
  readonly notes: string[];
}

/** The cost of a team's quota on one pool. */
export interface TeamQuotaCost {
  /** The pool. */
  readonly pool: string;
  /** Nominal GPUs as the spec gives them (slices on a time-sliced pool). */
  readonly gpus: number;
  /** Physical GPUs they amount to (gpus / time-slicing replicas). */
  readonly physicalGpus: number;
  /** The pool's basis. */
  readonly basis: CostBasis;
  /** A month of the whole quota in use. */
  readonly monthly: CostFigure;
}

/** The cost of a team's nominal quotas. */
export interface TeamCost {
  /** Team name. */
  readonly team: string;
  /** Per pool. */
  readonly quotas: TeamQuotaCost[];
  /** A month of every quota in use (borrowed GPUs not counted). */
  readonly monthly: CostFigure;
}

/** Where a served model's replicas run, as the Kubernetes layer's sizing placed them. */
export interface ServedModelPlacement {
  /** The served model's name (`models[].name` of the spec). */
  readonly model: string;
  /** The pool its replicas run on. */
  readonly pool: string;
  /** The instance types of the pool a replica fits on. */
  readonly instanceTypes: GpuInstanceType[];
  /** GPUs a replica requests, as Kubernetes counts them (slices on a time-sliced pool). */
  readonly gpusPerReplica: number;
}

/** The cost of a served model. */
export interface ServedModelCost {
  /** The served model's name. */
  readonly model: string;
  /** Its team (namespace). */
  readonly team: string;
  /** The pool its replicas run on. */
  readonly pool: string;
  /** The instance types a replica fits on. */
  readonly instanceTypes: string[];
  /** GPUs a replica requests (slices on a time-sliced pool). */
  readonly gpusPerReplica: number;
  /** Physical GPUs a replica takes (gpusPerReplica / time-slicing replicas). */
  readonly physicalGpusPerReplica: number;
  /** Fewest replicas. */
  readonly minReplicas: number;
  /** Most replicas. */
  readonly maxReplicas: number;
  /** The pool's basis. */
  readonly basis: CostBasis;
  /** One replica for an hour. */
  readonly hourlyPerReplica: CostFigure;
  /** One replica for a month. */
  readonly monthlyPerReplica: CostFigure;
  /** A month at the fewest replicas. */
  readonly monthlyAtMinReplicas: CostFigure;
  /** A month at the most replicas. */
  readonly monthlyAtMaxReplicas: CostFigure;
}

/** Where and when the prices were read. */
export interface CostPriceSource {
  /** Region of the prices (PRICE_REFERENCE). */
  readonly region: string;
  /** Date the prices were read (PRICE_REFERENCE). */
  readonly readOn: string;
  /** Source (PRICE_REFERENCE). */
  readonly source: string;
  /** The platform's region. */
  readonly platformRegion: string;
  /** One sentence: the prices' region and date, and whether the platform's region differs. */
  readonly statement: string;
}

/** Totals over all pools. */
export interface PlatformCostTotals {
  /** All pools at their fewest nodes. */
  readonly monthlyAtMinNodes: CostFigure;
  /** All pools at their most nodes. */
  readonly monthlyAtMaxNodes: CostFigure;
  /** All pools at their floor (fewest nodes and the served models' minimum replicas). */
  readonly monthlyFloor: CostFigure;
}

/** The cost report of a platform spec (plain data: write it as JSON as it is). */
export interface PlatformCostReport {
  /** Platform name. */
  readonly platform: string;
  /** Environment. */
  readonly environment: string;
  /** Currency of every figure. */
  readonly currency: string;
  /** Hours in a month. */
  readonly hoursPerMonth: number;
  /** The prices' source. */
  readonly prices: CostPriceSource;
  /** Per pool, in the spec's order. */
  readonly pools: PoolCost[];
  /** Per team, in the spec's order. */
  readonly teams: TeamCost[];
  /** Per served model, in the spec's order. */
  readonly models: ServedModelCost[];
  /** Over all pools. */
  readonly totals: PlatformCostTotals;
  /** What the figures mean and what they leave out. */
  readonly notes: string[];
}

/** Options of {@link CostModel.report}. */
export interface CostReportOptions {
  /**
   * Where the served models' replicas run, from the Kubernetes layer's sizing (e.g. from
   * `CnaiPlatform.models[name].plan`). Models not listed are placed as the Kubernetes layer's
   * sizing places them: the pool and instance type where a replica costs least.
   * @default - every model placed by the same rule
   */
  readonly placements?: ServedModelPlacement[];
  /**
   * Report instance types whose catalogue price is an estimate (p5e), marked as estimates,
   * instead of refusing them.
   * @default false
   */
  readonly acceptEstimatedPrices?: boolean;
}

const SPEC = 'spec';

/** Builds and prints cost reports. */
export class CostModel {
  /** Hours in a month as AWS bills them (24 x 365 / 12): every monthly figure is an hourly price times this. */
  public static readonly HOURS_PER_MONTH = HOURS_PER_MONTH;

  /**
   * The cost report of a spec.
   * @throws CnaiValidationError or CnaiError for an invalid spec (validatePlatformSpec), and naming every
   * instance type whose price is missing or an estimate (unless accepted), with the fix
   */
  public static report(spec: PlatformSpec, options: CostReportOptions = {}): PlatformCostReport {
    validatePlatformSpec(spec);
    checkPrices(spec, options.acceptEstimatedPrices ?? false);
    const pools = new Map(spec.gpuPools.map((p) => [p.name, p]));
    const placements = new Map((options.placements ?? []).map((p) => [p.model, p]));
    // Predictive models on CPU run on the system nodes, which are not in the GPU pools' cost.
    const models = (spec.models ?? []).filter((m) => predictiveModelGpus(m) !== 0)
      .map((m) => modelCost(m, pools, placements.get(m.name) ?? placeModel(spec, m)));
    const poolCosts = spec.gpuPools.map((p) => poolCost(p, models.filter((m) => m.pool === p.name)));
    const teams = spec.teams.map((t): TeamCost => {
      const quotas = t.quotas.map((q): TeamQuotaCost => {
        const pool = pools.get(q.pool)!;
        const physicalGpus = q.gpus / slicing(pool);
        return {
          pool: q.pool,
          gpus: q.gpus,
          physicalGpus: roundTo(physicalGpus, 4),
          basis: basisOf(pool),
          monthly: rounded(scale(perGpuHourly(pool), physicalGpus * HOURS_PER_MONTH), 2),
        };
      });
      return { team: t.name, quotas, monthly: sum(quotas.map((q) => q.monthly)) };
    });
    const statement = priceStatement(spec.region);
    return {
      platform: spec.name,
      environment: spec.environment,
      currency: 'USD',
      hoursPerMonth: HOURS_PER_MONTH,
      prices: {
        region: PRICE_REFERENCE.region, readOn: PRICE_REFERENCE.readOn, source: PRICE_REFERENCE.source, platformRegion: spec.region, statement,
      },
      pools: poolCosts,
      teams,
      models,
      totals: {
        monthlyAtMinNodes: rounded(sum(poolCosts.map((p) => p.monthlyAtMinNodes)), 2),
        monthlyAtMaxNodes: rounded(sum(poolCosts.map((p) => p.monthlyAtMaxNodes)), 2),
        monthlyFloor: rounded(sum(poolCosts.map((p) => p.monthlyFloor)), 2),
      },
      notes: reportNotes(spec),
    };
  }

  /**
   * A figure as text: `$3,539.04`, a range `$8,151.18-$9,820.31` when the pool's types differ
   * in price, `at most $9,820.31` for spot, with ` (estimate)` when a price is an estimate.
   * The text summary and the platform report print every figure with this function.
   */
  public static formatFigure(value: CostFigure): string {
    const text = value.atMost
      ? `at most ${usd(value.highUsd)}`
      : value.lowUsd === value.highUsd ? usd(value.lowUsd) : `${usd(value.lowUsd)}-${usd(value.highUsd)}`;
    return value.estimate ? `${text} (estimate)` : text;
  }

  /** An hourly price as text: `$1.861/h`, `$0.303/h` (as many decimals as the catalogue has, at least two). */
  public static formatHourly(usdPerHour: number): string {
    return `${usd(usdPerHour, true)}/h`;
  }

  /** The report as text for the synth summary. */
  public static formatText(report: PlatformCostReport): string {
    return formatCostReport(report);
  }

  /** The report as JSON (two-space indented, with a final newline), for a file next to the output. */
  public static toJson(report: PlatformCostReport): string {
    return `${JSON.stringify(report, null, 2)}\n`;
  }
}

// ---------------------------------------------------------------------------------------------
// Prices

/** Every pool instance type must have a listed price (or estimates be accepted). */
function checkPrices(spec: PlatformSpec, acceptEstimates: boolean): void {
  const problems = new ProblemCollector();
  spec.gpuPools.forEach((pool, i) => pool.instanceTypes.forEach((t, j) => {
    const price = t.onDemandHourlyUsd;
    const missing = !(typeof price === 'number' && Number.isFinite(price) && price > 0);
    if (!missing && (acceptEstimates || !t.priceIsEstimate)) return;
    const listed = GpuInstanceType.withListedPrice()
      .filter((o) => o.gpuModel === t.gpuModel && o.gpuCount === t.gpuCount && o !== t)
      .map((o) => `${o.name} (${o.gpuCount} x ${o.gpuModel}, ${CostModel.formatHourly(o.onDemandHourlyUsd)})`);
    const why = missing ? 'the GPU catalogue has no price for it' : `the GPU catalogue has only an estimate for it (${t.facts.priceNote ?? 'no listed price'})`;
    problems.add({
      construct: `${SPEC} ${spec.name}`,
      prop: `gpuPools[${i}].instanceTypes[${j}]`,
      value: t.name,
      problem: `no listed on-demand price in ${PRICE_REFERENCE.region} (prices of ${PRICE_REFERENCE.readOn}): ${why}, so the cost of pool ${pool.name} cannot be reported`,
      fix: [
        ...(listed.length > 0 ? [`use ${listed.join(' or ')}, which has the same GPUs and a listed price`] : []),
        ...(missing ? ['add its on-demand price, with its source, to the GPU catalogue (lib/core/accelerators.ts)']
          : ['report the estimate, marked as such, with CostModel.report(spec, { acceptEstimatedPrices: true })']),
      ].join('; or '),
    });
  }));
  problems.throwIfAny();
}

function slicing(pool: GpuPoolSpec): number {
  return pool.timeSlicingReplicas ?? 1;
}

function basisOf(pool: GpuPoolSpec): CostBasis {
  const r = pool.capacityReservation;
  if (r?.kind === CapacityReservationKind.CAPACITY_BLOCK) return CostBasis.CAPACITY_BLOCK;
  if (r) return CostBasis.ON_DEMAND_RESERVATION;
  return (pool.capacity ?? PoolCapacity.ON_DEMAND) === PoolCapacity.SPOT ? CostBasis.SPOT : CostBasis.ON_DEMAND;
}

function figure(values: number[], atMost: boolean, estimate: boolean): CostFigure {
  return { lowUsd: Math.min(...values), highUsd: Math.max(...values), atMost, estimate };
}

function typesFigure(pool: GpuPoolSpec, types: GpuInstanceType[], price: (t: GpuInstanceType) => number): CostFigure {
  return figure(types.map(price), basisOf(pool) === CostBasis.SPOT, types.some((t) => t.priceIsEstimate));
}

function perGpuHourly(pool: GpuPoolSpec, types: GpuInstanceType[] = pool.instanceTypes): CostFigure {
  return typesFigure(pool, types, (t) => t.onDemandHourlyUsd / t.gpuCount);
}

function scale(f: CostFigure, factor: number): CostFigure {
  return { ...f, lowUsd: f.lowUsd * factor, highUsd: f.highUsd * factor };
}

function sum(figures: CostFigure[]): CostFigure {
  return {
    lowUsd: figures.reduce((s, f) => s + f.lowUsd, 0),
    highUsd: figures.reduce((s, f) => s + f.highUsd, 0),
    // A sum with an upper bound in it is an upper bound (its low end is not a real low).
    atMost: figures.some((f) => f.atMost),
    estimate: figures.some((f) => f.estimate),
  };
}

/** Rounds a figure for the report: cents for months, the catalogue's precision for hours. */
function rounded(f: CostFigure, decimals: number): CostFigure {
  const highUsd = roundTo(f.highUsd, decimals);
  // Nothing is nothing, on spot and at estimated prices too.
  return { lowUsd: roundTo(f.lowUsd, decimals), highUsd, atMost: f.atMost && highUsd > 0, estimate: f.estimate && highUsd > 0 };
}

function roundTo(n: number, decimals: number): number {
  const k = 10 ** decimals;
  return Math.round(n * k + Number.EPSILON * k) / k;
}

// ---------------------------------------------------------------------------------------------
// Pools, models

function poolCost(pool: GpuPoolSpec, models: ServedModelCost[]): PoolCost {
  const types = pool.instanceTypes;
  const minNodes = pool.minNodes ?? 0;
  const gpuCounts = types.map((t) => t.gpuCount);
  const gpusPerNode = Math.min(...gpuCounts);
  const node = typesFigure(pool, types, (t) => t.onDemandHourlyUsd);
  // The served models' minimum replicas keep nodes up: their physical GPUs packed onto as few
  // nodes as the largest type allows (low), or the smallest (high).
  const minimumGpus = models.reduce((s, m) => s + m.minReplicas * m.physicalGpusPerReplica, 0);
  const nodesFor = (perNode: number) => Math.max(minNodes, Math.ceil(roundTo(minimumGpus / perNode, 6)));
  const floorLow = nodesFor(Math.max(...gpuCounts));
  const floorHigh = nodesFor(gpusPerNode);
  const monthlyFloor: CostFigure = { ...node, lowUsd: floorLow * node.lowUsd * HOURS_PER_MONTH, highUsd: floorHigh * node.highUsd * HOURS_PER_MONTH };
  const basis = basisOf(pool);
  const notes: string[] = [];
  const r = pool.capacityReservation;
  if (basis === CostBasis.ON_DEMAND_RESERVATION) {
    notes.push(`launches into capacity reservation ${r!.reservationId} first: its reserved instances are billed at the on-demand price whether nodes run in them or not; `
      + 'their count is not in the spec, so the figures count running nodes only');
  } else if (basis === CostBasis.CAPACITY_BLOCK) {
    notes.push(`runs in capacity block ${r!.reservationId}: paid up front at the block's price when it was bought, not at the on-demand price; `
      + 'the figures are on-demand list prices for reference');
  }
  const estimates = types.filter((t) => t.priceIsEstimate);
  if (estimates.length > 0) notes.push(`${estimates.map((t) => t.name).join(', ')}: ${estimates[0].facts.priceNote ?? 'the price is an estimate'}`);
  return {
    pool: pool.name,
    basis,
    instanceTypes: types.map((t) => ({
      instanceType: t.name,
      gpus: t.gpuCount,
      hourlyUsd: t.onDemandHourlyUsd,
      hourlyUsdPerGpu: roundTo(t.onDemandHourlyUsd / t.gpuCount, 6),
      ...(t.priceIsEstimate ? { estimateNote: t.facts.priceNote ?? 'an estimate' } : {}),
    })),
    minNodes,
    maxNodes: pool.maxNodes,
    gpusPerNode,
    timeSlicingReplicas: slicing(pool),
    maxGpus: pool.maxNodes * gpusPerNode,
    maxSchedulableGpus: poolGpuCapacity(pool),
    hourlyPerNode: rounded(node, 6),
    hourlyPerGpu: rounded(perGpuHourly(pool), 6),
    monthlyAtMinNodes: rounded(scale(node, minNodes * HOURS_PER_MONTH), 2),
    monthlyAtMaxNodes: rounded(scale(node, pool.maxNodes * HOURS_PER_MONTH), 2),
    floorNodes: floorHigh,
    monthlyFloor: rounded(monthlyFloor, 2),
    notes,
  };
}

function modelCost(m: ServedModelSpec, pools: Map<string, GpuPoolSpec>, placement: ServedModelPlacement): ServedModelCost {
  const pool = pools.get(placement.pool)!;
  const { min, max } = servedModelReplicas(m);
  const physical = placement.gpusPerReplica / slicing(pool);
  const hourly = scale(perGpuHourly(pool, placement.instanceTypes), physical);
  const monthly = scale(hourly, HOURS_PER_MONTH);
  return {
    model: m.name,
    team: m.team,
    pool: pool.name,
    instanceTypes: placement.instanceTypes.map((t) => t.name),
    gpusPerReplica: placement.gpusPerReplica,
    physicalGpusPerReplica: roundTo(physical, 4),
    minReplicas: min,
    maxReplicas: max,
    basis: basisOf(pool),
    hourlyPerReplica: rounded(hourly, 6),
    monthlyPerReplica: rounded(monthly, 2),
    monthlyAtMinReplicas: rounded(scale(monthly, min), 2),
    monthlyAtMaxReplicas: rounded(scale(monthly, max), 2),
  };
}

/**
 * Places a served model as the Kubernetes layer's sizing does (LlmSizing): on each pool's
 * types, the smallest tensor-parallel degree that fits; the cheapest replica (its share of the
 * instance's price) wins, then fewer GPUs, then the pools' and types' order. The replica may
 * run on every type of the chosen pool it fits on with the same GPUs.
 */
function placeModel(spec: PlatformSpec, m: ServedModelSpec): ServedModelPlacement {
  const predictiveGpus = predictiveModelGpus(m);
  if (predictiveGpus !== undefined) {
    // A predictive model on GPUs asks for its GPUs on its one pool (validated), on the types that have them.
    const pool = spec.gpuPools.find((p) => p.name === m.pools[0])!;
    const instanceTypes = pool.instanceTypes.filter((t) => t.gpuCount >= predictiveGpus);
    return { model: m.name, pool: pool.name, instanceTypes, gpusPerReplica: predictiveGpus };
  }
  const model = m.maxModelLen !== undefined ? m.model!.withServing({ maxContextLength: m.maxModelLen }) : m.model!;
  const fitsWith = (t: GpuInstanceType, tp: number): boolean => {
    try {
      return ModelSizing.fitsOn(model, t, tp).fits;
    } catch (e) {
      // A type that cannot run the model's data types (FP8 on Turing) is no candidate.
      if (e instanceof CnaiError) return false;
      throw e;
    }
  };
  interface Fit {
    readonly pool: GpuPoolSpec;
    readonly poolIndex: number;
    readonly type: GpuInstanceType;
    readonly typeIndex: number;
    readonly tp: number;
  }
  const fits: Fit[] = [];
  m.pools.forEach((name, poolIndex) => {
    const pool = spec.gpuPools.find((p) => p.name === name);
    pool?.instanceTypes.forEach((type, typeIndex) => {
      const tp = ModelSizing.tensorParallelDegrees(model, type).find((d) => fitsWith(type, d));
      if (tp !== undefined) fits.push({ pool, poolIndex, type, typeIndex, tp });
    });
  });
  const cost = (f: Fit) => (f.type.onDemandHourlyUsd * f.tp) / f.type.gpuCount;
  fits.sort((a, b) => cost(a) - cost(b) || a.tp - b.tp || a.poolIndex - b.poolIndex || a.typeIndex - b.typeIndex);
  const best = fits[0];
  const across = best ? undefined : servedModelAcrossNodes(spec, m);
  if (across) {
    // No node holds it: a replica is `nodes` whole nodes of one type (LlmService's LeaderWorkerSet).
    const pool = m.pools.map((n) => spec.gpuPools.find((p) => p.name === n)!).find((p) => p.instanceTypes.includes(across.instanceType))!;
    return { model: m.name, pool: pool.name, instanceTypes: [across.instanceType], gpusPerReplica: across.tensorParallel * across.nodes };
  }
  if (!best) {
    // validatePlatformSpec, which ran first, reports a model that fits none of its pools.
    throw new Error(`internal: served model ${m.name} fits none of its pools (${m.pools.join(', ')}) after validation`);
  }
  return {
    model: m.name,
    pool: best.pool.name,
    instanceTypes: best.pool.instanceTypes.filter((t) => t.gpuCount % best.tp === 0 && fitsWith(t, best.tp)),
    gpusPerReplica: best.tp,
  };
}

// ---------------------------------------------------------------------------------------------
// Text

function priceStatement(platformRegion: string): string {
  const where = platformRegion === PRICE_REFERENCE.region
    ? 'the platform\'s region; prices in other regions differ'
    : `the platform runs in ${platformRegion}, where prices differ`;
  return `${PRICE_REFERENCE.region} on-demand Linux list prices as of ${PRICE_REFERENCE.readOn} (AWS Price List API; ${where})`;
}

function reportNotes(spec: PlatformSpec): string[] {
  const notes = [
    `A month is ${HOURS_PER_MONTH} hours. Prices: ${PRICE_REFERENCE.source}`,
    'Only GPU nodes are counted: the EKS control plane, the system node group, NAT gateways, the database, volumes, buckets, load balancers and data transfer are not.',
  ];
  if (spec.gpuPools.some((p) => basisOf(p) === CostBasis.SPOT)) {
    notes.push('Spot: the catalogue has no spot prices. Spot costs the on-demand price less a discount that changes by zone and hour, and never more than on-demand '
      + '(the default maximum price of a spot request, which EKS managed node groups keep), so spot figures are upper bounds ("at most").');
  }
  if (spec.gpuPools.some((p) => p.instanceTypes.length > 1)) {
    notes.push('A pool with instance types of different prices may launch any of them: its figures are ranges from the cheapest type to the dearest.');
  }
  if (spec.gpuPools.some((p) => p.timeSlicingReplicas !== undefined)) {
    notes.push('Time-sliced pools: quotas and replicas count slices; a slice costs the GPU\'s price divided by the slices per GPU.');
  }
  if ((spec.models ?? []).length > 0) {
    notes.push('Served models run inside their team\'s quota on their pool: their cost is part of the pool\'s and the team\'s, not in addition.');
  }
  notes.push('Team figures are the whole nominal quota in use all month; GPUs borrowed from other teams are not counted.');
  return notes;
}

/** `$1,234.56`; with `precise`, as many decimals as the value has (at least two, at most six). */
function usd(value: number, precise: boolean = false): string {
  let text: string;
  if (precise) {
    text = roundTo(value, 6).toFixed(6).replace(/0{1,4}$/, '');
  } else {
    text = roundTo(value, 2).toFixed(2);
  }
  const [whole, frac] = text.split('.');
  return `$${whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}.${frac}`;
}

function gpuText(gpus: number, slices: number): string {
  if (slices === 1) return `${gpus} GPU${gpus === 1 ? '' : 's'}`;
  const physical = roundTo(gpus / slices, 4);
  return `${gpus} slice${gpus === 1 ? '' : 's'} (${physical} GPU${physical === 1 ? '' : 's'})`;
}

const BASIS_TEXT: { [basis: string]: string } = {
  [CostBasis.ON_DEMAND]: 'on-demand',
  [CostBasis.SPOT]: 'spot',
  [CostBasis.ON_DEMAND_RESERVATION]: 'on-demand, capacity reservation',
  [CostBasis.CAPACITY_BLOCK]: 'capacity block (on-demand prices for reference)',
};

/** The text of {@link CostModel.formatText}. */
function formatCostReport(report: PlatformCostReport): string {
  const f = CostModel.formatFigure;
  const rows = (title: string, entries: Array<[string, string]>): string => {
    const width = Math.max(10, ...entries.map(([k]) => k.length));
    return [title, ...entries.map(([k, v]) => `  ${k.padEnd(width)}  ${v}`)].join('\n');
  };
  const pools = report.pools.map((p): [string, string] => {
    const types = p.instanceTypes.map((t) => `${t.instanceType} ${CostModel.formatHourly(t.hourlyUsd)}${t.estimateNote ? ' (estimate)' : ''}`).join(', ');
    const floor = p.floorNodes > p.minNodes ? `; floor ${f(p.monthlyFloor)} (${p.floorNodes} node${p.floorNodes === 1 ? '' : 's'} for the served models' minimum replicas)` : '';
    return [p.pool, `${BASIS_TEXT[p.basis]}, ${p.minNodes}-${p.maxNodes} x ${types}: min ${f(p.monthlyAtMinNodes)}, max ${f(p.monthlyAtMaxNodes)}${floor}`];
  });
  pools.push(['all pools', `min ${f(report.totals.monthlyAtMinNodes)}, max ${f(report.totals.monthlyAtMaxNodes)}, floor ${f(report.totals.monthlyFloor)}`]);
  const poolsByName = new Map(report.pools.map((p) => [p.pool, p]));
  const teams = report.teams.map((t): [string, string] => [t.team,
    `${f(t.monthly)}: ${t.quotas.map((q) => `${gpuText(q.gpus, poolsByName.get(q.pool)!.timeSlicingReplicas)} on ${q.pool} ${f(q.monthly)}`).join(', ')}`]);
  const models = report.models.map((m): [string, string] => [`${m.team}/${m.model}`,
    `${m.pool}, ${gpuText(m.gpusPerReplica, poolsByName.get(m.pool)!.timeSlicingReplicas)} of ${m.instanceTypes.join('/')} per replica: `
    + `${f(m.monthlyPerReplica)} per replica, ${f(m.monthlyAtMinReplicas)} at ${m.minReplicas}, ${f(m.monthlyAtMaxReplicas)} at ${m.maxReplicas} replica${m.maxReplicas === 1 ? '' : 's'}`]);
  const poolNotes = report.pools.flatMap((p) => p.notes.map((n) => `${p.pool}: ${n}`));
  const sections = [
    `GPU cost per month (USD, ${report.hoursPerMonth} h): ${report.prices.statement}`,
    rows('Pools (min and max nodes)', pools),
    rows('Teams (nominal quota in use all month)', teams),
  ];
  if (models.length > 0) sections.push(rows('Served models', models));
  sections.push(['Notes', ...[...poolNotes, ...report.notes].map((n) => `  - ${n}`)].join('\n'));
  return sections.join('\n');
}
