import { OPERATOR_NAMESPACES } from './default-namespaces';
import { InstallPhase, OperatorRelease, ReleaseSource } from './release';
import { OPERATOR_SOURCES } from '../../core/versions';
import { PodSecurityLevel } from '../pod-security';

/** Prometheus operator: the monitoring CRDs (ServiceMonitor, PodMonitor, PrometheusRule) and controller. */
export function prometheusOperatorRelease(): OperatorRelease {
  return new OperatorRelease({
    name: 'prometheus-operator',
    namespace: OPERATOR_NAMESPACES.monitoring,
    source: ReleaseSource.gitKustomize(OPERATOR_SOURCES.prometheusOperator, { namespace: OPERATOR_NAMESPACES.monitoring }),
    phase: InstallPhase.FOUNDATION,
    // Its CRDs (Prometheus, Alertmanager) exceed the 256 KiB limit of client-side apply.
    serverSideApply: true,
    podSecurity: PodSecurityLevel.RESTRICTED,
    description: 'Monitoring CRDs and operator; other releases create ServiceMonitors.',
  });
}
