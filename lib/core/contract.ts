/**
 * The platform contract: what crosses from the AWS layer (Terraform outputs) to the
 * Kubernetes layer (a prop). Plain data, so both layers and the tests can read it, and
 * so that no label, taint, bucket or service account name is typed twice.
 */

import type { MetricsBackendContract } from './metrics-backend';
import { shorten } from './names';

/** Label keys the platform puts on its nodes. Workloads select on these, never on literals. */
export const NODE_LABELS = {
  /** The node pool a node belongs to. */
  pool: 'cnai.io/pool',
  /** The accelerator family of the node (`g5`, `p5`, ...), or `cpu`. */
  acceleratorFamily: 'cnai.io/accelerator-family',
  /** The NVIDIA product of the node's GPUs, as GPU feature discovery reports it. */
  gpuProduct: 'nvidia.com/gpu.product',
  /** The number of GPUs per node, as a string. */
  gpuCount: 'nvidia.com/gpu.count',
  /** EKS capacity type (`ON_DEMAND` / `SPOT`). */
  capacityType: 'eks.amazonaws.com/capacityType',
};

/** The extended resource name of NVIDIA GPUs. */
export const GPU_RESOURCE = 'nvidia.com/gpu';

/** The extended resource name of Elastic Fabric Adapter interfaces (the AWS EFA device plugin advertises one per interface). */
export const EFA_RESOURCE = 'vpc.amazonaws.com/efa';

/** Effect of a node taint. */
export enum TaintEffect {
  /** Pods without a matching toleration are not scheduled. */
  NO_SCHEDULE = 'NoSchedule',
  /** The scheduler avoids the node for pods without a matching toleration. */
  PREFER_NO_SCHEDULE = 'PreferNoSchedule',
  /** Running pods without a matching toleration are evicted. */
  NO_EXECUTE = 'NoExecute',
}

/** A taint on the nodes of a pool. */
export interface NodeTaint {
  /** Taint key. */
  readonly key: string;
  /** Taint value.
   * @default - no value
   */
  readonly value?: string;
  /** Taint effect. */
  readonly effect: TaintEffect;
}

/** How the nodes of a pool are provisioned. */
export enum NodePoolProvisioner {
  /** An EKS managed node group created by the AWS layer. */
  MANAGED_NODE_GROUP = 'managed-node-group',
  /** A Karpenter NodePool created by the Kubernetes layer. */
  KARPENTER = 'karpenter',
  /** An EKS Auto Mode NodePool created by the Kubernetes layer. */
  AUTO_MODE = 'auto-mode',
  /**
   * A node group of a cluster the user already runs (see `ExistingClusterContract`): its nodes
   * carry exactly the labels and taints the contract lists (no `cnai.io/pool` label), and they
   * run their own NVIDIA device plugin.
   */
  EXISTING = 'existing',
}

/** One node pool as the Kubernetes layer sees it. */
export interface NodePoolContract {
  /**
   * Pool name (a DNS-1123 label); the value of the `cnai.io/pool` label on the pools the
   * platform creates (an EXISTING pool's nodes carry only the labels listed).
   */
  readonly name: string;
  /** How the pool's nodes are provisioned. */
  readonly provisioner: NodePoolProvisioner;
  /** EC2 instance types the pool may launch. */
  readonly instanceTypes: string[];
  /** Labels every node of the pool carries: workloads select the pool's nodes with them. */
  readonly labels: { [key: string]: string };
  /** Taints every node of the pool carries. */
  readonly taints: NodeTaint[];
  /** GPUs per node (the smallest among the pool's instance types); 0 for CPU pools. */
  readonly gpusPerNode: number;
  /** Memory per GPU in GiB; 0 for CPU pools. */
  readonly gpuMemoryGiB: number;
  /** Whether the pool's nodes have EFA interfaces attached. */
  readonly efa: boolean;
  /** The most nodes the pool scales to. */
  readonly maxNodes: number;
}

/** A workload identity: an IAM role bound to a Kubernetes service account through EKS Pod Identity. */
export interface WorkloadIdentityContract {
  /** Namespace of the service account. */
  readonly namespace: string;
  /** Name of the service account. */
  readonly serviceAccount: string;
  /** Name of the IAM role. */
  readonly roleName: string;
}

/**
 * The platform's buckets. A contract of an existing cluster built without buckets
 * (`ExistingClusterContract.create`) has empty names here; constructs that need a bucket say so.
 */
export interface BucketsContract {
  /** Bucket for model weights and artifacts. */
  readonly models: string;
  /** Bucket for datasets. */
  readonly datasets: string;
}

