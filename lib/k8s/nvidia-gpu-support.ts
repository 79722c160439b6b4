import { createHash } from 'crypto';
import { Duration, Yaml } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { apiServerEgress, DEFAULT_VPC_CIDR, isIpv4Cidr, tcpPorts } from './common/egress';
import { NamespaceIsolation, PLATFORM_NAMESPACE_LABELS } from './common/namespace-isolation';
import { Suppressions } from './common/suppressions';
import { DEVICE_PLUGIN_CONFIG_LABEL, INodePool, isGpuPool, poolsAffinity, poolsTolerations, supportsMig } from './node-pool';
import { IMetricsBackend, InstallPhase, KubePrometheusStack, syncWaveOf } from './operators';
import {
  PodSecurityLevel, REASON_ANNOTATION, SYNC_WAVE_ANNOTATION, createNamespace, restrictedContainerSecurityContext, restrictedPodSecurityContext,
} from './pod-security';
import { GPU_RESOURCE, NodePoolProvisioner } from '../core/contract';
import { invalidProp } from '../core/errors';
import { GPU_IMAGES, imageRef } from '../core/versions';
import { ServiceMonitor, ServiceMonitorSpecEndpointsRelabelingsAction } from '../imports/monitoring.coreos.com';

/** How the device plugin exposes MIG devices. */
export enum MigStrategy {
  /** MIG not used: whole GPUs. */
  NONE = 'none',
  /** All GPUs of a node are partitioned the same way; slices are advertised as `nvidia.com/gpu`. */
  SINGLE = 'single',
  /** GPUs may be partitioned differently; slices are advertised as `nvidia.com/mig-<profile>`. */
  MIXED = 'mixed',
}

/** GPU sharing settings of one pool. */
export interface GpuSharing {
  /** The pool (one of NvidiaGpuSupport's pools). */
  readonly pool: INodePool;
  /**
   * Time-slicing: how many pods may share one GPU (at least 2). No memory or fault
   * isolation between them: for small models and notebooks, not for training.
   * @default - no time-slicing
   */
  readonly timeSlicingReplicas?: number;
  /**
   * MIG strategy (A100, H100 and H200 only).
   * @default MigStrategy.NONE
   */
  readonly migStrategy?: MigStrategy;
}

/** Props of {@link NvidiaGpuSupport}. */
export interface NvidiaGpuSupportProps {
  /** The GPU pools to enable: the agents run on exactly these pools' nodes. */
  readonly pools: INodePool[];
  /**
   * Sharing settings per pool (time-slicing, MIG).
   * @default - whole GPUs on every pool
   */
  readonly sharing?: GpuSharing[];
  /**
   * Namespace of the NVIDIA components.
   * @default "nvidia-gpu"
   */
  readonly namespace?: string;
  /**
   * Run the DCGM exporter and scrape it with a ServiceMonitor.
   * @default true
   */
  readonly dcgmExporter?: boolean;
  /**
   * DCGM scrape interval.
   * @default Duration.seconds(15)
   */
  readonly scrapeInterval?: Duration;
  /**
   * Labels on the ServiceMonitor (for a Prometheus whose serviceMonitorSelector needs them).
   * @default - none
   */
  readonly serviceMonitorLabels?: { [key: string]: string };
  /**
   * Kubernetes version of the cluster (Pod Security labels).
   * @default - EKS.defaultKubernetesVersion
   */
  readonly kubernetesVersion?: string;
  /**
   * The metrics backend whose scraper reads the DCGM exporter.
   * @default KubePrometheusStack.platformDefault() (the platform's Prometheus)
   */
  readonly metricsBackend?: IMetricsBackend;
  /**
   * The VPC's address block: the device plugin's config manager reaches the API server there.
   * @default "10.0.0.0/16" (the AWS layer's default VPC)
   */
  readonly vpcCidr?: string;
}

/** The device plugin config of one pool, as the plugin reads it. */
export interface DevicePluginPoolConfig {
  /** Config name: the pool name (and the value of the per-node config label). */
  readonly name: string;
  /** Time-slicing replicas per GPU (1 = none). */
  readonly replicas: number;
  /** MIG strategy. */
  readonly migStrategy: MigStrategy;
}

