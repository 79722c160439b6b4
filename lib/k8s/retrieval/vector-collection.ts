import { invalidProp } from '../../core/errors';

/** How vectors of a collection are compared. */
export enum VectorDistance {
  /** Cosine similarity (the usual choice for text embeddings). */
  COSINE = 'cosine',
  /** Euclidean (L2) distance. */
  EUCLIDEAN = 'euclidean',
  /** Dot product (inner product). */
  DOT = 'dot',
  /** Manhattan (L1) distance. */
  MANHATTAN = 'manhattan',
}

/** Parameters of a collection's HNSW index. */
export interface HnswOptions {
  /**
   * Edges per node of the graph: more is more accurate and uses more memory.
   * @default 16
   */
  readonly m?: number;
  /**
   * Candidates considered while building the index: more is more accurate and slower to build.
   * @default - the engine's default (Qdrant 100, pgvector 64)
   */
  readonly efConstruction?: number;
}

/** A collection of vectors (a Qdrant collection, a pgvector table). */
export interface VectorCollection {
  /** Name of the collection; checked against the engine's naming rules. */
  readonly name: string;
  /** Number of dimensions of its vectors (the embedding model's output size, e.g. 768 or 1024). */
  readonly dimension: number;
  /**
   * How vectors are compared.
   * @default VectorDistance.COSINE
   */
  readonly distance?: VectorDistance;
  /**
   * How many vectors the collection is expected to hold; sizes memory and disk (Qdrant).
   * @default 1000000
   */
  readonly expectedVectors?: number;
  /**
   * HNSW index parameters.
   * @default - m 16 and the engine's default ef_construction
   */
  readonly hnsw?: HnswOptions;
}

/** A collection with every default resolved. */
export interface ResolvedCollection {
  /** Name. */
  readonly name: string;
  /** Dimension. */
  readonly dimension: number;
  /** Distance. */
  readonly distance: VectorDistance;
  /** Expected number of vectors. */
  readonly expectedVectors: number;
  /** HNSW m. */
  readonly m: number;
  /** HNSW ef_construction. */
  readonly efConstruction: number;
}

/**
 * The rules an engine imposes on collections (each engine's own constant; no user writes one).
 * @jsii ignore engine-internal (a validation callback and ranges) and read by the engines' own code only
 */
export interface CollectionRules {
  /** Engine name for messages (e.g. "Qdrant"). */
  readonly engine: string;
  /** Largest dimension the engine indexes. */
  readonly maxDimension: number;
  /** Why that is the limit, for the message. */
  readonly maxDimensionReason: string;
  /** Default ef_construction. */
  readonly defaultEfConstruction: number;
  /** Smallest and largest m. */
  readonly mRange: [number, number];
  /** Smallest and largest ef_construction. */
  readonly efConstructionRange: [number, number];
  /** Returns why a name breaks the engine's rules, or undefined when it is valid. */
  readonly nameProblem: (name: string) => string | undefined;
  /** The naming rule in words. */
  readonly nameRule: string;
}

const DEFAULT_EXPECTED_VECTORS = 1_000_000;

/** Validates collections against an engine's rules and resolves their defaults. */
export function resolveCollections(where: string, collections: VectorCollection[], rules: CollectionRules): ResolvedCollection[] {
  const seen = new Set<string>();
  return collections.map((c, i) => {
    const p = `collections[${i}]`;
    const problem = rules.nameProblem(c.name);
    if (problem) {
      throw invalidProp(where, `${p}.name`, c.name, `not a valid ${rules.engine} collection name: ${problem}`, `choose a name of ${rules.nameRule}`);
    }
    if (seen.has(c.name)) {
      throw invalidProp(where, `${p}.name`, c.name, 'two collections have the same name', 'give each collection its own name');
    }
    seen.add(c.name);
    if (!Number.isInteger(c.dimension) || c.dimension < 1 || c.dimension > rules.maxDimension) {
      throw invalidProp(where, `${p}.dimension`, c.dimension,
        `${rules.engine} takes a whole number of dimensions from 1 to ${rules.maxDimension} (${rules.maxDimensionReason})`,
        `give the embedding model's output size, between 1 and ${rules.maxDimension}${rules.maxDimension < 65536 ? ', or use a Qdrant database for larger vectors' : ''}`);
    }
    const expectedVectors = c.expectedVectors ?? DEFAULT_EXPECTED_VECTORS;
    if (!Number.isSafeInteger(expectedVectors) || expectedVectors < 0) {
      throw invalidProp(where, `${p}.expectedVectors`, c.expectedVectors, 'not a count of vectors', 'give a whole number, e.g. 5000000');
    }
    const m = c.hnsw?.m ?? 16;
    if (!Number.isInteger(m) || m < rules.mRange[0] || m > rules.mRange[1]) {
      throw invalidProp(where, `${p}.hnsw.m`, m, `${rules.engine} takes m from ${rules.mRange[0]} to ${rules.mRange[1]}`, 'keep the default 16, or 32 to 64 for high recall');
    }
    const efConstruction = c.hnsw?.efConstruction ?? rules.defaultEfConstruction;
    const [efMin, efMax] = rules.efConstructionRange;
    if (!Number.isInteger(efConstruction) || efConstruction < efMin || efConstruction > efMax) {
      throw invalidProp(where, `${p}.hnsw.efConstruction`, efConstruction, `${rules.engine} takes ef_construction from ${efMin} to ${efMax}`,
        `keep the default ${rules.defaultEfConstruction}`);
    }
    return { name: c.name, dimension: c.dimension, distance: c.distance ?? VectorDistance.COSINE, expectedVectors, m, efConstruction };
  });
}
