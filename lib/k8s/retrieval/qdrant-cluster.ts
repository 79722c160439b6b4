import { Duration, Lazy } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { cronProblem } from './cron';
import { QdrantSizingResult, MAX_GP3_VOLUME_GIB, MIN_VOLUME_GIB, sizeQdrant } from './qdrant-sizing';
import { CollectionRules, ResolvedCollection, VectorDistance } from './vector-collection';
import { VectorDatabaseConnection } from './vector-database-connection';
import { QdrantEngineOptions, QdrantSnapshotStorage } from './vector-engine';
import { AdmittedVectorClient, IVectorEngineBinding } from './vector-engine-binding';
import { PlatformContract, hasAwsLayer, serviceSecretName, vectorSnapshotPrefix, vectorSnapshotServiceAccount } from '../../core/contract';
import { invalidProp } from '../../core/errors';
import { VectorEngine } from '../../core/platform-spec';
import { DATA_SERVICE_IMAGES, imageRef } from '../../core/versions';
import { ServiceMonitor } from '../../imports/monitoring.coreos.com';
import { DATA_SERVICE_LABEL, dataServiceLabels } from '../common/data-service-namespace';
import { DEFAULT_VPC_CIDR, dnsEgress, httpsEgress, podIdentityEgress, tcpPorts } from '../common/egress';
import { EncryptedStorageClass } from '../common/encrypted-storage-class';
import { IMetricsSource, MetricsComponent, MetricsEndpoint } from '../common/metrics-endpoint';
import { contentHash, oneShotJob } from '../common/one-shot-job';
import { SecretKeyRef } from '../common/secret-key-ref';
import { SecretRollout, SecretRolloutOptions } from '../common/secret-rollout';
import { resolveSecretRollout } from '../common/secret-rollout-settings';
import { SecretSource } from '../common/secret-source';
import { restrictedContainerSecurityContext, restrictedPodSecurityContext, SECRETS_SYNC_WAVE } from '../pod-security';
import { TeamNamespace } from '../team-namespace';
import { INamespaceOwner, WorkloadSelector } from '../workload-selector';

/** Qdrant's REST port. */
export const QDRANT_HTTP_PORT = 6333;
/** Qdrant's gRPC port. */
export const QDRANT_GRPC_PORT = 6334;
/** Qdrant's internal (peer-to-peer, Raft) port. */
export const QDRANT_P2P_PORT = 6335;
/** Largest vector dimension Qdrant accepts. */
export const QDRANT_MAX_DIMENSION = 65536;
/** Keys of the Qdrant API key Secret. */
export const QDRANT_SECRET_KEYS = { apiKey: 'api-key', readOnlyApiKey: 'read-only-api-key' };

// Qdrant rejects these in collection names (lib/common/common/src/validation.rs), and
// "." and ".." would name the collections directory itself.
const QDRANT_FORBIDDEN = ['<', '>', ':', '"', '/', '\\', '|', '?', '*', '\u0000', '\u001f'];

/** Qdrant's rules for collections. */
export const QDRANT_COLLECTION_RULES: CollectionRules = {
  engine: 'Qdrant',
  maxDimension: QDRANT_MAX_DIMENSION,
  maxDimensionReason: 'Qdrant\'s largest vector size',
  defaultEfConstruction: 100,
  mRange: [2, 1024],
  efConstructionRange: [4, 10000],
  nameRule: '1 to 255 characters without < > : " / \\ | ? * or control characters, not "." or ".."',
  nameProblem: (name: string) => {
    if (typeof name !== 'string' || name.length === 0) return 'empty';
    if (name.length > 255) return `${name.length} characters, Qdrant allows 255`;
    const bad = QDRANT_FORBIDDEN.find((c) => name.includes(c));
    if (bad !== undefined) return `contains ${JSON.stringify(bad)}`;
    if (/[\u0000-\u001f\u007f]/.test(name)) return 'contains a control character';
    if (name === '.' || name === '..') return 'a relative path';
    return undefined;
  },
};

const QDRANT_DISTANCE: { [d: string]: string } = {
  [VectorDistance.COSINE]: 'Cosine',
  [VectorDistance.EUCLIDEAN]: 'Euclid',
  [VectorDistance.DOT]: 'Dot',
  [VectorDistance.MANHATTAN]: 'Manhattan',
};

const QDRANT_UID = 1000; // the unprivileged image's user
const TOOLS_UID = 65532;

/** Props of {@link QdrantCluster}. */
export interface QdrantClusterProps {
  /** The platform contract. */
  readonly contract: PlatformContract;
  /** Name of the database. */
  readonly name: string;
  /** Namespace. */
  readonly namespace: INamespaceOwner;
  /** Collections, resolved. */
  readonly collections: ResolvedCollection[];
  /** Engine options. */
  readonly options: QdrantEngineOptions;
  /** Prometheus pods admitted to the metrics endpoint. */
  readonly metricsScraper: WorkloadSelector;
  /** PriorityClass of the pods. */
  readonly priorityClassName?: string;
  /**
   * Restart the StatefulSet when its API keys change; its refresh interval applies to the
   * default Secrets Manager source.
   * @default - none
   */
  readonly secretRollout?: SecretRolloutOptions;
  /**
   * Create the ServiceMonitor (needs the Prometheus operator's CRDs in the cluster).
   * @default true
   */
  readonly monitoring?: boolean;
}