const CONFIG_DIR = '/available-configs';
const CONFIG_FILE = '/config/config.yaml';
/** Pod template annotation: a digest of the pool's device plugin config, so a config change rolls the pods. */
const CONFIG_HASH_ANNOTATION = 'cnai.io/config-hash';
const DEFAULT_CONFIG = 'default';
const DCGM_PORT = 9400;

/**
 * NVIDIA GPU enablement for the platform's GPU pools: the NVIDIA device plugin (with
 * per-pool configs for time-slicing and MIG, chosen per node by the
 * `nvidia.com/device-plugin.config` label), and the DCGM exporter scraped by a
 * ServiceMonitor. Agents are placed with the pools' own selectors and tolerations.
 * The GPU driver and container toolkit come with EKS's NVIDIA AMIs.
 * @see https://github.com/NVIDIA/k8s-device-plugin#configuration-option-details
 */
export class NvidiaGpuSupport extends Construct {
  /** Namespace of the components. */
  public readonly namespace: string;
  /** The pools enabled. */
  public readonly pools: INodePool[];
  /** The device plugin config of each pool, by pool name. */
  public readonly configs: { [poolName: string]: DevicePluginPoolConfig } = {};
  /** The ConfigMap holding one named config per pool. */
  public readonly configMap: k8s.KubeConfigMap;
  /** The rendered device plugin config of each pool, by config name. */
  private readonly configData: { [name: string]: string };
  /** Device plugin DaemonSets by pool name. */
  public readonly devicePlugins: { [poolName: string]: k8s.KubeDaemonSet } = {};
  /** The DCGM exporter, when enabled. */
  public readonly dcgmExporter?: k8s.KubeDaemonSet;
  /** The ServiceMonitor of the DCGM exporter, when enabled. */
  public readonly serviceMonitor?: ServiceMonitor;
  /** The namespace's default-deny NetworkPolicies and the components' flows. */
  public readonly isolation: NamespaceIsolation;

