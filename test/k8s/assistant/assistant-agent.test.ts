import { Testing } from 'cdk8s';
import { AgentWriteVerb, AssistantAgentKind } from '../../../lib/core/assistant-spec';
import { AGENT_TOOLS_PORT, AssistantAgent, AssistantAgentProps } from '../../../lib/k8s/assistant/assistant-agent';

const PROPS: AssistantAgentProps = {
  kind: AssistantAgentKind.PLATFORM,
  namespace: 'ops',
  modelConfigName: 'chat-model',
  prometheusUrl: 'http://prometheus.monitoring.svc:9090',
};

function synth(props: Partial<AssistantAgentProps> = {}): { agent: AssistantAgent; objects: any[] } {
  const chart = Testing.chart();
  const agent = new AssistantAgent(chart, 'agent', { ...PROPS, ...props });
  return { agent, objects: Testing.synth(chart) };
}

const find = (objects: any[], kind: string, name: string, namespace?: string) =>
  objects.find((o) => o.kind === kind && o.metadata.name === name && (namespace === undefined || o.metadata.namespace === namespace));

const SECURE = {
  pod: { runAsNonRoot: true, runAsUser: 65532, runAsGroup: 65532, fsGroup: 65532, seccompProfile: { type: 'RuntimeDefault' } },
  container: {
    runAsNonRoot: true,
    runAsUser: 65532,
    runAsGroup: 65532,
    readOnlyRootFilesystem: true,
    allowPrivilegeEscalation: false,
    privileged: false,
    capabilities: { drop: ['ALL'] },
    seccompProfile: { type: 'RuntimeDefault' },
  },
};

