import { App, Testing } from 'cdk8s';
import * as YAML from 'yaml';
import { ContractPreview, GatewayAccessMode, GpuInstanceType, ModelPresets, PlatformSpec, validatePlatformSpec } from '../../../lib/core';
import {
  ChatUi, ChatUiProps, CnaiPlatform, GatewayAccess, ModelGateway, OperatorCatalogue, SecretSource, WorkloadSelector, createReleaseNamespaces,
} from '../../../lib/k8s';
import { verifyPlatform } from '../../../lib/verify';
import { FlowKind } from '../../../lib/verify/platform/flows';
import { runPolicyPacks } from '../../../lib/verify/policy';
import { one, synthApp } from '../helpers';

const OIDC = {
  discoveryUrl: 'https://login.example.com/.well-known/openid-configuration',
  clientId: 'cnai-chat',
  clientSecret: SecretSource.secretsManager('cnai-test/chat-ui-oidc'),
};

function build(props: Partial<ChatUiProps> = {}): { chat: ChatUi; objects: any[] } {
  const chart = Testing.chart();
  createReleaseNamespaces(chart, OperatorCatalogue.modelGateway());
  const gateway = new ModelGateway(chart, 'gateway');
  const chat = new ChatUi(chart, 'chat', { gateway, oidc: OIDC, ...props } as ChatUiProps);
  return { chat, objects: Testing.synth(chart) };
}

