import { BucketsContract, PlatformContract, TRAINING, WorkloadIdentityContract, trainingOutputPrefix } from '../../core/contract';
import { invalidProp } from '../../core/errors';
import { NAME_RULES, assertName } from '../../core/names';

/** Props of {@link ModelStoreReference}. */
export interface ModelStoreReferenceProps {
  /** The buckets of the model store. */
  readonly buckets: BucketsContract;
  /** AWS region of the buckets. */
  readonly region: string;
  /**
   * The workload identities (EKS Pod Identity associations) that exist for the cluster; a
   * workload that reads or writes the store must run with one of them.
   * @default - none
   */
  readonly workloadIdentities?: WorkloadIdentityContract[];
}

/**
 * The platform's model store (the AWS layer's ModelStore: a models bucket and a datasets
 * bucket) as the Kubernetes layer sees it. Training workloads get their input and output
 * locations from it, so no bucket name is typed twice, and it knows which service
 * accounts have a workload identity, so a job that could not reach S3 fails at synth.
 */
export class ModelStoreReference {
  /** The store of the platform contract. */
  public static fromContract(contract: PlatformContract): ModelStoreReference {
    return new ModelStoreReference({ buckets: contract.buckets, region: contract.region, workloadIdentities: contract.workloadIdentities });
  }

  /** Name of the models bucket. */
  public readonly modelsBucket: string;
  /** Name of the datasets bucket. */
  public readonly datasetsBucket: string;
  /** AWS region. */
  public readonly region: string;
  /** The workload identities known. */
  public readonly workloadIdentities: WorkloadIdentityContract[];

  constructor(props: ModelStoreReferenceProps) {
    const where = 'ModelStoreReference';
    this.modelsBucket = assertName(where, 'buckets.models', props.buckets.models, NAME_RULES.s3Bucket);
    this.datasetsBucket = assertName(where, 'buckets.datasets', props.buckets.datasets, NAME_RULES.s3Bucket);
    if (!/^[a-z]{2}(-[a-z]+)+-\d$/.test(props.region)) {
      throw invalidProp(where, 'region', props.region, 'not an AWS region name', 'give a region such as us-west-2');
    }
    this.region = props.region;
    this.workloadIdentities = [...(props.workloadIdentities ?? [])];
  }

  /** `s3://<models bucket>/<prefix>/`. */
  public modelsUri(prefix: string): string {
    return `s3://${this.modelsBucket}/${cleanPrefix('ModelStoreReference.modelsUri', prefix)}`;
  }

  /** `s3://<datasets bucket>/<prefix>/`. */
  public datasetsUri(prefix: string): string {
    return `s3://${this.datasetsBucket}/${cleanPrefix('ModelStoreReference.datasetsUri', prefix)}`;
  }

  /** Where a training job of a namespace writes its model: `s3://<models>/training/<namespace>/<job>/`. */
  public trainingOutputUri(namespace: string, job: string): string {
    return this.modelsUri(trainingOutputPrefix(namespace, job));
  }

  /** Where a data preparation job of a namespace writes by default: `s3://<datasets>/prepared/<namespace>/<job>/`. */
  public preparedDataUri(namespace: string, job: string): string {
    return this.datasetsUri(`${TRAINING.preparedDataPrefix}${namespace}/${job}/`);
  }

  /** True when the service account has a workload identity. */
  public hasIdentity(namespace: string, serviceAccount: string): boolean {
    return this.workloadIdentities.some((w) => w.namespace === namespace && w.serviceAccount === serviceAccount);
  }

  /**
   * Throws when the service account has no workload identity (its pods would get no AWS
   * credentials and fail at their first S3 call).
   * @internal
   */
  public _requireIdentity(where: string, prop: string, namespace: string, serviceAccount: string): void {
    if (this.hasIdentity(namespace, serviceAccount)) return;
    throw invalidProp(where, prop, `${namespace}/${serviceAccount}`, 'the service account has no workload identity in the platform contract, so its pods get no AWS credentials for the model store',
      `add one on the AWS layer (cluster.addWorkloadIdentity({ namespace: '${namespace}', serviceAccount: '${serviceAccount}' }) and modelStore.grantReadWrite(identity)), then pass the updated contract`);
  }

  /** Environment that tells a workload where the store is. */
  public environment(): { [name: string]: string } {
    return {
      AWS_REGION: this.region,
      AWS_DEFAULT_REGION: this.region,
      MODEL_STORE_URI: `s3://${this.modelsBucket}/`,
      DATASETS_URI: `s3://${this.datasetsBucket}/`,
    };
  }
}

function cleanPrefix(where: string, prefix: string): string {
  if (typeof prefix !== 'string' || prefix.includes('..') || !/^[A-Za-z0-9!_.*'()/=-]*$/.test(prefix)) {
    throw invalidProp(where, 'prefix', prefix, 'not an S3 key prefix of safe characters', 'use letters, digits and "/-_.", e.g. "team-a/chat-v1/"');
  }
  const p = prefix.replace(/^\/+/, '').replace(/\/+$/, '');
  return p ? `${p}/` : '';
}
