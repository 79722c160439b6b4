/** cnai-gpu-workloads-through-kueue, evaluated with allowed and denied objects. */
import { admit, AdmissionRequest, problemsOf } from './admission';
import { ARGO_CD, container, controller, create, DEVELOPER, GPU, ownedBy, pod, policyObjects, TEAM_A, workload } from './fixture';

const POLICY = 'cnai-gpu-workloads-through-kueue';
const objects = policyObjects();
const IMAGE = 'docker.io/pytorch/pytorch:2.9.1-cuda12.8-cudnn9-runtime';
const gpuSpec = { containers: [container(IMAGE, GPU)] };

function problems(req: AdmissionRequest): string[] {
  const verdicts = admit(objects, req).filter((v) => v.policy === POLICY);
  expect(verdicts.map((v) => v.binding)).toEqual([POLICY]);
  return problemsOf(verdicts);
}
const POD_DENIED = /^A pod that requests GPUs in a team namespace must be admitted by Kueue/;
const WORKLOAD_DENIED = /^A workload that requests GPUs in a team namespace must carry the label kueue.x-k8s.io\/queue-name/;

describe('GPU workloads go through Kueue: allowed', () => {
  test('a pod without GPUs, even a developer\'s bare pod', () => {
    expect(problems(create(pod({ containers: [container(IMAGE)] }), DEVELOPER))).toEqual([]);
  });

  test('a bare pod with the queue label (Kueue\'s pod integration gates it until admitted)', () => {
    expect(problems(create(pod(gpuSpec, { labels: { 'kueue.x-k8s.io/queue-name': 'team-a' } }), DEVELOPER))).toEqual([]);
  });

  test('a pod of a Job (or JobSet, TrainJob) Kueue admitted: its podset label, its Job as owner, created by the Job controller', () => {
    const labels = { 'kueue.x-k8s.io/podset': 'node', 'kueue.x-k8s.io/local-queue-name': 'team-a', 'batch.kubernetes.io/job-name': 'sft-node-0' };
    expect(problems(create(pod(gpuSpec, { labels, ownerReferences: [ownedBy('Job', 'sft-node-0')] }), controller('job-controller')))).toEqual([]);
  });

  test('the pods of an exempt Deployment (through its ReplicaSet) and of an exempt StatefulSet', () => {
    const rs = pod(gpuSpec, { labels: { 'pod-template-hash': '5d8f7c9b4' }, ownerReferences: [ownedBy('ReplicaSet', 'chat-5d8f7c9b4')] });
    expect(problems(create(rs, controller('replicaset-controller')))).toEqual([]);
    const sts = pod(gpuSpec, { name: 'chat-0', ownerReferences: [ownedBy('StatefulSet', 'chat')] });
    expect(problems(create(sts, controller('statefulset-controller')))).toEqual([]);
  });

  test('workloads with the queue label: Deployment, StatefulSet, Job, a CronJob on its job template', () => {
    const queued = { labels: { 'kueue.x-k8s.io/queue-name': 'team-a' } };
    for (const kind of ['Deployment', 'StatefulSet', 'Job']) expect(problems(create(workload(kind, gpuSpec, queued), DEVELOPER))).toEqual([]);
    expect(problems(create(workload('CronJob', gpuSpec, {}, { 'kueue.x-k8s.io/queue-name': 'team-a' }), DEVELOPER))).toEqual([]);
  });

  test('a workload a controller owns (JobSet\'s Jobs): its owner was checked', () => {
    const job = workload('Job', gpuSpec, { name: 'sft-node-0', ownerReferences: [ownedBy('JobSet', 'sft', 'jobset.x-k8s.io/v1alpha2')] });
    expect(problems(create(job, { username: 'system:serviceaccount:kubeflow-system:jobset-controller-manager' }))).toEqual([]);
  });

  test('the exempt Deployment itself', () => {
    expect(problems(create(workload('Deployment', gpuSpec, { name: 'chat' }), ARGO_CD))).toEqual([]);
  });

  test('a TrainJob with the queue label', () => {
    const trainJob = { apiVersion: 'trainer.kubeflow.org/v1alpha1', kind: 'TrainJob', metadata: { name: 'sft', namespace: 'team-a', labels: { 'kueue.x-k8s.io/queue-name': 'team-a' } }, spec: { runtimeRef: { name: 'torch-distributed' } } };
    expect(problems(create(trainJob, DEVELOPER))).toEqual([]);
  });

  test('a metadata-only update of a workload admitted before the policy (a controller removing a finalizer)', () => {
    const old = workload('Deployment', gpuSpec, { name: 'legacy' });
    const updated = { ...old, metadata: { ...old.metadata, finalizers: [] } };
    const request: AdmissionRequest = { operation: 'UPDATE', object: updated, oldObject: old, namespaceLabels: TEAM_A, ...controller('deployment-controller') };
    // Its match condition leaves it out: no verdict at all.
    expect(admit(objects, request).filter((v) => v.policy === POLICY)).toEqual([]);
    // A change of its spec is judged.
    const changed = { ...old, spec: { ...old.spec, paused: true } };
    expect(problems({ ...request, object: changed })).toEqual([expect.stringMatching(WORKLOAD_DENIED)]);
  });
});

