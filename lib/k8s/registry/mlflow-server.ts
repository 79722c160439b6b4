import { Duration, Lazy } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { databaseInitContainer } from './database-init';
import { RegistryBackend, RegistryBackendKind } from './registry-backend';
import { RegistryAccess, RegistryConnection } from './registry-connection';
import { MlflowEngineOptions } from './registry-engine';
import { DATA_SERVICES, PlatformContract, serviceSecretName } from '../../core/contract';
import { invalidProp } from '../../core/errors';
import { ModelRegistryKind } from '../../core/platform-spec';
import { DATA_SERVICE_IMAGES, imageRef } from '../../core/versions';
import { ServiceMonitor } from '../../imports/monitoring.coreos.com';
import { DATA_SERVICE_LABEL, dataServiceLabels } from '../common/data-service-namespace';
import { cidrEgress, dnsEgress, httpsEgress, podIdentityEgress, tcpPorts } from '../common/egress';
import { IMetricsSource, MetricsComponent, MetricsEndpoint } from '../common/metrics-endpoint';
import { contentHash, oneShotJob } from '../common/one-shot-job';
import { SecretKeyRef } from '../common/secret-key-ref';
import { SecretRollout, SecretRolloutOptions } from '../common/secret-rollout';
import { resolveSecretRollout } from '../common/secret-rollout-settings';
import { SecretSource } from '../common/secret-source';
import { restrictedContainerSecurityContext, restrictedPodSecurityContext, SECRETS_SYNC_WAVE } from '../pod-security';
import { TeamNamespace } from '../team-namespace';
import { INamespaceOwner, WorkloadSelector } from '../workload-selector';

/** MLflow's port. */
export const MLFLOW_PORT = 5000;
/** Keys of the MLflow credentials Secret. */
export const MLFLOW_CREDENTIAL_KEYS = {
  adminUsername: 'admin-username',
  adminPassword: 'admin-password',
  flaskSecretKey: 'flask-secret-key',
  readerPassword: 'reader-password',
  writerPassword: 'writer-password',
  /** User name of the metrics scrape (the reader; templated into the Secret by External Secrets). */
  metricsUsername: 'metrics-username',
};
/** Keys of the MLflow database Secret. */
export const MLFLOW_DATABASE_KEYS = { backendStoreUri: 'backend-store-uri', authDatabaseUri: 'auth-database-uri', password: 'password' };
/** The users clients log in as, by access. */
export const MLFLOW_CLIENT_USERS = { [RegistryAccess.READ_ONLY]: 'reader', [RegistryAccess.READ_WRITE]: 'writer' };

const UID = 65532;

/** Props of {@link MlflowServer}. */
export interface MlflowServerProps {
  /** The platform contract. */
  readonly contract: PlatformContract;
  /** Namespace. */
  readonly namespace: INamespaceOwner;
  /** Backend. */
  readonly backend: RegistryBackend;
  /** Engine options. */
  readonly options: MlflowEngineOptions;
  /** Replicas. */
  readonly replicas: number;
  /** Prometheus pods admitted to the metrics endpoint. */
  readonly metricsScraper: WorkloadSelector;
  /** PriorityClass of the pods. */
  readonly priorityClassName?: string;
  /**
   * Restart the server when its credentials or database Secret change; its refresh interval
   * applies to the default credentials source.
   * @default - none
   */
  readonly secretRollout?: SecretRolloutOptions;
}

/** A client of the registry, admitted with an access. */
export interface AdmittedRegistryClient {
  /** The client's pods. */
  readonly workload: WorkloadSelector;
  /** Access. */
  readonly access: RegistryAccess;
}

// Writes basic_auth.ini from the packaged one with the values from the Secrets, at start:
// the password never appears in a manifest. "%" is doubled (MLflow reads it with interpolation).
const AUTH_CONFIG_SCRIPT = `import configparser, importlib.util, os
spec = importlib.util.find_spec("mlflow")
packaged = os.path.join(spec.submodule_search_locations[0], "server", "auth", "basic_auth.ini")
config = configparser.RawConfigParser()
config.read(packaged)
if not config.has_section("mlflow"):
    config.add_section("mlflow")
def value(name):
    v = os.environ[name]
    if "\\n" in v or "\\r" in v or v != v.strip():
        raise SystemExit(name + " contains a line break or surrounding spaces")
    return v.replace("%", "%%")
config.set("mlflow", "default_permission", "READ")
config.set("mlflow", "database_uri", value("AUTH_DATABASE_URI"))
config.set("mlflow", "admin_username", value("ADMIN_USERNAME"))
config.set("mlflow", "admin_password", value("ADMIN_PASSWORD"))
fd = os.open("/config/basic_auth.ini", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
with os.fdopen(fd, "w") as f:
    config.write(f)
print("wrote /config/basic_auth.ini")
`;

