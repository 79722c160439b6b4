import { ApiObject } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { ALLOW_DNS_POLICY, DEFAULT_DENY_POLICY, PLATFORM_NAMESPACE_LABELS, allowDnsSpec, defaultDenySpec } from './common/namespace-isolation';
import { TEAM_LABEL, TeamClusterQueue } from './kueue-queues';
import { InstallPhase, syncWaveOf } from './operators';
import { PodSecurityLevel, SYNC_WAVE_ANNOTATION, assertNamespacesDeclared, createNamespace } from './pod-security';
import { INamespaceOwner, WorkloadSelector } from './workload-selector';
import { GPU_RESOURCE } from '../core/contract';
import { invalidProp } from '../core/errors';
import { NAME_RULES, assertName } from '../core/names';
import { LocalQueue } from '../imports/kueue.x-k8s.io';

/** Network protocol of a flow. */
export enum FlowProtocol {
  /** TCP. */
  TCP = 'TCP',
  /** UDP. */
  UDP = 'UDP',
}

/** A namespace's resource ceiling (its ResourceQuota). */
export interface NamespaceQuota {
  /** GPUs (`requests.nvidia.com/gpu`). */
  readonly gpus: number;
  /** vCPUs requested (`requests.cpu`). */
  readonly cpu: number;
  /** Memory requested in GiB (`requests.memory`). */
  readonly memoryGiB: number;
  /**
   * Most pods.
   * @default 500
   */
  readonly pods?: number;
}

/** Default requests and limits of containers that declare none (the LimitRange). */
export interface ContainerDefaults {
  /**
   * Default CPU request.
   * @default "250m"
   */
  readonly cpuRequest?: string;
  /**
   * Default memory request.
   * @default "512Mi"
   */
  readonly memoryRequest?: string;
  /**
   * Default memory limit.
   * @default "2Gi"
   */
  readonly memoryLimit?: string;
}

/** Props of {@link TeamNamespace}. */
export interface TeamNamespaceProps {
  /**
   * Namespace name (a DNS-1123 label).
   * @default - the construct id
   */
  readonly name?: string;
  /**
   * Team the namespace belongs to (the `cnai.io/team` label; its ClusterQueue admits from it).
   * @default - the namespace name
   */
  readonly team?: string;
  /**
   * Pod Security level enforced. Weaker than restricted only with `podSecurityReason`.
   * @default PodSecurityLevel.RESTRICTED
   */
  readonly podSecurity?: PodSecurityLevel;
  /**
   * Why the namespace needs a weaker level (recorded as an annotation).
   * @default - none; required for a level other than restricted
   */
  readonly podSecurityReason?: string;
  /**
   * The team's ClusterQueue: the namespace gets a LocalQueue pointing at it.
   * @default - no LocalQueue
   */
  readonly clusterQueue?: TeamClusterQueue;
  /**
   * Resource ceiling.
   * @default - from the ClusterQueue (nominal plus borrowing limits), else no GPUs, 8 vCPUs, 32 GiB
   */
  readonly quota?: NamespaceQuota;
  /**
   * Container defaults.
   * @default - 250m CPU and 512Mi requested, 2Gi memory limit
   */
  readonly containerDefaults?: ContainerDefaults;
  /**
   * Groups (from the cluster's authenticator, e.g. EKS access entries) that run workloads here.
   * @default - none
   */
  readonly developerGroups?: string[];
  /**
   * Groups with read-only access.
   * @default - none
   */
  readonly viewerGroups?: string[];
  /**
   * Allow traffic between pods of this namespace (distributed training, RAG pipelines).
   * @default true
   */
  readonly allowWithinNamespace?: boolean;
  /**
   * Kubernetes version the Pod Security labels pin.
   * @default - EKS.defaultKubernetesVersion
   */
  readonly kubernetesVersion?: string;
}

/** Options of a flow. */
export interface FlowOptions {
  /**
   * Protocol.
   * @default FlowProtocol.TCP
   */
  readonly protocol?: FlowProtocol;
}