/**
 * Qdrant in the cluster, as a {@link VectorDatabase} builds it: a StatefulSet of the pinned
 * image (non-root, read-only root filesystem) forming a Raft cluster, API keys from a
 * Secret, volumes on an encrypted gp3 class kept on delete and scale-down, resources sized
 * from the collections, Services, a PodDisruptionBudget and anti-affinity when replicated,
 * a ServiceMonitor, NetworkPolicies admitting only named clients, a job creating the
 * declared collections and a CronJob snapshotting every collection to the models bucket.
 */
export class QdrantCluster extends Construct implements IVectorEngineBinding, IMetricsSource {
  /** Replicas. */
  public readonly replicas: number;
  /** Whether the HA preset is on. */
  public readonly highAvailability: boolean;
  /** Shard copies of created collections. */
  public readonly replicationFactor: number;
  /** The sizing of one replica. */
  public readonly sizing: QdrantSizingResult;
  /** Memory of one replica in GiB (request = limit). */
  public readonly memoryGiB: number;
  /** Volume size of one replica in GiB. */
  public readonly storageGiB: number;
  /** CPU request of one replica in cores. */
  public readonly cpu: number;
  /** Where the API keys come from. */
  public readonly apiKeys: SecretSource;
  /** Name of the Secret with both API keys in the database's namespace. */
  public readonly apiKeySecretName: string;
  /** The StorageClass of the volumes. */
  public readonly storageClass: EncryptedStorageClass;
  /** Name of the client Service. */
  public readonly serviceName: string;
  /** Name of the headless Service (peer discovery). */
  public readonly headlessServiceName: string;
  /** Cluster DNS name of the client Service. */
  public readonly host: string;
  /** Labels of the Qdrant pods. */
  public readonly podLabels: { [key: string]: string };
  /** Snapshot schedule, when snapshots are on. */
  public readonly snapshotSchedule?: string;
  /** Snapshot sets kept. */
  public readonly snapshotsKept?: number;
  /** Where snapshots are kept, when snapshots are on. */
  public readonly snapshotStorage?: QdrantSnapshotStorage;
  /**
   * Snapshot destination, when snapshots are on: `s3://<models bucket>/vector-snapshots/<namespace>/<name>/`
   * (bucket), or `pvc://<namespace>/<name>-snapshots/` (volume).
   */
  public readonly snapshotDestination?: string;
  /** The snapshot volume's claim (QdrantSnapshotStorage.VOLUME). */
  public readonly snapshotVolume?: k8s.KubePersistentVolumeClaim;
  /** Service account of the snapshot job (its workload identity), when snapshots are on. */
  public readonly snapshotServiceAccount?: string;
  /** The StatefulSet. */
  public readonly statefulSet: k8s.KubeStatefulSet;
  /** The restart of the StatefulSet on a changed API key, when on. */
  public readonly secretRollout?: SecretRollout;
  /** The client Service. */
  public readonly service: k8s.KubeService;
  /** The headless Service. */
  public readonly headlessService: k8s.KubeService;
  /** The PodDisruptionBudget (two or more replicas). */
  public readonly podDisruptionBudget?: k8s.KubePodDisruptionBudget;
  /** The ServiceMonitor, unless monitoring is off. */
  public readonly serviceMonitor?: ServiceMonitor;
  /** The snapshot CronJob. */
  public readonly snapshotCronJob?: k8s.KubeCronJob;
  /** The job creating the declared collections. */
  public readonly collectionsJob?: k8s.KubeJob;
  /** NetworkPolicies by name. */
  public readonly networkPolicies: { [name: string]: k8s.KubeNetworkPolicy } = {};
  /** The database's metrics endpoint (its HTTP port; `/metrics` needs the read-only API key). */
  public readonly metricsEndpoint: MetricsEndpoint;

  /** Whether the ServiceMonitor is created. */
  public readonly monitoring: boolean;

  private readonly contract: PlatformContract;
  private readonly apiServerCidr: string;
  private readonly dbName: string;
  private readonly namespaceOwner: INamespaceOwner;
  private readonly collections: ResolvedCollection[];
  private readonly clientRules: k8s.NetworkPolicyIngressRule[] = [];
  private readonly clientSecrets = new Map<string, string>();

