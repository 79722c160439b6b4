import { OPERATOR_NAMESPACES } from './default-namespaces';
import { deleteObjectPatch, InstallPhase, OperatorRelease, ReleaseSource } from './release';
import { OPERATOR_SOURCES } from '../../core/versions';

/**
 * Kubeflow Pipelines' cluster-scoped resources (CRDs, cluster roles): install before
 * {@link pipelinesRelease}.
 *
 * Source: manifests/kustomize/cluster-scoped-resources at 2.17.0, the first step of the
 * standalone install of Pipelines' docs. Re-pinned from 2.17.2, which had no vendored artifact
 * to check it against. Its Argo Workflows CRDs come from a remote base of upstream's
 * (argoproj/argo-workflows manifests at v4.0.5), which the offline checks cannot render.
 *
 * Patch: its Namespace (cluster-scoped-resources/namespace.yaml, named `kubeflow` by a
 * replacement, which kustomize applies after patches, hence a patch on every Namespace) is
 * deleted from the render: the platform declares `kubeflow` with its Pod Security labels.
 */
export function pipelinesClusterResourcesRelease(): OperatorRelease {
  return new OperatorRelease({
    name: 'kubeflow-pipelines-cluster',
    namespace: OPERATOR_NAMESPACES.kubeflow,
    source: ReleaseSource.gitKustomize(OPERATOR_SOURCES.pipelinesClusterResources, {
      patches: [deleteObjectPatch('v1', 'Namespace')],
    }),
    phase: InstallPhase.FOUNDATION,
    serverSideApply: true,
    // CRDs and cluster roles only: no pods of its own.
    network: {},
    description: 'Kubeflow Pipelines CRDs and cluster roles.',
    provides: {
      // The vendored CRDs only: Argo Workflows' come from the remote base and are not declared.
      customResources: [
        { group: 'kubeflow.org', kinds: ['ScheduledWorkflow', 'Viewer'] },
        { group: 'app.k8s.io', kinds: ['Application'] },
      ],
    },
  });
}

/**
 * Kubeflow Pipelines standalone (optional). Never pruned: it holds run metadata and artifacts.
 *
 * Source: manifests/kustomize/env/platform-agnostic at 2.17.0, the second step of the standalone
 * install of Pipelines' docs (single user, no Istio; MySQL and SeaweedFS in the namespace); its
 * images are pinned by upstream's kustomizations (2.17.0 and fixed third-party tags). It has no
 * Namespace object of its own.
 */
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
