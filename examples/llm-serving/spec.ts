/**
 * The AWS side of the llm-serving example, as a platform spec: `main.ts` builds it with
 * `CnaiAwsStack.fromSpec` (self-managed Karpenter prepared, plus the chat server's identity)
 * and takes the Kubernetes layer's contract from that stack.
 *
 * What it provides for the Kubernetes layer: the A10G managed node group (the embedding
 * model), the buckets, Karpenter's node role, controller identity and interruption queue
 * (for the in-cluster L40S pool of the chat model), and the External Secrets controller's
 * identity. The chat model is not a served model of the spec: the spec's models run on its
 * managed GPU pools, and `chat` runs on the Karpenter pool, so `main.ts` adds its identity
 * with a read grant on its weights' prefix. The spec's model registry default (MLflow) also
 * gives the stack PostgreSQL and a registry identity, which this example does not use.
 */
import { ContractPreviewOptions, GpuInstanceType, PlatformSpec, WorkloadIdentityPreviewOptions } from 'cnai-constructs';
import { DEV_PLATFORM } from '../shared/dev-platform';

/** The team that runs the services. */
export const TEAM = 'team-language';
/** The managed node group of the embedding model. */
export const A10G_POOL = 'gpu-a10g';
/** Service account (and name) of the chat server. */
export const CHAT_SERVICE_ACCOUNT = 'chat';
/** Key prefix of the chat model's weights in the models bucket. */
export const CHAT_MODEL_PREFIX = 'llama-3.1-8b-instruct/';
/** The chat server's identity, which aws.ts adds to the spec's (it reads its model's prefix). */
export const CHAT_IDENTITY: WorkloadIdentityPreviewOptions = { namespace: TEAM, serviceAccount: CHAT_SERVICE_ACCOUNT, purpose: 'serve-chat' };
/** The H100 node group with EFA that serves the 405B model across nodes (two p5.48xlarge). */
export const H100_POOL = 'gpu-h100';
/** Service account (and name) of the 405B server. */
export const LARGE_CHAT_SERVICE_ACCOUNT = 'chat-405b';
/** Key prefix of the 405B model's weights in the models bucket. */
export const LARGE_CHAT_MODEL_PREFIX = 'llama-3.1-405b-instruct/';
/** The 405B server's identity: every pod of its LeaderWorkerSet, leaders and workers, reads the weights with it. */
export const LARGE_CHAT_IDENTITY: WorkloadIdentityPreviewOptions = { namespace: TEAM, serviceAccount: LARGE_CHAT_SERVICE_ACCOUNT, purpose: 'serve-chat-405b' };
/**
 * What aws.ts builds beyond the spec, so that the Kubernetes layer's contract preview (main.ts)
 * has it too: Karpenter prepared (the chat model's L40S pool) and the chat server's identity.
 */
export const LLM_SERVING_AWS: ContractPreviewOptions = { karpenter: {}, workloadIdentities: [CHAT_IDENTITY, LARGE_CHAT_IDENTITY] };

export const LLM_SERVING_SPEC: PlatformSpec = {
  ...DEV_PLATFORM,
  gpuPools: [
    { name: A10G_POOL, instanceTypes: [GpuInstanceType.G5_2XLARGE], maxNodes: 4 },
    // Llama 3.1 405B: about 756 GiB of bf16 weights, more than one node holds; served across two nodes over EFA.
    { name: H100_POOL, instanceTypes: [GpuInstanceType.P5_48XLARGE], maxNodes: 2, efa: true },
  ],
  // The L40S quota is on the in-cluster Karpenter pool, not a spec pool.
  teams: [
    { name: TEAM, quotas: [{ pool: A10G_POOL, gpus: 4 }, { pool: H100_POOL, gpus: 16 }], developerGroups: ['language-developers'] },
  ],
  // No training service account and no telemetry collector in this example.
  kubeflow: false,
  observability: false,
};
