import * as kplus from 'cdk8s-plus-27';
import { GpuArchitecture, GpuInstanceType } from '../core/accelerators';
import { NODE_LABELS, NodePoolContract, NodePoolProvisioner, NodeTaint, TaintEffect } from '../core/contract';
import { invalidProp } from '../core/errors';
import { ExistingClusterContract, ExistingNodeGroup } from '../core/existing-cluster';
import { NAME_RULES, assertName } from '../core/names';

/**
 * The node label the NVIDIA device plugin's config-manager reads to pick a named config
 * for one node. Every GPU pool of the library carries it (value: the pool name), so
 * `kubectl label node <n> nvidia.com/device-plugin.config=<other>` re-configures one node at its
 * device plugin pod's next start (`kubectl delete pod -n nvidia-gpu --field-selector spec.nodeName=<n>`).
 */
export const DEVICE_PLUGIN_CONFIG_LABEL = 'nvidia.com/device-plugin.config';

/** A toleration a workload needs to run on a pool's nodes. */
export interface PoolToleration {
  /** Taint key. */
  readonly key: string;
  /** `Equal` when the taint has a value, else `Exists`. */
  readonly operator: string;
  /**
   * Taint value.
   * @default - none (operator Exists)
   */
  readonly value?: string;
  /** Taint effect. */
  readonly effect: string;
}

/**
 * A pool of nodes that workloads can be placed on. Every workload of the platform asks a
 * pool object for its node selector and tolerations, so that no label or taint is typed
 * twice. Implemented by {@link NodePoolReference} (a managed node group of the AWS layer)
 * and {@link GpuNodePool} (a Karpenter or EKS Auto Mode NodePool).
 */
export interface INodePool {
  /** Pool name (a DNS-1123 label), the value of the `cnai.io/pool` label on the pools the platform creates. */
  readonly poolName: string;
  /** How the pool's nodes are provisioned. */
  readonly provisioner: NodePoolProvisioner;
  /** Labels every node of the pool carries. */
  readonly nodeLabels: { [key: string]: string };
  /** Taints every node of the pool carries. */
  readonly taints: NodeTaint[];
  /** The GPU instance types of the pool (empty for a CPU pool). */
  readonly gpuInstanceTypes: GpuInstanceType[];
  /** GPUs per node (the smallest among the pool's instance types); 0 for CPU pools. */
  readonly gpusPerNode: number;
  /** Memory per GPU in GiB (the smallest among the pool's instance types); 0 for CPU pools. */
  readonly gpuMemoryGiB: number;
  /** The most physical GPUs the pool can ever hold. */
  readonly maxGpus: number;
  /**
   * Whether the pool's nodes have Elastic Fabric Adapter interfaces attached (multi-node training).
   * @default false
   */
  readonly efa?: boolean;

  /** The node selector that places a pod on this pool (exactly the pool's labels). */
  nodeSelector(): { [key: string]: string };

  /** The tolerations a pod needs for this pool's taints (exactly one per taint). */
  tolerations(): PoolToleration[];
}

/**
 * The selector labels of a pool: the pool label, plus the labels the pool declares that
 * identify its hardware. Used for node selectors, node affinity and Kueue flavors.
 */
export function poolSelectorLabels(pool: INodePool): { [key: string]: string } {
  return { ...pool.nodeLabels };
}

/** The tolerations for a pool's taints, in the order of the taints. */
export function poolTolerations(pool: INodePool): PoolToleration[] {
  return pool.taints.map((t) => (t.value !== undefined
    ? { key: t.key, operator: 'Equal', value: t.value, effect: t.effect }
    : { key: t.key, operator: 'Exists', effect: t.effect }));
}

/** True when the pool has GPUs. */
export function isGpuPool(pool: INodePool): boolean {
  return pool.gpusPerNode > 0;
}

/**
 * Whether an instance type's GPUs support Multi-Instance GPU. The core catalogue has no
 * field for it yet, so it is derived here: MIG exists on A100/A30 (Ampere data-center
 * parts) and on Hopper (H100/H200); A10G, L4, L40S and T4 lack it.
 */
