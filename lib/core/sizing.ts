import { GpuArchitecture, GpuInstanceType } from './accelerators';
import { CnaiError, invalidProp } from './errors';
import { ModelDtype, ModelKind, ModelSpec } from './models';

/**
 * Sizing: which GPU instance type and tensor-parallel degree serve a model, from its
 * weights, KV cache and runtime overhead per GPU, compared with what each GPU offers at
 * a memory utilisation (vLLM's `--gpu-memory-utilization`).
 *
 * Per GPU at tensor parallel degree `tp`:
 *   weights  = model weights / tp
 *   kvCache  = 2 · layers · max(1, kvHeads / tp) · headDim · bytes · context · sequences
 *   overhead = runtimeOverheadGiBPerGpu + activationFractionOfWeights · weights
 *   budget   = memory the driver reports for the GPU · utilisation
 * It fits when weights + kvCache + overhead <= budget.
 */

/** The constants of the estimate. */
export const SIZING_CONSTANTS = {
  /**
   * GiB per GPU outside weights and KV cache that do not grow with the model: CUDA context
   * (about 0.3-0.5 GiB), NCCL buffers when tp > 1, CUDA graphs (about 0.5-1 GiB in vLLM) and
   * allocator fragmentation. vLLM counts all of them inside its utilisation budget.
   */
  runtimeOverheadGiBPerGpu: 1.5,
  /**
   * Activation workspace of the profiling forward pass, as a share of the per-GPU weights
   * (peak activations scale with hidden and intermediate sizes, which scale with the weights).
   */
  activationFractionOfWeights: 0.05,
  /** vLLM's default `--gpu-memory-utilization`. */
  defaultGpuMemoryUtilization: 0.9,
};

/** Options of {@link ModelSizing.recommend} and {@link ModelSizing.fitsOn}. */
export interface SizingOptions {
  /**
   * Instance types to choose from.
   * @default - every catalogue type with a listed on-demand price (GpuInstanceType.withListedPrice())
   */
  readonly candidates?: GpuInstanceType[];
  /**
   * Share of each GPU's memory the server may use (vLLM `--gpu-memory-utilization`), in (0, 1].
   * @default 0.9
   */
  readonly gpuMemoryUtilization?: number;
  /**
   * Construct path (or spec name) named in error messages.
   * @default 'ModelSizing'
   */
  readonly construct?: string;
}

/** Memory of one GPU for one model at one tensor-parallel degree. All figures in GiB per GPU. */
export interface GpuMemoryBreakdown {
  /** The model spec's name. */
  readonly model: string;
  /** The instance type. */
  readonly instanceType: string;
  /** Tensor-parallel degree (GPUs one replica spans). */
  readonly tensorParallel: number;
  /** Weights on each GPU. */
  readonly weightsGiB: number;
  /** KV cache on each GPU for maxContextLength × concurrentSequences tokens. */
  readonly kvCacheGiB: number;
  /** Runtime overhead on each GPU (see {@link SIZING_CONSTANTS}). */
  readonly overheadGiB: number;
  /** weights + kvCache + overhead. */
  readonly requiredGiB: number;
  /** What each GPU offers: reported memory × utilisation. */
  readonly availableGiB: number;
  /** available - required (negative when it does not fit). */
  readonly headroomGiB: number;
  /** Whether the model fits. */
  readonly fits: boolean;
  /** False when the KV cache is an estimate because layer or head figures are missing. */
  readonly kvCacheExact: boolean;
  /**
   * Tokens of KV cache the GPUs hold after weights and overhead (vLLM logs this as "GPU KV cache size");
   * 0 when even the weights do not fit.
   * @default - undefined for models without a KV cache
   */
  readonly kvCacheTokenCapacity?: number;
}

