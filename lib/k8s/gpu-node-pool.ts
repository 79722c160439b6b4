import { Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { KarpenterNodeClass } from './karpenter-node-class';
import { DEVICE_PLUGIN_CONFIG_LABEL, INodePool, PoolToleration, poolSelectorLabels, poolTolerations } from './node-pool';
import { InstallPhase, syncWaveOf } from './operators';
import { SYNC_WAVE_ANNOTATION } from './pod-security';
import { GpuInstanceType } from '../core/accelerators';
import { GPU_RESOURCE, NODE_LABELS, NodePoolProvisioner, NodeTaint, TaintEffect } from '../core/contract';
import { invalidProp } from '../core/errors';
import { NAME_RULES, assertName } from '../core/names';
import {
  NodePool,
  NodePoolSpecDisruptionBudgetsReasons,
  NodePoolSpecDisruptionConsolidationPolicy,
  NodePoolSpecLimits,
  NodePoolSpecTemplateSpecRequirementsOperator,
  NodePoolSpecTemplateSpecTaintsEffect,
} from '../imports/karpenter.sh';

/** EC2 capacity types a pool may launch. */
export enum CapacityType {
  /** On-demand instances. */
  ON_DEMAND = 'on-demand',
  /** Spot instances (interruptible; for stateless serving and checkpointed training). */
  SPOT = 'spot',
  /** Capacity reservations (ODCRs and capacity blocks for ML). */
  RESERVED = 'reserved',
}

/** When Karpenter may remove or replace nodes to save cost. */
export enum ConsolidationPolicy {
  /** Only nodes without workload pods (the safe default for long GPU jobs). */
  WHEN_EMPTY = 'WhenEmpty',
  /** Also nodes whose pods fit elsewhere (evicts running pods; fine for stateless serving). */
  WHEN_EMPTY_OR_UNDERUTILIZED = 'WhenEmptyOrUnderutilized',
}

/** The disruption reasons a budget applies to. */
export enum DisruptionReason {
  /** Consolidation of empty nodes. */
  EMPTY = 'Empty',
  /** Consolidation of underutilised nodes. */
  UNDERUTILIZED = 'Underutilized',
  /** Replacement of nodes that drifted from the NodePool or node class. */
  DRIFTED = 'Drifted',
}

/** A limit on how many nodes Karpenter disrupts at once. */
export interface DisruptionBudget {
  /** Nodes that may be disrupted at once: a count (`"1"`) or a percentage (`"10%"`). */
  readonly nodes: string;
  /**
   * Reasons the budget applies to.
   * @default - all reasons
   */
  readonly reasons?: DisruptionReason[];
  /**
   * Cron schedule (UTC) when the budget starts to apply; needs `duration`.
   * @default - always active
   */
  readonly schedule?: string;
  /**
   * How long the budget applies after each schedule hit (minutes or hours).
   * @default - always active
   */
  readonly duration?: Duration;
}

/** Props of {@link GpuNodePool}. */
export interface GpuNodePoolProps {
  /**
   * Pool name (a DNS-1123 label): the NodePool's name and the `cnai.io/pool` label of its nodes.
   * @default - the construct id
   */
  readonly poolName?: string;
  /**
   * Karpenter (self-managed) or EKS Auto Mode.
   * @default NodePoolProvisioner.KARPENTER
   */
  readonly provisioner?: NodePoolProvisioner;
  /**
   * Instance types of the pool, from the GPU catalogue. Give this or `families`.
   * @default - every size of `families`
   */
  readonly instanceTypes?: GpuInstanceType[];
  /**
   * Instance families of the GPU catalogue (e.g. `g5`, `p5`). Give this or `instanceTypes`.
   * @default - exactly `instanceTypes`
   */
  readonly families?: string[];
  /**
   * Capacity types.
   * @default [CapacityType.ON_DEMAND]
   */
  readonly capacityTypes?: CapacityType[];
  /** The most GPUs the pool may hold (the NodePool's `nvidia.com/gpu` limit). */
  readonly maxGpus: number;
  /**
   * The most vCPUs the pool may hold.
   * @default - enough for maxGpus on the instance type with the most vCPUs per GPU
   */
  readonly maxCpu?: number;
  /**
   * Consolidation policy.
   * @default ConsolidationPolicy.WHEN_EMPTY
   */
  readonly consolidationPolicy?: ConsolidationPolicy;
  /**
   * How long a node must be empty or underutilised before Karpenter consolidates it.
   * @default Duration.minutes(10)
   */
  readonly consolidateAfter?: Duration;
  /**
   * Disruption budgets.
   * @default - one budget of 10% of the nodes
   */
  readonly budgets?: DisruptionBudget[];
  /**
   * Node lifetime: nodes are replaced after this long (picks up new AMIs, limits drift).
   * @default Duration.days(30)
   */
  readonly expireAfter?: Duration;
  /**
   * Extra labels of the pool's nodes.
   * @default - none
   */
  readonly labels?: { [key: string]: string };
  /**
   * Taints of the pool's nodes.
   * @default - `nvidia.com/gpu:NoSchedule`, so only pods that ask for the pool land there
   */
  readonly taints?: NodeTaint[];
  /**
   * Node class of a self-managed Karpenter pool. Not used in Auto Mode.
   * @default - a KarpenterNodeClass named after the pool, from `clusterName` and `nodeRole`
   */
  readonly nodeClass?: KarpenterNodeClass;
  /**
   * Cluster name for the default node class (self-managed Karpenter only).
   * @default - required when `nodeClass` is not given for Karpenter
   */
  readonly clusterName?: string;
  /**
   * Node IAM role name for the default node class (self-managed Karpenter only).
   * @default - required when `nodeClass` is not given for Karpenter
   */
  readonly nodeRole?: string;
  /**
   * Priority among NodePools that could serve the same pod (higher first).
   * @default - none
   */
  readonly weight?: number;
}

/** The default taint of GPU pools. */
export const GPU_TAINT: NodeTaint = { key: GPU_RESOURCE, effect: TaintEffect.NO_SCHEDULE };

/**
 * A GPU node pool inside the cluster: a Karpenter (karpenter.sh/v1) NodePool for GPU
 * instance types of the catalogue, with capacity types, GPU and CPU limits, disruption
 * settings, labels and taints; with an EC2NodeClass for self-managed Karpenter or the
 * built-in node class of EKS Auto Mode.
 * @see https://karpenter.sh/docs/concepts/nodepools/
 */
export class GpuNodePool extends Construct implements INodePool {
  public readonly poolName: string;
  public readonly provisioner: NodePoolProvisioner;
  public readonly nodeLabels: { [key: string]: string };
  public readonly taints: NodeTaint[];
  public readonly gpuInstanceTypes: GpuInstanceType[];
  public readonly gpusPerNode: number;
  public readonly gpuMemoryGiB: number;
  public readonly maxGpus: number;
  /** The most vCPUs of the pool. */
  public readonly maxCpu: number;
  /** Capacity types. */
  public readonly capacityTypes: CapacityType[];
  /** Consolidation policy. */
  public readonly consolidationPolicy: ConsolidationPolicy;
  /** Consolidation delay. */
  public readonly consolidateAfter: Duration;
  /** Node lifetime. */
  public readonly expireAfter: Duration;
  /** Disruption budgets. */
  public readonly budgets: DisruptionBudget[];
  /** The node class (self-managed Karpenter only). */
  public readonly nodeClass?: KarpenterNodeClass;
  /** The NodePool object. */
  public readonly apiObject: NodePool;

  constructor(scope: Construct, id: string, props: GpuNodePoolProps) {
    super(scope, id);
    const where = this.node.path;
    this.poolName = assertName(where, 'poolName', props.poolName ?? id, NAME_RULES.dns1123Label);
    this.provisioner = props.provisioner ?? NodePoolProvisioner.KARPENTER;
    if (this.provisioner === NodePoolProvisioner.MANAGED_NODE_GROUP) {
      throw invalidProp(where, 'provisioner', this.provisioner, 'managed node groups are created by the AWS layer, not inside the cluster',
        'use NodePoolReference.fromContract(...) for a managed node group, or KARPENTER / AUTO_MODE here');
    }
    this.gpuInstanceTypes = resolveTypes(where, props);
    this.gpusPerNode = Math.min(...this.gpuInstanceTypes.map((t) => t.gpuCount));
    this.gpuMemoryGiB = Math.min(...this.gpuInstanceTypes.map((t) => t.gpuMemoryGiB));
    if (!Number.isInteger(props.maxGpus) || props.maxGpus < this.gpusPerNode) {
      throw invalidProp(where, 'maxGpus', props.maxGpus, `below the ${this.gpusPerNode} GPU(s) of the smallest node, so the pool could never launch a node`,
        `give a whole number of at least ${this.gpusPerNode}`);
    }
    this.maxGpus = props.maxGpus;
    const cpuPerGpu = Math.max(...this.gpuInstanceTypes.map((t) => t.vcpus / t.gpuCount));
    this.maxCpu = props.maxCpu ?? Math.ceil(this.maxGpus * cpuPerGpu);
    this.capacityTypes = props.capacityTypes ?? [CapacityType.ON_DEMAND];
    if (this.capacityTypes.length === 0) {
      throw invalidProp(where, 'capacityTypes', this.capacityTypes, 'empty', 'list at least one capacity type, e.g. [CapacityType.ON_DEMAND]');
    }
    this.consolidationPolicy = props.consolidationPolicy ?? ConsolidationPolicy.WHEN_EMPTY;
    this.consolidateAfter = props.consolidateAfter ?? Duration.minutes(10);
    this.expireAfter = props.expireAfter ?? Duration.days(30);
    this.budgets = props.budgets ?? [{ nodes: '10%' }];
    this.taints = (props.taints ?? [GPU_TAINT]).map((t) => ({ ...t }));

    const common = commonValue(this.gpuInstanceTypes.map((t) => t.family));
    const product = commonValue(this.gpuInstanceTypes.map((t) => t.gpuProduct));
    const count = commonValue(this.gpuInstanceTypes.map((t) => String(t.gpuCount)));
    this.nodeLabels = {
      ...(common !== undefined ? { [NODE_LABELS.acceleratorFamily]: common } : {}),
      ...(product !== undefined ? { [NODE_LABELS.gpuProduct]: product } : {}),
      ...(count !== undefined ? { [NODE_LABELS.gpuCount]: count } : {}),
      ...props.labels,
      [DEVICE_PLUGIN_CONFIG_LABEL]: this.poolName,
      [NODE_LABELS.pool]: this.poolName,
    };

    let nodeClassRef: { group: string; kind: string; name: string };
    if (this.provisioner === NodePoolProvisioner.AUTO_MODE) {
      // EKS Auto Mode's built-in node class; it manages AMIs, IMDS and volumes itself.
      nodeClassRef = { group: 'eks.amazonaws.com', kind: 'NodeClass', name: 'default' };
    } else {
      if (!props.nodeClass && (!props.clusterName || !props.nodeRole)) {
        throw invalidProp(where, 'nodeClass', undefined, 'self-managed Karpenter needs an EC2NodeClass',
          'pass nodeClass (a KarpenterNodeClass), or clusterName and nodeRole for a default one');
      }
      this.nodeClass = props.nodeClass ?? new KarpenterNodeClass(this, 'NodeClass', {
        name: this.poolName, clusterName: props.clusterName!, nodeRole: props.nodeRole!,
      });
      nodeClassRef = { group: 'karpenter.k8s.aws', kind: 'EC2NodeClass', name: this.nodeClass.name };
    }

    this.apiObject = new NodePool(this, 'Resource', {
      metadata: { name: this.poolName, annotations: { [SYNC_WAVE_ANNOTATION]: String(syncWaveOf(InstallPhase.PLATFORM)) } },
      spec: {
        weight: props.weight,
        limits: {
          [GPU_RESOURCE]: NodePoolSpecLimits.fromNumber(this.maxGpus),
          cpu: NodePoolSpecLimits.fromNumber(this.maxCpu),
        },
        disruption: {
          consolidationPolicy: this.consolidationPolicy === ConsolidationPolicy.WHEN_EMPTY
            ? NodePoolSpecDisruptionConsolidationPolicy.WHEN_EMPTY
            : NodePoolSpecDisruptionConsolidationPolicy.WHEN_EMPTY_OR_UNDERUTILIZED,
          consolidateAfter: karpenterDuration(this.consolidateAfter),
          budgets: this.budgets.map((b, i) => renderBudget(where, i, b)),
        },
        template: {
          metadata: { labels: { ...this.nodeLabels } },
          spec: {
            nodeClassRef,
            expireAfter: karpenterDuration(this.expireAfter),
            requirements: [
              { key: 'node.kubernetes.io/instance-type', operator: NodePoolSpecTemplateSpecRequirementsOperator.IN, values: this.gpuInstanceTypes.map((t) => t.name) },
              { key: 'karpenter.sh/capacity-type', operator: NodePoolSpecTemplateSpecRequirementsOperator.IN, values: [...this.capacityTypes] },
              { key: 'kubernetes.io/arch', operator: NodePoolSpecTemplateSpecRequirementsOperator.IN, values: ['amd64'] },
              { key: 'kubernetes.io/os', operator: NodePoolSpecTemplateSpecRequirementsOperator.IN, values: ['linux'] },
            ],
            taints: this.taints.map((t) => ({ key: t.key, value: t.value, effect: t.effect as unknown as NodePoolSpecTemplateSpecTaintsEffect })),
          },
        },
      },
    });
  }

  /** The most nodes the pool can hold (its GPU limit over the GPUs of the smallest node). */
  public get maxNodes(): number {
    return Math.floor(this.maxGpus / this.gpusPerNode);
  }

  public nodeSelector(): { [key: string]: string } {
    return poolSelectorLabels(this);
  }

  public tolerations(): PoolToleration[] {
    return poolTolerations(this);
  }
}

function resolveTypes(where: string, props: GpuNodePoolProps): GpuInstanceType[] {
  const hasTypes = props.instanceTypes !== undefined && props.instanceTypes.length > 0;
  const hasFamilies = props.families !== undefined && props.families.length > 0;
  if (hasTypes === hasFamilies) {
    throw invalidProp(where, 'instanceTypes', props.instanceTypes?.map((t) => t.name),
      hasTypes ? 'both instanceTypes and families are given' : 'neither instanceTypes nor families is given',
      'give exactly one of instanceTypes (e.g. [GpuInstanceType.G5_XLARGE]) or families (e.g. ["g5"])');
  }
  const types = hasTypes
    ? props.instanceTypes!
    : props.families!.flatMap((f, i) => GpuInstanceType.ofFamily(f, where, `families[${i}]`));
  const seen = new Set<string>();
  return types.filter((t) => (seen.has(t.name) ? false : (seen.add(t.name), true)));
}

function commonValue(values: string[]): string | undefined {
  return values.every((v) => v === values[0]) ? values[0] : undefined;
}

/** Renders a duration as Karpenter wants it (`30m`, `720h`, `45s`). */
export function karpenterDuration(d: Duration): string {
  const s = d.toSeconds();
  if (s % 3600 === 0) return `${s / 3600}h`;
  if (s % 60 === 0) return `${s / 60}m`;
  return `${s}s`;
}

function renderBudget(where: string, i: number, b: DisruptionBudget) {
  if (!/^((100|[0-9]{1,2})%|[0-9]+)$/.test(b.nodes)) {
    throw invalidProp(where, `budgets[${i}].nodes`, b.nodes, 'not a node count or a percentage', 'give a count such as "1" or a percentage such as "10%"');
  }
  if ((b.schedule === undefined) !== (b.duration === undefined)) {
    throw invalidProp(where, `budgets[${i}].schedule`, b.schedule, 'schedule and duration go together', 'give both schedule and duration, or neither');
  }
  let duration: string | undefined;
  if (b.duration !== undefined) {
    const m = b.duration.toMinutes();
    duration = m % 60 === 0 ? `${m / 60}h` : `${m}m`;
  }
  return {
    nodes: b.nodes,
    reasons: b.reasons?.map((r) => r as unknown as NodePoolSpecDisruptionBudgetsReasons),
    schedule: b.schedule,
    duration,
  };
}
