import { DatabaseContract } from '../../core/contract';
import { invalidProp } from '../../core/errors';
import { NAME_RULES, assertName } from '../../core/names';
import { isIpv4Cidr } from '../common/egress';
import { identifierProblem } from '../common/postgres-sql';
import { SecretSource } from '../common/secret-source';

/** Kind of registry backend. */
export enum RegistryBackendKind {
  /** A database of the platform's PostgreSQL, created by the registry's first start. */
  POSTGRES = 'postgres',
  /** A Secret that holds the database URIs (the databases exist). */
  EXISTING_SECRET = 'existing-secret',
}

/** Options of {@link RegistryBackend.postgres}. */
export interface PostgresRegistryBackendOptions {
  /**
   * The password of the database user: a JSON secret with a `password` property.
   * @default - SecretSource.secretsManager(database.masterSecretArn): the secret RDS manages
   */
  readonly password?: SecretSource;
  /**
   * Name of the registry's database (created if missing). MLflow's users and permissions go
   * to a second database named `<databaseName>_auth`.
   * @default "mlflow" (MLflow), "model_registry" (Kubeflow Model Registry)
   */
  readonly databaseName?: string;
  /**
   * Address block of the database, for the registry's egress NetworkPolicy.
   * @default "10.0.0.0/16" (the AWS layer's default VPC block); a ModelRegistry's default backend uses the contract's `vpcCidr` when it has one
   */
  readonly databaseCidr?: string;
}

/**
 * Where a model registry keeps its metadata. There is deliberately no default of a local
 * file: a registry whose metadata lives in its pod loses every model version with the pod.
 */
export class RegistryBackend {
  /**
   * A database in the platform's PostgreSQL (the contract's `database`): the registry creates
   * its databases if missing, and reads the password through External Secrets.
   */
  public static postgres(database: DatabaseContract, options: PostgresRegistryBackendOptions = {}): RegistryBackend {
    const where = 'RegistryBackend.postgres';
    if (!database || typeof database.host !== 'string') {
      throw invalidProp(where, 'database', database, 'not a database contract', 'pass the AWS layer\'s PostgresDatabase contract (contract.database)');
    }
    if (options.databaseName !== undefined) {
      const problem = identifierProblem(options.databaseName) ?? (/^[a-z_][a-z0-9_]*$/.test(options.databaseName) ? undefined : 'use lowercase letters, digits and "_"');
      if (problem || options.databaseName.length > 58) {
        throw invalidProp(where, 'databaseName', options.databaseName, `not a database name for the registry: ${problem ?? 'longer than 58 characters (the "_auth" database must fit 63)'}`,
          'give lowercase letters, digits and "_", starting with a letter, e.g. "mlflow"');
      }
    }
    const cidr = checkDatabaseCidr(where, options.databaseCidr ?? '10.0.0.0/16');
    return new RegistryBackend(RegistryBackendKind.POSTGRES, database, options.password ?? SecretSource.secretsManager(database.masterSecretArn),
      options.databaseName, cidr, undefined);
  }

  /**
   * A Secret of the registry's namespace holding the connection: for MLflow the keys
   * `backend-store-uri` and `auth-database-uri` (SQLAlchemy URIs of two existing databases),
   * for the Kubeflow Model Registry the key `dsn`.
   * @param secretName name of the Secret
   * @param databaseCidr address block of the database, for the egress NetworkPolicy
   */
  public static existingSecret(secretName: string, databaseCidr: string = '10.0.0.0/16'): RegistryBackend {
    assertName('RegistryBackend.existingSecret', 'secretName', secretName, NAME_RULES.dns1123Subdomain, 'give the name of the Secret, never its content');
    checkDatabaseCidr('RegistryBackend.existingSecret', databaseCidr);
    return new RegistryBackend(RegistryBackendKind.EXISTING_SECRET, undefined, undefined, undefined, databaseCidr, secretName);
  }

  /** Kind of backend. */
  public readonly kind: RegistryBackendKind;
  /** The database (POSTGRES). */
  public readonly database?: DatabaseContract;
  /** The password source (POSTGRES). */
  public readonly password?: SecretSource;
  /** The database name, when given (POSTGRES). */
  public readonly databaseName?: string;
  /** Address block of the database. */
  public readonly databaseCidr: string;
  /** The Secret with the URIs (EXISTING_SECRET). */
  public readonly secretName?: string;

  private constructor(kind: RegistryBackendKind, database?: DatabaseContract, password?: SecretSource, databaseName?: string,
    databaseCidr: string = '10.0.0.0/16', secretName?: string) {
    this.kind = kind;
    this.database = database;
    this.password = password;
    this.databaseName = databaseName;
    this.databaseCidr = databaseCidr;
    this.secretName = secretName;
  }
}

/** The database's address block, checked (it becomes the ipBlock of the registry's egress NetworkPolicy). */
function checkDatabaseCidr(where: string, cidr: string): string {
  if (!isIpv4Cidr(cidr)) {
    throw invalidProp(where, 'databaseCidr', cidr, 'not an IPv4 CIDR block', 'give the VPC block, e.g. "10.0.0.0/16"');
  }
  return cidr;
}
