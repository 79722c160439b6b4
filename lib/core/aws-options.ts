import type { RetentionSpec } from './platform-spec';
import { EksSupportType } from './versions';

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
