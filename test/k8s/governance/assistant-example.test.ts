/**
 * The assistant example's pods pass the platform's admission policies: the pods kagent runs for
 * its Agents, kmcp for its MCPServers and k8sgpt-operator for its K8sGPT, as those controllers build
 * them from the resources the platform applies (images from the pinned publishers, no host access).
 * An agent image from elsewhere is denied.
 */
import { Testing } from 'cdk8s';
import { admit, AdmissionRequest, problemsOf } from './admission';
import { controller } from './fixture';
import { buildAssistantApp } from '../../../examples/assistant/main';
import { ASSISTANT_IMAGES, imageRef } from '../../../lib/core';

const app = buildAssistantApp(Testing.app().outdir);
const objects: any[] = app.charts.flatMap((c) => Testing.synth(c));
const labelsOf = (ns: string) => objects.find((o) => o.kind === 'Namespace' && o.metadata.name === ns).metadata.labels;
const find = (kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata.name === name);

/** The pod kagent (v0.9.12) runs for an Agent. */
function agentPod(agent: any, image = imageRef(ASSISTANT_IMAGES.kagentAgent)): any {
  const d = agent.spec.declarative.deployment;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: `${agent.metadata.name}-x1`, namespace: agent.metadata.namespace, labels: { app: 'kagent', kagent: agent.metadata.name } },
    spec: {
      serviceAccountName: d.serviceAccountName,
      securityContext: d.podSecurityContext,
      containers: [{ name: 'kagent', image, env: d.env, resources: d.resources, securityContext: d.securityContext, volumeMounts: [...d.volumeMounts, { name: 'kagent-token', mountPath: '/var/run/secrets/tokens' }] }],
      volumes: [...d.volumes, { name: 'kagent-token', projected: { sources: [{ serviceAccountToken: { audience: 'kagent', expirationSeconds: 3600, path: 'kagent-token' } }] } }],
    },
  };
}

/** The pod kmcp (v0.3.0) runs for an MCPServer. */
function mcpPod(server: any): any {
  const d = server.spec.deployment;
  const name = server.metadata.name;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: `${name}-x1`, namespace: server.metadata.namespace, labels: { 'app.kubernetes.io/name': name, 'app.kubernetes.io/instance': name, 'app.kubernetes.io/managed-by': 'kmcp' } },
    spec: {
      serviceAccountName: d.serviceAccountName,
      securityContext: d.podSecurityContext,
      containers: [{ name: 'mcp-server', image: d.image, args: d.args, resources: d.resources, securityContext: d.securityContext, volumeMounts: [{ name: 'config', mountPath: '/config' }, ...d.volumeMounts] }],
      volumes: [{ name: 'config', configMap: { name } }, ...d.volumes],
    },
  };
}

/** The pod k8sgpt-operator (v0.2.27) runs for a K8sGPT. */
function analyzerPod(k: any): any {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: `${k.metadata.name}-x1`, namespace: k.metadata.namespace, labels: { app: k.metadata.name } },
    spec: {
      serviceAccountName: 'k8sgpt',
      containers: [{ name: 'k8sgpt', image: `${k.spec.repository}:${k.spec.version}`, args: ['serve'], resources: k.spec.resources, volumeMounts: [{ name: 'k8sgpt-vol', mountPath: '/k8sgpt-data' }] }],
      volumes: [{ name: 'k8sgpt-vol', emptyDir: {} }],
    },
  };
}

function requests(): AdmissionRequest[] {
  const out: AdmissionRequest[] = [];
  for (const a of objects.filter((x) => x.kind === 'Agent')) out.push({ operation: 'CREATE', object: agentPod(a), namespaceLabels: labelsOf(a.metadata.namespace), ...controller('replicaset-controller') });
  for (const m of objects.filter((x) => x.kind === 'MCPServer')) out.push({ operation: 'CREATE', object: mcpPod(m), namespaceLabels: labelsOf(m.metadata.namespace), ...controller('replicaset-controller') });
  for (const k of objects.filter((x) => x.kind === 'K8sGPT')) out.push({ operation: 'CREATE', object: analyzerPod(k), namespaceLabels: labelsOf(k.metadata.namespace), ...controller('replicaset-controller') });
  return out;
}

describe('the assistant example under the admission policies', () => {
  test('the pods their controllers run: nothing is denied once enforced', () => {
    const reqs = requests();
    expect(reqs.map((r) => `${r.object.kind} ${r.object.metadata.namespace}/${r.object.metadata.name}`).sort()).toEqual([
      'Pod cnai-analysis/cluster-analysis-x1',
      'Pod cnai-assistant/cluster-diagnostics-tools-x1', 'Pod cnai-assistant/cluster-diagnostics-x1',
      'Pod cnai-assistant/platform-operations-tools-x1', 'Pod cnai-assistant/platform-operations-x1',
    ]);
    expect(reqs.map((r) => problemsOf(admit(objects, r)))).toEqual(reqs.map(() => []));
    // The image policy judged the agents' pods (their namespaces are the platform's).
    expect(admit(objects, reqs.find((r) => r.object.kind === 'Pod')!).map((v) => v.binding)).toContain('cnai-allowed-images-platform');
  });

  test('an agent pod with an image from elsewhere would be denied', () => {
    const agent = find('Agent', 'cluster-diagnostics');
    const req: AdmissionRequest = { operation: 'CREATE', object: agentPod(agent, 'docker.io/someone/agent:1.0.0'), namespaceLabels: labelsOf('cnai-assistant'), ...controller('replicaset-controller') };
    expect(problemsOf(admit(objects, req)).join('\n')).toMatch(/docker\.io\/someone\/agent/);
  });
});
