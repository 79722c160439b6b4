/**
 * The AWS side of the observability example, as a platform spec: `main.ts` builds it with
 * `CnaiAwsStack.fromSpec` and takes the Kubernetes layer's contract from that stack.
 *
 * What it provides for the Kubernetes layer: the A10G managed node group, the buckets, the
 * chat model's identity (`serve-chat`, read-only on `served/chat/`), the telemetry
 * collector's identity (`observability/otel-collector`, X-Ray writes; `main.ts` adds what
 * this example's collector also does: payload logs of the embedding model and AMP remote
 * write) and the External Secrets controller's identity. The embedding model is downloaded
 * from the Hugging Face Hub, so it is not a served model of the spec (no identity). The
 * spec's model registry default (MLflow) also gives the stack PostgreSQL and a registry
 * identity, which this example does not use.
 */
import { GpuInstanceType, ModelPresets, PlatformSpec, ServedModelSpec } from 'cnai-constructs';

/** The team that runs the services. */
export const TEAM = 'team-language';
/** The managed node group of both models. */
export const A10G_POOL = 'gpu-a10g';
/** Key prefix (datasets bucket) of the payload logs the collector writes and the drift job reads. */
export const PAYLOAD_PREFIX = `payloads/${TEAM}/`;
/** Amazon Managed Service for Prometheus workspace the collector writes metrics to. */
export const AMP_WORKSPACE_ID = 'ws-example';

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
  name: 'cnai',
  environment: 'dev',
  region: 'us-west-2',
  accountId: '123456789012',
  availabilityZones: ['us-west-2a', 'us-west-2b'],
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
};
