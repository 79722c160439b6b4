/**
 * The endpoint picker of an InferencePool passes the platform's admission policies: the
 * Deployment as Argo CD applies it and the pod its ReplicaSet creates (pinned image from a known
 * source, no host access, no GPU), in a CnaiPlatform with the gateway on.
 */
import { App, Testing } from 'cdk8s';
import { admit, AdmissionRequest, problemsOf } from './admission';
import { ARGO_CD, controller } from './fixture';
import { ContractPreview, GpuInstanceType, ModelPresets, PlatformSpec } from '../../../lib/core';
import { CnaiPlatform } from '../../../lib/k8s';

const SPEC: PlatformSpec = {
  name: 'cnai',
  environment: 'test',
  region: 'us-west-2',
  accountId: '123456789012',
  availabilityZones: ['us-west-2a', 'us-west-2b'],
  gpuPools: [{ name: 'a10g', instanceTypes: [GpuInstanceType.G5_2XLARGE], maxNodes: 4 }],
  teams: [{ name: 'apps', quotas: [{ pool: 'a10g', gpus: 4 }] }],
  models: [{ name: 'chat', team: 'apps', model: ModelPresets.LLAMA_3_1_8B_INSTRUCT, pools: ['a10g'], maxModelLen: 8192, maxReplicas: 2 }],
  kubeflow: false,
  observability: false,
  gateway: {},
};

const app = new App();
new CnaiPlatform(app, 'cnai', { spec: SPEC, contract: ContractPreview.fromSpec(SPEC) });
const objects: any[] = app.charts.flatMap((c) => Testing.synth(c));
const namespaceLabels = objects.find((o) => o.kind === 'Namespace' && o.metadata.name === 'apps').metadata.labels;
const picker = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'chat-epp');

describe('an InferencePool\'s endpoint picker under the admission policies', () => {
  test('nothing is denied once enforced: the Deployment and its pod', () => {
    expect(objects.filter((o) => o.kind === 'ValidatingAdmissionPolicy').length).toBeGreaterThan(0);
    const labels = { ...picker.spec.template.metadata.labels, 'pod-template-hash': '7c9d8f6b5' };
    const requests: AdmissionRequest[] = [
      { operation: 'CREATE', object: picker, namespaceLabels, ...ARGO_CD },
      {
        operation: 'CREATE',
        object: {
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: { name: 'chat-epp-7c9d8f6b5-x1', namespace: 'apps', labels, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'chat-epp-7c9d8f6b5', uid: 'u', controller: true }] },
          spec: picker.spec.template.spec,
        },
        namespaceLabels,
        ...controller('replicaset-controller'),
      },
    ];
    const results = requests.map((r) => admit(objects, r));
    expect(results.map((r) => problemsOf(r))).toEqual([[], []]);
    // The image policy judged both (pinned, from a publisher the platform pins).
    expect(results.every((r) => r.some((v) => /image/.test(v.binding)))).toBe(true);
  });

  test('a picker image from elsewhere would be denied', () => {
    const other = JSON.parse(JSON.stringify(picker));
    other.spec.template.spec.containers[0].image = 'docker.io/somebody/epp:v1.5.0';
    expect(problemsOf(admit(objects, { operation: 'CREATE', object: other, namespaceLabels, ...ARGO_CD })).join('\n')).toMatch(/publishers of its pinned images, not: docker.io\/somebody\/epp/);
  });
});
