/**
 * What the platform model needs to know about kinds: which API groups the API server
 * serves itself (everything else needs a CRD), which kinds are cluster-scoped, and small
 * accessors for plain objects parsed from YAML.
 */
import { KubeObject } from '../upstream/types';

/** API groups served by the Kubernetes API server itself (and the aggregated metrics API): no CRD needed. */
const BUILT_IN_GROUPS = new Set([
  '', 'apps', 'batch', 'autoscaling', 'policy', 'networking.k8s.io', 'rbac.authorization.k8s.io', 'storage.k8s.io',
  'scheduling.k8s.io', 'apiextensions.k8s.io', 'admissionregistration.k8s.io', 'apiregistration.k8s.io',
  'certificates.k8s.io', 'coordination.k8s.io', 'discovery.k8s.io', 'events.k8s.io', 'flowcontrol.apiserver.k8s.io',
  'node.k8s.io', 'resource.k8s.io', 'authentication.k8s.io', 'authorization.k8s.io', 'internal.apiserver.k8s.io',
  'storagemigration.k8s.io', 'metrics.k8s.io',
]);

/** Cluster-scoped kinds of the built-in groups. */
const CLUSTER_SCOPED_BUILT_IN = new Set([
  'Namespace', 'Node', 'PersistentVolume', 'ComponentStatus', 'ClusterRole', 'ClusterRoleBinding', 'StorageClass',
  'CSIDriver', 'CSINode', 'VolumeAttachment', 'VolumeAttributesClass', 'PriorityClass', 'RuntimeClass', 'IngressClass',
  'CustomResourceDefinition', 'MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration',
  'ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding', 'MutatingAdmissionPolicy',
  'MutatingAdmissionPolicyBinding', 'APIService', 'CertificateSigningRequest', 'FlowSchema',
  'PriorityLevelConfiguration', 'IPAddress', 'ServiceCIDR', 'DeviceClass', 'ResourceSlice', 'StorageVersionMigration',
]);

/**
 * Cluster-scoped custom kinds of the operators the platform installs, for when no CRD is in
 * the model to say so (a release declared only by its provides annotation).
 */
const CLUSTER_SCOPED_CUSTOM = new Set([
  'kueue.x-k8s.io/ClusterQueue', 'kueue.x-k8s.io/ResourceFlavor', 'kueue.x-k8s.io/Cohort', 'kueue.x-k8s.io/AdmissionCheck',
  'kueue.x-k8s.io/WorkloadPriorityClass', 'kueue.x-k8s.io/Topology', 'serving.kserve.io/ClusterServingRuntime',
  'serving.kserve.io/ClusterStorageContainer', 'serving.kserve.io/LocalModelNodeGroup', 'serving.kserve.io/LocalModelNode',
  'serving.kserve.io/LocalModelCache', 'trainer.kubeflow.org/ClusterTrainingRuntime', 'external-secrets.io/ClusterSecretStore',
  'external-secrets.io/ClusterExternalSecret', 'external-secrets.io/ClusterPushSecret', 'generators.external-secrets.io/ClusterGenerator',
  'cert-manager.io/ClusterIssuer', 'keda.sh/ClusterTriggerAuthentication', 'karpenter.sh/NodePool', 'karpenter.sh/NodeClaim',
  'karpenter.k8s.aws/EC2NodeClass', 'nvidia.com/ClusterPolicy', 'gateway.networking.k8s.io/GatewayClass',
]);

/** The API group of an apiVersion (`apps/v1` → `apps`, `v1` → ``). */
export function groupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

/** The version of an apiVersion (`apps/v1` → `v1`). */
export function versionOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? apiVersion : apiVersion.slice(slash + 1);
}

/** Whether the API server serves this group without a CRD. */
export function isBuiltInGroup(group: string): boolean {
  return BUILT_IN_GROUPS.has(group);
}

/** Scopes of custom kinds learnt from CRDs (`group/Kind` → namespaced). */
export type CrdScopes = Map<string, boolean>;

/** Whether objects of this kind live in a namespace. */
export function isNamespaced(group: string, kind: string, crdScopes?: CrdScopes): boolean {
  if (isBuiltInGroup(group)) return !CLUSTER_SCOPED_BUILT_IN.has(kind);
  const fromCrd = crdScopes?.get(`${group}/${kind}`);
  if (fromCrd !== undefined) return fromCrd;
  if (CLUSTER_SCOPED_CUSTOM.has(`${group}/${kind}`)) return false;
  return !kind.startsWith('Cluster');
}

/** A plain JSON object, or undefined. */
export function asObject(value: unknown): { [key: string]: unknown } | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? value as { [key: string]: unknown } : undefined;
}

/** An array, or empty. */
export function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** A string, or undefined. */
export function asString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** A map of strings (labels, selectors), or empty. */
export function asStringMap(value: unknown): { [key: string]: string } {
  const o = asObject(value);
  const out: { [key: string]: string } = {};
  if (!o) return out;
  for (const [k, v] of Object.entries(o)) {
    if (typeof v === 'string') out[k] = v;
    else if (typeof v === 'number' || typeof v === 'boolean') out[k] = String(v);
  }
  return out;
}

/** The value at a dotted path (`spec.template.spec`). */
export function at(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const part of path.split('.')) {
    const o = asObject(cur);
    if (!o) return undefined;
    cur = o[part];
  }
  return cur;
}

/** `Kind namespace/name` or `Kind name`. */
export function objectId(obj: KubeObject): string {
  const ns = obj.metadata?.namespace;
  return ns ? `${obj.kind} ${ns}/${obj.metadata?.name ?? ''}` : `${obj.kind} ${obj.metadata?.name ?? ''}`;
}

/** Index key of an object: `group/Kind/namespace/name` (namespace empty for cluster-scoped objects). */
export function objectKey(group: string, kind: string, namespace: string | undefined, name: string): string {
  return `${group}/${kind}/${namespace ?? ''}/${name}`;
}

/** A port number from a number or numeric string. */
export function asPort(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'string' && /^\d+$/.test(value)) return Number(value);
  return undefined;
}
