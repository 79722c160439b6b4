/**
 * The platform contract of a cluster the user already runs, built from what they know about
 * it, without the AWS layer: cluster name, region, Kubernetes version, VPC block and the node
 * groups with the labels and taints their nodes really carry. GPU facts come from the GPU
 * catalogue by instance type.
 */

import { GpuInstanceType } from './accelerators';
import { Cidr } from './cidr';
import { BucketsContract, NodePoolContract, NodePoolProvisioner, NodeTaint, PlatformContract, TaintEffect, WorkloadIdentityContract } from './contract';
import { ProblemCollector, ProblemDetails } from './errors';
import { NAME_RULES, isAwsAccountId, isAwsRegion, satisfiesNameRule } from './names';

/** One node group of an existing cluster, as its nodes really are. */
export interface ExistingNodeGroup {
  /**
   * The name the platform uses for the pool (a DNS-1123 label): Kueue's ResourceFlavor, quotas
   * and error messages name it. Usually the node group's own name.
   */
  readonly name: string;
  /** The EC2 instance types the node group launches, e.g. `["g5.2xlarge"]`. */
  readonly instanceTypes: string[];
  /**
   * Labels every node of the group carries and no node of another group carries all of
   * (`kubectl get nodes --show-labels`): pods of the pool select on exactly these. An EKS
   * managed node group's nodes carry `eks.amazonaws.com/nodegroup: <node group name>`.
   */
  readonly labels: { [key: string]: string };
  /**
   * Taints every node of the group carries (`kubectl describe node`): pods of the pool
   * tolerate exactly these.
   * @default - none
   */
  readonly taints?: NodeTaint[];
  /** The most nodes the group scales to (its maximum size). */
  readonly maxNodes: number;
  /**
   * GPUs per node. Derived from the GPU catalogue by instance type (the smallest count among
   * the types); when given, it must agree with the catalogue.
   * @default - from the GPU catalogue (0 for a type with no NVIDIA GPU)
   */
  readonly gpusPerNode?: number;
  /**
   * Memory per GPU in GiB, as AWS lists it. Derived from the GPU catalogue; when given, it
   * must agree with the catalogue.
   * @default - from the GPU catalogue (0 for a type with no NVIDIA GPU)
   */
  readonly gpuMemoryGiB?: number;
  /**
   * Whether the nodes have EFA interfaces attached (every instance type must support EFA).
   * @default false
   */
  readonly efa?: boolean;
}

/** What {@link ExistingClusterContract.create} takes: what the user knows about their cluster. */
export interface ExistingClusterProps {
  /** The cluster's name (`aws eks list-clusters`). */
  readonly clusterName: string;
  /** The AWS region of the cluster, e.g. `us-west-2`. */
  readonly region: string;
  /** The cluster's Kubernetes version (`1.34`): manifests and Pod Security labels follow it. */
  readonly kubernetesVersion: string;
  /**
   * The VPC's IPv4 block (`aws ec2 describe-vpcs`): the API server's private endpoint and the
   * nodes are there, so the NetworkPolicies of pods that reach them name this block.
   */
  readonly vpcCidr: string;
  /** The node groups the platform may place workloads on. */
  readonly nodeGroups: ExistingNodeGroup[];
  /**
   * The AWS account id (12 digits). The Kubernetes layer does not use it.
   * @default - unknown (an empty string in the contract)
   */
  readonly accountId?: string;
  /**
   * Platform name (a DNS-1123 label): the prefix of names the platform derives.
   * @default "cnai"
   */
  readonly platformName?: string;
  /**
   * Environment (a DNS-1123 label).
   * @default "prod"
   */
  readonly environment?: string;
  /**
   * Buckets the platform may use (model weights from S3 need a workload identity too).
   * @default - none: constructs that need a bucket say so
   */
  readonly buckets?: BucketsContract;
  /**
   * EKS Pod Identity associations that exist for service accounts the platform creates.
   * @default - none
   */
  readonly workloadIdentities?: WorkloadIdentityContract[];
}

/** The oldest Kubernetes minor version the library's objects work on. */
export const MIN_KUBERNETES_MINOR = 27;

/**
 * Labels every node of a cluster carries: selecting on them alone selects every node.
 * (`node.kubernetes.io/instance-type` is not here: it names the instance type, which is selective.)
 */
