/**
 * The network flows a platform needs, derived from its model, and their check against the
 * NetworkPolicies (network-policy.ts):
 *
 * - every Service reference with a client (`Reference.clientPodGroup`): the client's pods to
 *   the pods the Service selects, on the resolved target port; every pod reference marked as a
 *   connection (an InferencePool's endpoints) likewise, on the pods' port. A reference from a webhook
 *   configuration, an APIService or a CRD (conversion webhook) has the API server as client;
 *   metrics scrapes come in as references of the scraper like any other;
 * - DNS for every pod group that uses the cluster's DNS: UDP and TCP 53 to the pods of
 *   Service kube-system/kube-dns (or, without that Service, the pods labelled
 *   `k8s-app: kube-dns` in kube-system);
 * - AWS for pod groups that reach it (an `s3://` URI or an `AWS_*` setting in the pod spec,
 *   or an AWS exporter in a ConfigMap the pods mount): the EKS Pod Identity agent
 *   (169.254.170.23, TCP 80) and HTTPS to any address (AWS service endpoints);
 * - the API server (TCP 443) for pod groups whose service account is bound to a Role or
 *   ClusterRole and that mount its token;
 * - what each release declares (`cnai.io/network` on its Argo CD Application, see
 *   core/release-network.ts): the API server for every pod of its namespace, and each declared
 *   connection between the pod groups its ends select (pods by namespace and labels, the API
 *   server, AWS); an end of "any pod of the platform's namespaces" names no pod group, so such
 *   a connection is not derived (the team side declares its own end).
 *
 * `checkFlows` evaluates each, and proves that no pod group without a needed flow into a data
 * service, and no unlabelled probe pod in any namespace, can reach the data service's ports.
 */
import { PlatformModel, PodGroup, ReferenceKind, ServiceInfo } from './model';
import {
  ANY_IPV4, Endpoint, endpointName, ExternalEndpoint, NetworkPolicyEvaluator, PolicyDecision, portLabel, podGroupName, Traffic,
} from './network-policy';
import { NETWORK_ANNOTATION, NetworkEndKind, ResolvedNetworkEnd, ResolvedReleaseNetwork } from '../../core/release-network';

/** Pod label that marks the pods of a data service (vector database, model registry) and their jobs. */
export const DATA_SERVICE_POD_LABEL = 'cnai.io/data-service';

/** `clientPodGroup` of a reference whose client is the Kubernetes API server (webhooks, aggregated APIs). */
export const API_SERVER_CLIENT = 'kube-apiserver';

/** Why a flow is needed. */
export enum FlowKind {
  /** A Service reference: client pods to the Service's pods. */
  SERVICE = 'service',
  /** Name resolution through the cluster DNS. */
  DNS = 'dns',
  /** The EKS Pod Identity agent and AWS service endpoints. */
  AWS = 'aws',
  /** The Kubernetes API server. */
  API_SERVER = 'api-server',
  /** Given by the caller ({@link FlowOptions.extraFlows}). */
  DECLARED = 'declared',
  /** Declared by a release (`cnai.io/network` on its Application). */
  RELEASE = 'release',
}

/** A connection the platform needs. */
export interface NeededFlow extends Traffic {
  readonly kind: FlowKind;
  /** Why it is needed (each reference or rule that asks for it). */
  readonly reasons: string[];
}

/** A needed flow and what the policies decide about it. */
export interface FlowResult {
  readonly flow: NeededFlow;
  readonly decision: PolicyDecision;
}

/** What a finding is about. */
export enum FlowFindingKind {
  /** A needed flow that the policies block. */
  BLOCKED = 'blocked',
  /** A flow into a data service that nothing declares and the policies allow. */
  UNDECLARED = 'undeclared',
}

/** One problem found by {@link checkFlows}. */
export interface FlowFinding {
  readonly kind: FlowFindingKind;
  readonly from: Endpoint;
  readonly to: Endpoint;
  /** `TCP 6333` (several for an undeclared flow: `TCP 6333, TCP 6334`). */
  readonly ports: string[];
  /** One line naming both ends, the port(s) and the policies. */
  readonly message: string;
}

