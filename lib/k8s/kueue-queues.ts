import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { INodePool, isGpuPool, poolSelectorLabels, poolTolerations } from './node-pool';
import { InstallPhase, syncWaveOf } from './operators';
import { SYNC_WAVE_ANNOTATION } from './pod-security';
import { IPriorityClass, WorkloadPriority } from './priority-class';
import { GPU_RESOURCE } from '../core/contract';
import { invalidProp, ProblemCollector } from '../core/errors';
import { NAME_RULES, assertName } from '../core/names';
import {
  ClusterQueue,
  ClusterQueueSpecPreemptionReclaimWithinCohort,
  ClusterQueueSpecPreemptionWithinClusterQueue,
  ClusterQueueSpecQueueingStrategy,
  ClusterQueueSpecResourceGroupsFlavorsResourcesBorrowingLimit,
  ClusterQueueSpecResourceGroupsFlavorsResourcesNominalQuota,
  ResourceFlavor,
} from '../imports/kueue.x-k8s.io';

/** Label on a team's namespaces; its ClusterQueue admits workloads from those namespaces only. */
export const TEAM_LABEL = 'cnai.io/team';

/** A team's quota on one pool. */
export interface TeamPoolQuota {
  /** The pool. */
  readonly pool: INodePool;
  /**
   * Nominal GPUs (`nvidia.com/gpu`; time-sliced shares on a time-sliced pool).
   * @default 0
   */
  readonly gpus?: number;
  /**
   * Nominal vCPUs.
   * @default - 8 vCPUs per nominal GPU, else 0
   */
  readonly cpu?: number;
  /**
   * Nominal memory in GiB.
   * @default - 32 GiB per nominal GPU, else 0
   */
  readonly memoryGiB?: number;
  /**
   * GPUs the team may borrow from idle quota of other teams in the cohort.
   * @default - as many as its nominal GPUs (a team can at most double its share)
   */
  readonly gpuBorrowingLimit?: number;
}

/** What is reclaimed from borrowers when a team needs its own quota back. */
export enum ReclaimPolicy {
  /** Preempt borrowing workloads of other teams, whatever their priority. */
  ANY = 'Any',
  /** Preempt only borrowing workloads of lower priority. */
  LOWER_PRIORITY = 'LowerPriority',
  /** Never preempt other teams' workloads. */
  NEVER = 'Never',
}

/** Props of {@link KueueQueues}. */
export interface KueueQueuesProps {
  /** The pools queues may use: one ResourceFlavor each. */
  readonly pools: INodePool[];
  /**
   * Cohort the teams' ClusterQueues share (they borrow idle quota from each other).
   * @default "cnai-platform"
   */
  readonly cohort?: string;
  /**
   * Schedulable GPUs of a pool (e.g. NvidiaGpuSupport.schedulableGpus for time-sliced pools).
   * @default - the pool's physical GPUs (`maxGpus`)
   */
  readonly capacityOf?: IGpuCapacity;
  /**
   * Reclaim within the cohort.
   * @default ReclaimPolicy.ANY
   */
  readonly reclaimWithinCohort?: ReclaimPolicy;
  /**
   * Emit the platform's PriorityClasses (Kueue uses pod priority for workload priority).
   * @default true
   */
  readonly priorityClasses?: boolean;
}

/** Answers how many `nvidia.com/gpu` a pool can ever advertise. */
export interface IGpuCapacity {
  /** The most schedulable GPUs of the pool. */
  schedulableGpus(pool: INodePool): number;
}

/** Priority classes of the platform's workloads. */
export const WORKLOAD_PRIORITIES = {
  /** Production serving and deadline jobs; may preempt lower ones. */
  high: { name: 'cnai-high', value: 10000 },
  /** Ordinary training and batch jobs. */
  normal: { name: 'cnai-normal', value: 1000 },
  /** Opportunistic work (sweeps, notebooks): never preempts, first to be preempted. */
  low: { name: 'cnai-low', value: 100 },
};

