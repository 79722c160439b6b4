import { ProblemCollector } from './errors';

/**
 * Model specs: what a model needs in GPU memory, described by the few figures of its
 * Hugging Face `config.json` that matter for serving (parameters, layers, attention heads,
 * KV heads, head dimension, vocabulary) plus how it is served (weight and KV cache data
 * types, context length, concurrent sequences). {@link ModelPresets} holds common models.
 */

/** Numeric format of weights or of the KV cache. */
export enum ModelDtype {
  /** bfloat16: 2 bytes. */
  BF16 = 'bf16',
  /** float16: 2 bytes. */
  FP16 = 'fp16',
  /** 8-bit float (e4m3): 1 byte. Needs an Ampere or newer GPU in vLLM. */
  FP8 = 'fp8',
  /** 8-bit integer (e.g. W8A8): 1 byte. */
  INT8 = 'int8',
  /** 4-bit integer (AWQ / GPTQ): half a byte plus group scales. Weights only. */
  INT4 = 'int4',
}

/** What the model does, which decides whether it has a KV cache. */
export enum ModelKind {
  /** A decoder that generates text and keeps a KV cache per sequence. */
  TEXT_GENERATION = 'text-generation',
  /** An encoder that returns embeddings; no KV cache. */
  EMBEDDING = 'embedding',
}

/**
 * How vLLM parses a model's tool calls (`--tool-call-parser`, with `--enable-auto-tool-choice`):
 * the format the model's chat template makes it emit. A model without one cannot call tools.
 * @see https://docs.vllm.ai/en/latest/features/tool_calling.html
 */
export enum ToolCallParser {
  /** Llama 3.1 / 3.2 JSON tool calls (with the model's own chat template). */
  LLAMA3_JSON = 'llama3_json',
  /** Mistral tool calls (`[TOOL_CALLS]`; models with the v3 tokenizer or later, e.g. Mistral 7B Instruct v0.3). */
  MISTRAL = 'mistral',
  /** Hermes-style `<tool_call>` tags (Qwen2.5 and Hermes models). */
  HERMES = 'hermes',
}

/** Bytes one value takes in `dtype` (without quantisation metadata). */
export function dtypeBytes(dtype: ModelDtype): number {
  switch (dtype) {
    case ModelDtype.BF16:
    case ModelDtype.FP16:
      return 2;
    case ModelDtype.FP8:
    case ModelDtype.INT8:
      return 1;
    case ModelDtype.INT4:
      return 0.5;
    default:
      throw new Error(`unknown model dtype ${String(dtype)}`);
  }
}

/** True for the 16-bit formats. */
export function isSixteenBit(dtype: ModelDtype): boolean {
  return dtype === ModelDtype.BF16 || dtype === ModelDtype.FP16;
}

/**
 * Constants of the weight and KV cache estimates, in one place so that they can be read,
 * tested and cited.
 */
export const MODEL_MEMORY_CONSTANTS = {
  /**
   * Extra bytes per INT4 weight for group-wise quantisation metadata: AWQ/GPTQ with group
   * size 128 store a 16-bit scale and a 4-bit zero point per group = 20 bits / 128 weights.
   * With the 16-bit embeddings this reproduces published checkpoint sizes (Llama 3.1 70B AWQ
   * about 39.8 GB, 8B AWQ about 5.7 GB).
   */
  int4GroupOverheadBytesPerWeight: 20 / 8 / 128,
  /**
   * Share of parameters assumed to stay 16-bit in a quantised model when the vocabulary and
   * hidden size are not given (quantisers keep token embeddings and the LM head in 16-bit).
   * Conservative: the real share is 2-15% for 7B-72B models.
   */
  unquantisedShareFallback: 0.1,
  /**
   * Without layer / head figures the KV cache is estimated as multi-head attention (no KV
   * sharing) with Llama-like proportions: parameters ≈ 12 · layers · hidden², layers ≈ hidden / 128.
   * This over-estimates grouped-query models (most current LLMs) 4-8 times, on purpose.
   */
  fallbackLayersPerHidden: 1 / 128,
};

