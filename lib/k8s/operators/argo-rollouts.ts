import { OPERATOR_NAMESPACES } from './default-namespaces';
import { InstallPhase, OperatorRelease, ReleaseSource } from './release';
import { NetworkEnds } from '../../core/release-network';
import { ARGO_ROLLOUTS_IMAGES, imageRef, OPERATOR_SOURCES } from '../../core/versions';
import { PodSecurityLevel } from '../pod-security';

/** Labels of the Argo Rollouts controller's pods (manifests/base/argo-rollouts-deployment.yaml). */
export const ARGO_ROLLOUTS_POD_LABELS = { 'app.kubernetes.io/name': 'argo-rollouts' };

/** Service account of the Argo Rollouts controller (manifests/base/argo-rollouts-sa.yaml). */
export const ARGO_ROLLOUTS_SERVICE_ACCOUNT = 'argo-rollouts';

/**
 * Argo Rollouts v1.9.1: Rollouts (canary and blue-green), AnalysisTemplates and AnalysisRuns,
 * which ModelDelivery uses for the progressive delivery of vLLM-served models.
 *
 * Source: manifests/cluster-install at the release tag, the kustomize tree of the release's
 * `install.yaml` (the install of its docs: `kubectl create namespace argo-rollouts; kubectl apply -n
 * argo-rollouts -f .../install.yaml`): its CRDs, the controller Deployment, its ClusterRole and
 * ClusterRoleBinding (subject `argo-rollouts/argo-rollouts`), the aggregated view/edit/admin
 * roles, the metrics Service, an empty notification Secret and the controller's ConfigMap. It
 * has no Namespace object; kustomize sets the namespace on the namespaced objects, as `kubectl
 * apply -n` does.
 *
 * Image: the base names `quay.io/argoproj/argo-rollouts:latest` (the release build sets the tag);
 * the release pins it to v1.9.1 (ARGO_ROLLOUTS_IMAGES).
 *
 * RBAC as upstream ships it, with what is broader than the platform needs: cluster-wide `get/list/watch`
 * on Secrets and ConfigMaps (for AnalysisTemplates that read credentials from Secrets; the platform's
 * templates read none), create/delete of Jobs and Services and update of Deployments in every
 * namespace, pod eviction, and rules for traffic providers the platform does not use (Istio, SMI,
 * Ambassador, App Mesh, Traefik, APISIX, ALB, Ingresses). The namespaced install (manifests/namespace-install)
 * narrows this to one namespace, but then serves only Rollouts of that namespace, while each team's
 * models run in the team's own.
 *
 * Pod Security: the controller is restricted-compliant (non-root, no privilege escalation, all
 * capabilities dropped, RuntimeDefault seccomp, read-only root filesystem).
 */
/** @internal */
export function argoRolloutsRelease(): OperatorRelease {
  return new OperatorRelease({
    name: 'argo-rollouts',
    namespace: OPERATOR_NAMESPACES.argoRollouts,
    source: ReleaseSource.gitKustomize(OPERATOR_SOURCES.argoRollouts, {
      namespace: OPERATOR_NAMESPACES.argoRollouts,
      images: [imageRef(ARGO_ROLLOUTS_IMAGES.controller)],
    }),
    phase: InstallPhase.OPERATORS,
    // The Rollout CRD (200 KB) is close to the 256 KiB annotation limit of client-side apply.
    serverSideApply: true,
    podSecurity: PodSecurityLevel.RESTRICTED,
    description: 'Progressive delivery of served models (Rollout canaries gated by AnalysisTemplates).',
    network: {
      connections: [
        { from: NetworkEnds.workload('argo-rollouts'), to: NetworkEnds.metricsQuery(), reason: 'analysis runs query the platform\'s Prometheus for the canaries\' gates' },
      ],
    },
    provides: {
      customResources: [
        { group: 'argoproj.io', kinds: ['AnalysisRun', 'AnalysisTemplate', 'ClusterAnalysisTemplate', 'Experiment', 'Rollout'] },
      ],
      services: [
        { name: 'argo-rollouts-metrics', ports: [{ name: 'metrics', port: 8090, targetPort: 8090 }], selector: ARGO_ROLLOUTS_POD_LABELS },
      ],
      workloads: [
        {
          name: 'argo-rollouts',
          podLabels: ARGO_ROLLOUTS_POD_LABELS,
          ports: [{ name: 'metrics', containerPort: 8090 }, { name: 'healthz', containerPort: 8080 }],
          serviceAccount: ARGO_ROLLOUTS_SERVICE_ACCOUNT,
        },
      ],
    },
  });
}
