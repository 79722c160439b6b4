import { OPERATOR_NAMESPACES } from './default-namespaces';
import { InstallPhase, OperatorRelease, ReleaseSource } from './release';
import { OPERATOR_SOURCES } from '../../core/versions';

/**
 * Kubeflow Pipelines' cluster-scoped resources (CRDs, cluster roles): install before
 * {@link pipelines}.
 */
export function pipelinesClusterResourcesRelease(): OperatorRelease {
  return new OperatorRelease({
    name: 'kubeflow-pipelines-cluster',
    namespace: OPERATOR_NAMESPACES.kubeflow,
    source: ReleaseSource.gitKustomize(OPERATOR_SOURCES.pipelinesClusterResources),
    phase: InstallPhase.FOUNDATION,
    serverSideApply: true,
    description: 'Kubeflow Pipelines CRDs and cluster roles.',
  });
}

/** Kubeflow Pipelines standalone (optional). Never pruned: it holds run metadata and artifacts. */
export function pipelinesRelease(): OperatorRelease {
  return new OperatorRelease({
    name: 'kubeflow-pipelines',
    namespace: OPERATOR_NAMESPACES.kubeflow,
    source: ReleaseSource.gitKustomize(OPERATOR_SOURCES.pipelines, { namespace: OPERATOR_NAMESPACES.kubeflow }),
    phase: InstallPhase.OPERATORS,
    prune: false,
    serverSideApply: true,
    description: 'ML pipelines (Kubeflow Pipelines, single user).',
  });
}