/** Options of {@link neededFlows} and {@link checkFlows}. */
export interface FlowOptions {
  /**
   * Pod label that marks a data service: pod groups with this label and at least one port.
   * @default DATA_SERVICE_POD_LABEL (`cnai.io/data-service`)
   */
  readonly dataServiceLabel?: string;
  /**
   * More flows the platform needs, checked like the derived ones (e.g. scrapes of the kubelet).
   * @default - none
   */
  readonly extraFlows?: NeededFlow[];
  /**
   * Name of the namespace without labels where a probe pod is placed for the data-service proof.
   * @default 'cnai-unlabelled-probe' (with a suffix when the model has such a namespace)
   */
  readonly probeNamespace?: string;
  /**
   * Undeclared flows per port: a declared client of a data service may reach only the ports it
   * needs. By default a pod group with any needed flow into a data service is its client.
   * @default false
   */
  readonly perPort?: boolean;
}

/** The needed flows of a model, and what could not be turned into a flow. */
export interface NeededFlows {
  readonly flows: NeededFlow[];
  /** References that name no known client, Service, port or pods (the reference check reports them too). */
  readonly unresolved: string[];
}

/** The result of {@link checkFlows}. */
export interface FlowCheck {
  /** Every needed flow with its decision, in a stable order. */
  readonly results: FlowResult[];
  /** Blocked needed flows, then undeclared allowed flows into data services. */
  readonly findings: FlowFinding[];
  readonly unresolved: string[];
  /** The data services (`namespace/name`) the proof covered. */
  readonly dataServices: string[];
  /** How many connections the data-service proof evaluated. */
  readonly probesEvaluated: number;
}

// ---------------------------------------------------------------------------------------
// External ends

/** The EKS Pod Identity agent on every node (link-local, TCP 80). */
export function podIdentityAgent(): ExternalEndpoint {
  return { kind: 'external', name: 'EKS Pod Identity agent', cidrs: ['169.254.170.23/32'] };
}

/** AWS service endpoints: any address (public endpoints, or VPC endpoints in the VPC). */
export function awsServices(): ExternalEndpoint {
  return { kind: 'external', name: 'AWS services', cidrs: [ANY_IPV4] };
}

/** The Kubernetes API server, at the model's API server addresses. */
export function kubeApiServer(model: Pick<PlatformModel, 'clusterAddresses'>): ExternalEndpoint {
  const cidrs = model.clusterAddresses?.apiServerCidrs;
  return { kind: 'external', name: 'kube-apiserver', cidrs: cidrs && cidrs.length > 0 ? cidrs : [ANY_IPV4] };
}

/** The kubelets (TCP 10250), at the model's node addresses. */
export function kubelet(model: Pick<PlatformModel, 'clusterAddresses'>): ExternalEndpoint {
  const cidrs = model.clusterAddresses?.nodeCidrs;
  return { kind: 'external', name: 'kubelet', cidrs: cidrs && cidrs.length > 0 ? cidrs : [ANY_IPV4] };
}

const POD_IDENTITY_PORT = 80;
const HTTPS_PORT = 443;
const DNS_PORT = 53;

// ---------------------------------------------------------------------------------------
// Derivation

const WEBHOOK_KINDS = ['ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration', 'APIService', 'CustomResourceDefinition'];

function pod(podGroup: PodGroup): Endpoint {
  return { kind: 'pod', podGroup };
}

function selectedBy(service: ServiceInfo, podGroups: PodGroup[]): PodGroup[] {
  const selector = service.selector;
  if (!selector || Object.keys(selector).length === 0) return [];
  return podGroups.filter((g) => g.namespace === service.namespace && Object.entries(selector).every(([k, v]) => g.labels[k] === v));
}

/** The container port a Service port sends to on one pod group (undefined: a named port the pods do not have). */
function targetPort(servicePort: ServiceInfo['ports'][number], podGroup: PodGroup): number | undefined {
  if (typeof servicePort.targetPort === 'number') return servicePort.targetPort;
  const protocol = servicePort.protocol || 'TCP';
  return podGroup.ports.find((p) => p.name === servicePort.targetPort && (p.protocol || 'TCP') === protocol)?.port;
}

