import type { OperatorRelease } from './release';
import { ReleaseNetworkContext } from './release-network-context';
import { invalidProp } from '../../core/errors';
import {
  NetworkEnd, NetworkEndKind, NetworkPort, ReleaseNetwork, ResolvedNetworkEnd, ResolvedReleaseConnection, ResolvedReleaseNetwork,
} from '../../core/release-network';
import { ReleaseProvides } from '../../core/release-provides';

/** Namespaces of the cluster's own pods: never isolated from a release's declaration. */
const SYSTEM_NAMESPACES = ['kube-system', 'kube-public', 'kube-node-lease', 'default'];

const PORTLESS = [NetworkEndKind.AWS, NetworkEndKind.METRICS_QUERY];

/** Whether an end is pods of the release's own namespace (NetworkPolicies of that namespace can select them). */
export function isLocalEnd(end: NetworkEnd | ResolvedNetworkEnd, namespace: string): boolean {
  if (end.kind === NetworkEndKind.WORKLOAD) return true;
  return end.kind === NetworkEndKind.PODS && (end.namespace ?? namespace) === namespace;
}

/** Checks a release's network declaration against its namespace and provided workloads (one error per mistake, the first thrown). */
export function checkReleaseNetwork(where: string, network: ReleaseNetwork, namespace: string, provides: ReleaseProvides): void {
  const workloads = provides.workloads ?? [];
  if (SYSTEM_NAMESPACES.includes(namespace)) {
    throw invalidProp(where, 'network', namespace, `a network declaration isolates the release's namespace, and ${namespace} runs the cluster's own pods (CoreDNS, the VPC CNI, kube-proxy) that no declaration lists`,
      'install the release into a namespace of its own, or leave network out');
  }
  (network.connections ?? []).forEach((c, i) => {
    const at = `network.connections[${i}]`;
    for (const side of ['from', 'to'] as const) {
      const end = c[side];
      if (end.kind === NetworkEndKind.WORKLOAD && !workloads.some((w) => w.name === end.workload && (w.namespace ?? namespace) === namespace)) {
        throw invalidProp(where, `${at}.${side}.workload`, end.workload, `not a workload of the release's provides.workloads in namespace ${namespace}`,
          `name one of ${workloads.map((w) => w.name).join(', ') || '(none: declare the workload in provides.workloads first)'}, or use NetworkEndKind.PODS for pods the release does not declare`);
      }
    }
    if (PORTLESS.includes(c.from.kind)) {
      throw invalidProp(where, `${at}.from.kind`, c.from.kind, 'AWS and the metrics query API only accept connections',
        'make them the `to` end (the release\'s pods connect to them)');
    }
    if (!isLocalEnd(c.from, namespace) && !isLocalEnd(c.to, namespace)) {
      throw invalidProp(where, `${at}`, `${c.from.kind} -> ${c.to.kind}`, `neither end is pods of the release's namespace ${namespace}, so no NetworkPolicy of the release can allow it`,
        'make one end a workload of the release (NetworkEndKind.WORKLOAD) or pods of its namespace; declare flows between other namespaces with their own policies');
    }
    const ports = c.ports ?? [];
    if (ports.length === 0 && !PORTLESS.includes(c.to.kind)) {
      throw invalidProp(where, `${at}.ports`, c.ports, 'no port given', 'give the accepting pods\' container ports (not Service ports)');
    }
    if (c.to.kind === NetworkEndKind.WORKLOAD) {
      const w = workloads.find((x) => x.name === c.to.workload)!;
      const own = (w.ports ?? []).map((p) => `${(p.protocol ?? 'TCP').toUpperCase()} ${p.containerPort}`);
      for (const p of ports) {
        if (!own.includes(portKey(p))) {
          throw invalidProp(where, `${at}.ports`, p.port, `not a container port of workload ${w.name} (it declares ${own.join(', ') || 'none'})`,
            'name a container port of provides.workloads (add it there first, as upstream declares it), not a Service port');
        }
      }
    }
  });
}

function portKey(p: NetworkPort): string {
  return `${(p.protocol ?? 'TCP').toUpperCase()} ${p.port}`;
}

/**
 * A release's network with its ends resolved against the platform: its workloads to their pod
 * labels, the metrics scraper and query API to the backend's pods (or AWS), pods of the
 * release's namespace to that namespace. Undefined when the release declares none.
 */
export function resolveReleaseNetwork(release: OperatorRelease, context: ReleaseNetworkContext): ResolvedReleaseNetwork | undefined {
  const network = release.network;
  if (!network) return undefined;
  const ns = release.namespace;
  const backend = context.metricsBackend;
  const connections: ResolvedReleaseConnection[] = [];
  for (const c of network.connections ?? []) {
    let ports = c.ports;
    const end = (e: NetworkEnd): ResolvedNetworkEnd | undefined => {
      switch (e.kind) {
        case NetworkEndKind.WORKLOAD: {
          const w = (release.provides.workloads ?? []).find((x) => x.name === e.workload)!;
          return { kind: NetworkEndKind.PODS, namespace: ns, podLabels: { ...w.podLabels } };
        }
        case NetworkEndKind.PODS:
          return { kind: NetworkEndKind.PODS, namespace: e.namespace ?? ns, podLabels: { ...(e.podLabels ?? {}) } };
        case NetworkEndKind.METRICS_SCRAPER:
          if (!backend) return undefined;
          return { kind: NetworkEndKind.PODS, namespace: backend.scraper.namespace, podLabels: { ...backend.scraper.podLabels } };
        case NetworkEndKind.METRICS_QUERY:
          if (!backend) return undefined;
          if (backend.autoscalingQuery) return { kind: NetworkEndKind.AWS };
          ports = [{ port: backend.queryPort }];
          return { kind: NetworkEndKind.PODS, namespace: backend.queryServer.namespace, podLabels: { ...backend.queryServer.podLabels } };
        default:
          return { kind: e.kind };
      }
    };
    const from = end(c.from);
    const to = end(c.to);
    if (!from || !to) continue;
    connections.push({
      from,
      to,
      ...(to.kind === NetworkEndKind.AWS ? {} : { ports: (ports ?? []).map((p) => ({ port: p.port, protocol: (p.protocol ?? 'TCP').toUpperCase() })) }),
      reason: c.reason,
    });
  }
  return { namespace: ns, apiServer: network.apiServer ?? true, connections };
}

/**
 * The namespaces whose releases all declare their network (a release that runs no pods, e.g.
 * CRDs or custom resources only, declares `network: {}`), with the releases installed into
 * each: the namespaces the renderers isolate. One release without a declaration leaves its
 * namespace open: its pods' flows are not known.
 */
export function isolatedReleaseNamespaces(releases: OperatorRelease[]): Map<string, OperatorRelease[]> {
  const byNamespace = new Map<string, OperatorRelease[]>();
  for (const r of releases) byNamespace.set(r.namespace, [...(byNamespace.get(r.namespace) ?? []), r]);
  const out = new Map<string, OperatorRelease[]>();
  for (const [ns, rs] of byNamespace) {
    if (rs.every((r) => r.network)) out.set(ns, rs);
  }
  return out;
}
