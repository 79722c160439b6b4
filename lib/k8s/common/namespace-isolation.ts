import { k8s } from 'cdk8s-plus-27';
import { Construct, IConstruct } from 'constructs';
import { dnsEgress } from './egress';
import { invalidProp } from '../../core/errors';
import { NAME_RULES, assertName } from '../../core/names';
import { InstallPhase, syncWaveOf } from '../operators/release';
import { SYNC_WAVE_ANNOTATION } from '../pod-security';

/**
 * Labels of every namespace the platform creates for itself or its teams. The platform's
 * Prometheus selects the ServiceMonitors, PodMonitors and PrometheusRules of exactly these
 * namespaces (see KubePrometheusStack).
 */
export const PLATFORM_NAMESPACE_LABELS: { readonly [key: string]: string } = { 'app.kubernetes.io/part-of': 'cnai-platform' };

/** Name of the policy that denies all traffic of a namespace's pods. */
export const DEFAULT_DENY_POLICY = 'default-deny';
/** Name of the policy that lets every pod of a namespace resolve names. */
export const ALLOW_DNS_POLICY = 'allow-dns';

/** The spec of a NetworkPolicy that selects every pod of its namespace and allows nothing in or out. */
export function defaultDenySpec(): k8s.NetworkPolicySpec {
  return { podSelector: {}, policyTypes: ['Ingress', 'Egress'] };
}

/** The spec of a NetworkPolicy that lets every pod of its namespace reach the cluster DNS. */
export function allowDnsSpec(): k8s.NetworkPolicySpec {
  return { podSelector: {}, policyTypes: ['Egress'], egress: [dnsEgress()] };
}

/** Props of {@link NamespaceIsolation}. */
export interface NamespaceIsolationProps {
  /** The namespace (declared elsewhere in the app). */
  readonly namespace: string;
  /**
   * Argo CD sync wave of the policies (operator namespaces are isolated with the namespace, before their releases install).
   * @default - the platform phase's wave (0)
   */
  readonly syncWave?: number;
}

/**
 * Namespace-wide default-deny for a namespace where the platform runs its own workloads (data
 * services, observability, GPU components, monitoring): a NetworkPolicy that selects every pod
 * and allows no traffic in or out, one that allows DNS, and the flows the platform's components
 * need, added by them with {@link NamespaceIsolation.allow}. NetworkPolicies add up: a pod gets
 * exactly the union of the flows that select it. Team namespaces build the same two policies
 * (TeamNamespace).
 */
export class NamespaceIsolation extends Construct {
  /** The isolation of `namespace` in the app of `scope`: the existing one, or a new one under `scope`. */
  public static ensure(scope: Construct, namespace: string): NamespaceIsolation {
    return NamespaceIsolation.of(scope, namespace) ?? new NamespaceIsolation(scope, `Isolation-${namespace}`, { namespace });
  }

  /** The isolation of `namespace` in the app of `scope`, if any. */
  public static of(scope: Construct, namespace: string): NamespaceIsolation | undefined {
    return ISOLATIONS.get(scope.node.root)?.get(namespace);
  }

  /** The namespace. */
  public readonly namespaceName: string;
  /** The NetworkPolicies of the namespace made here, by name. */
  public readonly policies: { [name: string]: k8s.KubeNetworkPolicy } = {};
  private readonly syncWave: number;

  constructor(scope: Construct, id: string, props: NamespaceIsolationProps) {
    super(scope, id);
    this.namespaceName = assertName(this.node.path, 'namespace', props.namespace, NAME_RULES.dns1123Label);
    let byName = ISOLATIONS.get(this.node.root);
    if (!byName) ISOLATIONS.set(this.node.root, byName = new Map());
    if (byName.has(this.namespaceName)) {
      throw invalidProp(this.node.path, 'namespace', this.namespaceName, 'the namespace is isolated already (a second default-deny would be a duplicate object)',
        'use NamespaceIsolation.ensure(scope, namespace) to share the namespace\'s isolation');
    }
    byName.set(this.namespaceName, this);
    this.syncWave = props.syncWave ?? syncWaveOf(InstallPhase.PLATFORM);
    this.allow(DEFAULT_DENY_POLICY, defaultDenySpec());
    this.allow(ALLOW_DNS_POLICY, allowDnsSpec());
  }

  /**
   * Adds a NetworkPolicy to the namespace (a flow the namespace's pods need).
   * @param name policy name, unique in the namespace
   * @param spec the policy
   */
  public allow(name: string, spec: k8s.NetworkPolicySpec): k8s.KubeNetworkPolicy {
    assertName(this.node.path, 'policy name', name, NAME_RULES.dns1123Subdomain);
    if (this.policies[name]) {
      throw invalidProp(this.node.path, 'policy name', name, `namespace ${this.namespaceName} has a NetworkPolicy of this name already`,
        'give each policy of the namespace its own name');
    }
    this.policies[name] = new k8s.KubeNetworkPolicy(this, `NetworkPolicy-${name}`, {
      metadata: { name, namespace: this.namespaceName, annotations: { [SYNC_WAVE_ANNOTATION]: String(this.syncWave) } },
      spec,
    });
    return this.policies[name];
  }
}

const ISOLATIONS = new WeakMap<IConstruct, Map<string, NamespaceIsolation>>();
