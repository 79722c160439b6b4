import { Testing } from 'cdktf';
import { configs, policyStatements } from './util';
import { CnaiAwsStack } from '../../lib/aws';
import { FeatureRegistryKind, GpuInstanceType, ModelRegistryKind, OnlineStoreKind, PlatformSpec, PredictiveModelFormat, ServedModelKind } from '../../lib/core';

const SPEC: PlatformSpec = {
  name: 'cnai',
  environment: 'test',
  region: 'us-west-2',
  accountId: '123456789012',
  availabilityZones: ['us-west-2a', 'us-west-2b'],
  gpuPools: [{ name: 't4', instanceTypes: [GpuInstanceType.G4DN_XLARGE], maxNodes: 2 }],
  teams: [{ name: 'apps', quotas: [{ pool: 't4', gpus: 2 }] }],
  models: [{ name: 'churn', team: 'apps', kind: ServedModelKind.PREDICTIVE, predictive: { format: PredictiveModelFormat.XGBOOST }, pools: [] }],
  // No MLflow: the database is there only for the feature store.
  modelRegistry: ModelRegistryKind.KUBEFLOW,
  featureStore: {
    project: 'churn',
    repository: { gitUrl: 'https://github.com/example/features.git', ref: 'v1.0.0' },
    onlineStore: OnlineStoreKind.POSTGRES,
    registry: FeatureRegistryKind.SQL,
    clients: ['churn'],
  },
};

function synthSpec(spec: PlatformSpec): { stack: CnaiAwsStack; json: any } {
  const stack = CnaiAwsStack.fromSpec(Testing.app(), 'spec', spec);
  return { stack, json: JSON.parse(Testing.synth(stack)) };
}

function grantsOfRole(json: any, roleName: string): any[] {
  const role = Object.entries(json.resource.aws_iam_role).find(([, r]: [string, any]) => r.name === roleName)![0];
  const policy = configs(json, 'aws_iam_role_policy').find((p) => p.role === `\${aws_iam_role.${role}.id}`);
  return policyStatements(json, policy.policy);
}

describe('the feature store on the AWS layer (CnaiAwsStack.fromSpec)', () => {
  const { stack, json } = synthSpec(SPEC);

  test('the feature server\'s identity: Pod Identity for features/feast-features, S3 only under features/features/ of the datasets bucket', () => {
    const association = configs(json, 'aws_eks_pod_identity_association').find((a) => a.namespace === 'features' && a.service_account === 'feast-features');
    expect(association).toBeDefined();
    const identity = stack.contract().workloadIdentities.find((w) => w.serviceAccount === 'feast-features')!;
    const statements = grantsOfRole(json, identity.roleName);
    const objects = statements.filter((s) => s.actions.includes('s3:PutObject')).flatMap((s) => s.resources);
    expect(objects).toEqual([expect.stringMatching(/datasets_bucket_[0-9A-F]+\.arn\}\/features\/features\/\*$/)]);
    const s3 = statements.flatMap((s) => s.resources).filter((r: string) => r.includes('bucket'));
    expect(s3.every((r: string) => /datasets_bucket/.test(r))).toBe(true);
    // The store's key only, to encrypt and decrypt the objects it writes and reads.
    const kms = statements.filter((s) => s.actions.some((a: string) => a.startsWith('kms:')));
    expect(kms.map((k) => k.actions)).toEqual([['kms:Decrypt', 'kms:GenerateDataKey']]);
    expect(kms[0].resources).toEqual([expect.stringMatching(/^\$\{aws_kms_key\.[^.]+\.arn\}$/)]);
  });

  test('a PostgreSQL online store: the database, and its role\'s password generated write-only into a secret only External Secrets reads', () => {
    expect(configs(json, 'aws_db_instance')).toHaveLength(1);
    const secret = configs(json, 'aws_secretsmanager_secret').find((x) => x.name === 'cnai-test/feature-store/features/features');
    expect(secret).toBeDefined();
    expect(secret.description).toContain('JSON with password');
    const version = configs(json, 'aws_secretsmanager_secret_version').find((v) => JSON.stringify(v.secret_id).includes('feature-store'));
    expect(version.secret_string_wo).toBeDefined();
    expect(version.secret_string).toBeUndefined();
    const reader = stack.contract().workloadIdentities.find((w) => w.namespace === 'external-secrets')!;
    const read = grantsOfRole(json, reader.roleName).filter((s) => s.actions.includes('secretsmanager:GetSecretValue')).flatMap((s) => s.resources);
    expect(read.some((r: string) => /feature-store_secret/.test(r))).toBe(true);
  });

  test('Redis and an S3 registry need no database role and no secret (the database there is the model registry\'s)', () => {
    const featureStore = { ...SPEC.featureStore!, onlineStore: OnlineStoreKind.REDIS, registry: FeatureRegistryKind.S3 };
    const { json: redis } = synthSpec({ ...SPEC, featureStore });
    expect(configs(redis, 'aws_secretsmanager_secret').map((x) => x.name)).not.toContain('cnai-test/feature-store/features/features');
    expect(configs(redis, 'aws_eks_pod_identity_association').map((a) => `${a.namespace}/${a.service_account}`)).toContain('features/feast-features');
  });
});
