import type { LlmSizingInput } from './llm-sizing';
import { GpuInstanceType } from '../../core/accelerators';
import { CnaiError, invalidProp } from '../../core/errors';
import { ModelDtype, ModelSpec } from '../../core/models';
import { GpuMemoryBreakdown, MAX_NODES_PER_REPLICA, MIN_GPUS_PER_NODE_ACROSS_NODES, ModelSizing } from '../../core/sizing';
import { INodePool } from '../node-pool';

/**
 * Sizing of a model that no single node holds (internal to LlmSizing): tensor parallel inside a
 * node, one pipeline stage per node, on pools of multi-GPU nodes only.
 */

/** An instance type of a pool, as LlmSizing enumerates them. */
export interface PoolTypeEntry {
  /** The pool. */
  readonly pool: INodePool;
  /** Index of the pool among the service's pools. */
  readonly poolIndex: number;
  /** The instance type. */
  readonly type: GpuInstanceType;
  /** Index of the type in the pool. */
  readonly typeIndex: number;
}

/** A replica across nodes: the entry, tensor parallel per node, GPUs in all and memory per GPU. */
export interface AcrossNodesFit {
  /** Pool and instance type. */
  readonly entry: PoolTypeEntry;
  /** Tensor-parallel degree (GPUs per node the replica uses). */
  readonly tp: number;
  /** GPUs of the replica (tp x nodes). */
  readonly gpus: number;
  /** Memory per GPU. */
  readonly breakdown: GpuMemoryBreakdown;
}

/** The most nodes of `type` a replica may span on `pool`: its maximum size, or the sizing limit when it states none. */
export function poolMaxNodes(pool: INodePool, type: GpuInstanceType): number {
  return pool.maxGpus > 0 ? Math.floor(pool.maxGpus / type.gpuCount) : MAX_NODES_PER_REPLICA;
}

/** Whether the weights alone (with the runtime overhead) exceed every node of the entries: the model is larger than a node. */
function largerThanEveryNode(spec: ModelSpec, entries: PoolTypeEntry[], utilisation: number, where: string): boolean {
  return ModelSizing.largerThanEveryNode(spec, entries.map((e) => e.type), { gpuMemoryUtilization: utilisation, construct: where });
}

/**
 * The replica across nodes on the entries with the fewest nodes (then the cheapest: nodes x
 * on-demand price; then pool and type order), when the model is larger than every node of them.
 */
export function planAcrossNodes(spec: ModelSpec, entries: PoolTypeEntry[], utilisation: number, where: string):
{ fit: AcrossNodesFit; nodes: number } | undefined {
  if (!largerThanEveryNode(spec, entries, utilisation, where)) return undefined;
  let best: { fit: AcrossNodesFit; nodes: number; cost: number } | undefined;
  for (const e of entries) {
    if (e.type.gpuCount < MIN_GPUS_PER_NODE_ACROSS_NODES) continue;
    const candidate = { instanceType: e.type, maxNodes: poolMaxNodes(e.pool, e.type) };
    const m = ModelSizing.acrossNodes(spec, [candidate], { gpuMemoryUtilization: utilisation, construct: where });
    if (!m) continue;
    const cost = m.nodes * e.type.onDemandHourlyUsd;
    if (!best || m.nodes < best.nodes || (m.nodes === best.nodes && cost < best.cost)) {
      best = { fit: { entry: e, tp: m.tensorParallel, gpus: m.tensorParallel * m.nodes, breakdown: m.breakdown }, nodes: m.nodes, cost };
    }
  }
  return best ? { fit: best.fit, nodes: best.nodes } : undefined;
}

/** Whether a replica of `nodes` stages at tensor parallel `tp` fits nodes of `type`. */
export function fitsAcrossNodes(spec: ModelSpec, type: GpuInstanceType, tp: number, nodes: number, utilisation: number, where: string): boolean {
  if (type.gpuCount % tp !== 0) return false;
  try {
    return ModelSizing.fitsAcrossStages(spec, type, tp, nodes, { gpuMemoryUtilization: utilisation, construct: where }).fits;
  } catch (err) {
    if (err instanceof CnaiError) return false;
    throw err;
  }
}

/**
 * The error when nothing holds the model, not even across nodes: the memory it needs per GPU at
 * the most nodes the pools allow, and what would hold it (more nodes of a pool, a pool of another
 * type, lighter weights).
 */
