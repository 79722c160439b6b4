import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { DbInstance } from '@cdktf/provider-aws/lib/db-instance';
import { DbParameterGroup } from '@cdktf/provider-aws/lib/db-parameter-group';
import { DbSubnetGroup } from '@cdktf/provider-aws/lib/db-subnet-group';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { Construct } from 'constructs';
import type { Cluster } from './cluster';
import { EncryptionKey } from './encryption-key';
import { LOG_RETENTION_DAYS } from './network';
import { Suppressions } from './suppressions';
import type { WorkloadIdentity } from './workload-identity';
import { DatabaseContract } from '../core/contract';
import { invalidProp } from '../core/errors';
import { assertName, NAME_RULES } from '../core/names';
import { RDS_POSTGRES } from '../core/versions';

/** The PostgreSQL port. */
export const POSTGRES_PORT = 5432;

/** The logs the database exports to CloudWatch (and whose groups the stack declares). */
export const POSTGRES_LOG_EXPORTS = ['postgresql', 'upgrade'];

const PG_IDENTIFIER = /^[a-z][a-z0-9_]{0,62}$/;

/** Options of a {@link PostgresDatabase}. */
export interface PostgresDatabaseOptions {
  /**
   * What the database is for; the instance identifier is `<prefix>-<purpose>`.
   * @default "postgres"
   */
  readonly purpose?: string;
  /**
   * Name of the initial database.
   * @default "cnai"
   */
  readonly databaseName?: string;
  /**
   * Master user name (its password is generated and kept in Secrets Manager by RDS).
   * @default "cnai_admin"
   */
  readonly username?: string;
  /**
   * Instance class.
   * @default "db.m7g.large"
   */
  readonly instanceClass?: string;
  /**
   * Allocated storage in GiB.
   * @default 50
   */
  readonly allocatedStorageGiB?: number;
  /**
   * Storage autoscaling ceiling in GiB.
   * @default 500
   */
  readonly maxAllocatedStorageGiB?: number;
  /**
   * A standby in a second AZ with automatic failover.
   * @default true
   */
  readonly multiAz?: boolean;
  /**
   * Days automated backups are kept (1-35).
   * @default 7
   */
  readonly backupRetentionDays?: number;
  /**
   * Refuse deletion through the API (and so `terraform destroy`).
   * @default - true, false with `retain: false`
   */
  readonly deletionProtection?: boolean;
  /**
   * Keep the data when the database is destroyed: a final snapshot (named uniquely, so a second
   * teardown does not collide with the first one's) and the automated backups are kept. Off, destroy
   * deletes the instance, its backups and takes no snapshot (for dev environments).
   * @default true
   */
  readonly retain?: boolean;
  /**
   * Weekly maintenance window (UTC) in which RDS applies minor versions and patches.
   * @default "sun:05:00-sun:06:00"
   */
  readonly maintenanceWindow?: string;
  /**
   * Daily backup window (UTC); must not overlap the maintenance window.
   * @default "03:00-04:00"
   */
  readonly backupWindow?: string;
  /**
   * Performance Insights, encrypted with the database key.
   * @default false
   */
  readonly performanceInsights?: boolean;
  /**
   * IAM database authentication.
   * @default false
   */
  readonly iamAuthentication?: boolean;
  /**
   * Engine version: the major version (e.g. `"17"`), so RDS keeps the instance on a supported
   * minor and Terraform ignores the minor it runs (`engine_version_actual`). A `"major.minor"` pin is
   * accepted only with `autoMinorVersionUpgrade: false`, and then breaks once AWS retires that minor
   * (it upgrades the instance itself, and the next apply fails trying to go back).
   * @default RDS_POSTGRES.majorVersion
   */
  readonly engineVersion?: string;
  /**
   * Let RDS apply minor versions in the maintenance window.
   * @default true
   */
  readonly autoMinorVersionUpgrade?: boolean;
  /**
   * Retention of the log groups of the exported `postgresql` and `upgrade` logs, in days.
   * @default - the cluster's log retention
   */
  readonly logRetentionDays?: number;
}

/** Properties of a {@link PostgresDatabase}. */
export interface PostgresDatabaseProps extends PostgresDatabaseOptions {
  /** The cluster whose nodes and pods may connect; the database lives in its network's private subnets. */
  readonly cluster: Cluster;
}

