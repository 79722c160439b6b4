import { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import type { ClusterContractOptions, ICluster } from './cluster-interface';
import { ClusterAuthenticationMode, ClusterSubnet } from './cluster-ref';
import { GpuNodePool, GpuNodePoolOptions } from './gpu-node-pool';
import { Karpenter, KarpenterOptions } from './karpenter';
import { WorkloadIdentity, WorkloadIdentityOptions } from './workload-identity';
import { KARPENTER, NodePoolContract, PlatformContract } from '../core/contract';
import { invalidProp } from '../core/errors';
import { PlatformNaming } from '../core/names';

/**
 * What every cluster shares: the GPU pools, workload identities and Karpenter added to it, the
 * checks that keep them apart (one pool per name, one identity per service account, one
 * Karpenter), and its platform contract. {@link Cluster} and imported clusters extend it.
 */
export abstract class ClusterBase extends Construct implements ICluster {
  public abstract readonly naming: PlatformNaming;
  public abstract readonly name: string;
  public abstract readonly nameReference: string;
  public abstract readonly arn: string;
  public abstract readonly arnForPolicies: string;
  public abstract readonly endpoint: string;
  public abstract readonly kubernetesVersion: string;
  public abstract readonly authenticationMode: ClusterAuthenticationMode;
  public abstract readonly podIdentityAgent: boolean;
  public abstract readonly autoMode: boolean;
  public abstract readonly nodeSsmAccess: boolean;
  public abstract readonly clusterSecurityGroupId: string;
  public abstract readonly vpcId: string;
  public abstract readonly vpcCidr: string;
  public abstract readonly privateSubnets: ClusterSubnet[];
  public abstract readonly nodeRoleArn: string;
  public abstract readonly nodeVolumeKeyArn?: string;
  public abstract readonly nodeGroupDependencies: ITerraformDependable[];
  private readonly gpuPools: GpuNodePool[] = [];
  private readonly identities: WorkloadIdentity[] = [];
  private karpenterSetup?: Karpenter;

  /** Ids of the private subnets, in their order. */
  public get privateSubnetIds(): string[] {
    return this.privateSubnets.map((s) => s.subnetId);
  }

  /** Availability zones of the private subnets, each once, in their order. */
  public get availabilityZones(): string[] {
    return [...new Set(this.privateSubnets.map((s) => s.availabilityZone))];
  }

  /** Adds a managed GPU node group. */
  public addGpuNodePool(id: string, options: GpuNodePoolOptions): GpuNodePool {
    const pool = new GpuNodePool(this, id, { ...options, cluster: this });
    if (this.nodePoolContracts().some((p) => p.name === pool.name)) {
      throw invalidProp(pool.node.path, 'name', pool.name, 'another pool of the cluster has this name', 'give every pool its own name');
    }
    this.gpuPools.push(pool);
    return pool;
  }

  /** Adds an IAM role for the pods of one service account (EKS Pod Identity). */
  public addWorkloadIdentity(id: string, options: WorkloadIdentityOptions): WorkloadIdentity {
    const identity = new WorkloadIdentity(this, id, { ...options, cluster: this });
    const same = this.identities.find((i) => i.namespace === identity.namespace && i.serviceAccount === identity.serviceAccount);
    if (same) {
      throw invalidProp(identity.node.path, 'serviceAccount', `${identity.namespace}/${identity.serviceAccount}`,
        `already bound by ${same.node.path}; a service account has one Pod Identity association`, 'grant the other identity instead of adding a second one');
    }
    this.identities.push(identity);
    return identity;
  }

  /**
   * Prepares self-managed Karpenter: the controller's workload identity, then the node role with its
   * access entry, the interruption queue and rules, and the discovery tag on the cluster security group.
   * Not with Auto Mode.
   */
  public addKarpenter(options: KarpenterOptions = {}): Karpenter {
    if (this.karpenterSetup) {
      throw invalidProp(this.node.path, 'karpenter', this.karpenterSetup.node.path, 'Karpenter is already set up for this cluster',
        'call addKarpenter() once and keep the object it returns');
    }
    const { namespace, serviceAccount, ...settings } = options;
    const controller = this.addWorkloadIdentity('karpenter-controller', {
      namespace: namespace ?? KARPENTER.namespace,
      serviceAccount: serviceAccount ?? KARPENTER.serviceAccount,
      purpose: KARPENTER.controllerRolePurpose,
    });
    this.karpenterSetup = new Karpenter(this, 'karpenter', { ...settings, cluster: this, controller });
    return this.karpenterSetup;
  }

  /** Self-managed Karpenter, when added. */
  public get karpenter(): Karpenter | undefined {
    return this.karpenterSetup;
  }

  /** The GPU pools added so far. */
  public get gpuNodePools(): GpuNodePool[] {
    return [...this.gpuPools];
  }

  /** The workload identities added so far. */
  public get workloadIdentities(): WorkloadIdentity[] {
    return [...this.identities];
  }

  /** Every pool the platform manages on the cluster (its own pools first, then the GPU pools) as the Kubernetes layer sees it. */
  public nodePoolContracts(): NodePoolContract[] {
    return [...this.ownNodePoolContracts(), ...this.gpuPools.map((p) => p.contract())];
  }

  /**
   * The platform contract: the cluster's facts, its pools and identities (and Karpenter, when
   * added), with the given buckets, repositories and database.
   */
  public platformContract(options: ClusterContractOptions): PlatformContract {
    const karpenter = this.karpenter;
    return {
      platformName: this.naming.platformName,
      environment: this.naming.environment,
      region: this.naming.region,
      accountId: this.naming.accountId,
      clusterName: this.name,
      kubernetesVersion: this.kubernetesVersion,
      vpcCidr: this.vpcCidr,
      buckets: { ...options.buckets },
      ecrRepositories: options.ecrRepositories,
      nodePools: this.nodePoolContracts(),
      workloadIdentities: this.workloadIdentities.map((w) => w.contract()),
      database: options.database,
      ...(karpenter ? { karpenter: karpenter.contract() } : {}),
    };
  }

  /** The pools the cluster itself brings besides GPU pools (e.g. a system pool). */
  protected ownNodePoolContracts(): NodePoolContract[] {
    return [];
  }
}
