/**
 * The reference platform ships its admission policies, and its own workloads pass them: every
 * object of the output that runs pods, and every pod its controllers would create from it
 * (with the owner, labels and requester Kubernetes, KServe and Argo CD give them), evaluated
 * through every binding that applies. Once enforced, nothing of the platform's is denied;
 * the exemptions that make it so are named here, and shown to be needed.
 */
import { Testing } from 'cdk8s';
import { admit, AdmissionRequest, compileAll, problemsOf } from './admission';
import { ARGO_CD, controller, Requester } from './fixture';
import { buildReferenceK8s } from '../../../examples/reference-platform/k8s-layer';
import { referenceContract } from '../../../examples/reference-platform/main';
import { REFERENCE_SPEC } from '../../../examples/reference-platform/spec';
import { GATEWAY_IMAGES, imageRef, OPERATOR_IMAGES } from '../../../lib/core';
import { AdmissionPolicyMode, CnaiPlatform } from '../../../lib/k8s';
import { buildPlatformModel } from '../../../lib/verify/platform/model-builder';

const app = Testing.app();
const platform = buildReferenceK8s(app, referenceContract());
const objects: any[] = app.charts.flatMap((c) => Testing.synth(c));
const model = buildPlatformModel({ file: 'reference', content: objects }, [], { clusterProvided: false });
const namespaceLabels = new Map<string, { [key: string]: string }>(objects.filter((o) => o.kind === 'Namespace').map((o) => [o.metadata.name, o.metadata.labels ?? {}]));
const policies = objects.filter((o) => o.kind === 'ValidatingAdmissionPolicy');

const KSERVE = { username: 'system:serviceaccount:kserve:kserve-controller-manager' };
const ENVOY_GATEWAY = { username: 'system:serviceaccount:envoy-gateway-system:envoy-gateway', groups: ['system:serviceaccounts'] };
/** The pods Envoy Gateway makes for the model gateway, by pod group, with their images (proxy, shutdown manager, AI Gateway's external processor). */
const ENVOY_GATEWAY_MADE: { [podGroup: string]: string[] } = {
  'Gateway model-gateway/model-gateway (Envoy proxies)': [GATEWAY_IMAGES.envoyProxy, GATEWAY_IMAGES.envoyGateway, GATEWAY_IMAGES.aiGatewayExtProc].map(imageRef),
  'Envoy Gateway rate limit service (envoy-gateway-system/envoy-ratelimit)': [imageRef(GATEWAY_IMAGES.ratelimit)],
};
const HASH = '7c9d8f6b5';
const UID = '0a1b2c3d-0000-4000-8000-00000000000a';
const owner = (apiVersion: string, kind: string, name: string) => ({ apiVersion, kind, name, uid: UID, controller: true, blockOwnerDeletion: true });

interface Case {
  readonly what: string;
  readonly request: AdmissionRequest;
}

/** The controller of a pod. */
interface Owner {
  readonly kind: string;
  readonly apiVersion: string;
  readonly name: string;
}

/** The pod a controller makes from a template: its owner, the labels it adds, who creates it. */
function podOf(namespace: string, name: string, labels: { [key: string]: string }, spec: any, by: Owner, who: Requester): AdmissionRequest {
  return {
    operation: 'CREATE',
    namespaceLabels: namespaceLabels.get(namespace) ?? {},
    object: { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace, labels, ownerReferences: [owner(by.apiVersion, by.kind, by.name)] }, spec },
    ...who,
  };
}

