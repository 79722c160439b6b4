import { OPERATOR_NAMESPACES } from './default-namespaces';
import { deleteObjectPatch, InstallPhase, OperatorRelease, ReleaseSource } from './release';
import { imageRef, OPERATOR_IMAGES, OPERATOR_SOURCES } from '../../core/versions';

/** Pod labels of the Feast operator's manager (config/manager/manager.yaml at v0.66.0). */
export const FEAST_OPERATOR_POD_LABELS = { 'app.kubernetes.io/name': 'feast-operator', 'control-plane': 'controller-manager' };

/**
 * The Feast operator v0.66.0: reconciles FeatureStore custom resources into a feature server
 * Deployment (registry, online and offline servers), their Services and a materialization CronJob.
 *
 * Source: infra/feast-operator/config/default at the tag, the kustomization upstream's documented
 * install manifest (`dist/install.yaml`, `kubectl apply --server-side`) is built from: rendered at
 * the tag, both hold the same 14 objects. Namespace `feast-operator-system` and the prefix
 * `feast-operator-` come from that kustomization; the manager image is set to the pinned tag; its
 * Namespace is deleted from the render, because the platform declares it with its Pod Security
 * labels. Server-side apply: the FeatureStore CRD is 1.4 MB.
 *
 * Pod Security: baseline, because the manager pod sets no seccomp profile (its pod
 * securityContext has only runAsNonRoot; the container drops every capability and forbids
 * privilege escalation).
 * @internal
 */
export function feastOperatorRelease(): OperatorRelease {
  return new OperatorRelease({
    name: 'feast-operator',
    namespace: OPERATOR_NAMESPACES.feast,
    source: ReleaseSource.gitKustomize(OPERATOR_SOURCES.feastOperator, {
      images: [imageRef(OPERATOR_IMAGES.feastOperator)],
      // The Namespace is `system` in config/manager and renamed by the namespace transformer:
      // every Namespace of the render is deleted (it has only that one).
      patches: [deleteObjectPatch('v1', 'Namespace')],
    }),
    phase: InstallPhase.OPERATORS,
    serverSideApply: true,
    podSecurityReason: 'the Feast operator\'s manager pod sets no seccomp profile (config/manager/manager.yaml at v0.66.0)',
    description: 'Feature store (Feast operator: FeatureStore).',
    // The manager talks to the API server only (every release's pods may); no webhooks, its metrics not scraped.
    network: {},
    provides: {
      customResources: [{ group: 'feast.dev', kinds: ['FeatureStore'] }],
      workloads: [{
        name: 'feast-operator-controller-manager',
        podLabels: FEAST_OPERATOR_POD_LABELS,
        // Its metrics listen on 8443 (--metrics-bind-address) without a declared container port.
        serviceAccount: 'feast-operator-controller-manager',
      }],
      services: [{
        name: 'feast-operator-controller-manager-metrics-service',
        ports: [{ name: 'https', port: 8443, targetPort: 8443 }],
        selector: FEAST_OPERATOR_POD_LABELS,
      }],
    },
  });
}
