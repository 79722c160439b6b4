/**
 * A delivered model's run-time requests pass the platform's admission policies: the pods Argo
 * Rollouts' ReplicaSets make from the Deployment's template, and the Jobs its analyses create
 * (queued by Kueue, then their pods), judged as the API server would with the policies of the
 * delivery example's platform.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Testing } from 'cdk8s';
import { buildDeliveryApp } from '../../../examples/delivery/main';
import { admit, AdmissionRequest, problemsOf } from '../governance/admission';
import { controller } from '../governance/fixture';

const out = fs.mkdtempSync(path.join(os.tmpdir(), 'cnai-delivery-admission-'));
afterAll(() => fs.rmSync(out, { recursive: true, force: true }));
const app = buildDeliveryApp(out);
const objects: any[] = app.charts.flatMap((c) => Testing.synth(c));
const find = (kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata.name === name);
const namespaceLabels = find('Namespace', 'team-chat').metadata.labels;
const ROLLOUTS = { username: 'system:serviceaccount:argo-rollouts:argo-rollouts', groups: ['system:serviceaccounts'] };
const HASH = '6f8d9c7b4';
const UID = '0a1b2c3d-0000-4000-8000-00000000000b';
const owner = (apiVersion: string, kind: string, name: string) => ({ apiVersion, kind, name, uid: UID, controller: true, blockOwnerDeletion: true });

function request(object: any, who: { username: string; groups?: string[] }): AdmissionRequest {
  return { operation: 'CREATE', object, namespaceLabels, ...who };
}

/** The Job an AnalysisTemplate's job metric makes, and its pod (with the podset label Kueue adds when it admits the Job). */
function jobAndPod(template: string): AdmissionRequest[] {
  const metric = find('AnalysisTemplate', template).spec.metrics[0];
  const name = `${UID}.${metric.name}.1`;
  const job = {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name, namespace: 'team-chat', labels: metric.provider.job.metadata.labels, ownerReferences: [owner('argoproj.io/v1alpha1', 'AnalysisRun', `chat-${HASH}-2`)] },
    spec: metric.provider.job.spec,
  };
  const t = metric.provider.job.spec.template;
  const pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: `${name}-x1`,
      namespace: 'team-chat',
      labels: { ...t.metadata.labels, 'batch.kubernetes.io/job-name': name, ...(metric.provider.job.metadata.labels['kueue.x-k8s.io/queue-name'] ? { 'kueue.x-k8s.io/podset': 'main' } : {}) },
      ownerReferences: [owner('batch/v1', 'Job', name)],
    },
    spec: t.spec,
  };
  return [request(job, ROLLOUTS), request(pod, controller('job-controller'))];
}

describe('the delivery example\'s run-time requests and the admission policies', () => {
  test('the Rollout\'s pods (owner ReplicaSet chat-<hash>, labelled with Argo Rollouts\' hash) are the exempt served model', () => {
    const template = find('Deployment', 'chat').spec.template;
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: `chat-${HASH}-x1`,
        namespace: 'team-chat',
        labels: { ...template.metadata.labels, 'rollouts-pod-template-hash': HASH },
        ownerReferences: [owner('apps/v1', 'ReplicaSet', `chat-${HASH}`)],
      },
      spec: template.spec,
    };
    expect(problemsOf(admit(objects, request(pod, controller('replicaset-controller'))))).toEqual([]);
    // Another workload's name does not borrow the exemption.
    const other = { ...pod, metadata: { ...pod.metadata, ownerReferences: [owner('apps/v1', 'ReplicaSet', `other-${HASH}`)] } };
    expect(problemsOf(admit(objects, request(other, controller('replicaset-controller'))), 'cnai-gpu-workloads-through-kueue')).toHaveLength(1);
  });

  test('the evaluation Job is queued in Kueue, and its pod passes every policy', () => {
    for (const r of jobAndPod('chat-evaluation')) expect({ kind: r.object.kind, problems: problemsOf(admit(objects, r)) }).toEqual({ kind: r.object.kind, problems: [] });
  });

  test('the promotion Job and its pod pass every policy', () => {
    for (const r of jobAndPod('chat-promotion')) expect({ kind: r.object.kind, problems: problemsOf(admit(objects, r)) }).toEqual({ kind: r.object.kind, problems: [] });
  });

  test('an evaluation Job without its queue label would be refused', () => {
    const [job] = jobAndPod('chat-evaluation');
    const labels = { ...job.object.metadata.labels };
    delete labels['kueue.x-k8s.io/queue-name'];
    const unqueued = { ...job, object: { ...job.object, metadata: { ...job.object.metadata, labels, ownerReferences: undefined } } };
    expect(problemsOf(admit(objects, unqueued), 'cnai-gpu-workloads-through-kueue')).toHaveLength(1);
  });
});
