import { Chart, Testing } from 'cdk8s';
import { AgentWriteVerb, AssistantAgentKind, GpuInstanceType, ModelPresets } from '../../../lib/core';
import {
  AssistantAgent, ClusterAnalysis, GatewayAccess, KubePrometheusStack, LlmService, ModelGateway, ModelSource, NodePoolReference, OperationsAssistant,
  OperationsAssistantProps, OperatorCatalogue, TeamNamespace, createReleaseNamespaces,
} from '../../../lib/k8s';
import { assertValidManifests } from '../../../lib/verify/k8s';
import { gpuPoolContract } from '../helpers';

const a10g = NodePoolReference.fromContract(gpuPoolContract('gpu-a10g', GpuInstanceType.G5_2XLARGE, 4));
const s3 = ModelSource.s3('s3://cnai-test-models/chat/', { region: 'us-west-2' });
const metricsBackend = KubePrometheusStack.platformDefault();

interface Setup {
  readonly chart: Chart;
  readonly chat: LlmService;
  readonly gateway: ModelGateway;
}

function setup(toolCalling = true, route = true): Setup {
  const chart = Testing.chart();
  // The releases' namespaces, as the platform declares them (gateway proxies, kagent, k8sgpt-operator, monitoring).
  createReleaseNamespaces(chart, [...OperatorCatalogue.modelGateway(), ...OperatorCatalogue.operationsAssistant(), metricsBackend.release]);
  const team = new TeamNamespace(chart, 'team-a', { quota: { gpus: 16, cpu: 512, memoryGiB: 4096 } });
  const chat = new LlmService(chart, 'chat', { model: ModelPresets.LLAMA_3_1_8B_INSTRUCT, maxModelLen: 8192, source: s3, namespace: team, pool: a10g, toolCalling });
  const gateway = new ModelGateway(chart, 'gateway', { models: route ? [chat] : [] });
  return { chart, chat, gateway };
}

function assistant(s: Setup, props: Partial<OperationsAssistantProps> = {}): OperationsAssistant {
  return new OperationsAssistant(s.chart, 'assistant', { gateway: s.gateway, model: s.chat, metricsBackend, ...props });
}

const find = (objects: any[], kind: string, name: string, namespace?: string) =>
  objects.find((o) => o.kind === kind && o.metadata.name === name && (namespace === undefined || o.metadata.namespace === namespace));