  constructor(scope: Construct, id: string, props: NvidiaGpuSupportProps) {
    super(scope, id);
    const where = this.node.path;
    this.namespace = props.namespace ?? 'nvidia-gpu';
    this.pools = [...props.pools];
    if (this.pools.length === 0) {
      throw invalidProp(where, 'pools', [], 'no GPU pool given', 'pass the GPU pools whose nodes should advertise nvidia.com/gpu');
    }
    const seen = new Set<string>();
    this.pools.forEach((p, i) => {
      if (!isGpuPool(p)) {
        throw invalidProp(where, `pools[${i}]`, p.poolName, 'not a GPU pool (0 GPUs per node)', 'pass only pools of GPU instance types');
      }
      if (p.provisioner === NodePoolProvisioner.AUTO_MODE) {
        throw invalidProp(where, `pools[${i}]`, p.poolName, 'EKS Auto Mode nodes run their own NVIDIA device plugin',
          'leave Auto Mode pools out of NvidiaGpuSupport (they advertise nvidia.com/gpu already)');
      }
      if (seen.has(p.poolName)) {
        throw invalidProp(where, `pools[${i}]`, p.poolName, 'pool listed twice', 'list each pool once');
      }
      seen.add(p.poolName);
      this.configs[p.poolName] = { name: p.poolName, replicas: 1, migStrategy: MigStrategy.NONE };
    });
    (props.sharing ?? []).forEach((s, i) => this.configs[s.pool.poolName] = this.resolveSharing(where, i, s, seen));

    // The device plugin must reach the kubelet's socket directory on the host; that needs
    // the privileged Pod Security level for this namespace only.
    createNamespace(this, 'Namespace', {
      name: this.namespace,
      level: PodSecurityLevel.PRIVILEGED,
      reason: 'NVIDIA device plugin: registers GPUs with the kubelet through a hostPath socket directory',
      kubernetesVersion: props.kubernetesVersion,
      labels: { ...PLATFORM_NAMESPACE_LABELS },
    });
    const vpcCidr = props.vpcCidr ?? DEFAULT_VPC_CIDR;
    if (!isIpv4Cidr(vpcCidr)) {
      throw invalidProp(where, 'vpcCidr', props.vpcCidr, 'not an IPv4 CIDR block', 'give the VPC block, e.g. "10.0.0.0/16"');
    }
    // No traffic in or out of the GPU components but DNS and the flows below.
    this.isolation = NamespaceIsolation.ensure(this, this.namespace);
    // config-manager reads its node's labels from the API server.
    this.isolation.allow('device-plugin-api-server', {
      podSelector: { matchLabels: { 'app.kubernetes.io/name': 'nvidia-device-plugin' } },
      policyTypes: ['Egress'],
      egress: [apiServerEgress(vpcCidr)],
    });

    const wave = { [SYNC_WAVE_ANNOTATION]: String(syncWaveOf(InstallPhase.PLATFORM)) };
    this.configData = this.renderConfigs();
    this.configMap = new k8s.KubeConfigMap(this, 'Configs', {
      metadata: { name: 'nvidia-device-plugin-configs', namespace: this.namespace, annotations: wave },
      data: this.configData,
    });

    const sa = new k8s.KubeServiceAccount(this, 'DevicePluginServiceAccount', {
      metadata: { name: 'nvidia-device-plugin', namespace: this.namespace },
    });
    // config-manager reads its node's labels to pick the config named by nvidia.com/device-plugin.config.
    const role = new k8s.KubeClusterRole(this, 'DevicePluginRole', {
      metadata: { name: 'cnai-nvidia-device-plugin' },
      rules: [{ apiGroups: [''], resources: ['nodes'], verbs: ['get', 'list', 'watch'] }],
    });
    new k8s.KubeClusterRoleBinding(this, 'DevicePluginRoleBinding', {
      metadata: { name: 'cnai-nvidia-device-plugin' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role.name },
      subjects: [{ kind: 'ServiceAccount', name: sa.name, namespace: this.namespace }],
    });

    for (const pool of this.pools) {
      this.devicePlugins[pool.poolName] = this.devicePlugin(pool, sa.name, wave);
    }

    if (props.dcgmExporter ?? true) {
      const exporter = this.exporter(wave);
      this.dcgmExporter = exporter.daemonSet;
      const scraper = (props.metricsBackend ?? KubePrometheusStack.platformDefault()).scraper;
      this.isolation.allow('dcgm-exporter-metrics', {
        podSelector: { matchLabels: exporter.labels },
        policyTypes: ['Ingress'],
        ingress: [{ from: [scraper.toPeer()], ports: tcpPorts(DCGM_PORT) }],
      });
      this.serviceMonitor = new ServiceMonitor(this, 'DcgmServiceMonitor', {
        metadata: { name: 'dcgm-exporter', namespace: this.namespace, labels: { ...props.serviceMonitorLabels }, annotations: wave },
        spec: {
          selector: { matchLabels: exporter.labels },
          // Node labels make the pool of each GPU a metric label.
          attachMetadata: { node: true },
          endpoints: [{
            port: 'metrics',
            interval: `${(props.scrapeInterval ?? Duration.seconds(15)).toSeconds()}s`,
            relabelings: [
              { sourceLabels: ['__meta_kubernetes_node_label_cnai_io_pool'], targetLabel: 'pool', action: ServiceMonitorSpecEndpointsRelabelingsAction.REPLACE },
              { sourceLabels: ['__meta_kubernetes_pod_node_name'], targetLabel: 'node', action: ServiceMonitorSpecEndpointsRelabelingsAction.REPLACE },
            ],
          }],
        },
      });
    }
  }

  /**
   * GPUs a pod can request on one node of the pool: physical GPUs times time-slicing replicas.
   * With MIG the number depends on the partitioning, so physical GPUs are counted.
   */
  public schedulableGpusPerNode(pool: INodePool): number {
    const c = this.configs[pool.poolName];
    return pool.gpusPerNode * (c ? c.replicas : 1);
  }

  /** The most `nvidia.com/gpu` the pool can ever advertise (its GPUs times time-slicing replicas). */
  public schedulableGpus(pool: INodePool): number {
    const c = this.configs[pool.poolName];
    return pool.maxGpus * (c ? c.replicas : 1);
  }

