import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { PGVECTOR_COLLECTION_RULES, PgVectorCollections } from './pgvector-collections';
import { QDRANT_COLLECTION_RULES, QdrantCluster } from './qdrant-cluster';
import { ResolvedCollection, VectorCollection, resolveCollections } from './vector-collection';
import { VectorDatabaseConnection } from './vector-database-connection';
import { VectorDatabaseEngine } from './vector-engine';
import { AdmittedVectorClient, IVectorEngineBinding } from './vector-engine-binding';
import { PlatformContract } from '../../core/contract';
import { invalidProp } from '../../core/errors';
import { NAME_RULES, assertName } from '../../core/names';
import { VectorEngine } from '../../core/platform-spec';
import { DataServiceNamespace } from '../common/data-service-namespace';
import { SecretRollout, SecretRolloutOptions } from '../common/secret-rollout';
import { resolveSecretRollout } from '../common/secret-rollout-settings';
import { IMetricsBackend, KubePrometheusStack } from '../operators';
import { assertNamespacesDeclared } from '../pod-security';
import type { IPriorityClass } from '../priority-class';
import { INamespaceOwner, WorkloadSelector } from '../workload-selector';

/** A workload allowed to use a vector database. */
export interface VectorDatabaseClient {
  /** The client's pods (e.g. `team.workloads({ app: 'rag-api' })`). */
  readonly workload: WorkloadSelector;
  /**
   * Give the client the read-only credential (search only).
   * @default false
   */
  readonly readOnly?: boolean;
}

/** Options of {@link VectorDatabase.addClient}. */
export interface VectorClientOptions {
  /**
   * Give the client the read-only credential.
   * @default false
   */
  readonly readOnly?: boolean;
}

/** Props of {@link VectorDatabase}. */
export interface VectorDatabaseProps {
  /** The platform contract from the AWS layer (buckets, region, database, workload identities). */
  readonly contract: PlatformContract;
  /**
   * The engine.
   * @default VectorDatabaseEngine.qdrant()
   */
  readonly engine?: VectorDatabaseEngine;
  /**
   * Name of the database: its Service (Qdrant) and the prefix of its objects (a DNS-1123 label).
   * @default - the construct id
   */
  readonly name?: string;
  /**
   * Namespace of the database's objects (a TeamNamespace, or any namespace owner).
   * @default - a restricted namespace named after the database
   */
  readonly namespace?: INamespaceOwner;
  /**
   * Collections the database creates (idempotently) and is sized for.
   * @default - none
   */
  readonly collections?: VectorCollection[];
  /**
   * Workloads allowed to connect; more with {@link VectorDatabase.addClient}. No other pod
   * reaches the database.
   * @default - none
   */
  readonly clients?: VectorDatabaseClient[];
  /**
   * The Prometheus pods that scrape the database's metrics (Qdrant).
   * @default - the metrics backend's scraper
   */
  readonly metricsScraper?: WorkloadSelector;
  /**
   * The metrics backend that scrapes the database's metrics.
   * @default KubePrometheusStack.platformDefault() (the platform's Prometheus in namespace monitoring)
   */
  readonly metricsBackend?: IMetricsBackend;
  /**
   * The PriorityClass of the database server (Qdrant)'s pods (`KueueQueues.priorityClass(WorkloadPriority.HIGH)` for the platform's own).
   * @default - none: the cluster's default priority
   */
  readonly priorityClass?: IPriorityClass;
  /**
   * Create the database's ServiceMonitor (Qdrant). Turn it off on a cluster without the
   * Prometheus operator's CRDs: applying a ServiceMonitor there fails.
   * @default true
   */
  readonly monitoring?: boolean;
  /**
   * Restart the database server (Qdrant) when its API keys change (a `credentialsVersion` bump):
   * a CronJob of its namespace compares the Secret with what the server started with and rolls
   * the StatefulSet (SecretRollout). Its `refreshInterval` also applies to the Secrets Manager
   * source the database makes itself. Clients restart with {@link VectorDatabase.restartClientOnRotation}.
   * @default - none: restart the server and its clients yourself after the keys changed
   */
  readonly secretRollout?: SecretRolloutOptions;
}

