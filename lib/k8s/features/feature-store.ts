import { ApiObject } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { DatabaseContract, PlatformContract, serviceSecretName } from '../../core/contract';
import { invalidProp } from '../../core/errors';
import {
  DEFAULT_MATERIALIZATION_SCHEDULE, FeatureRegistryKind, FeatureRepositorySpec, FeatureStoreChecks, FeatureStoreNaming, OnlineStoreKind,
} from '../../core/feature-store-spec';
import { NAME_RULES, assertName } from '../../core/names';
import { DATA_SERVICE_IMAGES, OPERATOR_IMAGES, imageRef } from '../../core/versions';
import { FeatureStore as FeatureStoreResource, FeatureStoreSpec as FeatureStoreResourceSpec } from '../../imports/feast.dev';
import { DEFAULT_VPC_CIDR, apiServerEgress, cidrEgress, dnsEgress, httpsEgress, podIdentityEgress, tcpPorts } from '../common/egress';
import { EncryptedStorageClass } from '../common/encrypted-storage-class';
import { GeneratedSecret } from '../common/generated-secret';
import { NamespaceIsolation, PLATFORM_NAMESPACE_LABELS } from '../common/namespace-isolation';
import { contentHash, oneShotJob } from '../common/one-shot-job';
import { quoteIdentifier, quoteLiteral } from '../common/postgres-sql';
import { POSTGRES_UID, psqlContainer } from '../common/psql-client';
import { SecretKeyRef } from '../common/secret-key-ref';
import { SecretSource } from '../common/secret-source';
import { Suppressions } from '../common/suppressions';
import {
  PodSecurityLevel, SECRETS_SYNC_WAVE, SYNC_WAVE_ANNOTATION, WORKLOADS_SYNC_WAVE, createNamespace, namespacesInApp,
  restrictedContainerSecurityContext, restrictedPodSecurityContext,
} from '../pod-security';
import type { IPriorityClass } from '../priority-class';
import { TeamNamespace } from '../team-namespace';
import { INamespaceOwner, WorkloadSelector } from '../workload-selector';
import { FeatureAccess, IFeatureStore } from './feature-store-connection';

/**
 * Container ports of the Feast servers (feast-dev/feast v0.66.0,
 * infra/feast-operator/internal/controller/services/services_types.go, plain HTTP); each Service
 * of the operator listens on port 80 and forwards to them.
 */
export const FEAST_SERVER_PORTS = { online: 6566, registry: 6570, offline: 8815 };

/** Label the Feast operator puts on a FeatureStore's pods and selects them by (`feast.dev/name: <name>`). */
export const FEAST_NAME_LABEL = 'feast.dev/name';

/** Port of the in-cluster Redis online store. */
export const REDIS_PORT = 6379;

/** uid of the redis user in the alpine Redis image. */
const REDIS_UID = 999;
/** uid of the feature server image (sdk/python/feast/infra/feature_servers/multicloud/Dockerfile: `USER 1001`). */
const FEATURE_SERVER_UID = 1001;
/** The key of every password Secret the feature store reads. */
const PASSWORD_KEY = 'password';

/** The PostgreSQL side of a feature store (a POSTGRES online store or a SQL registry). */
export interface FeatureStoreDatabaseOptions {
  /**
   * The password of the feature store's role.
   * @default - the Secrets Manager secret the AWS layer makes for it (`<platform>-<environment>/feature-store/<namespace>/<name>`, key `password`), through External Secrets
   */
  readonly password?: SecretSource;
  /**
   * The database's master password, for the Job that creates the role and the database.
   * @default - the master secret of the contract's database (Secrets Manager, key `password`)
   */
  readonly adminPassword?: SecretSource;
}

/** The in-cluster Redis online store. */
export interface FeatureStoreRedisOptions {
  /**
   * Size of its volume in GiB (an encrypted, retained EBS volume; append-only file persistence).
   * @default 8
   */
  readonly storageGiB?: number;
  /**
   * Memory limit in GiB; Redis keeps every online feature value in memory.
   * @default 1
   */
  readonly memoryGiB?: number;
}

