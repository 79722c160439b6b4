import { EcrLifecyclePolicy } from '@cdktf/provider-aws/lib/ecr-lifecycle-policy';
import { EcrRepository } from '@cdktf/provider-aws/lib/ecr-repository';
import { Construct } from 'constructs';
import { EncryptionKey } from './encryption-key';
import type { WorkloadIdentity } from './workload-identity';
import { invalidProp } from '../core/errors';
import { assertName, NAME_RULES, PlatformNaming } from '../core/names';

/** Properties of a {@link ContainerRepository}. */
export interface ContainerRepositoryProps {
  /** Platform naming: the repository is `<prefix>/<name>`. */
  readonly naming: PlatformNaming;
  /** Repository name inside the platform's namespace, e.g. `serving`. */
  readonly name: string;
  /** The key images are encrypted with. */
  readonly key: EncryptionKey;
  /**
   * Days before untagged images (left behind by re-pushed builds) are expired.
   * @default 14
   */
  readonly untaggedImageExpiryDays?: number;
  /**
   * Let `terraform destroy` delete the repository while it holds images. Off, destroy fails on a
   * repository with images (delete them first, or keep the repository out of the destroy).
   * @default false
   */
  readonly forceDelete?: boolean;
}

/**
 * An ECR repository for serving images: immutable tags (a tag always means the same
 * image, so rollbacks and pins hold), scan on push, KMS encryption.
 */
export class ContainerRepository extends Construct {
  /** Full repository name, `<prefix>/<name>`. */
  public readonly repositoryName: string;
  /** Days before untagged images expire. */
  public readonly untaggedImageExpiryDays: number;
  /** The repository. */
  public readonly repository: EcrRepository;

  constructor(scope: Construct, id: string, props: ContainerRepositoryProps) {
    super(scope, id);
    const path = this.node.path;
    this.repositoryName = assertName(path, 'name', `${props.naming.prefix}/${props.name}`, NAME_RULES.ecrRepository);
    this.untaggedImageExpiryDays = props.untaggedImageExpiryDays ?? 14;
    if (!Number.isInteger(this.untaggedImageExpiryDays) || this.untaggedImageExpiryDays < 1) {
      throw invalidProp(path, 'untaggedImageExpiryDays', props.untaggedImageExpiryDays, 'ECR lifecycle rules count whole days, at least 1',
        'give a whole number of days >= 1');
    }
    this.repository = new EcrRepository(this, 'repository', {
      name: this.repositoryName,
      imageTagMutability: 'IMMUTABLE',
      imageScanningConfiguration: { scanOnPush: true },
      encryptionConfiguration: [{ encryptionType: 'KMS', kmsKey: props.key.keyArn }],
      forceDelete: props.forceDelete ?? false,
    });
    new EcrLifecyclePolicy(this, 'lifecycle', {
      repository: this.repository.name,
      policy: JSON.stringify({
        rules: [{
          rulePriority: 1,
          description: 'Expire untagged images',
          selection: { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: this.untaggedImageExpiryDays },
          action: { type: 'expire' },
        }],
      }),
    });
  }

  /** The repository URL (`<account>.dkr.ecr.<region>.amazonaws.com/<name>`). */
  public get repositoryUrl(): string {
    return this.repository.repositoryUrl;
  }

  /** ARN of the repository. */
  public get repositoryArn(): string {
    return this.repository.arn;
  }

  /** Lets an identity pull images from this repository. */
  public grantPull(identity: WorkloadIdentity): void {
    const n = identity.grantedStatements.length;
    // GetAuthorizationToken has no resource-level permissions.
    identity.addToPolicy({ sid: `EcrAuth${n}`, actions: ['ecr:GetAuthorizationToken'], resources: ['*'] });
    identity.addToPolicy({
      sid: `EcrPull${n + 1}`,
      actions: ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchCheckLayerAvailability'],
      resources: [this.repository.arn],
    });
  }
}
