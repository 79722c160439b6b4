import { OPERATOR_NAMESPACES } from './default-namespaces';
import { deviceConfig, NvidiaChartProps } from './nvidia-device-plugin';
import { InstallPhase, OperatorRelease, ReleaseSource } from './release';
import { OPERATOR_SOURCES } from '../../core/versions';
import { poolsTolerations } from '../node-pool';
import { PodSecurityLevel } from '../pod-security';

/**
 * NVIDIA GPU operator with driver and container toolkit disabled (EKS's NVIDIA AMIs carry
 * both): an alternative to NvidiaGpuSupport when MIG re-partitioning (mig-manager) is needed.
 */
export function gpuOperatorRelease(props: NvidiaChartProps): OperatorRelease {
  return new OperatorRelease({
    name: 'gpu-operator',
    namespace: OPERATOR_NAMESPACES.gpuOperator,
    source: ReleaseSource.helmChart(OPERATOR_SOURCES.gpuOperator),
    values: {
      driver: { enabled: false },
      toolkit: { enabled: false },
      ...(props.configMapName ? { devicePlugin: { config: deviceConfig(props) } } : {}),
      daemonsets: { tolerations: poolsTolerations(props.pools) },
      dcgmExporter: { serviceMonitor: { enabled: true } },
    },
    phase: InstallPhase.OPERATORS,
    serverSideApply: true,
    podSecurity: PodSecurityLevel.PRIVILEGED,
    podSecurityReason: 'GPU operator daemonsets need host access to configure GPUs',
    description: 'NVIDIA GPU operator without driver and toolkit.',
  });
}
