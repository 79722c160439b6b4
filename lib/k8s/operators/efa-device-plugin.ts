import { OPERATOR_NAMESPACES } from './default-namespaces';
import { InstallPhase, OperatorRelease, ReleaseSource } from './release';
import { invalidProp } from '../../core/errors';
import { OPERATOR_SOURCES } from '../../core/versions';
import { INodePool, poolsAffinity, poolsTolerations } from '../node-pool';
import { PodSecurityLevel } from '../pod-security';

/** Props of the AWS EFA device plugin release. */
export interface EfaDevicePluginReleaseProps {
  /** The pools with EFA interfaces (the plugin runs on their nodes only). */
  readonly pools: INodePool[];
}

/**
 * AWS EFA device plugin: advertises `vpc.amazonaws.com/efa` on the nodes of EFA pools, which
 * multi-node training jobs request. Runs only on those pools.
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
    values: { affinity: poolsAffinity(props.pools), tolerations: poolsTolerations(props.pools) },
    phase: InstallPhase.OPERATORS,
    podSecurity: PodSecurityLevel.PRIVILEGED,
    podSecurityReason: 'the device plugin registers EFA devices with the kubelet through a host socket (hostPath)',
    description: 'Advertises vpc.amazonaws.com/efa on EFA nodes.',
  });
}