/** One team's ClusterQueue with the quotas it resolved. */
export class TeamClusterQueue {
  /** Team name; also the ClusterQueue name. */
  public readonly team: string;
  /** Nominal GPUs per pool name. */
  public readonly nominalGpus: { [pool: string]: number };
  /** GPU borrowing limit per pool name. */
  public readonly gpuBorrowingLimits: { [pool: string]: number };
  /** Nominal vCPUs summed over pools. */
  public readonly totalCpu: number;
  /** Nominal memory in GiB summed over pools. */
  public readonly totalMemoryGiB: number;
  /** The ClusterQueue object. */
  public readonly apiObject: ClusterQueue;

  /** @internal */
  constructor(team: string, nominal: { [pool: string]: number }, borrow: { [pool: string]: number }, cpu: number, mem: number, obj: ClusterQueue) {
    this.team = team;
    this.nominalGpus = nominal;
    this.gpuBorrowingLimits = borrow;
    this.totalCpu = cpu;
    this.totalMemoryGiB = mem;
    this.apiObject = obj;
  }

  /** Nominal GPUs summed over pools. */
  public get totalGpus(): number {
    return Object.values(this.nominalGpus).reduce((a, b) => a + b, 0);
  }

  /** The most GPUs the team can ever use: nominal plus borrowing limits, over all pools. */
  public get gpuCeiling(): number {
    return this.totalGpus + Object.values(this.gpuBorrowingLimits).reduce((a, b) => a + b, 0);
  }
}

/**
 * Kueue scheduling for the platform (kueue.x-k8s.io/v1beta2, the storage version of the
 * pinned release): one ResourceFlavor per pool with the pool's node labels and
 * tolerations; a ClusterQueue per team in a shared cohort with nominal quotas for cpu,
 * memory and nvidia.com/gpu, borrowing limits and preemption; PriorityClasses.
 * Team namespaces add their LocalQueue (see TeamNamespace).
 * @see https://kueue.sigs.k8s.io/docs/concepts/cluster_queue/
 */
export class KueueQueues extends Construct {
  /** The cohort. */
  public readonly cohort: string;
  /** The pools, in flavor order (CPU pools first, so CPU-only jobs never land on GPU nodes). */
  public readonly pools: INodePool[];
  /** ResourceFlavors by pool name. */
  public readonly flavors: { [pool: string]: ResourceFlavor } = {};
  /** Teams by name. */
  public readonly teams: { [team: string]: TeamClusterQueue } = {};
  /** Reclaim policy. */
  public readonly reclaimWithinCohort: ReclaimPolicy;
  /** Whether the platform's PriorityClasses are emitted. */
  public readonly emitsPriorityClasses: boolean;
  private readonly capacityOf?: IGpuCapacity;

  constructor(scope: Construct, id: string, props: KueueQueuesProps) {
    super(scope, id);
    const where = this.node.path;
    this.cohort = assertName(where, 'cohort', props.cohort ?? 'cnai-platform', NAME_RULES.dns1123Subdomain);
    this.reclaimWithinCohort = props.reclaimWithinCohort ?? ReclaimPolicy.ANY;
    this.capacityOf = props.capacityOf;
    this.pools = [...props.pools.filter((p) => !isGpuPool(p)), ...props.pools.filter(isGpuPool)];
    const wave = { [SYNC_WAVE_ANNOTATION]: String(syncWaveOf(InstallPhase.PLATFORM)) };
    for (const pool of this.pools) {
      if (this.flavors[pool.poolName]) {
        throw invalidProp(where, 'pools', pool.poolName, 'pool listed twice', 'list each pool once');
      }
      this.flavors[pool.poolName] = new ResourceFlavor(this, `Flavor-${pool.poolName}`, {
        metadata: { name: pool.poolName, annotations: wave },
        spec: {
          nodeLabels: poolSelectorLabels(pool),
          // Kueue adds these to the pods it admits on this flavor, so a job needs no
          // toleration of its own to reach a tainted GPU pool.
          tolerations: poolTolerations(pool).map((t) => ({ key: t.key, operator: t.operator, value: t.value, effect: t.effect })),
        },
      });
    }
    this.emitsPriorityClasses = props.priorityClasses ?? true;
    if (this.emitsPriorityClasses) {
      for (const [key, p] of Object.entries(WORKLOAD_PRIORITIES)) {
        new k8s.KubePriorityClass(this, `Priority-${key}`, {
          metadata: { name: p.name, annotations: wave },
          value: p.value,
          globalDefault: false,
          preemptionPolicy: key === 'low' ? 'Never' : 'PreemptLowerPriority',
          description: `cnai-constructs workload priority "${key}"`,
        });
      }
    }
    // The cohort as a whole must fit the pools; checked once every team is known.
    this.node.addValidation({ validate: () => { this.checkCohortFits(); return []; } });
  }

