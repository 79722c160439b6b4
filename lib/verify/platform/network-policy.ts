/**
 * Evaluates the model's NetworkPolicies (networking.k8s.io/v1) for one connection, with the
 * semantics the Kubernetes 1.34 documentation gives them:
 * https://kubernetes.io/docs/concepts/services-networking/network-policies/ and the API
 * reference https://kubernetes.io/docs/reference/kubernetes-api/policy-resources/network-policy-v1/.
 *
 * - A pod is isolated for ingress (egress) when a NetworkPolicy of its namespace selects it
 *   (`podSelector`, empty = every pod) and lists `Ingress` (`Egress`) in `policyTypes`.
 *   `policyTypes` defaults to `Ingress`, plus `Egress` when the policy has egress rules
 *   (`SetDefaults_NetworkPolicy`, pkg/apis/networking/v1/defaults.go).
 * - An isolated pod accepts (sends) only what some rule of some policy selecting it allows;
 *   policies are additive. A connection needs both the source's egress and the destination's
 *   ingress to allow it.
 * - A rule matches when its peers and its ports do. Missing or empty `from`/`to`: every peer;
 *   missing or empty `ports`: every port. A peer with `podSelector` selects pods of the
 *   policy's namespace; with `namespaceSelector`, pods of the namespaces whose labels match
 *   (every namespace carries `kubernetes.io/metadata.name`); with both, pods matching both.
 *   An `ipBlock` matches addresses in `cidr` and not in `except`.
 * - A port is a number (with `endPort`, an inclusive range) or the name of a container port
 *   of the destination pod (in egress rules too); `protocol` defaults to TCP.
 *
 * What the model does not know, and how this evaluator decides:
 * - Pods of the model have no IP addresses, so an `ipBlock` never matches a pod-network pod.
 *   (A CNI may let it match pod IPs; the documentation says ipBlock is for cluster-external
 *   addresses, and the platform's policies select pods by label.)
 * - Host-network pods are not selected by NetworkPolicies and, as in the most common
 *   implementation the documentation describes, are seen by other pods' policies as their
 *   node's address: only an `ipBlock` covering {@link ClusterAddresses.nodeCidrs} matches
 *   them. The rule that traffic from a pod's own node is always allowed is not used: the two
 *   pods may run on different nodes.
 * - An endpoint outside the pod network (an AWS endpoint, the API server, a node) is a set of
 *   CIDRs. A connection is `allowed` when every address of the set is allowed, and
 *   `reachable` when some address is.
 */
import { ClusterAddresses, NetworkPolicyInfo, PlatformModel, PodGroup } from './model';
import { invalidProp } from '../../core/errors';

/** A pod group of the model (or a synthetic probe pod) as one end of a connection. */
export interface PodEndpoint {
  readonly kind: 'pod';
  readonly podGroup: PodGroup;
}

/** An end outside the pod network: a name for messages and the addresses it may have. */
export interface ExternalEndpoint {
  readonly kind: 'external';
  /** Name shown in messages (e.g. `AWS services`). */
  readonly name: string;
  /** CIDRs (or single addresses) of the endpoint. */
  readonly cidrs: string[];
}

/** One end of a connection. */
export type Endpoint = PodEndpoint | ExternalEndpoint;

/** A connection from one end to the other, on one port and protocol. */
export interface Traffic {
  readonly from: Endpoint;
  readonly to: Endpoint;
  /** Destination port (the container port, after a Service's targetPort is resolved). */
  readonly port: number;
  /** `TCP`, `UDP` or `SCTP`. */
  readonly protocol: string;
}

/** Policy direction. */
export type Direction = 'Ingress' | 'Egress';

/** One rule of one policy, e.g. `ai-apps/chat-egress egress[2]`. */
export interface RuleRef {
  /** `namespace/name` of the NetworkPolicy. */
  readonly policy: string;
  readonly direction: Direction;
  /** Index of the rule in `spec.ingress` or `spec.egress`. */
  readonly index: number;
}

