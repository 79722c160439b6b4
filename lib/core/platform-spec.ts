import { GpuInstanceType } from './accelerators';
import { OBSERVABILITY, TRAINING } from './contract';
import { CnaiError, ProblemCollector, ProblemDetails } from './errors';
import { MetricsBackendSpec, MetricsBackendSpecValidator } from './metrics-backend-spec';
import { ModelSpec } from './models';
import { assertName, NAME_RULES, PlatformNaming } from './names';
import { ModelSizing } from './sizing';
import { EKS, EKS_VERSIONS, EksSupportType } from './versions';

/**
 * The platform spec: one plain, typed description of an AI platform, from which the AWS
 * layer (`CnaiAwsStack.fromSpec`) and the Kubernetes layer (`CnaiPlatform`) are both
 * synthesized. Things inside the spec refer to each other by name (a team's quota names a
 * pool); {@link validatePlatformSpec} checks every reference, and every other rule, at once.
 */

/** How a GPU pool's nodes are bought. */
export enum PoolCapacity {
  /** On-demand instances. */
  ON_DEMAND = 'on-demand',
  /** Spot instances: cheaper, can be reclaimed; for stateless serving and restartable jobs. */
  SPOT = 'spot',
}

/** Which reserved EC2 capacity a pool launches into. */
export enum CapacityReservationKind {
  /** An On-Demand Capacity Reservation (ODCR): the pool launches into it first, on demand otherwise. */
  ON_DEMAND_RESERVATION = 'on-demand-reservation',
  /**
   * An EC2 Capacity Block for ML: GPUs reserved for a fixed window; nodes launch only into the block
   * and only while it is active (EC2 reclaims them at its end).
   */
  CAPACITY_BLOCK = 'capacity-block',
}

/** Reserved capacity of a GPU pool (the launch template's reservation preference and target). */
export interface CapacityReservationSpec {
  /** What kind of reservation. */
  readonly kind: CapacityReservationKind;
  /** Id of the reservation or capacity block (`cr-` and 17 hex digits). */
  readonly reservationId: string;
}

/** A GPU pool: an EKS managed node group of the AWS layer. */
export interface GpuPoolSpec {
  /** Pool name, a DNS-1123 label (e.g. `inference-l40s`). */
  readonly name: string;
  /** Instance types, one family (e.g. `[GpuInstanceType.G6E_XLARGE, GpuInstanceType.G6E_2XLARGE]`). */
  readonly instanceTypes: GpuInstanceType[];
  /**
   * How the nodes are bought.
   * @default PoolCapacity.ON_DEMAND
   */
  readonly capacity?: PoolCapacity;
  /**
   * Fewest nodes (0 scales the pool to zero when idle).
   * @default 0
   */
  readonly minNodes?: number;
  /** Most nodes. */
  readonly maxNodes: number;
  /**
   * EFA interfaces and a cluster placement group, for multi-node training (EFA-capable families only).
   * @default false
   */
  readonly efa?: boolean;
  /**
   * Availability zones of the pool (EFA pools need exactly one).
   * @default - all of the platform's zones (the first one for EFA pools)
   */
  readonly availabilityZones?: string[];
  /**
   * Share each GPU between this many pods (GPU time-slicing); at least 2.
   * @default - no sharing
   */
  readonly timeSlicingReplicas?: number;
  /**
   * Launch into reserved capacity: an On-Demand Capacity Reservation or a Capacity Block for ML.
   * Large GPU instances (p4d, p5, p5e, p5en) are often unavailable on demand.
   * @default - none: on demand or spot as `capacity` says
   */
  readonly capacityReservation?: CapacityReservationSpec;
}

/** What `terraform destroy` does with a stateful resource. */
export enum RetentionPolicy {
  /** Keep it (and what it needs to stay readable, such as its key); destroy skips or protects it. */
  RETAIN = 'retain',
  /** Delete it with the rest, data included. */
  DESTROY = 'destroy',
}

/** The retention policy of each kind of stateful resource. */
export interface RetentionSpec {
  /**
   * The models and datasets buckets and the key that encrypts them.
   * @default - by environment (see {@link defaultRetentionPolicy})
   */
  readonly buckets?: RetentionPolicy;
  /**
   * The PostgreSQL database: RETAIN keeps deletion protection, a final snapshot and the backups.
   * @default - by environment
   */
  readonly database?: RetentionPolicy;
  /**
   * Images in the ECR repositories: DESTROY deletes repositories with their images.
   * @default - by environment
   */
  readonly containerImages?: RetentionPolicy;
  /**
   * Service secrets: RETAIN gives deleted secrets a 30-day recovery window, DESTROY deletes them at
   * once (so a new platform of the same name can create them again).
   * @default - by environment
   */
  readonly secrets?: RetentionPolicy;
}

