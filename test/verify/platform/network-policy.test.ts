/**
 * NetworkPolicy semantics, one rule at a time, on literal models and policies (YAML as a
 * user writes it). Expected answers come from the Kubernetes documentation, not from the
 * evaluator.
 */
import * as YAML from 'yaml';
import { CnaiError } from '../../../lib/core/errors';
import { ClusterAddresses, NamespaceInfo, NetworkPolicyInfo, PlatformModel, PodGroup, PodPort } from '../../../lib/verify/platform/model';
import { Endpoint, evaluateTraffic, ExternalEndpoint, NetworkPolicyEvaluator } from '../../../lib/verify/platform/network-policy';

const origin = { location: 'test', syncWave: 0 };

function namespace(name: string, labels: { [key: string]: string } = {}): NamespaceInfo {
  return { name, labels, origin };
}

/** A pod group from `Kind namespace/name`. */
function pods(id: string, labels: { [key: string]: string }, ports: PodPort[] = [], hostNetwork = false): PodGroup {
  const namespaceName = id.split(' ')[1].split('/')[0];
  return { id, namespace: namespaceName, labels, ports, serviceAccount: 'default', hostNetwork, origin };
}

function policies(yaml: string): NetworkPolicyInfo[] {
  return YAML.parseAllDocuments(yaml).map((d) => d.toJS()).filter((o) => o).map((o) => ({
    namespace: o.metadata.namespace, name: o.metadata.name, spec: o.spec, origin,
  }));
}

function model(networkPolicies: NetworkPolicyInfo[], namespaces: NamespaceInfo[] = [], clusterAddresses?: ClusterAddresses): PlatformModel {
  return {
    objects: [],
    namespaces: new Map(namespaces.map((n) => [n.name, n])),
    podGroups: [],
    services: [],
    networkPolicies,
    references: [],
    clusterAddresses,
  };
}

const pod = (podGroup: PodGroup): Endpoint => ({ kind: 'pod', podGroup });
const tcp = (from: Endpoint, to: Endpoint, port: number, protocol = 'TCP') => ({ from, to, port, protocol });

const chat = pods('Deployment ai-apps/chat', { 'app.kubernetes.io/name': 'chat', 'cnai.io/llm-service': 'chat' }, [{ name: 'http', port: 8000, protocol: 'TCP' }]);
const qdrant = pods('StatefulSet knowledge/knowledge', { 'app.kubernetes.io/name': 'qdrant', 'cnai.io/data-service': 'knowledge' }, [
  { name: 'http', port: 6333, protocol: 'TCP' }, { name: 'grpc', port: 6334, protocol: 'TCP' },
]);
const coredns = pods('Deployment kube-system/coredns', { 'k8s-app': 'kube-dns' }, [{ name: 'dns', port: 53, protocol: 'UDP' }, { name: 'dns-tcp', port: 53, protocol: 'TCP' }]);
const namespaces = [namespace('ai-apps', { 'cnai.io/team': 'ai-apps' }), namespace('knowledge'), namespace('kube-system'), namespace('ml-research', { 'cnai.io/team': 'ml-research' })];

const DEFAULT_DENY = `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: default-deny, namespace: ai-apps }
spec:
  podSelector: {}
  policyTypes: [Ingress, Egress]
`;
const ALLOW_DNS = `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: allow-dns, namespace: ai-apps }
spec:
  podSelector: {}
  policyTypes: [Egress]
  egress:
    - to:
        - namespaceSelector: { matchLabels: { kubernetes.io/metadata.name: kube-system } }
          podSelector: { matchLabels: { k8s-app: kube-dns } }
      ports:
        - { protocol: UDP, port: 53 }
        - { protocol: TCP, port: 53 }
`;

