/**
 * The flows a platform needs and their check, on a literal model shaped like the reference
 * platform: a chat server that reads weights from S3 and queries a vector database, a
 * notebook of another team that calls the chat server, Prometheus scraping the vector
 * database, a telemetry collector exporting to X-Ray, CoreDNS, and a host-network exporter.
 */
import * as YAML from 'yaml';
import { CnaiError } from '../../../lib/core/errors';
import {
  API_SERVER_CLIENT, checkFlows, FlowFindingKind, FlowKind, FlowResult, kubelet, neededFlows, NeededFlow,
} from '../../../lib/verify/platform/flows';
import { ModelObject, NetworkPolicyInfo, PlatformModel, PodGroup, PodPort, Reference, ReferenceKind, ServiceInfo } from '../../../lib/verify/platform/model';
import { endpointName } from '../../../lib/verify/platform/network-policy';

const origin = { location: 'test', syncWave: 0 };

interface PodOptions {
  readonly ports?: PodPort[];
  readonly sa?: string;
  readonly spec?: { [key: string]: unknown };
  readonly hostNetwork?: boolean;
}

function pods(id: string, labels: { [key: string]: string }, options: PodOptions = {}): PodGroup {
  return {
    id,
    namespace: id.split(' ')[1].split('/')[0],
    labels,
    ports: options.ports ?? [],
    serviceAccount: options.sa ?? 'default',
    hostNetwork: options.hostNetwork ?? false,
    podSpec: options.spec ?? { containers: [{ name: 'main', image: 'example' }] },
    origin,
  };
}

function service(ns: string, name: string, selector: { [key: string]: string } | undefined, ports: ServiceInfo['ports']): ServiceInfo {
  return { namespace: ns, name, selector, headless: false, ports, origin };
}

function serviceRef(from: string, target: string, port: number | undefined, clientPodGroup: string | undefined): Reference {
  const [ns, name] = target.split('/');
  return { kind: ReferenceKind.SERVICE, from, path: 'spec.template.spec.containers[0].env[0].value', namespace: ns, name, port, clientPodGroup, origin };
}

function policies(yaml: string): NetworkPolicyInfo[] {
  return YAML.parseAllDocuments(yaml).map((d) => d.toJS()).filter((o) => o)
    .map((o) => ({ namespace: o.metadata.namespace, name: o.metadata.name, spec: o.spec, origin }));
}

function objects(...list: Array<{ [key: string]: unknown }>): ModelObject[] {
  return list.map((object) => ({ object: object as ModelObject['object'], origin }));
}

const chat = pods('Deployment ai-apps/chat', { 'cnai.io/llm-service': 'chat' }, {
  ports: [{ name: 'http', port: 8000, protocol: 'TCP' }],
  sa: 'chat',
  spec: { automountServiceAccountToken: false, containers: [{ name: 'vllm', args: ['--model', 's3://models/llama-3.1-8b'] }] },
});
const notebook = pods('StatefulSet ml-research/notebook', { app: 'notebook' });
const qdrant = pods('StatefulSet knowledge/knowledge', { 'app.kubernetes.io/name': 'qdrant', 'cnai.io/data-service': 'knowledge' }, {
  ports: [{ name: 'http', port: 6333, protocol: 'TCP' }, { name: 'grpc', port: 6334, protocol: 'TCP' }, { name: 'p2p', port: 6335, protocol: 'TCP' }],
});
const snapshot = pods('CronJob knowledge/knowledge-snapshot', { 'cnai.io/data-service': 'knowledge', 'cnai.io/job': 'snapshot' });
const coredns = pods('Deployment kube-system/coredns', { 'k8s-app': 'kube-dns' }, {
  ports: [{ name: 'dns', port: 53, protocol: 'UDP' }, { name: 'dns-tcp', port: 53, protocol: 'TCP' }],
  spec: { dnsPolicy: 'Default', containers: [{ name: 'coredns' }] },
});
const prometheus = pods('StatefulSet monitoring/prometheus', { 'app.kubernetes.io/name': 'prometheus' });
const nodeExporter = pods('DaemonSet monitoring/node-exporter', { app: 'node-exporter' }, { ports: [{ name: 'metrics', port: 9100, protocol: 'TCP' }], hostNetwork: true });
const collector = pods('Deployment observability/otel-collector', { 'app.kubernetes.io/name': 'otel-collector' }, {
  sa: 'otel-collector',
  spec: { containers: [{ name: 'otelcol' }], volumes: [{ name: 'config', configMap: { name: 'otel-collector' } }] },
});

