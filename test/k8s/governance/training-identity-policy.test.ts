/** cnai-training-identity: the training service account's boundary, evaluated with allowed and denied requests. */
import { admit, AdmissionRequest, problemsOf } from './admission';
import { ARGO_CD, container, controller, create, DEVELOPER, ECR_TRAINER, ownedBy, pod, policyObjects, TEAM_A, workload } from './fixture';

const POLICY = 'cnai-training-identity';
const objects = policyObjects();
const IMAGE = `${ECR_TRAINER}:1.3.0`;
const asTraining = { serviceAccountName: 'ml-training', containers: [container(IMAGE)] };
const QUEUED = { 'kueue.x-k8s.io/queue-name': 'team-a' };

function problems(req: AdmissionRequest): string[] {
  const verdicts = admit(objects, req).filter((v) => v.policy === POLICY);
  expect(verdicts).toHaveLength(1);
  return problemsOf(verdicts);
}

const BARE = 'A bare pod never runs as the training identity: its owner must control it (the Job of a TrainJob or of a queued Job, a Notebook\'s StatefulSet).';
const byPerson = (who: string, sa: string = 'ml-training') => `${who} may not create or change a pod that runs as ${sa}: only controllers do; `
  + 'submit a TrainJob, or a Job in the team\'s Kueue queue (label kueue.x-k8s.io/queue-name)';
const JOB = 'A Job or CronJob that runs as the training identity is queued by Kueue: set the label kueue.x-k8s.io/queue-name to the team\'s LocalQueue (on a CronJob: on its jobTemplate).';
const SERVER = 'A long-running workload of its own never runs as the training identity (only one a controller owns, such as a Notebook\'s StatefulSet): give it its own service account.';

describe('training identity: allowed', () => {
  test('the pods of a TrainJob: JobSet\'s Job owns them, the Job controller creates them', () => {
    const trainPod = pod(asTraining, { labels: { 'kueue.x-k8s.io/podset': 'node' }, ownerReferences: [ownedBy('Job', 'sft-node-0')] });
    expect(problems(create(trainPod, controller('job-controller')))).toEqual([]);
  });

  test('the Jobs JobSet makes for a TrainJob (owned by the JobSet)', () => {
    const job = workload('Job', asTraining, { name: 'sft-node-0', ownerReferences: [ownedBy('JobSet', 'sft', 'jobset.x-k8s.io/v1alpha2')] });
    expect(problems(create(job, { username: 'system:serviceaccount:kubeflow-system:jobset-controller-manager' }))).toEqual([]);
  });

  test('a Job or CronJob in the team\'s Kueue queue, written by a developer (DataPreparationJob)', () => {
    expect(problems(create(workload('Job', asTraining, { labels: QUEUED }), DEVELOPER))).toEqual([]);
    expect(problems(create(workload('CronJob', asTraining, {}, QUEUED), DEVELOPER))).toEqual([]);
  });

  test('a Notebook\'s StatefulSet and its pod (the notebook controller and the StatefulSet controller make them)', () => {
    const sts = workload('StatefulSet', asTraining, { name: 'ds-alice', ownerReferences: [ownedBy('Notebook', 'ds-alice', 'kubeflow.org/v1')] });
    expect(problems(create(sts, { username: 'system:serviceaccount:kubeflow:notebook-controller-service-account' }))).toEqual([]);
    expect(problems(create(pod(asTraining, { name: 'ds-alice-0', ownerReferences: [ownedBy('StatefulSet', 'ds-alice')] }), controller('statefulset-controller')))).toEqual([]);
  });

  test('Kueue changing a training pod (removing its scheduling gate)', () => {
    const gated = pod({ ...asTraining, schedulingGates: [{ name: 'kueue.x-k8s.io/admission' }] }, { labels: QUEUED, ownerReferences: [ownedBy('Job', 'prep')] });
    const ungated = pod(asTraining, { labels: QUEUED, ownerReferences: [ownedBy('Job', 'prep')] });
    expect(problems({ operation: 'UPDATE', object: ungated, oldObject: gated, namespaceLabels: TEAM_A, username: 'system:serviceaccount:kueue-system:kueue-controller-manager' })).toEqual([]);
  });

  test('the Spark driver starting its executors as itself', () => {
    const executor = pod({ ...asTraining, serviceAccountName: 'ml-training-spark' }, { ownerReferences: [ownedBy('Pod', 'prep-driver', 'v1')] });
    expect(problems(create(executor, { username: 'system:serviceaccount:team-a:ml-training-spark' }))).toEqual([]);
  });

  test('anything that does not run as a training account, a developer\'s bare pod included', () => {
    expect(problems(create(pod({ containers: [container(IMAGE)] }), DEVELOPER))).toEqual([]);
    expect(problems(create(workload('Deployment', { serviceAccountName: 'support-api', containers: [container(IMAGE)] }), DEVELOPER))).toEqual([]);
  });
});

