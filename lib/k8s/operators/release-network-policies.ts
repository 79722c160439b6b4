import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { OperatorRelease } from './release';
import { isolatedReleaseNamespaces, resolveReleaseNetwork } from './release-network';
import { ReleaseNetworkContext } from './release-network-context';
import { NetworkEndKind, NetworkPort, ResolvedNetworkEnd } from '../../core/release-network';
import { apiServerEgress, httpsEgress, podIdentityEgress } from '../common/egress';
import { NamespaceIsolation, PLATFORM_NAMESPACE_LABELS } from '../common/namespace-isolation';
import { NAMESPACE_SYNC_WAVE } from '../pod-security';

/** Props of {@link ReleaseNetworkPolicies}. */
export interface ReleaseNetworkPoliciesProps {
  /** The releases (those whose namespaces can be isolated are). */
  readonly releases: OperatorRelease[];
  /** The platform's VPC block and metrics backend, for the ends the releases name abstractly. */
  readonly context: ReleaseNetworkContext;
}

/** Name of the policy that lets every pod of an operator namespace reach the API server. */
export const ALLOW_API_SERVER_POLICY = 'allow-api-server';

/**
 * The NetworkPolicies of the releases' namespaces, from each release's `network` declaration
 * (see `OperatorReleaseProps.network`): in every namespace whose releases that run pods all
 * declare their network, a default-deny and DNS (NamespaceIsolation), the API server for every
 * pod (unless no release there wants it), then one policy per selected group of pods of the
 * namespace (a workload of a release, or pods an operator starts) with exactly the declared
 * connections: ingress where the group accepts, egress where it opens. Applied with the
 * namespaces, before the releases install.
 */
export class ReleaseNetworkPolicies extends Construct {
  /** The namespaces isolated here, by name. */
  public readonly isolations: { [namespace: string]: NamespaceIsolation } = {};

  constructor(scope: Construct, id: string, props: ReleaseNetworkPoliciesProps) {
    super(scope, id);
    const { vpcCidr } = props.context;
    for (const [ns, releases] of isolatedReleaseNamespaces(props.releases)) {
      const isolation = NamespaceIsolation.of(this, ns) ?? new NamespaceIsolation(this, `Isolation-${ns}`, { namespace: ns, syncWave: NAMESPACE_SYNC_WAVE });
      this.isolations[ns] = isolation;
      const resolved = releases.map((r) => ({ release: r, network: resolveReleaseNetwork(r, props.context) })).filter((x) => x.network);
      if (resolved.some((x) => x.network!.apiServer)) {
        isolation.allow(ALLOW_API_SERVER_POLICY, { podSelector: {}, policyTypes: ['Egress'], egress: [apiServerEgress(vpcCidr)] });
      }
      const groups = new Map<string, PodGroupRules>();
      const groupOf = (release: OperatorRelease, end: ResolvedNetworkEnd) => {
        const labels = end.podLabels ?? {};
        const key = JSON.stringify(Object.entries(labels).sort());
        let g = groups.get(key);
        if (!g) {
          const workload = (release.provides.workloads ?? []).find((w) => JSON.stringify(Object.entries(w.podLabels).sort()) === key);
          g = { name: policyName(release.name, workload?.name, labels, groups.size), labels, ingress: [], egress: [] };
          groups.set(key, g);
        }
        return g;
      };
      for (const { release, network } of resolved) {
        for (const c of network!.connections) {
          const local = (e: ResolvedNetworkEnd) => e.kind === NetworkEndKind.PODS && e.namespace === ns;
          if (local(c.from)) groupOf(release, c.from).egress.push(...egressRules(c.to, c.ports ?? [], ns, vpcCidr));
          if (local(c.to)) groupOf(release, c.to).ingress.push({ from: [peer(c.from, ns, vpcCidr)], ports: policyPorts(c.ports ?? []) });
        }
      }
      for (const g of groups.values()) {
        isolation.allow(g.name, {
          podSelector: { matchLabels: { ...g.labels } },
          policyTypes: [...(g.ingress.length > 0 ? ['Ingress'] : []), ...(g.egress.length > 0 ? ['Egress'] : [])],
          ...(g.ingress.length > 0 ? { ingress: g.ingress } : {}),
          ...(g.egress.length > 0 ? { egress: g.egress } : {}),
        });
      }
    }
  }
}

/** The workload's name, else the release's name and the pods' component or name label, or their only label's value (`envoy-gateway-proxy`, `katib-ui`). */
interface PodGroupRules {
  readonly name: string;
  readonly labels: { [key: string]: string };
  readonly ingress: k8s.NetworkPolicyIngressRule[];
  readonly egress: k8s.NetworkPolicyEgressRule[];
}

function policyName(release: string, workload: string | undefined, labels: { [key: string]: string }, index: number): string {
  const values = Object.values(labels);
  const part = labels['app.kubernetes.io/component'] ?? labels['app.kubernetes.io/name'] ?? (values.length === 1 ? values[0] : `pods-${index}`);
  const name = workload ?? `${release}-${part}`.toLowerCase().replace(/[^a-z0-9-]+/g, '-');
  return name.length <= 63 ? name : name.slice(0, 63).replace(/-+$/, '');
}

function policyPorts(ports: NetworkPort[]): k8s.NetworkPolicyPort[] {
  return ports.map((p) => ({ protocol: (p.protocol ?? 'TCP').toUpperCase(), port: k8s.IntOrString.fromNumber(p.port) }));
}

function peer(end: ResolvedNetworkEnd, namespace: string, vpcCidr: string): k8s.NetworkPolicyPeer {
  switch (end.kind) {
    case NetworkEndKind.PODS:
      return end.namespace === namespace
        ? { podSelector: { matchLabels: { ...end.podLabels } } }
        : { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': end.namespace! } }, podSelector: { matchLabels: { ...end.podLabels } } };
    case NetworkEndKind.PLATFORM_NAMESPACES:
      return { namespaceSelector: { matchLabels: { ...PLATFORM_NAMESPACE_LABELS } } };
    case NetworkEndKind.API_SERVER:
      return { ipBlock: { cidr: vpcCidr } };
    default:
      // AWS as the accepting end is rendered by egressRules; nothing else resolves to another kind.
      throw new Error(`internal: no NetworkPolicy peer for a ${end.kind} end`);
  }
}

function egressRules(to: ResolvedNetworkEnd, ports: NetworkPort[], namespace: string, vpcCidr: string): k8s.NetworkPolicyEgressRule[] {
  if (to.kind === NetworkEndKind.AWS) return [podIdentityEgress(), httpsEgress()];
  return [{ to: [peer(to, namespace, vpcCidr)], ports: policyPorts(ports) }];
}