export function supportsMig(type: GpuInstanceType): boolean {
  const declared = (type.facts as { readonly migSupported?: boolean }).migSupported;
  if (declared !== undefined) return declared;
  if (type.gpuArchitecture === GpuArchitecture.HOPPER) return true;
  return type.gpuArchitecture === GpuArchitecture.AMPERE && /^A(100|30)\b/.test(type.gpuModel);
}

/**
 * Places a cdk8s-plus workload or pod on a pool: required node affinity on every label of
 * the pool and a toleration per taint. Equivalent to {@link INodePool.nodeSelector} plus
 * {@link INodePool.tolerations} for L1 pod specs.
 */
export function scheduleOnPool(pool: INodePool, workload: kplus.Workload | kplus.Pod): void {
  const labels = poolSelectorLabels(pool);
  workload.scheduling.attract(kplus.Node.labeled(...Object.entries(labels).map(([k, v]) => kplus.NodeLabelQuery.is(k, v))));
  for (const t of pool.taints) {
    const effect = taintEffectOf(t.effect);
    const query = t.value !== undefined
      ? kplus.NodeTaintQuery.is(t.key, t.value, { effect })
      : kplus.NodeTaintQuery.exists(t.key, { effect });
    workload.scheduling.tolerate(kplus.Node.tainted(query));
  }
}

function taintEffectOf(effect: TaintEffect): kplus.TaintEffect {
  switch (effect) {
    case TaintEffect.NO_SCHEDULE: return kplus.TaintEffect.NO_SCHEDULE;
    case TaintEffect.PREFER_NO_SCHEDULE: return kplus.TaintEffect.PREFER_NO_SCHEDULE;
    case TaintEffect.NO_EXECUTE: return kplus.TaintEffect.NO_EXECUTE;
    default: throw new Error(`internal: unknown taint effect ${effect}`);
  }
}

/**
 * A reference to a node pool that exists outside the Kubernetes layer, built from its
 * contract entry: an EKS managed node group of the AWS layer (its nodes carry the
 * `cnai.io/pool` label, always part of the selector), or a node group of a cluster the user
 * already runs (provisioner EXISTING: exactly the labels its nodes carry, nothing added).
 * Workloads tolerate exactly the taints of the contract.
 */
export class NodePoolReference implements INodePool {
  /**
   * A reference to a node pool from its contract entry.
   * @throws CnaiError for a pool name that is not a DNS-1123 label, a GPU pool whose instance types are not in the GPU catalogue, or an EXISTING pool without labels
   */
  public static fromContract(contract: NodePoolContract): NodePoolReference {
    return new NodePoolReference(contract);
  }

  /**
   * A reference to a node group of a cluster the user already runs, from what its nodes really
   * carry: pods select exactly its labels and tolerate exactly its taints; GPUs per node and
   * memory per GPU come from the GPU catalogue by instance type (see ExistingClusterContract).
   * @throws CnaiError (one problem) or CnaiValidationError (several), each naming the prop, the value and the fix
   */
  public static fromExistingNodeGroup(group: ExistingNodeGroup): NodePoolReference {
    const name = typeof group.name === 'string' ? group.name : '?';
    return new NodePoolReference(ExistingClusterContract.nodePool(group, `NodePoolReference(${name})`, 'nodeGroup'));
  }

  public readonly poolName: string;
  public readonly provisioner: NodePoolProvisioner;
  public readonly nodeLabels: { [key: string]: string };
  public readonly taints: NodeTaint[];
  public readonly gpuInstanceTypes: GpuInstanceType[];
  public readonly gpusPerNode: number;
  public readonly gpuMemoryGiB: number;
  public readonly maxGpus: number;
  public readonly efa?: boolean;
  /** The most nodes the pool scales to. */
  public readonly maxNodes: number;
  /** The instance types of the pool. */
  public readonly instanceTypes: string[];

