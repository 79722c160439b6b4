import { OPERATOR_NAMESPACES } from './default-namespaces';
import { InstallPhase, OperatorRelease, ReleaseSource } from './release';
import { OPERATOR_SOURCES } from '../../core/versions';

/** Restricted security context of KServe's injected storage initializer. */
export const STORAGE_INITIALIZER_SECURITY_CONTEXT = {
  allowPrivilegeEscalation: false,
  capabilities: { drop: ['ALL'] },
  runAsNonRoot: true,
  runAsUser: 1000,
  seccompProfile: { type: 'RuntimeDefault' },
};

/** How KServe deploys InferenceServices by default. */
export enum KServeDeploymentMode {
  /** Plain Deployments, Services and HPAs/KEDA (no Knative needed). */
  STANDARD = 'Standard',
  /** Knative Services (scale to zero; needs Knative Serving installed). */
  KNATIVE = 'Knative',
}

/** Props of the KServe release. */
export interface KServeReleaseProps {
  /**
   * Default deployment mode.
   * @default KServeDeploymentMode.STANDARD
   */
  readonly deploymentMode?: KServeDeploymentMode;
}

/** KServe: model serving (InferenceService, ServingRuntime). */
export function kserveRelease(props: KServeReleaseProps = {}): OperatorRelease {
  const mode = props.deploymentMode ?? KServeDeploymentMode.STANDARD;
  return new OperatorRelease({
    name: 'kserve',
    namespace: OPERATOR_NAMESPACES.kserve,
    source: ReleaseSource.gitKustomize(OPERATOR_SOURCES.kserve, {
      namespace: OPERATOR_NAMESPACES.kserve,
      patches: [{
        kind: 'ConfigMap',
        name: 'inferenceservice-config',
        patch: `- op: replace\n  path: /data/deploy\n  value: '${JSON.stringify({ defaultDeploymentMode: mode })}'\n`,
      }, {
        // KServe injects the storage initializer into model pods. Its default container has
        // no security context, so Pod Security `restricted` (team namespaces) rejects the
        // pods of models read from S3 (kserve/kserve#5373; upstream fix #5855 is not in the
        // pinned release). KServe takes the injected container's security context from the
        // ClusterStorageContainer (kserve/kserve#3985); the image runs as uid 1000.
        kind: 'ClusterStorageContainer',
        name: 'default',
        patch: `- op: add\n  path: /spec/container/securityContext\n  value: ${JSON.stringify(STORAGE_INITIALIZER_SECURITY_CONTEXT)}\n`,
      }],
    }),
    phase: InstallPhase.OPERATORS,
    // The InferenceService CRD alone is about 2 MB.
    serverSideApply: true,
    description: `Model serving; default deployment mode ${mode}.`,
  });
}
