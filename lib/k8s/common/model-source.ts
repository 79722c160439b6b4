import { SecretKeyRef, checkTokenSecret, redactedValue } from './secret-key-ref';
import { PlatformContract } from '../../core/contract';
import { invalidProp } from '../../core/errors';

/** Where a model's files come from. */
export enum ModelSourceKind {
  /** A prefix in S3 (the platform's model store), read through the service's workload identity. */
  S3 = 's3',
  /** A Hugging Face Hub repository, downloaded at start-up (token from a Secret for gated models). */
  HUGGING_FACE = 'hf',
  /** An OCI image holding the model files (a "modelcar"), pulled by the kubelet. */
  OCI = 'oci',
}

/**
 * A model version that some other part of the platform produced, e.g. a version registered
 * in the model registry or written by a training job. Anything with a storage URI can be
 * served: pass it to {@link ModelSource.fromArtifact}.
 */
export interface IModelArtifact {
  /**
   * Where the model's files are: `s3://bucket/prefix` (a directory with `config.json`,
   * tokenizer and safetensors weights), `hf://org/repo` or `oci://registry/repo:tag`.
   */
  readonly storageUri: string;
  /**
   * Name of the model (e.g. the registered model's name), for labels and messages.
   * @default - none
   */
  readonly modelName?: string;
  /**
   * Version of the model (e.g. the registry's version number), for labels and messages.
   * @default - none
   */
  readonly modelVersion?: string;
}

/** Options of {@link ModelSource.s3}. */
export interface S3ModelSourceOptions {
  /**
   * AWS region of the bucket, set as `AWS_REGION` for the loader (EKS Pod Identity gives
   * credentials but no region).
   * @default - the SDK's default region resolution
   */
  readonly region?: string;
}

/** Options of {@link ModelSource.huggingFace}. */
export interface HuggingFaceModelSourceOptions {
  /**
   * The Hugging Face token for gated or private repositories, as a Secret key. There is no
   * way to give the token itself: it would end up in Git and in every rendered manifest.
   * @default - no token (public models only)
   */
  readonly tokenSecret?: SecretKeyRef;
  /**
   * Revision to serve: a branch, tag or (best, reproducible) a commit hash.
   * @default - the repository's default branch
   */
  readonly revision?: string;
}

/** Options of {@link ModelSource.oci}. */
export interface OciModelSourceOptions {
  /**
   * Directory of the model files inside the image.
   * @default '/models' (the KServe modelcar convention)
   */
  readonly modelPath?: string;
}

/** Options of {@link ModelSource.fromArtifact}. */
export interface ArtifactModelSourceOptions {
  /**
   * AWS region of the bucket, for an `s3://` artifact.
   * @default - the SDK's default region resolution
   */
  readonly region?: string;
  /**
   * Token for an `hf://` artifact of a gated repository.
   * @default - no token
   */
  readonly tokenSecret?: SecretKeyRef;
}

const S3_URI = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(\/(.*))?$/;
const HF_REPO = /^[A-Za-z0-9][A-Za-z0-9._-]*(\/[A-Za-z0-9][A-Za-z0-9._-]*)?$/;
// registry/path[:tag][@sha256:digest]; a tag or a digest is required.
const OCI_IMAGE = /^([a-z0-9.-]+(:[0-9]+)?\/)?[a-z0-9]+([._/-][a-z0-9]+)*(:[A-Za-z0-9_][A-Za-z0-9._-]{0,127})?(@sha256:[a-f0-9]{64})?$/;

/**
 * Where an LLM service loads its model from. Build one with a static factory:
 *
 * ```ts
 * ModelSource.s3('s3://cnai-dev-models/llama-3.1-8b-instruct/')        // model store, workload identity
 * ModelSource.huggingFace('meta-llama/Llama-3.1-8B-Instruct', {
 *   tokenSecret: SecretKeyRef.fromName('hf-token', 'HF_TOKEN'),        // never the token itself
 *   revision: '0e9e39f249a16976918f6564b8830bc894c89659',
 * })
 * ModelSource.oci('123456789012.dkr.ecr.us-west-2.amazonaws.com/models/bge:1.5')
 * ModelSource.fromArtifact(registeredVersion)                           // anything with a storageUri
 * ```
 */
