/**
 * A served LLM delivered progressively, as a platform spec both layers read: `aws.ts` builds the
 * AWS side with `CnaiAwsStack.fromSpec` (the buckets, the cluster, the L40S node group, the MLflow
 * database, the serving identity of `chat` and the read-only identity of its evaluation Job), and
 * `main.ts` the Kubernetes side with `CnaiPlatform` (Argo Rollouts, the Rollout of `chat` with its
 * AnalysisTemplates, MLflow).
 *
 * `chat` runs version 2 of its registered model; the spec declares version 3. Its weights are at
 * `s3://<models bucket>/served/chat/v3/` and the evaluation dataset at
 * `s3://<datasets bucket>/evaluation/chat/golden-v1.jsonl`.
 */
import { EvaluationMetric, GateAggregation, GpuInstanceType, ModelPresets, ModelRegistryKind, PlatformSpec } from 'cnai-constructs';
import { DEV_PLATFORM } from '../shared/dev-platform';

/** The team that owns the model. */
export const TEAM = 'team-chat';
/** The served model. */
export const MODEL = 'chat';
/** The GPU pool of the model: L40S (48 GB), one GPU per node. */
export const L40S_POOL = 'gpu-l40s';

export const DELIVERY_SPEC: PlatformSpec = {
  ...DEV_PLATFORM,
  gpuPools: [
    { name: L40S_POOL, instanceTypes: [GpuInstanceType.G6E_XLARGE], maxNodes: 4 },
  ],
  teams: [
    // 2 replicas at most, plus one replica's GPU for the evaluation Job and then the canary's surge.
    { name: TEAM, quotas: [{ pool: L40S_POOL, gpus: 3 }], developerGroups: ['chat-developers'] },
  ],
  models: [
    {
      name: MODEL,
      team: TEAM,
      model: ModelPresets.LLAMA_3_1_8B_INSTRUCT,
      pools: [L40S_POOL],
      maxModelLen: 16384,
      minReplicas: 1,
      maxReplicas: 2,
      delivery: {
        // The registry's version 3, at served/chat/v3/ (the default prefix of a delivery).
        version: '3',
        evaluation: { dataset: 'evaluation/chat/golden-v1.jsonl', metric: EvaluationMetric.CONTAINS, threshold: 0.85 },
        canarySteps: [{ weight: 25, pauseMinutes: 15 }, { weight: 50, pauseMinutes: 15 }],
        gates: {
          maxErrorRate: 0.01,
          maxTimeToFirstTokenSeconds: 1.5,
          maxQueueDepth: 8,
          extra: [{ name: 'e2e-latency-p95', metric: 'vllm:e2e_request_latency_seconds', aggregation: GateAggregation.P95, maxValue: 30 }],
        },
      },
    },
  ],
  modelRegistry: ModelRegistryKind.MLFLOW,
  // No training service accounts and no telemetry collector in this example.
  kubeflow: false,
  observability: false,
};