/** Props of {@link FeatureStore}. */
export interface FeatureStoreProps {
  /** The platform contract: datasets bucket, region, VPC block, database, the feature server's workload identity. */
  readonly contract: PlatformContract;
  /**
   * Name of the FeatureStore (a DNS-1123 label of at most 40 characters).
   * @default - the construct id
   */
  readonly name?: string;
  /**
   * The namespace. Its Pod Security level must admit the operator's pods (baseline: the Feast
   * operator v0.66.0 sets no container security context on them).
   * @default - a namespace of its own named after the feature store, baseline, default-deny
   */
  readonly namespace?: INamespaceOwner;
  /** The Feast project (as in the repository's feature definitions). */
  readonly project: string;
  /** The feature repository in git, at a tag or commit. */
  readonly repository: FeatureRepositorySpec;
  /** Where the online store lives. */
  readonly onlineStore: OnlineStoreKind;
  /**
   * Where the registry lives.
   * @default FeatureRegistryKind.S3
   */
  readonly registry?: FeatureRegistryKind;
  /**
   * When features are materialized into the online store (five-field cron, UTC).
   * @default "0 * * * *"
   */
  readonly materializationSchedule?: string;
  /**
   * The PostgreSQL side (POSTGRES online store or SQL registry).
   * @default - the contract's database, credentials from Secrets Manager
   */
  readonly database?: FeatureStoreDatabaseOptions;
  /**
   * The in-cluster Redis (REDIS online store).
   * @default - 8 GiB volume, 1 GiB memory
   */
  readonly redis?: FeatureStoreRedisOptions;
  /**
   * The PriorityClass of the Redis online store's pod (the FeatureStore API of v0.66.0 has none for the operator's pods).
   * @default - none: the cluster's default priority
   */
  readonly priorityClass?: IPriorityClass;
  /**
   * Workloads that may read features (online and registry servers) and historical data (offline server).
   * @default - none; add more with allowFrom()
   */
  readonly allowFrom?: WorkloadSelector[];
}

/**
 * A Feast feature store through the Feast operator (OperatorCatalogue.feastOperator): a
 * FeatureStore custom resource from which the operator runs the registry, online and offline
 * servers in one Deployment, their Services and a materialization CronJob.
 *
 * - Offline store: Feast's file offline store over the datasets bucket, under the store's prefix
 *   `features/<name>/` (the feature definitions find it in `FEAST_OFFLINE_DATA_URI`); the
 *   feature server reads and writes only that prefix, through its workload identity.
 * - Online store: Redis in the namespace (a StatefulSet on an encrypted retained volume, its
 *   password generated in the cluster) or the platform's PostgreSQL (a database and role of its
 *   own, created by a one-shot Job; the password from Secrets Manager).
 * - Registry: `s3://<datasets>/features/<name>/registry.db`, or SQL on that database.
 * - Materialization: the CronJob runs `feast apply` and `feast materialize-incremental` in the
 *   feature server on the schedule.
 *
 * No credential is in the output or in the CR: the Secrets the operator reads hold only
 * connection parameters with `${VAR}` placeholders (the operator writes them into the
 * Deployment's spec), and Feast expands them from environment variables that the servers take
 * from the password Secrets.
 *
 * Network: the namespace is default-deny; the servers let in the clients named with
 * allowFrom(), and reach only DNS, S3 and the Pod Identity agent (HTTPS, also for the git
 * clone at start) and their online store; the CronJob reaches the API server.
 *
 * ```ts
 * const features = new FeatureStore(chart, 'features', {
 *   contract, project: 'churn', onlineStore: OnlineStoreKind.REDIS,
 *   repository: { gitUrl: 'https://github.com/my-org/features.git', ref: 'v1.0.0', path: 'churn' },
 * });
 * new PredictiveService(chart, 'churn', { ..., featureStore: features });
 * ```
 */
export class FeatureStore extends Construct implements IFeatureStore {
  public readonly name: string;
  public readonly namespaceName: string;
  public readonly project: string;
  public readonly onlineUrl: string;
  public readonly registryAddress: string;
  public readonly offlineAddress: string;
  /** Online store. */
  public readonly onlineStore: OnlineStoreKind;
  /** Registry. */
  public readonly registry: FeatureRegistryKind;
  /** Materialization schedule (cron, UTC). */
  public readonly materializationSchedule: string;
  /** The service account the operator makes for the servers (the AWS layer's identity is bound to it). */
  public readonly serviceAccountName: string;
  /** Where the offline data is: `s3://<datasets bucket>/features/<name>/data/`. */
  public readonly offlineDataUri: string;
  /** The registry's location (`s3://...registry.db`), or `sql` for a SQL registry. */
  public readonly registryLocation: string;
  /** Labels that select the feature server pods (set by the operator). */
  public readonly selectorLabels: { [key: string]: string };
  /** The FeatureStore custom resource (typed as `crds.feast.FeatureStore`; exposed as an ApiObject because the construct shares its name). */
  public readonly resource: ApiObject;
  /** NetworkPolicies of the feature store, by name. */
  public readonly networkPolicies: { [name: string]: k8s.KubeNetworkPolicy } = {};
  /** Address block of the VPC (the database and the API server's endpoints). */
  public readonly vpcCidr: string;
  /** The Redis StatefulSet (REDIS online store). */
  public readonly redis?: k8s.KubeStatefulSet;