describe('OperationsAssistant', () => {
  test('the default: two read-only agents on the platform\'s model through the gateway, schema-valid', () => {
    const s = setup();
    const a = assistant(s);
    const objects = Testing.synth(s.chart);
    // Agent, ModelConfig, MCPServer (kagent v0.9.12, kmcp v0.3.0) and K8sGPT (as k8sgpt-operator's chart installs its CRD) included.
    assertValidManifests(objects, { kubernetesVersion: '1.34' });
    expect(Object.keys(a.agents)).toEqual(['cluster-diagnostics', 'platform-operations']);
    expect(find(objects, 'ModelConfig', 'platform-chat-model', 'cnai-assistant').spec).toEqual({
      provider: 'OpenAI',
      model: 'llama-3.1-8b-instruct',
      openAI: { baseUrl: 'http://model-gateway.envoy-gateway-system.svc:8080/v1' },
      // The assistant's own key of the gateway, copied into its namespace; the agents get it from here.
      apiKeySecret: 'model-gateway-api-key',
      apiKeySecretKey: 'api-key',
    });
    expect(find(objects, 'SecurityPolicy', 'model-gateway-access', 'model-gateway').spec.apiKeyAuth.credentialRefs.map((r: any) => r.name))
      .toEqual(expect.arrayContaining(['team-key-cnai-assistant', 'team-key-cnai-analysis']));
    const agent = find(objects, 'Agent', 'cluster-diagnostics', 'cnai-assistant');
    expect(agent.spec.declarative.modelConfig).toBe('platform-chat-model');
    expect(agent.spec.declarative.deployment.serviceAccountName).toBe('cluster-diagnostics');
    expect(agent.spec.declarative.tools).toEqual([{
      type: 'McpServer',
      mcpServer: {
        apiGroup: 'kagent.dev',
        kind: 'MCPServer',
        name: 'cluster-diagnostics-tools',
        toolNames: ['k8s_get_resources', 'k8s_get_resource_yaml', 'k8s_describe_resource', 'k8s_get_events', 'k8s_get_pod_logs', 'k8s_get_available_api_resources',
          'prometheus_query_tool', 'prometheus_query_range_tool', 'prometheus_label_names_tool'],
      },
    }]);
    expect(agent.spec.declarative.systemMessage).toContain('Prometheus answers queries at http://kube-prometheus-stack-prometheus.monitoring.svc:9090');
    expect(agent.spec.declarative.systemMessage).toContain('You are read-only');
    const mcp = find(objects, 'MCPServer', 'cluster-diagnostics-tools', 'cnai-assistant');
    expect(mcp.spec.deployment.image).toBe('ghcr.io/kagent-dev/kagent/tools:0.2.1');
    expect(mcp.spec.deployment.args).toEqual(['--port', '8084', '--tools', 'k8s,prometheus', '--read-only']);
    expect(mcp.spec.deployment.serviceAccountName).toBe('cluster-diagnostics-tools');
    expect(mcp.spec.deployment.securityContext).toMatchObject({ runAsNonRoot: true, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
    // The agent's own account holds no rights and mounts no API token of its own.
    expect(find(objects, 'ServiceAccount', 'cluster-diagnostics', 'cnai-assistant').automountServiceAccountToken).toBe(false);
    expect(a.agents['cluster-diagnostics'].auditIdentity).toBe('system:serviceaccount:cnai-assistant:cluster-diagnostics-tools');
  });

  test('least privilege: reads only what the tools read, never Secrets, no write verb, no Role', () => {
    const s = setup();
    assistant(s);
    const objects = Testing.synth(s.chart);
    const roles = objects.filter((o) => (o.kind === 'ClusterRole' || o.kind === 'Role') && o.metadata.labels?.['app.kubernetes.io/component'] === 'assistant');
    expect(roles.map((r) => r.metadata.name).sort()).toEqual(['cnai-assistant-cluster-diagnostics-read', 'cnai-assistant-platform-operations-read', 'cnai-k8sgpt-analyzer-cnai-analysis']);
    for (const r of roles) {
      for (const rule of r.rules) {
        expect(rule.resources).not.toContain('secrets');
        expect(rule.resources).not.toContain('*');
        expect(rule.apiGroups).not.toContain('*');
        expect(rule.verbs.filter((v: string) => !['get', 'list', 'watch'].includes(v))).toEqual([]);
      }
    }
    const diag = find(objects, 'ClusterRole', 'cnai-assistant-cluster-diagnostics-read');
    expect(diag.rules).toContainEqual({ apiGroups: ['kueue.x-k8s.io'], resources: ['clusterqueues', 'localqueues', 'workloads', 'resourceflavors', 'workloadpriorityclasses', 'cohorts'], verbs: ['get', 'list', 'watch'] });
    expect(diag.rules).toContainEqual({ apiGroups: [''], resources: ['pods/log'], verbs: ['get'] });
    expect(diag.rules).toContainEqual({ apiGroups: ['karpenter.sh'], resources: ['nodepools', 'nodeclaims'], verbs: ['get', 'list', 'watch'] });
    const platform = find(objects, 'ClusterRole', 'cnai-assistant-platform-operations-read');
    expect(platform.rules).toContainEqual({ apiGroups: ['serving.kserve.io'], resources: ['inferenceservices', 'servingruntimes', 'clusterservingruntimes'], verbs: ['get', 'list', 'watch'] });
    expect(platform.rules).toContainEqual({ apiGroups: ['trainer.kubeflow.org'], resources: ['trainjobs', 'trainingruntimes', 'clustertrainingruntimes'], verbs: ['get', 'list', 'watch'] });
    expect(find(objects, 'ClusterRoleBinding', 'cnai-assistant-platform-operations-read').subjects)
      .toEqual([{ kind: 'ServiceAccount', name: 'platform-operations-tools', namespace: 'cnai-assistant' }]);
  });

  test('write access: an explicit opt-in, Roles in the namespaces given with the verbs given, and the write tools of those verbs only', () => {
    const s = setup();
    const a = assistant(s, { agents: [{ kind: AssistantAgentKind.DIAGNOSTICS, writeAccess: { namespaces: ['team-a'], verbs: [AgentWriteVerb.DELETE] } }] });
    const objects = Testing.synth(s.chart);
    const role = find(objects, 'Role', 'cnai-assistant-cluster-diagnostics-write', 'team-a');
    expect(role.rules).toEqual([
      { apiGroups: [''], resources: ['pods'], verbs: ['delete'] },
      { apiGroups: ['apps'], resources: ['deployments', 'statefulsets', 'deployments/scale', 'statefulsets/scale'], verbs: ['delete'] },
      { apiGroups: ['batch'], resources: ['jobs'], verbs: ['delete'] },
      { apiGroups: ['kueue.x-k8s.io'], resources: ['localqueues', 'workloads'], verbs: ['delete'] },
    ]);
    expect(find(objects, 'RoleBinding', 'cnai-assistant-cluster-diagnostics-write', 'team-a').subjects)
      .toEqual([{ kind: 'ServiceAccount', name: 'cluster-diagnostics-tools', namespace: 'cnai-assistant' }]);
    expect(objects.filter((o) => o.kind === 'Role' && o.metadata.name.startsWith('cnai-assistant'))).toHaveLength(1);
    expect(find(objects, 'MCPServer', 'cluster-diagnostics-tools').spec.deployment.args).toEqual(['--port', '8084', '--tools', 'k8s,prometheus']);
    expect(a.agents['cluster-diagnostics'].tools).toContain('k8s_delete_resource');
    expect(a.agents['cluster-diagnostics'].tools).not.toContain('k8s_patch_resource');
    expect(a.agents['cluster-diagnostics'].tools).not.toContain('k8s_execute_command');
    expect(find(objects, 'Agent', 'cluster-diagnostics').spec.declarative.systemMessage).toContain('You may change objects only in the namespaces team-a, with the verbs delete');
    expect(Object.keys(a.agents)).toEqual(['cluster-diagnostics']);
  });

  test('default-deny and the flows: agents → gateway, their MCP server and the controller; MCP servers → API server and Prometheus; the analyzer → gateway and API server', () => {
    const s = setup();
    assistant(s, { vpcCidr: '10.1.0.0/16' });
    const objects = Testing.synth(s.chart);
    const policies = objects.filter((o) => o.kind === 'NetworkPolicy' && o.metadata.namespace === 'cnai-assistant');
    expect(policies.map((p) => p.metadata.name).sort()).toEqual([
      'allow-dns', 'cluster-diagnostics-agent', 'cluster-diagnostics-tools', 'default-deny', 'platform-operations-agent', 'platform-operations-tools',
    ]);
    // The analyzer has a namespace of its own (baseline: the K8sGPT CRD the chart installs has no security contexts), default-deny too.
    expect(objects.filter((o) => o.kind === 'NetworkPolicy' && o.metadata.namespace === 'cnai-analysis').map((p) => p.metadata.name).sort())
      .toEqual(['allow-dns', 'cluster-analysis', 'default-deny']);
    expect(find(objects, 'Namespace', 'cnai-analysis').metadata.labels['pod-security.kubernetes.io/enforce']).toBe('baseline');
    expect(find(objects, 'Namespace', 'cnai-assistant').metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
    expect(find(policies, 'NetworkPolicy', 'default-deny').spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    const agent = find(policies, 'NetworkPolicy', 'cluster-diagnostics-agent').spec;
    expect(agent.podSelector).toEqual({ matchLabels: { app: 'kagent', kagent: 'cluster-diagnostics' } });
    const controller = { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kagent' } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'kagent', 'app.kubernetes.io/instance': 'kagent', 'app.kubernetes.io/component': 'controller' } } };
    expect(agent.ingress).toEqual([{ from: [controller], ports: [{ protocol: 'TCP', port: 8080 }] }]);
    expect(agent.egress).toEqual([
      { to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'envoy-gateway-system' } }, podSelector: { matchLabels: s.gateway.proxyLabels } }], ports: [{ protocol: 'TCP', port: 8080 }] },
      { to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'cnai-assistant' } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'cluster-diagnostics-tools', 'app.kubernetes.io/instance': 'cluster-diagnostics-tools', 'app.kubernetes.io/managed-by': 'kmcp' } } }], ports: [{ protocol: 'TCP', port: 8084 }] },
      { to: [controller], ports: [{ protocol: 'TCP', port: 8083 }] },
    ]);
    const tools = find(policies, 'NetworkPolicy', 'platform-operations-tools').spec;
    expect(tools.egress[0]).toEqual({ to: [{ ipBlock: { cidr: '10.1.0.0/16' } }], ports: [{ protocol: 'TCP', port: 443 }] });
    expect(tools.egress[1].ports).toEqual([{ protocol: 'TCP', port: 9090 }]);
    const analysis = find(objects, 'NetworkPolicy', 'cluster-analysis', 'cnai-analysis').spec;
    expect(analysis.ingress[0].from[0].podSelector.matchLabels).toEqual({ 'control-plane': 'controller-manager', 'app.kubernetes.io/name': 'k8sgpt-operator', 'app.kubernetes.io/instance': 'k8sgpt-operator' });
    // kagent's namespace is its release's (default-deny from its network declaration): the assistant writes no policy there.
    expect(objects.filter((o) => o.kind === 'NetworkPolicy' && o.metadata.namespace === 'kagent')).toEqual([]);
    // The gateway admits the agents and the analyzer.
    const proxies = find(objects, 'NetworkPolicy', 'model-gateway-proxies').spec.ingress.map((r: any) => r.from[0].podSelector.matchLabels);
    expect(proxies).toEqual([{ app: 'kagent', kagent: 'cluster-diagnostics' }, { app: 'kagent', kagent: 'platform-operations' }, { app: 'cluster-analysis' }]);
  });

  test('the analysis: K8sGPT on the gateway (localai backend, anonymised), and an alert on new results about critical kinds', () => {
    const s = setup();
    const a = assistant(s);
    const objects = Testing.synth(s.chart);
    expect(find(objects, 'K8sGPT', 'cluster-analysis', 'cnai-analysis').spec).toEqual({
      repository: 'ghcr.io/k8sgpt-ai/k8sgpt',
      version: 'v0.4.27',
      ai: {
        enabled: true,
        backend: 'localai',
        baseUrl: 'http://model-gateway.envoy-gateway-system.svc:8080/v1',
        model: 'llama-3.1-8b-instruct',
        secret: { name: 'model-gateway-api-key', key: 'api-key' },
        anonymized: true,
        backOff: { enabled: true, maxRetries: 5 },
      },
      noCache: true,
      // k8sgpt's core analyzers but Ingress, the one that reads Secrets.
      filters: ['Pod', 'Deployment', 'ReplicaSet', 'PersistentVolumeClaim', 'Service', 'StatefulSet', 'Job', 'CronJob', 'Node',
        'ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration', 'ConfigMap'],
      resources: { requests: { cpu: '50m', memory: '128Mi' }, limits: { memory: '512Mi' } },
    });
    // The analyzer's identity (the operator's dynamic RBAC is off): the operator's reads without Secrets, cluster-wide.
    expect(find(objects, 'ServiceAccount', 'k8sgpt', 'cnai-analysis').automountServiceAccountToken).toBe(true);
    const reads = find(objects, 'ClusterRole', 'cnai-k8sgpt-analyzer-cnai-analysis').rules;
    expect(reads[0]).toEqual({ apiGroups: [''], resources: ['pods', 'services', 'endpoints', 'nodes', 'configmaps', 'namespaces'], verbs: ['get', 'list', 'watch'] });
    expect(reads.flatMap((r: any) => r.resources)).not.toContain('secrets');
    expect(reads.flatMap((r: any) => r.verbs).filter((v: string) => !['get', 'list', 'watch'].includes(v))).toEqual([]);
    expect(reads).toHaveLength(12);
    const binding = find(objects, 'ClusterRoleBinding', 'cnai-k8sgpt-analyzer-cnai-analysis');
    expect(binding.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cnai-k8sgpt-analyzer-cnai-analysis' });
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'k8sgpt', namespace: 'cnai-analysis' }]);
    const rule = find(objects, 'PrometheusRule', 'cluster-analysis-alerts', 'monitoring');
    const [critical, backend] = rule.spec.groups[0].rules;
    const byObject = 'sum by (object_namespace, kind, name) (k8sgpt_number_of_results_by_type{k8sgpt="cluster-analysis", kind=~"Node|Pod|Deployment|StatefulSet|PersistentVolumeClaim|Service"}';
    expect(critical.alert).toBe('K8sGptNewCriticalResult');
    expect(critical.expr).toBe(`${byObject}) unless ${byObject} offset 30m)`);
    expect(critical.labels).toEqual({ severity: 'critical' });
    expect(backend.expr).toBe('sum by (k8sgpt) (rate(k8sgpt_number_of_failed_backend_ai_calls{k8sgpt="cluster-analysis"}[15m])) > 0');
    expect(a.namespaces()).toEqual(['cnai-assistant', 'cnai-analysis']);
    expect(a.analysis!.criticalKinds).toEqual(['Node', 'Pod', 'Deployment', 'StatefulSet', 'PersistentVolumeClaim', 'Service']);
  });

  test('the analysis can be left out', () => {
    const s = setup();
    const a = assistant(s, { analysis: false });
    expect(a.analysis).toBeUndefined();
    expect(Testing.synth(s.chart).filter((o) => o.kind === 'K8sGPT')).toEqual([]);
  });
});