/** Why a pod group reaches AWS, or undefined when it does not. */
export function awsReason(podGroup: PodGroup, model: Pick<PlatformModel, 'objects'>): string | undefined {
  const spec = podGroup.podSpec;
  if (!spec) return undefined;
  const text = JSON.stringify(spec);
  if (text.includes('s3://')) return 'an s3:// URI in its pod spec';
  const aws = /"(AWS_[A-Z_]+)"/.exec(text);
  if (aws) return `${aws[1]} in its pod spec`;
  const volumes = Array.isArray(spec.volumes) ? spec.volumes as Array<{ [key: string]: any }> : [];
  const mounted = new Set(volumes.flatMap((v) => [
    v.configMap?.name,
    ...(Array.isArray(v.projected?.sources) ? v.projected.sources.map((s: any) => s?.configMap?.name) : []),
  ]).filter((n): n is string => typeof n === 'string'));
  for (const { object } of model.objects) {
    if (object.kind !== 'ConfigMap' || object.metadata.namespace !== podGroup.namespace || !mounted.has(object.metadata.name ?? '')) continue;
    const exporter = /\b(awsxray|awsemf|awss3|sigv4auth)\b/.exec(JSON.stringify(object.data ?? {}));
    if (exporter) return `${exporter[1]} in ConfigMap ${podGroup.namespace}/${object.metadata.name}, which it mounts`;
  }
  return undefined;
}

/** Whether a pod group resolves names through the cluster DNS (dnsPolicy). */
function usesClusterDns(podGroup: PodGroup): boolean {
  const policy = podGroup.podSpec?.dnsPolicy as string | undefined;
  if (policy === 'Default' || policy === 'None') return false;
  return !podGroup.hostNetwork || policy === 'ClusterFirstWithHostNet';
}

/** Service accounts (`namespace/name`) bound to a Role or ClusterRole by the model's bindings. */
function boundServiceAccounts(model: Pick<PlatformModel, 'objects'>): Set<string> {
  const out = new Set<string>();
  for (const { object } of model.objects) {
    if (object.kind !== 'RoleBinding' && object.kind !== 'ClusterRoleBinding') continue;
    const subjects = Array.isArray(object.subjects) ? object.subjects as Array<{ [key: string]: unknown }> : [];
    for (const s of subjects) {
      if (s.kind === 'ServiceAccount' && typeof s.name === 'string') out.add(`${(s.namespace as string | undefined) ?? object.metadata.namespace}/${s.name}`);
    }
  }
  return out;
}

/** Whether the pods get a service account token (pod spec first, then the ServiceAccount). */
function mountsToken(podGroup: PodGroup, model: Pick<PlatformModel, 'objects'>): boolean {
  const own = podGroup.podSpec?.automountServiceAccountToken;
  if (typeof own === 'boolean') return own;
  const account = model.objects.find(({ object }) => object.kind === 'ServiceAccount'
    && object.metadata.namespace === podGroup.namespace && object.metadata.name === podGroup.serviceAccount);
  return account?.object.automountServiceAccountToken !== false;
}

function flowKey(t: Traffic): string {
  const end = (e: Endpoint) => (e.kind === 'pod' ? `pod ${e.podGroup.id}` : `external ${e.name} ${e.cidrs.join(',')}`);
  return `${end(t.from)}|${end(t.to)}|${(t.protocol || 'TCP').toUpperCase()}|${t.port}`;
}

/** The DNS servers: pod groups and their port for each protocol. */
function dnsServers(model: PlatformModel): Array<{ podGroup: PodGroup; port: number; protocol: string }> | undefined {
  const service = model.services.find((s) => s.namespace === 'kube-system' && s.name === 'kube-dns');
  if (service) {
    const out: Array<{ podGroup: PodGroup; port: number; protocol: string }> = [];
    for (const g of selectedBy(service, model.podGroups)) {
      for (const sp of service.ports.filter((p) => p.port === DNS_PORT)) {
        const port = targetPort(sp, g);
        if (port !== undefined) out.push({ podGroup: g, port, protocol: (sp.protocol || 'TCP').toUpperCase() });
      }
    }
    if (out.length > 0) return out;
  }
  const pods = model.podGroups.filter((g) => g.namespace === 'kube-system' && g.labels['k8s-app'] === 'kube-dns');
  if (pods.length === 0) return undefined;
  return pods.flatMap((g) => ['UDP', 'TCP'].map((protocol) => ({ podGroup: g, port: DNS_PORT, protocol })));
}

