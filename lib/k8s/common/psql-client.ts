import { k8s } from 'cdk8s-plus-27';
import { SecretKeyRef } from './secret-key-ref';
import { DatabaseContract } from '../../core/contract';
import { DATA_SERVICE_IMAGES, imageRef } from '../../core/versions';
import { restrictedContainerSecurityContext } from '../pod-security';

/** The postgres image's user: psql runs as it. */
export const POSTGRES_UID = 999;

/** Props of {@link psqlContainer}. */
export interface PsqlContainerProps {
  /** Name of the container. */
  readonly name: string;
  /** The PostgreSQL server, connected to its initial database as its user. */
  readonly database: DatabaseContract;
  /** The Secret key holding the user's password. */
  readonly password: SecretKeyRef;
  /** Name of the volume holding the SQL, mounted read-only at `/sql`. */
  readonly sqlVolume: string;
  /** The SQL file in that volume. */
  readonly sqlFile: string;
  /**
   * Run the file in one transaction (`--single-transaction`): all of it or nothing. Off for
   * statements that cannot run in a transaction (CREATE DATABASE).
   * @default false
   */
  readonly singleTransaction?: boolean;
  /** Memory limit of the container, e.g. "128Mi". */
  readonly memoryLimit: string;
}

/**
 * A container that runs one SQL file with psql of the pinned postgres image, stopping at the
 * first error: TLS required (the AWS layer's database forces it), a 10 s connection timeout,
 * the password from a Secret, `/tmp` as its home (the pod mounts a `tmp` volume there),
 * restricted and as the postgres user. Internal: the pgvector bootstrap Job and the model
 * registry's database init container run it.
 */
export function psqlContainer(props: PsqlContainerProps): k8s.Container {
  const d = props.database;
  return {
    name: props.name,
    image: imageRef(DATA_SERVICE_IMAGES.postgres),
    command: ['psql', '--no-psqlrc', ...(props.singleTransaction ? ['--single-transaction'] : []), '-v', 'ON_ERROR_STOP=1', '-f', `/sql/${props.sqlFile}`],
    env: [
      { name: 'PGHOST', value: d.host },
      { name: 'PGPORT', value: String(d.port) },
      { name: 'PGDATABASE', value: d.databaseName },
      { name: 'PGUSER', value: d.username },
      { name: 'PGPASSWORD', valueFrom: props.password.toEnvVarSource() },
      // The database forces TLS (rds.force_ssl).
      { name: 'PGSSLMODE', value: 'require' },
      { name: 'PGCONNECT_TIMEOUT', value: '10' },
      { name: 'HOME', value: '/tmp' },
    ],
    resources: {
      requests: { cpu: k8s.Quantity.fromString('50m'), memory: k8s.Quantity.fromString('64Mi') },
      limits: { memory: k8s.Quantity.fromString(props.memoryLimit) },
    },
    securityContext: restrictedContainerSecurityContext(POSTGRES_UID),
    volumeMounts: [{ name: props.sqlVolume, mountPath: '/sql', readOnly: true }, { name: 'tmp', mountPath: '/tmp' }],
  };
}