/**
 * RDS for PostgreSQL (with pgvector available) for the model registry backend and
 * retrieval: private subnets only, encrypted with a customer-managed key, master password
 * managed by RDS in Secrets Manager (never in state or outputs), TLS forced, backups,
 * deletion protection and a final snapshot, reachable only from the cluster on 5432.
 */
export class PostgresDatabase extends Construct {
  /** Instance identifier. */
  public readonly identifier: string;
  /** Initial database name. */
  public readonly databaseName: string;
  /** Master user name. */
  public readonly username: string;
  /** Instance class. */
  public readonly instanceClass: string;
  /** Allocated storage in GiB. */
  public readonly allocatedStorageGiB: number;
  /** Storage autoscaling ceiling in GiB. */
  public readonly maxAllocatedStorageGiB: number;
  /** Whether a Multi-AZ standby runs. */
  public readonly multiAz: boolean;
  /** Backup retention in days. */
  public readonly backupRetentionDays: number;
  /** Whether deletion protection is on. */
  public readonly deletionProtection: boolean;
  /** Whether Performance Insights is on. */
  public readonly performanceInsights: boolean;
  /** Whether IAM authentication is on. */
  public readonly iamAuthentication: boolean;
  /** Engine version. */
  public readonly engineVersion: string;
  /** Whether RDS applies minor versions itself. */
  public readonly autoMinorVersionUpgrade: boolean;
  /** Whether destroy keeps a final snapshot and the automated backups. */
  public readonly retain: boolean;
  /** Weekly maintenance window. */
  public readonly maintenanceWindow: string;
  /** Daily backup window. */
  public readonly backupWindow: string;
  /**
   * Prefix of the final snapshot taken on deletion (when retained): `<identifier>-final-`, then the
   * creation time of the instance (YYYYMMDDhhmmss), so every instance's snapshot has its own name.
   */
  public readonly finalSnapshotPrefix: string;
  /** Log groups of the exported logs, by log type (`postgresql`, `upgrade`). */
  public readonly logGroups: { [logType: string]: CloudwatchLogGroup } = {};
  /** The key of storage, snapshots and the master secret. */
  public readonly key: EncryptionKey;
  /** The security group of the database. */
  public readonly securityGroup: SecurityGroup;
  /** The instance. */
  public readonly instance: DbInstance;