/** Every request the platform's workloads make: the objects Argo CD applies, and their pods. */
function cases(): Case[] {
  const out: Case[] = [];
  const written = new Map(objects.map((o) => [`${o.kind} ${o.metadata.namespace}/${o.metadata.name}`, o]));
  for (const g of model.podGroups) {
    if (g.origin.release) continue; // installed by an operator release: their charts' pods are not in the output
    // The gateway's Envoy proxies and the token budgets' rate limit service: Envoy Gateway (v1.9.0) makes their Deployments from
    // the EnvoyProxy and its rate limit settings, with its pinned images, and Envoy AI Gateway's webhook adds its external
    // processor to the proxies; no object of the output runs them, so their pods are built here as those controllers make them.
    const envoyMade = ENVOY_GATEWAY_MADE[g.id];
    if (envoyMade) {
      const ns = g.namespace;
      const spec = { containers: envoyMade.map((image, i) => ({ name: `c${i}`, image })), securityContext: { runAsNonRoot: true, runAsUser: 65532 } };
      const name = g.id.startsWith('Gateway') ? 'envoy-model-gateway-model-gateway-1a2b3c4d' : 'envoy-ratelimit';
      const dep = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace: ns, labels: g.labels }, spec: { selector: { matchLabels: g.labels }, template: { metadata: { labels: g.labels }, spec } } };
      out.push({ what: `Deployment of ${g.id}`, request: { operation: 'CREATE', object: dep, namespaceLabels: namespaceLabels.get(ns) ?? {}, ...ENVOY_GATEWAY } });
      out.push({ what: `pod of ${g.id}`, request: podOf(ns, `${name}-${HASH}-x1`, { ...g.labels, 'pod-template-hash': HASH }, spec, { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: `${name}-${HASH}` }, controller('replicaset-controller')) });
      continue;
    }
    const o = written.get(g.id);
    if (!o) throw new Error(`pod group ${g.id} has no object of the output`);
    const ns = g.namespace;
    const name = o.metadata.name;
    const labels = g.labels;
    out.push({ what: `${g.id} (applied by Argo CD)`, request: { operation: 'CREATE', object: o, namespaceLabels: namespaceLabels.get(ns) ?? {}, ...ARGO_CD } });
    switch (o.kind) {
      case 'Deployment':
        out.push({ what: `pod of ${g.id}`, request: podOf(ns, `${name}-${HASH}-x1`, { ...labels, 'pod-template-hash': HASH }, g.podSpec, { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: `${name}-${HASH}` }, controller('replicaset-controller')) });
        break;
      case 'StatefulSet':
        out.push({ what: `pod of ${g.id}`, request: podOf(ns, `${name}-0`, labels, g.podSpec, { apiVersion: 'apps/v1', kind: 'StatefulSet', name }, controller('statefulset-controller')) });
        break;
      case 'DaemonSet':
        out.push({ what: `pod of ${g.id}`, request: podOf(ns, `${name}-x1`, labels, g.podSpec, { apiVersion: 'apps/v1', kind: 'DaemonSet', name }, controller('daemon-set-controller')) });
        break;
      case 'Job':
        out.push({ what: `pod of ${g.id}`, request: podOf(ns, `${name}-x1`, labels, g.podSpec, { apiVersion: 'batch/v1', kind: 'Job', name }, controller('job-controller')) });
        break;
      case 'CronJob': {
        const job = `${name}-29400000`;
        const jobObject = { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: job, namespace: ns, labels: o.spec.jobTemplate.metadata?.labels ?? {}, ownerReferences: [owner('batch/v1', 'CronJob', name)] }, spec: o.spec.jobTemplate.spec };
        out.push({ what: `Job of ${g.id}`, request: { operation: 'CREATE', object: jobObject, namespaceLabels: namespaceLabels.get(ns) ?? {}, ...controller('cronjob-controller') } });
        out.push({ what: `pod of ${g.id}`, request: podOf(ns, `${job}-x1`, { ...labels, 'batch.kubernetes.io/job-name': job }, g.podSpec, { apiVersion: 'batch/v1', kind: 'Job', name: job }, controller('job-controller')) });
        break;
      }
      case 'InferenceService': {
        // KServe's Deployment `<isvc>-predictor` (owned by the InferenceService), and its pods with
        // what KServe's pod webhook injects: the storage initializer (storageUri) and, with a logger, the agent.
        const deployment = `${name}-predictor`;
        const spec = g.podSpec as any;
        const injected = {
          ...spec,
          initContainers: [{ name: 'storage-initializer', image: imageRef(OPERATOR_IMAGES.kserveStorageInitializer), args: [o.spec.predictor.model.storageUri, '/mnt/models'] }],
          containers: [...spec.containers, ...(o.spec.predictor.logger ? [{ name: 'agent', image: imageRef(OPERATOR_IMAGES.kserveAgent) }] : [])],
        };
        const dep = {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: { name: deployment, namespace: ns, labels, ownerReferences: [owner('serving.kserve.io/v1beta1', 'InferenceService', name)] },
          spec: { selector: { matchLabels: { app: labels.app } }, template: { metadata: { labels }, spec } },
        };
        out.push({ what: `Deployment of ${g.id}`, request: { operation: 'CREATE', object: dep, namespaceLabels: namespaceLabels.get(ns) ?? {}, ...KSERVE } });
        out.push({ what: `pod of ${g.id}`, request: podOf(ns, `${deployment}-${HASH}-x1`, { ...labels, 'pod-template-hash': HASH }, injected, { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: `${deployment}-${HASH}` }, controller('replicaset-controller')) });
        break;
      }
      default:
        throw new Error(`the reference runs pods of a ${o.kind} (${g.id}): add how its controller makes them to this test`);
    }
  }
  return out;
}