/** The cheapest way found to serve a model. */
export interface SizingRecommendation {
  /** The instance type. */
  readonly instanceType: GpuInstanceType;
  /** Tensor-parallel degree (GPUs per replica). */
  readonly tensorParallel: number;
  /** Replicas of the model one instance holds (gpuCount / tensorParallel). */
  readonly replicasPerInstance: number;
  /** On-demand price of one instance per hour (see PRICE_REFERENCE). */
  readonly onDemandHourlyUsd: number;
  /** Memory per GPU. */
  readonly breakdown: GpuMemoryBreakdown;
  /** The next cheapest fitting instance types (at most five, one entry per type). */
  readonly alternatives: GpuMemoryBreakdown[];
}

/** An instance type and how many of its nodes one replica may span (a pool, for {@link ModelSizing.acrossNodes}). */
export interface NodeCandidate {
  /** The instance type. */
  readonly instanceType: GpuInstanceType;
  /** The most nodes of it one replica may span (the pool's maximum size). */
  readonly maxNodes: number;
}

/**
 * A model served across nodes: tensor parallel inside a node (every GPU of it), pipeline
 * parallel across nodes (one pipeline stage per node, the layers split between them).
 */
export interface MultiNodeSizing {
  /** The instance type of every node. */
  readonly instanceType: GpuInstanceType;
  /** Nodes per replica (= pipelineParallel). */
  readonly nodes: number;
  /** Tensor-parallel degree inside a node (GPUs per node the replica uses). */
  readonly tensorParallel: number;
  /** Pipeline-parallel degree (stages, one per node). */
  readonly pipelineParallel: number;
  /** Memory per GPU. */
  readonly breakdown: GpuMemoryBreakdown;
  /** One line for plans and summaries, e.g. `405B bf16: 2 x p5.48xlarge, TP 8, PP 2`. */
  readonly summary: string;
}

/** Most pipeline stages (nodes) sizing tries for one replica when a pool states no maximum. */
export const MAX_NODES_PER_REPLICA = 16;

/**
 * Fewest GPUs per node for serving across nodes: pipeline stages are split over servers whose
 * GPUs talk over NVLink or PCIe inside the node (g5/g6/g6e .12xlarge and up, p4d, p5); stages of
 * one GPU each would pay a network hop per few GiB of weights.
 */
export const MIN_GPUS_PER_NODE_ACROSS_NODES = 4;

const GIB = 1024 ** 3;

/** The shortest context sizing suggests: a model serving fewer tokens than this is not worth suggesting. */
const MIN_SUGGESTED_CONTEXT = 1024;

interface Ranked {
  readonly type: GpuInstanceType;
  readonly index: number;
  readonly breakdown: GpuMemoryBreakdown;
}

/** Sizes models against the GPU catalogue. */
export class ModelSizing {
  /**
   * Tensor-parallel degrees the model can use on the type: divisors of the GPU count that
   * divide the attention heads, and for the KV heads either divide them or are a multiple of
   * them (vLLM then replicates KV heads). Embedding models run on one GPU.
   */
  public static tensorParallelDegrees(spec: ModelSpec, type: GpuInstanceType): number[] {
    const degrees: number[] = [];
    for (let tp = 1; tp <= type.gpuCount; tp++) {
      if (type.gpuCount % tp !== 0) continue;
      if (ModelSizing.tensorParallelProblem(spec, tp) === undefined) degrees.push(tp);
    }
    return degrees;
  }

  /**
   * Memory per GPU of `spec` on `type` at tensor parallel `tensorParallel`.
   * @throws CnaiError when the degree does not divide the GPU count or the heads, or the GPU cannot run the data type
   */
  public static fitsOn(spec: ModelSpec, type: GpuInstanceType, tensorParallel: number = 1, options: SizingOptions = {}): GpuMemoryBreakdown {
    const construct = options.construct ?? 'ModelSizing';
    const utilisation = ModelSizing.utilisation(options, construct);
    if (!Number.isInteger(tensorParallel) || tensorParallel < 1 || type.gpuCount % tensorParallel !== 0) {
      throw invalidProp(construct, 'tensorParallel', tensorParallel,
        `must divide the ${type.gpuCount} GPU${type.gpuCount === 1 ? '' : 's'} of ${type.name}`,
        `use one of ${ModelSizing.tensorParallelDegrees(spec, type).join(', ') || 'none: pick another instance type'}`);
    }
    const headProblem = ModelSizing.tensorParallelProblem(spec, tensorParallel);
    if (headProblem !== undefined) {
      const valid = ModelSizing.tensorParallelDegrees(spec, type);
      throw invalidProp(construct, 'tensorParallel', tensorParallel, headProblem,
        `use one of ${valid.join(', ')} on ${type.name}`);
    }
    const dtypeProblem = ModelSizing.dtypeProblem(spec, type);
    if (dtypeProblem !== undefined) {
      throw invalidProp(construct, 'instanceType', type.name, dtypeProblem,
        'choose an Ampere, Ada or Hopper type (g5, g6, g6e, p4d, p5...) or a 16-bit or int8/int4 format');
    }
    return ModelSizing.breakdown(spec, type, tensorParallel, utilisation);
  }

