import { Chart, Testing } from 'cdk8s';
import * as YAML from 'yaml';
import { GpuInstanceType, ModelPresets, ServedModelBackend } from '../../../lib/core';
import {
  InferencePool, InferencePoolProps, LlmService, ModelGateway, ModelSource, NodePoolReference, OperatorCatalogue, PickerFailureMode,
  TeamNamespace, createReleaseNamespaces,
} from '../../../lib/k8s';
import { assertValidManifests } from '../../../lib/verify/k8s';
import { gpuPoolContract } from '../helpers';

const a10g = NodePoolReference.fromContract(gpuPoolContract('gpu-a10g', GpuInstanceType.G5_2XLARGE, 4));
const s3 = ModelSource.s3('s3://cnai-test-models/llama-3.1-8b-instruct/', { region: 'us-west-2' });

function setup(): { chart: Chart; team: TeamNamespace; chat: LlmService; embed: LlmService } {
  const chart = Testing.chart();
  createReleaseNamespaces(chart, OperatorCatalogue.modelGateway());
  const team = new TeamNamespace(chart, 'team-a', { quota: { gpus: 16, cpu: 512, memoryGiB: 4096 } });
  const chat = new LlmService(chart, 'chat', { model: ModelPresets.LLAMA_3_1_8B_INSTRUCT, maxModelLen: 8192, source: s3, namespace: team, pool: a10g });
  const embed = new LlmService(chart, 'embed', {
    model: ModelPresets.BGE_LARGE_EN_V1_5, source: ModelSource.huggingFace('BAAI/bge-large-en-v1.5'), backend: ServedModelBackend.KSERVE, namespace: team, pool: a10g,
  });
  return { chart, team, chat, embed };
}

const find = (objects: any[], kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata.name === name);