const all = cases();

describe('the reference platform\'s admission policies', () => {
  test('it ships the six policies, the rules in warn mode and the identity boundaries enforced, compiled by the engine', () => {
    expect(policies.map((p) => p.metadata.name).sort()).toEqual([
      'cnai-allowed-images', 'cnai-gpu-workloads-through-kueue', 'cnai-no-host-access', 'cnai-served-model-sources', 'cnai-serving-identity', 'cnai-training-identity',
    ]);
    for (const b of objects.filter((o) => o.kind === 'ValidatingAdmissionPolicyBinding')) {
      expect(b.spec.validationActions).toEqual(['cnai-training-identity', 'cnai-serving-identity'].includes(b.spec.policyName) ? ['Deny', 'Audit'] : ['Warn', 'Audit']);
    }
    expect(platform.admissionPolicies.servingServiceAccounts).toEqual(['aws-load-balancer-controller', 'chat', 'embed', 'external-secrets', 'knowledge-snapshots', 'mlflow', 'otel-collector']);
    expect(compileAll(policies)).toBeGreaterThan(50);
    expect(platform.admissionPolicies.policies['cnai-training-identity'].policy.name).toBe('cnai-training-identity');
  });

  test('its exemptions, each with its reason: the served models are GPU servers outside Kueue; GPU plugins and node exporter need the node', () => {
    const p = platform.admissionPolicies;
    expect(p.gpuExemptions.map((e) => `${e.namespace}/${e.workload}`)).toEqual(['ai-apps/chat', 'ai-apps/embed-predictor']);
    expect(p.hostAccessExemptions.map((e) => `${e.namespace}: ${e.access.join(', ')}`)).toEqual([
      'kube-system: privileged, hostNetwork, hostPID, hostIPC, hostPath',
      'nvidia-gpu: hostPath',
      'monitoring: hostNetwork, hostPID, hostPath',
      'aws-efa-device-plugin: privileged, hostNetwork, hostPath',
    ]);
    for (const e of [...p.gpuExemptions, ...p.hostAccessExemptions]) expect(e.reason.length).toBeGreaterThan(20);
    // The namespaces the platform labels Pod Security `privileged` are exactly those with host access (and kube-system, which it does not label).
    const privileged = objects.filter((o) => o.kind === 'Namespace' && o.metadata.labels['pod-security.kubernetes.io/enforce'] === 'privileged').map((o) => o.metadata.name).sort();
    expect(privileged).toEqual(p.hostAccessExemptions.map((e) => e.namespace).filter((n) => n !== 'kube-system').sort());
    expect(p.imageSources).toContain('123456789012.dkr.ecr.us-west-2.amazonaws.com/cnai-prod');
    expect(p.modelLocations).toEqual(['s3://cnai-prod-models-123456789012-us-west-2/mlflow/', 's3://cnai-prod-models-123456789012-us-west-2/served/']);
  });

  test('nothing the platform runs would be denied once enforced', () => {
    const denied = all.map((c) => ({ what: c.what, problems: problemsOf(admit(objects, c.request)) })).filter((c) => c.problems.length > 0);
    expect(denied).toEqual([]);
  });

  test('every policy judged the platform\'s own requests, in the namespaces its bindings select', () => {
    const judged = new Map<string, Set<string>>();
    for (const c of all) {
      for (const v of admit(objects, c.request)) {
        if (!judged.has(v.binding)) judged.set(v.binding, new Set());
        judged.get(v.binding)!.add(c.request.object.metadata.namespace);
      }
    }
    const sorted = (b: string) => [...(judged.get(b) ?? [])].sort();
    expect(sorted('cnai-gpu-workloads-through-kueue')).toEqual(['ai-apps']);
    expect(sorted('cnai-served-model-sources')).toEqual(['ai-apps']);
    expect(sorted('cnai-training-identity')).toEqual(['ai-apps']);
    expect(sorted('cnai-allowed-images-teams')).toEqual(['ai-apps']);
    expect(sorted('cnai-allowed-images-platform')).toEqual(['knowledge', 'mlflow', 'model-gateway', 'nvidia-gpu', 'observability']);
    // The gateway's own pods: the API key jobs (model-gateway) and the token budgets' Redis (beside Envoy Gateway).
    expect(sorted('cnai-no-host-access')).toEqual(['ai-apps', 'envoy-gateway-system', 'knowledge', 'mlflow', 'model-gateway', 'monitoring', 'nvidia-gpu', 'observability']);
    expect(all.length).toBeGreaterThanOrEqual(25);
  });

  test('the exemptions are needed: without them, the served models\' pods and the device plugins would be denied', () => {
    const without = objects.map((o) => {
      if (o.kind !== 'ValidatingAdmissionPolicy') return o;
      const variables = (o.spec.variables ?? []).map((v: any) => (v.name === 'exemptions' ? { ...v, expression: '{}' } : v));
      return { ...o, spec: { ...o.spec, variables } };
    });
    const deniedWithout = all.filter((c) => problemsOf(admit(without, c.request)).length > 0).map((c) => c.what).sort();
    expect(deniedWithout).toEqual([
      'Deployment ai-apps/chat (applied by Argo CD)',
      'DaemonSet nvidia-gpu/nvidia-device-plugin-inference-l40s (applied by Argo CD)',
      'pod of DaemonSet nvidia-gpu/nvidia-device-plugin-inference-l40s',
      'DaemonSet nvidia-gpu/nvidia-device-plugin-shared-a10g (applied by Argo CD)',
      'pod of DaemonSet nvidia-gpu/nvidia-device-plugin-shared-a10g',
      'DaemonSet nvidia-gpu/nvidia-device-plugin-training-h100 (applied by Argo CD)',
      'pod of DaemonSet nvidia-gpu/nvidia-device-plugin-training-h100',
      'pod of Deployment ai-apps/chat',
      'pod of InferenceService ai-apps/embed',
    ].sort());
  });
});

