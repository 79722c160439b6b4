import { k8s } from 'cdk8s-plus-27';

import { VectorEngine } from '../../core/platform-spec';
import { SecretKeyRef } from '../common/secret-key-ref';

/** What a {@link VectorDatabaseConnection} is built from. */
export interface VectorDatabaseConnectionProps {
  /** Engine. */
  readonly engine: VectorEngine;
  /** Namespace of the client the connection is for. */
  readonly namespace: string;
  /** Host name of the database (a cluster DNS name or the RDS endpoint). */
  readonly host: string;
  /** Port of the main protocol (Qdrant HTTP, PostgreSQL). */
  readonly port: number;
  /**
   * Qdrant gRPC port.
   * @default - none
   */
  readonly grpcPort?: number;
  /** URL of the database, without credentials. */
  readonly url: string;
  /** Whether the credential allows reads only. */
  readonly readOnly: boolean;
  /** The Secret key holding the credential (Qdrant API key, PostgreSQL password), in the client's namespace. */
  readonly credential: SecretKeyRef;
  /**
   * PostgreSQL database name (pgvector only).
   * @default - none
   */
  readonly databaseName?: string;
  /**
   * PostgreSQL user (pgvector only).
   * @default - none
   */
  readonly username?: string;
  /**
   * Schema of the collections' tables (pgvector only).
   * @default - none
   */
  readonly schema?: string;
  /** Names of the declared collections. */
  readonly collections: string[];
}

/**
 * How one client workload reaches a vector database: endpoint, port and the Secret key of
 * its credential (in the client's own namespace), to hand to the workload as an object
 * (`container.env = connection.env()`), never as strings to retype.
 */
export class VectorDatabaseConnection {
  /** Engine. */
  public readonly engine: VectorEngine;
  /** Namespace of the client. */
  public readonly namespace: string;
  /** Host name. */
  public readonly host: string;
  /** Port of the main protocol. */
  public readonly port: number;
  /** Qdrant gRPC port, when the engine has one. */
  public readonly grpcPort?: number;
  /** URL without credentials. */
  public readonly url: string;
  /** Whether the credential allows reads only. */
  public readonly readOnly: boolean;
  /** The Secret key holding the credential, in the client's namespace. */
  public readonly credential: SecretKeyRef;
  /** PostgreSQL database (pgvector). */
  public readonly databaseName?: string;
  /** PostgreSQL user (pgvector). */
  public readonly username?: string;
  /** Schema of the tables (pgvector). */
  public readonly schema?: string;
  /** Names of the declared collections. */
  public readonly collections: string[];

  constructor(props: VectorDatabaseConnectionProps) {
    this.engine = props.engine;
    this.namespace = props.namespace;
    this.host = props.host;
    this.port = props.port;
    this.grpcPort = props.grpcPort;
    this.url = props.url;
    this.readOnly = props.readOnly;
    this.credential = props.credential;
    this.databaseName = props.databaseName;
    this.username = props.username;
    this.schema = props.schema;
    this.collections = [...props.collections];
  }

  /**
   * The environment variables a client reads: for Qdrant `QDRANT_URL`, `QDRANT_HOST`,
   * `QDRANT_PORT`, `QDRANT_GRPC_PORT` and `QDRANT_API_KEY` (from the Secret); for pgvector the
   * libpq variables `PGHOST`, `PGPORT`, `PGDATABASE`, `PGUSER`, `PGPASSWORD` (from the Secret),
   * `PGSSLMODE` and `PGVECTOR_SCHEMA`.
   */
  public env(): k8s.EnvVar[] {
    const secret = this.credential.toEnvVarSource();
    if (this.engine === VectorEngine.PGVECTOR) {
      return [
        { name: 'PGHOST', value: this.host },
        { name: 'PGPORT', value: String(this.port) },
        { name: 'PGDATABASE', value: this.databaseName },
        { name: 'PGUSER', value: this.username },
        { name: 'PGPASSWORD', valueFrom: secret },
        { name: 'PGSSLMODE', value: 'require' },
        { name: 'PGVECTOR_SCHEMA', value: this.schema },
      ];
    }
    return [
      { name: 'QDRANT_URL', value: this.url },
      { name: 'QDRANT_HOST', value: this.host },
      { name: 'QDRANT_PORT', value: String(this.port) },
      ...(this.grpcPort ? [{ name: 'QDRANT_GRPC_PORT', value: String(this.grpcPort) }] : []),
      { name: 'QDRANT_API_KEY', valueFrom: secret },
    ];
  }
}
