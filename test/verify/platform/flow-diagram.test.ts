/**
 * The flow listing and the Mermaid diagram of a small literal model, compared as text.
 */
import * as YAML from 'yaml';
import { flowDiagram, formatFlowFindings, formatFlows } from '../../../lib/verify/platform/flow-diagram';
import { checkFlows, FlowKind } from '../../../lib/verify/platform/flows';
import { PlatformModel, PodGroup, PodPort, ReferenceKind } from '../../../lib/verify/platform/model';

const origin = { location: 'test', syncWave: 0 };

function pods(id: string, labels: { [key: string]: string }, ports: PodPort[] = [], spec: { [key: string]: unknown } = { containers: [{ name: 'main' }] }): PodGroup {
  return { id, namespace: id.split(' ')[1].split('/')[0], labels, ports, serviceAccount: 'default', hostNetwork: false, podSpec: spec, origin };
}

const chat = pods('Deployment ai-apps/chat', { app: 'chat' }, [{ name: 'http', port: 8000, protocol: 'TCP' }], { containers: [{ name: 'vllm', args: ['s3://models/llama'] }] });
const notebook = pods('StatefulSet ml-research/notebook', { app: 'notebook' });
const qdrant = pods('StatefulSet knowledge/knowledge', { 'app': 'qdrant', 'cnai.io/data-service': 'knowledge' }, [{ name: 'http', port: 6333, protocol: 'TCP' }, { name: 'grpc', port: 6334, protocol: 'TCP' }]);
const coredns = pods('Deployment kube-system/coredns', { 'k8s-app': 'kube-dns' }, [{ name: 'dns', port: 53, protocol: 'UDP' }, { name: 'dns-tcp', port: 53, protocol: 'TCP' }], { dnsPolicy: 'Default' });

const POLICIES = `
metadata: { name: default-deny, namespace: ai-apps }
spec: { podSelector: {}, policyTypes: [Ingress, Egress] }
---
metadata: { name: allow-dns, namespace: ai-apps }
spec:
  podSelector: {}
  policyTypes: [Egress]
  egress: [{ to: [{ namespaceSelector: { matchLabels: { kubernetes.io/metadata.name: kube-system } }, podSelector: { matchLabels: { k8s-app: kube-dns } } }], ports: [{ protocol: UDP, port: 53 }, { protocol: TCP, port: 53 }] }]
---
metadata: { name: chat-egress, namespace: ai-apps }
spec:
  podSelector: { matchLabels: { app: chat } }
  policyTypes: [Egress]
  egress:
    - { to: [{ ipBlock: { cidr: 169.254.170.23/32 } }], ports: [{ port: 80 }] }
    - { to: [{ ipBlock: { cidr: 0.0.0.0/0 } }], ports: [{ port: 443 }] }
    - { to: [{ namespaceSelector: {}, podSelector: { matchLabels: { app: qdrant } } }], ports: [{ port: 6333 }, { port: 6334 }] }
---
metadata: { name: qdrant-clients, namespace: knowledge }
spec:
  podSelector: { matchLabels: { app: qdrant } }
  policyTypes: [Ingress]
  ingress: [{ from: [{ namespaceSelector: { matchLabels: { kubernetes.io/metadata.name: ai-apps } }, podSelector: { matchLabels: { app: chat } } }], ports: [{ port: http }, { port: grpc }] }]
`;

const ref = (from: string, ns: string, name: string, port: number, client: string) => ({
  kind: ReferenceKind.SERVICE, from, path: 'spec.template.spec.containers[0].env[0].value', namespace: ns, name, port, clientPodGroup: client, origin,
});

const model: PlatformModel = {
  objects: [],
  namespaces: new Map(['ai-apps', 'ml-research', 'knowledge', 'kube-system'].map((name) => [name, { name, labels: {}, origin }])),
  podGroups: [chat, notebook, qdrant, coredns],
  services: [
    { namespace: 'kube-system', name: 'kube-dns', selector: { 'k8s-app': 'kube-dns' }, headless: false, origin, ports: [{ port: 53, targetPort: 53, protocol: 'UDP' }, { port: 53, targetPort: 53, protocol: 'TCP' }] },
    { namespace: 'knowledge', name: 'knowledge', selector: { app: 'qdrant' }, headless: false, origin, ports: [{ port: 6333, targetPort: 'http', protocol: 'TCP' }, { port: 6334, targetPort: 'grpc', protocol: 'TCP' }] },
    { namespace: 'ai-apps', name: 'chat', selector: { app: 'chat' }, headless: false, origin, ports: [{ port: 80, targetPort: 'http', protocol: 'TCP' }] },
  ],
  networkPolicies: YAML.parseAllDocuments(POLICIES).map((d) => d.toJS())
    .map((o) => ({ namespace: o.metadata.namespace, name: o.metadata.name, spec: o.spec, origin })),
  references: [
    ref('Deployment ai-apps/chat', 'knowledge', 'knowledge', 6333, chat.id),
    ref('Deployment ai-apps/chat', 'knowledge', 'knowledge', 6334, chat.id),
    ref('StatefulSet ml-research/notebook', 'ai-apps', 'chat', 80, notebook.id),
  ],
};

const check = checkFlows(model);

