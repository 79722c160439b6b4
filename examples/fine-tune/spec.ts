/**
 * The AWS side of the fine-tuning example, as a platform spec: `aws.ts` builds it with
 * `CnaiAwsStack.fromSpec`, and `main.ts` takes the Kubernetes layer's contract from that stack.
 *
 * What it provides for the Kubernetes layer: the 4 x A10G node group, the buckets,
 * PostgreSQL with the MLflow identity (modelRegistry), the External Secrets controller's
 * identity, the team's training identity (kubeflow: read datasets, read-write its prepared
 * data and training prefixes) and the model server's identity (the served model: read the
 * prefix the fine-tuning job writes).
 */
import {
  GpuInstanceType, ModelPresets, ModelRegistryKind, PlatformSpec, trainingOutputPrefix,
} from 'cnai-constructs';
import { DEV_PLATFORM } from '../shared/dev-platform';

/** The team that fine-tunes and serves the model. */
export const TEAM = 'team-ml';
/** The managed node group of training, notebooks and serving. */
export const A10G_POOL = 'gpu-a10g';
/** The fine-tuning job, whose output the model server loads. */
export const SFT_JOB = 'support-bot-sft';
/** The served model (its LlmService and service account). */
export const SERVED_MODEL = 'support-bot';
/** Key prefix of the base model in the models bucket, which the training initializer reads. */
export const BASE_MODEL_PREFIX = 'base/llama-3.1-8b-instruct/';

export const FINE_TUNE_SPEC: PlatformSpec = {
  ...DEV_PLATFORM,
  gpuPools: [
    { name: A10G_POOL, instanceTypes: [GpuInstanceType.G5_12XLARGE], maxNodes: 4 },
  ],
  teams: [
    { name: TEAM, quotas: [{ pool: A10G_POOL, gpus: 12 }], developerGroups: ['ml-developers'] },
  ],
  models: [
    {
      name: SERVED_MODEL,
      team: TEAM,
      model: ModelPresets.LLAMA_3_1_8B_INSTRUCT,
      pools: [A10G_POOL],
      maxModelLen: 8192,
      minReplicas: 1,
      maxReplicas: 2,
      // Served from where the fine-tuning job writes it, not from served/<name>/.
      modelStorePrefix: trainingOutputPrefix(TEAM, SFT_JOB),
    },
  ],
  modelRegistry: ModelRegistryKind.MLFLOW,
  kubeflow: true,
  // No telemetry collector in this example.
  observability: false,
};