  private resolveSharing(where: string, i: number, s: GpuSharing, pools: Set<string>): DevicePluginPoolConfig {
    const name = s.pool.poolName;
    if (!pools.has(name)) {
      throw invalidProp(where, `sharing[${i}].pool`, name, 'not one of the pools of NvidiaGpuSupport',
        `add the pool to pools, or use one of ${[...pools].join(', ')}`);
    }
    const replicas = s.timeSlicingReplicas ?? 1;
    if (s.timeSlicingReplicas !== undefined && (!Number.isInteger(replicas) || replicas < 2)) {
      throw invalidProp(where, `sharing[${i}].timeSlicingReplicas`, s.timeSlicingReplicas, 'time-slicing needs at least 2 replicas per GPU',
        'give a whole number of 2 or more, or leave timeSlicingReplicas out for whole GPUs');
    }
    const mig = s.migStrategy ?? MigStrategy.NONE;
    if (mig !== MigStrategy.NONE) {
      const lacking = s.pool.gpuInstanceTypes.filter((t) => !supportsMig(t));
      if (lacking.length > 0) {
        throw invalidProp(where, `sharing[${i}].migStrategy`, mig,
          `pool ${name} has GPUs without MIG support (${[...new Set(lacking.map((t) => `${t.name}: ${t.gpuModel}`))].join(', ')})`,
          'use MIG only on A100, H100 or H200 pools (p4d, p4de, p5, p5e); use timeSlicingReplicas to share other GPUs');
      }
    }
    return { name, replicas, migStrategy: mig };
  }

  private renderConfigs(): { [key: string]: string } {
    const data: { [key: string]: string } = {
      // Used by a node whose config label names no config: whole GPUs.
      [DEFAULT_CONFIG]: Yaml.stringify({ version: 'v1', flags: { migStrategy: MigStrategy.NONE, failOnInitError: true } }),
    };
    for (const c of Object.values(this.configs)) {
      const config: { [key: string]: any } = { version: 'v1', flags: { migStrategy: c.migStrategy, failOnInitError: true } };
      if (c.replicas > 1) {
        config.sharing = {
          timeSlicing: {
            // Keep the resource name nvidia.com/gpu so queues and quotas count shares as GPUs.
            renameByDefault: false,
            // A pod asking for 2 shares would get 2 slices of possibly the same GPU: refuse it.
            failRequestsGreaterThanOne: true,
            resources: [{ name: GPU_RESOURCE, replicas: c.replicas }],
          },
        };
      }
      data[c.name] = Yaml.stringify(config);
    }
    return data;
  }

