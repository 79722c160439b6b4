import { spec } from './spec-fixture';
import { ContractPreview } from '../../lib/core/contract-preview';
import { CnaiError, CnaiValidationError } from '../../lib/core/errors';
import { FeatureRegistryKind, FeatureStoreNaming, FeatureStoreSpec, OnlineStoreKind } from '../../lib/core/feature-store-spec';
import { BucketAccess, ModelRegistryKind, PlatformBucket, PlatformSpec, ServedModelKind } from '../../lib/core/platform-spec';
import { platformWorkloadIdentities } from '../../lib/core/platform-spec-derivation';
import { validatePlatformSpec } from '../../lib/core/platform-spec-validation';
import { PredictiveModelFormat } from '../../lib/core/predictive-models';

const FEATURES: FeatureStoreSpec = {
  project: 'churn',
  repository: { gitUrl: 'https://github.com/example/features.git', ref: 'v1.0.0' },
  onlineStore: OnlineStoreKind.REDIS,
  clients: ['scorer'],
};
const SCORER = { name: 'scorer', team: 'team-a', kind: ServedModelKind.PREDICTIVE, predictive: { format: PredictiveModelFormat.XGBOOST }, pools: [] };

function withFeatures(fs: Partial<FeatureStoreSpec> | undefined, overrides: Partial<PlatformSpec> = {}): PlatformSpec {
  const base = spec(overrides);
  return { ...base, models: [...(base.models ?? []), SCORER], featureStore: fs === undefined ? undefined : { ...FEATURES, ...fs } };
}

function problemsOf(s: PlatformSpec): string[] {
  try {
    validatePlatformSpec(s);
  } catch (e) {
    if (e instanceof CnaiValidationError) return e.problems.map((p) => `${p.prop} = ${JSON.stringify(p.value)}: ${p.problem}`);
    if (e instanceof CnaiError) return [`${e.prop} = ${JSON.stringify(e.value)}: ${e.problem}`];
    throw e;
  }
  return [];
}

describe('the spec\'s feature store', () => {
  test('a valid one passes', () => {
    expect(problemsOf(withFeatures({}))).toEqual([]);
    expect(problemsOf(withFeatures({ onlineStore: OnlineStoreKind.POSTGRES, registry: FeatureRegistryKind.SQL, materializationSchedule: '*/15 * * * *' }))).toEqual([]);
  });

  test('a feature store with no online store', () => {
    expect(problemsOf(withFeatures({ onlineStore: undefined }))).toEqual([
      'featureStore.onlineStore = undefined: the feature store has no online store: served models read their features from it, and materialization writes there',
    ]);
  });

  test('each other mistake is one problem', () => {
    expect(problemsOf(withFeatures({ name: 'team-a', project: 'my-project', repository: { gitUrl: 'git@github.com:x/y.git', ref: 'main', path: '/abs' }, materializationSchedule: 'hourly', clients: ['chat', 'nope'] }))).toEqual([
      'featureStore.project = "my-project": not a Feast project name (letters, digits and underscores)',
      'featureStore.repository.gitUrl = "git@github.com:x/y.git": not an HTTPS git URL (the feature server clones it at start; no SSH keys are mounted)',
      'featureStore.repository.ref = "main": not a tag or a commit: a branch moves, so the deployed feature definitions would change without a change to the platform',
      'featureStore.repository.path = "/abs": not a relative path inside the repository',
      'featureStore.materializationSchedule = "hourly": not a five-field cron schedule (minute hour day-of-month month day-of-week, numbers only)',
      'featureStore.name = "team-a": a team has this name; the feature store runs in a namespace of its own',
      'featureStore.clients[0] = "chat": an LLM: only predictive models take their features from the feature store',
      'featureStore.clients[1] = "nope": no served model has this name',
    ]);
  });

  test('the vector database\'s name is taken', () => {
    expect(problemsOf(withFeatures({ name: 'vectors' }))).toEqual(['featureStore.name = "vectors": the vector database has this name (and namespace)']);
  });

  test('the feature server\'s identity: its prefix of the datasets bucket, read-write, on the operator\'s service account', () => {
    expect(platformWorkloadIdentities(withFeatures({})).find((w) => w.id === 'feature-store-features')).toEqual({
      id: 'feature-store-features',
      namespace: 'features',
      serviceAccount: 'feast-features',
      buckets: [{ bucket: PlatformBucket.DATASETS, prefix: 'features/features/', access: BucketAccess.READ_WRITE }],
      xrayWrite: false,
    });
    expect(platformWorkloadIdentities(withFeatures(undefined)).some((w) => w.id.startsWith('feature-store'))).toBe(false);
  });

  test('the contract preview carries the identity, and the database (the model registry\'s, there for every spec) whatever the stores', () => {
    const kubeflowRegistry = { modelRegistry: ModelRegistryKind.KUBEFLOW };
    const redis = ContractPreview.fromSpec(withFeatures({}, kubeflowRegistry));
    expect(redis.workloadIdentities.find((w) => w.namespace === 'features')).toMatchObject({ serviceAccount: 'feast-features', roleName: 'cnai-test-feature-store-features' });
    expect(redis.database).toMatchObject({ databaseName: 'cnai', port: 5432 });
    expect(ContractPreview.fromSpec(withFeatures({ onlineStore: OnlineStoreKind.POSTGRES }, kubeflowRegistry)).database).toEqual(redis.database);
  });

  test('the names both layers derive', () => {
    expect(FeatureStoreNaming.serviceAccount('features')).toBe('feast-features');
    expect(FeatureStoreNaming.dataPrefix('features')).toBe('features/features/');
    expect(FeatureStoreNaming.secretService('features', 'features')).toBe('feature-store/features/features');
    expect(FeatureStoreNaming.databaseName('churn-features')).toBe('feast_churn_features');
  });
});
