import { App, Chart } from 'cdk8s';
import { ContractPreview, GatewayExposure, GpuInstanceType, ModelPresets, PlatformSpec, ServedModelBackend } from '../../../lib/core';
import { CnaiPlatform } from '../../../lib/k8s';
import { synthApp } from '../helpers';

const SPEC: PlatformSpec = {
  name: 'cnai',
  environment: 'test',
  region: 'us-west-2',
  accountId: '123456789012',
  availabilityZones: ['us-west-2a', 'us-west-2b'],
  gpuPools: [{ name: 'a10g', instanceTypes: [GpuInstanceType.G5_2XLARGE], maxNodes: 4 }],
  teams: [{ name: 'apps', quotas: [{ pool: 'a10g', gpus: 4 }] }, { name: 'research', quotas: [{ pool: 'a10g', gpus: 0 }] }],
  models: [
    { name: 'chat', team: 'apps', model: ModelPresets.LLAMA_3_1_8B_INSTRUCT, pools: ['a10g'], maxModelLen: 8192, maxReplicas: 2 },
    { name: 'embed', team: 'apps', model: ModelPresets.BGE_LARGE_EN_V1_5, pools: ['a10g'], backend: ServedModelBackend.KSERVE, maxReplicas: 1 },
  ],
  kubeflow: false,
  observability: false,
  gateway: { clientTeams: ['research'] },
};
const contract = ContractPreview.fromSpec(SPEC);

function synth(spec: PlatformSpec): { platform: CnaiPlatform; objects: any[] } {
  const app = new App();
  const platform = new CnaiPlatform(app, 'cnai', { spec, contract });
  return { platform, objects: synthApp(app) };
}

describe('CnaiPlatform with the spec\'s gateway on', () => {
  const { platform, objects } = synth(SPEC);

  test('installs Envoy Gateway and Envoy AI Gateway, and routes every served model', () => {
    const apps = objects.filter((o) => o.kind === 'Application').map((o) => o.metadata.name);
    expect(apps).toEqual(expect.arrayContaining(['envoy-gateway', 'envoy-ai-gateway-crds', 'envoy-ai-gateway']));
    expect(objects.filter((o) => o.kind === 'AIGatewayRoute').map((o) => o.spec.rules[0].matches[0].headers[0].value).sort())
      .toEqual(['bge-large-en-v1.5', 'llama-3.1-8b-instruct']);
    expect(platform.gateway!.baseUrl).toBe('http://model-gateway.envoy-gateway-system.svc:8080/v1');
  });

  test('only the client teams reach the proxies', () => {
    const policy = objects.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'model-gateway-proxies');
    expect(policy.spec.ingress).toEqual([{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'research' } }, podSelector: { matchLabels: {} } }], ports: [{ protocol: 'TCP', port: 8080 }] }]);
  });

  test('charts: every chart it added to the App as a sibling, in apply order, and only those', () => {
    const app = new App();
    const before = new Chart(app, 'user-before');
    const p = new CnaiPlatform(app, 'cnai', { spec: SPEC, contract });
    new Chart(app, 'user-after');
    expect(p.charts.map((c) => c.node.path)).toEqual(['cnai-platform-operators', 'cnai-platform', 'cnai-data-services', 'cnai-serving', 'cnai-gateway']);
    expect(p.charts).not.toContain(before);
    expect(p.node.children).toEqual([]);
  });

  test('off: nothing of the gateway', () => {
    const off = synth({ ...SPEC, gateway: { enabled: false } });
    expect(off.platform.gateway).toBeUndefined();
    expect(off.objects.filter((o) => /^(Gateway|AIGatewayRoute)$/.test(o.kind) || o.metadata.name === 'envoy-gateway')).toEqual([]);
  });
});

describe('CnaiPlatform gateway errors', () => {
  test('token budgets, which the gateway does not enforce yet', () => {
    expect(() => synth({ ...SPEC, gateway: { teamBudgets: [{ team: 'research', tokensPerHour: 1000 }] } }))
      .toThrow('cnai: invalid spec.gateway.teamBudgets = "1 budget": token budgets are not enforced by the platform\'s gateway yet');
  });

  test('a load balancer exposure, which needs the AWS Load Balancer Controller', () => {
    expect(() => synth({ ...SPEC, gateway: { exposure: GatewayExposure.INTERNAL_LOAD_BALANCER, tlsSecretName: 'gateway-tls' } }))
      .toThrow('cnai: invalid spec.gateway.exposure = "internal-load-balancer": a load balancer exposure needs the AWS Load Balancer Controller');
  });
});