  /**
   * One of the platform's PriorityClasses, for a pod's `priorityClassName`.
   * @throws CnaiError when the queues were made with `priorityClasses: false` (no such PriorityClass would exist)
   */
  public priorityClass(priority: WorkloadPriority): IPriorityClass {
    if (!this.emitsPriorityClasses) {
      throw invalidProp(this.node.path, 'priorityClasses', false, `the PriorityClass "${WORKLOAD_PRIORITIES[priority].name}" is not created, and a pod naming it would be rejected`,
        'leave priorityClasses on, or give the pods a PriorityClass the cluster has (PriorityClassReference.fromName)');
    }
    return { priorityClassName: WORKLOAD_PRIORITIES[priority].name };
  }

  /** The most schedulable GPUs of a pool. */
  public capacity(pool: INodePool): number {
    return this.capacityOf ? this.capacityOf.schedulableGpus(pool) : pool.maxGpus;
  }

  /**
   * Adds a team's ClusterQueue.
   * @param team team name (a DNS-1123 label); its namespaces carry `cnai.io/team=<team>`
   * @param quotas the team's quotas per pool
   */
  public addTeam(team: string, quotas: TeamPoolQuota[]): TeamClusterQueue {
    const where = `${this.node.path}/${team}`;
    assertName(where, 'team', team, NAME_RULES.dns1123Label);
    if (this.teams[team]) {
      throw invalidProp(this.node.path, 'team', team, 'two teams have the same name', 'give each team its own name');
    }
    const problems = new ProblemCollector();
    const byPool = new Map<string, TeamPoolQuota>();
    quotas.forEach((q, i) => {
      const pool = this.flavors[q.pool.poolName] ? this.pools.find((p) => p.poolName === q.pool.poolName) : undefined;
      if (!pool) {
        problems.add({
          construct: where,
          prop: `quotas[${i}].pool`,
          value: q.pool.poolName,
          problem: 'not one of the pools of the queues',
          fix: `use one of ${this.pools.map((p) => p.poolName).join(', ')}`,
        });
        return;
      }
      if (byPool.has(pool.poolName)) {
        problems.add({ construct: where, prop: `quotas[${i}].pool`, value: pool.poolName, problem: 'two quotas for the same pool', fix: 'merge them into one quota' });
        return;
      }
      const gpus = q.gpus ?? 0;
      const cap = this.capacity(pool);
      for (const [prop, v] of [['gpus', gpus], ['cpu', q.cpu], ['memoryGiB', q.memoryGiB], ['gpuBorrowingLimit', q.gpuBorrowingLimit]] as [string, number | undefined][]) {
        if (v !== undefined && (!Number.isFinite(v) || v < 0 || (prop !== 'memoryGiB' && prop !== 'cpu' && !Number.isInteger(v)))) {
          problems.add({ construct: where, prop: `quotas[${i}].${prop}`, value: v, problem: 'not a non-negative quantity', fix: 'give 0 or more (whole GPUs)' });
        }
      }
      if (gpus > 0 && !isGpuPool(pool)) {
        problems.add({ construct: where, prop: `quotas[${i}].gpus`, value: gpus, problem: `pool ${pool.poolName} has no GPUs`, fix: 'give GPU quota on a GPU pool' });
      } else if (gpus > cap) {
        problems.add({
          construct: where,
          prop: `quotas[${i}].gpus`,
          value: gpus,
          problem: `asks for more GPUs than pool ${pool.poolName} can ever hold (${cap} = its most nodes x GPUs per node${cap !== pool.maxGpus ? ' x time-slicing replicas' : ''})`,
          fix: `lower the quota to at most ${cap}, or raise the pool's maximum size`,
        });
      }
      byPool.set(pool.poolName, q);
    });
    problems.throwIfAny();

    const nominal: { [pool: string]: number } = {};
    const borrow: { [pool: string]: number } = {};
    let cpuSum = 0;
    let memSum = 0;
    const flavors = this.pools.filter((p) => byPool.has(p.poolName)).map((pool) => {
      const q = byPool.get(pool.poolName)!;
      const gpus = q.gpus ?? 0;
      const cpu = q.cpu ?? gpus * 8;
      const mem = q.memoryGiB ?? gpus * 32;
      // Borrowing past the pool's size would only queue workloads that can never run.
      const gpuBorrow = Math.min(q.gpuBorrowingLimit ?? gpus, Math.max(0, this.capacity(pool) - gpus));
      nominal[pool.poolName] = gpus;
      borrow[pool.poolName] = gpuBorrow;
      cpuSum += cpu;
      memSum += mem;
      return {
        name: pool.poolName,
        resources: [
          quota('cpu', quantity(cpu), quantity(cpu)),
          quota('memory', `${quantity(mem)}Gi`, `${quantity(mem)}Gi`),
          quota(GPU_RESOURCE, gpus, gpuBorrow),
        ],
      };
    });
    if (flavors.length === 0) {
      throw invalidProp(where, 'quotas', [], 'no quota given', 'give the team a quota on at least one pool');
    }
    const cq = new ClusterQueue(this, `ClusterQueue-${team}`, {
      metadata: { name: team, labels: { [TEAM_LABEL]: team }, annotations: { [SYNC_WAVE_ANNOTATION]: String(syncWaveOf(InstallPhase.PLATFORM)) } },
      spec: {
        cohortName: this.cohort,
        namespaceSelector: { matchLabels: { [TEAM_LABEL]: team } },
        queueingStrategy: ClusterQueueSpecQueueingStrategy.BEST_EFFORT_FIFO,
        preemption: {
          reclaimWithinCohort: this.reclaimWithinCohort as unknown as ClusterQueueSpecPreemptionReclaimWithinCohort,
          withinClusterQueue: ClusterQueueSpecPreemptionWithinClusterQueue.LOWER_PRIORITY,
        },
        resourceGroups: [{ coveredResources: ['cpu', 'memory', GPU_RESOURCE], flavors }],
      },
    });
    const t = new TeamClusterQueue(team, nominal, borrow, cpuSum, memSum, cq);
    this.teams[team] = t;
    return t;
  }

