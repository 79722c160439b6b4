import { TerraformOutput } from 'cdktf';
import { configs, only, policyStatements, synth, testCluster, testStack } from './util';
import { POSTGRES_PORT, PostgresDatabase, PostgresDatabaseOptions } from '../../lib/aws';

function database(options: PostgresDatabaseOptions = {}) {
  const stack = testStack();
  const cluster = testCluster(stack);
  const db = new PostgresDatabase(stack, 'db', { cluster, ...options });
  return { stack, cluster, db };
}

describe('PostgresDatabase', () => {
  test('encrypted with its own key, master password managed by RDS, nothing secret in the config', () => {
    const { stack } = database();
    const json = synth(stack);
    const db = only(json, 'aws_db_instance');
    expect(db).toMatchObject({
      identifier: 'cnai-test-postgres',
      engine: 'postgres',
      engine_version: '17',
      storage_encrypted: true,
      manage_master_user_password: true,
      publicly_accessible: false,
      storage_type: 'gp3',
      port: POSTGRES_PORT,
    });
    expect(db.kms_key_id).toMatch(/aws_kms_key/);
    expect(db.master_user_secret_kms_key_id).toBe(db.kms_key_id);
    expect(db.password).toBeUndefined();
    expect(db.password_wo).toBeUndefined();
  });

  test('backups 7 days, deletion protection, a uniquely named final snapshot, Multi-AZ', () => {
    const { stack, db } = database();
    const i = only(synth(stack), 'aws_db_instance');
    expect(i).toMatchObject({
      backup_retention_period: 7,
      deletion_protection: true,
      skip_final_snapshot: false,
      delete_automated_backups: false,
      // The creation time makes the name unique per instance; kept so later plans stay quiet.
      final_snapshot_identifier: 'cnai-test-postgres-final-${formatdate("YYYYMMDDhhmmss", timestamp())}',
      lifecycle: { ignore_changes: ['final_snapshot_identifier'] },
      multi_az: true,
      copy_tags_to_snapshot: true,
      performance_insights_enabled: false,
      iam_database_authentication_enabled: false,
    });
    expect(db.finalSnapshotPrefix).toBe('cnai-test-postgres-final-');
  });

  test('version policy: the major is pinned, RDS applies minors in a maintenance window, Terraform ignores the minor', () => {
    const { stack } = database();
    const i = only(synth(stack), 'aws_db_instance');
    expect(i).toMatchObject({ engine_version: '17', auto_minor_version_upgrade: true, maintenance_window: 'sun:05:00-sun:06:00', backup_window: '03:00-04:00' });
    expect(only(synth(stack), 'aws_db_parameter_group').family).toBe('postgres17');
  });

  test('exported logs go to declared log groups with the platform key and retention, created before the instance', () => {
    const { stack } = database();
    const json = synth(stack);
    const groups = configs(json, 'aws_cloudwatch_log_group').filter((g) => g.name.startsWith('/aws/rds/'));
    expect(groups.map((g) => g.name).sort()).toEqual(['/aws/rds/instance/cnai-test-postgres/postgresql', '/aws/rds/instance/cnai-test-postgres/upgrade']);
    for (const g of groups) expect(g).toMatchObject({ retention_in_days: 365, kms_key_id: expect.stringMatching(/aws_kms_key\.network_logs-key/) });
    const i = only(json, 'aws_db_instance');
    expect(i.enabled_cloudwatch_logs_exports).toEqual(['postgresql', 'upgrade']);
    expect(i.depends_on).toEqual([expect.stringMatching(/aws_cloudwatch_log_group\.db_log-postgresql/), expect.stringMatching(/aws_cloudwatch_log_group\.db_log-upgrade/)]);
  });

  test('not retained (dev): no deletion protection, no final snapshot, backups deleted with the instance', () => {
    const { stack, db } = database({ retain: false });
    const i = only(synth(stack), 'aws_db_instance');
    expect(db.deletionProtection).toBe(false);
    expect(i).toMatchObject({ deletion_protection: false, skip_final_snapshot: true, delete_automated_backups: true });
    expect(i.final_snapshot_identifier).toBeUndefined();
  });

  test('private subnets only', () => {
    const { stack } = database();
    const json = synth(stack);
    const group = only(json, 'aws_db_subnet_group');
    expect(group.subnet_ids).toHaveLength(3);
    expect(group.subnet_ids.every((s: string) => /aws_subnet\.network_private-/.test(s))).toBe(true);
  });

  test('TLS forced by the parameter group', () => {
    const { stack } = database();
    const pg = only(synth(stack), 'aws_db_parameter_group');
    expect(pg.family).toBe('postgres17');
    expect(pg.parameter).toEqual([{ name: 'rds.force_ssl', value: '1' }]);
  });

  test('the security group admits only the cluster security group on 5432, and has no egress', () => {
    const { stack } = database();
    const json = synth(stack);
    const sg = configs(json, 'aws_security_group').find((g) => g.name === 'cnai-test-postgres-db');
    expect(sg.ingress).toBeUndefined();
    expect(sg.egress).toBeUndefined();
    const rules = configs(json, 'aws_vpc_security_group_ingress_rule');
    expect(rules).toHaveLength(1);
    expect(rules[0]).toMatchObject({ ip_protocol: 'tcp', from_port: 5432, to_port: 5432 });
    expect(rules[0].referenced_security_group_id).toMatch(/aws_eks_cluster\..+\.vpc_config\[0\]\.cluster_security_group_id/);
    expect(rules[0].cidr_ipv4).toBeUndefined();
  });

  test('options: single AZ, Performance Insights with the database key, IAM auth', () => {
    const { stack } = database({ multiAz: false, performanceInsights: true, iamAuthentication: true, backupRetentionDays: 14 });
    const i = only(synth(stack), 'aws_db_instance');
    expect(i).toMatchObject({
      multi_az: false, performance_insights_enabled: true, iam_database_authentication_enabled: true, backup_retention_period: 14,
    });
    expect(i.performance_insights_kms_key_id).toBe(i.kms_key_id);
  });

  test('the contract carries the endpoint and the secret ARN, never a password', () => {
    const { stack, db } = database();
    const contract = db.contract();
    expect(contract.port).toBe(5432);
    expect(contract.databaseName).toBe('cnai');
    expect(contract.username).toBe('cnai_admin');
    new TerraformOutput(stack, 'contract', { value: contract });
    const tokens = synth(stack).output.contract.value;
    expect(tokens.host).toMatch(/aws_db_instance\..+\.address/);
    expect(tokens.masterSecretArn).toMatch(/aws_db_instance\..+\.master_user_secret\[0\]\.secret_arn/);
  });

  test('grantSecretRead: the master secret and the key only', () => {
    const { stack, cluster, db } = database();
    db.grantSecretRead(cluster.addWorkloadIdentity('mlflow', { namespace: 'mlflow', serviceAccount: 'mlflow' }));
    const json = synth(stack);
    const policy = configs(json, 'aws_iam_role_policy').find((p) => p.name === 'grants');
    const statements = policyStatements(json, policy.policy);
    expect(statements[0].actions).toEqual(['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret']);
    expect(statements[0].resources[0]).toMatch(/master_user_secret\[0\]\.secret_arn/);
    expect(statements[1]).toMatchObject({ actions: ['kms:Decrypt'] });
  });

  describe('errors', () => {
    test('backup retention outside 1-35', () => {
      expect(() => database({ backupRetentionDays: 0 })).toThrow(
        'test/db: invalid backupRetentionDays = 0: RDS keeps automated backups 1 to 35 days (0 would turn backups off). Fix: give a whole number of days between 1 and 35.');
    });

    test('a reserved user name', () => {
      expect(() => database({ username: 'rdsadmin' })).toThrow(/invalid username = "rdsadmin": reserved by PostgreSQL or RDS/);
    });

    test('a database name PostgreSQL rejects', () => {
      expect(() => database({ databaseName: 'model-registry' })).toThrow(
        /invalid databaseName = "model-registry": RDS PostgreSQL takes 1 to 63 lowercase letters, digits and "_", starting with a letter/);
    });

    test('an old or malformed engine version', () => {
      expect(() => database({ engineVersion: '14' })).toThrow(/invalid engineVersion = "14": expected a PostgreSQL major version of 15 or later/);
    });

    test('a minor version pin with automatic minor upgrades', () => {
      expect(() => database({ engineVersion: '17.6' })).toThrow(
        /invalid engineVersion = "17.6": a minor version pin fights automatic minor upgrades.*Fix: give the major only \("17"\)/);
      expect(database({ engineVersion: '17.6', autoMinorVersionUpgrade: false }).db.engineVersion).toBe('17.6');
    });

    test('malformed maintenance and backup windows', () => {
      expect(() => database({ maintenanceWindow: 'sunday 5am' })).toThrow(/invalid maintenanceWindow = "sunday 5am": RDS takes ddd:hh24:mi-ddd:hh24:mi/);
      expect(() => database({ backupWindow: '3-4' })).toThrow(/invalid backupWindow = "3-4": RDS takes hh24:mi-hh24:mi/);
    });

    test('an instance class that is not one', () => {
      expect(() => database({ instanceClass: 'm7g.large' })).toThrow(/invalid instanceClass = "m7g.large": not an RDS instance class/);
    });

    test('storage outside gp3 limits', () => {
      expect(() => database({ allocatedStorageGiB: 10 })).toThrow(/invalid allocatedStorageGiB = 10: gp3 storage for RDS PostgreSQL is 20 to 65536 GiB/);
    });

    test('an autoscaling ceiling below the allocated storage', () => {
      expect(() => database({ allocatedStorageGiB: 100, maxAllocatedStorageGiB: 50 })).toThrow(
        /invalid maxAllocatedStorageGiB = 50: the autoscaling ceiling must be at least allocatedStorageGiB \(100\)/);
    });

    test('an identifier RDS rejects', () => {
      expect(() => database({ purpose: 'registry--db' })).toThrow(/invalid purpose = "cnai-test-registry--db": not a valid RDS DB instance identifier/);
    });
  });
});