/** {@link RetentionSpec} with every default resolved. */
export interface ResolvedRetention {
  /** Buckets. */
  readonly buckets: RetentionPolicy;
  /** Database. */
  readonly database: RetentionPolicy;
  /** Container images. */
  readonly containerImages: RetentionPolicy;
  /** Service secrets. */
  readonly secrets: RetentionPolicy;
}

/** Environments whose stateful resources are destroyed by default: `dev`, `test`, `sandbox`, `ci` and `<one of them>-<suffix>`. */
const DISPOSABLE_ENVIRONMENT = /^(dev|test|sandbox|ci)(-[a-z0-9-]+)?$/;

/**
 * The default retention of an environment: DESTROY for disposable ones (`dev`, `test`, `sandbox`,
 * `ci`, optionally with a `-suffix`), RETAIN for every other (`prod`, `staging`, anything unknown).
 */
export function defaultRetentionPolicy(environment: string): RetentionPolicy {
  return DISPOSABLE_ENVIRONMENT.test(environment) ? RetentionPolicy.DESTROY : RetentionPolicy.RETAIN;
}

/** The spec's retention policies, defaults resolved from its environment. */
export function platformRetention(spec: Pick<PlatformSpec, 'environment' | 'retention'>): ResolvedRetention {
  const d = defaultRetentionPolicy(spec.environment);
  const r = spec.retention ?? {};
  return { buckets: r.buckets ?? d, database: r.database ?? d, containerImages: r.containerImages ?? d, secrets: r.secrets ?? d };
}

/** A team's GPU quota on one pool. */
export interface TeamQuotaSpec {
  /** The pool's name. */
  readonly pool: string;
  /**
   * Nominal GPUs (Kueue nominal quota and namespace quota). On a time-sliced pool these are
   * slices: a pool sharing each GPU four ways offers four per physical GPU.
   */
  readonly gpus: number;
  /**
   * GPUs the team may borrow from others in the cohort when they are idle.
   * @default - as many as the nominal quota, capped at the pool's remaining capacity
   */
  readonly borrowingLimit?: number;
}

/** A team: a namespace with quotas, a Kueue queue and RBAC. */
export interface TeamSpec {
  /** Team name, a DNS-1123 label; also its namespace. */
  readonly name: string;
  /** GPU quotas per pool. */
  readonly quotas: TeamQuotaSpec[];
  /**
   * Groups (from the cluster's authenticator) that may deploy into the namespace.
   * @default - none
   */
  readonly developerGroups?: string[];
  /**
   * Groups that may read the namespace.
   * @default - none
   */
  readonly viewerGroups?: string[];
}

/** What a served model does. */
export enum ServedModelTask {
  /** Text generation behind the OpenAI chat and completions APIs. */
  CHAT = 'chat',
  /** Embeddings behind the OpenAI embeddings API. */
  EMBED = 'embed',
}

/** Which server runs a model. */
export enum ServedModelBackend {
  /** A Deployment of vLLM. */
  VLLM = 'vllm',
  /** A KServe InferenceService in Standard mode. */
  KSERVE = 'kserve',
}

/** A model served on the platform. */
export interface ServedModelSpec {
  /** Service name, a DNS-1123 label. */
  readonly name: string;
  /** The team (namespace) that runs it; its GPU quota pays for the replicas. */
  readonly team: string;
  /** The model (e.g. `ModelPresets.LLAMA_3_1_8B_INSTRUCT`). */
  readonly model: ModelSpec;
  /** Pools the replicas may run on (names); sizing picks the cheapest that fits. */
  readonly pools: string[];
  /**
   * Which server runs it.
   * @default ServedModelBackend.VLLM
   */
  readonly backend?: ServedModelBackend;
  /**
   * What it does.
   * @default - EMBED for embedding models, CHAT otherwise
   */
  readonly task?: ServedModelTask;
  /**
   * Longest sequence in tokens; shorter contexts fit smaller GPUs.
   * @default - the model's context length
   */
  readonly maxModelLen?: number;
  /**
   * Fewest replicas.
   * @default 1
   */
  readonly minReplicas?: number;
  /**
   * Most replicas (KEDA scales between min and max on vLLM's queue and KV-cache metrics).
   * @default - 2, or minReplicas when that is larger
   */
  readonly maxReplicas?: number;
  /**
   * Key prefix of the weights in the platform's models bucket.
   * @default `served/<name>/`
   */
  readonly modelStorePrefix?: string;
  /**
   * Other served models (names) that call this one, e.g. a chat service calling an embedding service.
   * @default - none
   */
  readonly clients?: string[];
  /**
   * Monitor the model for drift: KServe's logger sends every request and response through the
   * telemetry collector to the datasets bucket, and a scheduled job compares the last day
   * with the same day a week earlier. Opt-in, because it stores the prompts and completions
   * the model sees. Needs the KSERVE backend and observability.
   * @default false
   */
  readonly monitorDrift?: boolean;
}