  private readonly clients: WorkloadSelector[] = [];
  private readonly contract: PlatformContract;
  private readonly labels: { [key: string]: string };

  constructor(scope: Construct, id: string, props: FeatureStoreProps) {
    super(scope, id);
    const where = this.node.path;
    const c = props.contract;
    this.contract = c;
    this.vpcCidr = c.vpcCidr ?? DEFAULT_VPC_CIDR;
    this.name = props.name ?? id;
    this.registry = props.registry ?? FeatureRegistryKind.S3;
    this.materializationSchedule = props.materializationSchedule ?? DEFAULT_MATERIALIZATION_SCHEDULE;
    const problems = FeatureStoreChecks.problems({ construct: where, propPrefix: '' }, {
      name: this.name,
      project: props.project,
      repository: props.repository,
      onlineStore: props.onlineStore,
      registry: this.registry,
      materializationSchedule: this.materializationSchedule,
    });
    if (problems.length > 0) {
      const first = problems[0];
      throw invalidProp(first.construct, first.prop, first.value, first.problem, first.fix);
    }
    this.onlineStore = props.onlineStore;
    this.project = props.project;
    this.namespaceName = assertName(where, 'namespace', props.namespace?.namespaceName ?? this.name, NAME_RULES.dns1123Label);
    this.serviceAccountName = FeatureStoreNaming.serviceAccount(this.name);
    if (!c.workloadIdentities.some((w) => w.namespace === this.namespaceName && w.serviceAccount === this.serviceAccountName)) {
      throw invalidProp(where, 'contract', `${this.namespaceName}/${this.serviceAccountName}`,
        'the contract has no workload identity for the feature server, which reads and writes the offline data and the registry in S3',
        `give the spec a featureStore section (CnaiAwsStack.fromSpec adds the identity), or add a WorkloadIdentity for namespace ${this.namespaceName} and service account ${this.serviceAccountName} with read-write access to ${FeatureStoreNaming.dataPrefix(this.name)} of the datasets bucket`);
    }
    const needsDatabase = FeatureStoreNaming.needsDatabase(this.onlineStore, this.registry);
    if (needsDatabase && !c.database) {
      throw invalidProp(where, this.onlineStore === OnlineStoreKind.POSTGRES ? 'onlineStore' : 'registry',
        this.onlineStore === OnlineStoreKind.POSTGRES ? this.onlineStore : this.registry,
        'the platform has no PostgreSQL database (the contract has none)', 'use OnlineStoreKind.REDIS and FeatureRegistryKind.S3, or give the platform its database (a model registry or pgvector)');
    }

    const prefix = FeatureStoreNaming.dataPrefix(this.name);
    const dataBase = `s3://${c.buckets.datasets}/${prefix}`;
    this.offlineDataUri = `${dataBase}data/`;
    this.registryLocation = this.registry === FeatureRegistryKind.S3 ? `${dataBase}registry.db` : 'sql';
    const host = (service: string) => `feast-${this.name}-${service}.${this.namespaceName}.svc`;
    this.onlineUrl = `http://${host('online')}:80`;
    this.registryAddress = `${host('registry')}:80`;
    this.offlineAddress = `${host('offline')}:80`;
    this.selectorLabels = { [FEAST_NAME_LABEL]: this.name };
    this.labels = { 'app.kubernetes.io/part-of': 'cnai-platform', 'app.kubernetes.io/managed-by': 'cnai-constructs', 'app.kubernetes.io/instance': this.name };
    const annotations = { [SYNC_WAVE_ANNOTATION]: String(WORKLOADS_SYNC_WAVE) };

    // The namespace: baseline (the operator's pods carry no container security context), default-deny.
    if (!props.namespace && !namespacesInApp(this).has(this.namespaceName)) {
      createNamespace(this, 'Namespace', {
        name: this.namespaceName,
        level: PodSecurityLevel.BASELINE,
        reason: 'the Feast operator v0.66.0 sets no container securityContext on the feature server\'s containers and init containers (services.go getContainer, setInitContainer); the FeatureStore runs them as non-root with RuntimeDefault seccomp, and the platform\'s own pods here are restricted',
        labels: { ...PLATFORM_NAMESPACE_LABELS },
      });
    }
    const isolation = NamespaceIsolation.ensure(this, this.namespaceName);

    // Connection settings of the servers: no credential, only where to find them.
    const serverEnv: k8s.EnvVar[] = [
      { name: 'AWS_REGION', value: c.region },
      { name: 'AWS_DEFAULT_REGION', value: c.region },
      { name: 'FEAST_OFFLINE_DATA_URI', value: this.offlineDataUri },
    ];
    const storeSecretData: { [key: string]: string } = {};
    const serverEgress: k8s.NetworkPolicyEgressRule[] = [dnsEgress(), podIdentityEgress(), httpsEgress()];

    if (this.onlineStore === OnlineStoreKind.REDIS) {
      const redisName = `${this.name}-online-redis`;
      const password = new GeneratedSecret(this, 'RedisPassword', {
        namespace: this.namespaceName, name: redisName, keys: { [PASSWORD_KEY]: PASSWORD_KEY }, apiServerCidr: this.vpcCidr,
      });
      this.redis = this.redisStatefulSet(redisName, password.secretName, props.redis ?? {}, isolation, props.priorityClass);
      serverEnv.push(
        { name: 'FEAST_REDIS_ADDRESS', value: `${redisName}.${this.namespaceName}.svc:${REDIS_PORT}` },
        { name: 'FEAST_REDIS_PASSWORD', valueFrom: SecretKeyRef.fromName(password.secretName, PASSWORD_KEY).toEnvVarSource() },
      );
      storeSecretData.redis = 'redis_type: redis\nconnection_string: "${FEAST_REDIS_ADDRESS},password=${FEAST_REDIS_PASSWORD}"\n';
      const redisPods = WorkloadSelector.inNamespace(this.namespaceName, this.redisSelector(redisName));
      serverEgress.push({ to: [redisPods.toPeer()], ports: tcpPorts(REDIS_PORT) });
    }
    if (needsDatabase) {
      const db = c.database!;
      const dbName = FeatureStoreNaming.databaseName(this.name);
      const awsSecret = serviceSecretName(c.platformName, c.environment, FeatureStoreNaming.secretService(this.namespaceName, this.name));
      const passwordSecret = (props.database?.password ?? SecretSource.secretsManager(awsSecret))
        .materialize(this, 'DatabasePassword', { namespace: this.namespaceName, name: `${this.name}-db`, keys: { [PASSWORD_KEY]: PASSWORD_KEY }, syncWave: SECRETS_SYNC_WAVE, apiServerCidr: this.vpcCidr });
      const adminSecret = (props.database?.adminPassword ?? SecretSource.secretsManager(db.masterSecretArn))
        .materialize(this, 'DatabaseAdminPassword', { namespace: this.namespaceName, name: `${this.name}-db-admin`, keys: { [PASSWORD_KEY]: PASSWORD_KEY }, syncWave: SECRETS_SYNC_WAVE, apiServerCidr: this.vpcCidr });
      this.databaseInitJob(dbName, passwordSecret, adminSecret, isolation);
      serverEnv.push({ name: 'FEAST_DB_PASSWORD', valueFrom: SecretKeyRef.fromName(passwordSecret, PASSWORD_KEY).toEnvVarSource() });
      if (this.onlineStore === OnlineStoreKind.POSTGRES) {
        storeSecretData.postgres = [
          `host: ${db.host}`, `port: ${db.port}`, `database: ${dbName}`, 'db_schema: public', `user: ${dbName}`,
          'password: "${FEAST_DB_PASSWORD}"', 'sslmode: require', '',
        ].join('\n');
      }
      if (this.registry === FeatureRegistryKind.SQL) {
        // Generated passwords are letters and digits: safe in a URL.
        storeSecretData.sql = `path: "postgresql+psycopg://${dbName}:\${FEAST_DB_PASSWORD}@${db.host}:${db.port}/${dbName}?sslmode=require"\ncache_ttl_seconds: 60\n`;
      }
      serverEgress.push(cidrEgress(this.vpcCidr, db.port));
    }

    // The store parameters, as the operator wants them (a Secret; it copies them into the
    // Deployment's spec): placeholders only.
    const storeSecretName = `${this.name}-store-parameters`;
    new k8s.KubeSecret(this, 'StoreParameters', {
      metadata: {
        name: storeSecretName,
        namespace: this.namespaceName,
        labels: { ...this.labels },
        annotations: { [SYNC_WAVE_ANNOTATION]: String(SECRETS_SYNC_WAVE), 'cnai.io/credentials': 'none: ${VAR} placeholders, expanded by Feast from the servers\' environment' },
      },
      type: 'Opaque',
      stringData: storeSecretData,
    });

    const image = imageRef(OPERATOR_IMAGES.feastFeatureServer);
    const server = (cpu: string, memory: string) => ({
      image,
      env: serverEnv,
      // Quantities as objects: the generated binding renders their `value`.
      resources: {
        requests: { cpu: k8s.Quantity.fromString(cpu), memory: k8s.Quantity.fromString(memory) },
        limits: { memory: k8s.Quantity.fromString(memory) },
      },
    });
    const spec = {
      feastProject: this.project,
      feastProjectDir: {
        git: {
          url: props.repository.gitUrl,
          ref: props.repository.ref,
          ...(props.repository.path ? { featureRepoPath: props.repository.path } : {}),
        },
      },
      services: {
        securityContext: { runAsNonRoot: true, runAsUser: FEATURE_SERVER_UID, fsGroup: 0, seccompProfile: { type: 'RuntimeDefault' } },
        initImage: image,
        // Feast's file offline store over S3 (the feature definitions' FileSources under FEAST_OFFLINE_DATA_URI).
        offlineStore: { persistence: { file: { type: 'dask' } }, server: server('250m', '2Gi') },
        onlineStore: {
          persistence: { store: { type: this.onlineStore, secretRef: { name: storeSecretName }, secretKeyName: this.onlineStore } },
          server: server('250m', '1Gi'),
        },
        registry: {
          local: {
            persistence: this.registry === FeatureRegistryKind.S3
              ? { file: { path: this.registryLocation } }
              : { store: { type: 'sql', secretRef: { name: storeSecretName }, secretKeyName: 'sql' } },
            server: { ...server('100m', '512Mi'), grpc: true },
          },
        },
      },
      cronJob: {
        schedule: this.materializationSchedule,
        timeZone: 'Etc/UTC',
        concurrencyPolicy: 'Forbid',
        startingDeadlineSeconds: 600,
        successfulJobsHistoryLimit: 3,
        failedJobsHistoryLimit: 3,
        jobSpec: { backoffLimit: 2, activeDeadlineSeconds: 3600 },
        containerConfigs: {
          image: imageRef(OPERATOR_IMAGES.feastCronJob),
          resources: { requests: { cpu: k8s.Quantity.fromString('10m'), memory: k8s.Quantity.fromString('64Mi') }, limits: { memory: k8s.Quantity.fromString('128Mi') } },
        },
      },
    };
    this.resource = new FeatureStoreResource(this, 'Resource', {
      metadata: { name: this.name, namespace: this.namespaceName, labels: { ...this.labels }, annotations },
      spec: spec as unknown as FeatureStoreResourceSpec,
    });

    // The servers' service account, declared here as the operator makes it (same name and labels;
    // the operator adds only its owner reference), so that the AWS layer's Pod Identity association
    // names an account of the output and the servers mount no API token: they need none.
    new k8s.KubeServiceAccount(this, 'ServiceAccount', {
      metadata: { name: this.serviceAccountName, namespace: this.namespaceName, labels: { [FEAST_NAME_LABEL]: this.name, 'app.kubernetes.io/managed-by': 'feast-operator' } },
      automountServiceAccountToken: false,
    });
    this.suppressOperatorFindings();

    // Network: the servers reach S3, the Pod Identity agent, the git host and their store.
    this.policy(isolation, `${this.name}-server-egress`, { podSelector: { matchLabels: { ...this.selectorLabels } }, policyTypes: ['Egress'], egress: serverEgress });
    // The materialization CronJob's pods carry only the Job controller's labels; they exec into the server through the API server.
    this.policy(isolation, `${this.name}-materialization`, {
      podSelector: {
        matchExpressions: [
          { key: 'batch.kubernetes.io/job-name', operator: 'Exists' },
          { key: FEAST_NAME_LABEL, operator: 'DoesNotExist' },
          { key: 'app.kubernetes.io/managed-by', operator: 'DoesNotExist' },
        ],
      },
      policyTypes: ['Egress'],
      egress: [apiServerEgress(this.vpcCidr)],
    });
    for (const client of props.allowFrom ?? []) this.allowFrom(client);
  }

