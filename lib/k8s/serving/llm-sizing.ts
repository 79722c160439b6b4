import { fitsAcrossNodes, noFitAcrossNodes, planAcrossNodes } from './multi-node-sizing';
import { SERVING_POD_CONSTANTS } from './serving-options';
import { GpuInstanceType } from '../../core/accelerators';
import { CnaiError, invalidProp } from '../../core/errors';
import { ModelSpec } from '../../core/models';
import { GpuMemoryBreakdown, ModelSizing, SIZING_CONSTANTS, tensorParallelProblem } from '../../core/sizing';
import { INodePool } from '../node-pool';

/** What {@link LlmSizing.plan} sizes, and the user's overrides. */
export interface LlmSizingInput {
  /** The model as served (context length and data types already applied). */
  readonly model: ModelSpec;
  /** The pools a replica may run on, in order of preference for ties. */
  readonly pools: INodePool[];
  /** vLLM `--gpu-memory-utilization`, in (0, 1]. */
  readonly gpuMemoryUtilization: number;
  /**
   * Only this instance type.
   * @default - any type of the pools
   */
  readonly instanceType?: GpuInstanceType;
  /**
   * Tensor-parallel degree.
   * @default - the smallest that fits
   */
  readonly tensorParallelSize?: number;
  /**
   * GPUs per replica (tensor parallel x pipeline parallel).
   * @default - tensorParallelSize
   */
  readonly gpusPerReplica?: number;
  /**
   * vCPUs per replica.
   * @default - the replica's share of the node's vCPUs, minus a reserve for system daemons
   */
  readonly cpu?: number;
  /**
   * Memory per replica in GiB.
   * @default - the replica's share of the node's memory, minus a reserve for system daemons
   */
  readonly memoryGiB?: number;
  /** Construct path for error messages. */
  readonly construct: string;
}

/** How one replica of a model is placed and sized. */
export interface LlmSizingPlan {
  /** The pool the replicas run on. */
  readonly pool: INodePool;
  /** The instance type the plan was sized on (the cheapest fitting one). */
  readonly instanceType: GpuInstanceType;
  /** The instance types of the pool a replica fits on (with the same GPUs per replica). */
  readonly fittingInstanceTypes: GpuInstanceType[];
  /** True when the pool also has types the replica does not fit on: pods then require the fitting types. */
  readonly restrictInstanceTypes: boolean;
  /** GPUs per replica (`nvidia.com/gpu` requests and limits). */
  readonly gpusPerReplica: number;
  /** Tensor-parallel degree. */
  readonly tensorParallelSize: number;
  /** Pipeline-parallel degree (gpusPerReplica / tensorParallelSize). */
  readonly pipelineParallelSize: number;
  /**
   * Nodes one replica spans: 1, or the pipeline stages of a model no single node holds (one
   * node each, every GPU of it tensor parallel), served as a LeaderWorkerSet.
   */
  readonly nodesPerReplica: number;
  /** The plan in one line, e.g. `8B bf16: 1 GPU of g6e.xlarge, TP 1` or `405B bf16: 2 x p5.48xlarge, TP 8, PP 2`. */
  readonly summary: string;
  /** vCPUs per pod (requests and limits): per replica, or per node of a multi-node replica. */
  readonly cpu: number;
  /** Memory per pod in GiB (requests and limits): per replica, or per node of a multi-node replica. */
  readonly memoryGiB: number;
  /** Memory per GPU on {@link LlmSizingPlan.instanceType}. */
  readonly breakdown: GpuMemoryBreakdown;
  /** True when every choice was made by sizing (no override). */
  readonly automatic: boolean;
}

interface Entry {
  readonly pool: INodePool;
  readonly poolIndex: number;
  readonly type: GpuInstanceType;
  readonly typeIndex: number;
}

interface Fit {
  readonly entry: Entry;
  readonly tp: number;
  readonly gpus: number;
  readonly breakdown: GpuMemoryBreakdown;
}

/**
 * Places and sizes one replica of a model on the GPU pools a service may use: GPUs per
 * replica and tensor-parallel degree from the model's memory ({@link ModelSizing}),
 * restricted to the pools' instance types; CPU and memory from the instance, leaving a
 * reserve for the kubelet and the node's agents.
 */
