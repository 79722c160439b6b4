import { App, Chart } from 'cdk8s';
import { ContractPreview, GatewayAccessMode, GatewayExposure, GpuInstanceType, ModelPresets, PlatformSpec, ServedModelBackend } from '../../../lib/core';
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

describe('CnaiPlatform gateway access, budgets and exposure', () => {
  const budgeted: PlatformSpec = { ...SPEC, gateway: { clientTeams: ['research'], teamBudgets: [{ team: 'research', tokensPerHour: 250_000 }] } };
  const { objects } = synth(budgeted);

  test('API keys by default: the key is generated in the cluster and copied into the team\'s namespace, never written out', () => {
    const policy = objects.find((o) => o.kind === 'SecurityPolicy');
    expect(policy.metadata).toMatchObject({ name: 'model-gateway-access', namespace: 'model-gateway' });
    expect(policy.spec).toEqual({
      targetRefs: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'model-gateway' }],
      apiKeyAuth: {
        credentialRefs: [{ group: '', kind: 'Secret', name: 'team-key-research' }],
        extractFrom: [{ headers: ['authorization'] }],
        forwardClientIDHeader: 'x-cnai-team',
        sanitize: true,
      },
    });
    const secrets = objects.filter((o) => o.kind === 'Secret' && /key/.test(o.metadata.name));
    expect(secrets.map((o) => `${o.metadata.namespace}/${o.metadata.name}`).sort()).toEqual(['model-gateway/team-key-research', 'research/model-gateway-api-key']);
    expect(secrets.every((o) => o.data === undefined && o.stringData === undefined)).toBe(true);
    const copy = objects.find((o) => o.kind === 'Job' && o.metadata.name.startsWith('model-gateway-api-key-copy-'));
    expect(copy.spec.template.spec.containers[0].env).toEqual(expect.arrayContaining([
      { name: 'KEYS', value: 'api-key=research' }, { name: 'SOURCE_NAMESPACE', value: 'model-gateway' }, { name: 'SOURCE_NAME', value: 'team-key-research' },
    ]));
    // A client's own team header never reaches the gateway's filters.
    expect(objects.find((o) => o.kind === 'ClientTrafficPolicy').spec.headers).toEqual({ earlyRequestHeaders: { remove: ['x-cnai-team'] } });
  });

  test('a team budget is a global rate limit rule on the team header, charged with each response\'s total tokens', () => {
    const btp = objects.find((o) => o.kind === 'BackendTrafficPolicy');
    expect(btp.spec.rateLimit).toEqual({
      type: 'Global',
      global: {
        rules: [{
          clientSelectors: [{ headers: [{ name: 'x-cnai-team', type: 'Exact', value: 'research' }] }],
          limit: { requests: 250000, unit: 'Hour' },
          cost: { request: { from: 'Number', number: 0 }, response: { from: 'Metadata', metadata: { namespace: 'io.envoy.ai_gateway', key: 'llm_total_token' } } },
        }],
      },
    });
    const eg = objects.find((o) => o.kind === 'Application' && o.metadata.name === 'envoy-gateway');
    const values = eg.spec.source.helm.valuesObject.config.envoyGateway;
    expect(values.rateLimit).toEqual({ backend: { type: 'Redis', redis: { url: 'model-gateway-ratelimit-redis.envoy-gateway-system.svc.cluster.local:6379' } } });
    expect(values.provider.kubernetes.rateLimitDeployment.container.env)
      .toEqual([{ name: 'REDIS_AUTH', valueFrom: { secretKeyRef: { name: 'model-gateway-ratelimit-redis', key: 'password' } } }]);
    const redis = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'model-gateway-ratelimit-redis');
    expect(redis.metadata.namespace).toBe('envoy-gateway-system');
    expect(redis.spec.template.spec.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 999 });
    expect(redis.spec.template.spec.containers[0].image).toBe('docker.io/library/redis:8.2.4-alpine3.22');
    expect(redis.spec.template.spec.containers[0].args).toEqual(['--requirepass', '$(REDIS_PASSWORD)', '--port', '6379', '--save', '', '--appendonly', 'no', '--protected-mode', 'yes']);
    const netpol = objects.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'model-gateway-ratelimit-redis');
    expect(netpol.spec.ingress).toEqual([{ from: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'envoy-ratelimit', 'app.kubernetes.io/component': 'ratelimit', 'app.kubernetes.io/managed-by': 'envoy-gateway' } } }], ports: [{ protocol: 'TCP', port: 6379 }] }]);
    expect(netpol.spec.egress).toEqual([]);
  });

  test('without budgets, no rate limit service and no Redis', () => {
    const plain = synth(SPEC).objects;
    expect(plain.filter((o) => o.kind === 'BackendTrafficPolicy' || o.metadata.name === 'model-gateway-ratelimit-redis')).toEqual([]);
    expect(plain.find((o) => o.kind === 'Application' && o.metadata.name === 'envoy-gateway').spec.source.helm.valuesObject.config.envoyGateway.rateLimit).toBeUndefined();
  });

  test('OIDC: tokens of the provider, admitted when their team claim names a client team, the claim becoming the team header', () => {
    const oidc = synth({ ...SPEC, gateway: { clientTeams: ['research'], access: { mode: GatewayAccessMode.OIDC, oidc: { issuer: 'https://id.example.com/', audiences: ['model-gateway'] } } } }).objects;
    expect(oidc.find((o) => o.kind === 'SecurityPolicy').spec).toEqual({
      targetRefs: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'model-gateway' }],
      jwt: { providers: [{ name: 'oidc', issuer: 'https://id.example.com/', audiences: ['model-gateway'], remoteJWKS: { uri: 'https://id.example.com/.well-known/jwks.json' }, claimToHeaders: [{ claim: 'team', header: 'x-cnai-team' }] }] },
      authorization: { defaultAction: 'Deny', rules: [{ name: 'teams', action: 'Allow', principal: { jwt: { provider: 'oidc', claims: [{ name: 'team', values: ['research'] }] } } }] },
    });
    expect(oidc.filter((o) => o.kind === 'Secret' && /key/.test(o.metadata.name))).toEqual([]);
    // The proxies fetch the provider's keys: HTTPS out of the cluster, which API keys do not need.
    const egress = (all: any[]) => all.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'model-gateway-proxies-egress').spec.egress;
    expect(egress(oidc)).toContainEqual({ to: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports: [{ protocol: 'TCP', port: 443 }] });
    expect(egress(synth(SPEC).objects).filter((r: any) => r.to?.some((p: any) => p.ipBlock))).toEqual([]);
  });

  test('an internal load balancer: the AWS Load Balancer Controller is installed with the identity and VPC of the contract', () => {
    const lbSpec: PlatformSpec = { ...SPEC, gateway: { exposure: GatewayExposure.INTERNAL_LOAD_BALANCER, tlsSecretName: 'gateway-tls' } };
    const lbContract = ContractPreview.fromSpec(lbSpec);
    const app = new App();
    new CnaiPlatform(app, 'cnai', { spec: lbSpec, contract: lbContract });
    const out = synthApp(app);
    const lbc = out.find((o) => o.kind === 'Application' && o.metadata.name === 'aws-load-balancer-controller');
    expect(lbc.spec.destination.namespace).toBe('aws-load-balancer-controller');
    expect(lbc.spec.source).toMatchObject({ repoURL: 'https://aws.github.io/eks-charts', chart: 'aws-load-balancer-controller', targetRevision: '3.5.0' });
    expect(lbc.spec.source.helm.valuesObject).toMatchObject({
      clusterName: 'cnai-test',
      region: 'us-west-2',
      vpcId: 'pending-apply',
      serviceAccount: { create: true, name: 'aws-load-balancer-controller' },
      image: { repository: 'public.ecr.aws/eks/aws-load-balancer-controller', tag: 'v3.5.0' },
      enableCertManager: true,
      enableServiceMutatorWebhook: false,
      createIngressClassResource: false,
    });
    const svc = out.find((o) => o.kind === 'EnvoyProxy').spec.provider.kubernetes.envoyService;
    expect(svc.annotations['service.beta.kubernetes.io/aws-load-balancer-scheme']).toBe('internal');
    expect(out.find((o) => o.kind === 'Gateway').spec.listeners[0]).toMatchObject({ protocol: 'HTTPS', port: 443, tls: { mode: 'Terminate', certificateRefs: [{ kind: 'Secret', name: 'gateway-tls' }] } });
  });
});

