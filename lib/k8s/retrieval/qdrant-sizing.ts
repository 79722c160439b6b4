import { ResolvedCollection } from './vector-collection';

const GIB = 1024 ** 3;

/** Bytes of one vector component (float32). */
export const BYTES_PER_DIMENSION = 4;
/** Qdrant's rule of thumb: vectors plus index, metadata and optimizer headroom take 1.5x the raw vectors. */
export const MEMORY_OVERHEAD_FACTOR = 1.5;
/** Memory of the process itself (WAL buffers, payload indexes, gRPC), in GiB. */
export const PROCESS_BASELINE_GIB = 1;
/** Disk holds the segments plus room for optimizer rebuilds and one local snapshot before upload. */
export const DISK_FACTOR = 2;
/** Smallest volume the library requests, in GiB. */
export const MIN_VOLUME_GIB = 10;
/** Largest gp3 EBS volume, in GiB. */
export const MAX_GP3_VOLUME_GIB = 16384;

/** What one Qdrant replica needs for a set of collections. */
export interface QdrantSizingResult {
  /** Raw bytes of all vectors (vectors x dimension x 4), one copy. */
  readonly rawVectorBytes: number;
  /** Bytes of vectors one replica holds: raw x replication factor / replicas. */
  readonly bytesPerReplica: number;
  /** Memory per replica in GiB (request = limit). */
  readonly memoryGiB: number;
  /** Volume size per replica in GiB. */
  readonly storageGiB: number;
}

/**
 * Sizes one Qdrant replica from the collections it serves:
 *
 *   raw         = sum over collections of expectedVectors x dimension x 4 bytes (float32)
 *   perReplica  = raw x replicationFactor / replicas      (shards spread over the replicas)
 *   memoryGiB   = ceil(perReplica x 1.5 / GiB + 1)        (1.5: HNSW graph, metadata, optimizer; +1 GiB process)
 *   storageGiB  = max(10, ceil(perReplica x 1.5 x 2 / GiB)) (x2: segment rebuilds and a local snapshot)
 *
 * All vectors are kept in RAM (Qdrant's default, the fastest search); with on-disk vectors
 * or quantization the real need is lower, so this is a safe upper bound.
 */
export function sizeQdrant(collections: ResolvedCollection[], replicas: number, replicationFactor: number): QdrantSizingResult {
  const raw = collections.reduce((sum, c) => sum + c.expectedVectors * c.dimension * BYTES_PER_DIMENSION, 0);
  const perReplica = raw * replicationFactor / replicas;
  const memoryGiB = Math.ceil(perReplica * MEMORY_OVERHEAD_FACTOR / GIB + PROCESS_BASELINE_GIB);
  const storageGiB = Math.max(MIN_VOLUME_GIB, Math.ceil(perReplica * MEMORY_OVERHEAD_FACTOR * DISK_FACTOR / GIB));
  return { rawVectorBytes: raw, bytesPerReplica: perReplica, memoryGiB, storageGiB };
}