/** Serving options that can be changed on an existing spec (e.g. a preset). */
export interface ModelServingOptions {
  /**
   * Display name of the derived spec.
   * @default - the original name
   */
  readonly name?: string;
  /**
   * Data type the weights are served in.
   * @default - unchanged
   */
  readonly weightDtype?: ModelDtype;
  /**
   * Data type of the KV cache.
   * @default - derived from the weight type, as for a new spec (see {@link ModelSpecProps.kvCacheDtype})
   */
  readonly kvCacheDtype?: ModelDtype;
  /**
   * Longest sequence (prompt plus output) in tokens, vLLM's `--max-model-len`.
   * @default - unchanged
   */
  readonly maxContextLength?: number;
  /**
   * Sequences served at once at full context length.
   * @default - unchanged
   */
  readonly concurrentSequences?: number;
}

/** The figures of a model. */
export interface ModelSpecProps {
  /** Short name for messages (e.g. `llama-3.1-8b-instruct`). */
  readonly name: string;
  /**
   * Hugging Face repository id (e.g. `meta-llama/Llama-3.1-8B-Instruct`).
   * @default - none
   */
  readonly huggingFaceId?: string;
  /**
   * Generation or embedding.
   * @default ModelKind.TEXT_GENERATION
   */
  readonly kind?: ModelKind;
  /** Parameter count in billions (e.g. 8.03); for mixture-of-experts models, all experts. */
  readonly parametersBillions: number;
  /**
   * Data type the weights are served in.
   * @default ModelDtype.BF16
   */
  readonly weightDtype?: ModelDtype;
  /**
   * Data type of the KV cache.
   * @default - the weight type when it is 16-bit, otherwise BF16: vLLM's `kv_cache_dtype=auto`
   * follows the activation type, which stays 16-bit for quantised checkpoints; an FP8 KV cache
   * must be asked for.
   */
  readonly kvCacheDtype?: ModelDtype;
  /** Longest sequence (prompt plus output) in tokens, vLLM's `--max-model-len`. */
  readonly maxContextLength: number;
  /**
   * Sequences served at once at full context length.
   * @default 1
   */
  readonly concurrentSequences?: number;
  /**
   * Transformer layers (`num_hidden_layers`).
   * @default - estimated from the parameter count (see {@link MODEL_MEMORY_CONSTANTS})
   */
  readonly layers?: number;
  /**
   * Hidden size (`hidden_size`).
   * @default - estimated from the parameter count
   */
  readonly hiddenSize?: number;
  /**
   * Attention (query) heads (`num_attention_heads`); constrains the tensor-parallel degree.
   * @default - unknown: no head constraint on tensor parallelism, KV cache estimated
   */
  readonly attentionHeads?: number;
  /**
   * Key/value heads (`num_key_value_heads`).
   * @default - attentionHeads (multi-head attention)
   */
  readonly kvHeads?: number;
  /**
   * Dimension of one head (`head_dim`).
   * @default - hiddenSize / attentionHeads
   */
  readonly headDim?: number;
  /**
   * Vocabulary size (`vocab_size`); with hiddenSize, says how many weights stay 16-bit when quantised.
   * @default - unknown: {@link MODEL_MEMORY_CONSTANTS.unquantisedShareFallback}
   */
  readonly vocabSize?: number;
  /**
   * Whether input embeddings and LM head share weights (`tie_word_embeddings`).
   * @default false
   */
  readonly tiedEmbeddings?: boolean;
  /**
   * Output dimension of an embedding model.
   * @default - none
   */
  readonly embeddingDimension?: number;
  /**
   * How vLLM parses the model's tool calls, when the model supports tool calling.
   * @default - none: the model does not call tools
   */
  readonly toolCallParser?: ToolCallParser;
}

const GIB = 1024 ** 3;

/**
 * A model and how it is served, with its memory needs. Defaults are resolved in the
 * constructor; invalid figures throw a {@link CnaiError} naming the prop.
 */