describe('ChatUi', () => {
  const { chat, objects } = build();

  test('Open WebUI from its chart by an Argo CD Application, in a restricted namespace, chats to the gateway', () => {
    const app = one(objects, 'Application', 'open-webui');
    expect(app.spec.source).toMatchObject({ repoURL: 'https://helm.openwebui.com', chart: 'open-webui', targetRevision: '16.0.0' });
    expect(app.spec.destination.namespace).toBe('chat-ui');
    const values = YAML.parse(app.spec.source.helm.valuesObject ? YAML.stringify(app.spec.source.helm.valuesObject) : app.spec.source.helm.values);
    expect(values.openaiBaseApiUrl).toBe('http://model-gateway.envoy-gateway-system.svc:8080/v1');
    expect(values.sso.oidc).toMatchObject({ clientId: 'cnai-chat', clientExistingSecret: 'open-webui-oidc', clientExistingSecretKey: 'client-secret' });
    expect(values.persistence.existingClaim).toBe('open-webui-data');
    expect(one(objects, 'Namespace', 'chat-ui').metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
    expect(chat.url).toBe('http://localhost:8080');
  });

  test('chats carry its own key of the gateway: generated in the cluster, copied into its namespace, read by Open WebUI from there', () => {
    const app = one(objects, 'Application', 'open-webui');
    const values = app.spec.source.helm.valuesObject;
    expect(values).toMatchObject({ openaiApiKey: '', openaiApiKeyExistingSecret: 'model-gateway-api-key', openaiApiKeyExistingSecretKey: 'api-key' });
    const policy = one(objects, 'SecurityPolicy', 'model-gateway-access');
    expect(policy.spec.apiKeyAuth.credentialRefs).toEqual([{ group: '', kind: 'Secret', name: 'team-key-chat-ui' }]);
    expect(objects.filter((o) => o.kind === 'Secret' && /key/.test(o.metadata.name) && o.data)).toEqual([]);
  });

  test('the client secret is copied from Secrets Manager, never written into the output; the session key is generated in the cluster', () => {
    const es = one(objects, 'ExternalSecret', 'open-webui-oidc');
    expect(es.metadata.namespace).toBe('chat-ui');
    expect(es.spec.data).toEqual([{ secretKey: 'client-secret', remoteRef: { key: 'cnai-test/chat-ui-oidc', property: 'client-secret' } }]);
    expect(es.spec.secretStoreRef).toEqual({ kind: 'ClusterSecretStore', name: 'aws-secrets-manager' });
    const key = one(objects, 'Secret', 'open-webui-session-key');
    expect(key.data).toBeUndefined();
    expect(key.stringData).toBeUndefined();
  });

  test('its data on an encrypted, retained volume Argo CD never prunes', () => {
    const pvc = one(objects, 'PersistentVolumeClaim', 'open-webui-data');
    expect(pvc.spec).toEqual({ accessModes: ['ReadWriteOnce'], storageClassName: 'cnai-gp3-encrypted-retain', resources: { requests: { storage: '10Gi' } } });
    expect(pvc.metadata.annotations['argocd.argoproj.io/sync-options']).toBe('Prune=false,Delete=false');
    const sc = one(objects, 'StorageClass', 'cnai-gp3-encrypted-retain');
    expect(sc.reclaimPolicy).toBe('Retain');
    expect(sc.parameters.encrypted).toBe('true');
  });

  test('default-deny; out only to DNS, the gateway\'s proxies and the OpenID provider over HTTPS; no exposure', () => {
    const policies = objects.filter((o) => o.kind === 'NetworkPolicy' && o.metadata.namespace === 'chat-ui');
    expect(policies.map((p) => p.metadata.name).sort()).toEqual(expect.arrayContaining(['allow-dns', 'default-deny', 'open-webui-egress']));
    expect(policies.find((p) => p.metadata.name === 'open-webui-clients')).toBeUndefined();
    const egress = one(objects, 'NetworkPolicy', 'open-webui-egress').spec.egress;
    expect(egress[1]).toEqual({
      to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'envoy-gateway-system' } }, podSelector: { matchLabels: expect.objectContaining({ 'gateway.envoyproxy.io/owning-gateway-name': 'model-gateway' }) } }],
      ports: [{ protocol: 'TCP', port: 8080 }],
    });
    expect(egress[2].ports).toEqual([{ protocol: 'TCP', port: 443 }]);
    // The gateway admits its pods.
    const proxies = one(objects, 'NetworkPolicy', 'model-gateway-proxies');
    expect(proxies.spec.ingress).toContainEqual({
      from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'chat-ui' } }, podSelector: { matchLabels: { 'app.kubernetes.io/instance': 'open-webui', 'app.kubernetes.io/component': 'open-webui' } } }],
      ports: [{ protocol: 'TCP', port: 8080 }],
    });
    expect(objects.filter((o) => o.kind === 'Ingress' || (o.kind === 'Service' && o.spec.type === 'LoadBalancer'))).toEqual([]);
  });

  test('allowFrom lets named workloads in on its port', () => {
    const { objects: withClients } = build({ allowFrom: [WorkloadSelector.inNamespace('envoy-gateway-system', { app: 'edge' })] });
    expect(one(withClients, 'NetworkPolicy', 'open-webui-clients').spec.ingress[0].ports).toEqual([{ protocol: 'TCP', port: 8080 }]);
  });
});

describe('ChatUi errors', () => {
  const cases: [string, Partial<ChatUiProps> | ((p: ChatUiProps) => ChatUiProps), string][] = [
    ['the chat front end without the gateway', { gateway: undefined },
      'test/chat: invalid gateway = undefined: the chat front end sends every chat through the model gateway, and none is given. Fix: create a ModelGateway'],
    ['no OIDC settings', { oidc: undefined },
      'test/chat: invalid oidc = undefined: sign-in is by OIDC only, and no OpenID provider is given. Fix: give oidc: { discoveryUrl, clientId, clientSecretName }'],
    ['an OIDC discovery URL that is not https', { oidc: { ...OIDC, discoveryUrl: 'http://login.example.com/.well-known/openid-configuration' } },
      'test/chat: invalid oidc.discoveryUrl = "http://login.example.com/.well-known/openid-configuration": not an https URL of the OpenID provider\'s discovery document'],
    ['no OIDC client id', { oidc: { ...OIDC, clientId: '' } }, 'test/chat: invalid oidc.clientId = "": no OAuth client id'],
    ['a generated client secret', { oidc: { ...OIDC, clientSecret: SecretSource.generated() } },
      'test/chat: invalid oidc.clientSecret = "SecretSource.generated()": the client secret is issued by the OpenID provider'],
    ['a URL with a trailing slash', { url: 'https://chat.example.com/' }, 'test/chat: invalid url = "https://chat.example.com/": not an http(s) URL without a trailing slash'],
    ['a volume of no size', { storageGiB: 0 }, 'test/chat: invalid storageGiB = 0: not a whole number of GiB of at least 1'],
  ];
  test.each(cases)('%s', (_name, props, message) => {
    expect(() => build(props as Partial<ChatUiProps>)).toThrow(message);
  });
});

