import { OPERATOR_NAMESPACES } from './default-namespaces';
import { InstallPhase, OperatorRelease, ReleaseSource } from './release';
import { OPERATOR_SOURCES } from '../../core/versions';

/**
 * The Gateway API Inference Extension's CRDs v1.6.0: InferencePool (inference.networking.k8s.io/v1,
 * the API an AIGatewayRoute routes to and an endpoint picker serves) and the experimental
 * InferencePoolImport (inference.networking.x-k8s.io). Source: `config/crd` at the tag, the
 * kustomization upstream's release `manifests.yaml` is built from (`kustomize build config/crd`).
 *
 * Installed into Envoy AI Gateway's namespace (the CRDs are cluster-scoped; no pod runs for them)
 * before the AI Gateway controller, which enables its InferencePool controller only when the CRD
 * exists at start-up (internal/controller/controller.go of v1.1.0).
 */
export function inferenceExtensionCrdsRelease(): OperatorRelease {
  return new OperatorRelease({
    name: 'inference-extension-crds',
    namespace: OPERATOR_NAMESPACES.envoyAiGateway,
    source: ReleaseSource.gitKustomize(OPERATOR_SOURCES.inferenceExtensionCrds),
    phase: InstallPhase.OPERATORS,
    serverSideApply: true,
    // CRDs only: never delete them (and with them every InferencePool) because upstream renamed a file.
    prune: false,
    // CRDs only: no pods of their own.
    network: {},
    description: 'Gateway API Inference Extension CRDs (InferencePool) for model-aware load balancing behind the model gateway.',
    provides: {
      customResources: [
        { group: 'inference.networking.k8s.io', kinds: ['InferencePool'] },
        { group: 'inference.networking.x-k8s.io', kinds: ['InferencePoolImport'] },
      ],
    },
  });
}
