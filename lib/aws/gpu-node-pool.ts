import { Construct } from 'constructs';
import { requireAccessEntries } from './cluster-checks';
import { IClusterRef } from './cluster-ref';
import { AUTOSCALER_TEMPLATE_PREFIX, CapacityType, ManagedNodeGroup, clusterNodeGroupSettings, NodeGroupCapacityReservation, validateScaling, validateVolumeSize } from './managed-node-group';
import { GpuInstanceType } from '../core/accelerators';
import { EFA_RESOURCE, GPU_RESOURCE, NODE_LABELS, NodePoolContract, NodePoolProvisioner, NodeTaint, TaintEffect } from '../core/contract';
import { invalidProp } from '../core/errors';
import { assertName, NAME_RULES } from '../core/names';
import { CapacityReservationKind, CapacityReservationSpec } from '../core/platform-spec';

/** The EKS-optimized AMI family of GPU nodes (EKS resolves the AMI; nothing is looked up at plan). */
export enum GpuAmiType {
  /** Amazon Linux 2023 with the NVIDIA driver and container toolkit. */
  AL2023_X86_64_NVIDIA = 'AL2023_x86_64_NVIDIA',
  /** Bottlerocket with the NVIDIA driver: immutable, minimal OS. */
  BOTTLEROCKET_X86_64_NVIDIA = 'BOTTLEROCKET_x86_64_NVIDIA',
}

/** The taint every GPU node carries, so only pods that ask for GPUs land there. */
export const GPU_TAINT: NodeTaint = { key: GPU_RESOURCE, value: 'true', effect: TaintEffect.NO_SCHEDULE };

/** Options of a GPU pool added with {@link ICluster.addGpuNodePool}. */
export interface GpuNodePoolOptions {
  /**
   * Instance types, all of one family and GPU product (e.g. `[GpuInstanceType.G6E_XLARGE,
   * GpuInstanceType.G6E_2XLARGE]`). Untyped callers may pass names; they are looked up in the catalogue.
   */
  readonly instanceTypes: GpuInstanceType[];
  /**
   * Pool name: the node group name and the value of the `cnai.io/pool` label (a DNS-1123 label).
   * @default - the construct id
   */
  readonly name?: string;
  /**
   * AMI type.
   * @default GpuAmiType.AL2023_X86_64_NVIDIA
   */
  readonly amiType?: GpuAmiType;
  /**
   * On-demand or spot.
   * @default CapacityType.ON_DEMAND
   */
  readonly capacityType?: CapacityType;
  /**
   * Fewest nodes; 0 lets the pool scale to zero when no GPU pod waits.
   * @default 0
   */
  readonly minSize?: number;
  /**
   * Most nodes.
   * @default 2
   */
  readonly maxSize?: number;
  /**
   * Nodes at creation (the autoscaler owns it afterwards).
   * @default - minSize
   */
  readonly desiredSize?: number;
  /**
   * Attach EFA interfaces (as many as the instance type supports) and launch into a
   * cluster placement group in one AZ. Only for families with EFA.
   * @default false
   */
  readonly efa?: boolean;
  /**
   * Availability zones of the pool's subnets; an EFA pool takes exactly one.
   * @default - every AZ of the network, or the first one for an EFA pool
   */
  readonly availabilityZones?: string[];
  /**
   * Size of the volume holding container images (the root volume on AL2023, the data
   * volume on Bottlerocket), in GiB. Model-serving images are large.
   * @default 200
   */
  readonly rootVolumeSizeGiB?: number;
  /**
   * Extra node labels (the platform's own label keys are reserved).
   * @default - none
   */
  readonly labels?: { [key: string]: string };
  /**
   * Extra taints, on top of `nvidia.com/gpu=true:NoSchedule`.
   * @default - none
   */
  readonly taints?: NodeTaint[];
  /**
   * Launch into reserved capacity: an On-Demand Capacity Reservation (the launch template targets it)
   * or an EC2 Capacity Block for ML (market type `capacity-block`, node group capacity type
   * `CAPACITY_BLOCK`; nodes exist only while the block is active). The reservation must be in one of
   * the pool's availability zones.
   * @default - none
   */
  readonly capacityReservation?: CapacityReservationSpec;
}

