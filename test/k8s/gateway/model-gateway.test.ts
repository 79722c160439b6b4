import { Chart, Testing } from 'cdk8s';
import { GatewayExposure, GpuInstanceType, ModelPresets, ServedModelBackend } from '../../../lib/core';
import { LlmService, ModelGateway, ModelGatewayProps, ModelSource, NodePoolReference, OperatorCatalogue, TeamNamespace, WorkloadSelector, createReleaseNamespaces } from '../../../lib/k8s';
import { assertValidManifests } from '../../../lib/verify/k8s';
import { gpuPoolContract } from '../helpers';

const a10g = NodePoolReference.fromContract(gpuPoolContract('gpu-a10g', GpuInstanceType.G5_2XLARGE, 4));
const s3 = ModelSource.s3('s3://cnai-test-models/llama-3.1-8b-instruct/', { region: 'us-west-2' });

interface Setup {
  readonly chart: Chart;
  readonly team: TeamNamespace;
  readonly chat: LlmService;
  readonly embed: LlmService;
}

function setup(): Setup {
  const chart = Testing.chart();
  // The releases' namespaces, as the platform declares them (the proxies run in Envoy Gateway's).
  createReleaseNamespaces(chart, OperatorCatalogue.modelGateway());
  const team = new TeamNamespace(chart, 'team-a', { quota: { gpus: 16, cpu: 512, memoryGiB: 4096 } });
  const chat = new LlmService(chart, 'chat', { model: ModelPresets.LLAMA_3_1_8B_INSTRUCT, maxModelLen: 8192, source: s3, namespace: team, pool: a10g });
  const embed = new LlmService(chart, 'embed', {
    model: ModelPresets.BGE_LARGE_EN_V1_5, source: ModelSource.huggingFace('BAAI/bge-large-en-v1.5'), backend: ServedModelBackend.KSERVE, namespace: team, pool: a10g,
  });
  return { chart, team, chat, embed };
}

function synth(chart: Chart): any[] {
  const objects = Testing.synth(chart);
  // Schema-valid against Gateway API v1.6.1, Envoy Gateway v1.9.0 and Envoy AI Gateway v1.1.0 CRDs, CEL rules included.
  assertValidManifests(objects, { kubernetesVersion: '1.34' });
  return objects;
}

const find = (objects: any[], kind: string, name: string, namespace?: string) =>
  objects.find((o) => o.kind === kind && o.metadata.name === name && (namespace === undefined || o.metadata.namespace === namespace));

