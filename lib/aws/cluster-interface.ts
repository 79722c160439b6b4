import type { IClusterRef } from './cluster-ref';
import type { GpuNodePool, GpuNodePoolOptions } from './gpu-node-pool';
import type { Karpenter, KarpenterOptions } from './karpenter';
import type { WorkloadIdentity, WorkloadIdentityOptions } from './workload-identity';
import { BucketsContract, DatabaseContract, NodePoolContract, PlatformContract } from '../core/contract';

/** What a platform contract needs besides the facts of the cluster and what was added to it. */
export interface ClusterContractOptions {
  /** The platform's buckets: a `ModelStore`'s `contract()`, or the names of buckets you already have. */
  readonly buckets: BucketsContract;
  /**
   * ECR repository URLs by repository name.
   * @default - none
   */
  readonly ecrRepositories?: { [name: string]: string };
  /**
   * The platform's database.
   * @default - none
   */
  readonly database?: DatabaseContract;
}

/**
 * An EKS cluster: one this library creates ({@link Cluster}) or one that already runs
 * ({@link Cluster.fromClusterAttributes}). GPU pools, workload identities and Karpenter are
 * added through it, and its platform contract lists what was added, for the Kubernetes layer.
 */
export interface ICluster extends IClusterRef {
  /** The GPU pools added so far. */
  readonly gpuNodePools: GpuNodePool[];
  /** The workload identities added so far. */
  readonly workloadIdentities: WorkloadIdentity[];
  /**
   * Self-managed Karpenter, when added.
   * @default - none
   */
  readonly karpenter?: Karpenter;
  /** Adds a managed GPU node group (needs a cluster that takes access entries, not in Auto Mode). */
  addGpuNodePool(id: string, options: GpuNodePoolOptions): GpuNodePool;
  /** Adds an IAM role for the pods of one service account (EKS Pod Identity; needs the Pod Identity agent). */
  addWorkloadIdentity(id: string, options: WorkloadIdentityOptions): WorkloadIdentity;
  /**
   * Prepares self-managed Karpenter: the library's own clusters (not in Auto Mode) support it; an
   * imported cluster refuses it, since its subnets would need discovery tags where they are defined.
   */
  addKarpenter(options?: KarpenterOptions): Karpenter;
  /** Every pool the platform manages on the cluster, as the Kubernetes layer sees it. */
  nodePoolContracts(): NodePoolContract[];
  /** The platform contract: the cluster's facts, its pools and identities, and the given buckets and services. */
  platformContract(options: ClusterContractOptions): PlatformContract;
}