describe('isolation', () => {
  test('without policies every pod is open both ways, and the answer says so', () => {
    const d = evaluateTraffic(model([], namespaces), tcp(pod(chat), pod(qdrant), 6333));
    expect(d.allowed).toBe(true);
    expect(d.reachable).toBe(true);
    expect(d.allowedBy).toEqual([]);
    expect(d.explanation).toBe('egress of ai-apps/chat is not isolated: no NetworkPolicy of namespace ai-apps selects it for Egress; '
      + 'ingress of knowledge/knowledge is not isolated: no NetworkPolicy of namespace knowledge selects it for Ingress');
  });

  test('default-deny isolates every pod of its namespace both ways: egress out and ingress in are blocked', () => {
    const m = model(policies(DEFAULT_DENY), namespaces);
    const other = pods('Deployment ai-apps/embed', { 'app.kubernetes.io/name': 'embed' }, [{ name: 'http', port: 8080, protocol: 'TCP' }]);
    const out = evaluateTraffic(m, tcp(pod(chat), pod(qdrant), 6333));
    expect(out.allowed).toBe(false);
    expect(out.egress.isolatedBy).toEqual(['ai-apps/default-deny']);
    expect(out.ingress.isolated).toBe(false);
    expect(out.explanation).toBe('egress of ai-apps/chat is isolated by NetworkPolicy ai-apps/default-deny; no egress rule of ai-apps/default-deny allows TCP 6333 to knowledge/knowledge');
    const into = evaluateTraffic(m, tcp(pod(qdrant), pod(other), 8080));
    expect(into.allowed).toBe(false);
    expect(into.explanation).toBe('ingress of ai-apps/embed is isolated by NetworkPolicy ai-apps/default-deny; no ingress rule of ai-apps/default-deny allows TCP 8080 from knowledge/knowledge');
    // Within the namespace both ends are isolated, and both are named.
    expect(evaluateTraffic(m, tcp(pod(chat), pod(other), 8080)).explanation).toBe(
      'egress of ai-apps/chat is isolated by NetworkPolicy ai-apps/default-deny; no egress rule of ai-apps/default-deny allows TCP 8080 to ai-apps/embed; '
      + 'ingress of ai-apps/embed is isolated by NetworkPolicy ai-apps/default-deny; no ingress rule of ai-apps/default-deny allows TCP 8080 from ai-apps/chat');
  });

  test('allow-dns opens UDP and TCP 53 to kube-dns only; the blocked flow names both policies that isolate the source', () => {
    const m = model(policies(DEFAULT_DENY + '---' + ALLOW_DNS), namespaces);
    for (const protocol of ['UDP', 'TCP']) {
      const d = evaluateTraffic(m, tcp(pod(chat), pod(coredns), 53, protocol));
      expect(d.allowed).toBe(true);
      expect(d.allowedBy).toEqual(['ai-apps/allow-dns']);
      expect(d.explanation).toBe('egress of ai-apps/chat is allowed by NetworkPolicy ai-apps/allow-dns egress[0]; '
        + 'ingress of kube-system/coredns is not isolated: no NetworkPolicy of namespace kube-system selects it for Ingress');
    }
    const blocked = evaluateTraffic(m, tcp(pod(chat), pod(qdrant), 6333));
    expect(blocked.allowed).toBe(false);
    expect(blocked.explanation).toBe('egress of ai-apps/chat is isolated by NetworkPolicy ai-apps/default-deny, ai-apps/allow-dns; '
      + 'no egress rule of ai-apps/default-deny, ai-apps/allow-dns allows TCP 6333 to knowledge/knowledge');
    // kube-dns pods in another namespace do not match the peer (namespace AND pod selector).
    const fakeDns = pods('Deployment ml-research/dns', { 'k8s-app': 'kube-dns' });
    expect(evaluateTraffic(m, tcp(pod(chat), pod(fakeDns), 53, 'UDP')).allowed).toBe(false);
  });

  test('policyTypes missing: Ingress always, Egress only when the policy has egress rules', () => {
    const ingressOnly = policies(`
metadata: { name: clients, namespace: knowledge }
spec:
  podSelector: { matchLabels: { app.kubernetes.io/name: qdrant } }
  ingress: [{ from: [{ namespaceSelector: { matchLabels: { cnai.io/team: ai-apps } } }] }]
`);
    const m1 = model(ingressOnly, namespaces);
    expect(new NetworkPolicyEvaluator(m1).isolatingPolicies(qdrant, 'Ingress')).toEqual(['knowledge/clients']);
    expect(new NetworkPolicyEvaluator(m1).isolatingPolicies(qdrant, 'Egress')).toEqual([]);
    expect(evaluateTraffic(m1, tcp(pod(qdrant), pod(coredns), 53, 'UDP')).allowed).toBe(true);

    // With egress rules and no policyTypes, the policy isolates ingress too, and has no ingress rule:
    // everything into the pod is blocked (the classic surprise the documentation warns about).
    const egressRules = policies(`
metadata: { name: egress-to-dns, namespace: knowledge }
spec:
  podSelector: { matchLabels: { app.kubernetes.io/name: qdrant } }
  egress: [{ to: [{ namespaceSelector: {} }], ports: [{ port: 53, protocol: UDP }] }]
`);
    const m2 = model(egressRules, namespaces);
    const d = evaluateTraffic(m2, tcp(pod(chat), pod(qdrant), 6333));
    expect(d.allowed).toBe(false);
    expect(d.explanation).toBe('ingress of knowledge/knowledge is isolated by NetworkPolicy knowledge/egress-to-dns; no ingress rule of knowledge/egress-to-dns allows TCP 6333 from ai-apps/chat');
  });

  test('an egress-only policy does not isolate ingress', () => {
    const m = model(policies(`
metadata: { name: egress-only, namespace: knowledge }
spec:
  podSelector: {}
  policyTypes: [Egress]
`), namespaces);
    const d = evaluateTraffic(m, tcp(pod(chat), pod(qdrant), 6333));
    expect(d.allowed).toBe(true);
    expect(d.ingress.isolated).toBe(false);
    expect(evaluateTraffic(m, tcp(pod(qdrant), pod(chat), 8000)).explanation).toBe(
      'egress of knowledge/knowledge is isolated by NetworkPolicy knowledge/egress-only; no egress rule of knowledge/egress-only allows TCP 8000 to ai-apps/chat');
  });
});

