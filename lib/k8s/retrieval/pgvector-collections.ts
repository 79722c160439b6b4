import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { PGVECTOR_HNSW_MAX_DIMENSIONS, pgvectorBootstrapSql } from './pgvector-sql';
import { CollectionRules, ResolvedCollection } from './vector-collection';
import { VectorDatabaseConnection } from './vector-database-connection';
import { PgVectorEngineOptions } from './vector-engine';
import { AdmittedVectorClient, IVectorEngineBinding } from './vector-engine-binding';
import { DatabaseContract, PlatformContract } from '../../core/contract';
import { invalidProp } from '../../core/errors';
import { VectorEngine } from '../../core/platform-spec';
import { DATA_SERVICE_LABEL, dataServiceLabels } from '../common/data-service-namespace';
import { DEFAULT_VPC_CIDR, cidrEgress, dnsEgress, isIpv4Cidr } from '../common/egress';
import { contentHash, oneShotJob } from '../common/one-shot-job';
import { MAX_IDENTIFIER_BYTES, identifierProblem } from '../common/postgres-sql';
import { POSTGRES_UID, psqlContainer } from '../common/psql-client';
import { SecretKeyRef } from '../common/secret-key-ref';
import { SecretSource } from '../common/secret-source';
import { SECRETS_SYNC_WAVE } from '../pod-security';
import { TeamNamespace } from '../team-namespace';
import { INamespaceOwner } from '../workload-selector';

/** pgvector's rules for collections (tables with an HNSW index on a `vector` column). */
export const PGVECTOR_COLLECTION_RULES: CollectionRules = {
  engine: 'pgvector',
  maxDimension: PGVECTOR_HNSW_MAX_DIMENSIONS,
  maxDimensionReason: 'the most dimensions of a vector column an HNSW index accepts',
  defaultEfConstruction: 64,
  mRange: [2, 100],
  efConstructionRange: [4, 1000],
  nameRule: `a PostgreSQL identifier: 1 to ${MAX_IDENTIFIER_BYTES} bytes, no NUL or control characters (any other character is quoted safely)`,
  nameProblem: identifierProblem,
};

/** The key of the database password in the Secrets the construct creates. */
export const PGVECTOR_PASSWORD_KEY = 'password';

/** Props of {@link PgVectorCollections}. */
export interface PgVectorCollectionsProps {
  /** The platform contract. */
  readonly contract: PlatformContract;
  /** Name of the vector database. */
  readonly name: string;
  /** Namespace of the bootstrap job. */
  readonly namespace: INamespaceOwner;
  /** Collections, resolved. */
  readonly collections: ResolvedCollection[];
  /** Engine options. */
  readonly options: PgVectorEngineOptions;
}

/**
 * pgvector collections in the platform's PostgreSQL, as a {@link VectorDatabase} builds
 * them: the password copied from Secrets Manager into a Secret (never into the output), a
 * Job (psql of the pinned postgres image) that creates the extension and the declared
 * tables with their HNSW indexes idempotently from generated, safely quoted SQL, and the
 * credential and egress of each admitted client.
 */
export class PgVectorCollections extends Construct implements IVectorEngineBinding {
  /** The database. */
  public readonly database: DatabaseContract;
  /** Schema of the tables. */
  public readonly schema: string;
  /** Where the password comes from. */
  public readonly password: SecretSource;
  /** Address block of the database (NetworkPolicies). */
  public readonly databaseCidr: string;
  /** Name of the Secret with the password in the database's namespace. */
  public readonly passwordSecretName: string;
  /** The bootstrap SQL. */
  public readonly bootstrapSql: string;
  /** The bootstrap job, when collections are declared. */
  public readonly bootstrapJob?: k8s.KubeJob;
  private readonly dbName: string;
  private readonly namespaceName: string;
  private readonly collections: ResolvedCollection[];
  private readonly clientSecrets = new Map<string, string>();

  constructor(scope: Construct, id: string, props: PgVectorCollectionsProps) {
    super(scope, id);
    const where = scope.node.path;
    const o = props.options;
    const database = o.database ?? props.contract.database;
    if (!database) {
      throw invalidProp(where, 'engine.database', undefined, 'the pgvector engine needs a PostgreSQL database and the platform contract has none',
        'create the AWS layer\'s PostgresDatabase (CnaiAwsStack database: true) and pass its contract, or give engine options { database }');
    }
    this.database = database;
    this.dbName = props.name;
    this.namespaceName = props.namespace.namespaceName;
    this.collections = props.collections;
    this.schema = o.schema ?? 'public';
    const schemaProblem = identifierProblem(this.schema);
    if (schemaProblem) {
      throw invalidProp(where, 'engine.schema', this.schema, `not a PostgreSQL identifier: ${schemaProblem}`, 'give a schema name of 1 to 63 bytes, e.g. "rag"');
    }
    this.collections.forEach((c, i) => {
      if (c.efConstruction < 2 * c.m) {
        throw invalidProp(where, `collections[${i}].hnsw.efConstruction`, c.efConstruction, `pgvector needs ef_construction of at least 2 x m (${2 * c.m})`,
          `give efConstruction ${2 * c.m} or more, or a smaller m`);
      }
    });
    // The database is in the contract's VPC: its block, not the AWS layer's default, is what the egress policies must open.
    this.databaseCidr = o.databaseCidr ?? props.contract.vpcCidr ?? DEFAULT_VPC_CIDR;
    if (!isIpv4Cidr(this.databaseCidr)) {
      throw invalidProp(where, 'engine.databaseCidr', this.databaseCidr, 'not an IPv4 CIDR block', 'give the VPC block, e.g. "10.0.0.0/16"');
    }
    this.password = o.password ?? SecretSource.secretsManager(database.masterSecretArn);
    this.passwordSecretName = this.password.materialize(this, 'Password', {
      namespace: this.namespaceName,
      name: `${props.name}-postgres`,
      keys: { [PGVECTOR_PASSWORD_KEY]: 'password' },
      syncWave: SECRETS_SYNC_WAVE,
    });
    this.bootstrapSql = pgvectorBootstrapSql(this.schema, this.collections);
    if (this.collections.length > 0) this.bootstrapJob = this.buildJob();
  }