  public clientEnv(access: FeatureAccess = FeatureAccess.ALL): k8s.EnvVar[] {
    const online = access !== FeatureAccess.OFFLINE;
    const offline = access !== FeatureAccess.ONLINE;
    return [
      ...(online ? [{ name: 'FEAST_FEATURE_SERVER_URL', value: this.onlineUrl }] : []),
      { name: 'FEAST_REGISTRY', value: this.registryAddress },
      ...(offline ? [{ name: 'FEAST_OFFLINE_SERVER', value: this.offlineAddress }] : []),
      { name: 'FEAST_PROJECT', value: this.project },
    ];
  }

  public clientPorts(access: FeatureAccess = FeatureAccess.ALL): number[] {
    return [
      ...(access !== FeatureAccess.OFFLINE ? [FEAST_SERVER_PORTS.online] : []),
      FEAST_SERVER_PORTS.registry,
      ...(access !== FeatureAccess.ONLINE ? [FEAST_SERVER_PORTS.offline] : []),
    ];
  }

  public workloads(): WorkloadSelector {
    return WorkloadSelector.inNamespace(this.namespaceName, this.selectorLabels);
  }

  /**
   * Lets `client` connect to the servers of `access` (online and registry for serving, offline
   * and registry for training): an ingress policy here and, when the client's namespace is a
   * TeamNamespace, its egress there.
   */
  public allowFrom(client: WorkloadSelector, access: FeatureAccess = FeatureAccess.ALL): void {
    if (!(client instanceof WorkloadSelector)) {
      throw invalidProp(this.node.path, 'allowFrom', client, 'not a WorkloadSelector', 'use team.workloads({ app: "..." }) or a service\'s workloads()');
    }
    if (!Object.values(FeatureAccess).includes(access)) {
      throw invalidProp(this.node.path, 'access', access, 'not a FeatureAccess', `use one of ${Object.values(FeatureAccess).join(', ')} (FeatureAccess)`);
    }
    this.clients.push(client);
    const n = this.clients.length;
    this.policy(NamespaceIsolation.ensure(this, this.namespaceName), `${this.name}-clients-${n}`, {
      podSelector: { matchLabels: { ...this.selectorLabels } },
      policyTypes: ['Ingress'],
      ingress: [{ from: [client.toPeer()], ports: tcpPorts(...this.clientPorts(access)) }],
    });
    if (client.owner instanceof TeamNamespace) {
      for (const port of this.clientPorts(access)) client.owner.allowTo(this.workloads(), port, client);
    }
  }

