import { DatabaseContract } from '../../../lib/core/contract';
import { SecretSource, SecretSourceKind } from '../../../lib/k8s/common/secret-source';
import { RegistryBackend, RegistryBackendKind } from '../../../lib/k8s/registry/registry-backend';

const DB: DatabaseContract = {
  host: 'cnai-dev-postgres.abcdefghijkl.us-west-2.rds.amazonaws.com',
  port: 5432,
  databaseName: 'cnai',
  username: 'cnai_admin',
  masterSecretArn: 'arn:aws:secretsmanager:us-west-2:123456789012:secret:rds!db-0123-AbCdEf',
};

describe('RegistryBackend.postgres', () => {
  test('defaults: the RDS-managed secret, the engine\'s database name, the default VPC block', () => {
    const b = RegistryBackend.postgres(DB);
    expect([b.kind, b.database, b.databaseName, b.databaseCidr, b.secretName]).toEqual([RegistryBackendKind.POSTGRES, DB, undefined, '10.0.0.0/16', undefined]);
    expect(b.password!.kind).toBe(SecretSourceKind.SECRETS_MANAGER);
    expect(b.password!.secretId).toBe('arn:aws:secretsmanager:us-west-2:123456789012:secret:rds!db-0123-AbCdEf');
  });

  test('options given are kept; a 58-character name leaves room for "_auth"', () => {
    const password = SecretSource.existingSecret('registry-db');
    const name = `m${'x'.repeat(57)}`;
    const b = RegistryBackend.postgres(DB, { password, databaseName: name, databaseCidr: '10.30.0.0/16' });
    expect([b.password, b.databaseName, b.databaseCidr]).toEqual([password, name, '10.30.0.0/16']);
  });

  test('no database contract (exact message)', () => {
    expect(() => RegistryBackend.postgres(undefined as unknown as DatabaseContract)).toThrow(
      'RegistryBackend.postgres: invalid database = undefined: not a database contract. Fix: pass the AWS layer\'s PostgresDatabase contract (contract.database).');
  });

  test('a database name with capitals (exact message)', () => {
    expect(() => RegistryBackend.postgres(DB, { databaseName: 'MLflow' })).toThrow(
      'RegistryBackend.postgres: invalid databaseName = "MLflow": not a database name for the registry: use lowercase letters, digits and "_". '
      + 'Fix: give lowercase letters, digits and "_", starting with a letter, e.g. "mlflow".');
  });

  test('a database name of 59 characters: its "_auth" database would not fit 63', () => {
    const name = `m${'x'.repeat(58)}`;
    expect(() => RegistryBackend.postgres(DB, { databaseName: name })).toThrow(
      `invalid databaseName = "${name}": not a database name for the registry: longer than 58 characters (the "_auth" database must fit 63)`);
  });

  test('an empty database name', () => {
    expect(() => RegistryBackend.postgres(DB, { databaseName: '' })).toThrow('invalid databaseName = "": not a database name for the registry: empty');
  });

  test('a block that is not one: octets above 255 too (exact message)', () => {
    expect(() => RegistryBackend.postgres(DB, { databaseCidr: '10.0.0.300/16' })).toThrow(
      'RegistryBackend.postgres: invalid databaseCidr = "10.0.0.300/16": not an IPv4 CIDR block. Fix: give the VPC block, e.g. "10.0.0.0/16".');
  });
});

describe('RegistryBackend.existingSecret', () => {
  test('the Secret\'s name, the default VPC block, nothing of a database', () => {
    const b = RegistryBackend.existingSecret('mlflow-db');
    expect([b.kind, b.secretName, b.databaseCidr, b.database, b.password, b.databaseName]).toEqual([RegistryBackendKind.EXISTING_SECRET, 'mlflow-db', '10.0.0.0/16', undefined, undefined, undefined]);
    expect(RegistryBackend.existingSecret('mlflow-db', '172.16.0.0/12').databaseCidr).toBe('172.16.0.0/12');
  });

  test('a Secret name that is not a name: perhaps its content', () => {
    expect(() => RegistryBackend.existingSecret('postgresql://u:p@db/mlflow')).toThrow(/^RegistryBackend.existingSecret: invalid secretName = .*Fix: give the name of the Secret, never its content/);
  });

  test('a block that is not one (exact message)', () => {
    expect(() => RegistryBackend.existingSecret('mlflow-db', 'vpc')).toThrow(
      'RegistryBackend.existingSecret: invalid databaseCidr = "vpc": not an IPv4 CIDR block. Fix: give the VPC block, e.g. "10.0.0.0/16".');
  });
});