describe('the developer Roles under the enforced identity boundaries', () => {
  test('each team\'s ml-developer Role carries the accepted finding, its reason naming the policies and the identities they cover', () => {
    const roles = objects.filter((o) => o.kind === 'Role' && o.metadata.name === 'ml-developer');
    expect(roles.map((r) => r.metadata.namespace).sort()).toEqual(['ai-apps', 'ml-research']);
    const byNamespace = Object.fromEntries(roles.map((r) => [r.metadata.namespace, JSON.parse(r.metadata.annotations['cnai.io/suppress'])]));
    expect(byNamespace['ai-apps']).toEqual([{
      id: 'pod-create-workload-identity',
      reason: 'people\'s pods and workloads in ai-apps are refused its workload identities (chat, embed, ml-training) by the enforced admission policies '
        + 'cnai-training-identity and cnai-serving-identity: only controllers run them (TrainJobs, queued Jobs, Notebooks; the served models Argo CD applies); '
        + 'pods/exec into a running pod stays, recorded by the audit log',
    }]);
    expect(byNamespace['ml-research'][0].reason).toMatch(/in ml-research are refused its workload identities \(ml-training\)/);
  });

  test('with a boundary in warn mode the finding stays (no suppression from the library)', () => {
    const warnApp = Testing.app();
    new CnaiPlatform(warnApp, 'cnai', { spec: REFERENCE_SPEC, contract: referenceContract(), admissionPolicies: { servingIdentityMode: AdmissionPolicyMode.WARN } });
    const warnRoles = warnApp.charts.flatMap((c) => Testing.synth(c)).filter((o: any) => o.kind === 'Role' && o.metadata.name === 'ml-developer');
    expect(warnRoles.length).toBe(2);
    for (const r of warnRoles) expect(r.metadata.annotations?.['cnai.io/suppress']).toBeUndefined();
  });
});