export class ModelSource {
  /**
   * A prefix in S3, e.g. the platform's model store. The service's pods read it with the
   * credentials of their ServiceAccount (EKS Pod Identity): the AWS layer grants the role
   * read access and associates it with the service's namespace and ServiceAccount name.
   * @param uri `s3://bucket/prefix`, the directory holding `config.json`, tokenizer and weights
   */
  public static s3(uri: string, options: S3ModelSourceOptions = {}): ModelSource {
    const where = 'ModelSource.s3';
    const m = typeof uri === 'string' ? S3_URI.exec(uri) : null;
    if (!m) {
      throw invalidProp(where, 'uri', uri, 'not an S3 URI', 'give s3://<bucket>/<prefix>, e.g. s3://cnai-dev-models/llama-3.1-8b-instruct/');
    }
    if (options.region !== undefined && !/^[a-z]{2}(-[a-z]+)+-\d$/.test(options.region)) {
      throw invalidProp(where, 'region', options.region, 'not an AWS region name', 'give a region such as us-west-2');
    }
    const bucket = m[1];
    const prefix = (m[3] ?? '').replace(/\/+$/, '');
    return new ModelSource({
      kind: ModelSourceKind.S3,
      storageUri: prefix ? `s3://${bucket}/${prefix}/` : `s3://${bucket}/`,
      bucket,
      prefix,
      region: options.region,
    });
  }

  /**
   * A prefix of a bucket, e.g. `ModelSource.s3Bucket(contract.buckets.models, 'llama-3.1-8b-instruct')`.
   * @param bucket bucket name
   * @param prefix key prefix of the model's directory
   */
  public static s3Bucket(bucket: string, prefix: string, options: S3ModelSourceOptions = {}): ModelSource {
    const cleaned = typeof prefix === 'string' ? prefix.replace(/^\/+/, '') : prefix;
    return ModelSource.s3(`s3://${bucket}/${cleaned}`, options);
  }

  /**
   * A prefix of the platform's model store: the models bucket and region of the contract the
   * AWS layer outputs.
   * @param contract the platform contract
   * @param prefix key prefix of the model's directory, e.g. `llama-3.1-8b-instruct`
   */
  public static fromModelStore(contract: PlatformContract, prefix: string): ModelSource {
    return ModelSource.s3Bucket(contract.buckets.models, prefix, { region: contract.region });
  }

  /**
   * A Hugging Face Hub repository, downloaded by the server at start-up (needs egress to
   * huggingface.co). For production, copy the model into the model store and use
   * {@link ModelSource.s3}: start-up then depends on nothing outside the account.
   * @param repoId repository id, e.g. `meta-llama/Llama-3.1-8B-Instruct`
   */
  public static huggingFace(repoId: string, options: HuggingFaceModelSourceOptions = {}): ModelSource {
    const where = 'ModelSource.huggingFace';
    if (typeof repoId !== 'string' || !HF_REPO.test(repoId)) {
      throw invalidProp(where, 'repoId', repoId, 'not a Hugging Face repository id', 'give "<org>/<name>", e.g. "meta-llama/Llama-3.1-8B-Instruct"');
    }
    checkNoInlineToken(where, options);
    const token = checkTokenSecret(where, 'tokenSecret', options.tokenSecret);
    if (options.revision !== undefined && (typeof options.revision !== 'string' || !/^[A-Za-z0-9._/-]{1,200}$/.test(options.revision))) {
      throw invalidProp(where, 'revision', options.revision, 'not a branch, tag or commit', 'give a commit hash (reproducible) or a tag');
    }
    return new ModelSource({
      kind: ModelSourceKind.HUGGING_FACE,
      storageUri: `hf://${repoId}${options.revision ? `:${options.revision}` : ''}`,
      repoId,
      revision: options.revision,
      tokenSecret: token,
    });
  }

