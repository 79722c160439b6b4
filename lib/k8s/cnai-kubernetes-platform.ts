import { ApiObject, Chart, ChartProps } from 'cdk8s';
import { Construct } from 'constructs';
import { rendersThroughSynthesizeChart, synthesizeChart } from './common/chart-synthesis';
import { SecretSource } from './common/secret-source';
import { IGpuCapacity, KueueQueues, ReclaimPolicy, TeamPoolQuota } from './kueue-queues';
import { INodePool, NodePoolReference, isGpuPool } from './node-pool';
import { GpuSharing, NvidiaGpuSupport } from './nvidia-gpu-support';
import { PlatformMonitoring } from './observability/platform-monitoring';
import { InstallPhase, KubePrometheusStack, OperatorCatalogue, OperatorRelease, syncWaveOf, OperatorRendering, PlatformOperators } from './operators';
import { PodSecurityLevel, SYNC_WAVE_ANNOTATION } from './pod-security';
import { ContainerDefaults, TeamNamespace } from './team-namespace';
import { NodePoolProvisioner, PlatformContract } from '../core/contract';
import { invalidProp, ProblemCollector } from '../core/errors';
import { NAME_RULES, assertName } from '../core/names';

/** A team of the platform. */
export interface PlatformTeam {
  /** Team name: also its namespace's name (a DNS-1123 label). */
  readonly name: string;
  /**
   * The team's quotas per pool. None (`[]`): the team gets no Kueue queue and runs no GPU
   * workloads (its namespace, RBAC and network isolation are the same).
   */
  readonly quotas: TeamPoolQuota[];
  /**
   * Groups that run workloads in the team's namespace.
   * @default - none
   */
  readonly developerGroups?: string[];
  /**
   * Groups with read-only access.
   * @default - none
   */
  readonly viewerGroups?: string[];
  /**
   * Pod Security level of the namespace.
   * @default PodSecurityLevel.RESTRICTED
   */
  readonly podSecurity?: PodSecurityLevel;
  /**
   * Why a weaker level is needed.
   * @default - none
   */
  readonly podSecurityReason?: string;
  /**
   * Container defaults of the namespace.
   * @default - see TeamNamespace
   */
  readonly containerDefaults?: ContainerDefaults;
}

/** Props of {@link CnaiKubernetesPlatform}. */
export interface CnaiKubernetesPlatformProps extends ChartProps {
  /** The platform contract from the AWS layer. */
  readonly contract: PlatformContract;
  /** The teams. */
  readonly teams: PlatformTeam[];
  /**
   * Node pools created inside the cluster (GpuNodePool), in addition to the contract's.
   * @default - only the contract's managed node groups
   */
  readonly nodePools?: INodePool[];
  /**
   * GPU sharing per pool (time-slicing, MIG).
   * @default - whole GPUs everywhere
   */
  readonly gpuSharing?: GpuSharing[];
  /**
   * Reclaim within the teams' cohort.
   * @default ReclaimPolicy.ANY
   */
  readonly reclaimWithinCohort?: ReclaimPolicy;
  /**
   * Operator releases (in a chart of their own that this chart depends on), or none when
   * the cluster already has them.
   * @default OperatorCatalogue.platformDefaults()
   */
  readonly operatorReleases?: OperatorRelease[];
  /**
   * Leave out the operators chart (the operators are installed some other way).
   * @default false
   */
  readonly withoutOperators?: boolean;
  /**
   * How operator releases are rendered.
   * @default OperatorRendering.ARGO_CD
   */
  readonly operatorRendering?: OperatorRendering;
  /**
   * Labels of the DCGM ServiceMonitor (for the Prometheus that should scrape it).
   * @default - none
   */
  readonly serviceMonitorLabels?: { [key: string]: string };
  /**
   * The metrics backend. Its release replaces the catalogue's kube-prometheus-stack release in
   * the operators chart (so customize the stack here, e.g. its alert receiver, not as a release),
   * and the monitoring namespace gets its NetworkPolicies (PlatformMonitoring).
   * @default KubePrometheusStack.fromContract(contract): remote write to the contract's managed Prometheus workspace, if any
   */
  readonly metricsBackend?: KubePrometheusStack;
  /**
   * The VPC's IPv4 block, where the API server's private endpoint and the nodes are (for the
   * NetworkPolicies of pods that reach them).
   * @default - the contract's vpcCidr, else "10.0.0.0/16" (the AWS layer's default VPC block)
   */
  readonly vpcCidr?: string;
  /**
   * Where Grafana's admin credentials come from (see PlatformMonitoring).
   * @default - the contract's generated secret (metrics.grafanaAdminSecretName), else a Secret the user creates
   */
  readonly grafanaAdmin?: SecretSource;
}