  /**
   * The cheapest instance type (on-demand price; ties: fewer GPUs) and the smallest
   * tensor-parallel degree on it that fit the model.
   * @throws CnaiError when nothing fits, stating the memory needed per GPU and what would fit instead
   */
  public static recommend(spec: ModelSpec, options: SizingOptions = {}): SizingRecommendation {
    const construct = options.construct ?? 'ModelSizing';
    const utilisation = ModelSizing.utilisation(options, construct);
    const candidates = ModelSizing.candidates(options, construct);
    const found = ModelSizing.search(spec, candidates, utilisation);
    if (found.length === 0) {
      throw ModelSizing.noFitError(spec, options, candidates, utilisation, construct);
    }
    const best = found[0];
    return {
      instanceType: best.type,
      tensorParallel: best.breakdown.tensorParallel,
      replicasPerInstance: Math.floor(best.type.gpuCount / best.breakdown.tensorParallel),
      onDemandHourlyUsd: best.type.onDemandHourlyUsd,
      breakdown: best.breakdown,
      alternatives: found.slice(1, 6).map((r) => r.breakdown),
    };
  }

  /**
   * Memory per GPU of `spec` split over `pipelineParallel` pipeline stages of `tensorParallel`
   * GPUs each: the stages split the layers, so weights and KV cache per GPU shrink by the
   * stage count (vLLM's `--pipeline-parallel-size`).
   * @throws CnaiError as {@link ModelSizing.fitsOn}, or when the stage count is not a whole number from 1 to the model's layers
   */
  public static fitsAcrossStages(spec: ModelSpec, type: GpuInstanceType, tensorParallel: number, pipelineParallel: number,
    options: SizingOptions = {}): GpuMemoryBreakdown {
    const construct = options.construct ?? 'ModelSizing';
    const b = ModelSizing.fitsOn(spec, type, tensorParallel, options);
    if (!Number.isInteger(pipelineParallel) || pipelineParallel < 1 || pipelineParallel > spec.effectiveLayers) {
      throw invalidProp(construct, 'pipelineParallel', pipelineParallel, `must be a whole number from 1 to the ${spec.effectiveLayers} layers of ${spec.name}`,
        'give the number of nodes one replica spans, e.g. 2');
    }
    if (pipelineParallel === 1) return b;
    return ModelSizing.breakdown(spec, type, tensorParallel, ModelSizing.utilisation(options, construct), pipelineParallel);
  }

  /**
   * The cheapest way to serve a model across nodes when no single node holds it: for each
   * candidate, every GPU of a node tensor parallel (the largest degree the heads allow) and the
   * fewest nodes (pipeline stages) up to its maxNodes that fit; the fewest nodes win (every stage
   * adds a network hop and a pipeline bubble), then the cheapest (nodes x on-demand price), then
   * candidate order.
   * @returns undefined when nothing fits even across nodes
   */
  public static acrossNodes(spec: ModelSpec, nodeCandidates: NodeCandidate[], options: SizingOptions = {}): MultiNodeSizing | undefined {
    const construct = options.construct ?? 'ModelSizing';
    const utilisation = ModelSizing.utilisation(options, construct);
    let best: MultiNodeSizing | undefined;
    for (const c of nodeCandidates) {
      const fit = ModelSizing.fewestNodes(spec, c, utilisation);
      if (!fit) continue;
      const cost = (m: MultiNodeSizing) => m.nodes * m.instanceType.onDemandHourlyUsd;
      if (!best || fit.nodes < best.nodes || (fit.nodes === best.nodes && cost(fit) < cost(best))) best = fit;
    }
    return best;
  }