describe('ModelGateway.addClient errors', () => {
  function gatewayOf(access?: GatewayAccess) {
    const chart = Testing.chart();
    return new ModelGateway(chart, 'gateway', access ? { access } : {});
  }
  const OIDC_ACCESS = () => GatewayAccess.oidc({ issuer: 'https://id.example.com/', audiences: ['model-gateway'] });

  test('the chat front end behind a gateway whose access is OIDC', () => {
    const chart = Testing.chart();
    const gateway = new ModelGateway(chart, 'gateway', { access: OIDC_ACCESS() });
    expect(() => new ChatUi(chart, 'chat', { gateway, oidc: OIDC })).toThrow(
      'test/chat: invalid gateway = "test/gateway (access oidc)": the chat front end calls the gateway with a key of its own, and this gateway admits '
      + 'people\'s OIDC tokens only. Fix: give the gateway API keys');
  });

  test('a service client of a gateway whose access is OIDC', () => {
    expect(() => gatewayOf(OIDC_ACCESS()).addClient(WorkloadSelector.inNamespace('chat-ui', { app: 'x' }))).toThrow(
      'test/gateway: invalid addClient(chat-ui) = "oidc": a service calls the gateway with a key, and the gateway admits OIDC tokens of people only');
  });

  test('a client that is not a WorkloadSelector', () => {
    expect(() => gatewayOf().addClient('chat-ui' as any)).toThrow('test/gateway: invalid addClient = "chat-ui": not a WorkloadSelector');
  });
});

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
  chatUi: { oidc: { discoveryUrl: 'https://login.example.com/.well-known/openid-configuration', clientId: 'cnai-chat', clientSecretName: 'cnai-test/chat-ui-oidc' } },
};

describe('CnaiPlatform with the spec\'s chatUi on', () => {
  const app = new App();
  const platform = new CnaiPlatform(app, 'cnai', { spec: SPEC, contract: ContractPreview.fromSpec(SPEC) });
  const objects = synthApp(app);

  test('the chat front end behind the platform\'s gateway; off by default', () => {
    expect(platform.chatUi!.namespaceName).toBe('chat-ui');
    expect(one(objects, 'ExternalSecret', 'open-webui-oidc').spec.data[0].remoteRef.key).toBe('cnai-test/chat-ui-oidc');
    const off = new App();
    const { chatUi: _c, ...without } = SPEC;
    expect(new CnaiPlatform(off, 'cnai', { spec: without, contract: ContractPreview.fromSpec(without) }).chatUi).toBeUndefined();
  });

  test('whole-platform verification: its pods → the gateway\'s proxies → the model, each allowed', () => {
    const verify = (objs: any[]) => verifyPlatform([{ file: 'out.yaml', content: objs.map((o) => YAML.stringify(o)).join('---\n') }]);
    const flowsOf = (v: ReturnType<typeof verify>) => v.flows.results
      .filter((r) => r.flow.kind === FlowKind.SERVICE && r.flow.from.kind === 'pod' && /open-webui|Envoy proxies/.test((r.flow.from as any).podGroup.id))
      .map((r) => `${(r.flow.from as any).podGroup.id} → ${(r.flow.to as any).podGroup?.id} TCP ${r.flow.port}: ${r.decision.allowed ? 'allowed' : 'blocked'}`)
      .sort();
    // The release's pods, as its declaration stands for them (the chart is not rendered): they call the gateway.
    const v = verify(objects);
    expect(flowsOf(v)).toEqual([
      'Deployment chat-ui/open-webui → Gateway model-gateway/model-gateway (Envoy proxies) TCP 8080: allowed',
      'Gateway model-gateway/model-gateway (Envoy proxies) → Deployment apps/chat TCP 8000: allowed',
      'Gateway model-gateway/model-gateway (Envoy proxies) → Deployment apps/chat-epp TCP 9002: allowed',
    ]);
    expect(v.flows.findings).toEqual([]);
    // Without its egress rule, the flow is blocked (default-deny).
    const blocked = verify(objects.filter((o) => !(o.kind === 'NetworkPolicy' && o.metadata.name === 'open-webui-egress')));
    expect(flowsOf(blocked)).toContain('Deployment chat-ui/open-webui → Gateway model-gateway/model-gateway (Envoy proxies) TCP 8080: blocked');
  });
});