describe('InferencePool', () => {
  test('defaults, literally: the pool over the vLLM pods and its picker as the v1.5.0 chart wires it, hardened', () => {
    const s = setup();
    const pool = new InferencePool(s.chart, 'pool', { service: s.chat });
    const objects = Testing.synth(s.chart);
    assertValidManifests(objects, { kubernetesVersion: '1.34' });
    expect(pool.pickerName).toBe('chat-epp');
    expect(find(objects, 'InferencePool', 'chat')).toMatchObject({
      apiVersion: 'inference.networking.k8s.io/v1',
      metadata: { namespace: 'team-a' },
      spec: {
        targetPorts: [{ number: 8000 }],
        appProtocol: 'http',
        selector: { matchLabels: { 'cnai.io/llm-service': 'chat' } },
        endpointPickerRef: { name: 'chat-epp', port: { number: 9002 }, failureMode: 'FailOpen' },
      },
    });
    const d = find(objects, 'Deployment', 'chat-epp');
    expect(d.spec.replicas).toBe(1);
    expect(d.spec.strategy).toEqual({ type: 'Recreate' });
    const pod = d.spec.template.spec;
    expect(pod.serviceAccountName).toBe('chat-epp');
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 65532 });
    const c = pod.containers[0];
    expect(c.image).toBe('registry.k8s.io/gateway-api-inference-extension/epp:v1.5.0');
    expect(c.args).toEqual([
      '--pool-name', 'chat', '--pool-namespace', 'team-a', '--pool-group', 'inference.networking.k8s.io',
      '--zap-encoder', 'json', '--config-file', '/config/default-plugins.yaml', '--v', '1', '--tracing=false', '--metrics-endpoint-auth=false',
    ]);
    expect(c.ports).toEqual([{ name: 'grpc', containerPort: 9002 }, { name: 'grpc-health', containerPort: 9003 }, { name: 'metrics', containerPort: 9090 }]);
    expect(c.readinessProbe).toEqual({ grpc: { port: 9003, service: 'inference-extension' }, periodSeconds: 2 });
    expect(c.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
    expect(c.resources).toEqual({ requests: { cpu: '1', memory: '1024Mi' }, limits: { cpu: '1', memory: '1024Mi' } });
    expect(find(objects, 'Service', 'chat-epp').spec.ports).toEqual([
      { name: 'grpc-ext-proc', protocol: 'TCP', port: 9002 }, { name: 'http-metrics', protocol: 'TCP', port: 9090 },
    ]);
    expect(YAML.parse(find(objects, 'ConfigMap', 'chat-epp').data['default-plugins.yaml'])).toEqual({
      apiVersion: 'inference.networking.x-k8s.io/v1alpha1',
      kind: 'EndpointPickerConfig',
      plugins: [
        { type: 'queue-scorer' }, { type: 'kv-cache-utilization-scorer' }, { type: 'prefix-cache-scorer' },
        { type: 'metrics-data-source', parameters: { scheme: 'http', path: '/metrics', insecureSkipVerify: true } },
        { type: 'core-metrics-extractor' },
      ],
      schedulingProfiles: [{
        name: 'default',
        plugins: [{ pluginRef: 'queue-scorer', weight: 2 }, { pluginRef: 'kv-cache-utilization-scorer', weight: 2 }, { pluginRef: 'prefix-cache-scorer', weight: 3 }],
      }],
    });
    // Least privilege: read pods, read its own pool (by name); nothing cluster-wide, no leader election with one replica.
    expect(objects.filter((o) => o.kind === 'Role' && o.metadata.name.startsWith('chat-epp')).map((r) => [r.metadata.name, r.rules])).toEqual([
      ['chat-epp-sa', [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'watch', 'list'] }]],
      ['chat-epp-non-sa', [{ apiGroups: ['inference.networking.k8s.io'], resources: ['inferencepools'], resourceNames: ['chat'], verbs: ['get', 'watch', 'list'] }]],
    ]);
    expect(objects.filter((o) => (o.kind === 'ClusterRole' || o.kind === 'ClusterRoleBinding') && o.metadata.name.includes('epp'))).toEqual([]);
    expect(find(objects, 'RoleBinding', 'chat-epp-sa').subjects).toEqual([{ kind: 'ServiceAccount', name: 'chat-epp', namespace: 'team-a' }]);
    expect(find(objects, 'PodDisruptionBudget', 'chat-epp')).toBeUndefined();
    // Default deny for the picker: the scraper in on 9090; DNS, the API server and the model's pods on 8000 out.
    const np = find(objects, 'NetworkPolicy', 'chat-epp');
    expect(np.spec.podSelector).toEqual({ matchLabels: { inferencepool: 'chat-epp' } });
    expect(np.spec.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(np.spec.ingress).toEqual([{
      from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'prometheus', 'operator.prometheus.io/name': 'kube-prometheus-stack-prometheus' } } }],
      ports: [{ protocol: 'TCP', port: 9090 }],
    }]);
    expect(np.spec.egress.map((e: any) => e.ports.map((p: any) => `${p.protocol} ${p.port}`).join(','))).toEqual(['UDP 53,TCP 53', 'TCP 443', 'TCP 8000']);
    expect(np.spec.egress[1].to).toEqual([{ ipBlock: { cidr: '10.0.0.0/16' } }]);
    expect(np.spec.egress[2].to).toEqual([{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'team-a' } }, podSelector: { matchLabels: { 'cnai.io/llm-service': 'chat' } } }]);
    expect(find(objects, 'ServiceMonitor', 'chat-epp').spec.endpoints[0]).toMatchObject({ port: 'http-metrics', path: '/metrics', interval: '10s' });
  });

  test('settings: weights (a scorer of weight 0 left out), fail-close, a standby replica with leader election and a PDB, priority', () => {
    const s = setup();
    new InferencePool(s.chart, 'pool', {
      service: s.chat,
      weights: { queue: 5, kvCache: 1, prefixCache: 0 },
      failureMode: PickerFailureMode.FAIL_CLOSE,
      replicas: 2,
      cpu: 2,
      memoryGiB: 4,
      priorityClass: { priorityClassName: 'cnai-high' },
      vpcCidr: '10.20.0.0/16',
    });
    const objects = Testing.synth(s.chart);
    assertValidManifests(objects, { kubernetesVersion: '1.34' });
    expect(find(objects, 'InferencePool', 'chat').spec.endpointPickerRef.failureMode).toBe('FailClose');
    const config = YAML.parse(find(objects, 'ConfigMap', 'chat-epp').data['default-plugins.yaml']);
    expect(config.schedulingProfiles[0].plugins).toEqual([{ pluginRef: 'queue-scorer', weight: 5 }, { pluginRef: 'kv-cache-utilization-scorer', weight: 1 }]);
    expect(config.plugins.map((p: any) => p.type)).not.toContain('prefix-cache-scorer');
    const d = find(objects, 'Deployment', 'chat-epp');
    expect(d.spec.replicas).toBe(2);
    expect(d.spec.template.spec.priorityClassName).toBe('cnai-high');
    expect(d.spec.template.spec.containers[0].args).toContain('--ha-enable-leader-election');
    expect(d.spec.template.spec.containers[0].livenessProbe.grpc).toEqual({ port: 9003, service: 'liveness' });
    expect(find(objects, 'Role', 'chat-epp-leader-election').rules[0].resources).toEqual(['leases']);
    expect(find(objects, 'PodDisruptionBudget', 'chat-epp').spec).toEqual({ maxUnavailable: 1, selector: { matchLabels: { inferencepool: 'chat-epp' } } });
    expect(find(objects, 'NetworkPolicy', 'chat-epp').spec.egress[1].to).toEqual([{ ipBlock: { cidr: '10.20.0.0/16' } }]);
  });

  test('behind the model gateway: the route targets the pool, the proxies reach the picker and the replicas, a ReferenceGrant admits the route', () => {
    const s = setup();
    const gw = new ModelGateway(s.chart, 'gateway', { clients: [s.team.workloads({ app: 'rag-api' })] });
    gw.addModel(s.chat);
    gw.addModel(s.embed);
    const objects = Testing.synth(s.chart);
    assertValidManifests(objects, { kubernetesVersion: '1.34' });
    expect(Object.keys(gw.inferencePools)).toEqual(['llama-3.1-8b-instruct']);
    expect(find(objects, 'AIGatewayRoute', 'team-a-chat').spec.rules[0].backendRefs).toEqual([
      { group: 'inference.networking.k8s.io', kind: 'InferencePool', name: 'chat', namespace: 'team-a' },
    ]);
    // No Service backend for the pooled model; the KServe model keeps its Service.
    expect(find(objects, 'Backend', 'team-a-chat')).toBeUndefined();
    expect(find(objects, 'AIGatewayRoute', 'team-a-embed').spec.rules[0].backendRefs).toEqual([{ name: 'team-a-embed' }]);
    expect(find(objects, 'ReferenceGrant', 'chat-from-model-gateway').spec).toEqual({
      from: [
        { group: 'aigateway.envoyproxy.io', kind: 'AIGatewayRoute', namespace: 'model-gateway' },
        { group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', namespace: 'model-gateway' },
      ],
      to: [{ group: 'inference.networking.k8s.io', kind: 'InferencePool', name: 'chat' }],
    });
    const proxies = { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'envoy-gateway-system' } }, podSelector: { matchLabels: gw.proxyLabels } };
    expect(find(objects, 'NetworkPolicy', 'chat-epp').spec.ingress[1]).toEqual({ from: [proxies], ports: [{ protocol: 'TCP', port: 9002 }] });
    // The chat pods admit the picker and the proxies (once each) on the server port.
    const intoChat = objects.filter((o) => o.kind === 'NetworkPolicy' && o.metadata.namespace === 'team-a' && o.spec.podSelector.matchLabels?.['cnai.io/llm-service'] === 'chat'
      && o.metadata.name.startsWith('allow-from-'));
    expect(intoChat.map((p) => [p.spec.ingress[0].from[0].podSelector.matchLabels, p.spec.ingress[0].ports])).toEqual([
      [{ inferencepool: 'chat-epp' }, [{ protocol: 'TCP', port: 8000 }]],
      [gw.proxyLabels, [{ protocol: 'TCP', port: 8000 }]],
    ]);
  });

  test('two gateways routing one model share its pool: one picker, each gateway\'s proxies admitted', () => {
    const s = setup();
    const internal = new ModelGateway(s.chart, 'internal', { models: [s.chat] });
    const other = new ModelGateway(s.chart, 'other', { name: 'other-gateway', namespace: 'other-gateway', models: [s.chat] });
    const objects = Testing.synth(s.chart);
    expect(other.inferencePools['llama-3.1-8b-instruct']).toBe(internal.inferencePools['llama-3.1-8b-instruct']);
    expect(objects.filter((o) => o.kind === 'InferencePool')).toHaveLength(1);
    expect(objects.filter((o) => o.kind === 'ReferenceGrant').map((o) => o.metadata.name)).toEqual(['chat-from-model-gateway', 'chat-from-other-gateway']);
    expect(find(objects, 'NetworkPolicy', 'chat-epp').spec.ingress.map((r: any) => r.from[0].podSelector.matchLabels['gateway.envoyproxy.io/owning-gateway-name'] ?? 'scraper'))
      .toEqual(['scraper', 'model-gateway', 'other-gateway']);
  });

  test('the gateway routes vLLM models through their Service when the picker is off', () => {
    const s = setup();
    const gw = new ModelGateway(s.chart, 'gateway', { endpointPicker: { enabled: false }, models: [s.chat] });
    const objects = Testing.synth(s.chart);
    expect(gw.inferencePools).toEqual({});
    expect(objects.filter((o) => o.kind === 'InferencePool')).toEqual([]);
    expect(find(objects, 'AIGatewayRoute', 'team-a-chat').spec.rules[0].backendRefs).toEqual([{ name: 'team-a-chat' }]);
  });

  describe('errors', () => {
    const build = (props: Partial<InferencePoolProps>, kserve = false) => () => {
      const s = setup();
      new InferencePool(s.chart, 'pool', { service: kserve ? s.embed : s.chat, ...props });
    };
    test('a KServe-served model cannot be a pool', () => {
      expect(build({}, true)).toThrow('test/pool: invalid service = "test/embed": test/embed is served by kserve: an InferencePool\'s picker reads vLLM\'s metrics from the pods it selects, '
        + 'and Envoy AI Gateway sends InferencePool traffic to the OpenAI API at /v1, where KServe\'s server has /openai/v1. '
        + 'Fix: give a vLLM LlmService (backend ServedModelBackend.VLLM), or route the KServe model through its Service (ModelGateway.addModel does so).');
    });
    test('a scorer weight out of range', () => {
      expect(build({ weights: { kvCache: 101 } })).toThrow('test/pool: invalid weights.kvCache = 101: not a whole number from 0 to 100. Fix: give a whole number from 0 to 100 (the default is 2).');
    });
    test('every scorer weight 0', () => {
      expect(build({ weights: { queue: 0, kvCache: 0, prefixCache: 0 } })).toThrow(
        'test/pool: invalid weights = "{\\"queue\\":0,\\"kvCache\\":0,\\"prefixCache\\":0}": every scorer has weight 0, so the picker would choose replicas without looking at them.');
    });
    test('picker replicas out of range', () => {
      expect(build({ replicas: 0 })).toThrow('test/pool: invalid replicas = 0: not a whole number from 1 to 10. Fix: give 1 (upstream\'s recommendation) or, for a standby, 2.');
    });
    test('a failure mode that is not a PickerFailureMode', () => {
      expect(build({ failureMode: 'FailSafe' as PickerFailureMode })).toThrow(
        'test/pool: invalid failureMode = "FailSafe": not a PickerFailureMode. Fix: use PickerFailureMode.FAIL_OPEN (serving goes on unbalanced) or PickerFailureMode.FAIL_CLOSE.');
    });
    test('picker CPU out of range', () => {
      expect(build({ cpu: 0 })).toThrow('test/pool: invalid cpu = 0: not between 0.1 and 16 cores.');
    });
    test('picker memory out of range', () => {
      expect(build({ memoryGiB: 0.1 })).toThrow('test/pool: invalid memoryGiB = 0.1: not between 0.25 and 32 GiB.');
    });
    test('not an LlmService', () => {
      expect(build({ service: {} as LlmService })).toThrow('test/pool: invalid service = {}: not an LlmService.');
    });
    test('a second pool for the same model', () => {
      const s = setup();
      new InferencePool(s.chart, 'pool', { service: s.chat });
      expect(() => new InferencePool(s.chart, 'again', { service: s.chat })).toThrow('test/again: invalid service = "test/chat": test/chat has an InferencePool already (test/pool); '
        + 'a model has one pool and one picker. Fix: use InferencePool.ofService(service) and its allowGateway(), as ModelGateway does.');
    });
    test('allowGateway without a WorkloadSelector', () => {
      const s = setup();
      const pool = new InferencePool(s.chart, 'pool', { service: s.chat });
      expect(() => pool.allowGateway('proxies' as any, 'model-gateway')).toThrow('test/pool: invalid allowGateway = "proxies": not a WorkloadSelector. Fix: pass modelGateway.proxies().');
    });
  });
});