test('the listing: grouped by source namespace, one line per flow, with what allowed or blocked it', () => {
  expect(formatFlows(check.results)).toBe([
    'ai-apps',
    '  ai-apps/chat → AWS services (0.0.0.0/0) TCP 443 allowed by ai-apps/chat-egress',
    '  ai-apps/chat → EKS Pod Identity agent (169.254.170.23/32) TCP 80 allowed by ai-apps/chat-egress',
    '  ai-apps/chat → knowledge/knowledge TCP 6333 allowed by ai-apps/chat-egress, knowledge/qdrant-clients',
    '  ai-apps/chat → knowledge/knowledge TCP 6334 allowed by ai-apps/chat-egress, knowledge/qdrant-clients',
    '  ai-apps/chat → kube-system/coredns TCP 53 allowed by ai-apps/allow-dns',
    '  ai-apps/chat → kube-system/coredns UDP 53 allowed by ai-apps/allow-dns',
    'knowledge',
    '  knowledge/knowledge → kube-system/coredns TCP 53 allowed (neither end is isolated)',
    '  knowledge/knowledge → kube-system/coredns UDP 53 allowed (neither end is isolated)',
    'ml-research',
    '  ml-research/notebook → ai-apps/chat TCP 8000 blocked: ingress of ai-apps/chat is isolated by NetworkPolicy ai-apps/default-deny; '
    + 'no ingress rule of ai-apps/default-deny allows TCP 8000 from ml-research/notebook',
    '  ml-research/notebook → kube-system/coredns TCP 53 allowed (neither end is isolated)',
    '  ml-research/notebook → kube-system/coredns UDP 53 allowed (neither end is isolated)',
  ].join('\n'));
  expect(formatFlowFindings(check.findings)).toBe('- blocked flow ml-research/notebook → ai-apps/chat TCP 8000, needed for Service ai-apps/chat port 80, '
    + 'used by StatefulSet ml-research/notebook (spec.template.spec.containers[0].env[0].value): ingress of ai-apps/chat is isolated by NetworkPolicy ai-apps/default-deny; '
    + 'no ingress rule of ai-apps/default-deny allows TCP 8000 from ml-research/notebook. Fix: allow TCP 8000 from ml-research/notebook in an ingress rule of a NetworkPolicy selecting ai-apps/chat');
});

test('the Mermaid flowchart: a subgraph per namespace, ports on the edges, the blocked flow dotted and red', () => {
  expect(flowDiagram(check.results)).toBe(`flowchart LR
  subgraph ns1["ai-apps"]
    n1["chat"]
  end
  subgraph ns2["knowledge"]
    n2["knowledge"]
  end
  subgraph ns3["kube-system"]
    n3["coredns"]
  end
  subgraph ns4["ml-research"]
    n4["notebook"]
  end
  subgraph ext["outside the cluster"]
    e1["AWS services (0.0.0.0/0)"]
    e2["EKS Pod Identity agent (169.254.170.23/32)"]
  end
  n1 -->|"TCP 6333, TCP 6334"| n2
  n1 -->|"TCP 53, UDP 53"| n3
  n1 -->|"TCP 443"| e1
  n1 -->|"TCP 80"| e2
  n2 -->|"TCP 53, UDP 53"| n3
  n4 -.->|"blocked TCP 8000"| n1
  n4 -->|"TCP 53, UDP 53"| n3
  classDef external fill:#f4f4f4,stroke:#888,stroke-dasharray:3 3
  class e1,e2 external
  linkStyle 5 stroke:#d62728,stroke-width:2px,color:#d62728`);
});

test('the diagram can leave out kinds of flows (DNS, which every pod group has)', () => {
  expect(flowDiagram(check.results, { kinds: [FlowKind.SERVICE], direction: 'TB' })).toBe(`flowchart TB
  subgraph ns1["ai-apps"]
    n1["chat"]
  end
  subgraph ns2["knowledge"]
    n2["knowledge"]
  end
  subgraph ns3["ml-research"]
    n3["notebook"]
  end
  n1 -->|"TCP 6333, TCP 6334"| n2
  n3 -.->|"blocked TCP 8000"| n1
  linkStyle 1 stroke:#d62728,stroke-width:2px,color:#d62728`);
});

test('two pod groups of one name in a namespace are told apart by kind; allowed and blocked flows of one pair get two edges', () => {
  const job = pods('Job ai-apps/chat', { app: 'chat-job' });
  const m: PlatformModel = {
    ...model,
    podGroups: [...model.podGroups, job],
    services: model.services.map((s) => (s.name === 'knowledge' ? { ...s, ports: [...s.ports, { port: 6335, targetPort: 6335, protocol: 'TCP' }] } : s)),
    references: [...model.references, ref('Deployment ai-apps/chat', 'knowledge', 'knowledge', 6335, chat.id), ref('Job ai-apps/chat', 'ai-apps', 'chat', 80, job.id)],
  };
  expect(flowDiagram(checkFlows(m).results, { kinds: [FlowKind.SERVICE] })).toBe(`flowchart LR
  subgraph ns1["ai-apps"]
    n1["Deployment chat"]
    n2["Job chat"]
  end
  subgraph ns2["knowledge"]
    n3["knowledge"]
  end
  subgraph ns3["ml-research"]
    n4["notebook"]
  end
  n1 -->|"TCP 6333, TCP 6334"| n3
  n1 -.->|"blocked TCP 6335"| n3
  n2 -.->|"blocked TCP 8000"| n1
  n4 -.->|"blocked TCP 8000"| n1
  linkStyle 1,2,3 stroke:#d62728,stroke-width:2px,color:#d62728`);
});