  constructor(scope: Construct, id: string, props: QdrantClusterProps) {
    super(scope, id);
    const where = scope.node.path;
    const o = props.options;
    this.contract = props.contract;
    this.dbName = props.name;
    this.namespaceOwner = props.namespace;
    this.collections = props.collections;
    const ns = props.namespace.namespaceName;

    this.highAvailability = o.highAvailability ?? false;
    this.replicas = o.replicas ?? (this.highAvailability ? 3 : 1);
    if (!Number.isInteger(this.replicas) || this.replicas < 1) {
      throw invalidProp(where, 'engine.replicas', o.replicas, 'not a number of replicas', 'give 1 for a single node, or 3 or more for high availability');
    }
    if (this.highAvailability && this.replicas < 3) {
      throw invalidProp(where, 'engine.replicas', this.replicas, 'the high-availability preset needs at least 3 replicas (Raft consensus keeps working with one node down only from 3)',
        'give replicas: 3 or more, or leave replicas out to get 3');
    }
    this.replicationFactor = o.replicationFactor ?? (this.replicas >= 2 ? 2 : 1);
    if (!Number.isInteger(this.replicationFactor) || this.replicationFactor < 1 || this.replicationFactor > this.replicas) {
      throw invalidProp(where, 'engine.replicationFactor', o.replicationFactor, `a shard can have 1 to ${this.replicas} copies (one per replica)`,
        `give a number from 1 to ${this.replicas}`);
    }
    this.cpu = o.cpu ?? 1;
    if (!(this.cpu > 0 && this.cpu <= 192)) {
      throw invalidProp(where, 'engine.cpu', o.cpu, 'not a CPU request in cores', 'give cores, e.g. 1 or 0.5');
    }

    this.sizing = sizeQdrant(this.collections, this.replicas, this.replicationFactor);
    const maxMemory = o.maxMemoryGiB ?? 64;
    if (this.sizing.memoryGiB > maxMemory) {
      const vectors = this.collections.reduce((n, c) => n + c.expectedVectors, 0);
      throw invalidProp(where, 'collections', `${vectors} vectors`,
        `with ${this.replicas} replica(s) and replication factor ${this.replicationFactor}, one replica needs ${this.sizing.memoryGiB} GiB of memory `
        + `(vectors x dimension x 4 bytes x replication factor / replicas x 1.5 + 1 GiB), over maxMemoryGiB = ${maxMemory}`,
        `add replicas (each takes a share of the shards), lower expectedVectors, or raise maxMemoryGiB to at least ${this.sizing.memoryGiB} if the nodes have that much`);
    }
    if (this.sizing.storageGiB > MAX_GP3_VOLUME_GIB) {
      throw invalidProp(where, 'collections', `${this.sizing.storageGiB} GiB per replica`, `over the largest gp3 volume (${MAX_GP3_VOLUME_GIB} GiB)`,
        'add replicas so each holds fewer shards');
    }
    this.memoryGiB = this.sizing.memoryGiB;
    this.storageGiB = this.sizing.storageGiB;

    // A cluster without the AWS layer has no Secrets Manager secret to read: keys are generated in it.
    this.apiKeys = o.apiKeys ?? (hasAwsLayer(props.contract)
      ? SecretSource.secretsManager(serviceSecretName(props.contract.platformName, props.contract.environment, `vector-db/${ns}/${props.name}`),
        props.secretRollout ? { refreshInterval: resolveSecretRollout(where, props.secretRollout).refreshInterval } : {})
      : SecretSource.generated());
    this.apiServerCidr = props.contract.vpcCidr ?? DEFAULT_VPC_CIDR;
    this.storageClass = o.storageClass ?? EncryptedStorageClass.ensure(this);
    this.serviceName = props.name;
    this.headlessServiceName = `${props.name}-headless`;
    this.host = `${this.serviceName}.${ns}.svc.cluster.local`;
    this.podLabels = dataServiceLabels('qdrant', props.name, 'vector-database');
    const selector = { 'app.kubernetes.io/name': 'qdrant', 'app.kubernetes.io/instance': props.name };

    this.apiKeySecretName = this.apiKeys.materialize(this, 'ApiKeys', {
      namespace: ns,
      name: `${props.name}-api-keys`,
      keys: { [QDRANT_SECRET_KEYS.apiKey]: QDRANT_SECRET_KEYS.apiKey, [QDRANT_SECRET_KEYS.readOnlyApiKey]: QDRANT_SECRET_KEYS.readOnlyApiKey },
      syncWave: SECRETS_SYNC_WAVE,
      apiServerCidr: this.apiServerCidr,
    });

    const sa = new k8s.KubeServiceAccount(this, 'ServiceAccount', {
      metadata: { name: props.name, namespace: ns, labels: this.podLabels },
      automountServiceAccountToken: false,
    });

    this.headlessService = new k8s.KubeService(this, 'HeadlessService', {
      metadata: { name: this.headlessServiceName, namespace: ns, labels: this.podLabels },
      spec: {
        clusterIp: 'None',
        // Peers must find each other before they are ready (Raft bootstrap).
        publishNotReadyAddresses: true,
        selector,
        ports: [
          { name: 'http', port: QDRANT_HTTP_PORT, targetPort: k8s.IntOrString.fromString('http') },
          { name: 'grpc', port: QDRANT_GRPC_PORT, targetPort: k8s.IntOrString.fromString('grpc') },
          { name: 'p2p', port: QDRANT_P2P_PORT, targetPort: k8s.IntOrString.fromString('p2p') },
        ],
      },
    });
    const serviceLabels = { ...this.podLabels, 'cnai.io/metrics': 'qdrant' };
    this.service = new k8s.KubeService(this, 'Service', {
      metadata: { name: this.serviceName, namespace: ns, labels: serviceLabels },
      spec: {
        type: 'ClusterIP',
        selector,
        ports: [
          { name: 'http', port: QDRANT_HTTP_PORT, targetPort: k8s.IntOrString.fromString('http') },
          { name: 'grpc', port: QDRANT_GRPC_PORT, targetPort: k8s.IntOrString.fromString('grpc') },
        ],
      },
    });

    this.statefulSet = this.buildStatefulSet(ns, sa.name, selector, o, props.priorityClassName);
    // Qdrant reads its API keys only at start.
    if (props.secretRollout) {
      const options = { ...props.secretRollout, apiServerCidr: props.secretRollout.apiServerCidr ?? this.apiServerCidr };
      this.secretRollout = SecretRollout.ensure(this, ns, options);
      this.secretRollout.restartOnChange(SecretKeyRef.fromName(this.apiKeySecretName, QDRANT_SECRET_KEYS.apiKey), this.statefulSet);
    }

    if (this.replicas > 1) {
      this.podDisruptionBudget = new k8s.KubePodDisruptionBudget(this, 'Pdb', {
        metadata: { name: props.name, namespace: ns, labels: this.podLabels },
        spec: {
          maxUnavailable: k8s.IntOrString.fromNumber(1),
          selector: { matchLabels: selector },
          // A crash-looping replica must not block node drains forever.
          unhealthyPodEvictionPolicy: 'AlwaysAllow',
        },
      });
    }

    // The database is its own metrics endpoint (observability's MetricsScraping reuses this monitor);
    // the platform's alerts select vector database targets by its component label.
    this.metricsEndpoint = MetricsEndpoint.service({
      name: props.name,
      namespace: ns,
      selector: { 'app.kubernetes.io/instance': props.name, 'cnai.io/metrics': 'qdrant' },
      portName: 'http',
      component: MetricsComponent.QDRANT,
      // /metrics needs a key too: the read-only one.
      bearerToken: { secretName: this.apiKeySecretName, secretKey: QDRANT_SECRET_KEYS.readOnlyApiKey },
    });
    this.monitoring = props.monitoring ?? true;
    if (this.monitoring) {
      this.serviceMonitor = this.metricsEndpoint.serviceMonitor(this, 'ServiceMonitor', { interval: Duration.seconds(30), labels: this.podLabels });
    }

    const jobPods = { [DATA_SERVICE_LABEL]: props.name, 'app.kubernetes.io/component': 'vector-database-job' };
    if (o.snapshots ?? true) {
      this.snapshotSchedule = o.snapshotSchedule ?? '0 3 * * *';
      const problem = cronProblem(this.snapshotSchedule);
      if (problem) {
        throw invalidProp(where, 'engine.snapshotSchedule', this.snapshotSchedule, `not a valid cron schedule: ${problem}`,
          'write five fields "minute hour day-of-month month day-of-week", e.g. "0 3 * * *" (daily at 03:00 UTC), or a macro such as "@daily"');
      }
      this.snapshotsKept = o.snapshotsKept ?? 7;
      if (!Number.isInteger(this.snapshotsKept) || this.snapshotsKept < 1) {
        throw invalidProp(where, 'engine.snapshotsKept', o.snapshotsKept, 'at least one snapshot set must be kept', 'give a whole number of sets, e.g. 7');
      }
      this.snapshotServiceAccount = vectorSnapshotServiceAccount(props.name);
      const bucket = props.contract.buckets.models;
      this.snapshotStorage = o.snapshotStorage
        ?? (hasAwsLayer(props.contract) && bucket ? QdrantSnapshotStorage.BUCKET : QdrantSnapshotStorage.VOLUME);
      if (this.snapshotStorage === QdrantSnapshotStorage.BUCKET) {
        if (!bucket) {
          throw invalidProp(where, 'engine.snapshotStorage', this.snapshotStorage, 'the platform contract has no models bucket to keep snapshots in',
            'use QdrantSnapshotStorage.VOLUME, give buckets to ExistingClusterContract.create, or set snapshots: false');
        }
        const known = props.contract.workloadIdentities.some((w) => w.namespace === ns && w.serviceAccount === this.snapshotServiceAccount);
        if (!known) {
          throw invalidProp(where, 'engine.snapshots', true,
            `the platform contract has no workload identity for ${ns}/${this.snapshotServiceAccount}, so the snapshot job could not write to the models bucket`,
            `add it on the AWS side (DataServicesAccess.addVectorDatabase({ namespace: "${ns}", name: "${props.name}" })) and pass the new contract, `
            + 'or set snapshotStorage: QdrantSnapshotStorage.VOLUME, or snapshots: false');
        }
        const prefix = vectorSnapshotPrefix(ns, props.name);
        this.snapshotDestination = `s3://${bucket}/${prefix}`;
        this.snapshotCronJob = this.buildSnapshotJob(ns, prefix, { ...jobPods, 'cnai.io/job': 'snapshot' });
      } else {
        const setGiB = Math.max(1, Math.ceil(this.sizing.bytesPerReplica * 1.5 * this.replicas / 2 ** 30));
        const size = o.snapshotVolumeGiB ?? Math.max(MIN_VOLUME_GIB, setGiB * this.snapshotsKept);
        if (!Number.isInteger(size) || size < 1 || size > MAX_GP3_VOLUME_GIB) {
          throw invalidProp(where, 'engine.snapshotVolumeGiB', o.snapshotVolumeGiB, `not a volume size from 1 to ${MAX_GP3_VOLUME_GIB} GiB`,
            `give whole GiB, e.g. ${Math.max(MIN_VOLUME_GIB, setGiB * this.snapshotsKept)} (${this.snapshotsKept} sets of about ${setGiB} GiB)`);
        }
        this.snapshotVolume = new k8s.KubePersistentVolumeClaim(this, 'SnapshotVolume', {
          metadata: { name: `${props.name}-snapshots`, namespace: ns, labels: this.podLabels },
          spec: {
            accessModes: ['ReadWriteOnce'],
            storageClassName: this.storageClass.storageClassName,
            resources: { requests: { storage: k8s.Quantity.fromString(`${size}Gi`) } },
          },
        });
        this.snapshotDestination = `pvc://${ns}/${this.snapshotVolume.name}/`;
        this.snapshotCronJob = this.buildSnapshotJob(ns, '', { ...jobPods, 'cnai.io/job': 'snapshot' }, this.snapshotVolume.name);
      }
    }
    if (this.collections.length > 0) {
      this.collectionsJob = this.buildCollectionsJob(ns, { ...jobPods, 'cnai.io/job': 'collections' });
    }

    this.buildNetworkPolicies(ns, selector, jobPods, props.metricsScraper);
  }