/**
 * A team's namespace with the platform's governance: Pod Security Admission (restricted by
 * default), a ResourceQuota including `requests.nvidia.com/gpu`, a LimitRange, default-deny
 * NetworkPolicies for ingress and egress plus DNS, flows between workloads allowed as
 * objects, RBAC for the team's groups, and its Kueue LocalQueue. It carries the platform's
 * namespace labels, so the platform's Prometheus selects the monitors of its workloads;
 * metrics ports admit the Prometheus pods through the flows of those workloads (e.g. LlmService).
 */
export class TeamNamespace extends Construct implements INamespaceOwner {
  public readonly namespaceName: string;
  /** Team name. */
  public readonly team: string;
  /** Pod Security level enforced. */
  public readonly podSecurity: PodSecurityLevel;
  /** The quota applied. */
  public readonly quota: NamespaceQuota;
  /** The LocalQueue, when the team has a ClusterQueue. */
  public readonly localQueue?: LocalQueue;
  /** Name of the LocalQueue (the `kueue.x-k8s.io/queue-name` label of workloads). */
  public readonly localQueueName?: string;
  /** The Namespace object. */
  public readonly namespace: ApiObject;
  /** The NetworkPolicies by name. */
  public readonly networkPolicies: { [name: string]: k8s.KubeNetworkPolicy } = {};
  private readonly peers: WorkloadSelector[] = [];
  private flowCount = 0;

  constructor(scope: Construct, id: string, props: TeamNamespaceProps = {}) {
    super(scope, id);
    const where = this.node.path;
    this.namespaceName = assertName(where, 'name', props.name ?? id, NAME_RULES.dns1123Label,
      'name the namespace with lowercase letters, digits and "-" (at most 63 characters), e.g. "team-vision"');
    this.team = assertName(where, 'team', props.team ?? this.namespaceName, NAME_RULES.labelValue);
    this.podSecurity = props.podSecurity ?? PodSecurityLevel.RESTRICTED;
    if (this.podSecurity !== PodSecurityLevel.RESTRICTED && !(props.podSecurityReason && props.podSecurityReason.trim().length >= 10)) {
      throw invalidProp(where, 'podSecurity', this.podSecurity, 'a Pod Security level weaker than restricted needs a stated reason',
        'give podSecurityReason (at least 10 characters: which workload needs what), or keep PodSecurityLevel.RESTRICTED');
    }
    if (props.clusterQueue && props.clusterQueue.team !== this.team) {
      throw invalidProp(where, 'clusterQueue', props.clusterQueue.team, `the ClusterQueue belongs to team ${props.clusterQueue.team}, not ${this.team}`,
        'pass the ClusterQueue of this team, or set team to the queue\'s team');
    }
    const cq = props.clusterQueue;
    this.quota = props.quota ?? (cq
      ? { gpus: cq.gpuCeiling, cpu: cq.totalCpu * 2, memoryGiB: cq.totalMemoryGiB * 2 }
      : { gpus: 0, cpu: 8, memoryGiB: 32 });
    const ns = this.namespaceName;
    const wave = { [SYNC_WAVE_ANNOTATION]: String(syncWaveOf(InstallPhase.PLATFORM)) };

    this.namespace = createNamespace(this, 'Namespace', {
      name: ns,
      level: this.podSecurity,
      reason: props.podSecurityReason,
      kubernetesVersion: props.kubernetesVersion,
      // The platform's namespace labels: its Prometheus selects the team's monitors (served models).
      labels: { ...PLATFORM_NAMESPACE_LABELS, [TEAM_LABEL]: this.team },
    });

    new k8s.KubeResourceQuota(this, 'Quota', {
      metadata: { name: 'team-quota', namespace: ns, annotations: wave },
      spec: {
        hard: {
          [`requests.${GPU_RESOURCE}`]: k8s.Quantity.fromString(String(this.quota.gpus)),
          'requests.cpu': k8s.Quantity.fromString(String(this.quota.cpu)),
          'requests.memory': k8s.Quantity.fromString(`${this.quota.memoryGiB}Gi`),
          'pods': k8s.Quantity.fromString(String(this.quota.pods ?? 500)),
        },
      },
    });

    const d = props.containerDefaults ?? {};
    new k8s.KubeLimitRange(this, 'Limits', {
      metadata: { name: 'container-defaults', namespace: ns, annotations: wave },
      spec: {
        limits: [{
          type: 'Container',
          defaultRequest: { cpu: k8s.Quantity.fromString(d.cpuRequest ?? '250m'), memory: k8s.Quantity.fromString(d.memoryRequest ?? '512Mi') },
          default: { memory: k8s.Quantity.fromString(d.memoryLimit ?? '2Gi') },
        }],
      },
    });

    // The same namespace-wide default-deny as the platform's own namespaces (NamespaceIsolation).
    this.policy(DEFAULT_DENY_POLICY, defaultDenySpec());
    this.policy(ALLOW_DNS_POLICY, allowDnsSpec());
    if (props.allowWithinNamespace ?? true) {
      this.policy('allow-within-namespace', {
        podSelector: {},
        policyTypes: ['Ingress', 'Egress'],
        ingress: [{ from: [{ podSelector: {} }] }],
        egress: [{ to: [{ podSelector: {} }] }],
      });
    }

    this.bindGroups('developers', 'developerGroups', props.developerGroups ?? [], this.developerRole().name);
    this.bindGroups('viewers', 'viewerGroups', props.viewerGroups ?? [], 'view', 'ClusterRole');

    if (cq) {
      this.localQueueName = this.team;
      this.localQueue = new LocalQueue(this, 'LocalQueue', {
        metadata: { name: this.localQueueName, namespace: ns, annotations: wave },
        spec: { clusterQueue: cq.apiObject.name },
      });
    }

    this.node.addValidation({ validate: () => this.checkPeers() });
  }