const POLICIES = `
metadata: { name: default-deny, namespace: ai-apps }
spec: { podSelector: {}, policyTypes: [Ingress, Egress] }
---
metadata: { name: allow-dns, namespace: ai-apps }
spec:
  podSelector: {}
  policyTypes: [Egress]
  egress:
    - to: [{ namespaceSelector: { matchLabels: { kubernetes.io/metadata.name: kube-system } }, podSelector: { matchLabels: { k8s-app: kube-dns } } }]
      ports: [{ protocol: UDP, port: 53 }, { protocol: TCP, port: 53 }]
---
metadata: { name: chat-egress, namespace: ai-apps }
spec:
  podSelector: { matchLabels: { cnai.io/llm-service: chat } }
  policyTypes: [Egress]
  egress:
    - to: [{ ipBlock: { cidr: 169.254.170.23/32 } }]
      ports: [{ protocol: TCP, port: 80 }]
    - to: [{ ipBlock: { cidr: 0.0.0.0/0 } }]
      ports: [{ protocol: TCP, port: 443 }]
    - to: [{ namespaceSelector: { matchLabels: { kubernetes.io/metadata.name: knowledge } }, podSelector: { matchLabels: { app.kubernetes.io/name: qdrant } } }]
      ports: [{ protocol: TCP, port: 6333 }]
---
metadata: { name: knowledge-ingress, namespace: knowledge }
spec:
  podSelector: { matchLabels: { app.kubernetes.io/name: qdrant } }
  policyTypes: [Ingress]
  ingress:
    - from: [{ podSelector: { matchLabels: { app.kubernetes.io/name: qdrant } } }]
      ports: [{ port: 6335 }]
    - from: [{ podSelector: { matchLabels: { cnai.io/job: snapshot } } }]
      ports: [{ port: 6333 }]
    - from: [{ namespaceSelector: { matchLabels: { kubernetes.io/metadata.name: monitoring } }, podSelector: { matchLabels: { app.kubernetes.io/name: prometheus } } }]
      ports: [{ port: 6333 }]
    - from: [{ namespaceSelector: { matchLabels: { kubernetes.io/metadata.name: ai-apps } }, podSelector: { matchLabels: { cnai.io/llm-service: chat } } }]
      ports: [{ port: http }]
`;

function platform(extra: { policies?: string; references?: Reference[]; podGroups?: PodGroup[] } = {}): PlatformModel {
  const namespaces = ['ai-apps', 'ml-research', 'knowledge', 'kube-system', 'monitoring', 'observability'];
  const labels: { [ns: string]: { [key: string]: string } } = { 'ai-apps': { 'cnai.io/team': 'ai-apps' }, 'ml-research': { 'cnai.io/team': 'ml-research' } };
  return {
    objects: objects(
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'otel-collector', namespace: 'observability' }, data: { 'config.yaml': 'exporters:\n  awsxray:\n    region: eu-west-1\n' } },
      { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'otel-collector', namespace: 'observability' } },
      { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: 'otel-collector' }, subjects: [{ kind: 'ServiceAccount', name: 'otel-collector', namespace: 'observability' }] },
      { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: 'chat' }, subjects: [{ kind: 'ServiceAccount', name: 'chat', namespace: 'ai-apps' }] },
    ),
    namespaces: new Map(namespaces.map((name) => [name, { name, labels: labels[name] ?? {}, origin }])),
    podGroups: [chat, notebook, qdrant, snapshot, coredns, prometheus, nodeExporter, collector, ...(extra.podGroups ?? [])],
    services: [
      service('kube-system', 'kube-dns', { 'k8s-app': 'kube-dns' }, [
        { name: 'dns', port: 53, targetPort: 53, protocol: 'UDP' }, { name: 'dns-tcp', port: 53, targetPort: 'dns-tcp', protocol: 'TCP' },
      ]),
      service('knowledge', 'knowledge', { 'app.kubernetes.io/name': 'qdrant' }, [
        { name: 'http', port: 6333, targetPort: 'http', protocol: 'TCP' }, { name: 'grpc', port: 6334, targetPort: 'grpc', protocol: 'TCP' },
      ]),
      service('ai-apps', 'chat', { 'cnai.io/llm-service': 'chat' }, [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }]),
    ],
    networkPolicies: policies(POLICIES + (extra.policies ?? '')),
    references: [
      serviceRef('Deployment ai-apps/chat', 'knowledge/knowledge', 6333, chat.id),
      serviceRef('ServiceMonitor knowledge/knowledge', 'knowledge/knowledge', 6333, prometheus.id),
      serviceRef('CronJob knowledge/knowledge-snapshot', 'knowledge/knowledge', 6333, snapshot.id),
      serviceRef('StatefulSet ml-research/notebook', 'ai-apps/chat', 80, notebook.id),
      ...(extra.references ?? []),
    ],
  };
}

