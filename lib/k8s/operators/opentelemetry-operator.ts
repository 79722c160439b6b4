import { OPERATOR_NAMESPACES } from './default-namespaces';
import { InstallPhase, OperatorRelease, ReleaseSource } from './release';
import { OPERATOR_SOURCES } from '../../core/versions';

/** OpenTelemetry operator (collectors, auto-instrumentation); needs cert-manager. */
export function opentelemetryOperatorRelease(): OperatorRelease {
  return new OperatorRelease({
    name: 'opentelemetry-operator',
    namespace: OPERATOR_NAMESPACES.otel,
    source: ReleaseSource.gitKustomize(OPERATOR_SOURCES.opentelemetryOperator, { namespace: OPERATOR_NAMESPACES.otel }),
    phase: InstallPhase.OPERATORS,
    serverSideApply: true,
    description: 'LLM traces (OpenLLMetry) through OpenTelemetry collectors.',
  });
}