  /**
   * What the policy packs find in the pods the operator builds from the FeatureStore and the
   * FeatureStore API of v0.66.0 cannot change, suppressed on the FeatureStore with the reason.
   */
  private suppressOperatorFindings(): void {
    const resource = `FeatureStore ${this.namespaceName}/${this.name}`;
    const api = 'the Feast operator v0.66.0 builds the feature server\'s containers and init containers itself, and its FeatureStore API has no container securityContext for them (services.go getContainer, setInitContainer)';
    const add = (rule: string, reason: string) => Suppressions.add(this, rule, reason, { resource });
    add('pod-privilege-escalation', `${api}; the pods run as uid ${FEATURE_SERVER_UID}, non-root, with RuntimeDefault seccomp (spec.services.securityContext), in a baseline, default-deny namespace`);
    add('pod-capabilities', `${api}; the pods run as uid ${FEATURE_SERVER_UID}, non-root, with RuntimeDefault seccomp, so no capability is effective without privilege escalation to root`);
    add('pod-read-only-root-filesystem', `${api}; the servers also write the cloned feature repository and feature_store.yaml into their working directory, and the CronJob's container (cronjob.go) gets no read-only root either`);
    add('pod-resources', 'the operator gives the init containers (feast-init, feast-apply) no resources and the FeatureStore API has no field for them; the server containers and the CronJob\'s container have requests and memory limits');
    add('pod-probes', 'the materialization CronJob\'s container runs one kubectl exec and stops (a Job): it has nothing to probe; the servers have the operator\'s startup, liveness and readiness probes');
    add('pod-service-account-token', `the materialization pods need their token: the operator binds feast-${this.name}-cronjob to its Role of the same name (get the Deployment, exec into its pods; cronjob.go setCronJobRole) at run time, which is not in the output; the servers' own account mounts none`);
    add('pod-priority-class', 'the FeatureStore API of v0.66.0 has no priorityClassName for the feature server\'s Deployment or the CronJob\'s pods');
  }