const line = (f: NeededFlow) => `${f.kind}: ${endpointName(f.from)} → ${endpointName(f.to)} ${f.protocol} ${f.port}`;
const resultLine = (r: FlowResult) => `${line(r.flow)} ${r.decision.allowed ? 'allowed' : 'BLOCKED'}`;

describe('needed flows', () => {
  test('Service references, DNS, AWS and the API server, with named target ports resolved', () => {
    const { flows, unresolved } = neededFlows(platform());
    expect(unresolved).toEqual([]);
    expect(flows.map(line)).toEqual([
      'service: ai-apps/chat → knowledge/knowledge TCP 6333',
      'service: monitoring/prometheus → knowledge/knowledge TCP 6333',
      'service: knowledge/knowledge-snapshot → knowledge/knowledge TCP 6333',
      'service: ml-research/notebook → ai-apps/chat TCP 8000', // Service port 80, targetPort http
      // DNS for every pod group on the cluster DNS: not CoreDNS (dnsPolicy Default), not the host-network exporter.
      ...['ai-apps/chat', 'ml-research/notebook', 'knowledge/knowledge', 'knowledge/knowledge-snapshot', 'monitoring/prometheus', 'observability/otel-collector']
        .flatMap((g) => [`dns: ${g} → kube-system/coredns UDP 53`, `dns: ${g} → kube-system/coredns TCP 53`]),
      // AWS: chat (s3:// in its args), the collector (awsxray in the ConfigMap it mounts).
      'aws: ai-apps/chat → EKS Pod Identity agent TCP 80',
      'aws: ai-apps/chat → AWS services TCP 443',
      'aws: observability/otel-collector → EKS Pod Identity agent TCP 80',
      'aws: observability/otel-collector → AWS services TCP 443',
      // API server: the collector's account is bound and mounts its token; chat's is bound but mounts none.
      'api-server: observability/otel-collector → kube-apiserver TCP 443',
    ]);
    const awsFlow = flows.find((f) => f.kind === FlowKind.AWS && endpointName(f.from) === 'observability/otel-collector')!;
    expect(awsFlow.reasons).toEqual(['AWS credentials through EKS Pod Identity (awsxray in ConfigMap observability/otel-collector, which it mounts)']);
  });

  test('two references to one port make one flow with both reasons', () => {
    const { flows } = neededFlows(platform({ references: [{ ...serviceRef('Deployment ai-apps/chat', 'knowledge/knowledge', 6333, chat.id), path: 'spec.template.spec.containers[0].args[3]' }] }));
    const f = flows.filter((x) => line(x) === 'service: ai-apps/chat → knowledge/knowledge TCP 6333');
    expect(f).toHaveLength(1);
    expect(f[0].reasons).toEqual([
      'Service knowledge/knowledge port 6333, used by Deployment ai-apps/chat (spec.template.spec.containers[0].env[0].value)',
      'Service knowledge/knowledge port 6333, used by Deployment ai-apps/chat (spec.template.spec.containers[0].args[3])',
    ]);
  });

  test('a reference without a port (a bare host) derives no flow; webhooks have the API server as client', () => {
    const { flows } = neededFlows(platform({
      references: [
        serviceRef('ValidatingWebhookConfiguration /qdrant-validate', 'knowledge/knowledge', undefined, undefined),
        serviceRef('Deployment ai-apps/x', 'knowledge/knowledge', 6334, API_SERVER_CLIENT),
      ],
    }));
    expect(flows.filter((f) => endpointName(f.from) === 'kube-apiserver' && f.kind === FlowKind.SERVICE).map(line)).toEqual([
      'service: kube-apiserver → knowledge/knowledge TCP 6334',
    ]);
  });

  test('through a headless Service a client may connect to a container port the Service does not list', () => {
    const m = platform({ references: [serviceRef('StatefulSet knowledge/knowledge', 'knowledge/knowledge-headless', 6335, qdrant.id)] });
    const headless = { ...service('knowledge', 'knowledge-headless', { 'app.kubernetes.io/name': 'qdrant' }, [{ name: 'http', port: 6333, targetPort: 'http', protocol: 'TCP' }]), headless: true };
    const { flows, unresolved } = neededFlows({ ...m, services: [...m.services, headless] });
    expect(unresolved).toEqual([]);
    const peer = flows.filter((f) => f.kind === FlowKind.SERVICE && endpointName(f.from) === 'knowledge/knowledge');
    expect(peer.map(line)).toEqual(['service: knowledge/knowledge → knowledge/knowledge TCP 6335']);
    expect(peer[0].reasons).toEqual(['headless Service knowledge/knowledge-headless, pod port 6335, used by StatefulSet knowledge/knowledge (spec.template.spec.containers[0].env[0].value)']);
    // A Service with a cluster IP forwards only its own ports.
    const { unresolved: notHeadless } = neededFlows({ ...m, services: [...m.services, { ...headless, headless: false }] });
    expect(notHeadless).toEqual(['StatefulSet knowledge/knowledge (spec.template.spec.containers[0].env[0].value): Service knowledge/knowledge-headless has no port 6335']);
  });

  test('what cannot become a flow is listed, not guessed', () => {
    const { unresolved } = neededFlows({
      ...platform({
        references: [
          serviceRef('Deployment ai-apps/chat', 'knowledge/qdrant', 6333, chat.id),
          serviceRef('Deployment ai-apps/chat', 'knowledge/knowledge', 7000, chat.id),
          serviceRef('Deployment ai-apps/chat', 'ai-apps/external-db', 5432, chat.id),
          serviceRef('Deployment ai-apps/chat', 'knowledge/knowledge', 6333, 'Deployment ai-apps/gone'),
          serviceRef('Deployment ai-apps/chat', 'knowledge/knowledge', 6333, undefined), // no client: not a connection
        ],
      }),
      services: [...platform().services, service('ai-apps', 'external-db', undefined, [{ port: 5432, targetPort: 5432, protocol: 'TCP' }])],
    });
    const at = 'Deployment ai-apps/chat (spec.template.spec.containers[0].env[0].value)';
    expect(unresolved).toEqual([
      `${at}: Service knowledge/qdrant is not in the model`,
      `${at}: Service knowledge/knowledge has no port 7000`,
      `${at}: Service ai-apps/external-db has no selector, so the pods behind it are not known; the flow is not checked`,
      `${at}: client Deployment ai-apps/gone is not a pod group of the model`,
    ]);
  });

  test('without kube-dns in the model, DNS is reported as not checked', () => {
    const m = platform();
    const { flows, unresolved } = neededFlows({ ...m, podGroups: m.podGroups.filter((g) => g !== coredns), services: m.services.filter((s) => s.name !== 'kube-dns') });
    expect(flows.filter((f) => f.kind === FlowKind.DNS)).toEqual([]);
    expect(unresolved).toEqual(['DNS: the model has no Service kube-system/kube-dns and no pods labelled k8s-app=kube-dns in kube-system; DNS flows are not checked']);
  });
});

