/**
 * A tabular model on the platform, as a platform spec that both layers read: `aws.ts` builds
 * the AWS side with `CnaiAwsStack.fromSpec` (the model store, and the served model's identity
 * with read access to its prefix `served/churn/`), and `main.ts` the Kubernetes side with
 * `CnaiPlatform` (an InferenceService on KServe's XGBoost runtime, on CPU nodes).
 *
 * The model: a churn classifier trained with XGBoost, saved as `model.bst` under
 * `s3://<models bucket>/served/churn/`. The team's `crm-api` pods call it over KServe's V1
 * protocol (`POST http://churn-predictor.team-growth.svc/v1/models/churn:predict`).
 *
 * Its features come from a Feast feature store (`featureStore`): the customer features are
 * defined in a feature repository (git, at a tag), their history is in the datasets bucket under
 * `features/features/`, the latest values are materialized hourly into an in-cluster Redis, and
 * the model server gets the feature server's and the registry's endpoints.
 */
import { GpuInstanceType, OnlineStoreKind, PlatformSpec, PredictiveModelFormat, ServedModelKind } from 'cnai-constructs';
import { DEV_PLATFORM } from '../shared/dev-platform';

/** The team that owns the model. */
export const TEAM = 'team-growth';
/** The served model. */
export const MODEL = 'churn';
/** The feature store (its name and namespace). */
export const FEATURE_STORE = 'features';
/** A small GPU pool for the team's training and notebooks; the predictive model asks for no GPU. */
export const T4_POOL = 'gpu-t4';

export const PREDICTIVE_SPEC: PlatformSpec = {
  ...DEV_PLATFORM,
  gpuPools: [
    { name: T4_POOL, instanceTypes: [GpuInstanceType.G4DN_XLARGE], maxNodes: 2 },
  ],
  teams: [
    { name: TEAM, quotas: [{ pool: T4_POOL, gpus: 2 }], developerGroups: ['growth-developers'] },
  ],
  models: [
    {
      name: MODEL,
      team: TEAM,
      kind: ServedModelKind.PREDICTIVE,
      // XGBoost on kserve-xgbserver (the format's runtime); 1 vCPU and 2 GiB per replica, no GPU.
      predictive: { format: PredictiveModelFormat.XGBOOST, cpu: 1, memoryGiB: 2 },
      pools: [],
      minReplicas: 2,
      maxReplicas: 4,
    },
  ],
  // Customer features from Feast: Redis online store, registry in S3, hourly materialization.
  featureStore: {
    name: FEATURE_STORE,
    project: 'churn',
    // The team's feature repository (replace with yours): a tag, so the deployed definitions never move.
    repository: { gitUrl: 'https://github.com/example-org/churn-features.git', ref: 'v1.0.0', path: 'feature_repo' },
    onlineStore: OnlineStoreKind.REDIS,
    materializationSchedule: '0 * * * *',
    clients: [MODEL],
  },
  // No training service accounts and no telemetry collector in this example.
  kubeflow: false,
  observability: false,
};