  /**
   * Whether the weights alone (with the runtime overhead) exceed every node of `types` at the
   * largest tensor-parallel degree each allows: the model is larger than a node, and only then is
   * it served across nodes (a model that misses by its KV cache gets a shorter context instead).
   */
  public static largerThanEveryNode(spec: ModelSpec, types: GpuInstanceType[], options: SizingOptions = {}): boolean {
    const utilisation = ModelSizing.utilisation(options, options.construct ?? 'ModelSizing');
    return types.every((type) => {
      if (ModelSizing.dtypeProblem(spec, type) !== undefined) return true;
      const degrees = ModelSizing.tensorParallelDegrees(spec, type);
      if (degrees.length === 0) return true;
      const b = ModelSizing.breakdown(spec, type, Math.max(...degrees), utilisation);
      return b.weightsGiB + b.overheadGiB > b.availableGiB;
    });
  }

  /**
   * How a model no node of the candidates holds is served across nodes, as LlmService serves it:
   * only when it is larger than every node ({@link ModelSizing.largerThanEveryNode}), on nodes of
   * at least {@link MIN_GPUS_PER_NODE_ACROSS_NODES} GPUs ({@link ModelSizing.acrossNodes}).
   * @returns undefined when it is not larger than a node, or nothing holds it
   */
  public static servedAcrossNodes(spec: ModelSpec, nodeCandidates: NodeCandidate[], options: SizingOptions = {}): MultiNodeSizing | undefined {
    if (!ModelSizing.largerThanEveryNode(spec, nodeCandidates.map((c) => c.instanceType), options)) return undefined;
    return ModelSizing.acrossNodes(spec, nodeCandidates.filter((c) => c.instanceType.gpuCount >= MIN_GPUS_PER_NODE_ACROSS_NODES), options);
  }

  /** `405B bf16: 2 x p5.48xlarge, TP 8, PP 2`: the model's size and weights, the nodes and the degrees. */
  public static describePlan(spec: ModelSpec, type: GpuInstanceType, nodes: number, tensorParallel: number, pipelineParallel: number): string {
    const p = spec.parametersBillions;
    const size = p >= 10 ? String(Math.floor(p)) : String(Math.round(p * 10) / 10);
    return `${size}B ${spec.weightDtype}: ${nodes} x ${type.name}, TP ${tensorParallel}, PP ${pipelineParallel}`;
  }

  private static fewestNodes(spec: ModelSpec, c: NodeCandidate, utilisation: number): MultiNodeSizing | undefined {
    const type = c.instanceType;
    if (ModelSizing.dtypeProblem(spec, type) !== undefined) return undefined;
    const degrees = ModelSizing.tensorParallelDegrees(spec, type);
    if (degrees.length === 0) return undefined;
    const tp = Math.max(...degrees);
    const most = Math.min(Math.floor(c.maxNodes), MAX_NODES_PER_REPLICA, spec.effectiveLayers);
    for (let pp = 2; pp <= most; pp++) {
      const b = ModelSizing.breakdown(spec, type, tp, utilisation, pp);
      if (b.fits) {
        const summary = ModelSizing.describePlan(spec, type, pp, tp, pp);
        return { instanceType: type, nodes: pp, tensorParallel: tp, pipelineParallel: pp, breakdown: b, summary };
      }
    }
    return undefined;
  }