  private policy(isolation: NamespaceIsolation, name: string, spec: k8s.NetworkPolicySpec): void {
    const policy = isolation.allow(name, spec);
    ApiObject.of(policy).metadata.addLabel('app.kubernetes.io/instance', this.name);
    this.networkPolicies[name] = policy;
  }

  private redisSelector(redisName: string): { [key: string]: string } {
    return { 'app.kubernetes.io/name': 'redis', 'app.kubernetes.io/instance': redisName };
  }

  /** Redis with a password, append-only persistence on an encrypted retained volume; only the feature server gets in. */
  private redisStatefulSet(
    redisName: string, passwordSecret: string, o: FeatureStoreRedisOptions, isolation: NamespaceIsolation, priorityClass?: IPriorityClass,
  ): k8s.KubeStatefulSet {
    const where = this.node.path;
    const storage = o.storageGiB ?? 8;
    const memory = o.memoryGiB ?? 1;
    if (!Number.isInteger(storage) || storage < 1) throw invalidProp(where, 'redis.storageGiB', storage, 'not a whole number of GiB of at least 1', 'give e.g. 8');
    if (!(memory > 0) || !Number.isFinite(memory)) throw invalidProp(where, 'redis.memoryGiB', memory, 'not a positive number of GiB', 'give e.g. 1');
    const selector = this.redisSelector(redisName);
    const labels = { ...selector, 'app.kubernetes.io/component': 'online-store', 'app.kubernetes.io/part-of': 'cnai-platform', 'app.kubernetes.io/managed-by': 'cnai-constructs', 'cnai.io/data-service': redisName };
    const meta = { name: redisName, namespace: this.namespaceName, labels, annotations: { [SYNC_WAVE_ANNOTATION]: String(WORKLOADS_SYNC_WAVE) } };
    const storageClass = EncryptedStorageClass.ensure(this);
    new k8s.KubeService(this, 'RedisService', {
      metadata: meta,
      spec: { selector, ports: [{ name: 'redis', port: REDIS_PORT, targetPort: k8s.IntOrString.fromNumber(REDIS_PORT), protocol: 'TCP' }] },
    });
    new k8s.KubeServiceAccount(this, 'RedisServiceAccount', { metadata: meta, automountServiceAccountToken: false });
    const maxMemoryMb = Math.floor(memory * 1024 * 0.75);
    const sts = new k8s.KubeStatefulSet(this, 'Redis', {
      metadata: meta,
      spec: {
        serviceName: redisName,
        replicas: 1,
        selector: { matchLabels: selector },
        template: {
          metadata: { labels },
          spec: {
            serviceAccountName: redisName,
            automountServiceAccountToken: false,
            priorityClassName: priorityClass?.priorityClassName,
            enableServiceLinks: false,
            securityContext: restrictedPodSecurityContext(REDIS_UID),
            containers: [{
              name: 'redis',
              image: imageRef(DATA_SERVICE_IMAGES.redis),
              // $(REDIS_PASSWORD) is expanded by the kubelet from the Secret; it is never in the output.
              command: ['redis-server'],
              args: ['--port', String(REDIS_PORT), '--requirepass', '$(REDIS_PASSWORD)', '--dir', '/data', '--appendonly', 'yes',
                '--maxmemory', `${maxMemoryMb}mb`, '--maxmemory-policy', 'noeviction', '--protected-mode', 'yes'],
              env: [{ name: 'REDIS_PASSWORD', valueFrom: SecretKeyRef.fromName(passwordSecret, PASSWORD_KEY).toEnvVarSource() }],
              ports: [{ name: 'redis', containerPort: REDIS_PORT, protocol: 'TCP' }],
              resources: {
                requests: { cpu: k8s.Quantity.fromString('100m'), memory: k8s.Quantity.fromString(`${memory}Gi`) },
                limits: { memory: k8s.Quantity.fromString(`${memory}Gi`) },
              },
              readinessProbe: { tcpSocket: { port: k8s.IntOrString.fromNumber(REDIS_PORT) }, periodSeconds: 10 },
              livenessProbe: { tcpSocket: { port: k8s.IntOrString.fromNumber(REDIS_PORT) }, periodSeconds: 20, failureThreshold: 6 },
              securityContext: restrictedContainerSecurityContext(REDIS_UID),
              volumeMounts: [{ name: 'data', mountPath: '/data' }],
            }],
          },
        },
        volumeClaimTemplates: [{
          metadata: { name: 'data', labels: selector },
          spec: {
            accessModes: ['ReadWriteOnce'],
            storageClassName: storageClass.storageClassName,
            resources: { requests: { storage: k8s.Quantity.fromString(`${storage}Gi`) } },
          },
        }],
      },
    });
    this.policy(isolation, `${redisName}-ingress`, {
      podSelector: { matchLabels: { ...selector } },
      policyTypes: ['Ingress'],
      ingress: [{ from: [this.workloads().toPeer()], ports: tcpPorts(REDIS_PORT) }],
    });
    return sts;
  }