/** Properties of a {@link GpuNodePool}. */
export interface GpuNodePoolProps extends GpuNodePoolOptions {
  /** The cluster the pool joins (any {@link ICluster}). */
  readonly cluster: IClusterRef;
}

/**
 * A managed node group of NVIDIA GPU instances, with labels and taints derived from the
 * accelerator catalogue and exported as a {@link NodePoolContract}, cluster-autoscaler
 * templates for scale-from-zero, IMDSv2-only nodes, an encrypted image volume and, on
 * request, EFA with a cluster placement group.
 */
export class GpuNodePool extends Construct {
  /** Pool name. */
  public readonly name: string;
  /** Instance types. */
  public readonly instanceTypes: GpuInstanceType[];
  /** Instance family shared by all instance types. */
  public readonly family: string;
  /** AMI type. */
  public readonly amiType: GpuAmiType;
  /** Capacity type. */
  public readonly capacityType: CapacityType;
  /** Fewest nodes. */
  public readonly minSize: number;
  /** Most nodes. */
  public readonly maxSize: number;
  /** Nodes at creation. */
  public readonly desiredSize: number;
  /** Whether nodes get EFA interfaces. */
  public readonly efa: boolean;
  /** EFA interfaces per node (0 without EFA). */
  public readonly efaInterfaces: number;
  /** Availability zones of the pool's subnets. */
  public readonly availabilityZones: string[];
  /** Image volume size in GiB. */
  public readonly rootVolumeSizeGiB: number;
  /** Labels of the pool's nodes, as workloads select them (includes the EKS capacity type label). */
  public readonly labels: { [key: string]: string };
  /** Taints of the pool's nodes. */
  public readonly taints: NodeTaint[];
  /** Reserved capacity the pool launches into. */
  public readonly capacityReservation?: CapacityReservationSpec;
  /** The cluster-autoscaler scale-from-zero tags put on the Auto Scaling group. */
  public readonly autoscalerTags: { [key: string]: string };
  /** The node group and its launch template. */
  public readonly nodeGroup: ManagedNodeGroup;