export class ModelSpec {
  /** Short name. */
  public readonly name: string;
  /** Hugging Face repository id, if known. */
  public readonly huggingFaceId?: string;
  /** Generation or embedding. */
  public readonly kind: ModelKind;
  /** Parameters in billions. */
  public readonly parametersBillions: number;
  /** Weight data type. */
  public readonly weightDtype: ModelDtype;
  /** KV cache data type. */
  public readonly kvCacheDtype: ModelDtype;
  /** Context length in tokens. */
  public readonly maxContextLength: number;
  /** Concurrent full-length sequences. */
  public readonly concurrentSequences: number;
  /** Layers, if given. */
  public readonly layers?: number;
  /** Hidden size, if given. */
  public readonly hiddenSize?: number;
  /** Attention heads, if given. */
  public readonly attentionHeads?: number;
  /** KV heads, if given (or equal to attentionHeads when only those are given). */
  public readonly kvHeads?: number;
  /** Head dimension, if given or derivable. */
  public readonly headDim?: number;
  /** Vocabulary size, if given. */
  public readonly vocabSize?: number;
  /** Whether embeddings are tied. */
  public readonly tiedEmbeddings: boolean;
  /** Embedding dimension of an embedding model, if given. */
  public readonly embeddingDimension?: number;
  /** How vLLM parses the model's tool calls, if the model supports tool calling. */
  public readonly toolCallParser?: ToolCallParser;

  private readonly props: ModelSpecProps;

  /**
   * @param props the model's figures
   * @param construct construct path (or spec name) for error messages
   */
  constructor(props: ModelSpecProps, construct: string = 'ModelSpec') {
    const problems = new ProblemCollector();
    const positive = (prop: string, value: number | undefined, integer: boolean, fix: string) => {
      if (value === undefined) return;
      problems.check(typeof value === 'number' && Number.isFinite(value) && value > 0 && (!integer || Number.isInteger(value)), {
        construct, prop, value, problem: `must be a positive ${integer ? 'integer' : 'number'}`, fix,
      });
    };
    problems.check(typeof props.name === 'string' && props.name.trim().length > 0, {
      construct, prop: 'name', value: props.name, problem: 'a model spec needs a name', fix: 'give a short name such as "llama-3.1-8b-instruct"',
    });
    positive('parametersBillions', props.parametersBillions, false, 'give the parameter count in billions, e.g. 8.03 for an 8B model');
    problems.check(props.parametersBillions !== undefined, {
      construct, prop: 'parametersBillions', value: props.parametersBillions, problem: 'is required', fix: 'give the parameter count in billions',
    });
    positive('maxContextLength', props.maxContextLength, true, 'give the longest sequence in tokens, e.g. 8192');
    problems.check(props.maxContextLength !== undefined, {
      construct, prop: 'maxContextLength', value: props.maxContextLength, problem: 'is required', fix: 'give the longest sequence in tokens, e.g. 8192',
    });
    positive('concurrentSequences', props.concurrentSequences, true, 'give how many full-length sequences run at once, e.g. 1');
    positive('layers', props.layers, true, 'give num_hidden_layers from the model\'s config.json');
    positive('hiddenSize', props.hiddenSize, true, 'give hidden_size from the model\'s config.json');
    positive('attentionHeads', props.attentionHeads, true, 'give num_attention_heads from the model\'s config.json');
    positive('kvHeads', props.kvHeads, true, 'give num_key_value_heads from the model\'s config.json');
    positive('headDim', props.headDim, true, 'give head_dim from the model\'s config.json');
    positive('vocabSize', props.vocabSize, true, 'give vocab_size from the model\'s config.json');
    positive('embeddingDimension', props.embeddingDimension, true, 'give the embedding dimension, e.g. 1024');
    if (props.kvHeads !== undefined && props.attentionHeads !== undefined) {
      problems.check(props.attentionHeads % props.kvHeads === 0, {
        construct,
        prop: 'kvHeads',
        value: props.kvHeads,
        problem: `must divide attentionHeads (${props.attentionHeads}): each KV head serves a whole group of query heads`,
        fix: 'copy num_key_value_heads and num_attention_heads from the model\'s config.json',
      });
    }
    problems.check(props.kvHeads === undefined || props.attentionHeads !== undefined, {
      construct,
      prop: 'kvHeads',
      value: props.kvHeads,
      problem: 'is given without attentionHeads',
      fix: 'give attentionHeads (num_attention_heads) too',
    });
    if (props.headDim === undefined && props.attentionHeads !== undefined && props.hiddenSize !== undefined) {
      problems.check(props.hiddenSize % props.attentionHeads === 0, {
        construct,
        prop: 'headDim',
        value: undefined,
        problem: `cannot be derived: hiddenSize ${props.hiddenSize} is not a multiple of attentionHeads ${props.attentionHeads}`,
        fix: 'give head_dim from the model\'s config.json',
      });
    }
    problems.check(props.kvCacheDtype !== ModelDtype.INT4, {
      construct,
      prop: 'kvCacheDtype',
      value: props.kvCacheDtype,
      problem: 'a 4-bit KV cache is not supported by the serving engines the platform runs',
      fix: 'use fp8 for a smaller KV cache, or leave it unset',
    });
    const dtypes = Object.values(ModelDtype) as string[];
    for (const prop of ['weightDtype', 'kvCacheDtype'] as const) {
      const value = props[prop];
      problems.check(value === undefined || dtypes.includes(value), {
        construct, prop, value, problem: 'not a model data type', fix: `use one of ${dtypes.join(', ')} (the ModelDtype enum)`,
      });
    }
    problems.check(props.kind === undefined || (Object.values(ModelKind) as string[]).includes(props.kind), {
      construct, prop: 'kind', value: props.kind, problem: 'not a model kind', fix: 'use ModelKind.TEXT_GENERATION or ModelKind.EMBEDDING',
    });
    problems.check(props.toolCallParser === undefined || (Object.values(ToolCallParser) as string[]).includes(props.toolCallParser), {
      construct,
      prop: 'toolCallParser',
      value: props.toolCallParser,
      problem: 'not a tool call parser',
      fix: `use one of ${Object.values(ToolCallParser).join(', ')} (the ToolCallParser enum), or leave it out for a model that does not call tools`,
    });
    problems.throwIfAny();

    this.props = props;
    this.name = props.name;
    this.huggingFaceId = props.huggingFaceId;
    this.kind = props.kind ?? ModelKind.TEXT_GENERATION;
    this.parametersBillions = props.parametersBillions;
    this.weightDtype = props.weightDtype ?? ModelDtype.BF16;
    this.kvCacheDtype = props.kvCacheDtype ?? (isSixteenBit(this.weightDtype) ? this.weightDtype : ModelDtype.BF16);
    this.maxContextLength = props.maxContextLength;
    this.concurrentSequences = props.concurrentSequences ?? 1;
    this.layers = props.layers;
    this.hiddenSize = props.hiddenSize;
    this.attentionHeads = props.attentionHeads;
    this.kvHeads = props.kvHeads ?? props.attentionHeads;
    this.headDim = props.headDim ?? (props.hiddenSize !== undefined && props.attentionHeads !== undefined
      ? props.hiddenSize / props.attentionHeads : undefined);
    this.vocabSize = props.vocabSize;
    this.tiedEmbeddings = props.tiedEmbeddings ?? false;
    this.embeddingDimension = props.embeddingDimension;
    this.toolCallParser = props.toolCallParser;
  }

