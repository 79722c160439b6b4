import { ModelStoreReference } from './model-store-reference';
import { invalidProp } from '../../core/errors';
import { SecretKeyRef, checkTokenSecret } from '../common/secret-key-ref';

/** Where a dataset comes from. */
export enum DatasetSourceKind {
  /** A prefix in S3 (the platform's datasets bucket), read through the workload identity. */
  S3 = 's3',
  /** A Hugging Face Hub dataset repository. */
  HUGGING_FACE = 'hf',
}

/** Options of {@link DatasetSource.huggingFace}. */
export interface HuggingFaceDatasetOptions {
  /**
   * The Hugging Face token for gated or private datasets, as a Secret key (never the token).
   * @default - no token (public datasets only)
   */
  readonly tokenSecret?: SecretKeyRef;
}

const S3_URI = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(\/(.*))?$/;
const HF_REPO = /^[A-Za-z0-9][A-Za-z0-9._-]*(\/[A-Za-z0-9][A-Za-z0-9._-]*)?$/;

/**
 * Where a training job's dataset comes from; Kubeflow Trainer's dataset initializer
 * downloads it into the job's workspace before training starts.
 *
 * ```ts
 * DatasetSource.fromModelStore(store, 'chat/instructions-v3/')   // s3://<datasets bucket>/chat/instructions-v3/
 * DatasetSource.huggingFace('tatsu-lab/alpaca')
 * ```
 */
export class DatasetSource {
  /**
   * A prefix of the platform's datasets bucket.
   * @param store the model store
   * @param prefix key prefix of the dataset
   */
  public static fromModelStore(store: ModelStoreReference, prefix: string): DatasetSource {
    return new DatasetSource(DatasetSourceKind.S3, store.datasetsUri(prefix), undefined, store.region, store);
  }

  /**
   * Any S3 prefix (read through the job's workload identity).
   * @param uri `s3://bucket/prefix/`
   * @param region the bucket's region
   */
  public static s3(uri: string, region: string): DatasetSource {
    if (typeof uri !== 'string' || !S3_URI.test(uri)) {
      throw invalidProp('DatasetSource.s3', 'uri', uri, 'not an S3 URI', 'give s3://<bucket>/<prefix>/, or use DatasetSource.fromModelStore(store, prefix)');
    }
    if (!/^[a-z]{2}(-[a-z]+)+-\d$/.test(region)) {
      throw invalidProp('DatasetSource.s3', 'region', region, 'not an AWS region name', 'give a region such as us-west-2');
    }
    return new DatasetSource(DatasetSourceKind.S3, uri, undefined, region, undefined);
  }

  /**
   * A dataset repository on the Hugging Face Hub.
   * @param repoId e.g. `tatsu-lab/alpaca`
   */
  public static huggingFace(repoId: string, options: HuggingFaceDatasetOptions = {}): DatasetSource {
    const where = 'DatasetSource.huggingFace';
    if (typeof repoId !== 'string' || !HF_REPO.test(repoId)) {
      throw invalidProp(where, 'repoId', repoId, 'not a Hugging Face repository id', 'give "<org>/<name>", e.g. "tatsu-lab/alpaca"');
    }
    const token = checkTokenSecret(where, 'tokenSecret', options.tokenSecret);
    return new DatasetSource(DatasetSourceKind.HUGGING_FACE, `hf://${repoId}`, token, undefined, undefined);
  }

  /** What kind of source this is. */
  public readonly kind: DatasetSourceKind;
  /** The source as Trainer's `storageUri` (`s3://...` or `hf://...`). */
  public readonly storageUri: string;
  /** The Secret key holding the Hugging Face token, if any. */
  public readonly tokenSecret?: SecretKeyRef;
  /** Region of the bucket (S3 only). */
  public readonly region?: string;
  /** The model store the dataset is in, when built from one. */
  public readonly modelStore?: ModelStoreReference;

  private constructor(kind: DatasetSourceKind, storageUri: string, tokenSecret: SecretKeyRef | undefined, region: string | undefined,
    store: ModelStoreReference | undefined) {
    this.kind = kind;
    this.modelStore = store;
    this.storageUri = storageUri;
    this.tokenSecret = tokenSecret;
    this.region = region;
  }

  /** True when the job reads the dataset with the AWS credentials of its service account. */
  public get usesWorkloadIdentity(): boolean {
    return this.kind === DatasetSourceKind.S3;
  }
}