/** The platform's PostgreSQL database. */
export interface DatabaseContract {
  /** Host name of the database endpoint. */
  readonly host: string;
  /** Port. */
  readonly port: number;
  /** Name of the initial database. */
  readonly databaseName: string;
  /** Master user name. */
  readonly username: string;
  /** ARN of the Secrets Manager secret that AWS manages for the master password. */
  readonly masterSecretArn: string;
}

/** Everything the Kubernetes layer needs to know about the AWS layer. */
export interface PlatformContract {
  /** Platform name. */
  readonly platformName: string;
  /** Environment. */
  readonly environment: string;
  /** AWS region. */
  readonly region: string;
  /** AWS account id. */
  readonly accountId: string;
  /** EKS cluster name. */
  readonly clusterName: string;
  /** Kubernetes version of the cluster (`1.34`). */
  readonly kubernetesVersion: string;
  /**
   * The VPC's IPv4 block: the EKS API server's private endpoint and the nodes (kubelet) are
   * there, so NetworkPolicies that let pods reach them name this block.
   * @default "10.0.0.0/16" (the AWS layer's default VPC block) for contracts written without it
   */
  readonly vpcCidr?: string;
  /** The platform's buckets. */
  readonly buckets: BucketsContract;
  /** ECR repository URLs by repository name.
   * @default - none
   */
  readonly ecrRepositories?: { [name: string]: string };
  /** The node pools. */
  readonly nodePools: NodePoolContract[];
  /** The workload identities (Pod Identity associations). */
  readonly workloadIdentities: WorkloadIdentityContract[];
  /** The database, when the platform has one.
   * @default - no database
   */
  readonly database?: DatabaseContract;
  /** Self-managed Karpenter, when the AWS layer prepared it (node role, controller identity, interruption queue).
   * @default - no self-managed Karpenter
   */
  readonly karpenter?: KarpenterContract;
  /**
   * The metrics backend's AWS side: Grafana's generated admin secret, and the Amazon Managed
   * Service for Prometheus workspace when the AWS layer created one.
   * @default - nothing: Grafana's admin Secret is the user's, and metrics stay in the cluster
   */
  readonly metrics?: MetricsBackendContract;
  /**
   * The AWS Load Balancer Controller's identity and the VPC it creates load balancers in, when the
   * AWS layer prepared it (a gateway exposed through a load balancer).
   * @default - no load balancer controller
   */
  readonly loadBalancerController?: LoadBalancerControllerContract;
  /**
   * Whether the platform's AWS layer stands behind the contract: the Secrets Manager secrets
   * the data services read through External Secrets, the buckets, the workload identities.
   * `false` for a cluster the user already runs (`ExistingClusterContract.create`): data
   * services then generate their credentials in the cluster and keep snapshots on volumes.
   * @default true
   */
  readonly awsLayer?: boolean;
}

/** True when the contract comes from the platform's AWS layer (see {@link PlatformContract.awsLayer}). */
export function hasAwsLayer(contract: PlatformContract): boolean {
  return contract.awsLayer !== false;
}

/**
 * Names the model registry and the vector databases share across the two layers: the AWS
 * layer grants and creates under these, the Kubernetes layer uses them, so no bucket
 * prefix, service account or secret name is typed twice.
 */
export const DATA_SERVICES = {
  /** Key prefix of the model registry's artifacts in the models bucket (MLflow `--artifacts-destination`). */
  registryArtifactPrefix: 'mlflow/',
  /** Namespace of the model registry. */
  registryNamespace: 'mlflow',
  /** Service account of the model registry server (its workload identity). */
  registryServiceAccount: 'mlflow',
  /** Key prefix of vector database snapshots in the models bucket; then `<namespace>/<database>/`. */
  vectorSnapshotPrefix: 'vector-snapshots/',
  /** Namespace and service account of the External Secrets controller, which reads Secrets Manager. */
  secretsReader: { namespace: 'external-secrets', serviceAccount: 'external-secrets' },
};

/** Service account of a vector database's snapshot job (its workload identity). */
export function vectorSnapshotServiceAccount(database: string): string {
  return `${database}-snapshots`;
}

/** Key prefix of one vector database's snapshots in the models bucket, ending in `/`. */
export function vectorSnapshotPrefix(namespace: string, database: string): string {
  return `${DATA_SERVICES.vectorSnapshotPrefix}${namespace}/${database}/`;
}

/** Secrets Manager name of a platform service's secret: `<platform>-<environment>/<service>`. */
export function serviceSecretName(platformName: string, environment: string, service: string): string {
  return `${platformName}-${environment}/${service}`;
}

