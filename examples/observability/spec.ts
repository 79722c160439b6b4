/**
 * The AWS side of the observability example, as a platform spec: `aws.ts` builds it with
 * `CnaiAwsStack.fromSpec`, and `main.ts` previews the Kubernetes layer's contract from it.
 *
 * What it provides for the Kubernetes layer: the A10G managed node group, the buckets, the
 * chat model's identity (`serve-chat`, read-only on `served/chat/`), the telemetry
 * collector's identity (`observability/otel-collector`, X-Ray writes; `aws.ts` adds what
 * this example's collector also does: payload logs of the embedding model and remote write to
 * the managed Prometheus workspace), the External Secrets controller's identity and Grafana's
 * generated admin secret. With its `metrics` section (OBSERVABILITY_METRICS): an Amazon Managed Service for Prometheus
 * workspace (Prometheus' remote-write identity, KEDA's query identity) and an Amazon Managed
 * Grafana workspace. The embedding model is downloaded from the Hugging Face Hub, so it is not
 * a served model of the spec (no identity). The spec's model registry default (MLflow) also
 * gives the stack PostgreSQL and a registry identity, which this example does not use.
 */
import { GpuInstanceType, GrafanaAuthentication, MetricsBackendSpec, ModelPresets, PlatformSpec, ServedModelSpec } from 'cnai-constructs';
import { DEV_PLATFORM } from '../shared/dev-platform';

/** The team that runs the services. */
export const TEAM = 'team-language';
/** The managed node group of both models. */
export const A10G_POOL = 'gpu-a10g';
/** Key prefix (datasets bucket) of the payload logs the collector writes and the drift job reads. */
export const PAYLOAD_PREFIX = `payloads/${TEAM}/`;
/** IAM Identity Center group (of your identity store) whose members administer the managed Grafana workspace. */
export const GRAFANA_ADMIN_GROUP_ID = '9067c4b5-1021-70e2-2b7c-4ae1c8b1e2a4';

/**
 * The spec's `metrics` section: Prometheus remote-writes to an Amazon Managed Service for
 * Prometheus workspace, KEDA's autoscalers query it, and an Amazon Managed Grafana workspace
 * (IAM Identity Center sign-in, reached through its VPC endpoint) reads it.
 */
export const OBSERVABILITY_METRICS: MetricsBackendSpec = {
  managedPrometheus: { kedaQueries: true },
  managedGrafana: {
    authentication: GrafanaAuthentication.AWS_SSO,
    identityCenter: { adminGroupIds: [GRAFANA_ADMIN_GROUP_ID] },
  },
};

/** The chat model, served from the model store. */
export const CHAT_MODEL: ServedModelSpec = {
  name: 'chat',
  team: TEAM,
  model: ModelPresets.LLAMA_3_1_8B_INSTRUCT,
  pools: [A10G_POOL],
  maxModelLen: 8192,
  minReplicas: 1,
  maxReplicas: 3,
};

export const OBSERVABILITY_SPEC: PlatformSpec = {
  ...DEV_PLATFORM,
  gpuPools: [
    { name: A10G_POOL, instanceTypes: [GpuInstanceType.G5_2XLARGE], maxNodes: 6 },
  ],
  teams: [
    { name: TEAM, quotas: [{ pool: A10G_POOL, gpus: 6 }], developerGroups: ['language-developers'] },
  ],
  models: [CHAT_MODEL],
  // No training service account in this example; the collector's identity comes with observability.
  kubeflow: false,
  observability: true,
  metrics: OBSERVABILITY_METRICS,
};
