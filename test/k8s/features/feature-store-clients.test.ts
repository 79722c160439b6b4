/** Serving and training name the feature store as an object: they get its endpoints, and the flow to its servers is opened on both sides. */
import { OnlineStoreKind, PredictiveModelFormat } from '../../../lib/core';
import { FeatureAccess, FeatureStore, ModelSource, PredictiveService, PredictiveServiceProps, TrainingJob, TrainingRuntime } from '../../../lib/k8s';
import { assertValidManifests } from '../../../lib/verify/k8s';
import { find, fixture, objectsOf } from '../training/fixtures';

const ONLINE = { name: 'FEAST_FEATURE_SERVER_URL', value: 'http://feast-features-online.features.svc:80' };
const REGISTRY = { name: 'FEAST_REGISTRY', value: 'feast-features-registry.features.svc:80' };
const OFFLINE = { name: 'FEAST_OFFLINE_SERVER', value: 'feast-features-offline.features.svc:80' };
const PROJECT = { name: 'FEAST_PROJECT', value: 'churn' };
const SERVING_PORTS = [{ protocol: 'TCP', port: 6566 }, { protocol: 'TCP', port: 6570 }];
const FEATURE_SERVERS = { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'features' } }, podSelector: { matchLabels: { 'feast.dev/name': 'features' } } };

function setup() {
  const f = fixture({}, [['team-a', 'ml-training'], ['team-a', 'churn'], ['features', 'feast-features']]);
  const store = new FeatureStore(f.chart, 'features', {
    contract: f.contract,
    project: 'churn',
    onlineStore: OnlineStoreKind.REDIS,
    repository: { gitUrl: 'https://github.com/example/features.git', ref: 'v1.0.0' },
  });
  return { ...f, store };
}

describe('clients of the feature store', () => {
  test('a PredictiveService: the online server\'s and registry\'s endpoints in its server, egress to them, their ingress from it', () => {
    const s = setup();
    new PredictiveService(s.chart, 'churn', {
      format: PredictiveModelFormat.XGBOOST, source: ModelSource.fromModelStore(s.contract, 'served/churn'), namespace: s.team, contract: s.contract, featureStore: s.store,
    });
    const objects = objectsOf(s.chart);
    assertValidManifests(objects, { kubernetesVersion: '1.34' });
    const model = find(objects, 'InferenceService', 'churn').spec.predictor.model;
    expect(model.env).toEqual(expect.arrayContaining([ONLINE, REGISTRY, PROJECT]));
    // Serving never reads historical data: no offline server.
    expect(model.env).not.toContainEqual(OFFLINE);
    const egress = find(objects, 'NetworkPolicy', 'churn-egress');
    expect(egress.spec.egress).toContainEqual({ to: [FEATURE_SERVERS], ports: SERVING_PORTS });
    const ingress = find(objects, 'NetworkPolicy', 'features-clients-1');
    expect(ingress.spec.ingress).toEqual([{
      from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'team-a' } }, podSelector: { matchLabels: { 'cnai.io/predictive-service': 'churn' } } }],
      ports: SERVING_PORTS,
    }]);
  });

  test('a TrainingJob: the offline server\'s and registry\'s endpoints in its trainer, and the flow from its pods to them', () => {
    const s = setup();
    const runtime = new TrainingRuntime(s.chart, 'xgb', { name: 'xgb-train', image: 'docker.io/library/python:3.12.8-slim', datasetInitializer: false, modelInitializer: false });
    new TrainingJob(s.chart, 'churn-train', { team: s.team, pool: s.cpu, runtime, featureStore: s.store });
    const objects = objectsOf(s.chart);
    const job = find(objects, 'TrainJob', 'churn-train');
    expect(job.spec.trainer.env).toEqual(expect.arrayContaining([REGISTRY, OFFLINE, PROJECT]));
    expect(job.spec.trainer.env).not.toContainEqual(ONLINE);
    const ingress = find(objects, 'NetworkPolicy', 'features-clients-1');
    expect(ingress.spec.ingress[0].from).toEqual([{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'team-a' } }, podSelector: { matchLabels: { 'cnai.io/workload': 'churn-train' } } }]);
    const teamEgress = objects.filter((o) => o.kind === 'NetworkPolicy' && o.metadata.namespace === 'team-a' && JSON.stringify(o.spec.egress ?? []).includes('feast.dev/name'));
    expect(teamEgress.flatMap((p) => p.spec.egress.flatMap((e: any) => e.ports.map((x: any) => x.port))).sort()).toEqual([6570, 8815]);
    expect(ingress.spec.ingress[0].ports).toEqual([{ protocol: 'TCP', port: 6570 }, { protocol: 'TCP', port: 8815 }]);
  });

  describe('errors', () => {
    test('an access that is not a FeatureAccess', () => {
      const s = setup();
      expect(() => s.store.allowFrom(s.team.workloads({ app: 'x' }), 'write' as FeatureAccess)).toThrow(/test\/features: invalid access = "write": not a FeatureAccess.*use one of online, offline, all/s);
    });
    test('a PredictiveService given a name instead of the feature store', () => {
      const s = setup();
      expect(() => new PredictiveService(s.chart, 'churn', {
        format: PredictiveModelFormat.XGBOOST, source: ModelSource.fromModelStore(s.contract, 'served/churn'), namespace: s.team, featureStore: 'features',
      } as unknown as PredictiveServiceProps)).toThrow(/test\/churn: invalid featureStore = "features": not a feature store object.*pass the FeatureStore construct/s);
    });
    test('a TrainingJob given a URL instead of the feature store', () => {
      const s = setup();
      expect(() => new TrainingJob(s.chart, 'churn-train', { team: s.team, pool: s.cpu, featureStore: 'http://feast-features-online.features.svc' as any }))
        .toThrow(/invalid featureStore = "http:\/\/feast-features-online.features.svc": not a feature store object/);
    });
  });
});