/** Engines of the vector database. */
export enum VectorEngine {
  /** Qdrant, in-cluster (the default). */
  QDRANT = 'qdrant',
  /** pgvector on the platform's PostgreSQL database. */
  PGVECTOR = 'pgvector',
}

/** The vector database. */
export interface VectorDatabaseSpec {
  /**
   * Engine.
   * @default VectorEngine.QDRANT
   */
  readonly engine?: VectorEngine;
  /**
   * Name of the database, a DNS-1123 label; Qdrant runs in a namespace of this name.
   * @default 'vectors'
   */
  readonly name?: string;
  /** Expected number of vectors (sizes memory and disk). */
  readonly expectedVectors: number;
  /** Vector dimension (e.g. 1024 for bge-large). */
  readonly dimension: number;
  /**
   * Three replicas with anti-affinity and a PodDisruptionBudget.
   * @default false
   */
  readonly highAvailability?: boolean;
  /**
   * Served models (names) allowed to connect.
   * @default - none besides the team's own pods
   */
  readonly clients?: string[];
}

/** The model registry. */
export enum ModelRegistryKind {
  /** MLflow tracking server with artifacts in the models bucket (the default). */
  MLFLOW = 'mlflow',
  /** Kubeflow Model Registry (with Kubeflow). */
  KUBEFLOW = 'kubeflow',
}

/** The whole platform. */
export interface PlatformSpec {
  /** Platform name, a DNS-1123 label (e.g. `cnai`). */
  readonly name: string;
  /** Environment, a DNS-1123 label (e.g. `prod`). */
  readonly environment: string;
  /** AWS region. */
  readonly region: string;
  /** AWS account id (12 digits, as a string). */
  readonly accountId: string;
  /** At least two availability zones of the region. */
  readonly availabilityZones: string[];
  /**
   * IAM principals that get cluster admin access.
   * @default - the identity that runs Terraform
   */
  readonly adminPrincipalArns?: string[];
  /**
   * CIDRs allowed to reach the public Kubernetes API endpoint. Leave it out for a private-only
   * endpoint (reached from the VPC, a VPN or a bastion); give your own office or VPN ranges otherwise.
   * @default - no public endpoint
   */
  readonly publicEndpointCidrs?: string[];
  /**
   * Kubernetes version of the cluster, one of `EKS_VERSIONS`; the Kubernetes layer is checked against
   * the OpenAPI of this version. Upgrade one minor version at a time.
   * @default EKS.defaultKubernetesVersion
   */
  readonly kubernetesVersion?: string;
  /**
   * What EKS does at the end of the version's standard support.
   * @default EksSupportType.STANDARD
   */
  readonly kubernetesSupportType?: EksSupportType;
  /**
   * What `terraform destroy` keeps.
   * @default - RETAIN everything, but DESTROY in disposable environments (`dev`, `test`, `sandbox`, `ci`)
   */
  readonly retention?: RetentionSpec;
  /**
   * Cost centre tag on every AWS resource.
   * @default - the platform name
   */
  readonly costCentre?: string;
  /** GPU pools. */
  readonly gpuPools: GpuPoolSpec[];
  /** Teams. */
  readonly teams: TeamSpec[];
  /**
   * Models to serve.
   * @default - none
   */
  readonly models?: ServedModelSpec[];
  /**
   * The vector database.
   * @default - none
   */
  readonly vectorDatabase?: VectorDatabaseSpec;
  /**
   * The model registry.
   * @default ModelRegistryKind.MLFLOW
   */
  readonly modelRegistry?: ModelRegistryKind;
  /**
   * Kubeflow training (Trainer, Katib, notebooks) for every team.
   * @default true
   */
  readonly kubeflow?: boolean;
  /**
   * Telemetry collector, GPU and LLM alerts, dashboards.
   * @default true
   */
  readonly observability?: boolean;
  /**
   * The metrics backend's managed parts, besides the in-cluster kube-prometheus-stack (which runs
   * either way): Amazon Managed Service for Prometheus (Prometheus remote-writes to it with SigV4
   * through its Pod Identity; KEDA queries it) and Amazon Managed Grafana over it. Needs observability.
   * @default - none: metrics stay in the cluster's Prometheus
   */
  readonly metrics?: MetricsBackendSpec;
}