/** The flows a platform needs (see the file's header), de-duplicated, in derivation order. */
export function neededFlows(model: PlatformModel, options: FlowOptions = {}): NeededFlows {
  const flows = new Map<string, NeededFlow>();
  const unresolved: string[] = [];
  const add = (kind: FlowKind, from: Endpoint, to: Endpoint, port: number, protocol: string, reason: string) => {
    const flow: NeededFlow = { kind, from, to, port, protocol: protocol.toUpperCase(), reasons: [reason] };
    const key = flowKey(flow);
    const existing = flows.get(key);
    if (!existing) flows.set(key, flow);
    else if (!existing.reasons.includes(reason)) existing.reasons.push(reason);
  };
  const groups = new Map(model.podGroups.map((g) => [g.id, g]));

  // Service references.
  for (const ref of model.references) {
    if (ref.kind !== ReferenceKind.SERVICE) continue;
    const where = `${ref.from} (${ref.path})`;
    const fromKind = ref.from.split(' ')[0];
    let client: Endpoint | undefined;
    if (ref.clientPodGroup === API_SERVER_CLIENT || (!ref.clientPodGroup && WEBHOOK_KINDS.includes(fromKind))) {
      client = kubeApiServer(model);
    } else if (ref.clientPodGroup) {
      const g = groups.get(ref.clientPodGroup);
      if (!g) {
        unresolved.push(`${where}: client ${ref.clientPodGroup} is not a pod group of the model`);
        continue;
      }
      client = pod(g);
    } else {
      continue; // not a connection (no client known)
    }
    const service = model.services.find((s) => s.namespace === ref.namespace && s.name === ref.name);
    if (!service) {
      unresolved.push(`${where}: Service ${ref.namespace}/${ref.name} is not in the model`);
      continue;
    }
    if (!service.selector || Object.keys(service.selector).length === 0) {
      unresolved.push(`${where}: Service ${ref.namespace}/${ref.name} has no selector, so the pods behind it are not known; the flow is not checked`);
      continue;
    }
    const servers = selectedBy(service, model.podGroups);
    if (servers.length === 0) {
      unresolved.push(`${where}: Service ${ref.namespace}/${ref.name} selects no pod group of the model`);
      continue;
    }
    if (ref.port === undefined) {
      // A bare host (no port, no scheme): the Service must exist (the reference check says so),
      // but which port is used is not stated, so no flow is derived from it.
      continue;
    }
    const servicePorts = service.ports.filter((p) => p.port === ref.port);
    if (servicePorts.length === 0 && service.headless) {
      // A headless Service's names resolve to the pods' addresses: clients connect to a container port
      // (`knowledge-0.knowledge-headless:6335`), which needs no Service port.
      const direct = servers.flatMap((server) => server.ports.filter((p) => p.port === ref.port).map((p) => ({ server, p })));
      for (const { server, p } of direct) {
        add(FlowKind.SERVICE, client, pod(server), p.port, p.protocol || 'TCP', `headless Service ${service.namespace}/${service.name}, pod port ${p.port}, used by ${where}`);
      }
      if (direct.length > 0) continue;
    }
    if (servicePorts.length === 0) {
      unresolved.push(`${where}: Service ${ref.namespace}/${ref.name} has no port ${ref.port}`);
      continue;
    }
    for (const sp of servicePorts) {
      for (const server of servers) {
        const port = targetPort(sp, server);
        if (port === undefined) {
          unresolved.push(`${where}: ${server.id} has no container port named ${String(sp.targetPort)} (targetPort of Service ${ref.namespace}/${ref.name} port ${sp.port})`);
          continue;
        }
        add(FlowKind.SERVICE, client, pod(server), port, sp.protocol || 'TCP', `Service ${service.namespace}/${service.name} port ${sp.port}, used by ${where}`);
      }
    }
  }

  // Direct connections to pods (InferencePool endpoints: no Service in between).
  for (const ref of model.references) {
    if (ref.kind !== ReferenceKind.POD || !ref.connection || !ref.clientPodGroup || ref.port === undefined) continue;
    const where = `${ref.from} (${ref.path})`;
    const client = groups.get(ref.clientPodGroup);
    const server = groups.get(ref.name);
    if (!client || !server) {
      unresolved.push(`${where}: ${!client ? `client ${ref.clientPodGroup}` : `pods ${ref.name}`} is not a pod group of the model`);
      continue;
    }
    add(FlowKind.SERVICE, pod(client), pod(server), ref.port, 'TCP', `pods ${server.id} port ${ref.port}, reached directly by ${where}`);
  }

  // DNS.
  const dns = dnsServers(model);
  const dnsClients = model.podGroups.filter(usesClusterDns).filter((g) => !dns?.some((d) => d.podGroup.id === g.id));
  if (!dns && dnsClients.length > 0) {
    unresolved.push('DNS: the model has no Service kube-system/kube-dns and no pods labelled k8s-app=kube-dns in kube-system; DNS flows are not checked');
  }
  for (const g of dnsClients) {
    for (const d of dns ?? []) add(FlowKind.DNS, pod(g), pod(d.podGroup), d.port, d.protocol, 'name resolution through the cluster DNS');
  }

  // AWS.
  for (const g of model.podGroups) {
    const why = awsReason(g, model);
    if (!why) continue;
    add(FlowKind.AWS, pod(g), podIdentityAgent(), POD_IDENTITY_PORT, 'TCP', `AWS credentials through EKS Pod Identity (${why})`);
    add(FlowKind.AWS, pod(g), awsServices(), HTTPS_PORT, 'TCP', `AWS APIs over HTTPS (${why})`);
  }

  // The API server.
  const bound = boundServiceAccounts(model);
  for (const g of model.podGroups) {
    if (!bound.has(`${g.namespace}/${g.serviceAccount}`) || !mountsToken(g, model)) continue;
    add(FlowKind.API_SERVER, pod(g), kubeApiServer(model), HTTPS_PORT, 'TCP', `Kubernetes API (service account ${g.namespace}/${g.serviceAccount} is bound to a role)`);
  }

  // What the releases declare.
  for (const { network, application } of releaseNetworks(model)) {
    const where = `Application ${application} (${NETWORK_ANNOTATION})`;
    if (network.apiServer) {
      for (const g of model.podGroups.filter((x) => x.namespace === network.namespace)) {
        add(FlowKind.API_SERVER, pod(g), kubeApiServer(model), HTTPS_PORT, 'TCP', `Kubernetes API (every pod of ${network.namespace}, declared by ${where})`);
      }
    }
    network.connections.forEach((c, i) => {
      const reason = `${c.reason} (declared by ${where}, connection ${i})`;
      const froms = releaseEnd(c.from, model);
      const tos = releaseEnd(c.to, model);
      if (froms === 'any' || tos === 'any') return;
      for (const [side, ends, end] of [['from', froms, c.from], ['to', tos, c.to]] as const) {
        if (ends.length === 0) unresolved.push(`${where}: connection ${i} (${c.reason}): ${side} ${describeEnd(end)} selects no pod group of the model; the flow is not checked`);
      }
      for (const from of froms) {
        if (c.to.kind === NetworkEndKind.AWS) {
          add(FlowKind.RELEASE, from, podIdentityAgent(), POD_IDENTITY_PORT, 'TCP', reason);
          add(FlowKind.RELEASE, from, awsServices(), HTTPS_PORT, 'TCP', reason);
          continue;
        }
        for (const to of tos) {
          for (const p of c.ports ?? []) add(FlowKind.RELEASE, from, to, p.port, p.protocol ?? 'TCP', reason);
        }
      }
    });
  }

  for (const extra of options.extraFlows ?? []) {
    for (const reason of extra.reasons.length > 0 ? extra.reasons : ['declared by the caller']) {
      add(extra.kind, extra.from, extra.to, extra.port, extra.protocol, reason);
    }
  }
  return { flows: [...flows.values()], unresolved };
}

