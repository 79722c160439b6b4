import { OPERATOR_NAMESPACES } from './default-namespaces';
import { InstallPhase, OperatorRelease, ReleaseSource } from './release';
import { OPERATOR_SOURCES } from '../../core/versions';

/** Props of the Kueue release. */
export interface KueueReleaseProps {
  /**
   * Let cert-manager issue the webhook certificate instead of Kueue's internal rotator.
   * @default false
   */
  readonly certManager?: boolean;
  /**
   * Create a ServiceMonitor for Kueue's metrics (quota usage, pending workloads).
   * @default true
   */
  readonly serviceMonitor?: boolean;
}

/** Kueue: quotas and queueing of batch workloads. */
export function kueueRelease(props: KueueReleaseProps = {}): OperatorRelease {
  return new OperatorRelease({
    name: 'kueue',
    namespace: OPERATOR_NAMESPACES.kueue,
    source: ReleaseSource.helmChart(OPERATOR_SOURCES.kueue),
    values: {
      enableCertManager: props.certManager ?? false,
      enablePrometheus: props.serviceMonitor ?? true,
    },
    phase: InstallPhase.OPERATORS,
    serverSideApply: true,
    description: 'GPU quotas per team, queueing and preemption.',
  });
}
