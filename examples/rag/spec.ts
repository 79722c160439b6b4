/**
 * The AWS side of the RAG example, as a platform spec: `aws.ts` builds it with
 * `CnaiAwsStack.fromSpec`, and `main.ts` takes the Kubernetes layer's contract from that stack.
 *
 * What it provides for the Kubernetes layer: the A10G node group (embedding model), the
 * models and datasets buckets, PostgreSQL with the MLflow identity (modelRegistry), the
 * snapshot identity and API key secret of the Qdrant database `knowledge`, and the External
 * Secrets controller's identity. The chat server's identity (it reads a registered model
 * version from MLflow's artifact prefix) is not a served model of the spec: it runs on an
 * in-cluster Karpenter pool, so `aws.ts` adds it with a registry read grant.
 */
import { ContractPreviewOptions, GpuInstanceType, ModelRegistryKind, PlatformSpec, VectorEngine, WorkloadIdentityPreviewOptions } from 'cnai-constructs';
import { DEV_PLATFORM } from '../shared/dev-platform';

/** The team that runs the RAG application. */
export const TEAM = 'team-language';
/** Name (and namespace) of the vector database. */
export const VECTOR_DB = 'knowledge';
/** The managed node group of the embedding model. */
export const A10G_POOL = 'gpu-a10g';
/** Service account of the chat server (the LlmService `chat`). */
export const CHAT_SERVICE_ACCOUNT = 'chat';
/** The chat server's identity, which aws.ts adds to the spec's (it reads registered model versions). */
export const CHAT_IDENTITY: WorkloadIdentityPreviewOptions = { namespace: TEAM, serviceAccount: CHAT_SERVICE_ACCOUNT, purpose: 'chat-registry-read' };
/**
 * What aws.ts builds beyond the spec, so that the Kubernetes layer's contract preview (main.ts)
 * has it too: Karpenter prepared (the chat model's L40S pool) and the chat server's identity.
 */
export const RAG_AWS: ContractPreviewOptions = { karpenter: {}, workloadIdentities: [CHAT_IDENTITY] };

export const RAG_SPEC: PlatformSpec = {
  ...DEV_PLATFORM,
  gpuPools: [
    { name: A10G_POOL, instanceTypes: [GpuInstanceType.G5_2XLARGE], maxNodes: 4 },
  ],
  teams: [
    { name: TEAM, quotas: [{ pool: A10G_POOL, gpus: 4 }], developerGroups: ['language-developers'] },
  ],
  // 2 million bge-large vectors; the Kubernetes layer sizes Qdrant from its collections.
  vectorDatabase: { engine: VectorEngine.QDRANT, name: VECTOR_DB, expectedVectors: 2_000_000, dimension: 1024, highAvailability: true },
  modelRegistry: ModelRegistryKind.MLFLOW,
  // No training service account and no telemetry collector in this example.
  kubeflow: false,
  observability: false,
};