describe('peers', () => {
  const team = pods('Deployment ai-apps/client', { role: 'client' });
  const teamOther = pods('Deployment ai-apps/other', { role: 'other' });
  const foreign = pods('Deployment ml-research/client', { role: 'client' });
  const local = pods('Deployment knowledge/client', { role: 'client' });
  const peerPolicy = (from: string) => policies(`
metadata: { name: clients, namespace: knowledge }
spec:
  podSelector: { matchLabels: { app.kubernetes.io/name: qdrant } }
  policyTypes: [Ingress]
  ingress: [{ from: ${from} }]
`);
  const allowedFrom = (m: PlatformModel) => [team, teamOther, foreign, local]
    .filter((g) => evaluateTraffic(m, tcp(pod(g), pod(qdrant), 6333)).allowed).map((g) => g.id);

  test('podSelector and namespaceSelector in one peer: pods matching both (AND)', () => {
    const m = model(peerPolicy('[{ namespaceSelector: { matchLabels: { cnai.io/team: ai-apps } }, podSelector: { matchLabels: { role: client } } }]'), namespaces);
    expect(allowedFrom(m)).toEqual(['Deployment ai-apps/client']);
  });

  test('the same selectors as two peers: either (OR); a podSelector alone means the policy\'s own namespace', () => {
    const m = model(peerPolicy('[{ namespaceSelector: { matchLabels: { cnai.io/team: ai-apps } } }, { podSelector: { matchLabels: { role: client } } }]'), namespaces);
    expect(allowedFrom(m)).toEqual(['Deployment ai-apps/client', 'Deployment ai-apps/other', 'Deployment knowledge/client']);
  });

  test('empty selectors: podSelector {} is every pod of the policy\'s namespace, namespaceSelector {} every namespace', () => {
    expect(allowedFrom(model(peerPolicy('[{ podSelector: {} }]'), namespaces))).toEqual(['Deployment knowledge/client']);
    expect(allowedFrom(model(peerPolicy('[{ namespaceSelector: {} }]'), namespaces))).toHaveLength(4);
  });

  test('a rule without from, or with an empty from, allows every source', () => {
    for (const rule of ['[{}]', '[{ from: [] }]', '[{ ports: [{ port: 6333 }] }]']) {
      const m = model(policies(`
metadata: { name: open, namespace: knowledge }
spec: { podSelector: {}, policyTypes: [Ingress], ingress: ${rule} }
`), namespaces);
      expect(allowedFrom(m)).toHaveLength(4);
    }
  });

  test('every namespace carries kubernetes.io/metadata.name, declared or not', () => {
    const m = model(peerPolicy('[{ namespaceSelector: { matchLabels: { kubernetes.io/metadata.name: ml-research } } }]'), []);
    expect(allowedFrom(m)).toEqual(['Deployment ml-research/client']);
  });

  test('matchExpressions: In, NotIn (also true when the label is absent), Exists, DoesNotExist', () => {
    const expr = (e: string) => model(peerPolicy(`[{ namespaceSelector: {}, podSelector: { matchExpressions: [${e}] } }]`), namespaces);
    expect(allowedFrom(expr('{ key: role, operator: In, values: [client, admin] }'))).toEqual(['Deployment ai-apps/client', 'Deployment ml-research/client', 'Deployment knowledge/client']);
    expect(allowedFrom(expr('{ key: role, operator: NotIn, values: [client] }'))).toEqual(['Deployment ai-apps/other']);
    expect(allowedFrom(expr('{ key: team, operator: NotIn, values: [x] }'))).toHaveLength(4);
    expect(allowedFrom(expr('{ key: role, operator: Exists }'))).toHaveLength(4);
    expect(allowedFrom(expr('{ key: role, operator: DoesNotExist }'))).toEqual([]);
    // Requirements are ANDed, with matchLabels too.
    const both = model(peerPolicy('[{ namespaceSelector: { matchExpressions: [{ key: cnai.io/team, operator: Exists }] }, podSelector: { matchLabels: { role: client }, matchExpressions: [{ key: role, operator: NotIn, values: [other] }] } }]'), namespaces);
    expect(allowedFrom(both)).toEqual(['Deployment ai-apps/client', 'Deployment ml-research/client']);
  });

  test('an unknown operator is an error naming the policy, the field and the fix', () => {
    const m = model(peerPolicy('[{ podSelector: { matchExpressions: [{ key: role, operator: Equals, values: [client] }] } }]'), namespaces);
    expect(() => new NetworkPolicyEvaluator(m)).toThrow(CnaiError);
    expect(() => new NetworkPolicyEvaluator(m)).toThrow(
      'NetworkPolicy knowledge/clients: invalid spec.ingress[0].from[0].podSelector.matchExpressions[0].operator = "Equals": the operator is not one of In, NotIn, Exists, DoesNotExist. Fix: use one of those operators.');
  });
});