/**
 * The Kubernetes side of the platform from the platform contract and a team list: the
 * operators (pinned releases, in a chart applied first), NVIDIA GPU support on every GPU
 * pool, Kueue flavors per pool and a queue per team, and each team's namespace with its
 * quota, network isolation, RBAC and LocalQueue.
 */
export class CnaiKubernetesPlatform extends Chart {
  /** The platform contract. */
  public readonly contract: PlatformContract;
  /** All pools by name: the contract's managed node groups and the in-cluster pools. */
  public readonly pools: { [name: string]: INodePool } = {};
  /** The operators chart (applied before this one). */
  public readonly operators?: PlatformOperators;
  /** GPU support, when the platform has GPU pools that need the device plugin. */
  public readonly gpuSupport?: NvidiaGpuSupport;
  /** Kueue flavors and queues. */
  public readonly queues: KueueQueues;
  /** Team namespaces by team name. */
  public readonly teams: { [name: string]: TeamNamespace } = {};
  /** The metrics backend. */
  public readonly metricsBackend: KubePrometheusStack;
  /** The monitoring namespace's flows, StorageClass and Grafana Secret, when the operators chart installs the stack. */
  public readonly monitoring?: PlatformMonitoring;
  /** Objects known to carry a sync wave. */
  private readonly waveStamped = new WeakSet<ApiObject>();

  constructor(scope: Construct, id: string, props: CnaiKubernetesPlatformProps) {
    super(scope, id, props);
    rendersThroughSynthesizeChart(this, CnaiKubernetesPlatform.prototype.toJson);
    const where = this.node.path;
    this.contract = props.contract;
    const k8sVersion = props.contract.kubernetesVersion;

    for (const c of props.contract.nodePools) this.addPool(where, NodePoolReference.fromContract(c));
    for (const p of props.nodePools ?? []) this.addPool(where, p);

    // With a managed Prometheus workspace in the contract, the stack remote-writes there (and KEDA queries it).
    this.metricsBackend = props.metricsBackend ?? KubePrometheusStack.fromContract(props.contract);
    if (!props.withoutOperators) {
      const releases = props.operatorReleases ?? OperatorCatalogue.platformDefaults();
      const stackName = this.metricsBackend.release.name;
      const ownStack = props.metricsBackend !== undefined || this.metricsBackend !== KubePrometheusStack.platformDefault();
      this.operators = new PlatformOperators(scope, `${id}-operators`, {
        // The stack's own release, with the props of the backend the platform's objects use.
        releases: ownStack ? releases.map((r) => (r.name === stackName ? this.metricsBackend.release : r)) : releases,
        rendering: props.operatorRendering,
        kubernetesVersion: k8sVersion,
        vpcCidr: props.vpcCidr ?? props.contract.vpcCidr,
        metricsBackend: this.metricsBackend,
      });
      this.addDependency(this.operators);
      if (this.operators.release(stackName)) {
        this.monitoring = new PlatformMonitoring(this, 'Monitoring', {
          stack: this.metricsBackend, contract: props.contract, vpcCidr: props.vpcCidr ?? props.contract.vpcCidr, grafanaAdmin: props.grafanaAdmin,
        });
      }
    }

    // Auto Mode and the node groups of an existing cluster run their own device plugin.
    const devicePluginPools = Object.values(this.pools).filter((p) => isGpuPool(p)
      && p.provisioner !== NodePoolProvisioner.AUTO_MODE && p.provisioner !== NodePoolProvisioner.EXISTING);
    const sharing = (props.gpuSharing ?? []).map((s, i) => ({ ...s, pool: this.ownPool(where, `gpuSharing[${i}].pool`, s.pool) }));
    if (devicePluginPools.length > 0) {
      this.gpuSupport = new NvidiaGpuSupport(this, 'Gpu', {
        pools: devicePluginPools,
        sharing,
        kubernetesVersion: k8sVersion,
        serviceMonitorLabels: props.serviceMonitorLabels,
        metricsBackend: this.metricsBackend,
        vpcCidr: props.vpcCidr ?? props.contract.vpcCidr,
      });
    }
    const gpu = this.gpuSupport;
    const capacityOf: IGpuCapacity = {
      schedulableGpus: (p: INodePool) => (gpu && devicePluginPools.includes(p) ? gpu.schedulableGpus(p) : p.maxGpus),
    };
    this.queues = new KueueQueues(this, 'Queues', {
      pools: Object.values(this.pools),
      capacityOf,
      reclaimWithinCohort: props.reclaimWithinCohort,
    });

    const names = new ProblemCollector();
    props.teams.forEach((t, i) => names.check(props.teams.findIndex((u) => u.name === t.name) === i, {
      construct: where, prop: `teams[${i}].name`, value: t.name, problem: 'two teams have the same name', fix: 'give each team its own name',
    }));
    names.throwIfAny();
    props.teams.forEach((t, i) => {
      // The team name is its namespace's name: checked as such before it names a queue.
      assertName(where, `teams[${i}].name`, t.name, NAME_RULES.dns1123Label,
        'name the team with lowercase letters, digits and "-" (at most 63 characters): it becomes its namespace');
      const quotas = t.quotas.map((q, j) => ({ ...q, pool: this.ownPool(where, `teams[${i}].quotas[${j}].pool`, q.pool) }));
      const team = new TeamNamespace(this, `Team-${t.name}`, {
        name: t.name,
        podSecurity: t.podSecurity,
        podSecurityReason: t.podSecurityReason,
        developerGroups: t.developerGroups,
        viewerGroups: t.viewerGroups,
        containerDefaults: t.containerDefaults,
        kubernetesVersion: k8sVersion,
        // A team without quotas runs no GPU workloads: no queue (its workloads that need one are refused by name).
        clusterQueue: quotas.length > 0 ? this.queues.addTeam(t.name, quotas) : undefined,
      });
      this.teams[t.name] = team;
    });

    // Every object gets a sync wave, so an app-of-apps sync applies them in order; objects
    // added by users after construction are stamped too (validation runs before synthesis).
    this.node.addValidation({ validate: () => { this.stampWaves(); return []; } });
  }