describe('OperationsAssistant errors', () => {
  test('the assistant without the gateway', () => {
    const s = setup();
    expect(() => assistant(s, { gateway: undefined as unknown as ModelGateway }))
      .toThrow('test/assistant: invalid gateway = undefined: the assistant\'s agents reach their model through the model gateway, and none is given. '
        + 'Fix: give the platform\'s ModelGateway (turn the spec\'s gateway on).');
  });

  test('a gateway whose access is OIDC', () => {
    const s = setup();
    const oidcGateway = new ModelGateway(s.chart, 'oidc-gateway', {
      name: 'oidc-gateway',
      namespace: 'oidc-gateway',
      models: [s.chat],
      access: GatewayAccess.oidc({ issuer: 'https://id.example.com/', audiences: ['model-gateway'] }),
    });
    expect(() => assistant(s, { gateway: oidcGateway })).toThrow(
      'test/assistant: invalid gateway = "test/oidc-gateway (access oidc)": the agents and the analyzer call the gateway with keys of their own, '
      + 'and this gateway admits people\'s OIDC tokens only. Fix: give the gateway API keys');
  });

  test('a model that is not an LlmService', () => {
    const s = setup();
    expect(() => assistant(s, { model: 'chat' as unknown as LlmService })).toThrow('test/assistant: invalid model = "chat": not an LlmService');
  });

  test('a chat model that does not support tool calling', () => {
    const chart = Testing.chart();
    const team = new TeamNamespace(chart, 'team-a', { quota: { gpus: 16, cpu: 512, memoryGiB: 4096 } });
    const h100 = NodePoolReference.fromContract(gpuPoolContract('gpu-h100', GpuInstanceType.P5_48XLARGE, 2));
    const mixtral = new LlmService(chart, 'mixtral', { model: ModelPresets.MIXTRAL_8X7B_INSTRUCT, maxModelLen: 8192, source: s3, namespace: team, pool: h100 });
    const gateway = new ModelGateway(chart, 'gateway', { models: [mixtral] });
    expect(() => new OperationsAssistant(chart, 'assistant', { gateway, model: mixtral, metricsBackend }))
      .toThrow('test/assistant: invalid model = "mixtral-8x7b-instruct-v0.1": tool calling is asked of mixtral-8x7b-instruct-v0.1, whose model spec names no tool call parser');
  });

  test('a model served without tool calling', () => {
    const s = setup(false);
    expect(() => assistant(s)).toThrow('test/assistant: invalid model = "test/chat": llama-3.1-8b-instruct is served without tool calling, so the agents could not call their tools. '
      + 'Fix: serve it with toolCalling: true.');
  });

  test('a model the gateway does not route', () => {
    const s = setup(true, false);
    expect(() => assistant(s)).toThrow('test/assistant: invalid model = "test/chat": the gateway does not route llama-3.1-8b-instruct. Fix: route it: gateway.addModel(model).');
  });

  test('write access for an agent without a namespace scope', () => {
    const s = setup();
    expect(() => assistant(s, { agents: [{ kind: AssistantAgentKind.PLATFORM, writeAccess: { namespaces: [], verbs: [AgentWriteVerb.PATCH] } }] }))
      .toThrow('test/assistant: invalid agents[0].writeAccess.namespaces = []: write access without a namespace scope would let the agent change objects anywhere in the cluster.');
    // The agent construct on its own says the same.
    expect(() => new AssistantAgent(s.chart, 'agent', { kind: AssistantAgentKind.PLATFORM, namespace: 'ops', modelConfigName: 'm', prometheusUrl: 'http://p:9090', writeAccess: { namespaces: [], verbs: [AgentWriteVerb.PATCH] } }))
      .toThrow('test/agent: invalid writeAccess.namespaces = []: write access without a namespace scope');
  });

  test('a VPC block that is not one', () => {
    const s = setup();
    expect(() => assistant(s, { vpcCidr: '10.0.0.0' })).toThrow('test/assistant: invalid vpcCidr = "10.0.0.0": not an IPv4 CIDR block');
  });

  test('the analysis in the agents\' namespace', () => {
    const s = setup();
    expect(() => assistant(s, { analysisNamespace: 'cnai-assistant' })).toThrow('test/assistant: invalid analysisNamespace = "cnai-assistant": the analysis needs a namespace of its own');
  });

  test('the analysis is refused k8sgpt-operator\'s namespace, whose ServiceAccount k8sgpt the chart binds to Secret reads', () => {
    const s = setup();
    expect(() => assistant(s, { analysisNamespace: 'k8sgpt-operator-system' })).toThrow('test/assistant: invalid analysisNamespace = "k8sgpt-operator-system": the analyzer would run as '
      + 'the ServiceAccount k8sgpt of k8sgpt-operator-system, which k8sgpt-operator\'s chart binds to a ClusterRole that reads Secrets in every namespace');
  });

  test('critical kinds that are not kinds', () => {
    const s = setup();
    expect(() => new ClusterAnalysis(s.chart, 'analysis', { namespace: 'ops', baseUrl: s.gateway.baseUrl, model: 'm', metricsBackend, criticalKinds: ['pods'] }))
      .toThrow('test/analysis: invalid criticalKinds = ["pods"]: not a list of Kubernetes kinds. Fix: give kinds such as ["Node", "Pod"].');
  });
});