describe('ports', () => {
  const ingressPorts = (ports: string) => model(policies(`
metadata: { name: ports, namespace: knowledge }
spec:
  podSelector: {}
  policyTypes: [Ingress]
  ingress: [{ ports: ${ports} }]
`), namespaces);

  test('a named port resolves against the destination pod\'s container ports', () => {
    const m = ingressPorts('[{ port: http }]');
    expect(evaluateTraffic(m, tcp(pod(chat), pod(qdrant), 6333)).allowed).toBe(true);
    expect(evaluateTraffic(m, tcp(pod(chat), pod(qdrant), 6334)).allowed).toBe(false);
    // A port of that number under another name is not it.
    const renamed = pods('StatefulSet knowledge/other', {}, [{ name: 'rest', port: 6333, protocol: 'TCP' }]);
    expect(evaluateTraffic(m, tcp(pod(chat), pod(renamed), 6333)).allowed).toBe(false);
  });

  test('a named port in an egress rule resolves against the destination too', () => {
    const m = model(policies(`
metadata: { name: to-http, namespace: ai-apps }
spec:
  podSelector: {}
  policyTypes: [Egress]
  egress: [{ to: [{ namespaceSelector: {} }], ports: [{ port: http }] }]
`), namespaces);
    expect(evaluateTraffic(m, tcp(pod(chat), pod(qdrant), 6333)).allowed).toBe(true); // qdrant's http
    expect(evaluateTraffic(m, tcp(pod(qdrant), pod(chat), 8000)).allowed).toBe(true); // not isolated
    const embed = pods('Deployment ai-apps/embed', {}, [{ name: 'http', port: 8080, protocol: 'TCP' }]);
    expect(evaluateTraffic(m, tcp(pod(chat), pod(embed), 8080)).allowed).toBe(true);
    expect(evaluateTraffic(m, tcp(pod(chat), pod(embed), 8000)).allowed).toBe(false); // chat's http, not embed's
  });

  test('endPort: an inclusive range', () => {
    const m = ingressPorts('[{ port: 32000, endPort: 32768 }]');
    const allowed = [31999, 32000, 32500, 32768, 32769].map((p) => evaluateTraffic(m, tcp(pod(chat), pod(qdrant), p)).allowed);
    expect(allowed).toEqual([false, true, true, true, false]);
  });

  test('endPort with a named port is an error', () => {
    expect(() => new NetworkPolicyEvaluator(ingressPorts('[{ port: http, endPort: 7000 }]'))).toThrow(
      'NetworkPolicy knowledge/ports: invalid spec.ingress[0].ports[0].endPort = 7000: endPort needs a numeric port no greater than it. Fix: set port to a number <= endPort, or remove endPort.');
  });

  test('protocol: it must match, and defaults to TCP', () => {
    const udp = ingressPorts('[{ port: 53, protocol: UDP }]');
    expect(evaluateTraffic(udp, tcp(pod(chat), pod(qdrant), 53, 'UDP')).allowed).toBe(true);
    expect(evaluateTraffic(udp, tcp(pod(chat), pod(qdrant), 53, 'TCP')).explanation).toBe(
      'ingress of knowledge/knowledge is isolated by NetworkPolicy knowledge/ports; no ingress rule of knowledge/ports allows TCP 53 from ai-apps/chat');
    const defaulted = ingressPorts('[{ port: 53 }]');
    expect(evaluateTraffic(defaulted, tcp(pod(chat), pod(qdrant), 53, 'TCP')).allowed).toBe(true);
    expect(evaluateTraffic(defaulted, tcp(pod(chat), pod(qdrant), 53, 'UDP')).allowed).toBe(false);
    // A protocol without a port: every port of that protocol.
    const allUdp = ingressPorts('[{ protocol: UDP }]');
    expect(evaluateTraffic(allUdp, tcp(pod(chat), pod(qdrant), 4789, 'UDP')).allowed).toBe(true);
    expect(evaluateTraffic(allUdp, tcp(pod(chat), pod(qdrant), 4789, 'TCP')).allowed).toBe(false);
  });

  test('missing or empty ports: every port and protocol', () => {
    for (const m of [ingressPorts('[]'), model(policies('metadata: { name: p, namespace: knowledge }\nspec: { podSelector: {}, policyTypes: [Ingress], ingress: [{ from: [{ namespaceSelector: {} }] }] }'), namespaces)]) {
      expect(evaluateTraffic(m, tcp(pod(chat), pod(qdrant), 1, 'SCTP')).allowed).toBe(true);
      expect(evaluateTraffic(m, tcp(pod(chat), pod(qdrant), 65535)).allowed).toBe(true);
    }
  });
});