describe('ModelGateway', () => {
  test('defaults, literally: internal (ClusterIP, no load balancer), routes by model name to vLLM and KServe servers alike', () => {
    const s = setup();
    // Service routing for vLLM too (the InferencePool routing is tested in inference-pool.test.ts).
    const gw = new ModelGateway(s.chart, 'gateway', { clients: [s.team.workloads({ app: 'rag-api' })], endpointPicker: { enabled: false } });
    gw.addModel(s.chat);
    gw.addModel(s.embed);
    const objects = synth(s.chart);
    expect(gw.baseUrl).toBe('http://model-gateway.envoy-gateway-system.svc:8080/v1');
    expect(find(objects, 'GatewayClass', 'model-gateway').spec.controllerName).toBe('gateway.envoyproxy.io/gatewayclass-controller');
    expect(find(objects, 'Namespace', 'model-gateway').metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
    expect(find(objects, 'EnvoyProxy', 'model-gateway', 'model-gateway').spec).toEqual({
      provider: {
        type: 'Kubernetes',
        kubernetes: {
          envoyService: { name: 'model-gateway', type: 'ClusterIP' },
          envoyDeployment: { replicas: 2 },
          envoyPDB: { minAvailable: 1 },
        },
      },
    });
    expect(find(objects, 'Gateway', 'model-gateway', 'model-gateway').spec).toEqual({
      gatewayClassName: 'model-gateway',
      infrastructure: { parametersRef: { group: 'gateway.envoyproxy.io', kind: 'EnvoyProxy', name: 'model-gateway' } },
      listeners: [{ name: 'http', protocol: 'HTTP', port: 8080, allowedRoutes: { namespaces: { from: 'Same' } } }],
    });
    // vLLM Deployment Service and KServe predictor Service, each with its API prefix.
    expect(find(objects, 'Backend', 'team-a-chat').spec).toEqual({ endpoints: [{ fqdn: { hostname: 'chat.team-a.svc.cluster.local', port: 80 } }] });
    expect(find(objects, 'Backend', 'team-a-embed').spec).toEqual({ endpoints: [{ fqdn: { hostname: 'embed-predictor.team-a.svc.cluster.local', port: 80 } }] });
    expect(find(objects, 'AIServiceBackend', 'team-a-chat').spec).toEqual({
      schema: { name: 'OpenAI', prefix: '/v1' }, backendRef: { group: 'gateway.envoyproxy.io', kind: 'Backend', name: 'team-a-chat' },
    });
    expect(find(objects, 'AIServiceBackend', 'team-a-embed').spec.schema).toEqual({ name: 'OpenAI', prefix: '/openai/v1' });
    expect(find(objects, 'AIGatewayRoute', 'team-a-chat').spec).toEqual({
      parentRefs: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'model-gateway' }],
      rules: [{ matches: [{ headers: [{ type: 'Exact', name: 'x-ai-eg-model', value: 'llama-3.1-8b-instruct' }] }], backendRefs: [{ name: 'team-a-chat' }], modelsOwnedBy: 'team-a' }],
      llmRequestCosts: [
        { metadataKey: 'llm_input_token', type: 'InputToken' },
        { metadataKey: 'llm_output_token', type: 'OutputToken' },
        { metadataKey: 'llm_total_token', type: 'TotalToken' },
      ],
    });
    expect(find(objects, 'AIGatewayRoute', 'team-a-embed').spec.rules[0].matches[0].headers[0].value).toBe('bge-large-en-v1.5');
  });

  test('flows: clients → proxies → each model server, nothing else into the proxies', () => {
    const s = setup();
    const gw = new ModelGateway(s.chart, 'gateway', { clients: [s.team.workloads({ app: 'rag-api' })], models: [s.chat, s.embed], endpointPicker: { enabled: false } });
    const objects = synth(s.chart);
    const proxies = {
      'app.kubernetes.io/name': 'envoy',
      'app.kubernetes.io/component': 'proxy',
      'app.kubernetes.io/managed-by': 'envoy-gateway',
      'gateway.envoyproxy.io/owning-gateway-name': 'model-gateway',
      'gateway.envoyproxy.io/owning-gateway-namespace': 'model-gateway',
    };
    expect(gw.proxyLabels).toEqual(proxies);
    expect(find(objects, 'NetworkPolicy', 'model-gateway-proxies', 'envoy-gateway-system').spec).toEqual({
      podSelector: { matchLabels: proxies },
      policyTypes: ['Ingress'],
      ingress: [{
        from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'team-a' } }, podSelector: { matchLabels: { app: 'rag-api' } } }],
        ports: [{ protocol: 'TCP', port: 8080 }],
      }],
    });
    const policies = objects.filter((o) => o.kind === 'NetworkPolicy');
    const proxyPeer = { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'envoy-gateway-system' } }, podSelector: { matchLabels: proxies } };
    // The team's clients may leave for the proxies; each model server admits the proxies on its own port.
    expect(find(objects, 'NetworkPolicy', 'allow-to-1', 'team-a').spec).toEqual({
      podSelector: { matchLabels: { app: 'rag-api' } }, policyTypes: ['Egress'], egress: [{ to: [proxyPeer], ports: [{ protocol: 'TCP', port: 8080 }] }],
    });
    expect(find(objects, 'NetworkPolicy', 'allow-from-2', 'team-a').spec).toEqual({
      podSelector: { matchLabels: { 'cnai.io/llm-service': 'chat' } }, policyTypes: ['Ingress'], ingress: [{ from: [proxyPeer], ports: [{ protocol: 'TCP', port: 8000 }] }],
    });
    expect(find(objects, 'NetworkPolicy', 'allow-from-3', 'team-a').spec).toEqual({
      podSelector: { matchLabels: { 'cnai.io/llm-service': 'embed' } }, policyTypes: ['Ingress'], ingress: [{ from: [proxyPeer], ports: [{ protocol: 'TCP', port: 8080 }] }],
    });
    // A KServe predictor with a payload logger (drift monitoring) is reached through KServe's agent port.
    expect(find(objects, 'NetworkPolicy', 'embed-gateway-agent', 'team-a').spec).toEqual({
      podSelector: { matchLabels: { 'cnai.io/llm-service': 'embed' } }, policyTypes: ['Ingress'], ingress: [{ from: [proxyPeer], ports: [{ protocol: 'TCP', port: 9081 }] }],
    });
    expect(find(objects, 'NetworkPolicy', 'chat-gateway-agent', 'team-a')).toBeUndefined();
    expect(policies.filter((p) => p.metadata.namespace === 'envoy-gateway-system').map((p) => p.metadata.name)).toEqual(['model-gateway-proxies', 'model-gateway-proxies-egress']);
    // The proxies leave for DNS, Envoy Gateway's xDS server and each routed model server (KServe: its agent too), nothing else.
    expect(find(objects, 'NetworkPolicy', 'model-gateway-proxies-egress', 'envoy-gateway-system').spec).toEqual({
      podSelector: { matchLabels: proxies },
      policyTypes: ['Egress'],
      egress: [
        {
          to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
          ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }],
        },
        {
          to: [{ podSelector: { matchLabels: { 'control-plane': 'envoy-gateway', 'app.kubernetes.io/name': 'gateway-helm', 'app.kubernetes.io/instance': 'envoy-gateway' } } }],
          ports: [{ protocol: 'TCP', port: 18000 }],
        },
        { to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'team-a' } }, podSelector: { matchLabels: { 'cnai.io/llm-service': 'chat' } } }], ports: [{ protocol: 'TCP', port: 8000 }] },
        {
          to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'team-a' } }, podSelector: { matchLabels: { 'cnai.io/llm-service': 'embed' } } }],
          ports: [{ protocol: 'TCP', port: 8080 }, { protocol: 'TCP', port: 9081 }],
        },
      ],
    });
  });

  test('an internal NLB only when asked, with TLS; a public one only with the named opt-in and CIDRs', () => {
    const internal = setup();
    new ModelGateway(internal.chart, 'gateway', { exposure: GatewayExposure.INTERNAL_LOAD_BALANCER, tlsSecretName: 'gateway-tls', vpcCidr: '10.0.0.0/16', models: [internal.chat] });
    let objects = synth(internal.chart);
    expect(find(objects, 'EnvoyProxy', 'model-gateway').spec.provider.kubernetes.envoyService).toEqual({
      name: 'model-gateway',
      type: 'LoadBalancer',
      loadBalancerClass: 'service.k8s.aws/nlb',
      annotations: { 'service.beta.kubernetes.io/aws-load-balancer-scheme': 'internal', 'service.beta.kubernetes.io/aws-load-balancer-nlb-target-type': 'ip' },
    });
    expect(find(objects, 'Gateway', 'model-gateway').spec.listeners).toEqual([{
      name: 'https', protocol: 'HTTPS', port: 443, tls: { mode: 'Terminate', certificateRefs: [{ kind: 'Secret', name: 'gateway-tls' }] }, allowedRoutes: { namespaces: { from: 'Same' } },
    }]);
    // The NLB's connections come from the VPC to the proxies' shifted port.
    expect(find(objects, 'NetworkPolicy', 'model-gateway-proxies').spec.ingress).toEqual([{ from: [{ ipBlock: { cidr: '10.0.0.0/16' } }], ports: [{ protocol: 'TCP', port: 10443 }] }]);

    const pub = setup();
    new ModelGateway(pub.chart, 'gateway', {
      exposure: GatewayExposure.PUBLIC_LOAD_BALANCER, publicCidrs: ['203.0.113.0/24'], tlsSecretName: 'gateway-tls', vpcCidr: '10.0.0.0/16',
    });
    objects = synth(pub.chart);
    const svc = find(objects, 'EnvoyProxy', 'model-gateway').spec.provider.kubernetes.envoyService;
    expect(svc.annotations['service.beta.kubernetes.io/aws-load-balancer-scheme']).toBe('internet-facing');
    expect(svc.loadBalancerSourceRanges).toEqual(['203.0.113.0/24']);
  });

  test('an internal load balancer: no source ranges by default (the VPC), the VPC and the networks routed to it when given', () => {
    const internal = (props: Partial<ModelGatewayProps>) => {
      const s = setup();
      new ModelGateway(s.chart, 'gateway', { exposure: GatewayExposure.INTERNAL_LOAD_BALANCER, tlsSecretName: 'gateway-tls', vpcCidr: '10.0.0.0/16', ...props });
      return find(synth(s.chart), 'EnvoyProxy', 'model-gateway').spec.provider.kubernetes.envoyService;
    };
    expect(internal({}).loadBalancerSourceRanges).toBeUndefined();
    expect(internal({ internalClientCidrs: ['192.168.64.0/20', '10.0.0.0/16', '172.20.0.0/16'] }).loadBalancerSourceRanges)
      .toEqual(['10.0.0.0/16', '192.168.64.0/20', '172.20.0.0/16']);
  });
});

