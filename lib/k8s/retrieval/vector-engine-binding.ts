import { VectorDatabaseConnection } from './vector-database-connection';
import { WorkloadSelector } from '../workload-selector';

// What a VectorDatabase asks of the constructs of its engine (QdrantCluster,
// PgVectorCollections): its own file, so the engines do not import the database that
// builds them.

/** A client admitted to a database, with its access resolved. */
export interface AdmittedVectorClient {
  /** The client's pods. */
  readonly workload: WorkloadSelector;
  /** Whether the client only reads. */
  readonly readOnly: boolean;
}

/** What an engine's constructs implement for {@link VectorDatabase}. */
export interface IVectorEngineBinding {
  /** Opens the network path and provisions the credential for a new client. */
  admit(client: AdmittedVectorClient): void;
  /** The connection settings of an admitted client. */
  connection(client: AdmittedVectorClient): VectorDatabaseConnection;
}