  private devicePlugin(pool: INodePool, serviceAccount: string, wave: { [k: string]: string }): k8s.KubeDaemonSet {
    const c = this.configs[pool.poolName];
    const labels = { 'app.kubernetes.io/name': 'nvidia-device-plugin', 'cnai.io/pool': pool.poolName };
    // config-manager runs once, before the plugin: it reads its node's labels and writes the
    // config the node's nvidia.com/device-plugin.config label names (its pool's config when the
    // label is absent) into the pod's emptyDir. Run once, it signals nothing, so it needs neither
    // root nor the plugin's process namespace: a node relabelled later takes its new config when
    // its plugin pod restarts. A change of the pool's config rolls the pods (the config-hash
    // annotation of the pod template).
    const configManagerEnv: k8s.EnvVar[] = [
      { name: 'ONESHOT', value: 'true' },
      { name: 'KUBECONFIG', value: '' },
      { name: 'NODE_NAME', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
      { name: 'NODE_LABEL', value: DEVICE_PLUGIN_CONFIG_LABEL },
      { name: 'CONFIG_FILE_SRCDIR', value: CONFIG_DIR },
      { name: 'CONFIG_FILE_DST', value: CONFIG_FILE },
      // Nodes without the label (e.g. managed node groups) get their pool's config.
      { name: 'DEFAULT_CONFIG', value: c.name },
      { name: 'FALLBACK_STRATEGIES', value: 'named,single' },
      { name: 'SEND_SIGNAL', value: 'false' },
    ];
    // The device plugin is the one component that runs as root: it creates its socket in the
    // kubelet's root-owned device-plugins directory. It stays unprivileged with no
    // capabilities unless MIG is on, where it must open every /dev/nvidia-caps device to
    // monitor MIG instances, which only a privileged container can.
    const privileged = c.migStrategy !== MigStrategy.NONE;
    const pluginSecurity: k8s.SecurityContext = privileged
      ? { privileged: true, runAsUser: 0, runAsNonRoot: false, readOnlyRootFilesystem: true, seccompProfile: { type: 'RuntimeDefault' } }
      : {
        privileged: false,
        runAsUser: 0,
        runAsNonRoot: false,
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        capabilities: { drop: ['ALL'] },
        seccompProfile: { type: 'RuntimeDefault' },
      };
    const configManagerSecurity: k8s.SecurityContext = {
      privileged: false,
      runAsUser: 65534,
      runAsGroup: 65534,
      runAsNonRoot: true,
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    };
    const configMounts: k8s.VolumeMount[] = [
      { name: 'available-configs', mountPath: CONFIG_DIR, readOnly: true },
      { name: 'config', mountPath: '/config' },
    ];
    const image = imageRef(GPU_IMAGES.devicePlugin);
    const small = { requests: { cpu: k8s.Quantity.fromString('10m'), memory: k8s.Quantity.fromString('32Mi') }, limits: { memory: k8s.Quantity.fromString('128Mi') } };
    const daemonSet = new k8s.KubeDaemonSet(this, `DevicePlugin-${pool.poolName}`, {
      metadata: {
        name: `nvidia-device-plugin-${pool.poolName}`.slice(0, 63).replace(/-$/, ''),
        namespace: this.namespace,
        labels,
        annotations: { ...wave, [REASON_ANNOTATION]: privileged ? 'MIG monitoring needs access to all /dev/nvidia-caps devices' : 'root for the kubelet device-plugins socket directory' },
      },
      spec: {
        selector: { matchLabels: labels },
        updateStrategy: { type: 'RollingUpdate' },
        template: {
          metadata: { labels, annotations: { [CONFIG_HASH_ANNOTATION]: createHash('sha256').update(this.configData[c.name]).digest('hex').slice(0, 16) } },
          spec: {
            serviceAccountName: serviceAccount,
            priorityClassName: 'system-node-critical',
            nodeSelector: pool.nodeSelector(),
            tolerations: pool.tolerations(),
            securityContext: { seccompProfile: { type: 'RuntimeDefault' } },
            initContainers: [{
              name: 'config-manager-init',
              image,
              command: ['config-manager'],
              env: configManagerEnv,
              volumeMounts: configMounts,
              securityContext: configManagerSecurity,
              resources: small,
            }],
            containers: [
              {
                name: 'nvidia-device-plugin',
                image,
                command: ['nvidia-device-plugin'],
                env: [
                  { name: 'CONFIG_FILE', value: CONFIG_FILE },
                  { name: 'NVIDIA_VISIBLE_DEVICES', value: 'all' },
                  { name: 'NVIDIA_DRIVER_CAPABILITIES', value: 'compute,utility' },
                  ...(privileged ? [{ name: 'NVIDIA_MIG_MONITOR_DEVICES', value: 'all' }] : []),
                ],
                securityContext: pluginSecurity,
                resources: small,
                volumeMounts: [
                  { name: 'device-plugins', mountPath: '/var/lib/kubelet/device-plugins' },
                  ...configMounts,
                ],
              },
            ],
            volumes: [
              { name: 'device-plugins', hostPath: { path: '/var/lib/kubelet/device-plugins', type: 'Directory' } },
              { name: 'available-configs', configMap: { name: this.configMap.name } },
              { name: 'config', emptyDir: {} },
            ],
          },
        },
      },
    });
    suppressDevicePluginExceptions(daemonSet, privileged);
    return daemonSet;
  }

  private exporter(wave: { [k: string]: string }): { daemonSet: k8s.KubeDaemonSet; labels: { [k: string]: string } } {
    const labels = { 'app.kubernetes.io/name': 'dcgm-exporter' };
    const daemonSet = new k8s.KubeDaemonSet(this, 'DcgmExporter', {
      metadata: { name: 'dcgm-exporter', namespace: this.namespace, labels, annotations: wave },
      spec: {
        selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: {
            automountServiceAccountToken: false,
            priorityClassName: 'system-node-critical',
            affinity: poolsAffinity(this.pools) as k8s.Affinity,
            tolerations: poolsTolerations(this.pools),
            securityContext: restrictedPodSecurityContext(),
            containers: [{
              name: 'dcgm-exporter',
              image: imageRef(GPU_IMAGES.dcgmExporter),
              env: [
                { name: 'DCGM_EXPORTER_LISTEN', value: `:${DCGM_PORT}` },
                // Per-pod attribution reads the kubelet's root-only pod-resources socket;
                // the exporter runs without root, so metrics are per GPU and node (and pool).
                { name: 'DCGM_EXPORTER_KUBERNETES', value: 'false' },
                { name: 'NVIDIA_VISIBLE_DEVICES', value: 'all' },
                { name: 'NVIDIA_DRIVER_CAPABILITIES', value: 'utility' },
              ],
              ports: [{ name: 'metrics', containerPort: DCGM_PORT, protocol: 'TCP' }],
              securityContext: restrictedContainerSecurityContext(),
              resources: {
                requests: { cpu: k8s.Quantity.fromString('50m'), memory: k8s.Quantity.fromString('128Mi') },
                limits: { memory: k8s.Quantity.fromString('512Mi') },
              },
              readinessProbe: { httpGet: { path: '/health', port: k8s.IntOrString.fromNumber(DCGM_PORT) }, periodSeconds: 15 },
              livenessProbe: { httpGet: { path: '/health', port: k8s.IntOrString.fromNumber(DCGM_PORT) }, periodSeconds: 30, failureThreshold: 4, timeoutSeconds: 5 },
              volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
            }],
            volumes: [{ name: 'tmp', emptyDir: { sizeLimit: k8s.Quantity.fromString('64Mi') } }],
          },
        },
      },
    });
    new k8s.KubeService(this, 'DcgmService', {
      metadata: { name: 'dcgm-exporter', namespace: this.namespace, labels, annotations: wave },
      spec: {
        selector: labels,
        ports: [{ name: 'metrics', port: DCGM_PORT, targetPort: k8s.IntOrString.fromString('metrics'), protocol: 'TCP' }],
      },
    });
    return { daemonSet, labels };
  }
}

