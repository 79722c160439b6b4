import { GpuInstanceType } from './accelerators';
import { AssistantSpec } from './assistant-spec';
import { PlatformAwsOptions } from './aws-options';
import { ChatUiSpec } from './chat-ui-spec';
import { ModelDeliverySpec } from './delivery-spec';
import { FeatureStoreSpec } from './feature-store-spec';
import { GatewaySpec } from './gateway-spec';
import { MetricsBackendSpec } from './metrics-backend-spec';
import { ModelSpec } from './models';
import { PredictiveModelFormat, PredictiveRuntime } from './predictive-models';

/**
 * The platform spec: one plain, typed description of an AI platform, from which the AWS
 * layer (`CnaiAwsStack.fromSpec`) and the Kubernetes layer (`CnaiPlatform`) are both
 * synthesized. Things inside the spec refer to each other by name (a team's quota names a
 * pool); `validatePlatformSpec` (platform-spec-validation.ts) checks every reference, and
 * every other rule, at once; the values both layers derive from it (replicas, prefixes,
 * workload identities, retention) are computed once in platform-spec-derivation.ts.
 *
 * This file holds the spec's types and its enums, the one vocabulary of the library: the
 * Kubernetes constructs take the same enums (a served model's backend and task, the vector
 * engine, the registry, a pool's capacity).
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
  /**
   * GPU quotas per pool. A team with none (`[]`) gets its namespace, RBAC and gateway access but no
   * Kueue queue: it runs no GPU workloads (e.g. a team that only calls the served models).
   */
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

/**
 * What a served model does. The one vocabulary of both layers: the spec's `models[].task` and
 * the Kubernetes layer's `LlmService` take it.
 */
export enum ServedModelTask {
  /** Text generation: the OpenAI chat and completions APIs, with a KV cache. */
  CHAT = 'chat',
  /**
   * Embeddings: the OpenAI embeddings API (vLLM's pooling runner, `--runner pooling`), for
   * retrieval. No KV cache, one GPU per replica.
   */
  EMBED = 'embed',
}

/**
 * Which server runs a model. The one vocabulary of both layers: the spec's `models[].backend`
 * and the Kubernetes layer's `LlmService` take it.
 */
export enum ServedModelBackend {
  /** A Deployment of the pinned vllm/vllm-openai image with a Service in front: no operator needed. */
  VLLM = 'vllm',
  /**
   * A KServe InferenceService in Standard deployment mode (plain Deployment and Service made by
   * the KServe controller), with a pinned serving runtime. S3 and OCI models go through KServe's
   * storage initializer or modelcar, which KServe injects into the pod: in a namespace that
   * enforces the restricted Pod Security Standard, KServe's `ClusterStorageContainer/default`
   * must give them a restricted security context (kserve/kserve#5373, #5855). Hugging Face
   * models are downloaded by the server itself and need no injected container.
   */
  KSERVE = 'kserve',
}

/** Which kind of model a served model is. */
export enum ServedModelKind {
  /** A large language or embedding model, served by vLLM (LlmService): needs `model` and GPU pools. */
  LLM = 'llm',
  /** A predictive model (scikit-learn, XGBoost, ONNX, ...) on a KServe runtime (PredictiveService): needs `predictive`. */
  PREDICTIVE = 'predictive',
}

/** How a predictive model is served. */
export interface PredictiveModelServingSpec {
  /** The model's format. */
  readonly format: PredictiveModelFormat;
  /**
   * The KServe runtime; it must serve the format.
   * @default - the format's runtime (PredictiveRuntimes.forFormat)
   */
  readonly runtime?: PredictiveRuntime;
  /**
   * vCPUs per replica.
   * @default 1
   */
  readonly cpu?: number;
  /**
   * Memory per replica in GiB.
   * @default 2
   */
  readonly memoryGiB?: number;
  /**
   * GPUs per replica, on the model's one pool. 0 runs on the CPU nodes.
   * @default 0
   */
  readonly gpus?: number;
}

