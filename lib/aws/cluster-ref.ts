import { ITerraformDependable } from 'cdktf';
import { IConstruct } from 'constructs';
import { PlatformNaming } from '../core/names';

/**
 * How an EKS cluster authenticates IAM principals (`access_config.authentication_mode`).
 * @see https://docs.aws.amazon.com/eks/latest/userguide/grant-k8s-access.html#set-cam
 */
export enum ClusterAuthenticationMode {
  /** Access entries only (the library's own clusters). */
  API = 'API',
  /** Access entries first, then the aws-auth ConfigMap. */
  API_AND_CONFIG_MAP = 'API_AND_CONFIG_MAP',
  /** The aws-auth ConfigMap only (EKS's default for clusters created through the API before access entries): no access entries. */
  CONFIG_MAP = 'CONFIG_MAP',
}

/** A private subnet of a cluster, with its zone (pools pick their subnets by zone). */
export interface ClusterSubnet {
  /** Subnet id (`subnet-...`). */
  readonly subnetId: string;
  /** Availability zone of the subnet (e.g. `us-west-2a`). */
  readonly availabilityZone: string;
}

/**
 * What resources attached to an EKS cluster read from it. Node pools, workload identities and
 * Karpenter take this, never a cluster class, so none of them imports the cluster back; every
 * {@link ICluster} is one, and the add-methods are on {@link ICluster}.
 */
export interface IClusterRef extends IConstruct {
  /** Platform naming of what the platform adds to the cluster (role, key and node group names). */
  readonly naming: PlatformNaming;
  /** Cluster name. */
  readonly name: string;
  /**
   * The cluster name as resources that attach to the cluster should reference it: a Terraform
   * reference for a cluster of this stack (so they wait for it), the plain name for an imported one.
   */
  readonly nameReference: string;
  /** ARN of the cluster. */
  readonly arn: string;
  /** ARN of the cluster as a plain string (known at synth), for trust policies and conditions. */
  readonly arnForPolicies: string;
  /** Endpoint of the Kubernetes API (known after apply, or at plan for an imported cluster). */
  readonly endpoint: string;
  /** Kubernetes version (`1.<minor>`), or a Terraform reference when it is read from the cluster at plan. */
  readonly kubernetesVersion: string;
  /** How the cluster authenticates IAM principals; pools and Karpenter need access entries. */
  readonly authenticationMode: ClusterAuthenticationMode;
  /** Whether the EKS Pod Identity agent runs on the cluster (workload identities need it). */
  readonly podIdentityAgent: boolean;
  /** Whether the cluster runs EKS Auto Mode (no managed node groups, no self-managed Karpenter). */
  readonly autoMode: boolean;
  /** Whether nodes the platform adds get the SSM managed-instance policy. */
  readonly nodeSsmAccess: boolean;
  /** The security group EKS creates for the control plane and managed nodes. */
  readonly clusterSecurityGroupId: string;
  /** Id of the cluster's VPC. */
  readonly vpcId: string;
  /** IPv4 block of the cluster's VPC. */
  readonly vpcCidr: string;
  /** The private subnets new nodes go into. */
  readonly privateSubnets: ClusterSubnet[];
  /** Ids of {@link IClusterRef.privateSubnets}, in their order. */
  readonly privateSubnetIds: string[];
  /** Availability zones of the private subnets, each once, in their order. */
  readonly availabilityZones: string[];
  /** ARN of the role of the nodes the platform adds (managed node groups). */
  readonly nodeRoleArn: string;
  /**
   * ARN of the key of the node volumes the platform adds.
   * @default - none in Auto Mode, whose nodes EKS manages
   */
  readonly nodeVolumeKeyArn?: string;
  /** What node groups wait for (the node role's policies, the networking add-ons). */
  readonly nodeGroupDependencies: ITerraformDependable[];
}

/** What you know about an EKS cluster that already runs (see {@link Cluster.fromClusterAttributes}). */
export interface ClusterAttributes {
  /**
   * Naming of what the platform adds (role, key, launch template and node group names). Its region
   * and account are the cluster's, and must be those of the stack's AWS provider.
   */
  readonly naming: PlatformNaming;
  /** Name of the cluster (`aws eks list-clusters`). */
  readonly clusterName: string;
  /** Id of the cluster's VPC (`vpc-...`). */
  readonly vpcId: string;
  /** IPv4 block of the VPC (NetworkPolicies that reach the API server and the kubelets name it). */
  readonly vpcCidr: string;
  /**
   * The private subnets new nodes go into, with their zones (at least one; pools pick theirs by zone).
   * Usually the cluster's own subnets (`aws eks describe-cluster --query cluster.resourcesVpcConfig.subnetIds`).
   */
  readonly privateSubnets: ClusterSubnet[];
  /**
   * The cluster security group EKS created (`cluster.resourcesVpcConfig.clusterSecurityGroupId`):
   * new nodes join it, so they reach the control plane and the other nodes.
   */
  readonly clusterSecurityGroupId: string;
  /**
   * Kubernetes version of the cluster (`1.<minor>`).
   * @default - read from the cluster at plan time (`data.aws_eks_cluster`)
   */
  readonly kubernetesVersion?: string;
  /**
   * Endpoint of the Kubernetes API.
   * @default - read from the cluster at plan time (`data.aws_eks_cluster`)
   */
  readonly endpoint?: string;
  /**
   * Whether the EKS Pod Identity agent add-on is installed (`aws eks describe-addon --addon-name
   * eks-pod-identity-agent`). Workload identities need it.
   * @default false
   */
  readonly podIdentityAgent?: boolean;
  /**
   * How the cluster authenticates IAM principals (`cluster.accessConfig.authenticationMode`). GPU pools
   * need one that takes access entries.
   * @default ClusterAuthenticationMode.CONFIG_MAP (EKS's default for clusters created through its API)
   */
  readonly authenticationMode?: ClusterAuthenticationMode;
  /**
   * Whether the cluster runs EKS Auto Mode (then GPU pools are NodePools of the Kubernetes layer).
   * @default false
   */
  readonly autoMode?: boolean;
  /**
   * Let Systems Manager manage the nodes the platform adds (Session Manager instead of SSH).
   * @default false
   */
  readonly nodeSsmAccess?: boolean;
}