export class LlmSizing {
  /**
   * The plan for one replica.
   * @throws CnaiError when nothing fits (memory needed and what would fit) or an override cannot work
   */
  public static plan(input: LlmSizingInput): LlmSizingPlan {
    const where = input.construct;
    const spec = input.model;
    const entries = LlmSizing.entries(input);

    const tpIn = input.tensorParallelSize;
    const gpusIn = input.gpusPerReplica;
    for (const [prop, v] of [['tensorParallelSize', tpIn], ['gpusPerReplica', gpusIn]] as [string, number | undefined][]) {
      if (v !== undefined && (!Number.isInteger(v) || v < 1)) {
        throw invalidProp(where, prop, v, 'not a positive whole number', 'give 1, 2, 4 or 8');
      }
    }
    let fits: Fit[];
    let automatic = false;
    let nodes = 1;
    if (tpIn === undefined && gpusIn === undefined) {
      automatic = input.instanceType === undefined && input.cpu === undefined && input.memoryGiB === undefined;
      fits = LlmSizing.search(spec, entries, input.gpuMemoryUtilization, where);
      if (fits.length === 0) {
        // No single node holds it: across nodes, one pipeline stage per node (multi-node-sizing.ts).
        const across = planAcrossNodes(spec, entries, input.gpuMemoryUtilization, where);
        if (!across) throw noFitAcrossNodes(input, entries);
        fits = [across.fit];
        nodes = across.nodes;
      }
    } else {
      const tp = tpIn ?? gpusIn!;
      const gpus = gpusIn ?? tp;
      if (gpus % tp !== 0) {
        throw invalidProp(where, 'tensorParallelSize', tp, `does not divide gpusPerReplica (${gpus}): the GPUs of a replica are tensor parallel x pipeline parallel`,
          `use a tensorParallelSize that divides ${gpus} (${divisors(gpus).join(', ')}), or change gpusPerReplica`);
      }
      const headProblem = tensorParallelProblem(spec, tp);
      if (headProblem !== undefined) {
        const prop = tpIn !== undefined ? 'tensorParallelSize' : 'gpusPerReplica';
        const valid = divisors(64).filter((d) => tensorParallelProblem(spec, d) === undefined && d <= 8);
        throw invalidProp(where, prop, tp, headProblem,
          tpIn !== undefined
            ? `use one of ${valid.join(', ')}`
            : `give tensorParallelSize too (one of ${valid.join(', ')}); the rest of the GPUs then run pipeline parallel`);
      }
      const maxGpus = Math.max(...entries.map((e) => e.type.gpuCount));
      if (gpus > maxGpus) {
        throw invalidProp(where, gpusIn !== undefined ? 'gpusPerReplica' : 'tensorParallelSize', gpus,
          `more GPUs than a node has: the largest node of the pools has ${maxGpus} GPU${maxGpus === 1 ? '' : 's'}`,
          `use at most ${maxGpus}, or leave tensorParallelSize and gpusPerReplica unset: a model no node holds is then served across nodes`);
      }
      fits = [];
      for (const e of entries) {
        const b = LlmSizing.evaluate(spec, e.type, tp, gpus, input.gpuMemoryUtilization, where);
        if (b && b.fits) fits.push({ entry: e, tp, gpus, breakdown: b });
      }
      if (fits.length === 0) throw LlmSizing.overrideNoFit(input, entries, tp, gpus);
      fits.sort(rank);
    }

    const best = fits[0];
    const pool = best.entry.pool;
    // Every type of the chosen pool that the same replica fits on: pods may land on any of them.
    const fitting = entries
      .filter((e) => e.pool === pool)
      .filter((e) => {
        if (nodes > 1) return fitsAcrossNodes(spec, e.type, best.tp, nodes, input.gpuMemoryUtilization, where);
        const b = LlmSizing.evaluate(spec, e.type, best.tp, best.gpus, input.gpuMemoryUtilization, where);
        return b !== undefined && b.fits;
      })
      .map((e) => e.type);
    const poolTypes = input.instanceType ? [input.instanceType] : pool.gpuInstanceTypes;
    // A pod of a multi-node replica holds one stage: the GPUs of one node.
    const podGpus = best.gpus / nodes;
    const share = fitting.map((t) => replicaNodeShare(t, podGpus));
    const maxShare = fitting.map((t) => replicaNodeShare(t, t.gpuCount));
    const cpu = input.cpu ?? Math.min(...share.map((s) => s.cpu));
    const memoryGiB = input.memoryGiB ?? Math.min(...share.map((s) => s.memoryGiB));
    const cpuCeiling = Math.min(...maxShare.map((s) => s.cpu));
    const memCeiling = Math.min(...maxShare.map((s) => s.memoryGiB));
    const smallest = fitting[maxShare.findIndex((s) => s.memoryGiB === memCeiling)];
    if (input.cpu !== undefined && (!(input.cpu > 0) || input.cpu > cpuCeiling)) {
      throw invalidProp(where, 'cpu', input.cpu, `a replica on ${smallest.name} can have at most ${cpuCeiling} vCPUs (the node's ${smallest.vcpus} minus the system reserve)`,
        `give at most ${cpuCeiling}, or leave it unset for the replica's share (${Math.min(...share.map((s) => s.cpu))})`);
    }
    if (input.memoryGiB !== undefined && (!(input.memoryGiB > 0) || input.memoryGiB > memCeiling)) {
      throw invalidProp(where, 'memoryGiB', input.memoryGiB, `a replica on ${smallest.name} can have at most ${memCeiling} GiB (the node's ${smallest.memoryGiB} GiB minus the system reserve)`,
        `give at most ${memCeiling}, or leave it unset for the replica's share (${Math.min(...share.map((s) => s.memoryGiB))} GiB)`);
    }
    if (cpu < 1 || memoryGiB < 2) {
      throw invalidProp(where, 'pool', pool.poolName, `a replica's share of a ${smallest.name} node is only ${cpu} vCPU and ${memoryGiB} GiB`,
        'use a pool of larger instance types, or give cpu and memoryGiB');
    }
    return {
      pool,
      instanceType: best.entry.type,
      fittingInstanceTypes: fitting,
      restrictInstanceTypes: fitting.length < poolTypes.length || input.instanceType !== undefined,
      gpusPerReplica: best.gpus,
      tensorParallelSize: best.tp,
      pipelineParallelSize: best.gpus / best.tp,
      nodesPerReplica: nodes,
      summary: planSummary(spec, best.entry.type, best.gpus, best.tp, nodes),
      cpu,
      memoryGiB,
      breakdown: best.breakdown,
      automatic,
    };
  }