const CLUSTER_WIDE_LABELS = ['kubernetes.io/os', 'kubernetes.io/arch', 'beta.kubernetes.io/os', 'beta.kubernetes.io/arch'];

const LABEL_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const EC2_TYPE = /^[a-z][a-z0-9-]*\.[a-z0-9-]+$/;

/** Why the GPU catalogue decides the GPU facts of a node group. */
const FROM_CATALOGUE = 'leave it out: it is derived from instanceTypes (or correct instanceTypes if the nodes are of another type)';

/**
 * The platform contract of a Kubernetes cluster the user already runs, for the Kubernetes
 * layer alone (no cdktf, no contract file):
 *
 * ```ts
 * const contract = ExistingClusterContract.create({
 *   clusterName: 'ml-prod', region: 'us-west-2', kubernetesVersion: '1.34', vpcCidr: '10.20.0.0/16',
 *   nodeGroups: [{
 *     name: 'gpu-a10g', instanceTypes: ['g5.2xlarge'], maxNodes: 4,
 *     labels: { 'eks.amazonaws.com/nodegroup': 'gpu-a10g' },
 *     taints: [{ key: 'nvidia.com/gpu', value: 'true', effect: TaintEffect.NO_SCHEDULE }],
 *   }],
 * });
 * ```
 *
 * Each node group becomes a pool of provisioner `EXISTING`: workloads select its nodes with
 * exactly the labels given and tolerate exactly the taints given; GPUs per node and memory
 * per GPU come from the GPU catalogue. Every mistake is reported at once, each naming the
 * node group's prop, the value and the fix.
 */
export class ExistingClusterContract {
  /**
   * Builds and validates the contract.
   * @deprecated use {@link ExistingClusterContract.create} (`build` is reserved in other languages' builders)
   * @jsii ignore the name `build` clashes with the builders jsii generates
   */
  public static build(props: ExistingClusterProps): PlatformContract {
    return ExistingClusterContract.create(props);
  }

