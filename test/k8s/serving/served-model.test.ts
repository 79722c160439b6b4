import { PlatformContract } from '../../../lib/core/contract';
import { ModelSource } from '../../../lib/k8s/common/model-source';
import {
  KSERVE_MAX_NAME_LENGTH, checkKServeName, checkModelSource, fixedReplicas, modelStoreRegion, servedModelLabels, servedModelServiceAccount,
} from '../../../lib/k8s/serving/served-model';

const CONTRACT = {
  region: 'eu-central-1',
  workloadIdentities: [{ namespace: 'team-a', serviceAccount: 'chat', roleName: 'cnai-dev-team-a-chat' }],
} as unknown as PlatformContract;

describe('checkModelSource', () => {
  test('a ModelSource is returned as is', () => {
    const s = ModelSource.s3('s3://cnai-dev-models/chat/');
    expect(checkModelSource('svc', s, 'use ModelSource.s3(...)')).toBe(s);
  });

  test('a string URI is refused without being shown: it may carry a token (exact message)', () => {
    expect(() => checkModelSource('svc', 'hf://user:hf_secret@meta-llama/x', 'use ModelSource.huggingFace(...)')).toThrow(
      'svc: invalid source = "<string, not shown>": not a ModelSource. Fix: use ModelSource.huggingFace(...).');
  });

  test('another object is shown', () => {
    expect(() => checkModelSource('svc', { storageUri: 's3://b/p/' }, 'f')).toThrow('svc: invalid source = {"storageUri":"s3://b/p/"}: not a ModelSource');
  });
});

describe('checkKServeName', () => {
  test('53 characters keep <name>-predictor within 63', () => {
    expect(KSERVE_MAX_NAME_LENGTH).toBe(53);
    const name = 'a'.repeat(53);
    expect(checkKServeName('svc', name)).toBe(name);
    expect(`${name}-predictor`).toHaveLength(63);
  });

  test('54 characters (exact message)', () => {
    const name = 'a'.repeat(54);
    expect(() => checkKServeName('svc', name)).toThrow(
      `svc: invalid name = "${name}": KServe names its Service <name>-predictor, which must stay within 63 characters. Fix: use a name of at most 53 characters.`);
  });
});

describe('servedModelServiceAccount', () => {
  test('the service\'s name by default, or the one given', () => {
    expect(servedModelServiceAccount('svc', undefined, 'chat')).toBe('chat');
    expect(servedModelServiceAccount('svc', 'chat-reader', 'chat')).toBe('chat-reader');
  });

  test('a name that is not a DNS-1123 subdomain', () => {
    expect(() => servedModelServiceAccount('svc', 'Chat', 'chat')).toThrow(/^svc: invalid serviceAccountName = "Chat": not a valid DNS-1123 subdomain/);
  });
});

describe('fixedReplicas', () => {
  test('1 by default, with or without autoscaling; the count given', () => {
    expect(fixedReplicas('svc', undefined, false, 'f')).toBe(1);
    expect(fixedReplicas('svc', undefined, true, 'f')).toBe(1);
    expect(fixedReplicas('svc', 3, false, 'f')).toBe(3);
  });

  test('a count beside autoscaling (exact message)', () => {
    expect(() => fixedReplicas('svc', 2, true, 'f')).toThrow(
      'svc: invalid replicas = 2: a fixed count and autoscaling are both given. Fix: drop replicas (autoscaling sets minReplicas and maxReplicas), or drop autoscaling.');
  });

  test('a count below 1 or not whole (exact message)', () => {
    expect(() => fixedReplicas('svc', 0, false, 'give at least 1')).toThrow('svc: invalid replicas = 0: not a whole number of at least 1. Fix: give at least 1.');
    expect(() => fixedReplicas('svc', 1.5, false, 'f')).toThrow('svc: invalid replicas = 1.5: not a whole number of at least 1');
  });
});

describe('modelStoreRegion', () => {
  test('S3 with an identity: the source\'s region, else the contract\'s', () => {
    expect(modelStoreRegion('svc', ModelSource.s3('s3://cnai-dev-models/chat/'), CONTRACT, 'team-a', 'chat', 'the pods')).toBe('eu-central-1');
    expect(modelStoreRegion('svc', ModelSource.s3('s3://cnai-dev-models/chat/', { region: 'us-east-1' }), CONTRACT, 'team-a', 'chat', 'the pods')).toBe('us-east-1');
  });

  test('S3 without a contract: the source\'s region or none; other sources: none', () => {
    expect(modelStoreRegion('svc', ModelSource.s3('s3://cnai-dev-models/chat/'), undefined, 'team-a', 'other', 'the pods')).toBeUndefined();
    expect(modelStoreRegion('svc', ModelSource.huggingFace('meta-llama/Llama-3.1-8B-Instruct'), CONTRACT, 'team-a', 'other', 'the pods')).toBeUndefined();
  });

  test('S3 and a contract without the service account\'s identity (exact message)', () => {
    expect(() => modelStoreRegion('svc', ModelSource.s3('s3://cnai-dev-models/chat/'), CONTRACT, 'team-b', 'chat', 'the storage initializer')).toThrow(
      'svc: invalid serviceAccountName = "team-b/chat": the contract has no workload identity for it, so the storage initializer cannot read s3://cnai-dev-models/chat/. '
      + 'Fix: add a WorkloadIdentity for namespace team-b and service account chat with read access to the model store in the AWS layer (ModelStore.grantRead).');
  });
});

describe('servedModelLabels', () => {
  test('the recommended labels, the selector label and the extra ones (which win)', () => {
    expect(servedModelLabels('chat', 'llm-server', 'cnai.io/llm-service', { 'team': 'a', 'app.kubernetes.io/part-of': 'rag' })).toEqual({
      'app.kubernetes.io/name': 'chat',
      'app.kubernetes.io/component': 'llm-server',
      'app.kubernetes.io/part-of': 'rag',
      'app.kubernetes.io/managed-by': 'cnai-constructs',
      'cnai.io/llm-service': 'chat',
      'team': 'a',
    });
  });
});
