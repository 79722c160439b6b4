/**
 * Building blocks of the platform's admission policies, as CEL text. Internal: the policies
 * (one file each) put them together.
 *
 * Written for the CEL environment of ValidatingAdmissionPolicy: `object` and `oldObject` are
 * untyped (dyn), so every optional field is guarded with `has()` before it is read; list and
 * map literals are homogeneous (the API server's environment requires it); only standard
 * CEL, the strings extension (`split`, `join`, `lastIndexOf`, `substring`, ...) and the
 * Kubernetes regex library (`find`) are used, which the verifier's CEL engine evaluates too.
 */
import { AdmissionExpression, AdmissionOperation, AdmissionResourceRule } from './admission-policy';

/** A CEL string literal. */
export function celString(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** A CEL list of strings. */
export function celStringList(values: string[]): string {
  return `[${values.map(celString).join(', ')}]`;
}

/** A CEL map from strings to lists of strings. */
export function celStringListMap(map: { [key: string]: string[] }): string {
  return `{${Object.keys(map).sort().map((k) => `${celString(k)}: ${celStringList(map[k])}`).join(', ')}}`;
}

/** The label Kueue reads the LocalQueue from (on workloads, and on plain pods it gates). */
export const QUEUE_LABEL = 'kueue.x-k8s.io/queue-name';
/**
 * The label Kueue puts on the pod template of a Job, JobSet or TrainJob it admits (the PodSet of
 * the admitted Workload); their pods do not carry {@link QUEUE_LABEL}.
 */
export const PODSET_LABEL = 'kueue.x-k8s.io/podset';

const CREATE_UPDATE = [AdmissionOperation.CREATE, AdmissionOperation.UPDATE];

/** Pods: created, or changed (images can change), and ephemeral containers added. */
export const POD_RULES: AdmissionResourceRule[] = [
  { apiGroups: [''], apiVersions: ['v1'], resources: ['pods'], operations: CREATE_UPDATE },
];

/** Pods, and the ephemeral containers `kubectl debug` adds. */
export const POD_AND_DEBUG_RULES: AdmissionResourceRule[] = [
  { apiGroups: [''], apiVersions: ['v1'], resources: ['pods', 'pods/ephemeralcontainers'], operations: CREATE_UPDATE },
];

/** The built-in kinds with a pod template, so the author of a workload hears about a violation when applying it, not only its controller. */
export const WORKLOAD_RULES: AdmissionResourceRule[] = [
  { apiGroups: ['apps'], apiVersions: ['v1'], resources: ['deployments', 'statefulsets', 'daemonsets', 'replicasets'], operations: CREATE_UPDATE },
  { apiGroups: ['batch'], apiVersions: ['v1'], resources: ['jobs', 'cronjobs'], operations: CREATE_UPDATE },
];

/**
 * Creations, and updates that change the spec: metadata-only updates (labels, annotations,
 * finalizers a controller removes) are never held up by a policy, even for objects that were
 * admitted before it was enforced.
 */
export const CREATION_OR_SPEC_CHANGE: AdmissionExpression = {
  name: 'creation-or-spec-change',
  expression: "request.operation != 'UPDATE' || oldObject.spec != object.spec",
};

/** `variables.podSpec`: the pod spec of a Pod, or the pod template's of a workload. */
export const POD_SPEC: AdmissionExpression = {
  name: 'podSpec',
  expression: "object.kind == 'Pod' ? object.spec : object.kind == 'CronJob' ? object.spec.jobTemplate.spec.template.spec : object.spec.template.spec",
};

/** `variables.containers`: containers, init containers and ephemeral containers of `variables.podSpec`. */
export const CONTAINERS: AdmissionExpression = {
  name: 'containers',
  expression: 'variables.podSpec.containers'
    + ' + (has(variables.podSpec.initContainers) ? variables.podSpec.initContainers : [])'
    + ' + (has(variables.podSpec.ephemeralContainers) ? variables.podSpec.ephemeralContainers : [])',
};

/** `variables.labels`: the object's labels (the pod's own, or the workload's). */
export const LABELS: AdmissionExpression = {
  name: 'labels',
  expression: 'has(object.metadata.labels) ? object.metadata.labels : {}',
};

/** `variables.serviceAccount`: the service account the pods run as. */
export const SERVICE_ACCOUNT: AdmissionExpression = {
  name: 'serviceAccount',
  expression: "has(variables.podSpec.serviceAccountName) ? variables.podSpec.serviceAccountName : has(variables.podSpec.serviceAccount) ? variables.podSpec.serviceAccount : 'default'",
};

/**
 * `variables.byController`: the request comes from a controller, i.e. a service account (the
 * control plane's controllers, Kueue, KServe, the notebook controller) or the controller manager
 * itself, never from a person.
 */
export const BY_CONTROLLER: AdmissionExpression = {
  name: 'byController',
  expression: "request.userInfo.username == 'system:kube-controller-manager' || request.userInfo.username.startsWith('system:serviceaccount:')",
};

/**
 * `variables.controlled`: an owner controls the object (a controller made it: ReplicaSet, Job,
 * StatefulSet, JobSet, InferenceService, Notebook) and a controller sent the request. An owner
 * reference is only a claim: a person who writes one on their own Job or Deployment does not make
 * it controlled (needs `variables.byController` before it).
 */
export const CONTROLLED: AdmissionExpression = {
  name: 'controlled',
  expression: 'variables.byController && has(object.metadata.ownerReferences) && object.metadata.ownerReferences.exists(r, has(r.controller) && r.controller)',
};