  /**
   * The chart's objects in apply order, as cdk8s renders a chart, in time linear in the app's
   * constructs and dependencies (cdk8s's own preparation grows with the product of the two
   * charts' objects this chart's dependency on the operators chart joins).
   */
  public toJson(): any[] {
    return synthesizeChart(this);
  }

  /** A pool of the platform by name. */
  public pool(name: string): INodePool {
    const p = this.pools[name];
    if (!p) {
      throw invalidProp(this.node.path, 'pool', name, 'no such pool', `use one of ${Object.keys(this.pools).join(', ')}`);
    }
    return p;
  }

  private addPool(where: string, p: INodePool): void {
    if (this.pools[p.poolName]) {
      throw invalidProp(where, 'nodePools', p.poolName, 'two pools have the same name', 'give each pool its own name');
    }
    this.pools[p.poolName] = p;
  }

  /** The platform's own object for a pool the user passed (contract references are rebuilt by name). */
  private ownPool(where: string, prop: string, p: INodePool): INodePool {
    const own = this.pools[p.poolName];
    if (!own || JSON.stringify([own.nodeSelector(), own.tolerations()]) !== JSON.stringify([p.nodeSelector(), p.tolerations()])) {
      throw invalidProp(where, prop, p.poolName, own ? 'a different pool with the same name' : 'not one of the platform\'s pools',
        `use a pool of the contract (NodePoolReference.fromContract) or of nodePools: ${Object.keys(this.pools).join(', ')}`);
    }
    return own;
  }

  private stampWaves(): void {
    // Validation runs once per chart cdk8s renders: an object seen with its wave keeps it.
    for (const c of this.node.findAll()) {
      if (!(c instanceof ApiObject) || this.waveStamped.has(c)) continue;
      if ((c.metadata.toJson().annotations ?? {})[SYNC_WAVE_ANNOTATION] === undefined) {
        c.metadata.addAnnotation(SYNC_WAVE_ANNOTATION, String(syncWaveOf(InstallPhase.PLATFORM)));
      }
      this.waveStamped.add(c);
    }
  }
}