  /**
   * Builds and validates the contract.
   * @throws CnaiError (one problem) or CnaiValidationError (several), each naming the prop, the value and the fix
   */
  public static create(props: ExistingClusterProps): PlatformContract {
    const where = `ExistingClusterContract(${typeof props.clusterName === 'string' ? props.clusterName : '?'})`;
    const problems = new ProblemCollector();
    const p = (prop: string, value: unknown, problem: string, fix: string): ProblemDetails => ({ construct: where, prop, value, problem, fix });

    problems.check(satisfiesNameRule(props.clusterName, NAME_RULES.eksCluster), p('clusterName', props.clusterName,
      `not an EKS cluster name; it must be ${NAME_RULES.eksCluster.description}`, 'give the cluster\'s name as `aws eks list-clusters` prints it'));
    problems.check(isAwsRegion(props.region), p('region', props.region, 'not an AWS region code', 'use a region code such as "us-west-2" or "eu-central-1"'));
    const minor = /^1\.(\d+)$/.exec(typeof props.kubernetesVersion === 'string' ? props.kubernetesVersion : '');
    if (!minor) {
      problems.add(p('kubernetesVersion', props.kubernetesVersion, 'not a Kubernetes minor version',
        'give it as "1.<minor>", e.g. "1.34" (`kubectl version` prints the server\'s)'));
    } else {
      problems.check(Number(minor[1]) >= MIN_KUBERNETES_MINOR, p('kubernetesVersion', props.kubernetesVersion,
        `older than 1.${MIN_KUBERNETES_MINOR}, the oldest version whose APIs the platform's objects use (CronJob time zones, PodDisruptionBudget unhealthyPodEvictionPolicy)`,
        `upgrade the cluster to 1.${MIN_KUBERNETES_MINOR} or later first`));
    }
    problems.capture(() => Cidr.parse(props.vpcCidr, where, 'vpcCidr'));
    if (props.accountId !== undefined) {
      problems.check(isAwsAccountId(props.accountId), p('accountId', props.accountId, 'an AWS account id has exactly 12 digits',
        'give the 12-digit account id as a string, e.g. "123456789012", or leave it out'));
    }
    const platformName = props.platformName ?? 'cnai';
    const environment = props.environment ?? 'prod';
    problems.check(satisfiesNameRule(platformName, NAME_RULES.dns1123Label), p('platformName', platformName,
      `not a valid ${NAME_RULES.dns1123Label.kind}; it must be ${NAME_RULES.dns1123Label.description}`, 'choose a short lowercase name, e.g. "cnai"'));
    problems.check(satisfiesNameRule(environment, NAME_RULES.dns1123Label), p('environment', environment,
      `not a valid ${NAME_RULES.dns1123Label.kind}; it must be ${NAME_RULES.dns1123Label.description}`, 'choose a short lowercase name, e.g. "prod"'));

    const groups = Array.isArray(props.nodeGroups) ? props.nodeGroups : [];
    if (!Array.isArray(props.nodeGroups)) {
      problems.add(p('nodeGroups', props.nodeGroups, 'not a list of node groups', 'list the node groups the platform may use, e.g. [{ name, instanceTypes, labels, maxNodes }]'));
    }
    const pools: NodePoolContract[] = [];
    groups.forEach((g, i) => {
      const pool = problems.capture(() => ExistingClusterContract.nodePool(g, where, `nodeGroups[${i}]`));
      if (pool) pools.push(pool);
    });
    groups.forEach((g, i) => {
      const first = groups.findIndex((h) => h.name === g.name);
      problems.check(first === i, p(`nodeGroups[${i}].name`, g.name, `nodeGroups[${first}] has the same name`, 'give each node group its own name'));
    });
    // A pool's selector must not match the nodes of another pool: pods would land on the wrong GPUs.
    groups.forEach((g, i) => groups.forEach((h, j) => {
      if (i === j || !isLabelMap(g.labels) || !isLabelMap(h.labels) || Object.keys(g.labels).length === 0) return;
      const matches = Object.entries(g.labels).every(([k, v]) => h.labels[k] === v);
      // The same labels on two groups: reported once, on the later one.
      if (matches && i < j && Object.keys(h.labels).length === Object.keys(g.labels).length) return;
      problems.check(!matches, p(`nodeGroups[${i}].labels`, g.labels,
        `every node of nodeGroups[${j}] (${h.name}) carries these labels too, so pods meant for ${g.name} could be placed on ${h.name}'s nodes`,
        `add a label only ${g.name}'s nodes carry, e.g. "eks.amazonaws.com/nodegroup": "<its node group name>" for an EKS managed node group`));
    }));
    problems.throwIfAny();

    return {
      platformName,
      environment,
      region: props.region,
      accountId: props.accountId ?? '',
      clusterName: props.clusterName,
      kubernetesVersion: props.kubernetesVersion,
      vpcCidr: props.vpcCidr,
      buckets: props.buckets ? { ...props.buckets } : { models: '', datasets: '' },
      nodePools: pools,
      workloadIdentities: (props.workloadIdentities ?? []).map((w) => ({ ...w })),
      awsLayer: false,
    };
  }