  /**
   * The same model served differently (data types, context, concurrency).
   * @param options what to change
   * @param construct construct path (or spec name) for error messages
   */
  public withServing(options: ModelServingOptions, construct: string = 'ModelSpec'): ModelSpec {
    const weightChanged = options.weightDtype !== undefined && options.weightDtype !== this.weightDtype;
    return new ModelSpec({
      ...this.props,
      name: options.name ?? this.props.name,
      weightDtype: options.weightDtype ?? this.weightDtype,
      // A new weight type re-derives the KV default unless the caller set one or the original was explicit.
      kvCacheDtype: options.kvCacheDtype ?? (weightChanged ? this.props.kvCacheDtype : this.kvCacheDtype),
      maxContextLength: options.maxContextLength ?? this.maxContextLength,
      concurrentSequences: options.concurrentSequences ?? this.concurrentSequences,
    }, construct);
  }

  /** True when layers, heads and head dimension are known, so the KV cache is exact. */
  public get kvCacheExact(): boolean {
    return this.kind === ModelKind.EMBEDDING
      || (this.layers !== undefined && this.kvHeads !== undefined && this.headDim !== undefined);
  }

  /** Parameters kept in 16-bit when the weights are quantised (embeddings and LM head). */
  public get sixteenBitParameters(): number {
    const total = this.parametersBillions * 1e9;
    if (isSixteenBit(this.weightDtype)) return total;
    if (this.vocabSize !== undefined && this.hiddenSize !== undefined) {
      return Math.min(total, this.vocabSize * this.hiddenSize * (this.tiedEmbeddings ? 1 : 2));
    }
    return total * MODEL_MEMORY_CONSTANTS.unquantisedShareFallback;
  }