/**
 * A vector database for retrieval, with one API over several engines: Qdrant in the
 * cluster (the default) or pgvector on the platform's PostgreSQL. Authentication is always
 * on (credentials from Secrets, never in the output), only the named clients can connect,
 * the declared collections are created idempotently, and clients get their connection
 * settings as an object:
 *
 * ```ts
 * const db = new VectorDatabase(chart, 'docs', {
 *   contract,
 *   engine: VectorDatabaseEngine.qdrant({ highAvailability: true }),
 *   collections: [{ name: 'docs', dimension: 1024, expectedVectors: 5_000_000 }],
 * });
 * const conn = db.addClient(team.workloads({ app: 'rag-api' }), { readOnly: true });
 * container.env = conn.env();
 * ```
 */
export class VectorDatabase extends Construct {
  /** The engine. */
  public readonly engine: VectorEngine;
  /** Name of the database. */
  public readonly databaseName: string;
  /** Namespace of its objects. */
  public readonly namespace: string;
  /** The collections, with defaults resolved. */
  public readonly collections: ResolvedCollection[];
  /** The Qdrant cluster (Qdrant engine). */
  public readonly qdrant?: QdrantCluster;
  /** The pgvector collections and bootstrap job (pgvector engine). */
  public readonly pgvector?: PgVectorCollections;
  /** The rollout options, when the database restarts its workloads on a changed credential. */
  public readonly secretRollout?: SecretRolloutOptions;
  private readonly binding: IVectorEngineBinding;
  private readonly admitted: AdmittedVectorClient[] = [];

  constructor(scope: Construct, id: string, props: VectorDatabaseProps) {
    super(scope, id);
    const where = this.node.path;
    const engine = props.engine ?? VectorDatabaseEngine.qdrant();
    this.engine = engine.kind;
    if (props.secretRollout) resolveSecretRollout(where, props.secretRollout);
    this.secretRollout = props.secretRollout === undefined ? undefined
      : { ...props.secretRollout, apiServerCidr: props.secretRollout.apiServerCidr ?? props.contract.vpcCidr };
    this.databaseName = assertName(where, 'name', props.name ?? id, NAME_RULES.dns1123Label,
      'name the database with lowercase letters, digits and "-" (it names its Service), e.g. "docs"');
    if (this.databaseName.length > 40) {
      throw invalidProp(where, 'name', this.databaseName, 'longer than 40 characters: derived object names (e.g. "<name>-snapshots") would pass 63',
        'choose a shorter name');
    }
    const owner = props.namespace ?? DataServiceNamespace.ensure(this, this.databaseName, props.contract.kubernetesVersion);
    this.namespace = owner.namespaceName;

    if (engine.kind === VectorEngine.PGVECTOR) {
      this.collections = resolveCollections(where, props.collections ?? [], PGVECTOR_COLLECTION_RULES);
      this.pgvector = new PgVectorCollections(this, 'Pgvector', {
        contract: props.contract, name: this.databaseName, namespace: owner, collections: this.collections, options: engine.pgvectorOptions ?? {},
      });
      this.binding = this.pgvector;
    } else {
      this.collections = resolveCollections(where, props.collections ?? [], QDRANT_COLLECTION_RULES);
      this.qdrant = new QdrantCluster(this, 'Qdrant', {
        contract: props.contract,
        name: this.databaseName,
        namespace: owner,
        collections: this.collections,
        options: engine.qdrantOptions ?? {},
        priorityClassName: props.priorityClass?.priorityClassName,
        metricsScraper: props.metricsScraper ?? (props.metricsBackend ?? KubePrometheusStack.platformDefault()).scraper,
        monitoring: props.monitoring,
        secretRollout: this.secretRollout,
      });
      this.binding = this.qdrant;
    }
    (props.clients ?? []).forEach((c) => this.addClient(c.workload, { readOnly: c.readOnly }));
    this.node.addValidation({ validate: () => this.checkClientNamespaces() });
  }

