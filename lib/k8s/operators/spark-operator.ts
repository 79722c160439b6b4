import { OPERATOR_NAMESPACES } from './default-namespaces';
import { InstallPhase, OperatorRelease, ReleaseSource } from './release';
import { invalidProp } from '../../core/errors';
import { OPERATOR_SOURCES } from '../../core/versions';

/** Props of the Spark operator release. */
export interface SparkOperatorReleaseProps {
  /** Namespaces whose SparkApplications the operator runs (e.g. the team namespaces). */
  readonly jobNamespaces: string[];
}

/**
 * Kubeflow Spark operator (optional): runs SparkApplications in the given namespaces. The
 * applications bring their own ServiceAccount and RBAC (for their workload identity).
 */
export function sparkOperatorRelease(props: SparkOperatorReleaseProps): OperatorRelease {
  if (!props.jobNamespaces || props.jobNamespaces.length === 0) {
    throw invalidProp('OperatorCatalogue.sparkOperator', 'jobNamespaces', props.jobNamespaces, 'no namespace given',
      'list the namespaces whose SparkApplications the operator runs, e.g. the team namespaces');
  }
  return new OperatorRelease({
    name: 'spark-operator',
    namespace: OPERATOR_NAMESPACES.spark,
    source: ReleaseSource.helmChart(OPERATOR_SOURCES.sparkOperator),
    values: {
      spark: { jobNamespaces: [...props.jobNamespaces], serviceAccount: { create: false }, rbac: { create: false } },
      webhook: { enable: true },
    },
    phase: InstallPhase.OPERATORS,
    description: 'Spark on Kubernetes (SparkApplication) for data preparation.',
  });
}