/**
 * The device plugin's exceptions to the policy packs (lib/verify/policy), each with its reason:
 * what the kubelet's device plugin API needs, and what the upstream binaries do not offer.
 */
function suppressDevicePluginExceptions(daemonSet: k8s.KubeDaemonSet, privileged: boolean): void {
  const plugin = { appliesTo: 'container nvidia-device-plugin' };
  const root = 'the device plugin creates its registration socket in the kubelet\'s root-owned /var/lib/kubelet/device-plugins '
    + 'directory, so it runs as root (without capabilities and with no privilege escalation unless MIG is on)';
  Suppressions.add(daemonSet, 'pod-run-as-non-root', root, plugin);
  Suppressions.add(daemonSet, 'pod-run-as-user', root, plugin);
  Suppressions.add(daemonSet, 'pod-host-path', 'the kubelet device plugin API: the plugin\'s socket and kubelet.sock are in '
    + '/var/lib/kubelet/device-plugins on the node; nothing else of the host is mounted', { appliesTo: 'volume device-plugins' });
  Suppressions.add(daemonSet, 'pod-probes', 'the device plugin serves no health endpoint; it re-registers with the kubelet '
    + 'when the kubelet restarts and exits (and is restarted) when registration fails', plugin);
  if (privileged) {
    const mig = 'with MIG the plugin opens every /dev/nvidia-caps device to monitor MIG instances, which only a privileged container can';
    for (const rule of ['pod-privileged', 'pod-privilege-escalation', 'pod-capabilities']) Suppressions.add(daemonSet, rule, mig, plugin);
  }
}