/** What the policies of one end decide: the source's egress or the destination's ingress. */
export interface SideDecision {
  readonly direction: Direction;
  /** The end whose policies apply (display name). */
  readonly subject: string;
  /** Whether policies restrict this end in this direction. */
  readonly isolated: boolean;
  /** Policies (`namespace/name`) that select the end for this direction, in model order. */
  readonly isolatedBy: string[];
  /** Rules that match the connection. */
  readonly allowedBy: RuleRef[];
  /** Every address of the other end is allowed (for pods: the pod is). */
  readonly allowed: boolean;
  /** Some address of the other end is allowed. */
  readonly reachable: boolean;
  /** One sentence saying why. */
  readonly explanation: string;
}

/** The answer for one connection. */
export interface PolicyDecision {
  /** Egress and ingress both allow it (for every address of an external end). */
  readonly allowed: boolean;
  /** Egress and ingress allow it for some address. */
  readonly reachable: boolean;
  readonly egress: SideDecision;
  readonly ingress: SideDecision;
  /** Policies (`namespace/name`) whose rules allow it on an isolated end, egress first. */
  readonly allowedBy: string[];
  /**
   * Why: for an allowed connection, what allowed each end; for a blocked one, each end that
   * blocks it, e.g. `egress of ai-apps/chat is isolated by NetworkPolicy ai-apps/default-deny;
   * no egress rule of ai-apps/default-deny allows TCP 6333 to knowledge/knowledge`.
   */
  readonly explanation: string;
}

/** The automatic namespace label (Kubernetes 1.21+). */
export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

/** Any IPv4 address: the default for addresses the model does not know. */
export const ANY_IPV4 = '0.0.0.0/0';

/** `namespace/name` of a pod group (its id without the kind), or the name of an external end. */
export function endpointName(endpoint: Endpoint): string {
  if (endpoint.kind === 'external') return endpoint.name;
  return podGroupName(endpoint.podGroup);
}

/** `namespace/name` of a pod group (its id `Kind namespace/name` without the kind). */
export function podGroupName(podGroup: PodGroup): string {
  const space = podGroup.id.indexOf(' ');
  return space >= 0 ? podGroup.id.slice(space + 1) : podGroup.id;
}

/** `TCP 6333`. */
export function portLabel(protocol: string, port: number): string {
  return `${normalizeProtocol(protocol)} ${port}`;
}

function normalizeProtocol(protocol: string | undefined): string {
  return (protocol || 'TCP').toUpperCase();
}

// ---------------------------------------------------------------------------------------
// Label selectors (metav1.LabelSelector)

interface Requirement {
  readonly key: string;
  readonly operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  readonly values: string[];
}

/** A parsed label selector: the conjunction of its requirements (none: everything). */
interface Selector {
  readonly requirements: Requirement[];
}

const OPERATORS = ['In', 'NotIn', 'Exists', 'DoesNotExist'];