  constructor(scope: Construct, id: string, props: PostgresDatabaseProps) {
    super(scope, id);
    const path = this.node.path;
    const cluster = props.cluster;
    const naming = cluster.naming;
    this.identifier = assertName(path, 'purpose', naming.resourceName(props.purpose ?? 'postgres'), NAME_RULES.rdsInstance);
    this.databaseName = props.databaseName ?? 'cnai';
    this.username = props.username ?? 'cnai_admin';
    for (const [prop, value] of [['databaseName', this.databaseName], ['username', this.username]] as const) {
      if (!PG_IDENTIFIER.test(value)) {
        throw invalidProp(path, prop, value, 'RDS PostgreSQL takes 1 to 63 lowercase letters, digits and "_", starting with a letter',
          'use a name such as "cnai" or "cnai_admin"');
      }
    }
    if (['postgres', 'rdsadmin', 'admin'].includes(this.username)) {
      throw invalidProp(path, 'username', this.username, 'reserved by PostgreSQL or RDS', 'use another name, e.g. "cnai_admin"');
    }
    this.instanceClass = props.instanceClass ?? 'db.m7g.large';
    if (!/^db\.[a-z0-9]+\.[a-z0-9]+$/.test(this.instanceClass)) {
      throw invalidProp(path, 'instanceClass', this.instanceClass, 'not an RDS instance class', 'write it as db.<family>.<size>, e.g. "db.m7g.large"');
    }
    this.allocatedStorageGiB = props.allocatedStorageGiB ?? 50;
    this.maxAllocatedStorageGiB = props.maxAllocatedStorageGiB ?? 500;
    if (!Number.isInteger(this.allocatedStorageGiB) || this.allocatedStorageGiB < 20 || this.allocatedStorageGiB > 65536) {
      throw invalidProp(path, 'allocatedStorageGiB', this.allocatedStorageGiB, 'gp3 storage for RDS PostgreSQL is 20 to 65536 GiB', 'give a whole number between 20 and 65536');
    }
    const ceiling = this.maxAllocatedStorageGiB;
    if (!Number.isInteger(ceiling) || ceiling < this.allocatedStorageGiB || ceiling > 65536) {
      throw invalidProp(path, 'maxAllocatedStorageGiB', ceiling,
        `the autoscaling ceiling must be at least allocatedStorageGiB (${this.allocatedStorageGiB}) and at most 65536`,
        `give a whole number between ${this.allocatedStorageGiB} and 65536`);
    }
    this.backupRetentionDays = props.backupRetentionDays ?? 7;
    if (!Number.isInteger(this.backupRetentionDays) || this.backupRetentionDays < 1 || this.backupRetentionDays > 35) {
      throw invalidProp(path, 'backupRetentionDays', props.backupRetentionDays, 'RDS keeps automated backups 1 to 35 days (0 would turn backups off)',
        'give a whole number of days between 1 and 35');
    }
    this.multiAz = props.multiAz ?? true;
    this.retain = props.retain ?? true;
    this.deletionProtection = props.deletionProtection ?? this.retain;
    this.performanceInsights = props.performanceInsights ?? false;
    this.iamAuthentication = props.iamAuthentication ?? false;
    this.autoMinorVersionUpgrade = props.autoMinorVersionUpgrade ?? true;
    this.engineVersion = props.engineVersion ?? RDS_POSTGRES.majorVersion;
    const major = this.engineVersion.split('.')[0];
    if (!/^\d+(\.\d+)?$/.test(this.engineVersion) || Number(major) < 15) {
      throw invalidProp(path, 'engineVersion', this.engineVersion, 'expected a PostgreSQL major version of 15 or later (pgvector and forced TLS defaults)',
        `use the major only, e.g. "${RDS_POSTGRES.majorVersion}"`);
    }
    if (this.engineVersion.includes('.') && this.autoMinorVersionUpgrade) {
      throw invalidProp(path, 'engineVersion', this.engineVersion,
        'a minor version pin fights automatic minor upgrades: after RDS upgrades the instance, the next apply fails ("Cannot upgrade postgres from 17.x to 17.y")',
        `give the major only ("${major}"); or, to hold a minor, also set autoMinorVersionUpgrade: false and bump it before AWS retires it`);
    }
    this.maintenanceWindow = props.maintenanceWindow ?? 'sun:05:00-sun:06:00';
    this.backupWindow = props.backupWindow ?? '03:00-04:00';
    if (!/^(mon|tue|wed|thu|fri|sat|sun):\d{2}:\d{2}-(mon|tue|wed|thu|fri|sat|sun):\d{2}:\d{2}$/.test(this.maintenanceWindow)) {
      throw invalidProp(path, 'maintenanceWindow', this.maintenanceWindow, 'RDS takes ddd:hh24:mi-ddd:hh24:mi (UTC)', 'write it as e.g. "sun:05:00-sun:06:00"');
    }
    if (!/^\d{2}:\d{2}-\d{2}:\d{2}$/.test(this.backupWindow)) {
      throw invalidProp(path, 'backupWindow', this.backupWindow, 'RDS takes hh24:mi-hh24:mi (UTC)', 'write it as e.g. "03:00-04:00"');
    }
    this.finalSnapshotPrefix = `${this.identifier}-final-`;
    const logRetention = props.logRetentionDays ?? cluster.logRetentionDays;
    if (!LOG_RETENTION_DAYS.includes(logRetention)) {
      throw invalidProp(path, 'logRetentionDays', logRetention, 'CloudWatch Logs accepts only fixed retention periods', `use one of ${LOG_RETENTION_DAYS.join(', ')}`);
    }

    this.key = new EncryptionKey(this, 'key', { naming, purpose: `${props.purpose ?? 'postgres'}-db`, description: `${this.identifier} storage and master secret` });

    const subnets = new DbSubnetGroup(this, 'subnets', {
      name: this.identifier,
      description: `Private subnets of ${this.identifier}`,
      subnetIds: cluster.network.privateSubnetIds,
    });
    // No egress rules: the database never opens connections.
    this.securityGroup = new SecurityGroup(this, 'sg', {
      name: `${this.identifier}-db`,
      description: `PostgreSQL ${this.identifier}: only from the EKS cluster`,
      vpcId: cluster.network.vpcId,
      tags: { Name: `${this.identifier}-db` },
    });
    new VpcSecurityGroupIngressRule(this, 'from-cluster', {
      securityGroupId: this.securityGroup.id,
      description: `PostgreSQL from ${cluster.name} nodes and pods`,
      ipProtocol: 'tcp',
      fromPort: POSTGRES_PORT,
      toPort: POSTGRES_PORT,
      referencedSecurityGroupId: cluster.clusterSecurityGroupId,
    });
    const parameters = new DbParameterGroup(this, 'parameters', {
      name: `${this.identifier}-pg${major}`,
      family: `postgres${major}`,
      description: `${this.identifier}: TLS only`,
      parameter: [{ name: 'rds.force_ssl', value: '1' }],
    });

    // RDS would create these groups itself on the first export: unencrypted, kept forever and left
    // behind by destroy. Declared here, they carry the platform's key and retention.
    for (const logType of POSTGRES_LOG_EXPORTS) {
      this.logGroups[logType] = new CloudwatchLogGroup(this, `log-${logType}`, {
        name: `/aws/rds/instance/${this.identifier}/${logType}`,
        retentionInDays: logRetention,
        kmsKeyId: cluster.logsKey.keyArn,
      });
    }

    this.instance = new DbInstance(this, 'instance', {
      identifier: this.identifier,
      engine: 'postgres',
      engineVersion: this.engineVersion,
      autoMinorVersionUpgrade: this.autoMinorVersionUpgrade,
      instanceClass: this.instanceClass,
      allocatedStorage: this.allocatedStorageGiB,
      maxAllocatedStorage: this.maxAllocatedStorageGiB,
      storageType: 'gp3',
      storageEncrypted: true,
      kmsKeyId: this.key.keyArn,
      dbName: this.databaseName,
      username: this.username,
      manageMasterUserPassword: true,
      masterUserSecretKmsKeyId: this.key.keyArn,
      dbSubnetGroupName: subnets.name,
      vpcSecurityGroupIds: [this.securityGroup.id],
      parameterGroupName: parameters.name,
      port: POSTGRES_PORT,
      publiclyAccessible: false,
      multiAz: this.multiAz,
      backupRetentionPeriod: this.backupRetentionDays,
      copyTagsToSnapshot: true,
      deletionProtection: this.deletionProtection,
      maintenanceWindow: this.maintenanceWindow,
      backupWindow: this.backupWindow,
      skipFinalSnapshot: !this.retain,
      deleteAutomatedBackups: !this.retain,
      // Unique per instance: the creation time, kept (ignore_changes) so plans stay quiet.
      finalSnapshotIdentifier: this.retain ? `${this.finalSnapshotPrefix}\${formatdate("YYYYMMDDhhmmss", timestamp())}` : undefined,
      iamDatabaseAuthenticationEnabled: this.iamAuthentication,
      performanceInsightsEnabled: this.performanceInsights,
      performanceInsightsKmsKeyId: this.performanceInsights ? this.key.keyArn : undefined,
      enabledCloudwatchLogsExports: POSTGRES_LOG_EXPORTS,
      dependsOn: Object.values(this.logGroups),
      lifecycle: {
        // timestamp() changes at every plan; the name chosen at creation is the one destroy uses.
        ignoreChanges: this.retain ? ['final_snapshot_identifier'] : [],
      },
    });
    if (props.deletionProtection === undefined && !this.retain) {
      Suppressions.add(this.instance, 'aws-rds-deletion-protection', 'retain: false: this database is destroyed with its stack '
        + '(the default outside prod, no final snapshot), so deletion protection follows retain; set retain or deletionProtection to keep it');
    }
  }

  /** Host name of the endpoint (known after apply). */
  public get host(): string {
    return this.instance.address;
  }

  /** ARN of the Secrets Manager secret RDS manages for the master password (known after apply). */
  public get masterSecretArn(): string {
    return this.instance.masterUserSecret.get(0).secretArn;
  }

  /** Lets an identity read the master secret (e.g. an External Secrets or MLflow service account). */
  public grantSecretRead(identity: WorkloadIdentity): void {
    const n = identity.grantedStatements.length;
    identity.addToPolicy({ sid: `DatabaseSecret${n}`, actions: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'], resources: [this.masterSecretArn] });
    identity.addToPolicy({ sid: `DatabaseSecretKey${n + 1}`, actions: ['kms:Decrypt'], resources: [this.key.keyArn] });
  }

  /** The database as the Kubernetes layer sees it. */
  public contract(): DatabaseContract {
    return {
      host: this.host,
      port: POSTGRES_PORT,
      databaseName: this.databaseName,
      username: this.username,
      masterSecretArn: this.masterSecretArn,
    };
  }
}