  /** The clients admitted so far. */
  public get clients(): AdmittedVectorClient[] {
    return [...this.admitted];
  }

  /**
   * Admits a workload: its pods may connect (NetworkPolicy), its namespace gets the
   * credential it needs (only the read-only key for a read-only client) and, when it is a
   * default-deny TeamNamespace, the egress to the database.
   * @returns the client's connection settings
   */
  public addClient(workload: WorkloadSelector, options: VectorClientOptions = {}): VectorDatabaseConnection {
    if (!(workload instanceof WorkloadSelector)) {
      throw invalidProp(this.node.path, 'clients.workload', workload, 'not a WorkloadSelector',
        'select the client\'s pods with team.workloads({ app: "..." }) or WorkloadSelector.inNamespace(ns, labels)');
    }
    const client = { workload, readOnly: options.readOnly ?? false };
    const same = this.admitted.find((c) => sameSelector(c.workload, workload) && c.readOnly === client.readOnly);
    if (!same) {
      this.admitted.push(client);
      this.binding.admit(client);
    }
    return this.binding.connection(client);
  }

  /**
   * The connection settings of an admitted client: the pods of `workload` must be selected by
   * an admitted client (same namespace, the client's labels among theirs). A read-write
   * client gets the read-write credential.
   */
  public connectionFor(workload: WorkloadSelector): VectorDatabaseConnection {
    const matches = this.admitted.filter((c) => c.workload.namespace === workload.namespace
      && Object.entries(c.workload.podLabels).every(([k, v]) => workload.podLabels[k] === v));
    if (matches.length === 0) {
      const admitted = this.admitted.map((c) => `${c.workload.namespace}/${JSON.stringify(c.workload.podLabels)}`).join(', ') || 'none';
      throw invalidProp(this.node.path, 'client', `${workload.namespace}/${JSON.stringify(workload.podLabels)}`,
        `the workload is not among the clients the database's network policy admits (admitted: ${admitted})`,
        'admit it first with addClient(workload) (or the clients prop), then ask for its connection');
    }
    return this.binding.connection(matches.find((c) => !c.readOnly) ?? matches[0]);
  }

  /**
   * Restarts a client's workload when its credential changes (the copy of the API key in the
   * client's namespace, which External Secrets refreshes after a rotation), with the database's
   * rollout settings: the CronJob of the client's namespace rolls it (SecretRollout).
   * @param connection the client's connection (from addClient or connectionFor)
   * @param workload the client's Deployment or StatefulSet, which reads `connection.credential`
   */
  public restartClientOnRotation(connection: VectorDatabaseConnection, workload: ApiObject): void {
    if (!this.secretRollout) {
      throw invalidProp(this.node.path, 'secretRollout', undefined, 'the database restarts nothing on a changed credential, so it cannot restart its clients either',
        'give the database secretRollout: {} (CnaiPlatform does unless restartOnSecretChange is false)');
    }
    SecretRollout.ensure(this, connection.namespace, this.secretRollout).restartOnChange(connection.credential, workload);
  }

  private checkClientNamespaces(): string[] {
    assertNamespacesDeclared(this, 'clients.workload.namespace', this.admitted.map((c) => c.workload.namespace),
      'a client is in a namespace that no Namespace object of the app declares');
    return [];
  }
}

function sameSelector(a: WorkloadSelector, b: WorkloadSelector): boolean {
  return a.namespace === b.namespace && JSON.stringify(sorted(a.podLabels)) === JSON.stringify(sorted(b.podLabels));
}

function sorted(labels: { [key: string]: string }): [string, string][] {
  return Object.entries(labels).sort(([a], [b]) => a.localeCompare(b));
}