// Creates (or updates the password of) the users clients log in as, with the admin's credentials.
const USERS_SCRIPT = `import os, sys, time
import requests
url = os.environ["MLFLOW_URL"]
admin = (os.environ["ADMIN_USERNAME"], os.environ["ADMIN_PASSWORD"])
for attempt in range(120):
    try:
        if requests.get(url + "/health", timeout=5).ok:
            break
    except requests.RequestException:
        pass
    print("waiting for MLflow", flush=True)
    time.sleep(5)
else:
    sys.exit("MLflow did not become healthy")
api = url + "/api/2.0/mlflow/users"
for user, env in (("reader", "READER_PASSWORD"), ("writer", "WRITER_PASSWORD")):
    password = os.environ.get(env)
    if not password:
        continue
    got = requests.get(api + "/get", params={"username": user}, auth=admin, timeout=10)
    if got.status_code == 200:
        r = requests.patch(api + "/update-password", json={"username": user, "password": password}, auth=admin, timeout=10)
        action = "password updated"
    else:
        r = requests.post(api + "/create", json={"username": user, "password": password}, auth=admin, timeout=10)
        action = "created"
    if not r.ok:
        sys.exit(f"user {user}: HTTP {r.status_code}: {r.text[:200]}")
    print(f"user {user} {action}", flush=True)
`;

// Sets the admin's and the client users' passwords in MLflow's auth database to the Secret's, at
// every start: MLflow itself applies its admin password only when it creates the admin, so new
// credentials (a credentialsVersion bump, then the restart) would otherwise leave the old ones.
const SYNC_USERS_SCRIPT = `import os
from mlflow.exceptions import MlflowException
from mlflow.server.auth.sqlalchemy_store import SqlAlchemyStore
store = SqlAlchemyStore()
store.init_db(os.environ["AUTH_DATABASE_URI"])
users = [(os.environ["ADMIN_USERNAME"], "ADMIN_PASSWORD", True), ("reader", "READER_PASSWORD", False), ("writer", "WRITER_PASSWORD", False)]
for user, env, admin in users:
    password = os.environ.get(env)
    if not password:
        continue
    if not store.has_user(user):
        try:
            store.create_user(user, password, is_admin=admin)
            print(f"user {user} created", flush=True)
            continue
        except MlflowException:
            pass  # another replica created it first
    if store.authenticate_user(user, password):
        print(f"user {user} unchanged", flush=True)
    else:
        store.update_user(user, password=password)
        print(f"user {user} password set from the Secret", flush=True)
`;

/**
 * The MLflow tracking server and model registry, as a {@link ModelRegistry} builds it: a
 * Deployment of the pinned image (non-root, read-only root filesystem) with its metadata in
 * PostgreSQL (databases created, then `mlflow db upgrade`, in init containers before the
 * server starts), artifacts proxied to the models bucket through its workload identity
 * (`--serve-artifacts`), basic authentication with the admin and client users from a
 * Secret, allowed hosts set, probes, a Service, a PodDisruptionBudget and NetworkPolicies.
 */