  private checkCohortFits(): void {
    const problems = new ProblemCollector();
    for (const pool of this.pools) {
      const sum = Object.values(this.teams).reduce((a, t) => a + (t.nominalGpus[pool.poolName] ?? 0), 0);
      const cap = this.capacity(pool);
      problems.check(sum <= cap, {
        construct: this.node.path,
        prop: `teams[*].quotas(${pool.poolName}).gpus`,
        value: sum,
        problem: `the teams' nominal GPU quotas on pool ${pool.poolName} add up to more than the pool can ever hold (${cap})`,
        fix: 'lower the teams\' quotas (they can still borrow idle GPUs), or raise the pool\'s maximum size',
      });
    }
    problems.throwIfAny();
  }
}

function quota(name: string, nominal: number | string, borrowing: number | string) {
  return {
    name,
    nominalQuota: typeof nominal === 'number'
      ? ClusterQueueSpecResourceGroupsFlavorsResourcesNominalQuota.fromNumber(nominal)
      : ClusterQueueSpecResourceGroupsFlavorsResourcesNominalQuota.fromString(nominal),
    borrowingLimit: typeof borrowing === 'number'
      ? ClusterQueueSpecResourceGroupsFlavorsResourcesBorrowingLimit.fromNumber(borrowing)
      : ClusterQueueSpecResourceGroupsFlavorsResourcesBorrowingLimit.fromString(borrowing),
  };
}

function quantity(n: number): string {
  return Number.isInteger(n) ? String(n) : String(Math.round(n * 1000) / 1000);
}