  /**
   * The pool contract of one existing node group, validated: labels to select on, taints,
   * GPU facts from the catalogue (given facts must agree with it).
   * @param group the node group
   * @param construct construct path (or contract name) for the error messages
   * @param prop the prop the node group came from, for the error messages
   * @throws CnaiError (one problem) or CnaiValidationError (several)
   */
  public static nodePool(group: ExistingNodeGroup, construct: string = 'ExistingClusterContract', prop: string = 'nodeGroup'): NodePoolContract {
    const problems = new ProblemCollector();
    const p = (field: string, value: unknown, problem: string, fix: string): ProblemDetails => ({ construct, prop: `${prop}.${field}`, value, problem, fix });
    const name = group.name;
    problems.check(satisfiesNameRule(name, NAME_RULES.dns1123Label), p('name', name,
      `not a valid ${NAME_RULES.dns1123Label.kind}; it must be ${NAME_RULES.dns1123Label.description}`,
      'name the pool with lowercase letters, digits and "-", e.g. the node group\'s name "gpu-a10g"'));

    // Labels: the pool's only way to its nodes.
    const labels = isLabelMap(group.labels) ? group.labels : {};
    const nodeGroupHint = `e.g. { "eks.amazonaws.com/nodegroup": "${typeof name === 'string' ? name : '<node group name>'}" } for an EKS managed node group`;
    if (!isLabelMap(group.labels) || Object.keys(labels).length === 0) {
      problems.add(p('labels', group.labels, 'the node group lists no label, so the platform has nothing to select its nodes with and its pods could land on any node',
        `list labels its nodes really carry (kubectl get nodes --show-labels), ${nodeGroupHint}`));
    } else if (Object.keys(labels).every((k) => CLUSTER_WIDE_LABELS.includes(k))) {
      problems.add(p('labels', labels, `${Object.keys(labels).join(', ')} ${Object.keys(labels).length === 1 ? 'is' : 'are'} on every node of the cluster, so selecting on ${Object.keys(labels).length === 1 ? 'it' : 'them'} selects every node`,
        `add a label only this node group's nodes carry, ${nodeGroupHint}`));
    }
    for (const [k, v] of Object.entries(labels)) {
      const problem = labelKeyProblem(k);
      if (problem) problems.add(p(`labels[${JSON.stringify(k)}]`, k, `not a Kubernetes label key: ${problem}`, 'copy the key from `kubectl get nodes --show-labels`'));
      problems.check(typeof v === 'string' && satisfiesNameRule(v, NAME_RULES.labelValue), p(`labels[${JSON.stringify(k)}]`, v,
        `not a Kubernetes label value; it must be ${NAME_RULES.labelValue.description}`, 'copy the value from `kubectl get nodes --show-labels`'));
    }

    const taints = Array.isArray(group.taints) ? group.taints : [];
    if (group.taints !== undefined && !Array.isArray(group.taints)) {
      problems.add(p('taints', group.taints, 'not a list of taints', 'list them as [{ key, value, effect }], or leave taints out'));
    }
    taints.forEach((t, i) => {
      const keyProblem = labelKeyProblem(t.key);
      if (keyProblem) problems.add(p(`taints[${i}].key`, t.key, `not a taint key: ${keyProblem}`, 'copy the key from `kubectl describe node` (Taints:)'));
      if (t.value !== undefined) {
        problems.check(typeof t.value === 'string' && satisfiesNameRule(t.value, NAME_RULES.labelValue), p(`taints[${i}].value`, t.value,
          `not a taint value; it must be ${NAME_RULES.labelValue.description}`, 'copy the value from `kubectl describe node`, or leave it out for a taint without value'));
      }
      problems.check(Object.values(TaintEffect).includes(t.effect), p(`taints[${i}].effect`, t.effect,
        `not a taint effect (${Object.values(TaintEffect).join(', ')})`, 'use TaintEffect.NO_SCHEDULE, PREFER_NO_SCHEDULE or NO_EXECUTE'));
    });

    problems.check(Number.isInteger(group.maxNodes) && group.maxNodes >= 0, p('maxNodes', group.maxNodes, 'not a whole number of nodes',
      'give the node group\'s maximum size (aws eks describe-nodegroup ... --query nodegroup.scalingConfig.maxSize)'));

    // GPU facts from the catalogue.
    const types = Array.isArray(group.instanceTypes) ? group.instanceTypes : [];
    if (types.length === 0) {
      problems.add(p('instanceTypes', group.instanceTypes, 'no instance type given', 'list the EC2 instance types the node group launches, e.g. ["g5.2xlarge"]'));
    }
    const gpuTypes: GpuInstanceType[] = [];
    const cpuTypes: string[] = [];
    types.forEach((t, i) => {
      const at = `${prop}.instanceTypes[${i}]`;
      const lower = typeof t === 'string' ? t.trim().toLowerCase() : '';
      const gpuFamily = GpuInstanceType.families().includes(lower.split('.')[0]);
      if (!EC2_TYPE.test(lower)) {
        problems.add({
          construct,
          prop: at,
          value: t,
          problem: 'not an EC2 instance type name (family.size)',
          fix: 'give the type as `kubectl get nodes -L node.kubernetes.io/instance-type` shows it, e.g. "g5.2xlarge" or "m6i.xlarge"',
        });
      } else if (gpuFamily || GpuInstanceType.closeMatches(lower).length > 0) {
        // A GPU family of the catalogue (any size must be known), or a likely typo of one.
        const found = problems.capture(() => GpuInstanceType.of(t, construct, at));
        if (found) gpuTypes.push(found);
      } else {
        cpuTypes.push(lower);
      }
    });
    const gpuCount = gpuTypes.length > 0 ? Math.min(...gpuTypes.map((t) => t.gpuCount)) : 0;
    const gpuMemory = gpuTypes.length > 0 ? Math.min(...gpuTypes.map((t) => t.gpuMemoryGiB)) : 0;
    const describe = (ts: GpuInstanceType[]) => ts.map((t) => `${t.name} has ${t.gpuCount} x ${t.gpuModel} (${t.gpuMemoryGiB} GiB)`).join(', ');
    if (gpuTypes.length > 0 && cpuTypes.length > 0) {
      problems.add(p('instanceTypes', types, `mixes GPU types (${gpuTypes.map((t) => t.name).join(', ')}) with types that have no NVIDIA GPU (${cpuTypes.join(', ')}), so pods asking for GPUs could wait for nodes without any`,
        'describe the GPU and the CPU instance types as two node groups with their own labels'));
    } else if (gpuTypes.length === 0 && cpuTypes.length > 0 && ((group.gpusPerNode ?? 0) > 0 || (group.gpuMemoryGiB ?? 0) > 0)) {
      const field = (group.gpusPerNode ?? 0) > 0 ? 'gpusPerNode' : 'gpuMemoryGiB';
      problems.add(p(field, group[field], `${cpuTypes.join(', ')} ${cpuTypes.length === 1 ? 'is' : 'are'} not in the GPU catalogue (no NVIDIA GPU the platform knows), so the GPU facts cannot be checked`,
        `give the node group's GPU instance type (families ${GpuInstanceType.families().join(', ')}), or leave ${field} out for a CPU node group`));
    } else if (gpuTypes.length > 0) {
      if (group.gpusPerNode !== undefined && group.gpusPerNode !== gpuCount) {
        problems.add(p('gpusPerNode', group.gpusPerNode, `the GPU catalogue says ${describe(gpuTypes)}${gpuTypes.length > 1 ? ` (the pool counts the smallest, ${gpuCount})` : ''}`, FROM_CATALOGUE));
      }
      if (group.gpuMemoryGiB !== undefined && group.gpuMemoryGiB !== gpuMemory) {
        problems.add(p('gpuMemoryGiB', group.gpuMemoryGiB, `the GPU catalogue says ${describe(gpuTypes)}${gpuTypes.length > 1 ? ` (the pool counts the smallest, ${gpuMemory} GiB)` : ''}`, FROM_CATALOGUE));
      }
    }
    const efa = group.efa === true;
    if (efa) {
      const without = [...gpuTypes.filter((t) => !t.efaSupported).map((t) => t.name), ...cpuTypes];
      problems.check(without.length === 0, p('efa', true, `${without.join(', ')} ${without.length === 1 ? 'does' : 'do'} not support EFA in the GPU catalogue`,
        `leave efa out, or use types with EFA (${efaTypes(gpuTypes).join(', ')})`));
    }
    problems.throwIfAny();

    return {
      name,
      provisioner: NodePoolProvisioner.EXISTING,
      instanceTypes: types.map((t) => t.trim().toLowerCase()),
      labels: { ...labels },
      taints: taints.map((t) => (t.value === undefined ? { key: t.key, effect: t.effect } : { key: t.key, value: t.value, effect: t.effect })),
      gpusPerNode: gpuCount,
      gpuMemoryGiB: gpuMemory,
      efa,
      maxNodes: group.maxNodes,
    };
  }
}

/** EFA types of the families given (else of every family), the largest few. */
function efaTypes(given: GpuInstanceType[]): string[] {
  const families = new Set(given.map((t) => t.family));
  const all = GpuInstanceType.all().filter((t) => t.efaSupported);
  const same = all.filter((t) => families.has(t.family));
  return (same.length > 0 ? same : all.filter((t) => t.gpuCount >= 8)).map((t) => t.name);
}

function isLabelMap(value: unknown): value is { [key: string]: string } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Why `key` is not a qualified name (`[prefix/]name`), or undefined when it is one. */
function labelKeyProblem(key: string): string | undefined {
  if (typeof key !== 'string' || key.length === 0) return 'empty';
  const slash = key.lastIndexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if (prefix !== undefined && !satisfiesNameRule(prefix, NAME_RULES.dns1123Subdomain)) return `the prefix ${JSON.stringify(prefix)} is not a DNS subdomain`;
  if (name.length === 0 || name.length > 63 || !LABEL_NAME.test(name)) {
    return 'the name part must be 1 to 63 letters, digits, "-", "_" and ".", starting and ending with a letter or digit';
  }
  return undefined;
}
