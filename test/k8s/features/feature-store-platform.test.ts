/**
 * The spec's feature store through CnaiPlatform: the Feast operator installed, the store in the
 * data services chart, its clients given the endpoints; without the section, none of it.
 */
import { Testing } from 'cdk8s';
import {
  ContractPreview, FeatureRegistryKind, GpuInstanceType, ModelRegistryKind, OnlineStoreKind, PlatformSpec, PredictiveModelFormat, ServedModelKind,
} from '../../../lib/core';
import { CnaiPlatform } from '../../../lib/k8s';
import { synthApp } from '../helpers';

const SPEC: PlatformSpec = {
  name: 'cnai',
  environment: 'test',
  region: 'us-west-2',
  accountId: '123456789012',
  availabilityZones: ['us-west-2a', 'us-west-2b'],
  gpuPools: [{ name: 'gpu-l4', instanceTypes: [GpuInstanceType.G6_XLARGE], maxNodes: 2 }],
  teams: [{ name: 'team-a', quotas: [{ pool: 'gpu-l4', gpus: 2 }] }],
  models: [
    { name: 'churn', team: 'team-a', kind: ServedModelKind.PREDICTIVE, predictive: { format: PredictiveModelFormat.XGBOOST }, pools: [] },
    { name: 'fraud', team: 'team-a', kind: ServedModelKind.PREDICTIVE, predictive: { format: PredictiveModelFormat.SKLEARN }, pools: [] },
  ],
  modelRegistry: ModelRegistryKind.KUBEFLOW,
  kubeflow: false,
  observability: false,
  featureStore: {
    name: 'feature-store',
    project: 'churn',
    repository: { gitUrl: 'https://github.com/example/features.git', ref: '4f1c2e9' },
    onlineStore: OnlineStoreKind.POSTGRES,
    registry: FeatureRegistryKind.SQL,
    materializationSchedule: '30 * * * *',
    clients: ['churn'],
  },
};

function build(spec: PlatformSpec): { platform: CnaiPlatform; objects: any[] } {
  const app = Testing.app();
  const platform = new CnaiPlatform(app, 'cnai', { spec, contract: ContractPreview.fromSpec(spec) });
  return { platform, objects: synthApp(app) };
}

describe('CnaiPlatform with a feature store', () => {
  const { platform, objects } = build(SPEC);

  test('the Feast operator\'s Application, and the FeatureStore in the data services chart', () => {
    const app = objects.find((o) => o.kind === 'Application' && o.metadata.name === 'feast-operator');
    expect(app.spec.source).toMatchObject({ repoURL: 'https://github.com/feast-dev/feast', path: 'infra/feast-operator/config/default', targetRevision: 'v0.66.0' });
    expect(app.spec.destination.namespace).toBe('feast-operator-system');
    const fs = objects.find((o) => o.kind === 'FeatureStore');
    expect(fs.metadata).toMatchObject({ name: 'feature-store', namespace: 'feature-store' });
    expect(fs.spec.cronJob.schedule).toBe('30 * * * *');
    expect(platform.featureStore!.onlineStore).toBe(OnlineStoreKind.POSTGRES);
    expect(platform.dataServices!.toJson().some((o: any) => o.kind === 'FeatureStore')).toBe(true);
  });

  test('the PostgreSQL side: the role\'s password and the master password from Secrets Manager, the init Job, the database host from the contract', () => {
    const es = objects.filter((o) => o.kind === 'ExternalSecret' && o.metadata.namespace === 'feature-store');
    expect(es.map((o) => o.spec.data[0].remoteRef.key).sort()).toEqual([
      'arn:aws:secretsmanager:us-west-2:123456789012:secret:pending-apply-cnai-test-postgres',
      'cnai-test/feature-store/feature-store/feature-store',
    ].sort());
    expect(objects.some((o) => o.kind === 'Job' && o.metadata.name.startsWith('feature-store-db-init-'))).toBe(true);
    const params = objects.find((o) => o.kind === 'Secret' && o.metadata.name === 'feature-store-store-parameters').stringData;
    expect(params.postgres).toContain('host: cnai-test-postgres.pending-apply.invalid');
    expect(params.postgres).toContain('database: feast_feature_store');
  });

  test('only the named client gets the endpoints', () => {
    const env = (name: string) => objects.find((o) => o.kind === 'InferenceService' && o.metadata.name === name).spec.predictor.model.env;
    expect(env('churn')).toContainEqual({ name: 'FEAST_FEATURE_SERVER_URL', value: 'http://feast-feature-store-online.feature-store.svc:80' });
    expect(env('fraud').map((e: any) => e.name)).not.toContain('FEAST_FEATURE_SERVER_URL');
  });

  test('without the section: no operator and no store', () => {
    const { platform: p, objects: o } = build({ ...SPEC, modelRegistry: ModelRegistryKind.MLFLOW, featureStore: undefined });
    expect(p.featureStore).toBeUndefined();
    expect(o.some((x) => x.kind === 'Application' && x.metadata.name === 'feast-operator')).toBe(false);
    expect(o.some((x) => x.kind === 'FeatureStore')).toBe(false);
  });
});