describe('AssistantAgent', () => {
  test('the MCP port is kagent\'s tool server port', () => {
    expect(AGENT_TOOLS_PORT).toBe(8084);
  });

  test('defaults (read-only): two service accounts, a cluster read role, the MCP server and the agent, nothing else', () => {
    const { agent, objects } = synth();
    expect(agent.name).toBe('platform-operations');
    expect(agent.toolsName).toBe('platform-operations-tools');
    expect(agent.namespaceName).toBe('ops');
    expect(agent.auditIdentity).toBe('system:serviceaccount:ops:platform-operations-tools');
    expect(agent.readOnly).toBe(true);
    expect(agent.writeRules).toEqual({});
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      'ServiceAccount/platform-operations',
      'ServiceAccount/platform-operations-tools',
      'ClusterRole/cnai-assistant-platform-operations-read',
      'ClusterRoleBinding/cnai-assistant-platform-operations-read',
      'MCPServer/platform-operations-tools',
      'Agent/platform-operations',
    ]);
    for (const o of objects) {
      expect(o.metadata.labels).toEqual({ 'app.kubernetes.io/part-of': 'cnai-platform', 'app.kubernetes.io/component': 'assistant' });
      expect(o.metadata.annotations['argocd.argoproj.io/sync-wave']).toBe('1');
      expect([o.kind, 'cnai.io/suppress' in o.metadata.annotations]).toEqual([o.kind, o.kind === 'Agent' || o.kind === 'MCPServer']);
    }
    expect(find(objects, 'ClusterRole', 'cnai-assistant-platform-operations-read').metadata.namespace).toBeUndefined();
    expect(find(objects, 'ServiceAccount', 'platform-operations').automountServiceAccountToken).toBe(false);
    expect(find(objects, 'ServiceAccount', 'platform-operations-tools').automountServiceAccountToken).toBe(true);
    expect(find(objects, 'ClusterRoleBinding', 'cnai-assistant-platform-operations-read').roleRef)
      .toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cnai-assistant-platform-operations-read' });
  });

  test('the MCP server: kagent\'s tool server over HTTP at /mcp, read-only, restricted, HOME on a small emptyDir', () => {
    const { objects } = synth();
    expect(find(objects, 'MCPServer', 'platform-operations-tools', 'ops').spec).toEqual({
      transportType: 'http',
      httpTransport: { targetPort: 8084, path: '/mcp' },
      deployment: {
        image: 'ghcr.io/kagent-dev/kagent/tools:0.2.1',
        port: 8084,
        args: ['--port', '8084', '--tools', 'k8s,prometheus', '--read-only'],
        env: { HOME: '/tmp' },
        serviceAccountName: 'platform-operations-tools',
        podSecurityContext: SECURE.pod,
        securityContext: SECURE.container,
        resources: { requests: { cpu: '50m', memory: '128Mi' }, limits: { memory: '256Mi' } },
        volumes: [{ name: 'tmp', emptyDir: { sizeLimit: '64Mi' } }],
        volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
      },
    });
  });

  test('the agent: the model config, the role\'s instructions, the Prometheus URL, read-only, restricted', () => {
    const { agent, objects } = synth();
    const spec = find(objects, 'Agent', 'platform-operations', 'ops').spec;
    expect(spec.type).toBe('Declarative');
    expect(spec.description).toBe('Answers about the platform: served models and their autoscaling and metrics, training jobs.');
    expect(spec.declarative.modelConfig).toBe('chat-model');
    const paragraphs = spec.declarative.systemMessage.split('\n\n');
    expect(paragraphs).toHaveLength(3);
    expect(paragraphs[0]).toBe(agent.role.instructions);
    expect(paragraphs[1]).toBe('Prometheus answers queries at http://prometheus.monitoring.svc:9090: pass it as prometheus_url to the Prometheus tools.');
    expect(paragraphs[2]).toBe('You are read-only: you cannot change anything in the cluster. When a change would help, say which, and who should make it.');
    expect(spec.declarative.deployment).toEqual({
      serviceAccountName: 'platform-operations',
      env: [{ name: 'HOME', value: '/tmp' }],
      podSecurityContext: SECURE.pod,
      securityContext: SECURE.container,
      resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '512Mi' } },
      volumes: [{ name: 'tmp', emptyDir: { sizeLimit: '128Mi' } }],
      volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
    });
  });

  test('write access in two namespaces: a Role and RoleBinding in each, the write tools, the server without --read-only', () => {
    const { agent, objects } = synth({ writeAccess: { namespaces: ['team-a', 'team-b'], verbs: [AgentWriteVerb.PATCH] } });
    expect(agent.readOnly).toBe(false);
    expect(Object.keys(agent.writeRules)).toEqual(['team-a', 'team-b']);
    for (const ns of ['team-a', 'team-b']) {
      const role = find(objects, 'Role', 'cnai-assistant-platform-operations-write', ns);
      expect(role.rules[0]).toEqual({ apiGroups: ['apps'], resources: ['deployments', 'deployments/scale'], verbs: ['patch'] });
      expect(find(objects, 'RoleBinding', 'cnai-assistant-platform-operations-write', ns)).toMatchObject({
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'cnai-assistant-platform-operations-write' },
        subjects: [{ kind: 'ServiceAccount', name: 'platform-operations-tools', namespace: 'ops' }],
      });
    }
    expect(find(objects, 'MCPServer', 'platform-operations-tools').spec.deployment.args).toEqual(['--port', '8084', '--tools', 'k8s,prometheus']);
    expect(agent.tools.slice(9)).toEqual(['k8s_scale', 'k8s_patch_resource', 'k8s_rollout', 'k8s_label_resource', 'k8s_annotate_resource', 'k8s_remove_label', 'k8s_remove_annotation']);
    expect(find(objects, 'Agent', 'platform-operations').spec.declarative.systemMessage.split('\n\n')[2]).toBe(
      'You may change objects only in the namespaces team-a, team-b, with the verbs patch; say what you will change and why before you change it. '
      + 'Everything you change is recorded in the cluster\'s audit log.');
  });

  test('what kagent\'s Agent and kmcp\'s MCPServer cannot express is suppressed with its reason', () => {
    const { objects } = synth();
    const suppressed = (kind: string) => JSON.parse(objects.find((o) => o.kind === kind).metadata.annotations['cnai.io/suppress']);
    expect(suppressed('Agent')).toEqual([
      { id: 'pod-priority-class', reason: 'kagent v0.9.12\'s Agent has no priority class field: the agent pods (no GPUs) run at the cluster\'s default priority' },
      { id: 'pod-probes', reason: 'kagent v0.9.12 gives agent pods a readiness probe on their agent card and no liveness probe, and its Agent has no field for one' },
    ]);
    expect(suppressed('MCPServer')).toEqual([
      { id: 'pod-priority-class', reason: 'kmcp v0.3.0\'s MCPServer has no priority class field: the MCP server pods (no GPUs) run at the cluster\'s default priority' },
      { id: 'pod-probes', reason: 'kmcp v0.3.0 sets no probes on MCP server pods, and its MCPServer has no field for them' },
    ]);
  });

  test('labels given are added to every object', () => {
    const { objects } = synth({ labels: { 'team': 'sre', 'app.kubernetes.io/component': 'ops-assistant' } });
    for (const o of objects) expect(o.metadata.labels).toEqual({ 'app.kubernetes.io/part-of': 'cnai-platform', 'app.kubernetes.io/component': 'ops-assistant', 'team': 'sre' });
  });

  test('the pod selectors kagent and kmcp label their pods with', () => {
    const { agent } = synth({ kind: AssistantAgentKind.DIAGNOSTICS });
    expect([agent.agentPods().namespace, agent.agentPods().podLabels]).toEqual(['ops', { app: 'kagent', kagent: 'cluster-diagnostics' }]);
    expect([agent.toolPods().namespace, agent.toolPods().podLabels]).toEqual(['ops', {
      'app.kubernetes.io/name': 'cluster-diagnostics-tools', 'app.kubernetes.io/instance': 'cluster-diagnostics-tools', 'app.kubernetes.io/managed-by': 'kmcp',
    }]);
  });

  describe('errors', () => {
    test('a kind that is not an agent (exact message)', () => {
      expect(() => synth({ kind: 'security' as AssistantAgentKind })).toThrow(
        'test/agent: invalid kind = "security": not an assistant agent. Fix: use AssistantAgentKind.DIAGNOSTICS or AssistantAgentKind.PLATFORM.');
    });

    test('write access in a system namespace, named without the agents[0] prefix (exact message)', () => {
      expect(() => synth({ writeAccess: { namespaces: ['kube-system'], verbs: [AgentWriteVerb.DELETE] } })).toThrow(
        'test/agent: invalid writeAccess.namespaces[0] = "kube-system": a system namespace: the assistant never changes the cluster\'s own components. '
        + 'Fix: scope write access to the namespaces of teams or of your workloads.');
    });

    test('write access without verbs (exact message)', () => {
      expect(() => synth({ writeAccess: { namespaces: ['team-a'], verbs: [] } })).toThrow(
        'test/agent: invalid writeAccess.verbs = []: write access without verbs grants nothing. Fix: list the verbs, e.g. [AgentWriteVerb.PATCH], or leave writeAccess out.');
    });

    test('a namespace that is not a DNS-1123 label', () => {
      expect(() => synth({ namespace: 'Ops' })).toThrow(/^test\/agent: invalid namespace = "Ops": not a valid DNS-1123 label/);
    });
  });
});
