import { Construct } from 'constructs';
import { requireAccessEntries } from './cluster-checks';
import { IClusterRef } from './cluster-ref';
import { CapacityType, ManagedNodeGroup, clusterNodeGroupSettings, validateScaling, validateVolumeSize } from './managed-node-group';
import { GpuInstanceType } from '../core/accelerators';
import { NODE_LABELS, NodePoolContract, NodePoolProvisioner, NodeTaint, TaintEffect } from '../core/contract';
import { invalidProp } from '../core/errors';
import { assertName, NAME_RULES } from '../core/names';

/** The `cnai.io/accelerator-family` value of CPU nodes. */
export const CPU_ACCELERATOR_FAMILY = 'cpu';

/** The taint of a dedicated system pool (the one EKS add-ons such as CoreDNS tolerate). */
export const SYSTEM_TAINT: NodeTaint = { key: 'CriticalAddonsOnly', value: 'true', effect: TaintEffect.NO_SCHEDULE };

/** Options of the CPU system pool of a {@link Cluster}. */
export interface SystemNodePoolOptions {
  /**
   * Pool name (node group name and `cnai.io/pool` label).
   * @default "system"
   */
  readonly name?: string;
  /**
   * Instance types (CPU only).
   * @default ["m7i.xlarge"]
   */
  readonly instanceTypes?: string[];
  /**
   * Fewest nodes; two keep CoreDNS and controllers available through a node loss.
   * @default 2
   */
  readonly minSize?: number;
  /**
   * Most nodes.
   * @default 6
   */
  readonly maxSize?: number;
  /**
   * Nodes at creation.
   * @default - minSize
   */
  readonly desiredSize?: number;
  /**
   * Root volume size in GiB.
   * @default 100
   */
  readonly rootVolumeSizeGiB?: number;
  /**
   * Reserve the pool for platform components with the taint `CriticalAddonsOnly=true:NoSchedule`.
   * Off by default so that CPU workloads have somewhere to run.
   * @default false
   */
  readonly dedicated?: boolean;
}

/** Properties of a {@link SystemNodePool}. */
export interface SystemNodePoolProps extends SystemNodePoolOptions {
  /** The cluster (any {@link ICluster}). */
  readonly cluster: IClusterRef;
}

/** A CPU managed node group for platform components (controllers, CoreDNS, operators). */
export class SystemNodePool extends Construct {
  /** Pool name. */
  public readonly name: string;
  /** Instance types. */
  public readonly instanceTypes: string[];
  /** Fewest nodes. */
  public readonly minSize: number;
  /** Most nodes. */
  public readonly maxSize: number;
  /** Nodes at creation. */
  public readonly desiredSize: number;
  /** Root volume size in GiB. */
  public readonly rootVolumeSizeGiB: number;
  /** Whether the pool is tainted for platform components only. */
  public readonly dedicated: boolean;
  /** Node labels (includes the EKS capacity type label). */
  public readonly labels: { [key: string]: string };
  /** Node taints. */
  public readonly taints: NodeTaint[];
  /** The node group and its launch template. */
  public readonly nodeGroup: ManagedNodeGroup;

  constructor(scope: Construct, id: string, props: SystemNodePoolProps) {
    super(scope, id);
    const path = this.node.path;
    const cluster = props.cluster;
    requireAccessEntries(path, cluster, 'the pool\'s nodes');
    this.name = assertName(path, 'name', props.name ?? 'system', NAME_RULES.dns1123Label);
    this.instanceTypes = props.instanceTypes ?? ['m7i.xlarge'];
    if (this.instanceTypes.length === 0) {
      throw invalidProp(path, 'instanceTypes', this.instanceTypes, 'the system pool needs at least one instance type', 'give CPU instance types, e.g. ["m7i.xlarge"]');
    }
    this.instanceTypes.forEach((t, i) => {
      if (!/^[a-z][a-z0-9-]*\.[a-z0-9-]+$/.test(t)) {
        throw invalidProp(path, `instanceTypes[${i}]`, t, 'not an EC2 instance type name', 'write it as family.size, e.g. "m7i.xlarge"');
      }
      if (GpuInstanceType.all().some((g) => g.name === t)) {
        throw invalidProp(path, `instanceTypes[${i}]`, t, 'a GPU instance type in the CPU system pool would run platform components on expensive GPU nodes',
          'use a CPU type here and cluster.addGpuNodePool() for GPU nodes');
      }
    });
    this.minSize = props.minSize ?? 2;
    this.maxSize = props.maxSize ?? 6;
    this.desiredSize = validateScaling(path, this.minSize, this.maxSize, props.desiredSize);
    this.rootVolumeSizeGiB = props.rootVolumeSizeGiB ?? 100;
    validateVolumeSize(path, 'rootVolumeSizeGiB', this.rootVolumeSizeGiB, 20);
    this.dedicated = props.dedicated ?? false;

    const nodeGroupLabels = {
      [NODE_LABELS.pool]: this.name,
      [NODE_LABELS.acceleratorFamily]: CPU_ACCELERATOR_FAMILY,
    };
    this.labels = { ...nodeGroupLabels, [NODE_LABELS.capacityType]: CapacityType.ON_DEMAND };
    this.taints = this.dedicated ? [SYSTEM_TAINT] : [];

    this.nodeGroup = new ManagedNodeGroup(this, 'group', {
      ...clusterNodeGroupSettings(cluster),
      poolName: this.name,
      instanceTypes: this.instanceTypes,
      amiType: 'AL2023_x86_64_STANDARD',
      capacityType: CapacityType.ON_DEMAND,
      minSize: this.minSize,
      maxSize: this.maxSize,
      desiredSize: this.desiredSize,
      subnetIds: cluster.privateSubnetIds,
      labels: nodeGroupLabels,
      taints: this.taints,
      rootVolumeSizeGiB: this.rootVolumeSizeGiB,
      bottlerocket: false,
      efaInterfaces: 0,
      autoscalerTags: {},
      nodeRepair: true,
    });
  }

  /** The pool as the Kubernetes layer sees it. */
  public contract(): NodePoolContract {
    return {
      name: this.name,
      provisioner: NodePoolProvisioner.MANAGED_NODE_GROUP,
      instanceTypes: [...this.instanceTypes],
      labels: { ...this.labels },
      taints: this.taints.map((t) => ({ ...t })),
      gpusPerNode: 0,
      gpuMemoryGiB: 0,
      efa: false,
      maxNodes: this.maxSize,
    };
  }
}
