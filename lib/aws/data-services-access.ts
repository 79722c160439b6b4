import { Construct } from 'constructs';
import type { ICluster } from './cluster-interface';
import { EncryptionKey } from './encryption-key';
import type { ModelStore } from './model-store';
import type { PostgresDatabase } from './postgres-database';
import { ServiceSecret } from './service-secret';
import type { WorkloadIdentity } from './workload-identity';
import { DATA_SERVICES, vectorSnapshotPrefix, vectorSnapshotServiceAccount } from '../core/contract';
import { invalidProp } from '../core/errors';
import { NAME_RULES, assertName } from '../core/names';

/**
 * JSON keys of the registry's credentials secret, as the Kubernetes layer's External Secrets read
 * them (MLflow server: admin user, Flask CSRF key, the reader and writer users' passwords).
 */
export const REGISTRY_CREDENTIAL_KEYS = {
  adminUsername: 'admin-username',
  adminPassword: 'admin-password',
  flaskSecretKey: 'flask-secret-key',
  readerPassword: 'reader-password',
  writerPassword: 'writer-password',
};
/** The registry's admin user name (a fixed entry of the generated secret). */
export const REGISTRY_ADMIN_USERNAME = 'admin';
/** JSON keys of a vector database's API key secret (Qdrant). */
export const VECTOR_DB_KEYS = { apiKey: 'api-key', readOnlyApiKey: 'read-only-api-key' };

/** A vector database the AWS side prepares for. */
export interface VectorDatabaseAccessOptions {
  /** Namespace of the database (as in the Kubernetes layer's VectorDatabase). */
  readonly namespace: string;
  /** Name of the database (as in the Kubernetes layer's VectorDatabase). */
  readonly name: string;
}

/** The service account that reads Secrets Manager (the External Secrets controller). */
export interface SecretsReaderOptions {
  /** Namespace. */
  readonly namespace: string;
  /** Service account. */
  readonly serviceAccount: string;
}

/** Properties of {@link DataServicesAccess}. */
export interface DataServicesAccessProps {
  /** The cluster whose pods get the identities. */
  readonly cluster: ICluster;
  /** The model store (its models bucket holds registry artifacts and vector snapshots). */
  readonly modelStore: ModelStore;
  /**
   * The database of the registry and of pgvector: the secrets reader may read its master secret.
   * @default - none
   */
  readonly database?: PostgresDatabase;
  /**
   * Prepare for the model registry (MLflow): its identity and its credentials secret.
   * @default true
   */
  readonly registry?: boolean;
  /**
   * Namespace of the model registry.
   * @default DATA_SERVICES.registryNamespace ("mlflow")
   */
  readonly registryNamespace?: string;
  /**
   * Vector databases to prepare for (more with {@link DataServicesAccess.addVectorDatabase}).
   * @default - none
   */
  readonly vectorDatabases?: VectorDatabaseAccessOptions[];
  /**
   * Generate the registry's and vector databases' credentials at apply (write-only: never in plan,
   * state or manifests). Off, the secrets are created empty and set once by hand.
   * @default true
   */
  readonly generateCredentials?: boolean;
  /**
   * Version of the generated credentials: bump it to rotate them all at the next apply.
   * @default 1
   */
  readonly credentialsVersion?: number;
  /**
   * Days a deleted secret can be restored (7 to 30), or 0 to delete it at once.
   * @default 30
   */
  readonly secretRecoveryWindowDays?: number;
  /**
   * The External Secrets controller's service account.
   * @default DATA_SERVICES.secretsReader (external-secrets/external-secrets)
   */
  readonly secretsReader?: SecretsReaderOptions;
}

/** What the AWS side creates for one vector database. */
export interface VectorDatabaseAccess {
  /** Identity of the snapshot job (read-write on the database's snapshot prefix). */
  readonly snapshotIdentity: WorkloadIdentity;
  /** The secret of the API keys (`api-key`, `read-only-api-key`). */
  readonly apiKeys: ServiceSecret;
  /** Key prefix of the snapshots in the models bucket. */
  readonly snapshotPrefix: string;
}

/**
 * The AWS side of the model registry and the vector databases: workload identities with
 * grants scoped to their prefix of the models bucket (registry artifacts read-write for the
 * registry server, snapshots read-write for each database's snapshot job), Secrets Manager
 * secrets for their credentials (values set once by an operator, never in Terraform state),
 * and the External Secrets controller's identity that may read exactly those secrets and
 * the database's master secret. The names match what the Kubernetes layer's ModelRegistry
 * and VectorDatabase use (lib/core DATA_SERVICES), and the identities travel in the contract.
 */
export class DataServicesAccess extends Construct {
  /** The key of the secrets. */
  public readonly key: EncryptionKey;
  /** The External Secrets controller's identity. */
  public readonly secretsReader: WorkloadIdentity;
  /** The registry server's identity, when the registry is prepared. */
  public readonly registryIdentity?: WorkloadIdentity;
  /** The registry's credentials secret (`admin-username`, `admin-password`, `flask-secret-key`, `reader-password`, `writer-password`). */
  public readonly registrySecret?: ServiceSecret;
  private readonly cluster: ICluster;
  private readonly modelStore: ModelStore;
  private readonly databases: { [key: string]: VectorDatabaseAccess } = {};
  private readonly generate: boolean;
  private readonly credentialsVersion: number;
  private readonly recoveryWindowDays?: number;

