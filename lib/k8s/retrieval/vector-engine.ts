import { DatabaseContract } from '../../core/contract';
import { VectorEngine } from '../../core/platform-spec';
import { EncryptedStorageClass } from '../common/encrypted-storage-class';
import { SecretSource } from '../common/secret-source';
import { INodePool } from '../node-pool';

/** Where a Qdrant database keeps its snapshots. */
export enum QdrantSnapshotStorage {
  /**
   * The models bucket of the platform contract, through the snapshot job's workload identity
   * (the AWS layer creates it): survives the cluster.
   */
  BUCKET = 'bucket',
  /**
   * A volume of its own in the database's namespace (encrypted, retained when deleted):
   * survives the loss of a replica's volume and mistakes, not the loss of the cluster's
   * storage. For clusters without the AWS layer.
   */
  VOLUME = 'volume',
}

/** Options of {@link VectorDatabaseEngine.qdrant}. */
export interface QdrantEngineOptions {
  /**
   * The high-availability preset: 3 replicas spread over nodes and zones, every shard on 2 of
   * them, a PodDisruptionBudget. With `replicas`, at least 3 are required.
   * @default false
   */
  readonly highAvailability?: boolean;
  /**
   * Number of Qdrant nodes (StatefulSet replicas).
   * @default 1, or 3 with highAvailability
   */
  readonly replicas?: number;
  /**
   * Copies of each shard in the collections the database creates (`replication_factor`).
   * @default 2 with two or more replicas, else 1
   */
  readonly replicationFactor?: number;
  /**
   * The API key (`api-key`) and the read-only API key (`read-only-api-key`): a JSON secret in
   * Secrets Manager with these two properties, or an existing Secret with these two keys.
   * @default - SecretSource.secretsManager("<platform>-<env>/vector-db/<namespace>/<name>"), the
   * secret the AWS layer's DataServicesAccess creates; SecretSource.generated() (random keys
   * generated in the cluster) when the contract has no AWS layer (ExistingClusterContract)
   */
  readonly apiKeys?: SecretSource;
  /**
   * The most memory one replica may have, in GiB: when the sizing from the declared
   * collections needs more, synthesis fails (add replicas or lower expectedVectors).
   * @default 64
   */
  readonly maxMemoryGiB?: number;
  /**
   * CPU request of a replica, in cores (no CPU limit: search latency suffers under throttling).
   * @default 1
   */
  readonly cpu?: number;
  /**
   * Take snapshots of every collection on every node to the models bucket on a schedule.
   * @default true
   */
  readonly snapshots?: boolean;
  /**
   * Where snapshots are kept.
   * @default QdrantSnapshotStorage.BUCKET, or QdrantSnapshotStorage.VOLUME when the contract has
   * no AWS layer (ExistingClusterContract) or no models bucket
   */
  readonly snapshotStorage?: QdrantSnapshotStorage;
  /**
   * Size of the snapshot volume in GiB (QdrantSnapshotStorage.VOLUME).
   * @default - room for snapshotsKept sets of every replica's data, at least 10 GiB
   */
  readonly snapshotVolumeGiB?: number;
  /**
   * When snapshots are taken (a CronJob schedule, UTC).
   * @default "0 3 * * *" (daily at 03:00 UTC)
   */
  readonly snapshotSchedule?: string;
  /**
   * Complete snapshot sets kept in the bucket (older sets are deleted; the bucket's versioning
   * keeps deleted objects for its noncurrent-version retention).
   * @default 7
   */
  readonly snapshotsKept?: number;
  /**
   * StorageClass of the volumes.
   * @default - EncryptedStorageClass.ensure(): gp3, encrypted, Retain, WaitForFirstConsumer
   */
  readonly storageClass?: EncryptedStorageClass;
  /**
   * Node pool the replicas run on.
   * @default - no node selection
   */
  readonly nodePool?: INodePool;
}

/** Options of {@link VectorDatabaseEngine.pgvector}. */
export interface PgVectorEngineOptions {
  /**
   * The PostgreSQL database (with pgvector available, e.g. RDS for PostgreSQL 15 or later).
   * @default - the platform contract's database
   */
  readonly database?: DatabaseContract;
  /**
   * The password of the database user: a JSON secret with a `password` property.
   * @default - SecretSource.secretsManager(database.masterSecretArn): the secret RDS manages
   */
  readonly password?: SecretSource;
  /**
   * Schema of the collections' tables.
   * @default "public"
   */
  readonly schema?: string;
  /**
   * Address block of the database, for the NetworkPolicies of the bootstrap job and of clients
   * in default-deny namespaces.
   * @default - the contract's `vpcCidr`, else "10.0.0.0/16" (the AWS layer's default VPC block)
   */
  readonly databaseCidr?: string;
}

/**
 * The engine behind a {@link VectorDatabase}. Each engine is a static factory, so adding one
 * (e.g. Milvus) adds a factory and leaves every existing call as it is.
 *
 * ```ts
 * VectorDatabaseEngine.qdrant({ highAvailability: true })
 * VectorDatabaseEngine.pgvector({ schema: 'rag' })
 * ```
 */
export class VectorDatabaseEngine {
  /** Qdrant in the cluster: the default. */
  public static qdrant(options: QdrantEngineOptions = {}): VectorDatabaseEngine {
    return new VectorDatabaseEngine(VectorEngine.QDRANT, options, undefined);
  }

  /** pgvector in the platform's PostgreSQL database. */
  public static pgvector(options: PgVectorEngineOptions = {}): VectorDatabaseEngine {
    return new VectorDatabaseEngine(VectorEngine.PGVECTOR, undefined, options);
  }

  /** Which engine. */
  public readonly kind: VectorEngine;
  /** Qdrant options (Qdrant only). */
  public readonly qdrantOptions?: QdrantEngineOptions;
  /** pgvector options (pgvector only). */
  public readonly pgvectorOptions?: PgVectorEngineOptions;

  private constructor(kind: VectorEngine, qdrant?: QdrantEngineOptions, pgvector?: PgVectorEngineOptions) {
    this.kind = kind;
    this.qdrantOptions = qdrant;
    this.pgvectorOptions = pgvector;
  }
}