function isObject(v: unknown): v is { [key: string]: unknown } {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function parseSelector(where: string, prop: string, value: unknown): Selector {
  if (!isObject(value)) throw invalidProp(where, prop, value, 'a label selector must be an object', 'write matchLabels and/or matchExpressions, or {} to select everything');
  const requirements: Requirement[] = [];
  const matchLabels = value.matchLabels ?? {};
  if (!isObject(matchLabels)) throw invalidProp(where, `${prop}.matchLabels`, matchLabels, 'matchLabels must map label keys to values', 'write key: value pairs');
  for (const [key, v] of Object.entries(matchLabels)) requirements.push({ key, operator: 'In', values: [String(v)] });
  const expressions = value.matchExpressions ?? [];
  if (!Array.isArray(expressions)) throw invalidProp(where, `${prop}.matchExpressions`, expressions, 'matchExpressions must be a list', 'write a list of {key, operator, values}');
  expressions.forEach((e: unknown, i: number) => {
    const p = `${prop}.matchExpressions[${i}]`;
    if (!isObject(e) || typeof e.key !== 'string') throw invalidProp(where, p, e, 'a requirement needs a key', 'write {key, operator, values}');
    const operator = String(e.operator);
    if (!OPERATORS.includes(operator)) throw invalidProp(where, `${p}.operator`, e.operator, `the operator is not one of ${OPERATORS.join(', ')}`, 'use one of those operators');
    const values = (e.values ?? []) as unknown;
    if (!Array.isArray(values)) throw invalidProp(where, `${p}.values`, values, 'values must be a list', 'write a list of strings');
    if ((operator === 'In' || operator === 'NotIn') && values.length === 0) throw invalidProp(where, `${p}.values`, values, `${operator} needs at least one value`, 'list the values, or use Exists / DoesNotExist');
    if ((operator === 'Exists' || operator === 'DoesNotExist') && values.length > 0) throw invalidProp(where, `${p}.values`, values, `${operator} takes no values`, 'remove values');
    requirements.push({ key: e.key, operator: operator as Requirement['operator'], values: values.map(String) });
  });
  return { requirements };
}

/** Label selector semantics of apimachinery (labels.Selector): NotIn also matches when the key is absent. */
function selects(selector: Selector, labels: { [key: string]: string }): boolean {
  return selector.requirements.every((r) => {
    const has = Object.prototype.hasOwnProperty.call(labels, r.key);
    switch (r.operator) {
      case 'In': return has && r.values.includes(labels[r.key]);
      case 'NotIn': return !has || !r.values.includes(labels[r.key]);
      case 'Exists': return has;
      case 'DoesNotExist': return !has;
    }
  });
}

// ---------------------------------------------------------------------------------------
// Address ranges (IPv4 and IPv6 as BigInt intervals)

interface Range {
  readonly family: 4 | 6;
  readonly start: bigint;
  readonly end: bigint;
}

/** Sorted, non-overlapping ranges. */
type RangeSet = Range[];

function parseIpv4(text: string): bigint | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (!m) return undefined;
  let n = 0n;
  for (const part of m.slice(1)) {
    const v = Number(part);
    if (v > 255) return undefined;
    n = n * 256n + BigInt(v);
  }
  return n;
}

function parseIpv6(text: string): bigint | undefined {
  if (!/^[0-9a-fA-F:]+$/.test(text) || text.split('::').length > 2) return undefined;
  const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined];
  const groups = (s: string) => (s === '' ? [] : s.split(':'));
  const h = groups(head);
  const t = tail === undefined ? [] : groups(tail);
  const missing = 8 - h.length - t.length;
  if ((tail === undefined && missing !== 0) || (tail !== undefined && missing < 1)) return undefined;
  const all = [...h, ...Array(tail === undefined ? 0 : missing).fill('0'), ...t];
  let n = 0n;
  for (const g of all) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
    n = n * 65536n + BigInt(parseInt(g, 16));
  }
  return n;
}

/** Parses `a.b.c.d/n`, `x::y/n` or a single address. Undefined when it is none of these. */
function parseCidr(cidr: string): Range | undefined {
  const [address, prefixText, extra] = cidr.trim().split('/');
  if (extra !== undefined) return undefined;
  const v4 = parseIpv4(address);
  const family: 4 | 6 = v4 !== undefined ? 4 : 6;
  const value = v4 ?? parseIpv6(address);
  if (value === undefined) return undefined;
  const bits = family === 4 ? 32 : 128;
  const prefix = prefixText === undefined ? bits : Number(prefixText);
  if (!/^\d+$/.test(prefixText ?? String(bits)) || prefix > bits) return undefined;
  const size = 2n ** BigInt(bits - prefix);
  const start = (value / size) * size;
  return { family, start, end: start + size - 1n };
}

function normalize(ranges: Range[]): RangeSet {
  const sorted = [...ranges].sort((a, b) => (a.family - b.family) || (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  const out: Range[] = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last && last.family === r.family && r.start <= last.end + 1n) {
      out[out.length - 1] = { family: r.family, start: last.start, end: r.end > last.end ? r.end : last.end };
    } else {
      out.push(r);
    }
  }
  return out;
}