  /** Bytes of all weights in the serving data type, including quantisation metadata. */
  public get weightBytes(): number {
    const total = this.parametersBillions * 1e9;
    if (isSixteenBit(this.weightDtype)) return total * dtypeBytes(this.weightDtype);
    const sixteen = this.sixteenBitParameters;
    const quantised = total - sixteen;
    const perWeight = dtypeBytes(this.weightDtype)
      + (this.weightDtype === ModelDtype.INT4 ? MODEL_MEMORY_CONSTANTS.int4GroupOverheadBytesPerWeight : 0);
    return sixteen * 2 + quantised * perWeight;
  }

  /** Weights in GiB. */
  public get weightGiB(): number {
    return this.weightBytes / GIB;
  }

  /** Layers used for the KV cache: given, or estimated (see {@link MODEL_MEMORY_CONSTANTS}). */
  public get effectiveLayers(): number {
    if (this.layers !== undefined) return this.layers;
    return Math.max(1, Math.round(this.estimatedHiddenSize * MODEL_MEMORY_CONSTANTS.fallbackLayersPerHidden));
  }

  /** Key (or value) width per token and layer: kvHeads · headDim, or the (estimated) hidden size. */
  public get kvWidth(): number {
    if (this.kvHeads !== undefined && this.headDim !== undefined) return this.kvHeads * this.headDim;
    return this.hiddenSize ?? this.estimatedHiddenSize;
  }

  /**
   * KV cache bytes per token over all layers and GPUs: 2 (K and V) · layers · kvHeads · headDim · bytes.
   * Zero for embedding models.
   */
  public get kvCacheBytesPerToken(): number {
    if (this.kind === ModelKind.EMBEDDING) return 0;
    return 2 * this.effectiveLayers * this.kvWidth * dtypeBytes(this.kvCacheDtype);
  }

  /** KV cache for maxContextLength × concurrentSequences tokens, in GiB, over all GPUs. */
  public get kvCacheGiB(): number {
    return (this.kvCacheBytesPerToken * this.maxContextLength * this.concurrentSequences) / GIB;
  }

  /** Hidden size given, or estimated from parameters ≈ 12 · (hidden / 128) · hidden². */
  private get estimatedHiddenSize(): number {
    if (this.hiddenSize !== undefined) return this.hiddenSize;
    const params = this.parametersBillions * 1e9;
    return Math.round(Math.cbrt((params / 12) / MODEL_MEMORY_CONSTANTS.fallbackLayersPerHidden));
  }
}

/**
 * Common models with the figures of their Hugging Face `config.json` (parameter counts are the
 * safetensors totals shown on the model pages). Context lengths are the models' native maxima;
 * shorten them with {@link ModelSpec.withServing} to fit smaller GPUs.
 */
export class ModelPresets {
  /** Meta Llama 3.1 8B Instruct: 32 layers, 32 heads, 8 KV heads, 128k context; tool calls in Llama 3 JSON. */
  public static readonly LLAMA_3_1_8B_INSTRUCT = new ModelSpec({
    name: 'llama-3.1-8b-instruct',
    huggingFaceId: 'meta-llama/Llama-3.1-8B-Instruct',
    parametersBillions: 8.030261248,
    maxContextLength: 131072,
    layers: 32,
    hiddenSize: 4096,
    attentionHeads: 32,
    kvHeads: 8,
    headDim: 128,
    vocabSize: 128256,
    toolCallParser: ToolCallParser.LLAMA3_JSON,
  });

  /** Meta Llama 3.1 70B Instruct: 80 layers, 64 heads, 8 KV heads, 128k context; tool calls in Llama 3 JSON. */
  public static readonly LLAMA_3_1_70B_INSTRUCT = new ModelSpec({
    name: 'llama-3.1-70b-instruct',
    huggingFaceId: 'meta-llama/Llama-3.1-70B-Instruct',
    parametersBillions: 70.553706496,
    maxContextLength: 131072,
    layers: 80,
    hiddenSize: 8192,
    attentionHeads: 64,
    kvHeads: 8,
    headDim: 128,
    vocabSize: 128256,
    toolCallParser: ToolCallParser.LLAMA3_JSON,
  });