export class MlflowServer extends Construct implements IMetricsSource {
  /** Name of the Deployment and Service. */
  public readonly serviceName: string;
  /** Cluster DNS name of the Service. */
  public readonly host: string;
  /** `s3://<models bucket>/mlflow`: where artifacts are stored. */
  public readonly artifactsDestination: string;
  /** Host headers the server accepts. */
  public readonly allowedHosts: string[];
  /** Worker processes per replica. */
  public readonly workers: number;
  /** Where the credentials come from. */
  public readonly credentials: SecretSource;
  /** Name of the credentials Secret in the registry's namespace. */
  public readonly credentialsSecretName: string;
  /** Name of the Secret with the database URIs. */
  public readonly databaseSecretName: string;
  /** Service account of the server (its workload identity). */
  public readonly serviceAccountName: string;
  /** Labels of the server's pods. */
  public readonly podLabels: { [key: string]: string };
  /** The server's arguments. */
  public readonly args: string[];
  /** The Deployment. */
  public readonly deployment: k8s.KubeDeployment;
  /** The Service. */
  public readonly service: k8s.KubeService;
  /** The PodDisruptionBudget (two or more replicas). */
  public readonly podDisruptionBudget?: k8s.KubePodDisruptionBudget;
  /** The job creating the client users. */
  public readonly usersJob: k8s.KubeJob;
  /** NetworkPolicies by name. */
  public readonly networkPolicies: { [name: string]: k8s.KubeNetworkPolicy } = {};
  /** The ServiceMonitor, when metrics are on. */
  public readonly serviceMonitor?: ServiceMonitor;
  /** The server's metrics endpoint (scraped as the `reader` user when metrics are on). */
  public readonly metricsEndpoint: MetricsEndpoint;

  private readonly namespaceOwner: INamespaceOwner;
  private readonly clientRules: k8s.NetworkPolicyIngressRule[] = [];
  private readonly clientSecrets = new Map<string, string>();

