/**
 * The gateway example (examples/gateway): OIDC client teams with token budgets, the internal NLB
 * with TLS in front of the proxies, the endpoint picker's weights from the spec, both layers. The
 * flows client → gateway → model are the only ones into the proxies and the models, and the pods
 * the gateway adds pass the platform's admission policies.
 */
import { Testing } from 'cdk8s';
import { App as TfApp } from 'cdktf';
import * as YAML from 'yaml';
import { buildGatewayAws } from '../../../examples/gateway/aws';
import { buildGatewayApp } from '../../../examples/gateway/main';
import { verifyPlatform } from '../../../lib/verify';
import { FlowKind } from '../../../lib/verify/platform/flows';
import { configs, policyStatements, synth as synthTf } from '../../aws/util';
import { admit, AdmissionRequest, problemsOf } from '../governance/admission';
import { ARGO_CD, controller } from '../governance/fixture';

const app = buildGatewayApp(Testing.app().outdir);
const objects: any[] = app.charts.flatMap((c) => Testing.synth(c));
const find = (kind: string, name: string, namespace?: string) =>
  objects.find((o) => o.kind === kind && o.metadata.name === name && (!namespace || o.metadata.namespace === namespace));

describe('examples/gateway: the model gateway reached from the VPC', () => {
  test('an internal NLB of the AWS Load Balancer Controller, IP targets, reachable from the VPC and the office network: the proxies\' Service', () => {
    expect(find('EnvoyProxy', 'model-gateway').spec.provider.kubernetes.envoyService).toEqual({
      name: 'model-gateway',
      type: 'LoadBalancer',
      loadBalancerClass: 'service.k8s.aws/nlb',
      annotations: { 'service.beta.kubernetes.io/aws-load-balancer-scheme': 'internal', 'service.beta.kubernetes.io/aws-load-balancer-nlb-target-type': 'ip' },
      loadBalancerSourceRanges: ['10.0.0.0/16', '192.168.64.0/20'],
    });
    expect(objects.filter((o) => o.kind === 'Application').map((o) => o.metadata.name)).toContain('aws-load-balancer-controller');
  });

  test('HTTPS only: the listener terminates TLS with the Secret the spec names', () => {
    expect(find('Gateway', 'model-gateway').spec.listeners).toEqual([{
      name: 'https',
      protocol: 'HTTPS',
      port: 443,
      tls: { mode: 'Terminate', certificateRefs: [{ kind: 'Secret', name: 'model-gateway-tls' }] },
      allowedRoutes: { namespaces: { from: 'Same' } },
    }]);
  });

  test('the listener\'s certificate: External Secrets copies it from Secrets Manager into that Secret, type kubernetes.io/tls', () => {
    const es = find('ExternalSecret', 'model-gateway-tls', 'model-gateway');
    expect(es.spec.target).toEqual({ name: 'model-gateway-tls', creationPolicy: 'Owner', deletionPolicy: 'Retain', template: { engineVersion: 'v2', mergePolicy: 'Merge', type: 'kubernetes.io/tls' } });
    expect(es.spec.data.map((d: any) => `${d.secretKey} <- ${d.remoteRef.key} ${d.remoteRef.property}`)).toEqual([
      'tls.crt <- cnai-dev/model-gateway-tls tls.crt', 'tls.key <- cnai-dev/model-gateway-tls tls.key',
    ]);
  });

  test('OIDC: tokens of the provider for audience model-gateway, admitted when their team claim names a client team', () => {
    const spec = find('SecurityPolicy', 'model-gateway-access').spec;
    expect(spec.jwt).toEqual({
      providers: [{
        name: 'oidc',
        issuer: 'https://login.example.com',
        audiences: ['model-gateway'],
        remoteJWKS: { uri: 'https://login.example.com/.well-known/jwks.json' },
        claimToHeaders: [{ claim: 'team', header: 'x-cnai-team' }],
      }],
    });
    expect(spec.authorization).toEqual({
      defaultAction: 'Deny',
      rules: [{ name: 'teams', action: 'Allow', principal: { jwt: { provider: 'oidc', claims: [{ name: 'team', values: ['analytics', 'product-apps'] }] } } }],
    });
    expect(spec.apiKeyAuth).toBeUndefined();
    // No API keys: no key Secrets, no key jobs.
    expect(objects.filter((o) => /key/.test(o.metadata.name ?? '') && ['Secret', 'Job'].includes(o.kind))).toEqual([]);
  });

  test('each team\'s budget: 2,000,000 and 500,000 tokens an hour, on the team header', () => {
    const rules = find('BackendTrafficPolicy', 'model-gateway-token-budgets').spec.rateLimit.global.rules;
    expect(rules.map((r: any) => [r.clientSelectors[0].headers[0].value, r.limit])).toEqual([
      ['product-apps', { requests: 2_000_000, unit: 'Hour' }],
      ['analytics', { requests: 500_000, unit: 'Hour' }],
    ]);
  });

  test('the endpoint picker of each model scores with the spec\'s weights: queue 3, KV cache 2, prefix cache 1', () => {
    for (const model of ['chat', 'embed']) {
      const config = YAML.parse(find('ConfigMap', `${model}-epp`, 'product-apps').data['default-plugins.yaml']);
      expect(config.schedulingProfiles[0].plugins).toEqual([
        { pluginRef: 'queue-scorer', weight: 3 }, { pluginRef: 'kv-cache-utilization-scorer', weight: 2 }, { pluginRef: 'prefix-cache-scorer', weight: 1 },
      ]);
    }
  });

  test('into the proxies: the client teams\' pods and the NLB (from the VPC) on the HTTPS port, Prometheus on the metrics port, nothing else', () => {
    const ns = (name: string) => ({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': name } }, podSelector: { matchLabels: {} } });
    const https = [{ protocol: 'TCP', port: 10443 }];
    const ingress = find('NetworkPolicy', 'model-gateway-proxies', 'envoy-gateway-system').spec.ingress;
    expect(ingress).toEqual(expect.arrayContaining([
      { from: [ns('product-apps')], ports: https },
      { from: [ns('analytics')], ports: https },
      { from: [{ ipBlock: { cidr: '10.0.0.0/16' } }], ports: https },
    ]));
    expect(ingress.length).toBe(4);
    expect(ingress.filter((r: any) => r.ports[0].port !== 10443)).toEqual([{
      from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'prometheus', 'operator.prometheus.io/name': 'kube-prometheus-stack-prometheus' } } }],
      ports: [{ protocol: 'TCP', port: 1064 }],
    }]);
  });

  test('the whole-platform verification: gateway → picker and gateway → model flows allowed, none blocked, and only the gateway, the pickers and Prometheus reach the models', () => {
    const v = verifyPlatform([{ file: 'out.yaml', content: objects.map((o) => YAML.stringify(o)).join('---\n') }]);
    const flows = v.flows.results
      .filter((r) => r.flow.kind === FlowKind.SERVICE)
      .map((r) => `${(r.flow.from as any).podGroup?.id ?? (r.flow.from as any).name} → ${(r.flow.to as any).podGroup?.id} TCP ${r.flow.port}: ${r.decision.allowed ? 'allowed' : 'blocked'}`);
    expect(flows.filter((f) => / → Deployment product-apps\//.test(f)).sort()).toEqual([
      'Deployment product-apps/chat-epp → Deployment product-apps/chat TCP 8000: allowed',
      'Deployment product-apps/embed-epp → Deployment product-apps/embed TCP 8000: allowed',
      'Gateway model-gateway/model-gateway (Envoy proxies) → Deployment product-apps/chat TCP 8000: allowed',
      'Gateway model-gateway/model-gateway (Envoy proxies) → Deployment product-apps/chat-epp TCP 9002: allowed',
      'Gateway model-gateway/model-gateway (Envoy proxies) → Deployment product-apps/embed TCP 8000: allowed',
      'Gateway model-gateway/model-gateway (Envoy proxies) → Deployment product-apps/embed-epp TCP 9002: allowed',
      'Prometheus monitoring/kube-prometheus-stack-prometheus → Deployment product-apps/chat TCP 8000: allowed',
      'Prometheus monitoring/kube-prometheus-stack-prometheus → Deployment product-apps/chat-epp TCP 9090: allowed',
      'Prometheus monitoring/kube-prometheus-stack-prometheus → Deployment product-apps/embed TCP 8000: allowed',
      'Prometheus monitoring/kube-prometheus-stack-prometheus → Deployment product-apps/embed-epp TCP 9090: allowed',
    ]);
    expect(flows.filter((f) => f.endsWith('blocked'))).toEqual([]);
    expect(v.valid).toBe(true);
  });

  test('the pods the gateway adds pass the admission policies: the pickers, the budgets\' Redis, the models, as Argo CD applies them and as their ReplicaSets create them', () => {
    const labelsOf = (ns: string) => find('Namespace', ns).metadata.labels;
    const deployments = ['product-apps/chat', 'product-apps/embed', 'product-apps/chat-epp', 'product-apps/embed-epp', 'envoy-gateway-system/model-gateway-ratelimit-redis']
      .map((id) => { const [ns, name] = id.split('/'); return find('Deployment', name, ns); });
    const requests: AdmissionRequest[] = deployments.flatMap((d) => {
      const ns = d.metadata.namespace;
      const labels = { ...d.spec.template.metadata.labels, 'pod-template-hash': '7c9d8f6b5' };
      const pod = {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: `${d.metadata.name}-7c9d8f6b5-x1`, namespace: ns, labels, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: `${d.metadata.name}-7c9d8f6b5`, uid: 'u', controller: true }] },
        spec: d.spec.template.spec,
      };
      return [
        { operation: 'CREATE', object: d, namespaceLabels: labelsOf(ns), ...ARGO_CD },
        { operation: 'CREATE', object: pod, namespaceLabels: labelsOf(ns), ...controller('replicaset-controller') },
      ] as AdmissionRequest[];
    });
    expect(requests.length).toBe(10);
    expect(requests.map((r) => problemsOf(admit(objects, r)))).toEqual(requests.map(() => []));
    // The image policy judged the team's (pinned images, from the publishers the platform pins); Envoy Gateway's
    // namespace, where the budgets' Redis runs beside the operator, is an operator's and outside its bindings.
    const judged = requests.filter((r) => admit(objects, r).some((v) => /cnai-allowed-images/.test(v.binding))).map((r) => r.object.metadata.namespace);
    expect([...new Set(judged)]).toEqual(['product-apps']);
    expect(judged.length).toBe(8);
  });
});

describe('examples/gateway: the AWS layer', () => {
  test('the AWS Load Balancer Controller\'s identity, bound to its service account, in the contract; the certificate readable by External Secrets', () => {
    const stack = buildGatewayAws(new TfApp());
    expect(stack.loadBalancerController).toBeDefined();
    const json = synthTf(stack);
    expect(configs(json, 'aws_eks_pod_identity_association').map((a) => `${a.namespace}/${a.service_account}`))
      .toContain('aws-load-balancer-controller/aws-load-balancer-controller');
    expect(stack.contract().loadBalancerController).toMatchObject({ namespace: 'aws-load-balancer-controller', serviceAccount: 'aws-load-balancer-controller' });
    // External Secrets may read the listener's certificate.
    const reader = configs(json, 'aws_iam_role_policy').find((p) => /external-secrets/.test(p.role));
    expect(policyStatements(json, reader.policy).find((s: any) => s.sid === 'GatewayTlsCertificate').resources)
      .toEqual(['arn:aws:secretsmanager:us-west-2:123456789012:secret:cnai-dev/model-gateway-tls-??????']);
  });
});
