/**
 * The spec-driven gateway with keys, budgets, a load balancer and observability, through the
 * whole-platform verification: its objects are schema-valid, and the flows it adds (client →
 * proxies, proxies → rate limit service → Redis, proxies → collector) are needed and allowed.
 * (PodMonitor targets and the load balancer's VPC block are not flows the verifier derives.)
 */
import { App } from 'cdk8s';
import * as YAML from 'yaml';
import { ContractPreview, GatewayExposure, GpuInstanceType, ModelPresets, PlatformSpec } from '../../../lib/core';
import { CnaiPlatform } from '../../../lib/k8s';
import { verifyPlatform } from '../../../lib/verify';
import { assertValidManifests } from '../../../lib/verify/k8s';
import { FlowKind } from '../../../lib/verify/platform/flows';
import { synthApp } from '../helpers';

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
  gateway: { teamBudgets: [{ team: 'apps', tokensPerHour: 1_000_000 }], exposure: GatewayExposure.INTERNAL_LOAD_BALANCER, tlsSecretName: 'gateway-tls' },
};

describe('the spec\'s gateway through the whole-platform verification', () => {
  const app = new App();
  new CnaiPlatform(app, 'cnai', { spec: SPEC, contract: ContractPreview.fromSpec(SPEC) });
  const objects = synthApp(app);

  test('every object of the gateway is schema-valid (SecurityPolicy, ClientTrafficPolicy, BackendTrafficPolicy, GatewayConfig, PodMonitor, Redis)', () => {
    const mine = objects.filter((o) => /^(SecurityPolicy|ClientTrafficPolicy|BackendTrafficPolicy|GatewayConfig|Gateway|EnvoyProxy|PodMonitor)$/.test(o.kind)
      || /model-gateway|team-key|api-key|ratelimit/.test(o.metadata?.name ?? ''));
    expect(mine.map((o) => o.kind)).toEqual(expect.arrayContaining(['SecurityPolicy', 'ClientTrafficPolicy', 'BackendTrafficPolicy', 'GatewayConfig', 'PodMonitor', 'Deployment']));
    assertValidManifests(mine, { kubernetesVersion: '1.34' });
  });

  test('the flows it needs are declared and allowed', () => {
    const v = verifyPlatform([{ file: 'out.yaml', content: objects.map((o) => YAML.stringify(o)).join('---\n') }]);
    const flows = v.flows.results
      .filter((r) => r.flow.kind === FlowKind.SERVICE && /Envoy|ratelimit-redis/.test(`${(r.flow.from as any).podGroup?.id} ${(r.flow.to as any).podGroup?.id}`))
      .map((r) => `${(r.flow.from as any).podGroup?.id} → ${(r.flow.to as any).podGroup?.id} TCP ${r.flow.port}: ${r.decision.allowed ? 'allowed' : 'blocked'}`)
      .sort();
    expect(flows).toEqual(expect.arrayContaining([
      'Envoy Gateway rate limit service (envoy-gateway-system/envoy-ratelimit) → Deployment envoy-gateway-system/model-gateway-ratelimit-redis TCP 6379: allowed',
      'Gateway model-gateway/model-gateway (Envoy proxies) → Envoy Gateway rate limit service (envoy-gateway-system/envoy-ratelimit) TCP 8081: allowed',
      'Gateway model-gateway/model-gateway (Envoy proxies) → Deployment apps/chat TCP 8000: allowed',
      // Traces of the AI Gateway's external processor, through the GatewayConfig of the Gateway.
      'Gateway model-gateway/model-gateway (Envoy proxies) → Deployment observability/otel-collector TCP 4318: allowed',
    ]));
    expect(flows.filter((f) => f.endsWith('blocked'))).toEqual([]);
  });

  test('Redis that does not admit the rate limit service is a blocked flow', () => {
    const changed = objects.map((o) => (o.kind === 'NetworkPolicy' && o.metadata.name === 'model-gateway-ratelimit-redis' ? { ...o, spec: { ...o.spec, ingress: [] } } : o));
    const v = verifyPlatform([{ file: 'out.yaml', content: changed.map((o) => YAML.stringify(o)).join('---\n') }]);
    expect(v.flows.findings.map((f) => f.message).filter((m) => /ratelimit/.test(m)).map((m) => m.split(':')[0])).toEqual([
      'blocked flow Gateway rate limit service (envoy-gateway-system/envoy-ratelimit) → envoy-gateway-system/model-gateway-ratelimit-redis TCP 6379, '
      + 'needed for Service envoy-gateway-system/model-gateway-ratelimit-redis port 6379, used by BackendTrafficPolicy model-gateway/model-gateway-token-budgets '
      + '(Application envoy-gateway config.envoyGateway.rateLimit.backend.redis.url)',
    ]);
  });
});