  /**
   * An OCI image that holds the model files (a "modelcar"), e.g. built `FROM busybox` with
   * the model copied to `/models`. The kubelet pulls it like any image, so the pods need no
   * network egress for the model; the image must contain `cp` (the vLLM backend copies the
   * files into its cache volume with an init container).
   * @param image image reference with a tag or digest (never `latest`)
   */
  public static oci(image: string, options: OciModelSourceOptions = {}): ModelSource {
    const where = 'ModelSource.oci';
    const ref = typeof image === 'string' ? image.replace(/^oci:\/\//, '') : image;
    if (typeof ref !== 'string' || !OCI_IMAGE.test(ref) || !/(:[^/]+|@sha256:[a-f0-9]{64})$/.test(ref)) {
      throw invalidProp(where, 'image', image, 'not an image reference with a tag or digest',
        'give registry/repository:tag or registry/repository@sha256:<digest>');
    }
    if (/:latest(@|$)/.test(ref)) {
      throw invalidProp(where, 'image', image, 'the tag latest is not reproducible', 'pin a version tag or a digest');
    }
    const modelPath = options.modelPath ?? '/models';
    if (!/^\/[A-Za-z0-9._/-]*$/.test(modelPath)) {
      throw invalidProp(where, 'modelPath', modelPath, 'not an absolute path', 'give the directory of the model files in the image, e.g. /models');
    }
    return new ModelSource({ kind: ModelSourceKind.OCI, storageUri: `oci://${ref}`, image: ref, modelPath });
  }

  /**
   * The model of an artifact produced elsewhere in the platform (a registered model version,
   * a training output), by its storage URI.
   * @param artifact anything with a `storageUri` (`s3://`, `hf://` or `oci://`)
   */
  public static fromArtifact(artifact: IModelArtifact, options: ArtifactModelSourceOptions = {}): ModelSource {
    const where = 'ModelSource.fromArtifact';
    const uri = artifact && typeof artifact === 'object' ? artifact.storageUri : undefined;
    if (typeof uri !== 'string') {
      throw invalidProp(where, 'artifact.storageUri', uri, 'the artifact has no storage URI', 'pass an object with storageUri, e.g. a registered model version');
    }
    checkNoInlineToken(where, options);
    let source: ModelSource;
    if (uri.startsWith('s3://')) {
      source = ModelSource.s3(uri, { region: options.region });
    } else if (uri.startsWith('hf://')) {
      const [repoId, revision] = uri.slice('hf://'.length).split(':');
      source = ModelSource.huggingFace(repoId, { revision, tokenSecret: options.tokenSecret });
    } else if (uri.startsWith('oci://')) {
      source = ModelSource.oci(uri);
    } else {
      throw invalidProp(where, 'artifact.storageUri', uri, 'a storage scheme the model servers cannot load',
        'store the model under s3://, hf:// or oci:// (e.g. in the platform\'s model store)');
    }
    return new ModelSource({ ...source.fields, artifact });
  }

  /** What kind of source this is. */
  public readonly kind: ModelSourceKind;
  /** The source as a storage URI (`s3://...`, `hf://...`, `oci://...`): KServe's `storageUri`. */
  public readonly storageUri: string;
  /** S3 bucket (S3 only). */
  public readonly bucket?: string;
  /** S3 key prefix of the model directory, without trailing slash (S3 only). */
  public readonly prefix?: string;
  /** AWS region of the bucket, if given (S3 only). */
  public readonly region?: string;
  /** Hugging Face repository id (Hugging Face only). */
  public readonly repoId?: string;
  /** Revision (Hugging Face only). */
  public readonly revision?: string;
  /** The Secret key holding the Hugging Face token, if any. */
  public readonly tokenSecret?: SecretKeyRef;
  /** Image reference (OCI only). */
  public readonly image?: string;
  /** Directory of the model inside the image (OCI only). */
  public readonly modelPath?: string;
  /** The artifact this source was built from, if any. */
  public readonly artifact?: IModelArtifact;

  private readonly fields: ModelSourceFields;

  private constructor(f: ModelSourceFields) {
    this.fields = f;
    this.kind = f.kind;
    this.storageUri = f.storageUri;
    this.bucket = f.bucket;
    this.prefix = f.prefix;
    this.region = f.region;
    this.repoId = f.repoId;
    this.revision = f.revision;
    this.tokenSecret = f.tokenSecret;
    this.image = f.image;
    this.modelPath = f.modelPath;
    this.artifact = f.artifact;
  }

  /** True when the pods read the model with AWS credentials of their ServiceAccount (S3). */
  public get usesWorkloadIdentity(): boolean {
    return this.kind === ModelSourceKind.S3;
  }

  /** True when the pods download the model over the network at start-up (S3, Hugging Face). */
  public get downloadsAtStartup(): boolean {
    return this.kind !== ModelSourceKind.OCI;
  }
}

interface ModelSourceFields {
  readonly kind: ModelSourceKind;
  readonly storageUri: string;
  readonly bucket?: string;
  readonly prefix?: string;
  readonly region?: string;
  readonly repoId?: string;
  readonly revision?: string;
  readonly tokenSecret?: SecretKeyRef;
  readonly image?: string;
  readonly modelPath?: string;
  readonly artifact?: IModelArtifact;
}

/** Props a JavaScript caller might try for an inline token; none of them exists. */
const INLINE_TOKEN_PROPS = ['token', 'hfToken', 'huggingFaceToken', 'apiToken', 'accessToken'];

function checkNoInlineToken(where: string, options: object): void {
  for (const prop of INLINE_TOKEN_PROPS) {
    const value = (options as { [key: string]: unknown })[prop];
    if (value !== undefined) {
      throw invalidProp(where, prop, redactedValue(value), 'a token cannot be given inline: it would be written into every synthesized manifest',
        'store it in a Secret and pass tokenSecret: SecretKeyRef.fromName("<secret>", "<key>") or SecretKeyRef.fromSecret(secret, "<key>")');
    }
  }
}
