import { OPERATOR_NAMESPACES } from './default-namespaces';
import { InstallPhase, OperatorRelease, ReleaseSource } from './release';
import { NODE_LABELS } from '../../core/contract';
import { invalidProp } from '../../core/errors';
import { OPERATOR_IMAGES, OPERATOR_SOURCES } from '../../core/versions';
import { INodePool, poolsTolerations } from '../node-pool';
import { PodSecurityLevel } from '../pod-security';

/** Props of the AWS EFA device plugin release. */
export interface EfaDevicePluginReleaseProps {
  /** The pools with EFA interfaces (the plugin runs on their nodes only). */
  readonly pools: INodePool[];
}

/**
 * AWS EFA device plugin: advertises `vpc.amazonaws.com/efa` on the nodes of EFA pools, which
 * multi-node training jobs request. Runs only on those pools.
 *
 * Source: the aws-efa-k8s-device-plugin chart v0.5.30 of aws/eks-charts (plugin image v0.5.20).
 *
 * Placement, with the values the chart has: its DaemonSet's node affinity is built from
 * `supportedInstanceLabels` (templates/daemonset.yaml: one required term per key, `key In values`,
 * plus `eks.amazonaws.com/compute-type NotIn auto`); there is no `affinity` value. The release
 * sets that list to the pool label `cnai.io/pool` and the EFA pools' names, so the plugin runs on
 * the nodes of exactly those pools (the chart's default lists every EFA-capable instance type,
 * which would put it on any such node); `tolerations` (appended to the chart's own
 * CriticalAddonsOnly toleration) lets it onto the pools' tainted nodes.
 * @internal
 */
export function efaDevicePluginRelease(props: EfaDevicePluginReleaseProps): OperatorRelease {
  const without = (props.pools ?? []).filter((p) => p.efa !== true).map((p) => p.poolName);
  if (!props.pools || props.pools.length === 0 || without.length > 0) {
    throw invalidProp('OperatorCatalogue.efaDevicePlugin', 'pools', without.length > 0 ? without : props.pools,
      without.length > 0 ? 'pools without EFA interfaces' : 'no pool given', 'pass the pools created with efa: true');
  }
  return new OperatorRelease({
    name: 'efa-device-plugin',
    namespace: OPERATOR_NAMESPACES.efa,
    source: ReleaseSource.helmChart(OPERATOR_SOURCES.efaDevicePlugin),
    values: {
      image: { repository: OPERATOR_IMAGES.efaDevicePlugin.repository, tag: OPERATOR_IMAGES.efaDevicePlugin.tag },
      supportedInstanceLabels: { keys: [NODE_LABELS.pool], values: props.pools.map((p) => p.poolName) },
      tolerations: poolsTolerations(props.pools),
    },
    phase: InstallPhase.OPERATORS,
    podSecurity: PodSecurityLevel.PRIVILEGED,
    podSecurityReason: 'the device plugin registers EFA devices with the kubelet through a host socket (hostPath, privileged, host network)',
    description: 'Advertises vpc.amazonaws.com/efa on EFA nodes.',
    // Host network (NetworkPolicies do not apply to its pods); it talks to the kubelet through a socket only.
    network: { apiServer: false },
    provides: {
      workloads: [{
        // fullname: <release>-<chart>, the release name not containing the chart name (templates/_helpers.tpl).
        name: 'efa-device-plugin-aws-efa-k8s-device-plugin',
        podLabels: { name: 'efa-device-plugin-aws-efa-k8s-device-plugin' },
        hostNetwork: true,
        template: 'templates/daemonset.yaml',
      }],
    },
  });
}