describe('ModelGateway errors', () => {
  const build = (props: ModelGatewayProps) => () => {
    const chart = Testing.chart();
    createReleaseNamespaces(chart, OperatorCatalogue.modelGateway());
    return new ModelGateway(chart, 'gateway', props);
  };

  test('a public gateway without CIDRs', () => {
    expect(build({ exposure: GatewayExposure.PUBLIC_LOAD_BALANCER, tlsSecretName: 'tls', vpcCidr: '10.0.0.0/16' })).toThrow(
      'test/gateway: invalid publicCidrs = undefined: a public gateway needs the client CIDRs it accepts; without them it would be open to the internet.');
  });

  test('a public gateway open to every address', () => {
    expect(build({ exposure: GatewayExposure.PUBLIC_LOAD_BALANCER, publicCidrs: ['0.0.0.0/0'], tlsSecretName: 'tls', vpcCidr: '10.0.0.0/16' }))
      .toThrow('invalid publicCidrs[0] = "0.0.0.0/0": admits every address of the internet');
  });

  test('CIDRs without the public opt-in', () => {
    expect(build({ exposure: GatewayExposure.INTERNAL_LOAD_BALANCER, publicCidrs: ['203.0.113.0/24'], tlsSecretName: 'tls', vpcCidr: '10.0.0.0/16' }))
      .toThrow('client CIDRs apply to a public load balancer only, and the exposure is internal-load-balancer');
  });

  test('client networks of an internal load balancer without that exposure', () => {
    expect(build({ internalClientCidrs: ['192.168.64.0/20'] })).toThrow(
      'test/gateway: invalid internalClientCidrs = ["192.168.64.0/20"]: networks routed to the VPC reach an internal load balancer only, and the exposure is cluster. '
      + 'Fix: leave internalClientCidrs out, or use GatewayExposure.INTERNAL_LOAD_BALANCER');
  });

  test('client networks of an internal load balancer that admit every address', () => {
    expect(build({ exposure: GatewayExposure.INTERNAL_LOAD_BALANCER, internalClientCidrs: ['0.0.0.0/0'], tlsSecretName: 'tls', vpcCidr: '10.0.0.0/16' })).toThrow(
      'test/gateway: invalid internalClientCidrs[0] = "0.0.0.0/0": admits every address. Fix: list only the ranges of the networks routed to the VPC');
  });

  test('a load balancer without a certificate', () => {
    expect(build({ exposure: GatewayExposure.INTERNAL_LOAD_BALANCER, vpcCidr: '10.0.0.0/16' })).toThrow('a load balancer exposure (internal-load-balancer) serves HTTPS only');
  });

  test('a load balancer without the VPC CIDR', () => {
    expect(build({ exposure: GatewayExposure.INTERNAL_LOAD_BALANCER, tlsSecretName: 'tls' })).toThrow('invalid vpcCidr = undefined');
  });

  test('a certificate on the in-cluster listener', () => {
    expect(build({ tlsSecretName: 'tls' })).toThrow('the in-cluster exposure has a plain HTTP listener only');
  });

  test('replicas below 1', () => {
    expect(build({ replicas: 0 })).toThrow('invalid replicas = 0: not a whole number of at least 1');
  });

  test('a model added twice, and two services under one model name', () => {
    const s = setup();
    const gw = new ModelGateway(s.chart, 'gateway', { models: [s.chat] });
    expect(() => gw.addModel(s.chat)).toThrow('model llama-3.1-8b-instruct is routed already');
    const other = new TeamNamespace(s.chart, 'team-b', { quota: { gpus: 4, cpu: 64, memoryGiB: 256 } });
    const twin = new LlmService(s.chart, 'chat-b', { model: ModelPresets.LLAMA_3_1_8B_INSTRUCT, maxModelLen: 8192, source: s3, namespace: other, pool: a10g });
    expect(() => gw.addModel(twin)).toThrow('model name llama-3.1-8b-instruct is routed to test/chat already');
  });

  test('a client that is not a WorkloadSelector, a model that is not an LlmService', () => {
    const s = setup();
    const gw = new ModelGateway(s.chart, 'gateway');
    expect(() => gw.allowFrom({ namespace: 'team-a' } as unknown as WorkloadSelector)).toThrow('invalid allowFrom');
    expect(() => gw.addModel({ name: 'chat' } as unknown as LlmService)).toThrow('not an LlmService');
  });
});

