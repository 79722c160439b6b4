import { EksSupportType } from './versions';

/** What `terraform destroy` does with a stateful resource. */
export enum RetentionPolicy {
  /** Keep it (and what it needs to stay readable, such as its key); destroy skips or protects it. */
  RETAIN = 'retain',
  /** Delete it with the rest, data included. */
  DESTROY = 'destroy',
}

/** The retention policy of each kind of stateful resource. */
export interface RetentionSpec {
  /**
   * The models and datasets buckets and the key that encrypts them.
   * @default - by environment (see `defaultRetentionPolicy`)
   */
  readonly buckets?: RetentionPolicy;
  /**
   * The PostgreSQL database: RETAIN keeps deletion protection, a final snapshot and the backups.
   * @default - by environment
   */
  readonly database?: RetentionPolicy;
  /**
   * Images in the ECR repositories: DESTROY deletes repositories with their images.
   * @default - by environment
   */
  readonly containerImages?: RetentionPolicy;
  /**
   * Service secrets: RETAIN gives deleted secrets a 30-day recovery window, DESTROY deletes them at
   * once (so a new platform of the same name can create them again).
   * @default - by environment
   */
  readonly secrets?: RetentionPolicy;
}

/** {@link RetentionSpec} with every default resolved. */
export interface ResolvedRetention {
  /** Buckets. */
  readonly buckets: RetentionPolicy;
  /** Database. */
  readonly database: RetentionPolicy;
  /** Container images. */
  readonly containerImages: RetentionPolicy;
  /** Service secrets. */
  readonly secrets: RetentionPolicy;
}

/**
 * The AWS settings a platform spec and the AWS stack (`CnaiAwsStackProps`) share, documented once:
 * who administers the cluster, how its API is reached, its Kubernetes version and support, what
 * `terraform destroy` keeps, and the cost centre tag.
 */
export interface PlatformAwsOptions {
  /**
   * IAM role or user ARNs that get cluster admin (AmazonEKSClusterAdminPolicy) through an access entry.
   * Those of the platform's account are looked up at plan time, so a missing one fails the plan.
   * @default - the identity that runs Terraform
   */
  readonly adminPrincipalArns?: string[];
  /**
   * CIDRs allowed to reach the public Kubernetes API endpoint. Leave it out for a private-only
   * endpoint (reached from the VPC, a VPN or a bastion); give your own office or VPN ranges otherwise.
   * @default - no public endpoint
   */
  readonly publicEndpointCidrs?: string[];
  /**
   * Kubernetes version of the cluster, one of `EKS_VERSIONS` (the add-ons are pinned per version); the
   * Kubernetes layer is checked against the OpenAPI of this version. Upgrade one minor version at a time.
   * @default EKS.defaultKubernetesVersion
   */
  readonly kubernetesVersion?: string;
  /**
   * What EKS does when the version leaves standard support (`upgrade_policy`): STANDARD upgrades the
   * control plane, EXTENDED keeps the version at extra cost for up to 12 months.
   * @default EksSupportType.STANDARD
   */
  readonly kubernetesSupportType?: EksSupportType;
  /**
   * What `terraform destroy` keeps: buckets, database, container images, secrets.
   * @default - RETAIN everything, but DESTROY in disposable environments (`dev`, `test`, `sandbox`, `ci`)
   */
  readonly retention?: RetentionSpec;
  /**
   * Value of the `cost-centre` tag on every AWS resource.
   * @default - the platform name
   */
  readonly costCentre?: string;
}