/**
 * Names the training constructs (lib/k8s/training) and the AWS layer share: the AWS layer
 * creates the workload identity of each team's training service account and grants it read
 * access to the datasets bucket and read-write access to the team's training prefix.
 */
export const TRAINING = {
  /** Service account of a team's training workloads (TrainJobs, trials, notebooks, data preparation). */
  serviceAccount: 'ml-training',
  /** Service account of a team's Spark applications (the driver needs an API token to start executors). */
  sparkServiceAccount: 'ml-training-spark',
  /** Key prefix of training outputs in the models bucket; then `<namespace>/<job>/`. */
  outputPrefix: 'training/',
  /** Key prefix of prepared data in the datasets bucket; then `<namespace>/<job>/`. */
  preparedDataPrefix: 'prepared/',
};

/** Key prefix of one team's training outputs in the models bucket, ending in `/`. */
export function trainingOutputPrefix(namespace: string, job?: string): string {
  return `${TRAINING.outputPrefix}${namespace}/${job ? `${job}/` : ''}`;
}

/**
 * Names the observability constructs (lib/k8s/observability) and the AWS layer share: the
 * AWS layer gives the collector's service account an identity that may write traces to X-Ray.
 */
export const OBSERVABILITY = {
  /** Namespace of the telemetry collector. */
  namespace: 'observability',
  /** Service account (and name) of the telemetry collector. */
  collectorServiceAccount: 'otel-collector',
};

/**
 * Names self-managed Karpenter shares across the two layers: the AWS layer creates the node
 * role, the controller's Pod Identity association and the interruption queue under these;
 * the Kubernetes layer installs the controller and writes EC2NodeClasses with them.
 */
export const KARPENTER = {
  /** Namespace of the controller (its own, so kube-system keeps its Pod Security level). */
  namespace: 'karpenter',
  /** Service account of the controller (its workload identity). */
  serviceAccount: 'karpenter',
  /** Purpose of the nodes' IAM role: `PlatformNaming.roleName('karpenter-node')`, as EC2NodeClass `role`. */
  nodeRolePurpose: 'karpenter-node',
  /** Purpose of the controller's IAM role. */
  controllerRolePurpose: 'karpenter-controller',
  /** Tag key (valued with the cluster name) EC2NodeClasses select subnets and security groups by. */
  discoveryTag: 'karpenter.sh/discovery',
};

/** SQS queue names: at most 80 letters, digits, `-` and `_`. */
const SQS_QUEUE_NAME_MAX = 80;

/**
 * Name of the SQS queue that receives the interruption events of a cluster's nodes
 * (Karpenter's `settings.interruptionQueue`): `<clusterName>-karpenter`, shortened
 * deterministically to the 80 characters SQS allows.
 */
export function karpenterInterruptionQueueName(clusterName: string): string {
  return shorten(`${clusterName}-karpenter`, SQS_QUEUE_NAME_MAX);
}

/** Self-managed Karpenter as the Kubernetes layer sees it. */
export interface KarpenterContract {
  /** Namespace of the controller. */
  readonly namespace: string;
  /** Service account of the controller (bound to its IAM role through EKS Pod Identity). */
  readonly serviceAccount: string;
  /** Name of the nodes' IAM role (EC2NodeClass `spec.role`); it has an EC2_LINUX access entry. */
  readonly nodeRoleName: string;
  /** Name of the interruption queue (`settings.interruptionQueue`).
   * @default - no interruption handling
   */
  readonly interruptionQueueName?: string;
}

/**
 * Names the AWS Load Balancer Controller shares across the two layers: the AWS layer creates its
 * IAM role and Pod Identity association under these, the Kubernetes layer installs it with them.
 */
export const LOAD_BALANCER_CONTROLLER = {
  /** Namespace of the controller (its own, so kube-system keeps its Pod Security level). */
  namespace: 'aws-load-balancer-controller',
  /** Service account of the controller (its workload identity). */
  serviceAccount: 'aws-load-balancer-controller',
  /** Purpose of the controller's IAM role (`<platform>-<environment>-load-balancer-controller`). */
  rolePurpose: 'load-balancer-controller',
};

/** The AWS Load Balancer Controller as the Kubernetes layer sees it. */
export interface LoadBalancerControllerContract {
  /** Namespace of the controller. */
  readonly namespace: string;
  /** Service account of the controller (bound to its IAM role through EKS Pod Identity). */
  readonly serviceAccount: string;
  /** The VPC's id (the chart's `vpcId`: the nodes' IMDS is out of the pods' reach, hop limit 1). */
  readonly vpcId: string;
}