function subtract(set: RangeSet, cut: RangeSet): RangeSet {
  let current = set;
  for (const c of cut) {
    const next: Range[] = [];
    for (const r of current) {
      if (r.family !== c.family || c.end < r.start || c.start > r.end) {
        next.push(r);
        continue;
      }
      if (c.start > r.start) next.push({ family: r.family, start: r.start, end: c.start - 1n });
      if (c.end < r.end) next.push({ family: r.family, start: c.end + 1n, end: r.end });
    }
    current = next;
  }
  return normalize(current);
}

function intersects(a: RangeSet, b: RangeSet): boolean {
  return a.some((x) => b.some((y) => x.family === y.family && x.start <= y.end && y.start <= x.end));
}

const EVERY_ADDRESS: RangeSet = [
  { family: 4, start: 0n, end: 2n ** 32n - 1n },
  { family: 6, start: 0n, end: 2n ** 128n - 1n },
];

// ---------------------------------------------------------------------------------------
// Parsed policies

interface ParsedPort {
  readonly protocol: string;
  /** Number or name; undefined: every port of the protocol. */
  readonly port?: number | string;
  readonly endPort?: number;
}

interface ParsedPeer {
  readonly podSelector?: Selector;
  readonly namespaceSelector?: Selector;
  readonly ipBlock?: { readonly cidr: string; readonly addresses: RangeSet };
}

interface ParsedRule {
  readonly index: number;
  /** Undefined: every peer (missing or empty `from` / `to`). */
  readonly peers?: ParsedPeer[];
  /** Undefined: every port (missing or empty `ports`). */
  readonly ports?: ParsedPort[];
}

interface ParsedPolicy {
  /** `namespace/name`. */
  readonly id: string;
  readonly namespace: string;
  readonly podSelector: Selector;
  readonly types: Set<Direction>;
  readonly ingress: ParsedRule[];
  readonly egress: ParsedRule[];
}

function parseCidrOrThrow(where: string, prop: string, cidr: unknown): Range {
  const range = typeof cidr === 'string' ? parseCidr(cidr) : undefined;
  if (!range) throw invalidProp(where, prop, cidr, 'not a CIDR', 'write an IPv4 or IPv6 CIDR such as 10.0.0.0/16');
  return range;
}

function parsePeer(where: string, prop: string, value: unknown): ParsedPeer {
  if (!isObject(value)) throw invalidProp(where, prop, value, 'a peer must be an object', 'write podSelector, namespaceSelector or ipBlock');
  if (value.ipBlock !== undefined) {
    const block = value.ipBlock;
    if (!isObject(block)) throw invalidProp(where, `${prop}.ipBlock`, block, 'ipBlock must be an object', 'write {cidr, except}');
    if (value.podSelector !== undefined || value.namespaceSelector !== undefined) {
      throw invalidProp(where, prop, value, 'a peer with ipBlock cannot also have podSelector or namespaceSelector', 'split it into two peers');
    }
    const cidr = parseCidrOrThrow(where, `${prop}.ipBlock.cidr`, block.cidr);
    const except = (block.except ?? []) as unknown;
    if (!Array.isArray(except)) throw invalidProp(where, `${prop}.ipBlock.except`, except, 'except must be a list of CIDRs', 'write a list of CIDRs inside cidr');
    const cut = except.map((e, i) => parseCidrOrThrow(where, `${prop}.ipBlock.except[${i}]`, e));
    return { ipBlock: { cidr: String(block.cidr), addresses: subtract([cidr], normalize(cut)) } };
  }
  if (value.podSelector === undefined && value.namespaceSelector === undefined) {
    throw invalidProp(where, prop, value, 'a peer must have podSelector, namespaceSelector or ipBlock', 'write one of them ({} selects every pod or namespace)');
  }
  return {
    podSelector: value.podSelector === undefined ? undefined : parseSelector(where, `${prop}.podSelector`, value.podSelector),
    namespaceSelector: value.namespaceSelector === undefined ? undefined : parseSelector(where, `${prop}.namespaceSelector`, value.namespaceSelector),
  };
}

