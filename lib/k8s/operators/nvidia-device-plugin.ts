import { OPERATOR_NAMESPACES } from './default-namespaces';
import { InstallPhase, OperatorRelease, ReleaseSource } from './release';
import { GPU_IMAGES, OPERATOR_SOURCES } from '../../core/versions';
import { INodePool, poolsAffinity, poolsTolerations } from '../node-pool';
import { PodSecurityLevel } from '../pod-security';

/** Props of the NVIDIA charts (device plugin, DCGM exporter). */
export interface NvidiaChartProps {
  /** The GPU pools the NVIDIA agents run on (their selectors and taints place the agents). */
  readonly pools: INodePool[];
  /**
   * Name of a ConfigMap with named device plugin configs (e.g. the one of NvidiaGpuSupport).
   * @default - the chart's built-in default config
   */
  readonly configMapName?: string;
  /**
   * Name of the config used for nodes without the per-node config label.
   * @default - the chart's default
   */
  readonly defaultConfig?: string;
  /**
   * Deploy GPU feature discovery (and node feature discovery) with the device plugin.
   * @default true
   */
  readonly featureDiscovery?: boolean;
}

/**
 * NVIDIA device plugin chart with GPU feature discovery: an alternative to
 * NvidiaGpuSupport's own manifests for users who prefer the upstream chart. Use one, not both.
 *
 * Source: the nvidia-device-plugin chart 0.19.0 (deployments/helm/nvidia-device-plugin at
 * v0.19.0). Values, all in its values.yaml: `image.tag` (the pinned plugin, also GFD's image),
 * `config`, `gfd.enabled` (node feature discovery, the `nfd` subchart, follows it: its
 * Chart.yaml condition is `nfd.enabled,gfd.enabled` and values.yaml has no `nfd.enabled`),
 * `affinity` and `tolerations` for the pools, and `nfd.worker.tolerations`: the NFD workers must
 * reach the GPU nodes, whose taints the chart's defaults (`nvidia.com/gpu=present`) do not match.
 * @internal
 */
export function nvidiaDevicePluginRelease(props: NvidiaChartProps): OperatorRelease {
  const gfd = props.featureDiscovery ?? true;
  const tolerations = poolsTolerations(props.pools);
  return new OperatorRelease({
    name: 'nvidia-device-plugin',
    namespace: OPERATOR_NAMESPACES.nvidia,
    source: ReleaseSource.helmChart(OPERATOR_SOURCES.nvidiaDevicePlugin),
    values: {
      image: { tag: GPU_IMAGES.devicePlugin.tag },
      ...(props.configMapName ? { config: deviceConfig(props) } : {}),
      gfd: { enabled: gfd },
      affinity: poolsAffinity(props.pools),
      tolerations,
      ...(gfd ? { nfd: { worker: { tolerations } } } : {}),
    },
    phase: InstallPhase.OPERATORS,
    podSecurity: PodSecurityLevel.PRIVILEGED,
    podSecurityReason: 'the device plugin registers GPUs with the kubelet through a host socket (hostPath)',
    description: 'Advertises nvidia.com/gpu; GPU feature discovery labels GPU nodes.',
    provides: {
      workloads: [{
        name: 'nvidia-device-plugin',
        podLabels: { 'app.kubernetes.io/name': 'nvidia-device-plugin', 'app.kubernetes.io/instance': 'nvidia-device-plugin' },
        serviceAccount: 'nvidia-device-plugin-service-account',
        template: 'templates/daemonset-device-plugin.yml',
      }],
    },
  });
}

/** @internal */
export function deviceConfig(props: NvidiaChartProps): { [key: string]: string } {
  return { name: props.configMapName!, ...(props.defaultConfig ? { default: props.defaultConfig } : {}) };
}
