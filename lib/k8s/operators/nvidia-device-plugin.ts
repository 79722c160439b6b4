import { OPERATOR_NAMESPACES } from './default-namespaces';
import { InstallPhase, OperatorRelease, ReleaseSource } from './release';
import { OPERATOR_SOURCES } from '../../core/versions';
import { INodePool, poolsAffinity, poolsTolerations } from '../node-pool';
import { PodSecurityLevel } from '../pod-security';

/** Props of the NVIDIA charts (device plugin, DCGM exporter, GPU operator). */
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
 */
export function nvidiaDevicePluginRelease(props: NvidiaChartProps): OperatorRelease {
  const gfd = props.featureDiscovery ?? true;
  return new OperatorRelease({
    name: 'nvidia-device-plugin',
    namespace: OPERATOR_NAMESPACES.nvidia,
    source: ReleaseSource.helmChart(OPERATOR_SOURCES.nvidiaDevicePlugin),
    values: {
      ...(props.configMapName ? { config: deviceConfig(props) } : {}),
      gfd: { enabled: gfd },
      nfd: { enabled: gfd },
      affinity: poolsAffinity(props.pools),
      tolerations: poolsTolerations(props.pools),
    },
    phase: InstallPhase.OPERATORS,
    podSecurity: PodSecurityLevel.PRIVILEGED,
    podSecurityReason: 'the device plugin registers GPUs with the kubelet through a host socket (hostPath)',
    description: 'Advertises nvidia.com/gpu; GPU feature discovery labels GPU nodes.',
  });
}

export function deviceConfig(props: NvidiaChartProps): { [key: string]: string } {
  return { name: props.configMapName!, ...(props.defaultConfig ? { default: props.defaultConfig } : {}) };
}
