import { OPERATOR_NAMESPACES } from './default-namespaces';
import { NvidiaChartProps } from './nvidia-device-plugin';
import { InstallPhase, OperatorRelease, ReleaseSource } from './release';
import { OPERATOR_SOURCES } from '../../core/versions';
import { poolsAffinity, poolsTolerations } from '../node-pool';
import { PodSecurityLevel } from '../pod-security';

/** DCGM exporter chart (GPU metrics); an alternative to NvidiaGpuSupport's own exporter. */
export function dcgmExporterRelease(props: NvidiaChartProps): OperatorRelease {
  return new OperatorRelease({
    name: 'dcgm-exporter',
    namespace: OPERATOR_NAMESPACES.nvidia,
    source: ReleaseSource.helmChart(OPERATOR_SOURCES.dcgmExporter),
    values: {
      serviceMonitor: { enabled: true },
      affinity: poolsAffinity(props.pools),
      tolerations: poolsTolerations(props.pools),
    },
    phase: InstallPhase.OPERATORS,
    podSecurity: PodSecurityLevel.PRIVILEGED,
    podSecurityReason: 'the upstream chart runs the exporter as root with SYS_ADMIN for profiling metrics',
    description: 'GPU metrics for Prometheus.',
  });
}