  private static search(spec: ModelSpec, candidates: GpuInstanceType[], utilisation: number): Ranked[] {
    const found: Ranked[] = [];
    candidates.forEach((type, index) => {
      if (ModelSizing.dtypeProblem(spec, type) !== undefined) return;
      for (const tp of ModelSizing.tensorParallelDegrees(spec, type)) {
        const b = ModelSizing.breakdown(spec, type, tp, utilisation);
        if (b.fits) {
          found.push({ type, index, breakdown: b });
          return;
        }
      }
    });
    return found.sort((a, b) => a.type.onDemandHourlyUsd - b.type.onDemandHourlyUsd
      || a.type.gpuCount - b.type.gpuCount
      || a.breakdown.tensorParallel - b.breakdown.tensorParallel
      || a.index - b.index);
  }

  /** The configuration with the most room for KV cache among the candidates (for suggestions). */
  private static bestCapacity(spec: ModelSpec, candidates: GpuInstanceType[], utilisation: number): GpuMemoryBreakdown | undefined {
    let best: GpuMemoryBreakdown | undefined;
    for (const type of candidates) {
      if (ModelSizing.dtypeProblem(spec, type) !== undefined) continue;
      for (const tp of ModelSizing.tensorParallelDegrees(spec, type)) {
        const b = ModelSizing.breakdown(spec, type, tp, utilisation);
        if ((b.kvCacheTokenCapacity ?? 0) > (best?.kvCacheTokenCapacity ?? 0)) best = b;
      }
    }
    return best;
  }

  private static breakdown(spec: ModelSpec, type: GpuInstanceType, tp: number, utilisation: number, pp: number = 1): GpuMemoryBreakdown {
    // Pipeline stages split the layers: weights and KV cache per GPU shrink by the stage count.
    const weightsGiB = spec.weightGiB / tp / pp;
    const overheadGiB = SIZING_CONSTANTS.runtimeOverheadGiBPerGpu + SIZING_CONSTANTS.activationFractionOfWeights * weightsGiB;
    const perTokenPerGpu = ModelSizing.kvBytesPerTokenPerGpu(spec, tp) / pp;
    const kvCacheGiB = (perTokenPerGpu * spec.maxContextLength * spec.concurrentSequences) / GIB;
    const availableGiB = type.gpuUsableMemoryGiB * utilisation;
    const requiredGiB = weightsGiB + kvCacheGiB + overheadGiB;
    const room = availableGiB - weightsGiB - overheadGiB;
    return {
      model: spec.name,
      instanceType: type.name,
      tensorParallel: tp,
      weightsGiB: round(weightsGiB),
      kvCacheGiB: round(kvCacheGiB),
      overheadGiB: round(overheadGiB),
      requiredGiB: round(requiredGiB),
      availableGiB: round(availableGiB),
      headroomGiB: round(availableGiB - requiredGiB),
      fits: requiredGiB <= availableGiB,
      kvCacheExact: spec.kvCacheExact,
      kvCacheTokenCapacity: perTokenPerGpu > 0 ? Math.max(0, Math.floor((room * GIB) / perTokenPerGpu)) : undefined,
    };
  }

  /** KV bytes per token on one GPU; KV heads are split across GPUs, and replicated when tp exceeds them. */
  private static kvBytesPerTokenPerGpu(spec: ModelSpec, tp: number): number {
    if (spec.kind === ModelKind.EMBEDDING) return 0;
    if (spec.kvHeads !== undefined && spec.headDim !== undefined) {
      const headsPerGpu = Math.max(1, spec.kvHeads / tp);
      return spec.kvCacheBytesPerToken * (headsPerGpu / spec.kvHeads);
    }
    return spec.kvCacheBytesPerToken / tp;
  }

  private static tensorParallelProblem(spec: ModelSpec, tp: number): string | undefined {
    return tensorParallelProblem(spec, tp);
  }

  private static dtypeProblem(spec: ModelSpec, type: GpuInstanceType): string | undefined {
    // vLLM's FP8 kernels need compute capability 8.0+ (weight-only Marlin on Ampere, native on Ada/Hopper).
    if (type.gpuArchitecture === GpuArchitecture.TURING
      && (spec.weightDtype === ModelDtype.FP8 || spec.kvCacheDtype === ModelDtype.FP8)) {
      return `its ${type.gpuModel} GPUs (Turing) cannot run FP8 weights or KV cache`;
    }
    return undefined;
  }