/** The network declarations of the model's Argo CD Applications (valid JSON only). */
export function releaseNetworks(model: Pick<PlatformModel, 'objects'>): Array<{ application: string; network: ResolvedReleaseNetwork }> {
  const out: Array<{ application: string; network: ResolvedReleaseNetwork }> = [];
  for (const { object } of model.objects) {
    if (object.kind !== 'Application' || !object.apiVersion.startsWith('argoproj.io/')) continue;
    const raw = object.metadata.annotations?.[NETWORK_ANNOTATION];
    if (!raw) continue;
    try {
      const network = JSON.parse(raw) as ResolvedReleaseNetwork;
      if (network && typeof network.namespace === 'string' && Array.isArray(network.connections)) out.push({ application: object.metadata.name ?? '', network });
    } catch {
      // Not JSON: nothing declared (the release check reports malformed annotations).
    }
  }
  return out;
}

function describeEnd(end: ResolvedNetworkEnd): string {
  return end.kind === NetworkEndKind.PODS ? `pods ${JSON.stringify(end.podLabels ?? {})} in ${end.namespace}` : end.kind;
}

/** The endpoints of a declared end: pod groups, the API server, AWS (added by the caller), or 'any' (every platform namespace). */
function releaseEnd(end: ResolvedNetworkEnd, model: PlatformModel): Endpoint[] | 'any' {
  switch (end.kind) {
    case NetworkEndKind.PODS:
      return model.podGroups.filter((g) => g.namespace === end.namespace && Object.entries(end.podLabels ?? {}).every(([k, v]) => g.labels[k] === v))
        .map(pod);
    case NetworkEndKind.API_SERVER:
      return [kubeApiServer(model)];
    case NetworkEndKind.AWS:
      return [awsServices()];
    default:
      return 'any';
  }
}

