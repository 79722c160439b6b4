import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { SecretsmanagerSecretVersion } from '@cdktf/provider-aws/lib/secretsmanager-secret-version';
import { Chart, Testing as K8sTesting } from 'cdk8s';
import { Testing } from 'cdktf';
import { ACCOUNT, AZS, REGION, configs, planStack, policyStatements, synth, testCluster, testNaming, testStack, tfJson } from './util';
import { CnaiAwsStack, DataServicesAccess, ModelStore, PostgresDatabase, ServiceSecret } from '../../lib/aws';
import { EncryptionKey } from '../../lib/aws/encryption-key';
import { ModelRegistry, VectorDatabase } from '../../lib/k8s';
import { VERIFY_EPHEMERAL_SENTINEL } from '../../lib/verify/terraform';
import { expectStackToPlan } from '../util/terraform';

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

  test('secrets: encrypted with a customer key, 30-day recovery, values generated at apply through write-only attributes', () => {
    const { stack } = access();
    const json = synth(stack);
    const secrets = configs(json, 'aws_secretsmanager_secret');
    expect(secrets.map((x) => x.name).sort()).toEqual(['cnai-test/model-registry', 'cnai-test/vector-db/rag/docs']);
    for (const x of secrets) {
      expect(x.kms_key_id).toMatch(/aws_kms_key/);
      expect(x.recovery_window_in_days).toBe(30);
    }
    const versions = configs(json, 'aws_secretsmanager_secret_version');
    expect(versions).toHaveLength(2);
    for (const v of versions) {
      // Only the write-only attribute carries the value; nothing Terraform stores does.
      expect(v.secret_string).toBeUndefined();
      expect(v.secret_binary).toBeUndefined();
      expect(v.secret_string_wo_version).toBe(1);
    }
    const registry = versions.find((v) => /registry-secret/.test(v.secret_id))!;
    expect(registry.secret_string_wo).toBe('${jsonencode({ "admin-username" = "admin", '
      + '"admin-password" = ephemeral.aws_secretsmanager_random_password.data_registry-secret_B6881C01_0.random_password, '
      + '"flask-secret-key" = ephemeral.aws_secretsmanager_random_password.data_registry-secret_B6881C01_1.random_password, '
      + '"reader-password" = ephemeral.aws_secretsmanager_random_password.data_registry-secret_B6881C01_2.random_password, '
      + '"writer-password" = ephemeral.aws_secretsmanager_random_password.data_registry-secret_B6881C01_3.random_password })}');
    const ephemeral = json.ephemeral.aws_secretsmanager_random_password;
    expect(Object.keys(ephemeral)).toHaveLength(6);
    expect(ephemeral['data_registry-secret_B6881C01_0']).toEqual({
      password_length: 40, exclude_punctuation: true, include_space: false, require_each_included_type: true,
    });
  });

  test('the generated JSON keys are the ones the Kubernetes layer\'s External Secrets read', () => {
    const stack = new CnaiAwsStack(Testing.app(), 'cnai', { platformName: 'cnai', environment: 'test', region: REGION, accountId: ACCOUNT, availabilityZones: AZS });
    new DataServicesAccess(stack, 'data', { cluster: stack.cluster, modelStore: stack.modelStore, database: stack.database, vectorDatabases: [{ namespace: 'rag', name: 'docs' }] });
    const written = configs(synth(stack), 'aws_secretsmanager_secret_version').flatMap((v) => [...v.secret_string_wo.matchAll(/"([a-z-]+)" =/g)].map((m) => m[1]));
    const chart = new Chart(K8sTesting.app(), 'k8s');
    new ModelRegistry(chart, 'registry', { contract: stack.contract() });
    new VectorDatabase(chart, 'docs', { contract: stack.contract(), namespace: { namespaceName: 'rag' } });
    const read = K8sTesting.synth(chart).filter((o) => o.kind === 'ExternalSecret')
      .flatMap((o) => (o.spec.data ?? []).filter((d: any) => /model-registry|vector-db/.test(d.remoteRef.key)).map((d: any) => d.remoteRef.property))
      .filter((p: string | undefined) => p !== undefined);
    expect(read.length).toBeGreaterThan(0);
    for (const property of read) expect(written).toContain(property);
  });

  test('credentials can be left to a hand step, and rotate with their version', () => {
    const stack = testStack();
    const cluster = testCluster(stack);
    const modelStore = new ModelStore(stack, 'store', { naming: testNaming() });
    new DataServicesAccess(stack, 'data', { cluster, modelStore, generateCredentials: false, vectorDatabases: [{ namespace: 'rag', name: 'docs' }] });
    const json = synth(stack);
    expect(tfJson(json)).not.toHaveResource(SecretsmanagerSecretVersion);
    expect(json.ephemeral).toBeUndefined();
    const rotated = testStack();
    const c2 = testCluster(rotated);
    new DataServicesAccess(rotated, 'data', { cluster: c2, modelStore: new ModelStore(rotated, 'store', { naming: testNaming() }), credentialsVersion: 2 });
    expect(configs(synth(rotated), 'aws_secretsmanager_secret_version').map((v) => v.secret_string_wo_version)).toEqual([2]);
  });

  test('no generated value in the plan: the offline plan opens the ephemeral passwords, and their value is nowhere in the plan JSON', () => {
    const stack = new CnaiAwsStack(Testing.app(), 'cnai', { platformName: 'cnai', environment: 'test', region: REGION, accountId: ACCOUNT, availabilityZones: AZS });
    new DataServicesAccess(stack, 'data', { cluster: stack.cluster, modelStore: stack.modelStore, database: stack.database, vectorDatabases: [{ namespace: 'rag', name: 'docs' }] });
    const result = expectStackToPlan(stack, { planJson: true });
    // The stub answered GetRandomPassword with the sentinel: the ephemeral resources were opened at plan.
    expect(result.warnings.join('\n')).toMatch(/ephemeral\.aws_secretsmanager_random_password\.data_registry-secret_[0-9A-F]+_0.* read from the verifier's loopback AWS stub/);
    const text = JSON.stringify(result.planJson);
    expect(text).not.toContain(VERIFY_EPHEMERAL_SENTINEL);
    const versions = result.planJson.resource_changes.filter((c: any) => c.type === 'aws_secretsmanager_secret_version');
    expect(versions).toHaveLength(2);
    for (const v of versions) {
      expect(v.change.after).toMatchObject({ secret_string: null, secret_string_wo: null, secret_binary: null, secret_string_wo_version: 1 });
    }
  }, 300_000);

  test('an ephemeral value given to an attribute Terraform stores is rejected before anything is planned', () => {
    const stack = testStack();
    new AwsProvider(stack, 'aws', { region: REGION });
    const key = new EncryptionKey(stack, 'k', { naming: testNaming(), purpose: 'x' });
    const secret = new ServiceSecret(stack, 's', { naming: testNaming(), key, service: 'leaky', description: 'x', generate: { randomKeys: ['password'] } });
    // Misuse on purpose: the same generated value in secret_string, which lands in plan and state.
    secret.secretVersion!.addOverride('secret_string', `\${ephemeral.aws_secretsmanager_random_password.${secret.ephemeralPasswords[0]}.random_password}`);
    secret.secretVersion!.addOverride('secret_string_wo', null);
    secret.secretVersion!.addOverride('secret_string_wo_version', null);
    expect(() => expectStackToPlan(stack)).toThrow(/invalid secret_string = .*Invalid use of ephemeral value: Ephemeral values are not valid for "secret_string", because it is not a write-only attribute/);
  }, 300_000);

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
      .toThrow(/invalid recoveryWindowDays = 3: Secrets Manager keeps a deleted secret 7 to 30 days, or deletes it at once with 0/);
    expect(new ServiceSecret(stack, 'u', { naming: testNaming(), key, service: 'dev', description: 'x', recoveryWindowDays: 0 }).recoveryWindowDays).toBe(0);
  });

  test('errors: generated values', () => {
    const stack = testStack();
    const key = new EncryptionKey(stack, 'k', { naming: testNaming(), purpose: 'x' });
    const secret = (id: string, generate: any) => new ServiceSecret(stack, id, { naming: testNaming(), key, service: id, description: 'x', generate });
    expect(() => secret('a', { randomKeys: ['p'], passwordLength: 8 })).toThrow(/test\/a: invalid generate.passwordLength = 8: too short for a service credential/);
    expect(() => secret('b', { randomKeys: ['p'], version: 0 })).toThrow(/invalid generate.version = 0: the version of a write-only value is a whole number from 1/);
    expect(() => secret('c', { randomKeys: ['p'], fixed: { p: 'x' } })).toThrow(/invalid generate.randomKeys = \["p"\]: the key "p" is given twice/);
    expect(() => secret('d', { randomKeys: [] })).toThrow(/invalid generate.randomKeys = \[\]: nothing to generate/);
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