describe('the chat front end passes the policy packs', () => {
  test('no finding on its objects (namespace chat-ui, its Application)', () => {
    const app = new App();
    const contract = ContractPreview.fromSpec(SPEC);
    new CnaiPlatform(app, 'cnai', { spec: SPEC, contract });
    const content = synthApp(app).map((o) => YAML.stringify(o)).join('---\n');
    const report = runPolicyPacks({ kubernetes: [{ file: 'out.yaml', content }] }, { spec: SPEC, contract });
    const mine = report.findings.filter((f) => !f.suppression && /chat-ui|open-webui/.test(`${f.resource} ${f.subject ?? ''}`));
    expect(mine.map((f) => `${f.ruleId} ${f.resource} ${f.subject ?? ''}: ${f.message}`)).toEqual([]);
  });
});

describe('spec errors of chatUi', () => {
  test('the chat front end without the gateway', () => {
    expect(() => validatePlatformSpec({ ...SPEC, gateway: undefined })).toThrow(
      'spec cnai: invalid chatUi.enabled = true: the chat front end sends every chat through the model gateway, and the gateway is off. '
      + 'Fix: turn the gateway on (gateway: { enabled: true }), or leave the chat front end off.');
  });

  test('OIDC settings missing', () => {
    expect(() => validatePlatformSpec({ ...SPEC, chatUi: {} as any })).toThrow(
      'spec cnai: invalid chatUi.oidc = undefined: sign-in is by OIDC only, and no OpenID provider is given.');
  });

  test('no Secrets Manager secret for the client secret', () => {
    expect(() => validatePlatformSpec({ ...SPEC, chatUi: { oidc: { ...SPEC.chatUi!.oidc, clientSecretName: '' } } })).toThrow(
      'spec cnai: invalid chatUi.oidc.clientSecretName = "": no Secrets Manager secret named for the client secret.');
  });

  test('the chat front end behind a gateway whose access is OIDC', () => {
    const oidcGateway = { access: { mode: GatewayAccessMode.OIDC, oidc: { issuer: 'https://id.example.com/', audiences: ['model-gateway'] } } };
    expect(() => validatePlatformSpec({ ...SPEC, gateway: oidcGateway })).toThrow(
      'spec cnai: invalid chatUi.enabled = true: the chat front end calls the gateway with a key of its own, and the gateway\'s access is OIDC (people\'s tokens only).');
  });

  test('a client secret key that is no JSON property name', () => {
    expect(() => validatePlatformSpec({ ...SPEC, chatUi: { oidc: { ...SPEC.chatUi!.oidc, clientSecretKey: 'client secret' } } })).toThrow(
      'spec cnai: invalid chatUi.oidc.clientSecretKey = "client secret": not a property name of a JSON secret.');
  });
});