describe('CnaiPlatform with the listener\'s certificate in Secrets Manager', () => {
  test('External Secrets copies it into the listener\'s Secret, of type kubernetes.io/tls, in the gateway\'s namespace', () => {
    const lbSpec: PlatformSpec = {
      ...SPEC,
      gateway: { exposure: GatewayExposure.INTERNAL_LOAD_BALANCER, tlsSecretName: 'gateway-tls', tlsCertificateSecretName: 'cnai-test/model-gateway-tls' },
    };
    const app = new App();
    new CnaiPlatform(app, 'cnai', { spec: lbSpec, contract: ContractPreview.fromSpec(lbSpec) });
    const es = synthApp(app).filter((o) => o.kind === 'ExternalSecret' && o.metadata.namespace === 'model-gateway');
    expect(es.map((o) => o.spec)).toEqual([{
      refreshInterval: '1h',
      secretStoreRef: { kind: 'ClusterSecretStore', name: 'aws-secrets-manager' },
      target: { name: 'gateway-tls', creationPolicy: 'Owner', deletionPolicy: 'Retain', template: { engineVersion: 'v2', mergePolicy: 'Merge', type: 'kubernetes.io/tls' } },
      data: [
        { secretKey: 'tls.crt', remoteRef: { key: 'cnai-test/model-gateway-tls', property: 'tls.crt' } },
        { secretKey: 'tls.key', remoteRef: { key: 'cnai-test/model-gateway-tls', property: 'tls.key' } },
      ],
    }]);
  });
});

describe('CnaiPlatform gateway errors', () => {
  test('a load balancer exposure with a contract that has no load balancer controller', () => {
    expect(() => synth({ ...SPEC, gateway: { exposure: GatewayExposure.INTERNAL_LOAD_BALANCER, tlsSecretName: 'gateway-tls' } }))
      .toThrow('cnai: invalid contract.loadBalancerController = undefined: spec.gateway.exposure is internal-load-balancer, and the contract has no AWS Load Balancer Controller identity');
  });
});
