/**
 * The predictive example's feature store passes the platform's admission policies, once enforced:
 * what Argo CD applies (the Redis online store, its password generator Job), what the Feast
 * operator creates from the FeatureStore (the feature server's Deployment, the materialization
 * CronJob, as the verifier's adapter derives their pod specs) and the pods their controllers make.
 */
import { Testing } from 'cdk8s';
import { admit, AdmissionRequest, problemsOf } from './admission';
import { ARGO_CD, controller } from './fixture';
import { buildPredictiveApp } from '../../../examples/predictive/main';
import { FEATURE_STORE } from '../../../examples/predictive/spec';
import { buildPlatformModel } from '../../../lib/verify/platform/model-builder';

const app = buildPredictiveApp(Testing.app().outdir);
const objects: any[] = app.charts.flatMap((c) => Testing.synth(c));
const model = buildPlatformModel({ file: 'predictive', content: objects }, [], { clusterProvided: false });
const namespaceLabels = objects.find((o) => o.kind === 'Namespace' && o.metadata.name === FEATURE_STORE).metadata.labels;
const FEAST_OPERATOR = { username: 'system:serviceaccount:feast-operator-system:feast-operator-controller-manager', groups: ['system:serviceaccounts'] };
const UID = '0a1b2c3d-0000-4000-8000-00000000000a';
const owner = (apiVersion: string, kind: string, name: string) => [{ apiVersion, kind, name, uid: UID, controller: true, blockOwnerDeletion: true }];

interface Owner { apiVersion: string; kind: string; name: string }
interface Who { username: string; groups?: string[] }

function pod(name: string, labels: { [key: string]: string }, spec: any, by: Owner, who: Who): AdmissionRequest {
  return {
    operation: 'CREATE',
    namespaceLabels,
    object: { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: FEATURE_STORE, labels, ownerReferences: owner(by.apiVersion, by.kind, by.name) }, spec },
    ...who,
  };
}

function group(id: string) {
  const g = model.podGroups.find((x) => x.id === id);
  if (!g) throw new Error(`no pod group ${id}`);
  return g;
}

describe('the predictive example\'s feature store under the admission policies', () => {
  test('nothing the platform applies or the operator creates is denied', () => {
    const requests: Array<[string, AdmissionRequest]> = [];
    for (const o of objects.filter((x) => x.metadata?.namespace === FEATURE_STORE && ['StatefulSet', 'Job'].includes(x.kind))) {
      requests.push([`${o.kind} ${o.metadata.name}`, { operation: 'CREATE', object: o, namespaceLabels, ...ARGO_CD }]);
      const tpl = o.spec.template;
      requests.push([`pod of ${o.kind} ${o.metadata.name}`, pod(`${o.metadata.name}-0`, tpl.metadata.labels, tpl.spec, { apiVersion: o.apiVersion, kind: o.kind, name: o.metadata.name },
        controller(o.kind === 'Job' ? 'job-controller' : 'statefulset-controller'))]);
    }
    const servers = group(`FeatureStore ${FEATURE_STORE}/${FEATURE_STORE} (servers)`);
    const deployName = `feast-${FEATURE_STORE}`;
    const fsOwner = owner('feast.dev/v1', 'FeatureStore', FEATURE_STORE);
    requests.push([`Deployment ${deployName}`, {
      operation: 'CREATE',
      namespaceLabels,
      ...FEAST_OPERATOR,
      object: { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: deployName, namespace: FEATURE_STORE, labels: servers.labels, ownerReferences: fsOwner }, spec: { template: { metadata: { labels: servers.labels }, spec: servers.podSpec } } },
    }]);
    requests.push(['feature server pod', pod(`${deployName}-7c9d8f6b5-x1`, servers.labels, servers.podSpec, { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: `${deployName}-7c9d8f6b5` }, controller('replicaset-controller'))]);
    const cron = group(`FeatureStore ${FEATURE_STORE}/${FEATURE_STORE} (materialization)`);
    requests.push([`CronJob ${deployName}`, {
      operation: 'CREATE',
      namespaceLabels,
      ...FEAST_OPERATOR,
      object: { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: deployName, namespace: FEATURE_STORE, ownerReferences: fsOwner }, spec: { schedule: '0 * * * *', jobTemplate: { spec: { template: { spec: cron.podSpec } } } } },
    }]);
    requests.push(['materialization Job', {
      operation: 'CREATE',
      namespaceLabels,
      ...controller('cronjob-controller'),
      object: { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: `${deployName}-29000000`, namespace: FEATURE_STORE, ownerReferences: owner('batch/v1', 'CronJob', deployName) }, spec: { template: { spec: cron.podSpec } } },
    }]);
    requests.push(['materialization pod', pod(`${deployName}-29000000-x1`, cron.labels, cron.podSpec, { apiVersion: 'batch/v1', kind: 'Job', name: `${deployName}-29000000` }, controller('job-controller'))]);

    // The Redis StatefulSet and its password generator Job with their pods, and the operator's five.
    expect(requests.length).toBe(9);
    const denied = requests.map(([what, r]) => ({ what, problems: problemsOf(admit(objects, r)) })).filter((x) => x.problems.length > 0);
    expect(denied).toEqual([]);
    // The image policy judged the operator's pods: an unpinned feature server image would be denied.
    const unpinned = { ...servers.podSpec, containers: [{ ...(servers.podSpec!.containers as any[])[0], image: 'quay.io/feastdev/feature-server:latest' }] };
    const verdicts = admit(objects, pod('x', servers.labels, unpinned, { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'x' }, controller('replicaset-controller')));
    expect(problemsOf(verdicts).join('\n')).toMatch(/feature-server:latest/);
  });
});
