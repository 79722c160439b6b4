import { SecretsmanagerSecretVersion } from '@cdktf/provider-aws/lib/secretsmanager-secret-version';
import { TerraformStack } from 'cdktf';
import { configs, only, policyStatements, resources, synth, testCluster, testNaming, testStack, tfJson } from './util';
import { GeneratedSecretValue, RANDOM_PASSWORD_EPHEMERAL, ServiceSecret, ServiceSecretProps } from '../../lib/aws';
import { EncryptionKey } from '../../lib/aws/encryption-key';

function secretIn(stack: TerraformStack, id: string, props: Partial<ServiceSecretProps> = {}) {
  const key = (stack.node.tryFindChild('key') as EncryptionKey | undefined) ?? new EncryptionKey(stack, 'key', { naming: testNaming(), purpose: 'secrets' });
  return new ServiceSecret(stack, id, { naming: testNaming(), key, service: 'model-registry', description: 'MLflow credentials', ...props });
}

function generated(generate: GeneratedSecretValue) {
  const stack = testStack();
  const secret = secretIn(stack, 'secret', { generate });
  return { stack, secret, json: synth(stack) };
}

describe('ServiceSecret', () => {
  test('defaults: named "<platform>-<environment>/<service>", KMS-encrypted, 30-day recovery window, no value written', () => {
    const stack = testStack();
    const secret = secretIn(stack, 'secret');
    expect(secret.secretName).toBe('cnai-test/model-registry');
    expect(secret.recoveryWindowDays).toBe(30);
    expect(secret.secretVersion).toBeUndefined();
    expect(secret.ephemeralPasswords).toEqual([]);
    const json = synth(stack);
    const [[keyId]] = resources(json, 'aws_kms_key');
    expect(only(json, 'aws_secretsmanager_secret')).toEqual(expect.objectContaining({
      name: 'cnai-test/model-registry',
      description: 'MLflow credentials',
      kms_key_id: `\${aws_kms_key.${keyId}.arn}`,
      recovery_window_in_days: 30,
    }));
    expect(tfJson(json)).not.toHaveResource(SecretsmanagerSecretVersion);
    expect(json.ephemeral).toBeUndefined();
  });

  test('nested service paths and a recovery window of 0 (delete at once)', () => {
    const stack = testStack();
    const secret = secretIn(stack, 'secret', { service: 'vector-db/rag/docs', recoveryWindowDays: 0 });
    expect(secret.secretName).toBe('cnai-test/vector-db/rag/docs');
    expect(only(synth(stack), 'aws_secretsmanager_secret').recovery_window_in_days).toBe(0);
  });

  test('generate: fixed entries first, one ephemeral password per random key, version 1, write-only', () => {
    const { secret, json } = generated({ randomKeys: ['password'], fixed: { username: 'admin' } });
    const [[secretId]] = resources(json, 'aws_secretsmanager_secret');
    expect(secret.ephemeralPasswords).toEqual([`${secretId}_0`]);
    expect(only(json, 'aws_secretsmanager_secret_version')).toEqual(expect.objectContaining({
      secret_id: `\${aws_secretsmanager_secret.${secretId}.id}`,
      secret_string_wo: `\${jsonencode({ "username" = "admin", "password" = ephemeral.aws_secretsmanager_random_password.${secretId}_0.random_password })}`,
      secret_string_wo_version: 1,
    }));
    expect(json.ephemeral.aws_secretsmanager_random_password).toEqual({
      [`${secretId}_0`]: { password_length: 40, exclude_punctuation: true, include_space: false, require_each_included_type: true },
    });
    expect(RANDOM_PASSWORD_EPHEMERAL).toBe('aws_secretsmanager_random_password');
  });

  test('generate: password length and version as given, bounds accepted', () => {
    const { json } = generated({ randomKeys: ['a', 'b'], passwordLength: 20, version: 3 });
    expect(only(json, 'aws_secretsmanager_secret_version').secret_string_wo_version).toBe(3);
    const passwords = Object.values(json.ephemeral.aws_secretsmanager_random_password) as any[];
    expect(passwords.map((p) => p.password_length)).toEqual([20, 20]);
    expect(() => generated({ randomKeys: ['a'], passwordLength: 4096 })).not.toThrow();
  });

  test('grantRead: GetSecretValue and DescribeSecret on this secret, Decrypt with its key', () => {
    const stack = testStack();
    const cluster = testCluster(stack);
    const secret = secretIn(stack, 'secret');
    const identity = cluster.addWorkloadIdentity('eso', { namespace: 'external-secrets', serviceAccount: 'external-secrets' });
    secret.grantRead(identity);
    const [read, decrypt] = identity.grantedStatements;
    expect(read).toMatchObject({ sid: 'ServiceSecret0', actions: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'] });
    expect(decrypt).toMatchObject({ sid: 'ServiceSecretKey1', actions: ['kms:Decrypt'] });
    const json = synth(stack);
    const secretId = resources(json, 'aws_secretsmanager_secret')[0][0];
    const keyId = resources(json, 'aws_kms_key').find(([, k]) => k.description === 'cnai-test secrets')![0];
    const policy = configs(json, 'aws_iam_role_policy').find((p) => p.name === 'grants');
    expect(policyStatements(json, policy.policy).map((st: any) => st.resources)).toEqual([
      [`\${aws_secretsmanager_secret.${secretId}.arn}`],
      [`\${aws_kms_key.${keyId}.arn}`],
    ]);
  });

  describe('errors', () => {
    test.each(['/abs', 'trailing/', 'has space', ''])('service %j is not a secret path', (service) => {
      expect(() => secretIn(testStack(), 'secret', { service })).toThrow(
        `test/secret: invalid service = ${JSON.stringify(service)}: not a secret path (letters, digits and /_+=.@-, no leading or trailing "/"). Fix: give e.g. "model-registry".`);
    });

    test.each([3, 31, 7.5])('recoveryWindowDays %p', (days) => {
      expect(() => secretIn(testStack(), 'secret', { recoveryWindowDays: days })).toThrow(
        `test/secret: invalid recoveryWindowDays = ${days}: Secrets Manager keeps a deleted secret 7 to 30 days, or deletes it at once with 0. `
        + 'Fix: give a whole number from 7 to 30, or 0 for disposable environments.');
    });

    test.each([19, 4097])('generate.passwordLength %p', (length) => {
      expect(() => generated({ randomKeys: ['p'], passwordLength: length })).toThrow(
        `test/secret: invalid generate.passwordLength = ${length}: too short for a service credential (GetRandomPassword allows up to 4096). `
        + 'Fix: give 20 to 4096; 40 letters and digits carry about 238 bits.');
    });

    test('generate.version below 1', () => {
      expect(() => generated({ randomKeys: ['p'], version: 0 })).toThrow(
        'test/secret: invalid generate.version = 0: the version of a write-only value is a whole number from 1. Fix: give 1, and bump it to rotate.');
    });

    test('a key given twice', () => {
      expect(() => generated({ randomKeys: ['p', 'p'] })).toThrow(
        'test/secret: invalid generate.randomKeys = ["p","p"]: the key "p" is given twice. Fix: list each JSON key once, random or fixed.');
    });

    test('nothing to generate', () => {
      expect(() => generated({ randomKeys: [], fixed: { user: 'admin' } })).toThrow(
        'test/secret: invalid generate.randomKeys = []: nothing to generate. Fix: list each JSON key once, random or fixed.');
    });
  });
});