describe('ModelGateway teams: access and budgets', () => {
  test('before any team is added, every request is refused', () => {
    const { chart, chat } = setup();
    new ModelGateway(chart, 'gateway', { models: [chat] });
    expect(find(synth(chart), 'SecurityPolicy', 'model-gateway-access').spec.authorization).toEqual({ defaultAction: 'Deny' });
  });

  test('addTeam returns where the team\'s key is; a budget brings the rate limit policy and its Redis', () => {
    const { chart, team, chat } = setup();
    const gw = new ModelGateway(chart, 'gateway', { models: [chat] });
    expect(gw.addTeam(team, { tokensPerHour: 1000 })).toEqual({ namespace: 'team-a', apiKeySecretName: 'model-gateway-api-key', apiKeySecretKey: 'api-key', tokensPerHour: 1000 });
    const objects = synth(chart);
    expect(find(objects, 'BackendTrafficPolicy', 'model-gateway-token-budgets').spec.rateLimit.global.rules[0].limit).toEqual({ requests: 1000, unit: 'Hour' });
    expect(find(objects, 'Deployment', 'model-gateway-ratelimit-redis', 'envoy-gateway-system')).toBeDefined();
  });

  test('a team added twice, a budget that is not a whole number, a client of another namespace', () => {
    const { chart, team, chat } = setup();
    const gw = new ModelGateway(chart, 'gateway', { models: [chat] });
    expect(() => gw.addTeam(team, { tokensPerHour: 1.5 })).toThrow('invalid addTeam(team-a).tokensPerHour = 1.5: not a whole number of tokens of at least 1');
    expect(() => gw.addTeam(team, { clients: [WorkloadSelector.inNamespace('other', { app: 'x' })] }))
      .toThrow('invalid addTeam(team-a).clients = "other": not a selector of the team\'s own pods');
    gw.addTeam(team);
    expect(() => gw.addTeam(team)).toThrow('invalid addTeam(team-a) = "team-a": the namespace has access already');
  });
});