describe('GPU workloads go through Kueue: denied', () => {
  test('a bare GPU pod', () => {
    expect(problems(create(pod(gpuSpec), DEVELOPER))).toEqual([expect.stringMatching(POD_DENIED)]);
  });

  test('GPUs asked in limits only, or by an init container', () => {
    expect(problems(create(pod({ containers: [container(IMAGE, { resources: { limits: { 'nvidia.com/gpu': '2' } } })] }), DEVELOPER))).toEqual([expect.stringMatching(POD_DENIED)]);
    const init = pod({ initContainers: [container(IMAGE, GPU)], containers: [container(IMAGE)] });
    expect(problems(create(init, DEVELOPER))).toEqual([expect.stringMatching(POD_DENIED)]);
  });

  test('Kueue\'s podset label on a pod a person creates, even with an owner reference', () => {
    const spoofed = pod(gpuSpec, { labels: { 'kueue.x-k8s.io/podset': 'main' }, ownerReferences: [ownedBy('Job', 'x')] });
    expect(problems(create(spoofed, DEVELOPER))).toEqual([expect.stringMatching(POD_DENIED)]);
  });

  test('a person\'s GPU Job or Deployment with a made-up controller owner, to skip the queue label', () => {
    const madeUp = { ownerReferences: [ownedBy('JobSet', 'made-up', 'jobset.x-k8s.io/v1alpha2')] };
    for (const kind of ['Job', 'Deployment']) expect(problems(create(workload(kind, gpuSpec, madeUp), DEVELOPER))).toEqual([expect.stringMatching(WORKLOAD_DENIED)]);
  });

  test('the podset label on a bare pod a controller creates', () => {
    expect(problems(create(pod(gpuSpec, { labels: { 'kueue.x-k8s.io/podset': 'main' } }), ARGO_CD))).toEqual([expect.stringMatching(POD_DENIED)]);
  });

  test('an exemption holds for its own workload in its own namespace only', () => {
    const other = pod(gpuSpec, { labels: { 'pod-template-hash': 'abc' }, ownerReferences: [ownedBy('ReplicaSet', 'chatbot-abc')] });
    expect(problems(create(other, controller('replicaset-controller')))).toEqual([expect.stringMatching(POD_DENIED)]);
    const elsewhere = pod(gpuSpec, { namespace: 'team-b', labels: { 'pod-template-hash': 'abc' }, ownerReferences: [ownedBy('ReplicaSet', 'chat-abc')] });
    expect(problems(create(elsewhere, controller('replicaset-controller'), { 'cnai.io/team': 'team-b' }))).toEqual([expect.stringMatching(POD_DENIED)]);
    expect(problems(create(workload('Deployment', gpuSpec, { name: 'chat', namespace: 'team-b' }), DEVELOPER, { 'cnai.io/team': 'team-b' })))
      .toEqual([expect.stringMatching(WORKLOAD_DENIED)]);
  });

  test('a GPU Deployment, Job or CronJob without the queue label; a CronJob with it on itself but not on its job template', () => {
    for (const kind of ['Deployment', 'StatefulSet', 'Job', 'CronJob']) expect(problems(create(workload(kind, gpuSpec), DEVELOPER))).toEqual([expect.stringMatching(WORKLOAD_DENIED)]);
    const cron = workload('CronJob', gpuSpec, { labels: { 'kueue.x-k8s.io/queue-name': 'team-a' } });
    expect(problems(create(cron, DEVELOPER))).toEqual([expect.stringMatching(WORKLOAD_DENIED)]);
  });

  test('a GPU DaemonSet or ReplicaSet, which Kueue cannot queue', () => {
    const queued = { labels: { 'kueue.x-k8s.io/queue-name': 'team-a' } };
    expect(problems(create(workload('DaemonSet', gpuSpec, queued), ARGO_CD))).toEqual([expect.stringMatching(WORKLOAD_DENIED)]);
    expect(problems(create(workload('ReplicaSet', gpuSpec, queued), ARGO_CD))).toEqual([expect.stringMatching(WORKLOAD_DENIED)]);
  });

  test('a TrainJob without the queue label', () => {
    const trainJob = { apiVersion: 'trainer.kubeflow.org/v1alpha1', kind: 'TrainJob', metadata: { name: 'sft', namespace: 'team-a' }, spec: { runtimeRef: { name: 'torch-distributed' } } };
    expect(problems(create(trainJob, DEVELOPER))).toEqual([
      'A TrainJob in a team namespace is submitted through Kueue: set the label kueue.x-k8s.io/queue-name to the team\'s LocalQueue (TrainingJob and HyperparameterSearch do).',
    ]);
  });
});

describe('binding', () => {
  test('only team namespaces: a GPU pod elsewhere is not this policy\'s', () => {
    const verdicts = admit(objects, create(pod(gpuSpec, { namespace: 'ml-tools' }), DEVELOPER, { 'app.kubernetes.io/part-of': 'cnai-platform' }));
    expect(verdicts.map((v) => v.policy)).not.toContain(POLICY);
  });
});
