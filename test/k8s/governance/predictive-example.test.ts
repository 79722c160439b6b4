/**
 * The predictive example's model passes the platform's admission policies: the InferenceService
 * as Argo CD applies it, KServe's Deployment, and the pod with the storage initializer KServe's
 * webhook injects (it loads from the model store's `served/` prefix). A storageUri outside the
 * model store is denied.
 */
import { Testing } from 'cdk8s';
import { admit, AdmissionRequest, problemsOf } from './admission';
import { ARGO_CD, controller } from './fixture';
import { buildPredictiveApp } from '../../../examples/predictive/main';
import { MODEL, TEAM } from '../../../examples/predictive/spec';
import { imageRef, OPERATOR_IMAGES } from '../../../lib/core';

const app = buildPredictiveApp(Testing.app().outdir);
const objects: any[] = app.charts.flatMap((c) => Testing.synth(c));
const namespaceLabels = objects.find((o) => o.kind === 'Namespace' && o.metadata.name === TEAM).metadata.labels;
const isvc = objects.find((o) => o.kind === 'InferenceService' && o.metadata.name === MODEL);
const KSERVE = { username: 'system:serviceaccount:kserve:kserve-controller-manager' };
const UID = '0a1b2c3d-0000-4000-8000-00000000000a';

function requests(inferenceService: any): AdmissionRequest[] {
  const p = inferenceService.spec.predictor;
  const { model, minReplicas: _min, maxReplicas: _max, scaleMetric: _m, scaleTarget: _t, labels: _l, ...pod } = p;
  const { modelFormat: _f, runtime: _r, storageUri, protocolVersion: _pv, ...container } = model;
  const labels = { ...inferenceService.metadata.labels, ...p.labels, app: `isvc.${MODEL}-predictor`, component: 'predictor' };
  const spec = {
    ...pod,
    initContainers: [{ name: 'storage-initializer', image: imageRef(OPERATOR_IMAGES.kserveStorageInitializer), args: [storageUri, '/mnt/models'] }],
    containers: [{ name: 'kserve-container', image: 'docker.io/kserve/xgbserver:v0.20.0', ...container }],
  };
  const owner = (kind: string, name: string) => [{ apiVersion: kind === 'InferenceService' ? 'serving.kserve.io/v1beta1' : 'apps/v1', kind, name, uid: UID, controller: true }];
  return [
    { operation: 'CREATE', object: inferenceService, namespaceLabels, ...ARGO_CD },
    {
      operation: 'CREATE',
      object: { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: `${MODEL}-predictor`, namespace: TEAM, labels, ownerReferences: owner('InferenceService', MODEL) }, spec: { template: { metadata: { labels }, spec } } },
      namespaceLabels,
      ...KSERVE,
    },
    {
      operation: 'CREATE',
      object: { apiVersion: 'v1', kind: 'Pod', metadata: { name: `${MODEL}-predictor-x1`, namespace: TEAM, labels, ownerReferences: owner('ReplicaSet', `${MODEL}-predictor-1`) }, spec },
      namespaceLabels,
      ...controller('replicaset-controller'),
    },
  ];
}

describe('the predictive example under the admission policies', () => {
  test('its model loads from the model store: nothing is denied once enforced, and the model-source policy judged it', () => {
    expect(isvc.spec.predictor.model.storageUri).toBe('s3://cnai-dev-models-123456789012-us-west-2/served/churn/');
    const results = requests(isvc).map((r) => admit(objects, r));
    expect(results.map((r) => problemsOf(r))).toEqual([[], [], []]);
    expect(results[0].map((v) => v.binding)).toContain('cnai-served-model-sources');
  });

  test('a storageUri outside the model store would be denied', () => {
    const elsewhere = { ...isvc, spec: { predictor: { ...isvc.spec.predictor, model: { ...isvc.spec.predictor.model, storageUri: 's3://somebody-elses-bucket/churn/' } } } };
    expect(problemsOf(admit(objects, requests(elsewhere)[0])).join('\n')).toMatch(/InferenceService churn loads from outside the model store: s3:\/\/somebody-elses-bucket\/churn\//);
  });
});
