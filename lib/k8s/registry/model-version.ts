import { invalidProp } from '../../core/errors';
import { IModelArtifact } from '../common/model-source';

/** What a {@link ModelVersion} is built from. */
export interface ModelVersionProps {
  /** Registered model name. */
  readonly modelName: string;
  /** Version number in the registry. */
  readonly modelVersion: string;
  /** Where the version's files are (`s3://<models bucket>/<prefix>/`). */
  readonly storageUri: string;
  /** Bucket of the files. */
  readonly bucket: string;
  /** Key prefix of the files, ending in `/`. */
  readonly prefix: string;
  /** Key prefix the serving identity needs read access to (the registry's artifact prefix). */
  readonly readPrefix: string;
  /**
   * The registry's URI of the version (MLflow `models:/<name>/<version>`).
   * @default - none
   */
  readonly registryUri?: string;
}

/**
 * A registered model version resolved to the storage location of its files: an
 * `IModelArtifact`, so an LlmService serves it with `ModelSource.fromArtifact(version)`.
 * The serving identity needs read access to {@link ModelVersion.readPrefix} of the models
 * bucket (on the AWS side: `DataServicesAccess.grantRegistryRead(identity)`).
 */
export class ModelVersion implements IModelArtifact {
  /** `s3://<bucket>/<prefix>/`: where the model's files are. */
  public readonly storageUri: string;
  /** Registered model name. */
  public readonly modelName?: string;
  /** Version number. */
  public readonly modelVersion?: string;
  /** Bucket of the files. */
  public readonly bucket: string;
  /** Key prefix of the files. */
  public readonly prefix: string;
  /** Key prefix the serving identity needs read access to. */
  public readonly readPrefix: string;
  /** The registry's URI of the version, when it has one (MLflow `models:/<name>/<version>`). */
  public readonly registryUri?: string;

  constructor(props: ModelVersionProps) {
    if (!/^[1-9][0-9]*$/.test(props.modelVersion)) {
      throw invalidProp(`ModelVersion(${props.modelName})`, 'version', props.modelVersion, 'a registry version is a positive whole number', 'give the version number the registry shows, e.g. 3');
    }
    this.storageUri = props.storageUri;
    this.modelName = props.modelName;
    this.modelVersion = props.modelVersion;
    this.bucket = props.bucket;
    this.prefix = props.prefix;
    this.readPrefix = props.readPrefix;
    this.registryUri = props.registryUri;
  }
}