describe('addresses: ipBlock, external ends and host-network pods', () => {
  const podIdentity: ExternalEndpoint = { kind: 'external', name: 'EKS Pod Identity agent', cidrs: ['169.254.170.23/32'] };
  const aws: ExternalEndpoint = { kind: 'external', name: 'AWS services', cidrs: ['0.0.0.0/0'] };
  const egress = (rules: string) => model(policies(`
metadata: { name: chat-egress, namespace: ai-apps }
spec:
  podSelector: { matchLabels: { cnai.io/llm-service: chat } }
  policyTypes: [Egress]
  egress: ${rules}
`), namespaces);

  test('ipBlock allows an external end when it covers all of the end\'s addresses', () => {
    const m = egress(`
    - { to: [{ ipBlock: { cidr: 169.254.170.23/32 } }, { ipBlock: { cidr: "fd00:ec2::23/128" } }], ports: [{ port: 80, protocol: TCP }] }
    - { to: [{ ipBlock: { cidr: 0.0.0.0/0 } }], ports: [{ port: 443, protocol: TCP }] }`);
    const agent = evaluateTraffic(m, tcp(pod(chat), podIdentity, 80));
    expect(agent.allowed).toBe(true);
    expect(agent.explanation).toBe('egress of ai-apps/chat is allowed by NetworkPolicy ai-apps/chat-egress egress[0]; '
      + 'EKS Pod Identity agent is outside the pod network: no NetworkPolicy applies to its ingress');
    expect(evaluateTraffic(m, tcp(pod(chat), aws, 443)).allowed).toBe(true);
    expect(evaluateTraffic(m, tcp(pod(chat), aws, 80)).allowed).toBe(false);
    expect(evaluateTraffic(m, tcp(pod(chat), podIdentity, 443)).allowed).toBe(true); // 0.0.0.0/0 covers it
  });

  test('except carves addresses out; an end partly covered is reachable but not allowed', () => {
    const m = egress('[{ to: [{ ipBlock: { cidr: 0.0.0.0/0, except: [169.254.0.0/16, 10.0.0.0/8] } }] }]');
    const agent = evaluateTraffic(m, tcp(pod(chat), podIdentity, 80));
    expect([agent.allowed, agent.reachable]).toEqual([false, false]);
    expect(agent.explanation).toBe('egress of ai-apps/chat is isolated by NetworkPolicy ai-apps/chat-egress; '
      + 'no egress rule of ai-apps/chat-egress allows TCP 80 to EKS Pod Identity agent (169.254.170.23/32)');
    const any = evaluateTraffic(m, tcp(pod(chat), aws, 443));
    expect([any.allowed, any.reachable]).toEqual([false, true]);
    expect(any.explanation).toBe('egress of ai-apps/chat is isolated by NetworkPolicy ai-apps/chat-egress; '
      + 'NetworkPolicy ai-apps/chat-egress egress[0] allows TCP 443 to only part of AWS services (0.0.0.0/0)');
    // Two blocks that together cover the range allow it.
    const halves = egress('[{ to: [{ ipBlock: { cidr: 0.0.0.0/1 } }] }, { to: [{ ipBlock: { cidr: 128.0.0.0/1 } }] }]');
    expect(evaluateTraffic(halves, tcp(pod(chat), aws, 443)).allowed).toBe(true);
  });

  test('ipBlock never matches a pod-network pod (pods of the model have no addresses)', () => {
    const m = egress('[{ to: [{ ipBlock: { cidr: 0.0.0.0/0 } }] }]');
    expect(evaluateTraffic(m, tcp(pod(chat), pod(qdrant), 6333)).allowed).toBe(false);
  });

  test('an external source needs an ingress ipBlock (or an open rule) covering its addresses', () => {
    const apiServer: ExternalEndpoint = { kind: 'external', name: 'kube-apiserver', cidrs: ['10.0.0.0/16'] };
    const webhook = pods('Deployment knowledge/webhook', { app: 'webhook' }, [{ name: 'https', port: 9443, protocol: 'TCP' }]);
    const ingress = (from: string) => model(policies(`
metadata: { name: webhook, namespace: knowledge }
spec: { podSelector: {}, policyTypes: [Ingress], ingress: [{ from: ${from}, ports: [{ port: https }] }] }
`), namespaces);
    expect(evaluateTraffic(ingress('[{ ipBlock: { cidr: 10.0.0.0/8 } }]'), tcp(apiServer, pod(webhook), 9443)).allowed).toBe(true);
    expect(evaluateTraffic(ingress('[{ namespaceSelector: {} }]'), tcp(apiServer, pod(webhook), 9443)).allowed).toBe(false);
    expect(evaluateTraffic(ingress('[]'), tcp(apiServer, pod(webhook), 9443)).allowed).toBe(true);
  });

  test('host-network pods: never isolated, and matched by other pods\' policies only as node addresses', () => {
    const nodeExporter = pods('DaemonSet monitoring/node-exporter', { app: 'node-exporter' }, [{ name: 'metrics', port: 9100, protocol: 'TCP' }], true);
    const prometheus = pods('StatefulSet monitoring/prometheus', { app: 'prometheus' });
    const denyAll = `
metadata: { name: default-deny, namespace: monitoring }
spec: { podSelector: {}, policyTypes: [Ingress, Egress] }
`;
    const scrape = (to: string) => `---
metadata: { name: scrape, namespace: monitoring }
spec:
  podSelector: { matchLabels: { app: prometheus } }
  policyTypes: [Egress]
  egress: [{ to: ${to}, ports: [{ port: 9100 }] }]
`;
    const nodes = { nodeCidrs: ['10.0.0.0/16'] };
    // Selectors do not see host-network pods.
    const bySelector = evaluateTraffic(model(policies(denyAll + scrape('[{ namespaceSelector: {}, podSelector: {} }]')), [], nodes), tcp(pod(prometheus), pod(nodeExporter), 9100));
    expect(bySelector.allowed).toBe(false);
    expect(bySelector.ingress.explanation).toBe('ingress of monitoring/node-exporter is not isolated: NetworkPolicies do not select host-network pods');
    expect(bySelector.explanation).toBe('egress of monitoring/prometheus is isolated by NetworkPolicy monitoring/default-deny, monitoring/scrape; '
      + 'no egress rule of monitoring/default-deny, monitoring/scrape allows TCP 9100 to monitoring/node-exporter (host-network: its node\'s address in 10.0.0.0/16)');
    // An ipBlock over the node addresses does.
    const byBlock = model(policies(denyAll + scrape('[{ ipBlock: { cidr: 10.0.0.0/8 } }]')), [], nodes);
    expect(evaluateTraffic(byBlock, tcp(pod(prometheus), pod(nodeExporter), 9100)).allowed).toBe(true);
    // Without known node addresses, a node may have any address: the block covers only part.
    const unknown = evaluateTraffic(model(policies(denyAll + scrape('[{ ipBlock: { cidr: 10.0.0.0/8 } }]'))), tcp(pod(prometheus), pod(nodeExporter), 9100));
    expect([unknown.allowed, unknown.reachable]).toEqual([false, true]);
    // The host-network pod's own egress is not isolated by the namespace's default-deny.
    expect(evaluateTraffic(byBlock, tcp(pod(nodeExporter), pod(coredns), 53, 'UDP')).egress.explanation).toBe(
      'egress of monitoring/node-exporter is not isolated: NetworkPolicies do not select host-network pods');
  });

  test('a malformed CIDR is an error naming the policy and the field', () => {
    expect(() => new NetworkPolicyEvaluator(egress('[{ to: [{ ipBlock: { cidr: 10.0.0.0/33 } }] }]'))).toThrow(
      'NetworkPolicy ai-apps/chat-egress: invalid spec.egress[0].to[0].ipBlock.cidr = "10.0.0.0/33": not a CIDR. Fix: write an IPv4 or IPv6 CIDR such as 10.0.0.0/16.');
  });
});