  /** A one-shot Job that creates the feature store's role and database (as the master user) and sets the role's password. */
  private databaseInitJob(dbName: string, passwordSecret: string, adminSecret: string, isolation: NamespaceIsolation): void {
    const sql = featureStoreDatabaseSql(dbName);
    const hash = contentHash(sql);
    const jobName = `${this.name}-db-init-${hash}`;
    const configMapName = `${this.name}-db-init-${hash}`;
    new k8s.KubeConfigMap(this, 'DatabaseInitSql', {
      metadata: { name: configMapName, namespace: this.namespaceName, labels: { ...this.labels } },
      data: { 'init.sql': sql },
    });
    const labels = { ...this.labels, 'app.kubernetes.io/component': 'database-init', 'cnai.io/database-init': this.name };
    const container = psqlContainer({
      name: 'init',
      database: this.databaseContract(),
      password: SecretKeyRef.fromName(adminSecret, PASSWORD_KEY),
      sqlVolume: 'sql',
      sqlFile: 'init.sql',
      memoryLimit: '128Mi',
    });
    oneShotJob(this, 'DatabaseInit', {
      name: jobName,
      namespace: this.namespaceName,
      labels,
      uid: POSTGRES_UID,
      container: { ...container, env: [...(container.env ?? []), { name: 'FEAST_DB_PASSWORD', valueFrom: SecretKeyRef.fromName(passwordSecret, PASSWORD_KEY).toEnvVarSource() }] },
      volumes: [{ name: 'sql', configMap: { name: configMapName } }, { name: 'tmp', emptyDir: { sizeLimit: k8s.Quantity.fromString('16Mi') } }],
    });
    this.policy(isolation, `${this.name}-db-init`, {
      podSelector: { matchLabels: { 'cnai.io/database-init': this.name } },
      policyTypes: ['Egress'],
      egress: [dnsEgress(), cidrEgress(this.vpcCidr, this.databaseContract().port)],
    });
  }