  constructor(scope: Construct, id: string, props: GpuNodePoolProps) {
    super(scope, id);
    const path = this.node.path;
    const cluster = props.cluster;
    if (cluster.autoMode) {
      throw invalidProp(path, 'cluster', cluster.name, 'the cluster runs EKS Auto Mode, which provisions nodes itself instead of managed node groups',
        'create a GPU NodePool in the Kubernetes layer, or turn autoMode off to use managed GPU node groups');
    }
    requireAccessEntries(path, cluster, 'the pool\'s nodes');

    this.name = assertName(path, 'name', props.name ?? id, NAME_RULES.dns1123Label);
    assertName(path, 'name', this.name, NAME_RULES.eksNodeGroup);

    const given = props.instanceTypes ?? [];
    if (given.length === 0) {
      throw invalidProp(path, 'instanceTypes', props.instanceTypes, 'a GPU pool needs at least one instance type',
        'give instance types of the GPU catalogue, e.g. [GpuInstanceType.G6E_XLARGE]');
    }
    // Names from untyped callers go through the catalogue, which rejects non-GPU types.
    this.instanceTypes = given.map((t, i) => (t instanceof GpuInstanceType ? t : GpuInstanceType.of(t as unknown as string, path, `instanceTypes[${i}]`)));
    const first = this.instanceTypes[0];
    for (const t of this.instanceTypes) {
      if (t.family !== first.family || t.gpuProduct !== first.gpuProduct) {
        throw invalidProp(path, 'instanceTypes', this.instanceTypes.map(String),
          `${t.name} (${t.gpuProduct}) and ${first.name} (${first.gpuProduct}) differ in family or GPU, so the pool's labels would not describe every node`,
          'put one family per pool and add another pool for the other family');
      }
    }
    this.family = first.family;

    this.amiType = props.amiType ?? GpuAmiType.AL2023_X86_64_NVIDIA;
    this.capacityReservation = props.capacityReservation;
    const block = this.capacityReservation?.kind === CapacityReservationKind.CAPACITY_BLOCK;
    if (props.capacityType === CapacityType.CAPACITY_BLOCK && !block) {
      throw invalidProp(path, 'capacityType', props.capacityType, 'a capacity block pool needs the block it launches into',
        'set capacityReservation: { kind: CapacityReservationKind.CAPACITY_BLOCK, reservationId: "cr-..." } instead of the capacity type');
    }
    if (this.capacityReservation && !/^cr-[0-9a-f]{17}$/.test(this.capacityReservation.reservationId)) {
      throw invalidProp(path, 'capacityReservation.reservationId', this.capacityReservation.reservationId, 'not a capacity reservation id',
        'give the id EC2 shows for the reservation or capacity block, e.g. "cr-0123456789abcdef0"');
    }
    if (block && props.capacityType === CapacityType.SPOT) {
      throw invalidProp(path, 'capacityType', props.capacityType, 'a capacity block is its own purchase option; it cannot be combined with spot',
        'leave capacityType unset for a capacity block pool');
    }
    if (block && given.length !== 1) {
      throw invalidProp(path, 'instanceTypes', given.map(String), 'a capacity block reserves one instance type', 'list only the instance type of the block');
    }
    this.capacityType = block ? CapacityType.CAPACITY_BLOCK : props.capacityType ?? CapacityType.ON_DEMAND;
    this.minSize = props.minSize ?? 0;
    this.maxSize = props.maxSize ?? 2;
    this.desiredSize = validateScaling(path, this.minSize, this.maxSize, props.desiredSize);
    this.rootVolumeSizeGiB = props.rootVolumeSizeGiB ?? 200;
    validateVolumeSize(path, 'rootVolumeSizeGiB', this.rootVolumeSizeGiB, 20);

    this.efa = props.efa ?? false;
    if (this.efa) {
      const without = this.instanceTypes.filter((t) => !t.efaSupported);
      if (without.length > 0) {
        const withEfa = GpuInstanceType.ofFamily(this.family).filter((t) => t.efaSupported).map(String);
        throw invalidProp(path, 'efa', true, `${without.map(String).join(', ')} ${without.length === 1 ? 'has' : 'have'} no Elastic Fabric Adapter`,
          withEfa.length > 0 ? `use EFA-capable sizes (${withEfa.join(', ')}) or set efa: false` : 'use a family with EFA (e.g. p5) or set efa: false');
      }
    }
    this.efaInterfaces = this.efa ? Math.min(...this.instanceTypes.map((t) => t.maxEfaInterfaces)) : 0;

    const zones = cluster.availabilityZones;
    this.availabilityZones = props.availabilityZones ?? (this.efa ? [zones[0]] : [...zones]);
    if (this.availabilityZones.length === 0) {
      throw invalidProp(path, 'availabilityZones', props.availabilityZones, 'a pool needs at least one availability zone', `list AZs of the network: ${zones.join(', ')}`);
    }
    for (const az of this.availabilityZones) {
      if (!zones.includes(az)) {
        throw invalidProp(path, 'availabilityZones', this.availabilityZones, `${az} is not an AZ of the network`, `use AZs of the network: ${zones.join(', ')}`);
      }
    }
    if (this.efa && this.availabilityZones.length !== 1) {
      throw invalidProp(path, 'availabilityZones', this.availabilityZones, 'EFA traffic stays inside one cluster placement group, which lives in one AZ',
        `give exactly one AZ for an EFA pool, e.g. ["${this.availabilityZones[0]}"]`);
    }

    const reserved = Object.values(NODE_LABELS);
    for (const key of Object.keys(props.labels ?? {})) {
      if (reserved.includes(key)) {
        throw invalidProp(path, `labels["${key}"]`, props.labels![key], 'the platform sets this label from the pool and the catalogue',
          'remove it; the pool sets it and exports it in contract()');
      }
    }
    const gpuCounts = new Set(this.instanceTypes.map((t) => t.gpuCount));
    const nodeGroupLabels: { [key: string]: string } = {
      ...props.labels,
      [NODE_LABELS.pool]: this.name,
      [NODE_LABELS.acceleratorFamily]: this.family,
      [NODE_LABELS.gpuProduct]: first.gpuProduct,
    };
    // A count label only when every type of the pool has the same number of GPUs.
    if (gpuCounts.size === 1) nodeGroupLabels[NODE_LABELS.gpuCount] = String(first.gpuCount);
    this.labels = { ...nodeGroupLabels, [NODE_LABELS.capacityType]: this.capacityType };
    this.taints = [GPU_TAINT, ...(props.taints ?? [])];

    // Every extended resource a node offers, so the autoscaler can scale the pool up from zero for
    // pods that request it (without the EFA entry, EFA jobs would stay Pending at zero nodes).
    this.autoscalerTags = {
      [`${AUTOSCALER_TEMPLATE_PREFIX}/resources/${GPU_RESOURCE}`]: String(Math.min(...gpuCounts)),
    };
    if (this.efaInterfaces > 0) this.autoscalerTags[`${AUTOSCALER_TEMPLATE_PREFIX}/resources/${EFA_RESOURCE}`] = String(this.efaInterfaces);
    for (const [k, v] of Object.entries(this.labels)) this.autoscalerTags[`${AUTOSCALER_TEMPLATE_PREFIX}/label/${k}`] = v;
    for (const t of this.taints) this.autoscalerTags[`${AUTOSCALER_TEMPLATE_PREFIX}/taint/${t.key}`] = `${t.value ?? ''}:${t.effect}`;

    this.nodeGroup = new ManagedNodeGroup(this, 'group', {
      ...clusterNodeGroupSettings(cluster),
      poolName: this.name,
      instanceTypes: this.instanceTypes.map(String),
      amiType: this.amiType,
      capacityType: this.capacityType,
      minSize: this.minSize,
      maxSize: this.maxSize,
      desiredSize: this.desiredSize,
      subnetIds: this.availabilityZones.flatMap((az) => cluster.privateSubnets.filter((s) => s.availabilityZone === az).map((s) => s.subnetId)),
      labels: nodeGroupLabels,
      taints: this.taints,
      rootVolumeSizeGiB: this.rootVolumeSizeGiB,
      bottlerocket: this.amiType === GpuAmiType.BOTTLEROCKET_X86_64_NVIDIA,
      efaInterfaces: this.efaInterfaces,
      autoscalerTags: this.autoscalerTags,
      nodeRepair: true,
      capacityReservation: this.capacityReservation
        ? { reservationId: this.capacityReservation.reservationId, capacityBlock: block } as NodeGroupCapacityReservation
        : undefined,
    });
  }

  /** The pool as the Kubernetes layer sees it: selectors and tolerations come from here. */
  public contract(): NodePoolContract {
    return {
      name: this.name,
      provisioner: NodePoolProvisioner.MANAGED_NODE_GROUP,
      instanceTypes: this.instanceTypes.map(String),
      labels: { ...this.labels },
      taints: this.taints.map((t) => ({ ...t })),
      gpusPerNode: Math.min(...this.instanceTypes.map((t) => t.gpuCount)),
      gpuMemoryGiB: Math.min(...this.instanceTypes.map((t) => t.gpuMemoryGiB)),
      efa: this.efa,
      maxNodes: this.maxSize,
    };
  }
}