// ---------------------------------------------------------------------------------------
// The check

/** Compares strings by code unit (the same order on every machine, unlike localeCompare). */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Orders flows by source namespace (pods first, then external ends), source, destination, protocol, port. */
export function compareTraffic(a: Traffic, b: Traffic): number {
  const ns = (e: Endpoint) => (e.kind === 'pod' ? `0 ${e.podGroup.namespace}` : '1');
  return compareText(ns(a.from), ns(b.from))
    || compareText(endpointName(a.from), endpointName(b.from))
    || compareText(endpointName(a.to), endpointName(b.to))
    || compareText(a.protocol, b.protocol)
    || a.port - b.port;
}

function describeFlow(flow: Traffic): string {
  return `${endpointName(flow.from)} → ${endpointName(flow.to)} ${portLabel(flow.protocol, flow.port)}`;
}

/** The data services of a model: pod groups with the data-service label and at least one port. */
export function dataServices(model: Pick<PlatformModel, 'podGroups'>, label: string = DATA_SERVICE_POD_LABEL): PodGroup[] {
  return model.podGroups.filter((g) => label in g.labels && g.ports.length > 0);
}

function probe(namespace: string): PodGroup {
  return {
    id: `Pod ${namespace}/unlabelled-probe`,
    namespace,
    labels: {},
    ports: [],
    serviceAccount: 'default',
    hostNetwork: false,
    origin: { location: 'synthetic probe: a pod with no labels', syncWave: 0 },
  };
}

/** Any address outside the pod network (nodes, load balancers, the VPC, the internet). */
function anyAddress(): ExternalEndpoint {
  return { kind: 'external', name: 'any address outside the pod network', cidrs: ['0.0.0.0/0', '::/0'] };
}

/** The result of {@link checkDataServiceIsolation}. */
export interface DataServiceIsolation {
  /** Allowed undeclared flows. */
  readonly findings: FlowFinding[];
  /** The data services (`namespace/name`). */
  readonly dataServices: string[];
  /** How many connections were evaluated. */
  readonly probesEvaluated: number;
}

/**
 * Proves that undeclared flows into data services are denied: for each data service, every
 * pod group of the model with no needed flow to it, an unlabelled probe pod in every
 * namespace of the model and in a namespace without labels, and any address outside the pod
 * network (unless an external end is a declared client), reach none of its ports. Pods of the
 * data service itself (replicas talking to each other) are left out.
 */