  private constructor(c: NodePoolContract) {
    const where = `NodePoolReference(${c.name})`;
    assertName(where, 'name', c.name, NAME_RULES.dns1123Label);
    if (!Number.isInteger(c.maxNodes) || c.maxNodes < 0) {
      throw invalidProp(where, 'maxNodes', c.maxNodes, 'not a whole number of nodes', 'give the maximum size of the node group');
    }
    this.poolName = c.name;
    this.provisioner = c.provisioner;
    if (c.provisioner === NodePoolProvisioner.EXISTING) {
      // The nodes of a node group the platform did not create carry only their own labels.
      if (Object.keys(c.labels ?? {}).length === 0) {
        throw invalidProp(where, 'labels', c.labels, 'an existing node group without labels: the platform has nothing to select its nodes with, and its pods could land on any node',
          `list labels its nodes really carry (kubectl get nodes --show-labels), e.g. { "eks.amazonaws.com/nodegroup": "${c.name}" } for an EKS managed node group`);
      }
      this.nodeLabels = { ...c.labels };
    } else {
      // The pool label is always present, whatever the contract lists, so selectors never
      // match nodes of another pool.
      this.nodeLabels = { ...c.labels, [NODE_LABELS.pool]: c.name };
    }
    this.taints = c.taints.map((t) => ({ ...t }));
    this.instanceTypes = [...c.instanceTypes];
    this.gpuInstanceTypes = c.gpusPerNode > 0
      ? c.instanceTypes.map((t, i) => GpuInstanceType.of(t, where, `instanceTypes[${i}]`))
      : [];
    if (this.gpuInstanceTypes.length > 0) {
      // GPU facts typed by hand (an edited contract) must agree with the catalogue.
      const facts = this.gpuInstanceTypes.map((t) => `${t.name} has ${t.gpuCount} x ${t.gpuModel} (${t.gpuMemoryGiB} GiB)`).join(', ');
      const count = Math.min(...this.gpuInstanceTypes.map((t) => t.gpuCount));
      const memory = Math.min(...this.gpuInstanceTypes.map((t) => t.gpuMemoryGiB));
      const fix = 'correct it to the catalogue\'s value (ExistingClusterContract.create derives it from instanceTypes), or correct instanceTypes';
      if (c.gpusPerNode !== count) {
        throw invalidProp(where, 'gpusPerNode', c.gpusPerNode, `the GPU catalogue says ${facts}${this.gpuInstanceTypes.length > 1 ? ` (the pool counts the smallest, ${count})` : ''}`, fix);
      }
      if (c.gpuMemoryGiB !== memory) {
        throw invalidProp(where, 'gpuMemoryGiB', c.gpuMemoryGiB, `the GPU catalogue says ${facts}${this.gpuInstanceTypes.length > 1 ? ` (the pool counts the smallest, ${memory} GiB)` : ''}`, fix);
      }
    }
    this.gpusPerNode = c.gpusPerNode;
    this.gpuMemoryGiB = c.gpuMemoryGiB;
    this.maxNodes = c.maxNodes;
    this.maxGpus = c.maxNodes * c.gpusPerNode;
    this.efa = c.efa === true;
  }

  public nodeSelector(): { [key: string]: string } {
    return poolSelectorLabels(this);
  }

  public tolerations(): PoolToleration[] {
    return poolTolerations(this);
  }
}

/**
 * Required node affinity that matches the nodes of any of the pools (one term per pool,
 * each term requiring every label of its pool). For agents that run on several pools.
 */
export function poolsAffinity(pools: INodePool[]): { [key: string]: any } {
  return {
    nodeAffinity: {
      requiredDuringSchedulingIgnoredDuringExecution: {
        nodeSelectorTerms: pools.map((p) => ({
          matchExpressions: Object.entries(poolSelectorLabels(p)).map(([key, value]) => ({ key, operator: 'In', values: [value] })),
        })),
      },
    },
  };
}

/** The tolerations for the taints of any of the pools, without duplicates. */
export function poolsTolerations(pools: INodePool[]): PoolToleration[] {
  const seen = new Set<string>();
  const out: PoolToleration[] = [];
  for (const t of pools.flatMap(poolTolerations)) {
    const k = JSON.stringify([t.key, t.operator, t.value, t.effect]);
    if (!seen.has(k)) {
      seen.add(k);
      out.push(t);
    }
  }
  return out;
}