  constructor(scope: Construct, id: string, props: DataServicesAccessProps) {
    super(scope, id);
    this.cluster = props.cluster;
    this.modelStore = props.modelStore;
    this.generate = props.generateCredentials ?? true;
    this.credentialsVersion = props.credentialsVersion ?? 1;
    this.recoveryWindowDays = props.secretRecoveryWindowDays;
    const naming = props.cluster.naming;
    this.key = new EncryptionKey(this, 'key', { naming, purpose: 'data-services', description: `${naming.prefix} registry and vector database credentials` });

    const reader = props.secretsReader ?? DATA_SERVICES.secretsReader;
    this.secretsReader = props.cluster.workloadIdentities.find((w) => w.namespace === reader.namespace && w.serviceAccount === reader.serviceAccount)
      ?? props.cluster.addWorkloadIdentity('external-secrets', { namespace: reader.namespace, serviceAccount: reader.serviceAccount, purpose: 'external-secrets' });
    if (props.database) props.database.grantSecretRead(this.secretsReader);

    if (props.registry ?? true) {
      const ns = assertName(this.node.path, 'registryNamespace', props.registryNamespace ?? DATA_SERVICES.registryNamespace, NAME_RULES.dns1123Label);
      this.registryIdentity = props.cluster.addWorkloadIdentity('model-registry', {
        namespace: ns, serviceAccount: DATA_SERVICES.registryServiceAccount, purpose: 'model-registry',
      });
      props.modelStore.grantReadWrite(this.registryIdentity, { prefix: DATA_SERVICES.registryArtifactPrefix });
      this.registrySecret = new ServiceSecret(this, 'registry-secret', {
        naming,
        service: 'model-registry',
        key: this.key,
        description: 'MLflow credentials: JSON with admin-username, admin-password, flask-secret-key, reader-password, writer-password',
        recoveryWindowDays: this.recoveryWindowDays,
        generate: this.generate ? {
          fixed: { [REGISTRY_CREDENTIAL_KEYS.adminUsername]: REGISTRY_ADMIN_USERNAME },
          randomKeys: [REGISTRY_CREDENTIAL_KEYS.adminPassword, REGISTRY_CREDENTIAL_KEYS.flaskSecretKey,
            REGISTRY_CREDENTIAL_KEYS.readerPassword, REGISTRY_CREDENTIAL_KEYS.writerPassword],
          version: this.credentialsVersion,
        } : undefined,
      });
      this.registrySecret.grantRead(this.secretsReader);
    }
    (props.vectorDatabases ?? []).forEach((v) => this.addVectorDatabase(v));
  }

  /** Prepares for one vector database: its snapshot identity and its API key secret. */
  public addVectorDatabase(options: VectorDatabaseAccessOptions): VectorDatabaseAccess {
    const where = this.node.path;
    const ns = assertName(where, 'vectorDatabases.namespace', options.namespace, NAME_RULES.dns1123Label);
    const name = assertName(where, 'vectorDatabases.name', options.name, NAME_RULES.dns1123Label);
    const key = `${ns}/${name}`;
    if (this.databases[key]) {
      throw invalidProp(where, 'vectorDatabases', key, 'the vector database is already prepared', 'add each database once');
    }
    const snapshotIdentity = this.cluster.addWorkloadIdentity(`vector-${ns}-${name}`, {
      namespace: ns, serviceAccount: vectorSnapshotServiceAccount(name), purpose: `vector-snapshots-${ns}-${name}`,
    });
    const snapshotPrefix = vectorSnapshotPrefix(ns, name);
    this.modelStore.grantReadWrite(snapshotIdentity, { prefix: snapshotPrefix });
    const apiKeys = new ServiceSecret(this, `vector-${ns}-${name}-secret`, {
      naming: this.cluster.naming,
      service: `vector-db/${ns}/${name}`,
      key: this.key,
      description: `Qdrant ${key} API keys: JSON with api-key and read-only-api-key`,
      recoveryWindowDays: this.recoveryWindowDays,
      generate: this.generate ? { randomKeys: [VECTOR_DB_KEYS.apiKey, VECTOR_DB_KEYS.readOnlyApiKey], version: this.credentialsVersion } : undefined,
    });
    apiKeys.grantRead(this.secretsReader);
    const access = { snapshotIdentity, apiKeys, snapshotPrefix };
    this.databases[key] = access;
    return access;
  }

  /** The vector databases prepared so far, by `<namespace>/<name>`. */
  public get vectorDatabases(): { [key: string]: VectorDatabaseAccess } {
    return { ...this.databases };
  }

  /**
   * Lets a serving identity read registered model versions (the registry's artifact prefix
   * of the models bucket), read-only.
   */
  public grantRegistryRead(identity: WorkloadIdentity): void {
    this.modelStore.grantRead(identity, { prefix: DATA_SERVICES.registryArtifactPrefix });
  }
}