function parsePort(where: string, prop: string, value: unknown): ParsedPort {
  if (!isObject(value)) throw invalidProp(where, prop, value, 'a port must be an object', 'write {protocol, port, endPort}');
  const protocol = normalizeProtocol(value.protocol as string | undefined);
  if (!['TCP', 'UDP', 'SCTP'].includes(protocol)) throw invalidProp(where, `${prop}.protocol`, value.protocol, 'the protocol is not TCP, UDP or SCTP', 'use one of those');
  const port = value.port;
  if (port !== undefined && typeof port !== 'number' && typeof port !== 'string') throw invalidProp(where, `${prop}.port`, port, 'a port is a number or a container port name', 'write a number or a name');
  const endPort = value.endPort;
  if (endPort !== undefined) {
    if (typeof port !== 'number' || typeof endPort !== 'number' || endPort < port) {
      throw invalidProp(where, `${prop}.endPort`, endPort, 'endPort needs a numeric port no greater than it', 'set port to a number <= endPort, or remove endPort');
    }
  }
  return { protocol, port: port as number | string | undefined, endPort: endPort as number | undefined };
}

function parseRules(where: string, direction: Direction, list: unknown): ParsedRule[] {
  const field = direction === 'Ingress' ? 'ingress' : 'egress';
  const peersField = direction === 'Ingress' ? 'from' : 'to';
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list)) throw invalidProp(where, `spec.${field}`, list, `${field} must be a list of rules`, `write a list of {${peersField}, ports}`);
  return list.map((rule: unknown, index: number) => {
    const prop = `spec.${field}[${index}]`;
    if (!isObject(rule)) throw invalidProp(where, prop, rule, 'a rule must be an object', `write {${peersField}, ports}`);
    const peers = rule[peersField];
    const ports = rule.ports;
    if (peers !== undefined && !Array.isArray(peers)) throw invalidProp(where, `${prop}.${peersField}`, peers, 'must be a list of peers', 'write a list');
    if (ports !== undefined && !Array.isArray(ports)) throw invalidProp(where, `${prop}.ports`, ports, 'must be a list of ports', 'write a list');
    return {
      index,
      peers: peers && peers.length > 0 ? peers.map((p: unknown, i: number) => parsePeer(where, `${prop}.${peersField}[${i}]`, p)) : undefined,
      ports: ports && ports.length > 0 ? ports.map((p: unknown, i: number) => parsePort(where, `${prop}.ports[${i}]`, p)) : undefined,
    };
  });
}

function parsePolicy(info: NetworkPolicyInfo): ParsedPolicy {
  const id = `${info.namespace}/${info.name}`;
  const where = `NetworkPolicy ${id}`;
  const spec = info.spec ?? {};
  const ingress = parseRules(where, 'Ingress', spec.ingress);
  const egress = parseRules(where, 'Egress', spec.egress);
  let types: Direction[];
  if (Array.isArray(spec.policyTypes) && spec.policyTypes.length > 0) {
    for (const t of spec.policyTypes) {
      if (t !== 'Ingress' && t !== 'Egress') throw invalidProp(where, 'spec.policyTypes', spec.policyTypes, `${String(t)} is not a policy type`, 'list Ingress and/or Egress');
    }
    types = spec.policyTypes as Direction[];
  } else {
    // The API server's default: Ingress always, Egress when the policy has egress rules.
    types = egress.length > 0 ? ['Ingress', 'Egress'] : ['Ingress'];
  }
  return {
    id,
    namespace: info.namespace,
    podSelector: parseSelector(where, 'spec.podSelector', spec.podSelector ?? {}),
    types: new Set(types),
    ingress,
    egress,
  };
}

// ---------------------------------------------------------------------------------------
// The evaluator

/** What the policies see of the other end: a pod-network pod, or addresses. */
type Peer = { readonly kind: 'pod'; readonly podGroup: PodGroup } | { readonly kind: 'addresses'; readonly addresses: RangeSet; readonly cidrs: string[] };

/**
 * Evaluates connections against the NetworkPolicies of a model. Policies are parsed once;
 * a malformed policy throws a `CnaiError` naming the policy and the field.
 */
export class NetworkPolicyEvaluator {
  private readonly byNamespace = new Map<string, ParsedPolicy[]>();
  private readonly namespaces: PlatformModel['namespaces'];
  private readonly nodeCidrs: string[];

