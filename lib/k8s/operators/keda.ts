import { OPERATOR_NAMESPACES } from './default-namespaces';
import { InstallPhase, OperatorRelease, ReleaseSource } from './release';
import { OPERATOR_SOURCES } from '../../core/versions';

/** Props of the KEDA release. */
export interface KedaReleaseProps {
  /**
   * Create ServiceMonitors for the KEDA operator.
   * @default true
   */
  readonly serviceMonitor?: boolean;
}

/** KEDA: event-driven autoscaling (LLM queue depth, tokens per second). */
export function kedaRelease(props: KedaReleaseProps = {}): OperatorRelease {
  const monitor = props.serviceMonitor ?? true;
  return new OperatorRelease({
    name: 'keda',
    namespace: OPERATOR_NAMESPACES.keda,
    source: ReleaseSource.helmChart(OPERATOR_SOURCES.keda),
    values: { prometheus: { operator: { enabled: monitor, serviceMonitor: { enabled: monitor } } } },
    phase: InstallPhase.OPERATORS,
    serverSideApply: true,
    description: 'Autoscaling of model servers on LLM metrics.',
  });
}