/** Access of a workload identity to one bucket prefix. */
export enum BucketAccess {
  /** List and get. */
  READ = 'read',
  /** List, get, put and delete. */
  READ_WRITE = 'read-write',
}

/** Which platform bucket. */
export enum PlatformBucket {
  /** Model weights and artifacts. */
  MODELS = 'models',
  /** Datasets. */
  DATASETS = 'datasets',
}

/** One bucket grant of a workload identity. */
export interface BucketGrantSpec {
  /** The bucket. */
  readonly bucket: PlatformBucket;
  /** Key prefix (ends in `/`). */
  readonly prefix: string;
  /** Access. */
  readonly access: BucketAccess;
}

/**
 * A workload identity the platform needs: the Kubernetes service account that the
 * Kubernetes layer creates and the IAM role + Pod Identity association the AWS layer
 * creates for it, with its grants. Both layers get this list from
 * {@link platformWorkloadIdentities}, so they cannot disagree.
 */
export interface WorkloadIdentitySpec {
  /** Construct id of the identity in the AWS layer. */
  readonly id: string;
  /** Namespace of the service account. */
  readonly namespace: string;
  /** Service account name. */
  readonly serviceAccount: string;
  /** Bucket grants. */
  readonly buckets: BucketGrantSpec[];
  /** Whether it writes traces to AWS X-Ray. */
  readonly xrayWrite: boolean;
}

const SPEC = 'spec';

/** Replicas of a served model, its defaults resolved (1 to 2, or to minReplicas when larger). */
export interface ServedModelReplicas {
  /** Fewest replicas. */
  readonly min: number;
  /** Most replicas. */
  readonly max: number;
}

/** The replica range of a served model, its defaults resolved once for both layers. */
export function servedModelReplicas(model: ServedModelSpec): ServedModelReplicas {
  const min = model.minReplicas ?? 1;
  return { min, max: model.maxReplicas ?? Math.max(2, min) };
}

/** The key prefix of a served model's weights in the models bucket, its default resolved. */
export function servedModelPrefix(model: ServedModelSpec): string {
  return model.modelStorePrefix ?? `served/${model.name}/`;
}

/** Key prefix (in the datasets bucket) of one team's logged model payloads, for drift monitoring. */
export function driftPayloadPrefix(team: string): string {
  return `payloads/${team}/`;
}

/** Name of the spec's vector database (and of its namespace). */
export function vectorDatabaseName(spec: VectorDatabaseSpec): string {
  return spec.name ?? 'vectors';
}

/**
 * The workload identities of the spec's workloads: one per served model (reads its
 * weights), when Kubeflow is on each team's training service account (reads datasets,
 * writes its outputs), and with observability the telemetry collector (writes traces to X-Ray). The data services' identities (model registry, vector database
 * snapshots, the External Secrets controller) come from the AWS layer's DataServicesAccess,
 * under the names of DATA_SERVICES.
 */