  constructor(model: Pick<PlatformModel, 'namespaces' | 'networkPolicies' | 'clusterAddresses'>) {
    this.namespaces = model.namespaces;
    this.nodeCidrs = nodeCidrsOf(model.clusterAddresses);
    for (const info of model.networkPolicies) {
      const parsed = parsePolicy(info);
      const list = this.byNamespace.get(info.namespace) ?? [];
      list.push(parsed);
      this.byNamespace.set(info.namespace, list);
    }
  }

  /** The labels of a namespace, with the automatic `kubernetes.io/metadata.name`. */
  public namespaceLabels(namespace: string): { [key: string]: string } {
    return { ...(this.namespaces.get(namespace)?.labels ?? {}), [NAMESPACE_NAME_LABEL]: namespace };
  }

  /** Policies (`namespace/name`) that isolate a pod group for a direction. */
  public isolatingPolicies(podGroup: PodGroup, direction: Direction): string[] {
    return this.selecting(podGroup, direction).map((p) => p.id);
  }

  /** Whether the policies allow a connection, and why. */
  public evaluate(traffic: Traffic): PolicyDecision {
    const egress = this.side('Egress', traffic.from, traffic.to, traffic);
    const ingress = this.side('Ingress', traffic.to, traffic.from, traffic);
    const allowed = egress.allowed && ingress.allowed;
    const reachable = egress.reachable && ingress.reachable;
    const allowedBy = [...new Set([...egress.allowedBy, ...ingress.allowedBy].map((r) => r.policy))];
    const sides = allowed ? [egress, ingress] : [egress, ingress].filter((s) => !s.allowed);
    return { allowed, reachable, egress, ingress, allowedBy, explanation: sides.map((s) => s.explanation).join('; ') };
  }

  private selecting(podGroup: PodGroup, direction: Direction): ParsedPolicy[] {
    if (podGroup.hostNetwork) return [];
    return (this.byNamespace.get(podGroup.namespace) ?? [])
      .filter((p) => p.types.has(direction) && selects(p.podSelector, podGroup.labels));
  }

  private side(direction: Direction, subject: Endpoint, other: Endpoint, traffic: Traffic): SideDecision {
    const dir = direction.toLowerCase();
    const name = endpointName(subject);
    const open = (explanation: string): SideDecision => ({
      direction, subject: name, isolated: false, isolatedBy: [], allowedBy: [], allowed: true, reachable: true, explanation,
    });
    if (subject.kind === 'external') return open(`${name} is outside the pod network: no NetworkPolicy applies to its ${dir}`);
    if (subject.podGroup.hostNetwork) return open(`${dir} of ${name} is not isolated: NetworkPolicies do not select host-network pods`);
    const policies = this.selecting(subject.podGroup, direction);
    if (policies.length === 0) return open(`${dir} of ${name} is not isolated: no NetworkPolicy of namespace ${subject.podGroup.namespace} selects it for ${direction}`);

    const peer = this.peerOf(other);
    const protocol = normalizeProtocol(traffic.protocol);
    const destination = traffic.to.kind === 'pod' ? traffic.to.podGroup : undefined;
    const allowedBy: RuleRef[] = [];
    let covered: RangeSet = [];
    for (const policy of policies) {
      for (const rule of direction === 'Ingress' ? policy.ingress : policy.egress) {
        if (!portsMatch(rule.ports, traffic.port, protocol, destination)) continue;
        if (peer.kind === 'pod') {
          if (!rule.peers || rule.peers.some((p) => this.peerSelectsPod(policy, p, peer.podGroup))) {
            allowedBy.push({ policy: policy.id, direction, index: rule.index });
          }
        } else {
          const addresses = rule.peers ? normalize(rule.peers.flatMap((p) => p.ipBlock?.addresses ?? [])) : EVERY_ADDRESS;
          if (intersects(addresses, peer.addresses)) {
            allowedBy.push({ policy: policy.id, direction, index: rule.index });
            covered = normalize([...covered, ...addresses]);
          }
        }
      }
    }
    const isolatedBy = policies.map((p) => p.id);
    const reachable = allowedBy.length > 0;
    const allowed = peer.kind === 'pod' ? reachable : subtract(peer.addresses, covered).length === 0;
    const preposition = direction === 'Egress' ? 'to' : 'from';
    const otherText = `${endpointName(other)}${this.peerNote(other)}`;
    const rules = allowedBy.map((r) => `${r.policy} ${r.direction.toLowerCase()}[${r.index}]`).join(', ');
    let explanation: string;
    if (allowed) {
      explanation = `${dir} of ${name} is allowed by NetworkPolicy ${rules}`;
    } else if (reachable) {
      explanation = `${dir} of ${name} is isolated by NetworkPolicy ${isolatedBy.join(', ')}; NetworkPolicy ${rules} allows ${portLabel(protocol, traffic.port)} ${preposition} only part of ${otherText}`;
    } else {
      explanation = `${dir} of ${name} is isolated by NetworkPolicy ${isolatedBy.join(', ')}; no ${dir} rule of ${isolatedBy.join(', ')} allows ${portLabel(protocol, traffic.port)} ${preposition} ${otherText}`;
    }
    return { direction, subject: name, isolated: true, isolatedBy, allowedBy, allowed, reachable, explanation };
  }