describe('checkFlows', () => {
  test('every needed flow is evaluated; the blocked one is a finding naming both ends, the port and the policy', () => {
    const check = checkFlows(platform());
    expect(check.results.filter((r) => !r.decision.allowed).map(resultLine)).toEqual(['service: ml-research/notebook → ai-apps/chat TCP 8000 BLOCKED']);
    expect(check.results).toHaveLength(21);
    expect(check.findings.map((f) => f.message)).toEqual([
      'blocked flow ml-research/notebook → ai-apps/chat TCP 8000, needed for Service ai-apps/chat port 80, used by StatefulSet ml-research/notebook '
      + '(spec.template.spec.containers[0].env[0].value): ingress of ai-apps/chat is isolated by NetworkPolicy ai-apps/default-deny; '
      + 'no ingress rule of ai-apps/default-deny allows TCP 8000 from ml-research/notebook. '
      + 'Fix: allow TCP 8000 from ml-research/notebook in an ingress rule of a NetworkPolicy selecting ai-apps/chat',
    ]);
    expect(check.findings[0].kind).toBe(FlowFindingKind.BLOCKED);
    // Allowed flows say by what.
    const chatToQdrant = check.results.find((r) => line(r.flow) === 'service: ai-apps/chat → knowledge/knowledge TCP 6333')!;
    expect(chatToQdrant.decision.allowedBy).toEqual(['ai-apps/chat-egress', 'knowledge/knowledge-ingress']);
  });

  test('the data-service proof: nothing undeclared reaches the vector database in the reference shape', () => {
    const allowChat = `---
metadata: { name: chat-from-notebooks, namespace: ai-apps }
spec:
  podSelector: { matchLabels: { cnai.io/llm-service: chat } }
  policyTypes: [Ingress]
  ingress: [{ from: [{ namespaceSelector: { matchLabels: { cnai.io/team: ml-research } } }], ports: [{ port: http }] }]
`;
    const check = checkFlows(platform({ policies: allowChat }));
    expect(check.findings).toEqual([]);
    expect(check.dataServices).toEqual(['knowledge/knowledge']);
    // 3 ports × (4 pod groups that are not its clients (notebook, CoreDNS, the exporter, the collector)
    // + 7 probes (6 namespaces and one unlabelled) + any address).
    expect(check.probesEvaluated).toBe(3 * (4 + 7 + 1));
  });

  test('an undeclared pod group that the policies let in is a finding naming both ends, the ports and the policy', () => {
    const leak = `---
metadata: { name: notebooks, namespace: knowledge }
spec:
  podSelector: { matchLabels: { app.kubernetes.io/name: qdrant } }
  policyTypes: [Ingress]
  ingress: [{ from: [{ namespaceSelector: { matchLabels: { cnai.io/team: ml-research } }, podSelector: { matchLabels: { app: notebook } } }], ports: [{ port: 6333 }, { port: 6334 }] }]
`;
    const undeclared = checkFlows(platform({ policies: leak })).findings.filter((f) => f.kind === FlowFindingKind.UNDECLARED);
    expect(undeclared.map((f) => f.message)).toEqual([
      'undeclared flow into data service knowledge/knowledge: ml-research/notebook → knowledge/knowledge TCP 6333, TCP 6334 is allowed by NetworkPolicy knowledge/notebooks '
      + '(egress of ml-research/notebook is not isolated: no NetworkPolicy of namespace ml-research selects it for Egress; '
      + 'ingress of knowledge/knowledge is allowed by NetworkPolicy knowledge/notebooks ingress[0]). '
      + 'Fix: narrow the data service\'s ingress rules to its declared clients, or declare the flow (a reference to its Service)',
    ]);
    expect(undeclared[0].ports).toEqual(['TCP 6333', 'TCP 6334']);
  });

  test('the probes: a pod with no labels in every namespace, and in a namespace with no labels', () => {
    // "Any namespace that is not a team's" also admits namespaces nobody declared.
    const leak = `---
metadata: { name: platform-namespaces, namespace: knowledge }
spec:
  podSelector: { matchLabels: { app.kubernetes.io/name: qdrant } }
  policyTypes: [Ingress]
  ingress: [{ from: [{ namespaceSelector: { matchExpressions: [{ key: cnai.io/team, operator: DoesNotExist }] } }], ports: [{ port: grpc }] }]
`;
    const undeclared = checkFlows(platform({ policies: leak })).findings.filter((f) => f.kind === FlowFindingKind.UNDECLARED);
    expect(undeclared.map((f) => `${endpointName(f.from)} ${f.ports.join(', ')}`)).toEqual([
      'kube-system/coredns TCP 6334',
      'observability/otel-collector TCP 6334',
      'knowledge/unlabelled-probe TCP 6334',
      'kube-system/unlabelled-probe TCP 6334',
      'monitoring/unlabelled-probe TCP 6334',
      'observability/unlabelled-probe TCP 6334',
      'cnai-unlabelled-probe/unlabelled-probe TCP 6334',
    ]);
    // The host-network exporter is seen as a node address, which the namespace selector does not match.
    expect(undeclared.some((f) => endpointName(f.from) === 'monitoring/node-exporter')).toBe(false);
    expect(undeclared.find((f) => endpointName(f.from) === 'cnai-unlabelled-probe/unlabelled-probe')!.message).toContain(
      'cnai-unlabelled-probe/unlabelled-probe (a probe pod with no labels) → knowledge/knowledge TCP 6334 is allowed by NetworkPolicy knowledge/platform-namespaces');
  });

  test('an ingress rule open to addresses is caught by the any-address probe', () => {
    const open = `---
metadata: { name: vpc, namespace: knowledge }
spec:
  podSelector: {}
  policyTypes: [Ingress]
  ingress: [{ from: [{ ipBlock: { cidr: 10.0.0.0/8 } }], ports: [{ port: 6333 }] }]
`;
    const undeclared = checkFlows(platform({ policies: open })).findings.filter((f) => f.kind === FlowFindingKind.UNDECLARED);
    expect(undeclared.map((f) => `${endpointName(f.from)} ${f.ports.join(', ')}`)).toEqual([
      'monitoring/node-exporter TCP 6333', // host-network: a node address, which may be in 10.0.0.0/8
      'any address outside the pod network TCP 6333',
    ]);
    expect(undeclared[1].message).toBe('undeclared flow into data service knowledge/knowledge: any address outside the pod network → knowledge/knowledge TCP 6333 '
      + 'is allowed for some of its addresses by NetworkPolicy knowledge/vpc (ingress of knowledge/knowledge is isolated by NetworkPolicy knowledge/knowledge-ingress, knowledge/vpc; '
      + 'NetworkPolicy knowledge/vpc ingress[0] allows TCP 6333 from only part of any address outside the pod network (0.0.0.0/0, ::/0)). '
      + 'Fix: narrow the data service\'s ingress rules to its declared clients, or declare the flow (a reference to its Service)');
  });

  test('perPort: a declared client may reach only the ports it needs', () => {
    // chat needs 6333; knowledge-ingress lets it reach 6333 only ("http"), so widen it to grpc too.
    const wider = `---
metadata: { name: chat-grpc, namespace: knowledge }
spec:
  podSelector: {}
  policyTypes: [Ingress]
  ingress: [{ from: [{ namespaceSelector: {}, podSelector: { matchLabels: { cnai.io/llm-service: chat } } }], ports: [{ port: grpc }] }]
---
metadata: { name: chat-grpc-egress, namespace: ai-apps }
spec:
  podSelector: {}
  policyTypes: [Egress]
  egress: [{ ports: [{ port: 6334 }] }]
`;
    expect(checkFlows(platform({ policies: wider })).findings.filter((f) => f.kind === FlowFindingKind.UNDECLARED)).toEqual([]);
    const strict = checkFlows(platform({ policies: wider }), { perPort: true }).findings.filter((f) => f.kind === FlowFindingKind.UNDECLARED);
    expect(strict.map((f) => `${endpointName(f.from)} ${f.ports.join(', ')}`)).toEqual(['ai-apps/chat TCP 6334']);
  });

  test('extra flows (a kubelet scrape) are checked like derived ones', () => {
    const m = { ...platform(), clusterAddresses: { nodeCidrs: ['10.0.0.0/16'] } };
    const scrape: NeededFlow = { kind: FlowKind.DECLARED, from: { kind: 'pod', podGroup: chat }, to: kubelet(m), port: 10250, protocol: 'TCP', reasons: ['test'] };
    const check = checkFlows(m, { extraFlows: [scrape] });
    const r = check.results.find((x) => x.flow.kind === FlowKind.DECLARED)!;
    expect(r.decision.allowed).toBe(false);
    expect(r.decision.explanation).toBe('egress of ai-apps/chat is isolated by NetworkPolicy ai-apps/default-deny, ai-apps/allow-dns, ai-apps/chat-egress; '
      + 'no egress rule of ai-apps/default-deny, ai-apps/allow-dns, ai-apps/chat-egress allows TCP 10250 to kubelet (10.0.0.0/16)');
  });

  test('a malformed policy stops the check with an error naming it', () => {
    const bad = '---\nmetadata: { name: bad, namespace: knowledge }\nspec: { podSelector: {}, ingress: [{ ports: [{ protocol: ICMP }] }] }\n';
    expect(() => checkFlows(platform({ policies: bad }))).toThrow(CnaiError);
    expect(() => checkFlows(platform({ policies: bad }))).toThrow('NetworkPolicy knowledge/bad: invalid spec.ingress[0].ports[0].protocol = "ICMP": the protocol is not TCP, UDP or SCTP. Fix: use one of those.');
  });
});