export function platformWorkloadIdentities(spec: PlatformSpec): WorkloadIdentitySpec[] {
  const out: WorkloadIdentitySpec[] = [];
  for (const m of spec.models ?? []) {
    out.push({
      id: `serve-${m.name}`,
      namespace: m.team,
      serviceAccount: m.name,
      buckets: [{ bucket: PlatformBucket.MODELS, prefix: servedModelPrefix(m), access: BucketAccess.READ }],
      xrayWrite: false,
    });
  }
  if (spec.kubeflow ?? true) {
    for (const t of spec.teams) {
      out.push({
        id: `training-${t.name}`,
        namespace: t.name,
        serviceAccount: TRAINING.serviceAccount,
        buckets: [
          { bucket: PlatformBucket.DATASETS, prefix: '', access: BucketAccess.READ },
          { bucket: PlatformBucket.DATASETS, prefix: `${TRAINING.preparedDataPrefix}${t.name}/`, access: BucketAccess.READ_WRITE },
          { bucket: PlatformBucket.MODELS, prefix: `${TRAINING.outputPrefix}${t.name}/`, access: BucketAccess.READ_WRITE },
        ],
        xrayWrite: false,
      });
    }
  }
  if (spec.observability ?? true) {
    // The collector writes the payloads of KServe-served models for drift monitoring, and
    // its drift jobs read them back.
    const drift = [...new Set((spec.models ?? []).filter((m) => m.monitorDrift).map((m) => m.team))];
    out.push({
      id: 'telemetry-collector',
      namespace: OBSERVABILITY.namespace,
      serviceAccount: OBSERVABILITY.collectorServiceAccount,
      buckets: drift.map((team) => ({ bucket: PlatformBucket.DATASETS, prefix: driftPayloadPrefix(team), access: BucketAccess.READ_WRITE })),
      xrayWrite: true,
    });
  }
  return out;
}

/**
 * GPUs a pool can ever hold, as Kubernetes counts them: most nodes x GPUs per node of its
 * smallest type x time-slicing replicas (a time-sliced GPU is advertised once per slice, and
 * quotas and requests count slices).
 */
export function poolGpuCapacity(pool: GpuPoolSpec): number {
  const perNode = Math.min(...pool.instanceTypes.map((t) => t.gpuCount));
  return pool.maxNodes * (Number.isFinite(perNode) ? perNode : 0) * (pool.timeSlicingReplicas ?? 1);
}

/**
 * Checks the whole spec and reports every problem at once (a CnaiValidationError listing
 * them, or a single CnaiError): names that break naming rules, duplicates, references to
 * pools, teams or models that do not exist, quotas over what the pools can hold, models
 * that fit no pool of theirs, and GPU budgets over a team's quota.
 */