  private static utilisation(options: SizingOptions, construct: string): number {
    const u = options.gpuMemoryUtilization ?? SIZING_CONSTANTS.defaultGpuMemoryUtilization;
    if (typeof u !== 'number' || !Number.isFinite(u) || u <= 0 || u > 1) {
      throw invalidProp(construct, 'gpuMemoryUtilization', u, 'must be a share of GPU memory in (0, 1]', 'use 0.9 (vLLM\'s default) or another value up to 1');
    }
    return u;
  }

  private static candidates(options: SizingOptions, construct: string): GpuInstanceType[] {
    const list = options.candidates ?? GpuInstanceType.withListedPrice();
    if (!Array.isArray(list) || list.length === 0) {
      throw invalidProp(construct, 'candidates', list, 'no instance types to choose from', 'leave candidates unset for the whole catalogue, or list some GpuInstanceType values');
    }
    list.forEach((t, i) => {
      if (!(t instanceof GpuInstanceType)) {
        throw invalidProp(construct, `candidates[${i}]`, t, 'not a GpuInstanceType', 'use GpuInstanceType.of("g5.xlarge") or a constant such as GpuInstanceType.G5_XLARGE');
      }
    });
    return [...new Set(list)];
  }

  private static noFitError(spec: ModelSpec, options: SizingOptions, candidates: GpuInstanceType[],
    utilisation: number, construct: string): CnaiError {
    // The configuration closest to fitting: the smallest shortfall per GPU.
    let closest: GpuMemoryBreakdown | undefined;
    let capacityBest: GpuMemoryBreakdown | undefined;
    for (const type of candidates) {
      if (ModelSizing.dtypeProblem(spec, type) !== undefined) continue;
      for (const tp of ModelSizing.tensorParallelDegrees(spec, type)) {
        const b = ModelSizing.breakdown(spec, type, tp, utilisation);
        if (!closest || -b.headroomGiB < -closest.headroomGiB) closest = b;
        if ((b.kvCacheTokenCapacity ?? 0) > (capacityBest?.kvCacheTokenCapacity ?? 0)) capacityBest = b;
      }
    }
    const fixes: string[] = [];
    const tokens = spec.maxContextLength * spec.concurrentSequences;
    if (spec.kind === ModelKind.TEXT_GENERATION && capacityBest?.kvCacheTokenCapacity) {
      const capacity = capacityBest.kvCacheTokenCapacity;
      const where = `${capacityBest.instanceType} at tensor parallel ${capacityBest.tensorParallel}`;
      const context = Math.floor(capacity / spec.concurrentSequences);
      if (context >= MIN_SUGGESTED_CONTEXT && context < spec.maxContextLength) {
        fixes.push(`shorten maxContextLength to at most ${context} tokens (fits ${where})`);
      }
      const sequences = Math.floor(capacity / spec.maxContextLength);
      if (spec.concurrentSequences > 1 && sequences >= 1) {
        fixes.push(`serve at most ${sequences} concurrent sequence${sequences === 1 ? '' : 's'} (fits ${where})`);
      }
    }
    const lighter: ModelServingChange[] = [];
    if (spec.kind === ModelKind.TEXT_GENERATION && (spec.kvCacheDtype === ModelDtype.BF16 || spec.kvCacheDtype === ModelDtype.FP16)) {
      lighter.push({ text: 'use kvCacheDtype fp8', kvCacheDtype: ModelDtype.FP8 });
    }
    for (const dtype of [ModelDtype.FP8, ModelDtype.INT4]) {
      const candidate = spec.withServing({ weightDtype: dtype });
      if (candidate.weightBytes < spec.weightBytes) lighter.push({ text: `quantise the weights to ${dtype}`, weightDtype: dtype });
    }
    if (lighter.length > 1 && lighter[0].kvCacheDtype !== undefined && spec.weightDtype !== ModelDtype.INT4) {
      lighter.push({ text: 'quantise the weights to int4 and use kvCacheDtype fp8', weightDtype: ModelDtype.INT4, kvCacheDtype: ModelDtype.FP8 });
    }
    let lighterFits = false;
    for (const change of lighter) {
      const changed = spec.withServing({ weightDtype: change.weightDtype, kvCacheDtype: change.kvCacheDtype });
      const fit = ModelSizing.search(changed, candidates, utilisation)[0];
      if (fit) {
        fixes.push(`${change.text} (fits ${fit.type.name} at tensor parallel ${fit.breakdown.tensorParallel})`);
        lighterFits = true;
        break;
      }
    }
    // A quantised model that fits only with a shorter context: say both (the weights alone
    // may exceed the GPUs at 16 bits, so a shorter context alone cannot help).
    if (!lighterFits && fixes.length === 0 && spec.kind === ModelKind.TEXT_GENERATION) {
      for (const change of lighter) {
        const changed = spec.withServing({ weightDtype: change.weightDtype, kvCacheDtype: change.kvCacheDtype });
        const best = ModelSizing.bestCapacity(changed, candidates, utilisation);
        const context = best?.kvCacheTokenCapacity !== undefined ? Math.floor(best.kvCacheTokenCapacity / spec.concurrentSequences) : 0;
        if (best && context >= MIN_SUGGESTED_CONTEXT) {
          fixes.push(`${change.text} and shorten maxContextLength to at most ${context} tokens (fits ${best.instanceType} at tensor parallel ${best.tensorParallel})`);
          break;
        }
      }
    }
    if (options.candidates !== undefined) {
      const wider = ModelSizing.search(spec, GpuInstanceType.withListedPrice(), utilisation)[0];
      if (wider) fixes.push(`add a larger instance type such as ${wider.type.name} (tensor parallel ${wider.breakdown.tensorParallel})`);
    }
    if (fixes.length === 0) {
      fixes.push('serve a smaller or quantised model, or serve it across nodes (ModelSizing.acrossNodes; LlmService does so on pools of multi-GPU nodes)');
    }
    const list = candidates.length <= 6 ? candidates.map((t) => t.name).join(', ') : `${candidates.length} instance types`;
    const need = closest
      ? `needs ${closest.requiredGiB} GiB per GPU at tensor parallel ${closest.tensorParallel} on ${closest.instanceType} `
        + `(weights ${closest.weightsGiB} + KV cache ${closest.kvCacheGiB} + overhead ${closest.overheadGiB} GiB; `
        + `${spec.concurrentSequences} x ${spec.maxContextLength} tokens, ${spec.weightDtype} weights, ${spec.kvCacheDtype} KV cache), `
        + `but its GPUs offer ${closest.availableGiB} GiB each at gpuMemoryUtilization ${utilisation}`
      : `needs ${round(spec.weightGiB)} GiB of weights plus KV cache for ${tokens} tokens, and no candidate can run it (${spec.weightDtype} weights, ${spec.kvCacheDtype} KV cache)`;
    return invalidProp(construct, 'model', spec.name, `${need}; nothing fits among ${list}`, fixes.join('; or '));
  }
}

interface ModelServingChange {
  readonly text: string;
  readonly weightDtype?: ModelDtype;
  readonly kvCacheDtype?: ModelDtype;
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}

/** Why tensor-parallel degree `tp` cannot split the model's heads (as vLLM requires), or undefined. */
export function tensorParallelProblem(spec: ModelSpec, tp: number): string | undefined {
  if (tp === 1) return undefined;
  if (spec.kind === ModelKind.EMBEDDING) return 'embedding models are served on one GPU per replica';
  if (spec.attentionHeads !== undefined && spec.attentionHeads % tp !== 0) {
    return `does not divide the ${spec.attentionHeads} attention heads of ${spec.name}`;
  }
  if (spec.kvHeads !== undefined && spec.kvHeads % tp !== 0 && tp % spec.kvHeads !== 0) {
    return `neither divides nor is a multiple of the ${spec.kvHeads} KV heads of ${spec.name}`;
  }
  return undefined;
}