  /** The pods of this namespace with the given labels, as a flow peer. */
  public workloads(podLabels: { [key: string]: string } = {}): WorkloadSelector {
    return WorkloadSelector.of(this, podLabels);
  }

  /**
   * Allows `peer` to connect to pods of this namespace on `port`. When the peer's namespace
   * is another TeamNamespace, its egress is opened too.
   * @param peer the calling workload (e.g. `otherTeam.workloads({ app: 'rag' })`)
   * @param port the destination port
   * @param target the pods called (from `this.workloads(...)`); default every pod of the namespace
   */
  public allowFrom(peer: WorkloadSelector, port: number, target?: WorkloadSelector, options: FlowOptions = {}): void {
    const to = this.ownTarget('target', target);
    this.checkPort(port);
    this.peers.push(peer);
    const protocol = options.protocol ?? FlowProtocol.TCP;
    const ports = [{ protocol, port: k8s.IntOrString.fromNumber(port) }];
    this.policy(`allow-from-${this.nextFlow()}`, {
      podSelector: { matchLabels: to.podLabels },
      policyTypes: ['Ingress'],
      ingress: [{ from: [peer.toPeer()], ports }],
    });
    if (peer.owner instanceof TeamNamespace && peer.owner !== this) {
      peer.owner.policy(`allow-to-${peer.owner.nextFlow()}`, {
        podSelector: { matchLabels: { ...peer.podLabels } },
        policyTypes: ['Egress'],
        egress: [{ to: [to.toPeer()], ports }],
      });
    }
  }

  /**
   * Allows pods of this namespace to connect to `peer` on `port`. When the peer's namespace
   * is another TeamNamespace, its ingress is opened too.
   * @param peer the called workload
   * @param port the destination port
   * @param source the calling pods (from `this.workloads(...)`); default every pod of the namespace
   */
  public allowTo(peer: WorkloadSelector, port: number, source?: WorkloadSelector, options: FlowOptions = {}): void {
    const from = this.ownTarget('source', source);
    if (peer.owner instanceof TeamNamespace && peer.owner !== this) {
      peer.owner.allowFrom(from, port, peer, options);
      return;
    }
    this.checkPort(port);
    this.peers.push(peer);
    const protocol = options.protocol ?? FlowProtocol.TCP;
    this.policy(`allow-to-${this.nextFlow()}`, {
      podSelector: { matchLabels: from.podLabels },
      policyTypes: ['Egress'],
      egress: [{ to: [peer.toPeer()], ports: [{ protocol, port: k8s.IntOrString.fromNumber(port) }] }],
    });
  }