export function validatePlatformSpec(spec: PlatformSpec): void {
  const problems = new ProblemCollector();
  const p = (prop: string, value: unknown, problem: string, fix: string): ProblemDetails => ({ construct: `${SPEC} ${spec.name}`, prop, value, problem, fix });

  problems.capture(() => new PlatformNaming({ platformName: spec.name, environment: spec.environment, region: spec.region, accountId: spec.accountId }, `${SPEC} ${spec.name}`));
  problems.check(spec.availabilityZones.length >= 2, p('availabilityZones', spec.availabilityZones,
    'EKS needs subnets in at least two availability zones', 'list at least two zones of the region'));
  spec.availabilityZones.forEach((az, i) => problems.check(az.startsWith(spec.region), p(`availabilityZones[${i}]`, az,
    `not a zone of region ${spec.region}`, `use zones such as "${spec.region}a"`)));

  const version = spec.kubernetesVersion ?? EKS.defaultKubernetesVersion;
  problems.check(EKS_VERSIONS[version] !== undefined, p('kubernetesVersion', version,
    'the library pins EKS add-ons per Kubernetes version and has none for this one', `use one of ${Object.keys(EKS_VERSIONS).join(', ')}`));

  // Pools.
  const pools = new Map<string, GpuPoolSpec>();
  const invalidPools = new Set<string>();
  spec.gpuPools.forEach((pool, i) => {
    const at = `gpuPools[${i}]`;
    problems.capture(() => assertName(`${SPEC} ${spec.name}`, `${at}.name`, pool.name, NAME_RULES.dns1123Label));
    if (!problems.check(!pools.has(pool.name), p(`${at}.name`, pool.name, 'two pools have this name', 'give each pool its own name'))) return;
    // A spec read from JSON or written in JavaScript can carry names or other values where
    // catalogue types belong: report each one, and leave the pool out of the checks that
    // need its GPUs (quotas, sizing), which would only repeat the same cause.
    const notTypes = (pool.instanceTypes ?? []).map((t, k) => ({ t, k })).filter(({ t }) => !(t instanceof GpuInstanceType));
    for (const { t, k } of notTypes) {
      if (typeof t === 'string') {
        problems.capture(() => GpuInstanceType.of(t, `${SPEC} ${spec.name}`, `${at}.instanceTypes[${k}]`));
      } else {
        problems.add(p(`${at}.instanceTypes[${k}]`, t, 'not a GpuInstanceType of the catalogue', 'use a constant such as GpuInstanceType.G5_XLARGE, or GpuInstanceType.of("g5.xlarge")'));
      }
    }
    if (notTypes.length > 0 || !Array.isArray(pool.instanceTypes)) {
      invalidPools.add(pool.name);
      return;
    }
    pools.set(pool.name, pool);
    problems.check(pool.instanceTypes.length > 0, p(`${at}.instanceTypes`, [], 'a GPU pool needs at least one instance type', 'list instance types of one family'));
    const families = [...new Set(pool.instanceTypes.map((t) => t.family))];
    problems.check(families.length <= 1, p(`${at}.instanceTypes`, pool.instanceTypes.map((t) => t.name),
      `mixes the families ${families.join(', ')}; a pool's nodes must all carry the same GPU`, 'make one pool per family'));
    const min = pool.minNodes ?? 0;
    problems.check(Number.isInteger(pool.maxNodes) && pool.maxNodes >= 1, p(`${at}.maxNodes`, pool.maxNodes, 'must be a whole number of at least 1', 'set maxNodes to the most nodes the pool may have'));
    problems.check(Number.isInteger(min) && min >= 0 && min <= pool.maxNodes, p(`${at}.minNodes`, min,
      `must be a whole number from 0 to maxNodes (${pool.maxNodes})`, 'lower minNodes or raise maxNodes'));
    if (pool.efa) {
      const without = pool.instanceTypes.filter((t) => !t.efaSupported).map((t) => t.name);
      problems.check(without.length === 0, p(`${at}.efa`, true, `${without.join(', ')} ha${without.length === 1 ? 's' : 've'} no EFA`,
        'use an EFA-capable type (p4d, p4de, p5, p5e, p5en, large g5/g6/g6e sizes) or turn efa off'));
    }
    if (pool.capacityReservation) {
      const r = pool.capacityReservation;
      problems.check(/^cr-[0-9a-f]{17}$/.test(r.reservationId), p(`${at}.capacityReservation.reservationId`, r.reservationId,
        'not a capacity reservation id', 'give the id EC2 shows for the reservation or capacity block, e.g. "cr-0123456789abcdef0"'));
      if (r.kind === CapacityReservationKind.CAPACITY_BLOCK) {
        problems.check((pool.capacity ?? PoolCapacity.ON_DEMAND) === PoolCapacity.ON_DEMAND, p(`${at}.capacity`, pool.capacity,
          'a capacity block is its own purchase option; it cannot be combined with spot', 'leave capacity unset (or ON_DEMAND) for a capacity block'));
        problems.check(pool.instanceTypes.length === 1, p(`${at}.instanceTypes`, pool.instanceTypes.map((t) => t.name),
          'a capacity block reserves one instance type', 'list only the instance type of the block'));
      }
    }
    if (pool.timeSlicingReplicas !== undefined) {
      problems.check(Number.isInteger(pool.timeSlicingReplicas) && pool.timeSlicingReplicas >= 2, p(`${at}.timeSlicingReplicas`, pool.timeSlicingReplicas,
        'time-slicing shares a GPU between at least 2 pods', 'set 2 or more, or leave it out for no sharing'));
    }
  });

  // Teams and their quotas.
  const teams = new Map<string, TeamSpec>();
  const nominal = new Map<string, number>();
  // Pools where one team's quota is already too large: their sum is not reported again.
  const overPools = new Set<string>();
  spec.teams.forEach((team, i) => {
    const at = `teams[${i}]`;
    problems.capture(() => assertName(`${SPEC} ${spec.name}`, `${at}.name`, team.name, NAME_RULES.dns1123Label));
    if (!problems.check(!teams.has(team.name), p(`${at}.name`, team.name, 'two teams have this name', 'give each team its own name'))) return;
    teams.set(team.name, team);
    team.quotas.forEach((q, j) => {
      const pool = pools.get(q.pool);
      if (invalidPools.has(q.pool)) return;
      if (!problems.check(pool !== undefined, p(`${at}.quotas[${j}].pool`, q.pool, 'no GPU pool has this name',
        `use one of ${[...pools.keys()].map((n) => JSON.stringify(n)).join(', ') || '(no pools defined)'}`))) return;
      const capacity = poolGpuCapacity(pool!);
      if (!(Number.isInteger(q.gpus) && q.gpus >= 0 && q.gpus <= capacity)) overPools.add(q.pool);
      problems.check(Number.isInteger(q.gpus) && q.gpus >= 0 && q.gpus <= capacity, p(`${at}.quotas[${j}].gpus`, q.gpus,
        `pool ${q.pool} can never hold more than ${capacity} GPUs (${pool!.maxNodes} nodes${pool!.timeSlicingReplicas ? `, ${pool!.timeSlicingReplicas} slices each` : ''})`, `lower the quota to at most ${capacity}, or raise the pool's maxNodes`));
      nominal.set(q.pool, (nominal.get(q.pool) ?? 0) + q.gpus);
    });
  });
  for (const [name, total] of nominal) {
    if (overPools.has(name)) continue;
    const capacity = poolGpuCapacity(pools.get(name)!);
    problems.check(total <= capacity, p(`teams[*].quotas (pool ${name})`, total,
      `the teams' nominal quotas on pool ${name} add up to more than its ${capacity} GPUs`, 'lower the quotas (teams can borrow idle GPUs) or raise the pool\'s maxNodes'));
  }

  // Served models.
  const models = new Map<string, ServedModelSpec>();
  (spec.models ?? []).forEach((m, i) => {
    const at = `models[${i}]`;
    problems.capture(() => assertName(`${SPEC} ${spec.name}`, `${at}.name`, m.name, NAME_RULES.dns1123Label));
    if (!problems.check(!models.has(m.name), p(`${at}.name`, m.name, 'two served models have this name', 'give each served model its own name'))) return;
    models.set(m.name, m);
    const team = teams.get(m.team);
    problems.check(team !== undefined, p(`${at}.team`, m.team, 'no team has this name', `use one of ${[...teams.keys()].map((n) => JSON.stringify(n)).join(', ')}`));
    if (m.pools.some((n) => invalidPools.has(n))) return;
    const unknown = m.pools.filter((n) => !pools.has(n));
    problems.check(m.pools.length > 0 && unknown.length === 0, p(`${at}.pools`, m.pools,
      m.pools.length === 0 ? 'a served model needs at least one pool' : `no GPU pool is named ${unknown.join(', ')}`,
      `use names of gpuPools: ${[...pools.keys()].join(', ')}`));
    if (m.monitorDrift) {
      problems.check((m.backend ?? ServedModelBackend.VLLM) === ServedModelBackend.KSERVE, p(`${at}.monitorDrift`, true,
        'drift monitoring logs payloads through KServe\'s logger, which the vLLM backend does not have', 'serve the model with backend: ServedModelBackend.KSERVE, or leave monitorDrift off'));
      problems.check(spec.observability ?? true, p(`${at}.monitorDrift`, true,
        'drift monitoring runs on the telemetry collector, and observability is off', 'turn observability on, or leave monitorDrift off'));
    }
    const { min, max } = servedModelReplicas(m);
    problems.check(Number.isInteger(min) && min >= 1 && max >= min, p(`${at}.minReplicas`, min,
      `must be at least 1 and at most maxReplicas (${max})`, 'set 1 <= minReplicas <= maxReplicas'));
    const candidates = m.pools.flatMap((n) => pools.get(n)?.instanceTypes ?? []);
    if (candidates.length === 0 || team === undefined) return;
    if (m.maxModelLen !== undefined) {
      const len = m.maxModelLen;
      if (!problems.check(Number.isInteger(len) && len >= 1, p(`${at}.maxModelLen`, len, 'not a positive whole number of tokens', 'give the longest sequence in tokens, e.g. 8192'))) return;
      if (!problems.check(len <= m.model.maxContextLength, p(`${at}.maxModelLen`, len,
        `above the context window of ${m.model.name} (${m.model.maxContextLength} tokens)`, `give at most ${m.model.maxContextLength}, or leave maxModelLen out to serve the whole window`))) return;
    }
    const model = m.maxModelLen !== undefined ? problems.capture(() => m.model.withServing({ maxContextLength: m.maxModelLen }, `${SPEC} ${spec.name} ${at}`)) : m.model;
    if (!model) return;
    let sizing;
    try {
      sizing = ModelSizing.recommend(model, { candidates, construct: `${SPEC} ${spec.name}` });
    } catch (e) {
      if (!(e instanceof CnaiError)) throw e;
      // Sizing names its own prop; here the problem belongs to this model of the spec, whose
      // context length is maxModelLen, and whose candidates are the types of its pools.
      const fix = e.fix.replace(/maxContextLength/g, 'maxModelLen').replace(/add a larger instance type such as/g, `give the model a pool of larger GPUs (${m.pools.join(', ')} ha${m.pools.length === 1 ? 's' : 've'} ${[...new Set(candidates.map((t) => t.name))].join(', ')}), such as`);
      problems.add({ construct: e.construct, prop: `${at}.model`, value: m.model.name, problem: e.problem, fix });
      return;
    }
    const budget = max * sizing.tensorParallel;
    const quota = team.quotas.filter((q) => m.pools.includes(q.pool)).reduce((s, q) => s + q.gpus + (q.borrowingLimit ?? q.gpus), 0);
    problems.check(budget <= quota, p(`${at}.maxReplicas`, max,
      `${max} replicas x ${sizing.tensorParallel} GPUs (${sizing.instanceType.name}) need ${budget} GPUs, but team ${m.team} may use at most ${quota} on pools ${m.pools.join(', ')}`,
      `lower maxReplicas to ${Math.floor(quota / sizing.tensorParallel)} or raise the team's quota on those pools`));
  });
  (spec.models ?? []).forEach((m, i) => (m.clients ?? []).forEach((c, j) => problems.check(models.has(c), p(`models[${i}].clients[${j}]`, c,
    'no served model has this name', `use one of ${[...models.keys()].join(', ')}`))));

  // Vector database.
  const vdb = spec.vectorDatabase;
  if (vdb) {
    const name = vectorDatabaseName(vdb);
    problems.capture(() => assertName(`${SPEC} ${spec.name}`, 'vectorDatabase.name', name, NAME_RULES.dns1123Label));
    problems.check(!teams.has(name), p('vectorDatabase.name', name, 'a team has this name; the database runs in a namespace of its own', 'choose another name'));
    problems.check(Number.isInteger(vdb.dimension) && vdb.dimension >= 1, p('vectorDatabase.dimension', vdb.dimension, 'must be a whole number of at least 1', 'give the dimension of the embedding model, e.g. 1024'));
    problems.check(vdb.expectedVectors >= 1, p('vectorDatabase.expectedVectors', vdb.expectedVectors, 'must be at least 1', 'give the number of vectors you expect to store'));
    (vdb.clients ?? []).forEach((c, j) => problems.check(models.has(c), p(`vectorDatabase.clients[${j}]`, c, 'no served model has this name', `use one of ${[...models.keys()].join(', ')}`)));
  }

  // Metrics backend.
  MetricsBackendSpecValidator.problems(`${SPEC} ${spec.name}`, spec.metrics, spec.observability ?? true, 'metrics').forEach((x) => problems.add(x));
  problems.throwIfAny();
}