  public admit(client: AdmittedVectorClient): void {
    this.clientSecret(client);
    // Only a default-deny team namespace gets an egress policy: in an open namespace, a new
    // egress policy would cut the client's other traffic.
    const owner = client.workload.owner;
    if (owner instanceof TeamNamespace) {
      const n = this.node.children.filter((c) => c.node.id.startsWith('ClientEgress-')).length;
      new k8s.KubeNetworkPolicy(this, `ClientEgress-${n}`, {
        metadata: { name: `${this.dbName}-postgres-egress-${n}`, namespace: client.workload.namespace },
        spec: {
          podSelector: { matchLabels: { ...client.workload.podLabels } },
          policyTypes: ['Egress'],
          egress: [cidrEgress(this.databaseCidr, this.database.port)],
        },
      });
    }
  }

  public connection(client: AdmittedVectorClient): VectorDatabaseConnection {
    const d = this.database;
    return new VectorDatabaseConnection({
      engine: VectorEngine.PGVECTOR,
      namespace: client.workload.namespace,
      host: d.host,
      port: d.port,
      url: `postgresql://${encodeURIComponent(d.username)}@${d.host}:${d.port}/${encodeURIComponent(d.databaseName)}?sslmode=require`,
      // PostgreSQL has one user here: read-only clients are told, the database does not enforce it.
      readOnly: client.readOnly,
      credential: SecretKeyRef.fromName(this.clientSecret(client), PGVECTOR_PASSWORD_KEY),
      databaseName: d.databaseName,
      username: d.username,
      schema: this.schema,
      collections: this.collections.map((c) => c.name),
    });
  }

  private clientSecret(client: AdmittedVectorClient): string {
    const ns = client.workload.namespace;
    if (ns === this.namespaceName || !this.password.materializedPerNamespace) return this.passwordSecretName;
    const existing = this.clientSecrets.get(ns);
    if (existing) return existing;
    const name = this.password.materialize(this, `ClientPassword-${ns}`, {
      namespace: ns,
      name: `${this.dbName}-postgres`,
      keys: { [PGVECTOR_PASSWORD_KEY]: 'password' },
      syncWave: SECRETS_SYNC_WAVE,
      copyOf: { namespace: this.namespaceName, name: this.passwordSecretName },
    });
    this.clientSecrets.set(ns, name);
    return name;
  }

  private buildJob(): k8s.KubeJob {
    const ns = this.namespaceName;
    // Named after the SQL: a changed collection list is a new Job (Job templates are immutable).
    const name = `${this.dbName}-bootstrap-${contentHash(this.bootstrapSql)}`;
    const labels = { ...dataServiceLabels('pgvector', this.dbName, 'vector-database-job'), [DATA_SERVICE_LABEL]: this.dbName };
    const cm = new k8s.KubeConfigMap(this, 'BootstrapSql', {
      metadata: { name, namespace: ns, labels },
      data: { 'bootstrap.sql': this.bootstrapSql },
    });
    new k8s.KubeNetworkPolicy(this, 'JobEgress', {
      metadata: { name: `${this.dbName}-bootstrap`, namespace: ns, labels },
      spec: {
        podSelector: { matchLabels: labels },
        policyTypes: ['Ingress', 'Egress'],
        egress: [dnsEgress(), cidrEgress(this.databaseCidr, this.database.port)],
      },
    });
    return oneShotJob(this, 'BootstrapJob', {
      name,
      namespace: ns,
      labels,
      uid: POSTGRES_UID,
      container: psqlContainer({
        name: 'bootstrap',
        database: this.database,
        password: SecretKeyRef.fromName(this.passwordSecretName, PGVECTOR_PASSWORD_KEY),
        sqlVolume: 'sql',
        sqlFile: 'bootstrap.sql',
        singleTransaction: true,
        memoryLimit: '256Mi',
      }),
      volumes: [
        { name: 'sql', configMap: { name: cm.name } },
        { name: 'tmp', emptyDir: { sizeLimit: k8s.Quantity.fromString('64Mi') } },
      ],
    });
  }
}