export function noFitAcrossNodes(input: LlmSizingInput, entries: PoolTypeEntry[]): CnaiError {
  const spec = input.model;
  const where = input.construct;
  const u = input.gpuMemoryUtilization;
  const single = singleNodeError(input, entries);
  if (!largerThanEveryNode(spec, entries, u, where)) return single;
  const opts = { gpuMemoryUtilization: u, construct: where };
  const catalogue = GpuInstanceType.withListedPrice().filter((t) => t.gpuCount >= MIN_GPUS_PER_NODE_ACROSS_NODES);
  const wider = ModelSizing.acrossNodes(spec, catalogue.map((t) => ({ instanceType: t, maxNodes: MAX_NODES_PER_REPLICA })), opts);
  const widerFix = wider ? `add a pool of at least ${wider.nodes} x ${wider.instanceType.name} (${wider.summary})` : undefined;
  if (!entries.some((e) => e.type.gpuCount >= MIN_GPUS_PER_NODE_ACROSS_NODES)) {
    // Pools of small nodes: the single-node error, and what would hold the model across nodes.
    return invalidProp(single.construct, single.prop, single.value, single.problem,
      widerFix ? `${single.fix}; or, to serve it across nodes (nodes of at least ${MIN_GPUS_PER_NODE_ACROSS_NODES} GPUs), ${widerFix}` : single.fix);
  }

  // The closest the pools come: the most nodes each allows, every GPU of a node tensor parallel.
  let closest: { b: GpuMemoryBreakdown; e: PoolTypeEntry; nodes: number } | undefined;
  for (const e of entries) {
    if (e.type.gpuCount < MIN_GPUS_PER_NODE_ACROSS_NODES) continue;
    const degrees = ModelSizing.tensorParallelDegrees(spec, e.type);
    if (degrees.length === 0) continue;
    const nodes = Math.max(1, Math.min(poolMaxNodes(e.pool, e.type), MAX_NODES_PER_REPLICA, spec.effectiveLayers));
    try {
      const b = ModelSizing.fitsAcrossStages(spec, e.type, Math.max(...degrees), nodes, opts);
      if (!closest || b.headroomGiB > closest.b.headroomGiB) closest = { b, e, nodes };
    } catch (err) {
      if (!(err instanceof CnaiError)) throw err;
    }
  }
  const fixes: string[] = [];
  // More nodes of a pool's own type.
  for (const e of entries) {
    if (e.type.gpuCount < MIN_GPUS_PER_NODE_ACROSS_NODES) continue;
    const m = ModelSizing.acrossNodes(spec, [{ instanceType: e.type, maxNodes: MAX_NODES_PER_REPLICA }], opts);
    if (m && m.nodes > poolMaxNodes(e.pool, e.type)) {
      fixes.push(`raise the maximum size of pool ${e.pool.poolName} to at least ${m.nodes} nodes (${m.summary})`);
      break;
    }
  }
  // A pool of another type: the cheapest in the catalogue that holds it.
  if (widerFix) fixes.push(widerFix);
  // Lighter weights on the pools as they are.
  for (const dtype of [ModelDtype.FP8, ModelDtype.INT4]) {
    const lighter = spec.withServing({ weightDtype: dtype });
    if (lighter.weightBytes >= spec.weightBytes) continue;
    const fit = planAcrossNodes(lighter, entries, u, where);
    if (fit) {
      fixes.push(`quantise the weights to ${dtype} (${ModelSizing.describePlan(lighter, fit.fit.entry.type, fit.nodes, fit.fit.tp, fit.nodes)})`);
      break;
    }
  }
  if (fixes.length === 0) fixes.push(single.fix);
  const pools = [...new Set(entries.map((e) => e.pool.poolName))].join(', ');
  const need = closest
    ? `needs ${closest.b.requiredGiB} GiB per GPU even across ${closest.nodes} node${closest.nodes === 1 ? '' : 's'} of ${closest.e.type.name}, the most pool ${closest.e.pool.poolName} holds `
      + `(TP ${closest.b.tensorParallel}, PP ${closest.nodes}; weights ${closest.b.weightsGiB} + KV cache ${closest.b.kvCacheGiB} + overhead ${closest.b.overheadGiB} GiB), `
      + `but its GPUs offer ${closest.b.availableGiB} GiB each`
    : `needs ${Math.round(spec.weightGiB)} GiB of weights, more than any node of the pools holds, and no pool has nodes of at least ${MIN_GPUS_PER_NODE_ACROSS_NODES} GPUs to serve it across nodes`;
  return invalidProp(where, 'model', spec.name, `${need}; nothing holds it in pool${entries.length === 1 ? '' : 's'} ${pools}, not even across nodes`, fixes.join('; or '));
}

/** The single-node error of core sizing (memory per GPU and what would fit), with the pools named. */
function singleNodeError(input: LlmSizingInput, entries: PoolTypeEntry[]): CnaiError {
  const types = [...new Set(entries.map((e) => e.type))];
  try {
    ModelSizing.recommend(input.model, { candidates: types, gpuMemoryUtilization: input.gpuMemoryUtilization, construct: input.construct });
  } catch (e) {
    if (e instanceof CnaiError) {
      const pools = input.pools.map((p) => p.poolName).join(', ');
      // The service's prop for the context length is maxModelLen (vLLM's name).
      const fix = e.fix.replace(/maxContextLength/g, 'maxModelLen');
      return invalidProp(e.construct, e.prop, e.value, `${e.problem} (pool${input.pools.length === 1 ? '' : 's'} ${pools})`, fix);
    }
    throw e;
  }
  return invalidProp(input.construct, 'model', input.model.name, 'fits no instance type of the pools', 'use a pool with larger GPUs');
}
