/** cnai-serving-identity: the served models' service accounts, evaluated with allowed and denied requests. */
import { admit, AdmissionRequest, problemsOf } from './admission';
import { ARGO_CD, container, controller, create, DEVELOPER, ECR_TRAINER, ownedBy, pod, policyObjects, TEAM_A, workload } from './fixture';

const POLICY = 'cnai-serving-identity';
const objects = policyObjects({ servingServiceAccounts: ['chat'] });
const IMAGE = `${ECR_TRAINER}:1.3.0`;
const asChat = { serviceAccountName: 'chat', containers: [container(IMAGE)] };
const KSERVE = { username: 'system:serviceaccount:kserve:kserve-controller-manager' };

function problems(req: AdmissionRequest): string[] {
  const verdicts = admit(objects, req).filter((v) => v.policy === POLICY);
  expect(verdicts).toHaveLength(1);
  return problemsOf(verdicts);
}

function inferenceService(serviceAccountName?: string): any {
  return {
    apiVersion: 'serving.kserve.io/v1beta1',
    kind: 'InferenceService',
    metadata: { name: 'chat', namespace: 'team-a' },
    spec: { predictor: { ...(serviceAccountName ? { serviceAccountName } : {}), model: { modelFormat: { name: 'huggingface' }, storageUri: 's3://cnai-test-models/served/chat/' } } },
  };
}

const byPerson = (who: string, kind: string) => `${who} may not create or change a ${kind} that runs as chat: it is a served model's identity; `
  + 'change the served model in the platform\'s output, which Argo CD applies, or give your workload its own service account';
const BARE = 'A bare pod never runs as a serving identity: its owner must control it (the ReplicaSet of the served model\'s Deployment).';

describe('serving identity: allowed', () => {
  test('the served model\'s Deployment and InferenceService, applied by Argo CD', () => {
    expect(problems(create(workload('Deployment', asChat, { name: 'chat' })))).toEqual([]);
    expect(problems(create(inferenceService('chat')))).toEqual([]);
  });

  test('KServe\'s predictor Deployment, the ReplicaSet and its pods (controllers make them)', () => {
    expect(problems(create(workload('Deployment', asChat, { name: 'chat-predictor', ownerReferences: [ownedBy('InferenceService', 'chat', 'serving.kserve.io/v1beta1')] }), KSERVE))).toEqual([]);
    expect(problems(create(workload('ReplicaSet', asChat, { name: 'chat-5d8f', ownerReferences: [ownedBy('Deployment', 'chat')] }), controller('deployment-controller')))).toEqual([]);
    expect(problems(create(pod(asChat, { name: 'chat-5d8f-x', ownerReferences: [ownedBy('ReplicaSet', 'chat-5d8f')] }), controller('replicaset-controller')))).toEqual([]);
  });

  test('a developer\'s workloads with their own service account, and metadata-only changes of the served model', () => {
    expect(problems(create(workload('Deployment', { serviceAccountName: 'support-api', containers: [container(IMAGE)] }), DEVELOPER))).toEqual([]);
    expect(problems(create(pod({ containers: [container(IMAGE)] }), DEVELOPER))).toEqual([]);
    const served = workload('Deployment', asChat, { name: 'chat' });
    const labelled = { ...served, metadata: { ...served.metadata, labels: { owner: 'alice' } } };
    expect(admit(objects, { operation: 'UPDATE', object: labelled, oldObject: served, namespaceLabels: TEAM_A, ...DEVELOPER }).filter((v) => v.policy === POLICY)).toEqual([]);
  });
});

describe('serving identity: denied', () => {
  test('a developer\'s bare pod as the served model\'s account (the finding: its model store read rights from any pod)', () => {
    expect(problems(create(pod(asChat), DEVELOPER))).toEqual([byPerson('alice@example.com', 'Pod'), BARE]);
  });

  test('a developer\'s Deployment, Job or InferenceService as chat', () => {
    expect(problems(create(workload('Deployment', asChat, { name: 'my-chat' }), DEVELOPER))).toEqual([byPerson('alice@example.com', 'Deployment')]);
    expect(problems(create(workload('Job', asChat), DEVELOPER))).toEqual([byPerson('alice@example.com', 'Job')]);
    expect(problems(create(inferenceService('chat'), DEVELOPER))).toEqual([byPerson('alice@example.com', 'InferenceService')]);
  });

  test('a developer changing the served model\'s Deployment (its image, its command)', () => {
    const served = workload('Deployment', asChat, { name: 'chat' });
    const changed = workload('Deployment', { ...asChat, containers: [container(`${ECR_TRAINER}:2.0.0`)] }, { name: 'chat' });
    expect(problems({ operation: 'UPDATE', object: changed, oldObject: served, namespaceLabels: TEAM_A, ...DEVELOPER })).toEqual([byPerson('alice@example.com', 'Deployment')]);
  });

  test('a controller\'s bare pod, and a pod another account of the team namespace creates as chat', () => {
    expect(problems(create(pod(asChat), controller('job-controller')))).toEqual([BARE]);
    const owned = pod(asChat, { ownerReferences: [ownedBy('ReplicaSet', 'x')] });
    expect(problems(create(owned, { username: 'system:serviceaccount:team-a:support-api' })))
      .toEqual([byPerson('system:serviceaccount:team-a:support-api', 'Pod')]);
  });

  test('Argo CD is not a person: what it applies is the platform\'s output', () => {
    expect(problems(create(workload('Deployment', asChat, { name: 'chat' }), ARGO_CD))).toEqual([]);
  });
});
