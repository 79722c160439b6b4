import { POSTGRES_UID, psqlContainer } from '../../../lib/k8s/common/psql-client';
import { SecretKeyRef } from '../../../lib/k8s/common/secret-key-ref';

const database = {
  host: 'cnai-test-postgres.abcdefghijkl.us-west-2.rds.amazonaws.com',
  port: 5432,
  databaseName: 'cnai',
  username: 'cnai_admin',
  masterSecretArn: 'arn:aws:secretsmanager:us-west-2:123456789012:secret:rds!db-0123-AbCdEf',
};

describe('psqlContainer', () => {
  test('psql of the pinned postgres image runs one file, stops at the first error, over TLS, with the password from a Secret', () => {
    const c = psqlContainer({
      name: 'create', database, password: SecretKeyRef.fromName('db', 'password'), sqlVolume: 'sql', sqlFile: 'create.sql', memoryLimit: '128Mi',
    });
    expect(c.image).toBe('docker.io/library/postgres:17.6');
    expect(c.command).toEqual(['psql', '--no-psqlrc', '-v', 'ON_ERROR_STOP=1', '-f', '/sql/create.sql']);
    expect(c.env).toEqual([
      { name: 'PGHOST', value: 'cnai-test-postgres.abcdefghijkl.us-west-2.rds.amazonaws.com' },
      { name: 'PGPORT', value: '5432' },
      { name: 'PGDATABASE', value: 'cnai' },
      { name: 'PGUSER', value: 'cnai_admin' },
      { name: 'PGPASSWORD', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } },
      { name: 'PGSSLMODE', value: 'require' },
      { name: 'PGCONNECT_TIMEOUT', value: '10' },
      { name: 'HOME', value: '/tmp' },
    ]);
    expect(c.volumeMounts).toEqual([{ name: 'sql', mountPath: '/sql', readOnly: true }, { name: 'tmp', mountPath: '/tmp' }]);
    expect(c.resources!.limits!.memory.value).toBe('128Mi');
    expect(c.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 999, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false });
    expect(POSTGRES_UID).toBe(999);
  });

  test('in one transaction on request', () => {
    const c = psqlContainer({
      name: 'bootstrap', database, password: SecretKeyRef.fromName('db', 'password'), sqlVolume: 'sql', sqlFile: 'b.sql', singleTransaction: true, memoryLimit: '256Mi',
    });
    expect(c.command).toEqual(['psql', '--no-psqlrc', '--single-transaction', '-v', 'ON_ERROR_STOP=1', '-f', '/sql/b.sql']);
  });
});