  private databaseContract(): DatabaseContract {
    return this.contract.database!;
  }
}

/**
 * The SQL of the database init Job (psql, as the master user): the role `dbName` with the
 * password from `$FEAST_DB_PASSWORD` (psql's \getenv, never in the file or the log), and its
 * database, owned by it. Safe to run again; the password is set on every run.
 */
export function featureStoreDatabaseSql(dbName: string): string {
  const role = quoteIdentifier(dbName);
  return [
    '-- Generated by cnai-constructs (FeatureStore); safe to run again.',
    'SET standard_conforming_strings = on;',
    '\\getenv feast_password FEAST_DB_PASSWORD',
    `SELECT ${quoteLiteral(`CREATE ROLE ${role} LOGIN`)} WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = ${quoteLiteral(dbName)})\\gexec`,
    `ALTER ROLE ${role} WITH LOGIN PASSWORD :'feast_password';`,
    // CREATE DATABASE ... OWNER needs membership in the owner role (PostgreSQL 16+).
    `SELECT format('GRANT %I TO %I', ${quoteLiteral(dbName)}, current_user) WHERE NOT pg_has_role(current_user, ${quoteLiteral(dbName)}, 'MEMBER')\\gexec`,
    `SELECT ${quoteLiteral(`CREATE DATABASE ${role} OWNER ${role}`)} WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = ${quoteLiteral(dbName)})\\gexec`,
    `REVOKE ALL ON DATABASE ${role} FROM PUBLIC;`,
    '',
  ].join('\n');
}
