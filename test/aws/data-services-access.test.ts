import { Chart, Testing as K8sTesting } from 'cdk8s';
import { Testing } from 'cdktf';
import { ACCOUNT, AZS, REGION, configs, planStack, policyStatements, synth, testCluster, testNaming, testStack } from './util';
import { CnaiAwsStack, DataServicesAccess, ModelStore, PostgresDatabase, ServiceSecret } from '../../lib/aws';
import { EncryptionKey } from '../../lib/aws/encryption-key';
import { ModelRegistry, VectorDatabase } from '../../lib/k8s';

function access() {
  const stack = testStack();
  const cluster = testCluster(stack);
  const modelStore = new ModelStore(stack, 'store', { naming: testNaming() });
  const database = new PostgresDatabase(stack, 'db', { cluster });
  const dataServices = new DataServicesAccess(stack, 'data', { cluster, modelStore, database, vectorDatabases: [{ namespace: 'rag', name: 'docs' }] });
  return { stack, cluster, modelStore, database, dataServices };
}

/** The statements of the inline policy of the role with this name. */
function grants(json: any, roleName: string): any[] {
  const role = Object.entries(json.resource.aws_iam_role).find(([, r]: [string, any]) => r.name === roleName)![0];
  const policy = configs(json, 'aws_iam_role_policy').find((p) => p.role === `\${aws_iam_role.${role}.id}`);
  return policyStatements(json, policy.policy);
}