/** A model served on the platform. */
export interface ServedModelSpec {
  /** Service name, a DNS-1123 label. */
  readonly name: string;
  /** The team (namespace) that runs it; its GPU quota pays for the replicas. */
  readonly team: string;
  /**
   * Which kind of model it is.
   * @default ServedModelKind.LLM
   */
  readonly kind?: ServedModelKind;
  /**
   * The model (e.g. `ModelPresets.LLAMA_3_1_8B_INSTRUCT`). Required for LLMs.
   * @default - none (predictive models)
   */
  readonly model?: ModelSpec;
  /**
   * How a predictive model is served. Required for predictive models.
   * @default - none (LLMs)
   */
  readonly predictive?: PredictiveModelServingSpec;
  /**
   * Pools the replicas may run on (names); sizing picks the cheapest that fits. A predictive
   * model names one pool when it asks for GPUs, and none on CPU.
   */
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
  /**
   * Serve with tool calling on (vLLM's `--enable-auto-tool-choice` and the model's
   * `--tool-call-parser`), for models whose spec names a tool call parser. The assistant's model
   * gets it without asking.
   * @default false
   */
  readonly toolCalling?: boolean;
  /**
   * Deliver a new version progressively instead of replacing the running one: an evaluation Job
   * (admitted by Kueue) scores the candidate, canary steps under gates on its metrics follow
   * (Argo Rollouts), and the registry's alias records the version once it is live; a failure
   * rolls back. Needs the vLLM backend and the MLflow registry.
   * @default - none: a changed model replaces the running one at once
   */
  readonly delivery?: ModelDeliverySpec;
}

/**
 * Engines of the vector database: the spec's `vectorDatabase.engine`, and the kind of the
 * Kubernetes layer's `VectorDatabaseEngine`.
 */
export enum VectorEngine {
  /** Qdrant, in the cluster (a StatefulSet; the default). */
  QDRANT = 'qdrant',
  /** PostgreSQL with the pgvector extension, on the platform's (RDS) database. */
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

/**
 * The model registry: the spec's `modelRegistry`, and the kind of the Kubernetes layer's
 * `RegistryEngine`.
 */
export enum ModelRegistryKind {
  /** MLflow tracking server with its model registry, artifacts in the models bucket (the default). */
  MLFLOW = 'mlflow',
  /** Kubeflow Model Registry (when the platform runs Kubeflow). */
  KUBEFLOW = 'kubeflow',
}

/** The whole platform. */
export interface PlatformSpec extends PlatformAwsOptions {
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
  /**
   * The model gateway: one OpenAI-compatible endpoint (Envoy AI Gateway on Envoy Gateway) that
   * routes by model name to the served models, internal by default.
   * @default - none
   */
  readonly gateway?: GatewaySpec;
  /**
   * The operations assistant: agents that answer questions about the cluster and the platform in
   * natural language on a served chat model through the gateway (kagent), and AI-assisted analysis
   * of what is broken (k8sgpt-operator). Read-only unless an agent is given write access.
   * @default - none
   */
  readonly assistant?: AssistantSpec;
  /**
   * A chat front end (Open WebUI) for the served models, behind the model gateway, with OIDC
   * sign-in, its data on an encrypted retained volume, not exposed outside the cluster. Opt-in.
   * @default - none
   */
  readonly chatUi?: ChatUiSpec;

  /**
   * A feature store (Feast through its operator): offline data in the datasets bucket, an online
   * store in the cluster (Redis) or on the platform's PostgreSQL, a registry in S3 or SQL, a
   * materialization schedule; served models named in `clients` read features from it.
   * @default - none
   */
  readonly featureStore?: FeatureStoreSpec;
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

/** Replicas of a served model, its defaults resolved (1 to 2, or to minReplicas when larger). */
export interface ServedModelReplicas {
  /** Fewest replicas. */
  readonly min: number;
  /** Most replicas. */
  readonly max: number;
}

/** A pool that depends on scarce capacity, and why (for the sizing summary). */
export interface ScarceCapacityNote {
  /** Pool name. */
  readonly pool: string;
  /** One line for the summary. */
  readonly note: string;
}