  private ownTarget(prop: string, sel?: WorkloadSelector): WorkloadSelector {
    if (!sel) return this.workloads();
    if (sel.namespace !== this.namespaceName) {
      throw invalidProp(this.node.path, prop, sel.namespace, `the workload is in namespace ${sel.namespace}, not in ${this.namespaceName}`,
        `select it with ${this.namespaceName}'s workloads(...)`);
    }
    return sel;
  }

  private checkPort(port: number): void {
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
      throw invalidProp(this.node.path, 'port', port, 'not a TCP/UDP port', 'give a port from 1 to 65535');
    }
  }

  private nextFlow(): number {
    return ++this.flowCount;
  }

  private policy(name: string, spec: k8s.NetworkPolicySpec): void {
    this.networkPolicies[name] = new k8s.KubeNetworkPolicy(this, `NetworkPolicy-${name}`, {
      metadata: { name, namespace: this.namespaceName, annotations: { [SYNC_WAVE_ANNOTATION]: String(syncWaveOf(InstallPhase.PLATFORM)) } },
      spec,
    });
  }

  /**
   * The developers' Role. Service accounts are read-only: the platform creates them, and the
   * ones with a workload identity (the training account `ml-training`, the served models') are
   * associated with IAM roles by name, so developers neither create, delete nor change them.
   * Which pods may run as the training account is the admission policy `cnai-training-identity`'s
   * to say (controllers' pods of queued Jobs, TrainJobs and Notebooks).
   */
  private developerRole(): k8s.KubeRole {
    const rw = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'];
    const ro = ['get', 'list', 'watch'];
    return new k8s.KubeRole(this, 'DeveloperRole', {
      metadata: { name: 'ml-developer', namespace: this.namespaceName },
      rules: [
        { apiGroups: [''], resources: ['pods', 'services', 'configmaps', 'persistentvolumeclaims'], verbs: rw },
        { apiGroups: [''], resources: ['pods/log', 'events', 'serviceaccounts'], verbs: ro },
        { apiGroups: [''], resources: ['pods/portforward', 'pods/exec'], verbs: ['create'] },
        { apiGroups: ['apps'], resources: ['deployments', 'statefulsets'], verbs: rw },
        { apiGroups: ['batch'], resources: ['jobs', 'cronjobs'], verbs: rw },
        { apiGroups: ['trainer.kubeflow.org'], resources: ['trainjobs'], verbs: rw },
        { apiGroups: ['kubeflow.org'], resources: ['experiments', 'notebooks'], verbs: rw },
        { apiGroups: ['serving.kserve.io'], resources: ['inferenceservices'], verbs: rw },
        { apiGroups: ['keda.sh'], resources: ['scaledobjects'], verbs: rw },
        { apiGroups: ['kueue.x-k8s.io'], resources: ['workloads', 'localqueues'], verbs: ro },
      ],
    });
  }

  private bindGroups(id: string, prop: string, groups: string[], roleName: string, kind: string = 'Role'): void {
    if (groups.length === 0) return;
    groups.forEach((g, i) => {
      if (!g || g.trim() !== g) {
        throw invalidProp(this.node.path, `${prop}[${i}]`, g, 'not a group name', 'give the group name exactly as the authenticator reports it');
      }
    });
    new k8s.KubeRoleBinding(this, `Binding-${id}`, {
      metadata: { name: `team-${id}`, namespace: this.namespaceName },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind, name: roleName },
      subjects: groups.map((name) => ({ kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name })),
    });
  }

  private checkPeers(): string[] {
    assertNamespacesDeclared(this, 'peer.namespace', this.peers.map((p) => p.namespace).filter((ns) => ns !== this.namespaceName),
      'a flow names a namespace that no Namespace object of the app declares');
    return [];
  }
}