/** A pool that depends on scarce capacity, and why (for the sizing summary). */
export interface ScarceCapacityNote {
  /** Pool name. */
  readonly pool: string;
  /** One line for the summary. */
  readonly note: string;
}

/** Families whose instances EC2 often cannot supply on demand (8-GPU training instances). */
const SCARCE_FAMILIES = /^p\d/;

/**
 * The pools that depend on scarce capacity, with a line each for the synth summary: large GPU
 * families on demand or spot without a reservation (launches may fail with InsufficientInstanceCapacity,
 * more so in a single zone), pools bound to a capacity reservation, and capacity blocks (nodes only
 * during the block's window).
 */
export function scarceCapacityNotes(spec: PlatformSpec): ScarceCapacityNote[] {
  const out: ScarceCapacityNote[] = [];
  for (const pool of spec.gpuPools) {
    const types = pool.instanceTypes.map((t) => t.name).join('/');
    const r = pool.capacityReservation;
    if (r?.kind === CapacityReservationKind.CAPACITY_BLOCK) {
      out.push({ pool: pool.name, note: `${types} from capacity block ${r.reservationId}: nodes launch only while the block is active and are reclaimed at its end` });
    } else if (r) {
      out.push({ pool: pool.name, note: `${types} in capacity reservation ${r.reservationId} first, on demand beyond it` });
    } else if (pool.instanceTypes.some((t) => SCARCE_FAMILIES.test(t.family))) {
      const zones = pool.availabilityZones ?? (pool.efa ? [spec.availabilityZones[0]] : spec.availabilityZones);
      const capacity = pool.capacity ?? PoolCapacity.ON_DEMAND;
      out.push({
        pool: pool.name,
        note: `${types} ${capacity} in ${zones.length === 1 ? `one zone (${zones[0]})` : `${zones.length} zones`} without a capacity reservation: `
          + 'EC2 often has none free (InsufficientInstanceCapacity); reserve capacity (capacityReservation) for dependable scale-up',
      });
    }
  }
  return out;
}
