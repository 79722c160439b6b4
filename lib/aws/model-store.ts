import { Construct } from 'constructs';
import { AccessLogBucket } from './access-log-bucket';
import { ContainerRepository } from './container-repository';
import { EncryptionKey } from './encryption-key';
import { SecureBucket } from './secure-bucket';
import type { WorkloadIdentity } from './workload-identity';
import { RetentionPolicy } from '../core/aws-options';
import { BucketsContract } from '../core/contract';
import { invalidProp } from '../core/errors';
import { PlatformNaming } from '../core/names';
import { defaultRetentionPolicy } from '../core/platform-spec-derivation';

/** The buckets of a {@link ModelStore}. */
export enum StoreBucket {
  /** Model weights and artifacts. */
  MODELS = 'models',
  /** Datasets. */
  DATASETS = 'datasets',
}

/** Properties of a {@link ModelStore}. */
export interface ModelStoreProps {
  /** Platform naming: buckets are `naming.bucketName("models")` and `naming.bucketName("datasets")`. */
  readonly naming: PlatformNaming;
  /**
   * Days a replaced or deleted object version is kept.
   * @default 30
   */
  readonly noncurrentVersionExpirationDays?: number;
  /**
   * Days before unfinished multipart uploads are aborted.
   * @default 7
   */
  readonly abortIncompleteMultipartUploadDays?: number;
  /**
   * Let `terraform destroy` delete the buckets (drops `prevent_destroy`).
   * @default false
   */
  readonly allowDestroy?: boolean;
  /**
   * ECR repositories to create, by name inside the platform (e.g. `["serving"]`).
   * @default - none
   */
  readonly repositories?: string[];
  /**
   * Let `terraform destroy` delete repositories that still hold images (`force_delete`).
   * @default false
   */
  readonly allowDestroyImages?: boolean;
  /**
   * S3 server access logs of the models and datasets buckets, delivered to a dedicated log
   * bucket (`naming.bucketName("logs")`, SSE-S3, TLS-only, logs expiring after
   * `accessLogRetentionDays`): who read or wrote which model or dataset, and when.
   * @default - on, unless the environment is disposable (`dev`, `test`, `sandbox`, `ci`, optionally with a `-<suffix>`)
   */
  readonly accessLogging?: boolean;
  /**
   * Days an access log object is kept.
   * @default 365
   */
  readonly accessLogRetentionDays?: number;
}

/** Options of a grant on the model store. */
export interface ModelStoreGrantOptions {
  /**
   * Which bucket.
   * @default StoreBucket.MODELS
   */
  readonly bucket?: StoreBucket;
  /**
   * Key prefix the grant is limited to, ending in `/`.
   * @default - the whole bucket
   */
  readonly prefix?: string;
}

/**
 * Where models, datasets and serving images live: two secure S3 buckets (models,
 * datasets) and ECR repositories, all encrypted with one customer-managed key, with typed
 * grants for workload identities.
 */
export class ModelStore extends Construct {
  /** The key of buckets and repositories. */
  public readonly key: EncryptionKey;
  /** The models bucket. */
  public readonly models: SecureBucket;
  /** The datasets bucket. */
  public readonly datasets: SecureBucket;
  /** The bucket receiving the buckets' server access logs, when access logging is on. */
  public readonly accessLogs?: AccessLogBucket;
  /** Whether destroy deletes repositories with their images. */
  public readonly allowDestroyImages: boolean;
  private readonly naming: PlatformNaming;
  private readonly repos: { [name: string]: ContainerRepository } = {};

  constructor(scope: Construct, id: string, props: ModelStoreProps) {
    super(scope, id);
    this.naming = props.naming;
    this.allowDestroyImages = props.allowDestroyImages ?? false;
    this.key = new EncryptionKey(this, 'key', { naming: props.naming, purpose: 'model-store', description: `${props.naming.prefix} models, datasets and images` });
    const accessLogging = props.accessLogging ?? defaultRetentionPolicy(props.naming.environment) === RetentionPolicy.RETAIN;
    if (accessLogging) {
      this.accessLogs = new AccessLogBucket(this, 'access-logs', {
        naming: props.naming,
        sourceBucketNames: [StoreBucket.MODELS, StoreBucket.DATASETS].map((purpose) => props.naming.bucketName(purpose)),
        retentionDays: props.accessLogRetentionDays,
        allowDestroy: props.allowDestroy,
      });
    } else if (props.accessLogRetentionDays !== undefined) {
      throw invalidProp(this.node.path, 'accessLogRetentionDays', props.accessLogRetentionDays, 'access logging is off, so no log would be kept',
        'drop accessLogRetentionDays, or set accessLogging: true');
    }
    const bucketProps = {
      accessLogs: this.accessLogs,
      naming: props.naming,
      key: this.key,
      noncurrentVersionExpirationDays: props.noncurrentVersionExpirationDays,
      abortIncompleteMultipartUploadDays: props.abortIncompleteMultipartUploadDays,
      allowDestroy: props.allowDestroy,
    };
    this.models = new SecureBucket(this, 'models', { ...bucketProps, purpose: StoreBucket.MODELS });
    this.datasets = new SecureBucket(this, 'datasets', { ...bucketProps, purpose: StoreBucket.DATASETS });
    for (const name of props.repositories ?? []) this.addRepository(name);
  }

  /** Adds an ECR repository `<prefix>/<name>`. */
  public addRepository(name: string): ContainerRepository {
    if (this.repos[name]) {
      throw invalidProp(this.node.path, 'repositories', name, 'the repository already exists', 'give each repository its own name');
    }
    const repo = new ContainerRepository(this, `repo-${name.replace(/[^a-z0-9-]/g, '-')}`, { naming: this.naming, name, key: this.key, forceDelete: this.allowDestroyImages });
    this.repos[name] = repo;
    return repo;
  }

  /** The repositories by name. */
  public get repositories(): { [name: string]: ContainerRepository } {
    return { ...this.repos };
  }

  /** One bucket. */
  public bucket(which: StoreBucket): SecureBucket {
    return which === StoreBucket.DATASETS ? this.datasets : this.models;
  }

  /** Lets an identity read one bucket (the models bucket by default), optionally under a prefix. */
  public grantRead(identity: WorkloadIdentity, options: ModelStoreGrantOptions = {}): void {
    this.bucket(options.bucket ?? StoreBucket.MODELS).grantRead(identity, { prefix: options.prefix });
  }

  /** Lets an identity read and write one bucket (the models bucket by default), optionally under a prefix. */
  public grantReadWrite(identity: WorkloadIdentity, options: ModelStoreGrantOptions = {}): void {
    this.bucket(options.bucket ?? StoreBucket.MODELS).grantReadWrite(identity, { prefix: options.prefix });
  }

  /** The bucket names as the Kubernetes layer sees them. */
  public contract(): BucketsContract {
    return { models: this.models.bucketName, datasets: this.datasets.bucketName };
  }

  /** Repository URLs by name (known after apply). */
  public repositoryUrls(): { [name: string]: string } {
    const out: { [name: string]: string } = {};
    for (const [name, repo] of Object.entries(this.repos)) out[name] = repo.repositoryUrl;
    return out;
  }
}
