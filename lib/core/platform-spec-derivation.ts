import { ResolvedRetention, RetentionPolicy } from './aws-options';
import { OBSERVABILITY, TRAINING } from './contract';
import { deliveryDatasetPrefix, deliveryEvaluationServiceAccount } from './delivery-spec';
import { CnaiError } from './errors';
import { FeatureStoreNaming } from './feature-store-spec';
import {
  BucketAccess, CapacityReservationKind, GpuPoolSpec, PlatformBucket, PlatformSpec, PoolCapacity, ScarceCapacityNote, ServedModelKind,
  ServedModelReplicas, ServedModelSpec, VectorDatabaseSpec, WorkloadIdentitySpec,
} from './platform-spec';
import { ModelSizing, MultiNodeSizing, NodeCandidate } from './sizing';

/**
 * What both layers derive from a platform spec, computed once here so they cannot disagree:
 * retention by environment, a served model's replicas and weight prefix, the vector database's
 * name, the workload identities with their grants, a pool's GPU capacity, and the pools that
 * depend on scarce capacity.
 */

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

/** The replica range of a served model, its defaults resolved once for both layers. */
export function servedModelReplicas(model: ServedModelSpec): ServedModelReplicas {
  const min = model.minReplicas ?? 1;
  return { min, max: model.maxReplicas ?? Math.max(2, min) };
}

/** The kind of a served model, its default (LLM) resolved. */
export function servedModelKind(model: ServedModelSpec): ServedModelKind {
  return model.kind ?? ServedModelKind.LLM;
}

/** GPUs per replica of a predictive model (0 on CPU nodes); undefined for an LLM, whose sizing decides. */
export function predictiveModelGpus(model: ServedModelSpec): number | undefined {
  return servedModelKind(model) === ServedModelKind.PREDICTIVE ? (model.predictive?.gpus ?? 0) : undefined;
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
 * writes its outputs), with observability the telemetry collector (writes traces to X-Ray), and the
 * feature store's server (its prefix of the datasets bucket). The data services' identities (model registry, vector database
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
  // A delivered model's evaluation Job: read-only on the model's prefix (the candidate) and on its dataset's folder.
  for (const m of spec.models ?? []) {
    if (!m.delivery) continue;
    out.push({
      id: `evaluate-${m.name}`,
      namespace: m.team,
      serviceAccount: deliveryEvaluationServiceAccount(m.name),
      buckets: [
        { bucket: PlatformBucket.MODELS, prefix: servedModelPrefix(m), access: BucketAccess.READ },
        { bucket: PlatformBucket.DATASETS, prefix: deliveryDatasetPrefix(m.delivery.evaluation.dataset), access: BucketAccess.READ },
      ],
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
  if (spec.featureStore) {
    // The feature server (offline reads, the S3 registry) and, through it, materialization:
    // its prefix of the datasets bucket only. The Feast operator names the service account.
    const name = FeatureStoreNaming.nameOf(spec.featureStore);
    out.push({
      id: `feature-store-${name}`,
      namespace: name,
      serviceAccount: FeatureStoreNaming.serviceAccount(name),
      buckets: [{ bucket: PlatformBucket.DATASETS, prefix: FeatureStoreNaming.dataPrefix(name), access: BucketAccess.READ_WRITE }],
      xrayWrite: false,
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

/**
 * How a served LLM of the spec is served across nodes, as the Kubernetes layer's sizing does it
 * (LlmService): only when no node of its pools holds its weights, on pools of multi-GPU nodes, on
 * the fewest nodes (each pool's maxNodes at most) that fit.
 * @returns undefined when one node holds it (or nothing holds it, even across nodes)
 */
export function servedModelAcrossNodes(spec: PlatformSpec, model: ServedModelSpec): MultiNodeSizing | undefined {
  if (model.model === undefined) return undefined;
  const llm = model.maxModelLen !== undefined ? model.model.withServing({ maxContextLength: model.maxModelLen }) : model.model;
  const candidates: NodeCandidate[] = model.pools.flatMap((name) => {
    const pool = spec.gpuPools.find((p) => p.name === name);
    return pool ? pool.instanceTypes.map((instanceType) => ({ instanceType, maxNodes: pool.maxNodes })) : [];
  });
  if (candidates.length === 0) return undefined;
  try {
    return ModelSizing.servedAcrossNodes(llm, candidates);
  } catch (e) {
    if (e instanceof CnaiError) return undefined;
    throw e;
  }
}