  /** The Qdrant pods, as a network peer. */
  public workloads(): WorkloadSelector {
    return WorkloadSelector.of(this.namespaceOwner, { 'app.kubernetes.io/name': 'qdrant', 'app.kubernetes.io/instance': this.dbName });
  }

  public admit(client: AdmittedVectorClient): void {
    this.clientRules.push({ from: [client.workload.toPeer()], ports: tcpPorts(QDRANT_HTTP_PORT, QDRANT_GRPC_PORT) });
    this.clientSecret(client);
    // A default-deny team namespace needs its egress opened; TeamNamespace does both sides.
    const owner = client.workload.owner;
    if (owner instanceof TeamNamespace) {
      owner.allowTo(this.workloads(), QDRANT_HTTP_PORT, client.workload);
      owner.allowTo(this.workloads(), QDRANT_GRPC_PORT, client.workload);
    }
  }

  public connection(client: AdmittedVectorClient): VectorDatabaseConnection {
    return new VectorDatabaseConnection({
      engine: VectorEngine.QDRANT,
      namespace: client.workload.namespace,
      host: this.host,
      port: QDRANT_HTTP_PORT,
      grpcPort: QDRANT_GRPC_PORT,
      url: `http://${this.host}:${QDRANT_HTTP_PORT}`,
      readOnly: client.readOnly,
      credential: SecretKeyRef.fromName(this.clientSecret(client), client.readOnly ? QDRANT_SECRET_KEYS.readOnlyApiKey : QDRANT_SECRET_KEYS.apiKey),
      collections: this.collections.map((c) => c.name),
    });
  }

