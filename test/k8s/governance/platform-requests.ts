/**
 * The admission requests a platform's own workloads make: every object of the output that runs
 * pods, as Argo CD applies it, and the pod its controller makes from it (with the owner, labels
 * and requester Kubernetes gives them). Pod groups of kinds other controllers run (TrainJobs,
 * Notebooks, Katib Experiments) are returned apart, for the test to build their requests.
 */
import { AdmissionRequest } from './admission';
import { ARGO_CD, controller, Requester } from './fixture';
import { buildPlatformModel } from '../../../lib/verify/platform/model-builder';

/** One request, and what it is. */
export interface PlatformRequest {
  readonly what: string;
  readonly request: AdmissionRequest;
}

const HASH = '7c9d8f6b5';
const UID = '0a1b2c3d-0000-4000-8000-00000000000a';
const ownerRef = (apiVersion: string, kind: string, name: string) =>
  ({ apiVersion, kind, name, uid: UID, controller: true, blockOwnerDeletion: true });

/** The labels of each namespace of the output. */
export function namespaceLabelsOf(objects: any[]): Map<string, { [key: string]: string }> {
  return new Map(objects.filter((o) => o.kind === 'Namespace').map((o) => [o.metadata.name, o.metadata.labels ?? {}]));
}

/** A pod a controller makes, owned by `by`. */
export function podRequest(objects: any[], namespace: string, name: string, labels: { [key: string]: string }, spec: any,
  by: { apiVersion: string; kind: string; name: string }, who: Requester): AdmissionRequest {
  return {
    operation: 'CREATE',
    namespaceLabels: namespaceLabelsOf(objects).get(namespace) ?? {},
    object: { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace, labels, ownerReferences: [ownerRef(by.apiVersion, by.kind, by.name)] }, spec },
    ...who,
  };
}

/** The requests of the workloads of the output the Kubernetes controllers run; `others`: the ids of pod groups of other kinds. */
export function platformRequests(objects: any[]): { requests: PlatformRequest[]; others: string[] } {
  const model = buildPlatformModel({ file: 'platform', content: objects }, [], { clusterProvided: false });
  const labelsOf = namespaceLabelsOf(objects);
  const written = new Map(objects.map((o) => [`${o.kind} ${o.metadata.namespace}/${o.metadata.name}`, o]));
  const requests: PlatformRequest[] = [];
  const others: string[] = [];
  for (const g of model.podGroups) {
    if (g.origin.release) continue; // installed by an operator release: their charts' pods are not in the output
    const o = written.get(g.id);
    if (!o || !['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob'].includes(o.kind)) {
      others.push(g.id);
      continue;
    }
    const ns = g.namespace;
    const name = o.metadata.name;
    const labels = g.labels;
    requests.push({ what: `${g.id} (applied by Argo CD)`, request: { operation: 'CREATE', object: o, namespaceLabels: labelsOf.get(ns) ?? {}, ...ARGO_CD } });
    const pod = (podName: string, podLabels: { [key: string]: string }, by: { apiVersion: string; kind: string; name: string }, who: string) =>
      requests.push({ what: `pod of ${g.id}`, request: podRequest(objects, ns, podName, podLabels, g.podSpec, by, controller(who)) });
    switch (o.kind) {
      case 'Deployment':
        pod(`${name}-${HASH}-x1`, { ...labels, 'pod-template-hash': HASH }, { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: `${name}-${HASH}` }, 'replicaset-controller');
        break;
      case 'StatefulSet':
        pod(`${name}-0`, labels, { apiVersion: 'apps/v1', kind: 'StatefulSet', name }, 'statefulset-controller');
        break;
      case 'DaemonSet':
        pod(`${name}-x1`, labels, { apiVersion: 'apps/v1', kind: 'DaemonSet', name }, 'daemon-set-controller');
        break;
      case 'Job':
        pod(`${name}-x1`, labels, { apiVersion: 'batch/v1', kind: 'Job', name }, 'job-controller');
        break;
      default: { // CronJob
        const job = `${name}-29400000`;
        const jobObject = { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: job, namespace: ns, labels: o.spec.jobTemplate.metadata?.labels ?? {}, ownerReferences: [ownerRef('batch/v1', 'CronJob', name)] }, spec: o.spec.jobTemplate.spec };
        requests.push({ what: `Job of ${g.id}`, request: { operation: 'CREATE', object: jobObject, namespaceLabels: labelsOf.get(ns) ?? {}, ...controller('cronjob-controller') } });
        pod(`${job}-x1`, { ...labels, 'batch.kubernetes.io/job-name': job }, { apiVersion: 'batch/v1', kind: 'Job', name: job }, 'job-controller');
      }
    }
  }
  return { requests, others };
}

/** The policies with their exemptions removed (to show the exemptions are needed). */
export function withoutExemptions(objects: any[]): any[] {
  return objects.map((o) => {
    if (o.kind !== 'ValidatingAdmissionPolicy') return o;
    const variables = (o.spec.variables ?? []).map((v: any) => (v.name === 'exemptions' ? { ...v, expression: '{}' } : v));
    return { ...o, spec: { ...o.spec, variables } };
  });
}