  constructor(scope: Construct, id: string, props: MlflowServerProps) {
    super(scope, id);
    const where = scope.node.path;
    const o = props.options;
    const c = props.contract;
    const ns = props.namespace.namespaceName;
    this.namespaceOwner = props.namespace;
    this.serviceName = 'mlflow';
    this.host = `${this.serviceName}.${ns}.svc.cluster.local`;
    this.serviceAccountName = DATA_SERVICES.registryServiceAccount;
    this.podLabels = dataServiceLabels('mlflow', this.serviceName, 'model-registry');
    const selector = { 'app.kubernetes.io/name': 'mlflow', 'app.kubernetes.io/instance': this.serviceName };
    this.workers = o.workers ?? 2;
    if (!Number.isInteger(this.workers) || this.workers < 1 || this.workers > 32) {
      throw invalidProp(where, 'engine.workers', o.workers, 'not a number of worker processes', 'give 1 to 32');
    }

    if (!c.workloadIdentities.some((w) => w.namespace === ns && w.serviceAccount === this.serviceAccountName)) {
      throw invalidProp(where, 'contract.workloadIdentities', `${ns}/${this.serviceAccountName}`,
        'the platform contract has no workload identity for the registry\'s service account, so it could not store artifacts in the models bucket',
        `add it on the AWS side (DataServicesAccess with registry: { namespace: "${ns}" }) and pass the new contract`);
    }
    this.artifactsDestination = `s3://${c.buckets.models}/${DATA_SERVICES.registryArtifactPrefix.replace(/\/$/, '')}`;

    const extra = o.allowedHosts ?? [];
    extra.forEach((h, i) => {
      if (typeof h !== 'string' || !/^[A-Za-z0-9*.[\]:-]+$/.test(h)) {
        throw invalidProp(where, `engine.allowedHosts[${i}]`, h, 'not a host name (with an optional port)', 'give e.g. "mlflow.example.com" or "mlflow.example.com:443"');
      }
    });
    const names = [this.serviceName, `${this.serviceName}.${ns}`, `${this.serviceName}.${ns}.svc`, this.host];
    // Pod IPs with the port: kubelet probes and Prometheus address the pods directly. An IP
    // literal in the Host header is not what DNS rebinding sends (that is the attacker's name).
    const podIps = ['10.*', '192.168.*', ...Array.from({ length: 16 }, (_, i) => `172.${16 + i}.*`)].map((p) => `${p}:${MLFLOW_PORT}`);
    this.allowedHosts = [...names.flatMap((n) => [n, `${n}:${MLFLOW_PORT}`]), `localhost:${MLFLOW_PORT}`, `127.0.0.1:${MLFLOW_PORT}`, ...podIps, ...extra];
    const metrics = o.metrics ?? true;

    const rollout = props.secretRollout ? resolveSecretRollout(where, props.secretRollout) : undefined;
    this.credentials = o.credentials ?? SecretSource.secretsManager(serviceSecretName(c.platformName, c.environment, 'model-registry'),
      rollout ? { refreshInterval: rollout.refreshInterval } : {});
    const k = MLFLOW_CREDENTIAL_KEYS;
    this.credentialsSecretName = this.credentials.materialize(this, 'Credentials', {
      namespace: ns,
      name: 'mlflow-credentials',
      keys: Object.fromEntries([k.adminUsername, k.adminPassword, k.flaskSecretKey, k.readerPassword, k.writerPassword].map((key) => [key, key])),
      templates: metrics ? { [k.metricsUsername]: MLFLOW_CLIENT_USERS[RegistryAccess.READ_ONLY] } : undefined,
      syncWave: SECRETS_SYNC_WAVE,
    });

    const backend = props.backend;
    const dk = MLFLOW_DATABASE_KEYS;
    let initDatabases: { container: k8s.Container; volumes: k8s.Volume[] } | undefined;
    if (backend.kind === RegistryBackendKind.POSTGRES) {
      const d = backend.database!;
      const dbName = backend.databaseName ?? 'mlflow';
      const authDb = `${dbName}_auth`;
      const uri = (db: string) => `postgresql+psycopg2://${encodeURIComponent(d.username)}:{{ .password | urlquery }}@${d.host}:${d.port}/${db}?sslmode=require`;
      this.databaseSecretName = backend.password!.materialize(this, 'Database', {
        namespace: ns,
        name: 'mlflow-database',
        keys: { [dk.password]: 'password' },
        templates: { [dk.backendStoreUri]: uri(dbName), [dk.authDatabaseUri]: uri(authDb) },
        syncWave: SECRETS_SYNC_WAVE,
      });
      initDatabases = databaseInitContainer(this, 'CreateDatabases', {
        namespace: ns,
        configMapName: 'mlflow-create-databases',
        database: d,
        password: SecretKeyRef.fromName(this.databaseSecretName, dk.password),
        databases: [dbName, authDb],
      });
    } else {
      this.databaseSecretName = backend.secretName!;
    }

    new k8s.KubeServiceAccount(this, 'ServiceAccount', {
      metadata: { name: this.serviceAccountName, namespace: ns, labels: this.podLabels },
      automountServiceAccountToken: false,
    });

    const configMap = new k8s.KubeConfigMap(this, 'Scripts', {
      metadata: { name: 'mlflow-scripts', namespace: ns, labels: this.podLabels },
      data: { 'write_auth_config.py': AUTH_CONFIG_SCRIPT, 'create_users.py': USERS_SCRIPT, 'sync_users.py': SYNC_USERS_SCRIPT },
    });

    this.args = [
      '--host', '0.0.0.0',
      '--port', String(MLFLOW_PORT),
      '--workers', String(this.workers),
      // Expanded by the kubelet from the env var below (from the Secret); never in the manifest.
      '--backend-store-uri', '$(MLFLOW_BACKEND_STORE_URI)',
      '--serve-artifacts',
      '--artifacts-destination', this.artifactsDestination,
      '--app-name', 'basic-auth',
      '--allowed-hosts', this.allowedHosts.join(','),
      ...(metrics ? ['--expose-prometheus', '/tmp/prometheus'] : []),
    ];
    const credential = (key: string) => ({ secretKeyRef: { name: this.credentialsSecretName, key } });
    const database = (key: string) => ({ secretKeyRef: { name: this.databaseSecretName, key } });
    const image = imageRef(DATA_SERVICE_IMAGES.mlflow);
    const securityContext = restrictedContainerSecurityContext(UID);
    const common: k8s.EnvVar[] = [{ name: 'HOME', value: '/tmp' }, { name: 'MLFLOW_DISABLE_TELEMETRY', value: 'true' }, { name: 'DO_NOT_TRACK', value: 'true' }];
    const mounts = [{ name: 'tmp', mountPath: '/tmp' }, { name: 'config', mountPath: '/config' }, { name: 'scripts', mountPath: '/scripts', readOnly: true }];
    const small = { requests: { cpu: k8s.Quantity.fromString('100m'), memory: k8s.Quantity.fromString('256Mi') }, limits: { memory: k8s.Quantity.fromString('1Gi') } };
    const initContainers: k8s.Container[] = [
      ...(initDatabases ? [initDatabases.container] : []),
      {
        name: 'auth-config',
        image,
        command: ['python', '/scripts/write_auth_config.py'],
        env: [
          ...common,
          { name: 'ADMIN_USERNAME', valueFrom: credential(k.adminUsername) },
          { name: 'ADMIN_PASSWORD', valueFrom: credential(k.adminPassword) },
          { name: 'AUTH_DATABASE_URI', valueFrom: database(dk.authDatabaseUri) },
        ],
        resources: small,
        securityContext,
        volumeMounts: mounts,
      },
      {
        // The schema migration runs to completion before the server starts.
        name: 'db-upgrade',
        image,
        command: ['mlflow', 'db', 'upgrade', '$(MLFLOW_BACKEND_STORE_URI)'],
        env: [...common, { name: 'MLFLOW_BACKEND_STORE_URI', valueFrom: database(dk.backendStoreUri) }],
        resources: small,
        securityContext,
        volumeMounts: mounts,
      },
      {
        // The users' passwords follow the Secret (after a rotation, the restart brings them).
        name: 'sync-users',
        image,
        command: ['python', '/scripts/sync_users.py'],
        env: [
          ...common,
          { name: 'AUTH_DATABASE_URI', valueFrom: database(dk.authDatabaseUri) },
          { name: 'ADMIN_USERNAME', valueFrom: credential(k.adminUsername) },
          { name: 'ADMIN_PASSWORD', valueFrom: credential(k.adminPassword) },
          { name: 'READER_PASSWORD', valueFrom: credential(k.readerPassword) },
          { name: 'WRITER_PASSWORD', valueFrom: credential(k.writerPassword) },
        ],
        resources: small,
        securityContext,
        volumeMounts: mounts,
      },
    ];
    const probe = (failureThreshold: number, periodSeconds: number): k8s.Probe => ({
      httpGet: { path: '/health', port: k8s.IntOrString.fromString('http') }, periodSeconds, failureThreshold, timeoutSeconds: 5,
    });
    const replicated = props.replicas > 1;
    this.deployment = new k8s.KubeDeployment(this, 'Deployment', {
      metadata: { name: this.serviceName, namespace: ns, labels: this.podLabels },
      spec: {
        replicas: props.replicas,
        selector: { matchLabels: selector },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: k8s.IntOrString.fromNumber(0), maxSurge: k8s.IntOrString.fromNumber(1) } },
        template: {
          metadata: { labels: this.podLabels },
          spec: {
            serviceAccountName: this.serviceAccountName,
            priorityClassName: props.priorityClassName,
            automountServiceAccountToken: false,
            securityContext: restrictedPodSecurityContext(UID),
            affinity: replicated ? {
              podAntiAffinity: {
                preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: { labelSelector: { matchLabels: selector }, topologyKey: 'kubernetes.io/hostname' } }],
              },
            } : undefined,
            initContainers,
            containers: [{
              name: 'mlflow',
              image,
              command: ['mlflow', 'server'],
              args: this.args,
              env: [
                ...common,
                { name: 'MLFLOW_BACKEND_STORE_URI', valueFrom: database(dk.backendStoreUri) },
                { name: 'MLFLOW_AUTH_CONFIG_PATH', value: '/config/basic_auth.ini' },
                { name: 'MLFLOW_FLASK_SERVER_SECRET_KEY', valueFrom: credential(k.flaskSecretKey) },
                // Read by MLflow versions that take the admin from the environment (they win over the file).
                { name: 'MLFLOW_AUTH_ADMIN_USERNAME', valueFrom: credential(k.adminUsername) },
                { name: 'MLFLOW_AUTH_ADMIN_PASSWORD', valueFrom: credential(k.adminPassword) },
                { name: 'MLFLOW_SERVER_ALLOWED_HOSTS', value: this.allowedHosts.join(',') },
                { name: 'AWS_REGION', value: c.region },
                { name: 'AWS_DEFAULT_REGION', value: c.region },
              ],
              ports: [{ name: 'http', containerPort: MLFLOW_PORT, protocol: 'TCP' }],
              startupProbe: probe(60, 5),
              livenessProbe: probe(6, 10),
              readinessProbe: probe(3, 5),
              resources: {
                requests: { cpu: k8s.Quantity.fromString('500m'), memory: k8s.Quantity.fromString('1Gi') },
                limits: { memory: k8s.Quantity.fromString('2Gi') },
              },
              securityContext,
              volumeMounts: mounts,
            }],
            volumes: [
              { name: 'tmp', emptyDir: { sizeLimit: k8s.Quantity.fromString('2Gi') } },
              { name: 'config', emptyDir: { medium: 'Memory', sizeLimit: k8s.Quantity.fromString('1Mi') } },
              { name: 'scripts', configMap: { name: configMap.name } },
              ...(initDatabases ? initDatabases.volumes : []),
            ],
          },
        },
      },
    });

    // The server reads both Secrets only at start (environment, basic_auth.ini, the database URI).
    if (props.secretRollout) {
      const restart = SecretRollout.ensure(this, ns, { ...props.secretRollout, apiServerCidr: props.secretRollout.apiServerCidr ?? c.vpcCidr });
      restart.restartOnChange(SecretKeyRef.fromName(this.credentialsSecretName, k.adminPassword), this.deployment);
      restart.restartOnChange(SecretKeyRef.fromName(this.databaseSecretName, dk.backendStoreUri), this.deployment);
    }

    this.service = new k8s.KubeService(this, 'Service', {
      metadata: { name: this.serviceName, namespace: ns, labels: this.podLabels },
      spec: { type: 'ClusterIP', selector, ports: [{ name: 'http', port: MLFLOW_PORT, targetPort: k8s.IntOrString.fromString('http') }] },
    });

    if (replicated) {
      this.podDisruptionBudget = new k8s.KubePodDisruptionBudget(this, 'Pdb', {
        metadata: { name: this.serviceName, namespace: ns, labels: this.podLabels },
        spec: { maxUnavailable: k8s.IntOrString.fromNumber(1), selector: { matchLabels: selector }, unhealthyPodEvictionPolicy: 'AlwaysAllow' },
      });
    }

    const jobLabels = { [DATA_SERVICE_LABEL]: this.serviceName, 'app.kubernetes.io/component': 'model-registry-job' };
    this.usersJob = this.buildUsersJob(ns, jobLabels, configMap.name, image, common);

    // The platform's alerts select registry targets by the component label; the scrape logs in as the reader.
    this.metricsEndpoint = MetricsEndpoint.service({
      name: 'mlflow',
      namespace: ns,
      selector: { 'app.kubernetes.io/instance': this.serviceName, 'app.kubernetes.io/name': 'mlflow' },
      portName: 'http',
      component: MetricsComponent.MLFLOW,
      basicAuth: metrics ? { secretName: this.credentialsSecretName, usernameKey: k.metricsUsername, passwordKey: k.readerPassword } : undefined,
    });
    if (metrics) {
      this.serviceMonitor = this.metricsEndpoint.serviceMonitor(this, 'ServiceMonitor', { interval: Duration.seconds(30), labels: this.podLabels });
    }

    const self = { podSelector: { matchLabels: selector } };
    const policy = (name: string, spec: k8s.NetworkPolicySpec) => {
      this.networkPolicies[name] = new k8s.KubeNetworkPolicy(this, `NetworkPolicy-${name}`, {
        metadata: { name, namespace: ns, labels: this.podLabels },
        spec,
      });
    };
    policy('mlflow-ingress', {
      podSelector: { matchLabels: selector },
      policyTypes: ['Ingress'],
      ingress: Lazy.any({
        produce: () => [
          { from: [{ podSelector: { matchLabels: jobLabels } }], ports: tcpPorts(MLFLOW_PORT) },
          ...(metrics ? [{ from: [props.metricsScraper.toPeer()], ports: tcpPorts(MLFLOW_PORT) }] : []),
          ...this.clientRules,
        ],
      }),
    });
    policy('mlflow-egress', {
      podSelector: { matchLabels: selector },
      policyTypes: ['Egress'],
      egress: [dnsEgress(), podIdentityEgress(), httpsEgress(), cidrEgress(backend.databaseCidr, backend.database?.port ?? 5432)],
    });
    policy('mlflow-jobs', {
      podSelector: { matchLabels: jobLabels },
      policyTypes: ['Ingress', 'Egress'],
      egress: [dnsEgress(), { to: [self], ports: tcpPorts(MLFLOW_PORT) }],
    });
  }

  /** The server's pods, as a network peer. */
  public workloads(): WorkloadSelector {
    return WorkloadSelector.of(this.namespaceOwner, { 'app.kubernetes.io/name': 'mlflow', 'app.kubernetes.io/instance': this.serviceName });
  }

  /** Opens the network path and provisions the client's password. */
  public admit(client: AdmittedRegistryClient): void {
    this.clientRules.push({ from: [client.workload.toPeer()], ports: tcpPorts(MLFLOW_PORT) });
    this.clientSecret(client);
    const owner = client.workload.owner;
    if (owner instanceof TeamNamespace) owner.allowTo(this.workloads(), MLFLOW_PORT, client.workload);
  }

  /** The connection settings of an admitted client. */
  public connection(client: AdmittedRegistryClient): RegistryConnection {
    return new RegistryConnection({
      engine: ModelRegistryKind.MLFLOW,
      namespace: client.workload.namespace,
      access: client.access,
      host: this.host,
      port: MLFLOW_PORT,
      server: this.workloads(),
      username: MLFLOW_CLIENT_USERS[client.access],
      password: SecretKeyRef.fromName(this.clientSecret(client), passwordKey(client.access)),
    });
  }

  private clientSecret(client: AdmittedRegistryClient): string {
    if (!this.credentials.materializedPerNamespace) return this.credentialsSecretName;
    const ns = client.workload.namespace;
    const key = `${ns}/${client.access}`;
    const existing = this.clientSecrets.get(key);
    if (existing) return existing;
    const user = MLFLOW_CLIENT_USERS[client.access];
    const name = this.credentials.materialize(this, `ClientPassword-${ns}-${client.access}`, {
      namespace: ns,
      name: `mlflow-${user}`,
      keys: { [passwordKey(client.access)]: passwordKey(client.access) },
      syncWave: SECRETS_SYNC_WAVE,
      copyOf: { namespace: this.namespaceOwner.namespaceName, name: this.credentialsSecretName },
    });
    this.clientSecrets.set(key, name);
    return name;
  }

  private buildUsersJob(ns: string, labels: { [key: string]: string }, scripts: string, image: string, common: k8s.EnvVar[]): k8s.KubeJob {
    const k = MLFLOW_CREDENTIAL_KEYS;
    const credential = (key: string) => ({ secretKeyRef: { name: this.credentialsSecretName, key } });
    return oneShotJob(this, 'UsersJob', {
      // Named after what it does: a new script is a new Job (Job templates are immutable).
      name: `mlflow-users-${contentHash(USERS_SCRIPT + this.host)}`,
      namespace: ns,
      labels,
      uid: UID,
      container: {
        name: 'create-users',
        image,
        command: ['python', '/scripts/create_users.py'],
        env: [
          ...common,
          { name: 'MLFLOW_URL', value: `http://${this.host}:${MLFLOW_PORT}` },
          { name: 'ADMIN_USERNAME', valueFrom: credential(k.adminUsername) },
          { name: 'ADMIN_PASSWORD', valueFrom: credential(k.adminPassword) },
          { name: 'READER_PASSWORD', valueFrom: credential(k.readerPassword) },
          { name: 'WRITER_PASSWORD', valueFrom: credential(k.writerPassword) },
        ],
        resources: { requests: { cpu: k8s.Quantity.fromString('50m'), memory: k8s.Quantity.fromString('128Mi') }, limits: { memory: k8s.Quantity.fromString('512Mi') } },
        volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }, { name: 'scripts', mountPath: '/scripts', readOnly: true }],
      },
      volumes: [{ name: 'tmp', emptyDir: { sizeLimit: k8s.Quantity.fromString('256Mi') } }, { name: 'scripts', configMap: { name: scripts } }],
    });
  }
}

function passwordKey(access: RegistryAccess): string {
  return access === RegistryAccess.READ_WRITE ? MLFLOW_CREDENTIAL_KEYS.writerPassword : MLFLOW_CREDENTIAL_KEYS.readerPassword;
}