  private static entries(input: LlmSizingInput): Entry[] {
    const where = input.construct;
    if (!Array.isArray(input.pools) || input.pools.length === 0) {
      throw invalidProp(where, 'pools', input.pools, 'no pool to run on', 'give pool (one GPU pool) or pools (the GPU pools the service may use)');
    }
    const entries: Entry[] = [];
    input.pools.forEach((pool, poolIndex) => {
      if (!pool || !Array.isArray(pool.gpuInstanceTypes) || pool.gpuInstanceTypes.length === 0 || !(pool.gpusPerNode > 0)) {
        throw invalidProp(where, input.pools.length === 1 ? 'pool' : `pools[${poolIndex}]`, pool?.poolName ?? pool,
          'not a GPU pool: an LLM server needs NVIDIA GPUs', 'use a GpuNodePool or a NodePoolReference of a GPU node group');
      }
      pool.gpuInstanceTypes.forEach((type, typeIndex) => {
        if (input.instanceType === undefined || input.instanceType === type) entries.push({ pool, poolIndex, type, typeIndex });
      });
    });
    if (entries.length === 0) {
      const types = [...new Set(input.pools.flatMap((p) => p.gpuInstanceTypes.map((t) => t.name)))];
      throw invalidProp(where, 'instanceType', input.instanceType?.name, `not an instance type of the pool${input.pools.length === 1 ? '' : 's'} ${input.pools.map((p) => p.poolName).join(', ')}`,
        `use one of ${types.join(', ')}, or add a pool with it`);
    }
    return entries;
  }

  /** Memory per GPU with `gpus` GPUs per replica, tensor parallel `tp` (the rest pipeline parallel); undefined when the type cannot run it. */
  private static evaluate(spec: ModelSpec, type: GpuInstanceType, tp: number, gpus: number, utilisation: number,
    where: string): GpuMemoryBreakdown | undefined {
    if (type.gpuCount < gpus || type.gpuCount % tp !== 0) return undefined;
    let b: GpuMemoryBreakdown;
    try {
      b = ModelSizing.fitsOn(spec, type, tp, { gpuMemoryUtilization: utilisation, construct: where });
    } catch (e) {
      if (e instanceof CnaiError) return undefined;
      throw e;
    }
    const pp = gpus / tp;
    if (pp === 1) return b;
    // Pipeline stages split the layers: weights and KV cache per GPU shrink by the stage count.
    const weightsGiB = b.weightsGiB / pp;
    const kvCacheGiB = b.kvCacheGiB / pp;
    const overheadGiB = SIZING_CONSTANTS.runtimeOverheadGiBPerGpu + SIZING_CONSTANTS.activationFractionOfWeights * weightsGiB;
    const requiredGiB = weightsGiB + kvCacheGiB + overheadGiB;
    return {
      ...b,
      weightsGiB: round(weightsGiB),
      kvCacheGiB: round(kvCacheGiB),
      overheadGiB: round(overheadGiB),
      requiredGiB: round(requiredGiB),
      headroomGiB: round(b.availableGiB - requiredGiB),
      fits: requiredGiB <= b.availableGiB,
    };
  }