  /** The Secret of a client's namespace holding only the key it needs (created once per namespace and access). */
  private clientSecret(client: AdmittedVectorClient): string {
    if (!this.apiKeys.materializedPerNamespace) return this.apiKeySecretName;
    const ns = client.workload.namespace;
    const access = client.readOnly ? 'read-only' : 'read-write';
    const key = `${ns}/${access}`;
    const existing = this.clientSecrets.get(key);
    if (existing) return existing;
    const secretKey = client.readOnly ? QDRANT_SECRET_KEYS.readOnlyApiKey : QDRANT_SECRET_KEYS.apiKey;
    const name = this.apiKeys.materialize(this, `ClientKey-${ns}-${access}`, {
      namespace: ns,
      name: `${this.dbName}-${access}-key`,
      keys: { [secretKey]: secretKey },
      syncWave: SECRETS_SYNC_WAVE,
      copyOf: { namespace: this.namespaceOwner.namespaceName, name: this.apiKeySecretName },
      apiServerCidr: this.apiServerCidr,
    });
    this.clientSecrets.set(key, name);
    return name;
  }

  private buildStatefulSet(ns: string, serviceAccount: string, selector: { [key: string]: string }, o: QdrantEngineOptions,
    priorityClassName?: string): k8s.KubeStatefulSet {
    const peer = (pod: string) => `http://${pod}.${this.headlessServiceName}.${ns}.svc.cluster.local:${QDRANT_P2P_PORT}`;
    // Pod 0 starts the Raft cluster; the others join it (the Qdrant Helm chart's bootstrap).
    const start = [
      'set -e',
      'ordinal="${HOSTNAME##*-}"',
      `self="http://\${HOSTNAME}.${this.headlessServiceName}.${ns}.svc.cluster.local:${QDRANT_P2P_PORT}"`,
      'if [ "$ordinal" = "0" ]; then exec ./entrypoint.sh --uri "$self"; fi',
      `exec ./entrypoint.sh --bootstrap "${peer(`${this.dbName}-0`)}" --uri "$self"`,
    ].join('\n');
    const secret = (key: string) => ({ secretKeyRef: { name: this.apiKeySecretName, key } });
    const memory = k8s.Quantity.fromString(`${this.memoryGiB}Gi`);
    const probe = (path: string, failureThreshold: number, periodSeconds: number): k8s.Probe => ({
      httpGet: { path, port: k8s.IntOrString.fromString('http') }, periodSeconds, failureThreshold, timeoutSeconds: 3,
    });
    const pool = o.nodePool;
    const replicated = this.replicas > 1;
    return new k8s.KubeStatefulSet(this, 'StatefulSet', {
      metadata: { name: this.dbName, namespace: ns, labels: this.podLabels },
      spec: {
        replicas: this.replicas,
        serviceName: this.headlessServiceName,
        podManagementPolicy: 'Parallel',
        selector: { matchLabels: selector },
        updateStrategy: { type: 'RollingUpdate' },
        // The volumes outlive the StatefulSet and a scale-down: the data is never deleted with them.
        persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' },
        template: {
          metadata: { labels: this.podLabels },
          spec: {
            serviceAccountName: serviceAccount,
            priorityClassName,
            automountServiceAccountToken: false,
            securityContext: { ...restrictedPodSecurityContext(QDRANT_UID), fsGroupChangePolicy: 'OnRootMismatch' },
            terminationGracePeriodSeconds: 60,
            nodeSelector: pool ? pool.nodeSelector() : undefined,
            tolerations: pool ? pool.tolerations() : undefined,
            affinity: replicated ? {
              podAntiAffinity: {
                requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: selector }, topologyKey: 'kubernetes.io/hostname' }],
              },
            } : undefined,
            topologySpreadConstraints: replicated ? [{
              maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: selector },
            }] : undefined,
            containers: [{
              name: 'qdrant',
              image: imageRef(DATA_SERVICE_IMAGES.qdrant),
              command: ['/bin/bash', '-c', start],
              env: [
                { name: 'QDRANT__SERVICE__API_KEY', valueFrom: secret(QDRANT_SECRET_KEYS.apiKey) },
                { name: 'QDRANT__SERVICE__READ_ONLY_API_KEY', valueFrom: secret(QDRANT_SECRET_KEYS.readOnlyApiKey) },
                { name: 'QDRANT__SERVICE__HTTP_PORT', value: String(QDRANT_HTTP_PORT) },
                { name: 'QDRANT__SERVICE__GRPC_PORT', value: String(QDRANT_GRPC_PORT) },
                { name: 'QDRANT__CLUSTER__ENABLED', value: 'true' },
                { name: 'QDRANT__CLUSTER__P2P__PORT', value: String(QDRANT_P2P_PORT) },
                { name: 'QDRANT__STORAGE__STORAGE_PATH', value: '/qdrant/data/storage' },
                { name: 'QDRANT__STORAGE__SNAPSHOTS_PATH', value: '/qdrant/data/snapshots' },
                { name: 'QDRANT__TELEMETRY_DISABLED', value: 'true' },
                { name: 'QDRANT_INIT_FILE_PATH', value: '/qdrant/init/.qdrant-initialized' },
              ],
              ports: [
                { name: 'http', containerPort: QDRANT_HTTP_PORT, protocol: 'TCP' },
                { name: 'grpc', containerPort: QDRANT_GRPC_PORT, protocol: 'TCP' },
                { name: 'p2p', containerPort: QDRANT_P2P_PORT, protocol: 'TCP' },
              ],
              // Loading large collections after a restart takes a while: up to 20 minutes.
              startupProbe: probe('/livez', 120, 10),
              livenessProbe: probe('/livez', 6, 10),
              readinessProbe: probe('/readyz', 3, 5),
              resources: {
                requests: { cpu: k8s.Quantity.fromString(String(this.cpu)), memory },
                limits: { memory },
              },
              securityContext: restrictedContainerSecurityContext(QDRANT_UID),
              volumeMounts: [
                // One volume, mounted whole (fsGroup makes its root writable; kubelet-made subPath
                // directories would not be): Qdrant creates storage/ and snapshots/ in it.
                { name: 'data', mountPath: '/qdrant/data' },
                { name: 'init', mountPath: '/qdrant/init' },
                { name: 'tmp', mountPath: '/tmp' },
              ],
            }],
            volumes: [
              { name: 'init', emptyDir: { sizeLimit: k8s.Quantity.fromString('1Mi') } },
              { name: 'tmp', emptyDir: { sizeLimit: k8s.Quantity.fromString('1Gi') } },
            ],
          },
        },
        volumeClaimTemplates: [{
          metadata: { name: 'data', labels: this.podLabels },
          spec: {
            accessModes: ['ReadWriteOnce'],
            storageClassName: this.storageClass.storageClassName,
            resources: { requests: { storage: k8s.Quantity.fromString(`${this.storageGiB}Gi`) } },
          },
        }],
      },
    });
  }

  private buildSnapshotJob(ns: string, prefix: string, labels: { [key: string]: string }, volumeClaim?: string): k8s.KubeCronJob {
    new k8s.KubeServiceAccount(this, 'SnapshotServiceAccount', {
      metadata: { name: this.snapshotServiceAccount, namespace: ns, labels: this.podLabels },
      automountServiceAccountToken: false,
    });
    // The same job for both destinations: only where a set is written differs.
    const put = volumeClaim
      ? (target: string) => `mkdir -p "$(dirname "${target}")" && cat > "${target}"`
      : (target: string) => `aws s3 cp - "${target}" --expected-size "\${EXPECTED_SIZE}" --only-show-errors`;
    const dest = volumeClaim ? 'dest="/snapshots/${stamp}"' : 'dest="s3://${BUCKET}/${PREFIX}${stamp}"';
    const prune = volumeClaim
      ? [
        '{ ls -1 /snapshots | grep -E \'^[0-9]{4}-\' || true; } | sort | head -n "-${KEEP}" | while IFS= read -r old; do',
        '  rm -rf -- "/snapshots/${old}"',
        'done',
      ]
      : [
        'aws s3 ls "s3://${BUCKET}/${PREFIX}" | awk \'$1 == "PRE" { print $2 }\' | sort | head -n "-${KEEP}" | while IFS= read -r old; do',
        '  aws s3 rm --recursive --only-show-errors "s3://${BUCKET}/${PREFIX}${old}"',
        'done',
      ];
    const script = [
      'set -euo pipefail',
      'export LC_ALL=C',
      'urlencode() { local s="$1" out="" c i; for ((i = 0; i < ${#s}; i++)); do c="${s:i:1}"; case "$c" in [A-Za-z0-9._~-]) out+="$c" ;; *) out+=$(printf \'%%%02X\' "\'$c") ;; esac; done; printf \'%s\' "$out"; }',
      // JSON without jq: Qdrant forbids " and \\ in collection names, so a name is the text between quotes.
      'names() { grep -oE \'"name"[[:space:]]*:[[:space:]]*"[^"]*"\' | sed -E \'s/^"name"[[:space:]]*:[[:space:]]*"//; s/"$//\'; }',
      'stamp="$(date -u +%Y-%m-%dT%H-%M-%SZ)"',
      dest,
      'for ((i = 0; i < REPLICAS; i++)); do',
      '  node="http://${STATEFULSET}-${i}.${HEADLESS}"',
      // Listed first: a failed listing must fail the job, not look like a database without collections.
      '  listing="$(curl -sSf -H "api-key: ${QDRANT_API_KEY}" "${node}/collections")"',
      '  collections="$(printf \'%s\' "${listing}" | names || true)"',
      '  while IFS= read -r c; do',
      '    [ -n "$c" ] || continue',
      '    col="$(urlencode "$c")"',
      '    snap="$(curl -sSf -X POST -H "api-key: ${QDRANT_API_KEY}" "${node}/collections/${col}/snapshots?wait=true" | names | head -n 1)"',
      '    file="$(urlencode "$snap")"',
      '    echo "node ${i}: ${c} -> ${dest}/node-${i}/${col}/${file}"',
      '    curl -sSf -H "api-key: ${QDRANT_API_KEY}" "${node}/collections/${col}/snapshots/${file}" \\',
      `      | ${put('${dest}/node-${i}/${col}/${file}')}`,
      '    curl -sSf -X DELETE -H "api-key: ${QDRANT_API_KEY}" "${node}/collections/${col}/snapshots/${file}?wait=true" > /dev/null',
      '  done <<< "${collections}"',
      'done',
      // A set is complete only with its marker; restores start from the newest marked set.
      `printf '%s\\n' "\${stamp}" | ${volumeClaim ? 'cat > "${dest}/COMPLETE"' : 'aws s3 cp - "${dest}/COMPLETE" --only-show-errors'}`,
      ...prune,
    ].join('\n');
    const bytes = Math.max(1, Math.ceil(this.sizing.bytesPerReplica * 1.5));
    return new k8s.KubeCronJob(this, 'SnapshotCronJob', {
      metadata: { name: `${this.dbName}-snapshot`, namespace: ns, labels: this.podLabels },
      spec: {
        schedule: this.snapshotSchedule!,
        timeZone: 'Etc/UTC',
        concurrencyPolicy: 'Forbid',
        startingDeadlineSeconds: 3600,
        successfulJobsHistoryLimit: 3,
        failedJobsHistoryLimit: 3,
        jobTemplate: {
          metadata: { labels },
          spec: {
            backoffLimit: 2,
            activeDeadlineSeconds: 6 * 3600,
            template: {
              metadata: { labels },
              spec: {
                serviceAccountName: this.snapshotServiceAccount,
                automountServiceAccountToken: false,
                restartPolicy: 'Never',
                securityContext: restrictedPodSecurityContext(TOOLS_UID),
                containers: [{
                  name: 'snapshot',
                  image: imageRef(DATA_SERVICE_IMAGES.awsCli),
                  command: ['/bin/bash', '-c', script],
                  env: [
                    { name: 'QDRANT_API_KEY', valueFrom: { secretKeyRef: { name: this.apiKeySecretName, key: QDRANT_SECRET_KEYS.apiKey } } },
                    { name: 'STATEFULSET', value: this.dbName },
                    // host:port of the pods' HTTP API behind the headless Service (the job reaches each replica).
                    { name: 'HEADLESS', value: `${this.headlessServiceName}.${ns}.svc.cluster.local:${QDRANT_HTTP_PORT}` },
                    { name: 'REPLICAS', value: String(this.replicas) },
                    ...(volumeClaim ? [] : [
                      { name: 'BUCKET', value: this.contract.buckets.models },
                      { name: 'PREFIX', value: prefix },
                    ]),
                    { name: 'KEEP', value: String(this.snapshotsKept) },
                    ...(volumeClaim ? [] : [
                      { name: 'EXPECTED_SIZE', value: String(bytes) },
                      { name: 'AWS_REGION', value: this.contract.region },
                    ]),
                    { name: 'HOME', value: '/tmp' },
                  ],
                  resources: {
                    requests: { cpu: k8s.Quantity.fromString('250m'), memory: k8s.Quantity.fromString('512Mi') },
                    limits: { memory: k8s.Quantity.fromString('1Gi') },
                  },
                  securityContext: restrictedContainerSecurityContext(TOOLS_UID),
                  volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }, ...(volumeClaim ? [{ name: 'snapshots', mountPath: '/snapshots' }] : [])],
                }],
                volumes: [
                  { name: 'tmp', emptyDir: { sizeLimit: k8s.Quantity.fromString('1Gi') } },
                  ...(volumeClaim ? [{ name: 'snapshots', persistentVolumeClaim: { claimName: volumeClaim } }] : []),
                ],
              },
            },
          },
        },
      },
    });
  }

  private buildCollectionsJob(ns: string, labels: { [key: string]: string }): k8s.KubeJob {
    const files: { [file: string]: string } = {};
    const lines = [
      'set -euo pipefail',
      `url="http://${this.host}:${QDRANT_HTTP_PORT}"`,
      'until curl -sf "${url}/readyz" > /dev/null; do echo "waiting for Qdrant"; sleep 5; done',
      'create() {',
      '  exists="$(curl -sSf -H "api-key: ${QDRANT_API_KEY}" "${url}/collections/$1/exists")"',
      '  if printf \'%s\' "${exists}" | grep -Eq \'"exists"[[:space:]]*:[[:space:]]*true\'; then',
      '    echo "collection $1 exists"',
      '  else',
      '    curl -sSf -X PUT -H "api-key: ${QDRANT_API_KEY}" -H "Content-Type: application/json" --data-binary "@/collections/$2" "${url}/collections/$1?wait=true"',
      '    echo; echo "collection $1 created"',
      '  fi',
      '}',
    ];
    this.collections.forEach((c, i) => {
      const file = `collection-${i}.json`;
      files[file] = JSON.stringify({
        vectors: { size: c.dimension, distance: QDRANT_DISTANCE[c.distance] },
        hnsw_config: { m: c.m, ef_construct: c.efConstruction },
        shard_number: this.replicas,
        replication_factor: this.replicationFactor,
      }, undefined, 2);
      // The name is URL-encoded down to [A-Za-z0-9._~%-]: nothing the shell interprets.
      lines.push(`create '${urlEncode(c.name)}' '${file}'`);
    });
    files['create-collections.sh'] = `${lines.join('\n')}\n`;
    // Named after its content: a changed collection list is a new Job (Job templates are immutable).
    const name = `${this.dbName}-collections-${contentHash(JSON.stringify(files))}`;
    const cm = new k8s.KubeConfigMap(this, 'CollectionsConfig', {
      metadata: { name, namespace: ns, labels: this.podLabels },
      data: files,
    });
    return oneShotJob(this, 'CollectionsJob', {
      name,
      namespace: ns,
      labels,
      uid: TOOLS_UID,
      container: {
        name: 'create-collections',
        image: imageRef(DATA_SERVICE_IMAGES.awsCli),
        command: ['/bin/bash', '/collections/create-collections.sh'],
        env: [{ name: 'QDRANT_API_KEY', valueFrom: { secretKeyRef: { name: this.apiKeySecretName, key: QDRANT_SECRET_KEYS.apiKey } } }],
        resources: {
          requests: { cpu: k8s.Quantity.fromString('50m'), memory: k8s.Quantity.fromString('64Mi') },
          limits: { memory: k8s.Quantity.fromString('128Mi') },
        },
        volumeMounts: [{ name: 'collections', mountPath: '/collections', readOnly: true }],
      },
      volumes: [{ name: 'collections', configMap: { name: cm.name } }],
    });
  }

  private buildNetworkPolicies(ns: string, selector: { [key: string]: string }, jobPods: { [key: string]: string }, scraper: WorkloadSelector): void {
    const self = { podSelector: { matchLabels: selector } };
    const jobs = { podSelector: { matchLabels: jobPods } };
    const policy = (name: string, spec: k8s.NetworkPolicySpec) => {
      this.networkPolicies[name] = new k8s.KubeNetworkPolicy(this, `NetworkPolicy-${name}`, {
        metadata: { name, namespace: ns, labels: this.podLabels },
        spec,
      });
    };
    policy(`${this.dbName}-ingress`, {
      podSelector: { matchLabels: selector },
      policyTypes: ['Ingress'],
      // Client rules are rendered at synth, so clients added after construction are included.
      ingress: Lazy.any({
        produce: () => [
          { from: [self], ports: tcpPorts(QDRANT_HTTP_PORT, QDRANT_GRPC_PORT, QDRANT_P2P_PORT) },
          { from: [jobs], ports: tcpPorts(QDRANT_HTTP_PORT) },
          ...(this.monitoring ? [{ from: [scraper.toPeer()], ports: tcpPorts(QDRANT_HTTP_PORT) }] : []),
          ...this.clientRules,
        ],
      }),
    });
    policy(`${this.dbName}-egress`, {
      podSelector: { matchLabels: selector },
      policyTypes: ['Egress'],
      egress: [dnsEgress(), { to: [self], ports: tcpPorts(QDRANT_P2P_PORT) }],
    });
    const jobEgress = [dnsEgress(), { to: [self], ports: tcpPorts(QDRANT_HTTP_PORT) }];
    if (this.snapshotCronJob && this.snapshotStorage === QdrantSnapshotStorage.BUCKET) jobEgress.push(podIdentityEgress(), httpsEgress());
    policy(`${this.dbName}-jobs-egress`, {
      podSelector: { matchLabels: jobPods },
      policyTypes: ['Ingress', 'Egress'],
      egress: jobEgress,
    });
  }
}

/** Percent-encodes everything but unreserved characters, so the result is safe in a URL path and in single quotes. */
export function urlEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}