  /** Mistral 7B Instruct v0.3: 32 layers, 32 heads, 8 KV heads, 32k context; Mistral tool calls. */
  public static readonly MISTRAL_7B_INSTRUCT_V0_3 = new ModelSpec({
    name: 'mistral-7b-instruct-v0.3',
    huggingFaceId: 'mistralai/Mistral-7B-Instruct-v0.3',
    parametersBillions: 7.248023552,
    maxContextLength: 32768,
    layers: 32,
    hiddenSize: 4096,
    attentionHeads: 32,
    kvHeads: 8,
    headDim: 128,
    vocabSize: 32768,
    toolCallParser: ToolCallParser.MISTRAL,
  });

  /** Mixtral 8x7B Instruct v0.1 (mixture of experts, all 46.7B parameters resident): 32 layers, 8 KV heads, 32k context; no tool calling (its v1 tokenizer has no tool tokens). */
  public static readonly MIXTRAL_8X7B_INSTRUCT = new ModelSpec({
    name: 'mixtral-8x7b-instruct-v0.1',
    huggingFaceId: 'mistralai/Mixtral-8x7B-Instruct-v0.1',
    parametersBillions: 46.702792704,
    maxContextLength: 32768,
    layers: 32,
    hiddenSize: 4096,
    attentionHeads: 32,
    kvHeads: 8,
    headDim: 128,
    vocabSize: 32000,
  });

  /** Qwen2.5 7B Instruct: 28 layers, 28 heads, 4 KV heads, 32k context (128k only with YaRN). */
  public static readonly QWEN2_5_7B_INSTRUCT = new ModelSpec({
    name: 'qwen2.5-7b-instruct',
    huggingFaceId: 'Qwen/Qwen2.5-7B-Instruct',
    parametersBillions: 7.615616512,
    maxContextLength: 32768,
    layers: 28,
    hiddenSize: 3584,
    attentionHeads: 28,
    kvHeads: 4,
    headDim: 128,
    vocabSize: 152064,
    toolCallParser: ToolCallParser.HERMES,
  });

  /** Qwen2.5 72B Instruct: 80 layers, 64 heads, 8 KV heads, 32k context (128k only with YaRN). */
  public static readonly QWEN2_5_72B_INSTRUCT = new ModelSpec({
    name: 'qwen2.5-72b-instruct',
    huggingFaceId: 'Qwen/Qwen2.5-72B-Instruct',
    parametersBillions: 72.706203648,
    maxContextLength: 32768,
    layers: 80,
    hiddenSize: 8192,
    attentionHeads: 64,
    kvHeads: 8,
    headDim: 128,
    vocabSize: 152064,
    toolCallParser: ToolCallParser.HERMES,
  });

  /** BAAI bge-large-en-v1.5 embedding model (BERT-large): 1024 dimensions, 512 tokens, served in FP16. */
  public static readonly BGE_LARGE_EN_V1_5 = new ModelSpec({
    name: 'bge-large-en-v1.5',
    huggingFaceId: 'BAAI/bge-large-en-v1.5',
    kind: ModelKind.EMBEDDING,
    parametersBillions: 0.335141888,
    weightDtype: ModelDtype.FP16,
    maxContextLength: 512,
    layers: 24,
    hiddenSize: 1024,
    attentionHeads: 16,
    vocabSize: 30522,
    embeddingDimension: 1024,
  });

  /**
   * Meta Llama 3.1 405B Instruct: 126 layers, 128 heads, 8 KV heads, 128k context. About 756 GiB of
   * bf16 weights: more than any single node of the catalogue holds, so it is served across nodes
   * (tensor parallel inside a node, pipeline parallel across nodes).
   */
  public static readonly LLAMA_3_1_405B_INSTRUCT = new ModelSpec({
    name: 'llama-3.1-405b-instruct',
    huggingFaceId: 'meta-llama/Llama-3.1-405B-Instruct',
    parametersBillions: 405.8533888,
    maxContextLength: 131072,
    layers: 126,
    hiddenSize: 16384,
    attentionHeads: 128,
    kvHeads: 8,
    headDim: 128,
    vocabSize: 128256,
    toolCallParser: ToolCallParser.LLAMA3_JSON,
  });

  /** Every preset. */
  public static all(): ModelSpec[] {
    return Object.values(ModelPresets).filter((v): v is ModelSpec => v instanceof ModelSpec);
  }
}