describe('DataServicesAccess', () => {
  test('the registry server: an identity for mlflow/mlflow with read-write on the models bucket\'s mlflow/ prefix only', () => {
    const { stack, dataServices } = access();
    expect(dataServices.registryIdentity!.contract()).toEqual({ namespace: 'mlflow', serviceAccount: 'mlflow', roleName: 'cnai-test-model-registry' });
    const s = grants(synth(stack), 'cnai-test-model-registry');
    expect(s[0]).toMatchObject({ actions: ['s3:ListBucket', 's3:ListBucketMultipartUploads'], condition: [{ test: 'StringLike', variable: 's3:prefix', values: ['mlflow/*'] }] });
    expect(s[1].actions).toContain('s3:PutObject');
    expect(s[1].resources[0]).toMatch(/\/mlflow\/\*$/);
  });

  test('each vector database: a snapshot identity with read-write on its own snapshot prefix, and an API key secret', () => {
    const { stack, dataServices } = access();
    const docs = dataServices.vectorDatabases['rag/docs'];
    expect(docs.snapshotIdentity.contract()).toMatchObject({ namespace: 'rag', serviceAccount: 'docs-snapshots' });
    expect(docs.snapshotPrefix).toBe('vector-snapshots/rag/docs/');
    expect(docs.apiKeys.secretName).toBe('cnai-test/vector-db/rag/docs');
    const s = grants(synth(stack), docs.snapshotIdentity.roleName);
    expect(s[0].condition[0].values).toEqual(['vector-snapshots/rag/docs/*']);
    expect(() => dataServices.addVectorDatabase({ namespace: 'rag', name: 'docs' })).toThrow(/invalid vectorDatabases = "rag\/docs": the vector database is already prepared/);
  });

  test('secrets: encrypted with a customer key, 30-day recovery, and no value in Terraform (nothing in the state)', () => {
    const { stack } = access();
    const json = synth(stack);
    const secrets = configs(json, 'aws_secretsmanager_secret');
    expect(secrets.map((x) => x.name).sort()).toEqual(['cnai-test/model-registry', 'cnai-test/vector-db/rag/docs']);
    for (const x of secrets) {
      expect(x.kms_key_id).toMatch(/aws_kms_key/);
      expect(x.recovery_window_in_days).toBe(30);
    }
    expect(configs(json, 'aws_secretsmanager_secret_version')).toEqual([]);
  });

  test('the External Secrets controller may read exactly these secrets and the database\'s master secret', () => {
    const { stack, dataServices } = access();
    expect(dataServices.secretsReader.contract()).toMatchObject({ namespace: 'external-secrets', serviceAccount: 'external-secrets' });
    const s = grants(synth(stack), dataServices.secretsReader.roleName);
    const read = s.filter((x) => x.actions.includes('secretsmanager:GetSecretValue')).map((x) => x.resources[0]);
    expect(read).toHaveLength(3);
    expect(read.some((r) => /master_user_secret/.test(r))).toBe(true);
    expect(read.filter((r) => /aws_secretsmanager_secret\./.test(r))).toHaveLength(2);
  });

  test('serving reads registered model versions read-only', () => {
    const { stack, cluster, dataServices } = access();
    const serving = cluster.addWorkloadIdentity('serving', { namespace: 'team-chat', serviceAccount: 'chat' });
    dataServices.grantRegistryRead(serving);
    const s = grants(synth(stack), serving.roleName);
    expect(s[1].actions).toEqual(['s3:GetObject', 's3:GetObjectVersion', 's3:GetObjectAttributes']);
    expect(s[1].resources[0]).toMatch(/\/mlflow\/\*$/);
  });

  test('an existing External Secrets identity is reused', () => {
    const stack = testStack();
    const cluster = testCluster(stack);
    const eso = cluster.addWorkloadIdentity('eso', { namespace: 'external-secrets', serviceAccount: 'external-secrets' });
    const modelStore = new ModelStore(stack, 'store', { naming: testNaming() });
    expect(new DataServicesAccess(stack, 'data', { cluster, modelStore, registry: false }).secretsReader).toBe(eso);
  });

  test('errors: a bad secret path and recovery window', () => {
    const stack = testStack();
    const key = new EncryptionKey(stack, 'k', { naming: testNaming(), purpose: 'x' });
    expect(() => new ServiceSecret(stack, 's', { naming: testNaming(), key, service: '/abs', description: 'x' })).toThrow(/invalid service = "\/abs": not a secret path/);
    expect(() => new ServiceSecret(stack, 't', { naming: testNaming(), key, service: 'ok', description: 'x', recoveryWindowDays: 3 }))
      .toThrow(/invalid recoveryWindowDays = 3: Secrets Manager keeps a deleted secret 7 to 30 days/);
  });

  test('the Kubernetes layer accepts the contract of a stack with DataServicesAccess, and names the same secrets', () => {
    const stack = new CnaiAwsStack(Testing.app(), 'cnai', { platformName: 'cnai', environment: 'test', region: REGION, accountId: ACCOUNT, availabilityZones: AZS });
    new DataServicesAccess(stack, 'data', { cluster: stack.cluster, modelStore: stack.modelStore, database: stack.database, vectorDatabases: [{ namespace: 'rag', name: 'docs' }] });
    const contract = stack.contract();
    const chart = new Chart(K8sTesting.app(), 'k8s');
    new ModelRegistry(chart, 'registry', { contract });
    new VectorDatabase(chart, 'docs', { contract, namespace: { namespaceName: 'rag' } });
    const remoteKeys = K8sTesting.synth(chart).filter((o) => o.kind === 'ExternalSecret').map((o) => o.spec.data[0].remoteRef.key);
    expect(remoteKeys).toEqual(expect.arrayContaining(['cnai-test/model-registry', 'cnai-test/vector-db/rag/docs']));
    const awsSecrets = configs(synth(stack), 'aws_secretsmanager_secret').map((x) => x.name);
    expect(awsSecrets).toEqual(expect.arrayContaining(['cnai-test/model-registry', 'cnai-test/vector-db/rag/docs']));
  });

  test('terraform validates and plans a platform stack with DataServicesAccess offline', () => {
    const stack = new CnaiAwsStack(Testing.app(), 'cnai', { platformName: 'cnai', environment: 'test', region: REGION, accountId: ACCOUNT, availabilityZones: AZS });
    new DataServicesAccess(stack, 'data', { cluster: stack.cluster, modelStore: stack.modelStore, database: stack.database, vectorDatabases: [{ namespace: 'rag', name: 'docs' }] });
    const result = planStack(stack);
    expect(result.validated).toBe(true);
    expect(result.planned).toBe(true);
    expect(result.plannedResourcesByType.aws_secretsmanager_secret).toBe(2);
  }, 300_000);
});