export function checkDataServiceIsolation(
  model: PlatformModel,
  flows: NeededFlow[],
  options: FlowOptions = {},
  evaluator: NetworkPolicyEvaluator = new NetworkPolicyEvaluator(model),
): DataServiceIsolation {
  const services = dataServices(model, options.dataServiceLabel);
  let probeNs = options.probeNamespace ?? 'cnai-unlabelled-probe';
  while (model.namespaces.has(probeNs)) probeNs = `${probeNs}-x`;
  const probes = [...[...model.namespaces.keys()].sort(), probeNs].map(probe);
  const findings: FlowFinding[] = [];
  let evaluated = 0;
  for (const service of services) {
    const declared = new Map<string, Set<string>>();
    for (const f of flows) {
      if (f.to.kind !== 'pod' || f.to.podGroup.id !== service.id) continue;
      const key = f.from.kind === 'pod' ? f.from.podGroup.id : 'external';
      const set = declared.get(key) ?? new Set<string>();
      set.add(portLabel(f.protocol, f.port));
      declared.set(key, set);
    }
    const sources: Array<{ key: string; end: Endpoint; note: string }> = [
      ...model.podGroups.filter((g) => g.id !== service.id).map((g) => ({ key: g.id, end: pod(g), note: '' })),
      ...probes.map((p) => ({ key: p.id, end: pod(p), note: ' (a probe pod with no labels)' })),
      { key: 'external', end: anyAddress() as Endpoint, note: '' },
    ];
    for (const source of sources) {
      const allowedPorts = declared.get(source.key);
      if (allowedPorts && !options.perPort) continue;
      const reached: Array<{ port: string; decision: PolicyDecision }> = [];
      for (const p of service.ports) {
        const label = portLabel(p.protocol, p.port);
        if (allowedPorts?.has(label)) continue;
        evaluated++;
        const decision = evaluator.evaluate({ from: source.end, to: pod(service), port: p.port, protocol: p.protocol || 'TCP' });
        if (decision.reachable) reached.push({ port: label, decision });
      }
      if (reached.length === 0) continue;
      const by = [...new Set(reached.flatMap((r) => r.decision.allowedBy))];
      const partly = reached.every((r) => !r.decision.allowed) ? ' for some of its addresses' : '';
      const byText = by.length > 0 ? `allowed${partly} by NetworkPolicy ${by.join(', ')}` : 'allowed: no NetworkPolicy isolates either end';
      findings.push({
        kind: FlowFindingKind.UNDECLARED,
        from: source.end,
        to: pod(service),
        ports: reached.map((r) => r.port),
        message: `undeclared flow into data service ${podGroupName(service)}: ${endpointName(source.end)}${source.note} → ${podGroupName(service)} `
          + `${reached.map((r) => r.port).join(', ')} is ${byText} (${reached[0].decision.explanation}). `
          + 'Fix: narrow the data service\'s ingress rules to its declared clients, or declare the flow (a reference to its Service)',
      });
    }
  }
  return { findings, dataServices: services.map(podGroupName), probesEvaluated: evaluated };
}

function blockedFix(r: FlowResult): string {
  const port = portLabel(r.flow.protocol, r.flow.port);
  const fixes: string[] = [];
  if (!r.decision.egress.allowed) fixes.push(`allow ${port} to ${endpointName(r.flow.to)} in an egress rule of a NetworkPolicy selecting ${endpointName(r.flow.from)}`);
  if (!r.decision.ingress.allowed) fixes.push(`allow ${port} from ${endpointName(r.flow.from)} in an ingress rule of a NetworkPolicy selecting ${endpointName(r.flow.to)}`);
  return fixes.join(', and ');
}

/**
 * Checks the platform's network flows: every needed flow must be allowed (a blocked one is a
 * finding naming both ends, the port and the policies that isolate the blocking end), and no
 * undeclared flow into a data service may be allowed.
 */
export function checkFlows(model: PlatformModel, options: FlowOptions = {}): FlowCheck {
  const evaluator = new NetworkPolicyEvaluator(model);
  const { flows, unresolved } = neededFlows(model, options);
  const results = flows.map((flow) => ({ flow, decision: evaluator.evaluate(flow) })).sort((a, b) => compareTraffic(a.flow, b.flow));
  const blocked: FlowFinding[] = results.filter((r) => !r.decision.allowed).map((r) => ({
    kind: FlowFindingKind.BLOCKED,
    from: r.flow.from,
    to: r.flow.to,
    ports: [portLabel(r.flow.protocol, r.flow.port)],
    message: `blocked flow ${describeFlow(r.flow)}, needed for ${r.flow.reasons.join('; ')}: ${r.decision.explanation}. Fix: ${blockedFix(r)}`,
  }));
  const isolation = checkDataServiceIsolation(model, flows, options, evaluator);
  return {
    results,
    findings: [...blocked, ...isolation.findings],
    unresolved,
    dataServices: isolation.dataServices,
    probesEvaluated: isolation.probesEvaluated,
  };
}