  private static search(spec: ModelSpec, entries: Entry[], utilisation: number, where: string): Fit[] {
    const fits: Fit[] = [];
    for (const e of entries) {
      for (const tp of ModelSizing.tensorParallelDegrees(spec, e.type)) {
        const b = LlmSizing.evaluate(spec, e.type, tp, tp, utilisation, where);
        if (b && b.fits) {
          fits.push({ entry: e, tp, gpus: tp, breakdown: b });
          break;
        }
      }
    }
    return fits.sort(rank);
  }

  private static overrideNoFit(input: LlmSizingInput, entries: Entry[], tp: number, gpus: number): CnaiError {
    const where = input.construct;
    const prop = input.tensorParallelSize !== undefined ? 'tensorParallelSize' : 'gpusPerReplica';
    const value = input.tensorParallelSize ?? input.gpusPerReplica;
    const evaluated = entries
      .map((e) => LlmSizing.evaluate(input.model, e.type, tp, gpus, input.gpuMemoryUtilization, where))
      .filter((b): b is GpuMemoryBreakdown => b !== undefined)
      .sort((a, b) => b.headroomGiB - a.headroomGiB);
    const closest = evaluated[0];
    const auto = LlmSizing.search(input.model, entries, input.gpuMemoryUtilization, where)[0];
    const need = closest
      ? `the model needs ${closest.requiredGiB} GiB per GPU on ${closest.instanceType} with ${gpus} GPU${gpus === 1 ? '' : 's'} per replica `
        + `(weights ${closest.weightsGiB} + KV cache ${closest.kvCacheGiB} + overhead ${closest.overheadGiB} GiB) but each GPU offers ${closest.availableGiB} GiB`
      : `no node of the pools has ${gpus} GPUs that can run it`;
    const fix = auto
      ? `use tensorParallelSize ${auto.tp} (fits ${auto.entry.type.name}), or leave it unset`
      : 'shorten maxModelLen, quantise the model, or use a pool with larger GPUs';
    return invalidProp(where, prop, value, need, fix);
  }
}

/** vCPUs and memory of a replica with `gpus` GPUs on a node of `type`, after the system reserve. */
export function replicaNodeShare(type: GpuInstanceType, gpus: number): { cpu: number; memoryGiB: number } {
  const c = SERVING_POD_CONSTANTS;
  const cpuFree = type.vcpus - Math.max(c.minReservedCpu, Math.ceil(type.vcpus * c.reservedCpuShare));
  const memFree = type.memoryGiB - Math.max(c.minReservedMemoryGiB, Math.ceil(type.memoryGiB * c.reservedMemoryShare));
  return {
    cpu: Math.floor((cpuFree * gpus) / type.gpuCount),
    memoryGiB: Math.floor((memFree * gpus) / type.gpuCount),
  };
}

// Cheapest replica (its share of the instance price) first, then fewer GPUs, then pool and type order.
function rank(a: Fit, b: Fit): number {
  const cost = (f: Fit) => (f.entry.type.onDemandHourlyUsd * f.gpus) / f.entry.type.gpuCount;
  return cost(a) - cost(b) || a.gpus - b.gpus || a.entry.poolIndex - b.entry.poolIndex || a.entry.typeIndex - b.entry.typeIndex;
}

/** `8B bf16: 1 GPU of g6e.xlarge, TP 1` for one node; `405B bf16: 2 x p5.48xlarge, TP 8, PP 2` across nodes. */
function planSummary(spec: ModelSpec, type: GpuInstanceType, gpus: number, tp: number, nodes: number): string {
  const pp = gpus / tp;
  if (nodes > 1) return ModelSizing.describePlan(spec, type, nodes, tp, pp);
  const line = ModelSizing.describePlan(spec, type, 1, tp, pp).replace(` 1 x ${type.name}`, ` ${gpus} GPU${gpus === 1 ? '' : 's'} of ${type.name}`);
  return pp === 1 ? line.replace(/, PP 1$/, '') : line;
}

function divisors(n: number): number[] {
  const out: number[] = [];
  for (let d = 1; d <= n; d++) if (n % d === 0) out.push(d);
  return out;
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