  /** How the policies see an end: a pod-network pod, or addresses (external, host-network). */
  private peerOf(endpoint: Endpoint): Peer {
    if (endpoint.kind === 'external') return { kind: 'addresses', cidrs: endpoint.cidrs, addresses: this.addresses(endpoint.name, endpoint.cidrs) };
    if (endpoint.podGroup.hostNetwork) return { kind: 'addresses', cidrs: this.nodeCidrs, addresses: this.addresses('node addresses', this.nodeCidrs) };
    return { kind: 'pod', podGroup: endpoint.podGroup };
  }

  private peerNote(endpoint: Endpoint): string {
    if (endpoint.kind === 'external') return ` (${endpoint.cidrs.join(', ')})`;
    if (endpoint.podGroup.hostNetwork) return ` (host-network: its node's address in ${this.nodeCidrs.join(', ')})`;
    return '';
  }

  private addresses(name: string, cidrs: string[]): RangeSet {
    return normalize(cidrs.map((c, i) => parseCidrOrThrow(name, `cidrs[${i}]`, c)));
  }

  private peerSelectsPod(policy: ParsedPolicy, peer: ParsedPeer, pod: PodGroup): boolean {
    if (peer.ipBlock) return false; // pods of the model have no addresses
    if (peer.namespaceSelector && !selects(peer.namespaceSelector, this.namespaceLabels(pod.namespace))) return false;
    if (!peer.namespaceSelector && pod.namespace !== policy.namespace) return false;
    return !peer.podSelector || selects(peer.podSelector, pod.labels);
  }
}

function nodeCidrsOf(addresses: ClusterAddresses | undefined): string[] {
  return addresses?.nodeCidrs && addresses.nodeCidrs.length > 0 ? addresses.nodeCidrs : [ANY_IPV4];
}

/** Whether a rule's ports match; named ports resolve against the destination pod's container ports. */
function portsMatch(ports: ParsedPort[] | undefined, port: number, protocol: string, destination: PodGroup | undefined): boolean {
  if (!ports) return true;
  return ports.some((p) => {
    if (p.protocol !== protocol) return false;
    if (p.port === undefined) return true;
    if (typeof p.port === 'number') return p.endPort !== undefined ? port >= p.port && port <= p.endPort : port === p.port;
    return (destination?.ports ?? []).some((c) => c.name === p.port && c.port === port && normalizeProtocol(c.protocol) === protocol);
  });
}

/** Evaluates one connection against a model's policies (parses them each time: use {@link NetworkPolicyEvaluator} for many). */
export function evaluateTraffic(model: Pick<PlatformModel, 'namespaces' | 'networkPolicies' | 'clusterAddresses'>, traffic: Traffic): PolicyDecision {
  return new NetworkPolicyEvaluator(model).evaluate(traffic);
}
