// The network isolation pack: each rule over a compliant and a non-compliant literal output.
import { defaultDeny, deployment, namespace, runKubernetesRule } from './helpers';
import { RuleStatus } from '../../../lib/verify/policy';
import { NET_DEFAULT_DENY, NET_FLOWS_DECLARED, NET_NO_NODE_PORT, NET_NO_PUBLIC_LOAD_BALANCER } from '../../../lib/verify/policy/rules/network';

const C = RuleStatus.COMPLIANT;
const NA = RuleStatus.NOT_APPLICABLE;

const service = (spec: any, annotations?: any) => ({ apiVersion: 'v1', kind: 'Service', metadata: { name: 's', namespace: 'ns', ...(annotations ? { annotations } : {}) }, spec: { selector: { app: 'app' }, ports: [{ port: 80, targetPort: 8080 }], ...spec } });

describe('net-default-deny', () => {
  test('compliant: a namespace with pods and a default-deny policy', () => {
    expect(runKubernetesRule(NET_DEFAULT_DENY, [namespace('ns'), deployment(), defaultDeny('ns')]).status).toBe(C);
  });
  test('non-compliant: pods but no default-deny (a policy with rules is not one)', () => {
    const allowAll = { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'all', namespace: 'ns' }, spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'], ingress: [{}], egress: [{}] } };
    expect(runKubernetesRule(NET_DEFAULT_DENY, [namespace('ns'), deployment(), allowAll]).findings).toEqual(['runs pods but has no default-deny NetworkPolicy']);
  });
  test('non-compliant: a namespace an Argo CD Application installs into', () => {
    const app = { apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: { name: 'op', namespace: 'argocd' }, spec: { destination: { namespace: 'operator' }, source: { repoURL: 'x', chart: 'c', targetRevision: '1.0.0' } } };
    expect(runKubernetesRule(NET_DEFAULT_DENY, [namespace('operator'), app]).findings).toEqual(['runs pods but has no default-deny NetworkPolicy']);
  });
  test('not applicable: an empty namespace', () => {
    expect(runKubernetesRule(NET_DEFAULT_DENY, [namespace('empty')]).status).toBe(NA);
  });
});

describe('net-no-public-load-balancer', () => {
  test('compliant: an internal load balancer; ClusterIP not applicable', () => {
    expect(runKubernetesRule(NET_NO_PUBLIC_LOAD_BALANCER, [service({ type: 'LoadBalancer' }, { 'service.beta.kubernetes.io/aws-load-balancer-scheme': 'internal' })]).status).toBe(C);
    expect(runKubernetesRule(NET_NO_PUBLIC_LOAD_BALANCER, [service({})]).status).toBe(NA);
  });
  test('non-compliant: LoadBalancer without the internal scheme; an internet-facing ALB Ingress', () => {
    expect(runKubernetesRule(NET_NO_PUBLIC_LOAD_BALANCER, [service({ type: 'LoadBalancer' })]).findings)
      .toEqual(['is a LoadBalancer Service without the internal scheme (internet-facing by default)']);
    const ingress = { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'i', namespace: 'ns', annotations: { 'alb.ingress.kubernetes.io/scheme': 'internet-facing' } }, spec: {} };
    expect(runKubernetesRule(NET_NO_PUBLIC_LOAD_BALANCER, [ingress]).findings).toEqual(['asks for an internet-facing ALB']);
  });
});

describe('net-no-node-port', () => {
  test('compliant: ClusterIP; non-compliant: NodePort', () => {
    expect(runKubernetesRule(NET_NO_NODE_PORT, [service({ type: 'ClusterIP' })]).status).toBe(C);
    expect(runKubernetesRule(NET_NO_NODE_PORT, [service({ type: 'NodePort' })]).findings).toEqual(['is a NodePort Service']);
  });
});

describe('net-flows-declared (the flow check\'s results)', () => {
  // A client that calls the server's Service, in a namespace with default-deny.
  const client = deployment(undefined, { name: 'client' });
  client.spec.template.spec.containers[0].env = [{ name: 'URL', value: 'http://server.ns.svc:80' }];
  const server = deployment(undefined, { name: 'server' });
  const serverService = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'server', namespace: 'ns' }, spec: { selector: { app: 'server' }, ports: [{ port: 80, targetPort: 8080 }] } };
  const dns = { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'dns', namespace: 'ns' }, spec: { podSelector: {}, policyTypes: ['Egress'], egress: [{ ports: [{ port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }] }] } };
  const allow = {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: 'client-to-server', namespace: 'ns' },
    spec: {
      podSelector: {},
      policyTypes: ['Ingress', 'Egress'],
      ingress: [{ from: [{ podSelector: { matchLabels: { app: 'client' } } }], ports: [{ port: 8080 }] }],
      egress: [{ to: [{ podSelector: { matchLabels: { app: 'server' } } }], ports: [{ port: 8080 }] }],
    },
  };
  const objects = [namespace('ns'), client, server, serverService, defaultDeny('ns'), dns];
  test('compliant: the flow is allowed', () => {
    const r = runKubernetesRule(NET_FLOWS_DECLARED, [...objects, allow]);
    expect(r.status).toBe(C);
  });
  test('non-compliant: the client\'s call is blocked, reported on the client', () => {
    const r = runKubernetesRule(NET_FLOWS_DECLARED, objects);
    expect(r.report.findings.map((f) => [f.resource, f.subject])).toEqual([['Deployment ns/client', 'blocked ns/client -> ns/server TCP 8080']]);
    expect(r.report.findings[0].message).toMatch(/^blocked flow ns\/client → ns\/server TCP 8080/);
  });
});