describe('training identity: denied', () => {
  test('a developer\'s bare pod as ml-training (the finding: S3 write rights from any pod)', () => {
    expect(problems(create(pod(asTraining), DEVELOPER))).toEqual([byPerson('alice@example.com'), BARE]);
  });

  test('the deprecated serviceAccount field names the account just as well', () => {
    expect(problems(create(pod({ serviceAccount: 'ml-training', containers: [container(IMAGE)] }), DEVELOPER))).toEqual([byPerson('alice@example.com'), BARE]);
  });

  test('a person\'s pod with a made-up controller owner', () => {
    expect(problems(create(pod(asTraining, { ownerReferences: [ownedBy('Job', 'made-up')] }), DEVELOPER))).toEqual([byPerson('alice@example.com'), BARE]);
  });

  test('a person\'s Job or Deployment with a made-up controller owner (an owner reference is a claim, not a controller)', () => {
    const madeUp = { ownerReferences: [ownedBy('JobSet', 'made-up', 'jobset.x-k8s.io/v1alpha2')] };
    expect(problems(create(workload('Job', asTraining, madeUp), DEVELOPER))).toEqual([JOB]);
    expect(problems(create(workload('Deployment', asTraining, { ownerReferences: [ownedBy('Notebook', 'made-up', 'kubeflow.org/v1')] }), DEVELOPER))).toEqual([SERVER]);
  });

  test('a person changing a running training pod (swapping its image)', () => {
    const running = pod(asTraining, { labels: { 'kueue.x-k8s.io/podset': 'node' }, ownerReferences: [ownedBy('Job', 'sft-node-0')] });
    const swapped = { ...running, spec: { ...running.spec, containers: [container('docker.io/library/python:3.14.2-slim-bookworm')] } };
    expect(problems({ operation: 'UPDATE', object: swapped, oldObject: running, namespaceLabels: TEAM_A, ...DEVELOPER })).toEqual([byPerson('alice@example.com')]);
    // Labels only: not judged.
    const relabelled = { ...running, metadata: { ...running.metadata, labels: { ...running.metadata.labels, debug: 'true' } } };
    expect(admit(objects, { operation: 'UPDATE', object: relabelled, oldObject: running, namespaceLabels: TEAM_A, ...DEVELOPER }).filter((v) => v.policy === POLICY)).toEqual([]);
  });

  test('a service account of the team namespace starting a pod as another account (a token used from inside a pod)', () => {
    const p = pod(asTraining, { ownerReferences: [ownedBy('Pod', 'x', 'v1')] });
    expect(problems(create(p, { username: 'system:serviceaccount:team-a:ml-training-spark' }))).toEqual([byPerson('system:serviceaccount:team-a:ml-training-spark')]);
  });

  test('a bare pod even from a controller (Argo CD)', () => {
    expect(problems(create(pod(asTraining), ARGO_CD))).toEqual([BARE]);
  });

  test('a Job or CronJob as ml-training outside Kueue', () => {
    expect(problems(create(workload('Job', asTraining), DEVELOPER))).toEqual([JOB]);
    expect(problems(create(workload('CronJob', asTraining, { labels: QUEUED }), DEVELOPER))).toEqual([JOB]);
  });

  test('a Deployment, StatefulSet, DaemonSet or ReplicaSet of its own as ml-training, queued or not', () => {
    for (const kind of ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet']) {
      expect(problems(create(workload(kind, asTraining, { labels: QUEUED }), DEVELOPER))).toEqual([SERVER]);
    }
  });

  test('the Spark account is protected too', () => {
    expect(problems(create(pod({ ...asTraining, serviceAccountName: 'ml-training-spark' }), DEVELOPER))).toEqual([byPerson('alice@example.com', 'ml-training-spark'), BARE]);
  });
});
