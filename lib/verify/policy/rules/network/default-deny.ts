import { NetworkPolicyInfo } from '../../../platform/model';
import { Benchmarks } from '../../benchmarks';
import { KubernetesRule, PolicyLayer, PolicyPack, PolicySeverity, Results } from '../../types';

/** Whether a NetworkPolicy selects every pod of its namespace for both directions and allows nothing. */
export function isDefaultDeny(policy: NetworkPolicyInfo): boolean {
  const spec = policy.spec as { [key: string]: any };
  const selector = spec.podSelector ?? {};
  const selectsAll = Object.keys(selector.matchLabels ?? {}).length === 0 && (selector.matchExpressions ?? []).length === 0;
  const types: string[] = Array.isArray(spec.policyTypes) ? spec.policyTypes : [];
  const none = (rules: unknown) => rules === undefined || (Array.isArray(rules) && rules.length === 0);
  return selectsAll && types.includes('Ingress') && types.includes('Egress') && none(spec.ingress) && none(spec.egress);
}

/** Default-deny in every namespace that runs pods. */
export const NET_DEFAULT_DENY: KubernetesRule = {
  id: 'net-default-deny',
  pack: PolicyPack.NETWORK_ISOLATION,
  layer: PolicyLayer.KUBERNETES,
  severity: PolicySeverity.HIGH,
  info: 'Every namespace the platform declares and runs workloads in has a default-deny NetworkPolicy for ingress and egress.',
  explanation: 'A NetworkPolicy with an empty podSelector, policyTypes [Ingress, Egress] and no rules isolates every pod '
    + 'of the namespace, also the ones added later; the flows the platform needs are then opened one by one. Applies to '
    + 'the Namespace objects of the output in which the platform runs pods, or into which one of its Argo CD Applications '
    + 'installs a release (operators are workloads of the platform too).',
  benchmarks: [Benchmarks.cisEks('4.3.2', 'Ensure that all Namespaces have Network Policies defined'), Benchmarks.nsa('Network separation and hardening: "Network policies"')],
  evaluate(namespace, context) {
    if (namespace.object.kind !== 'Namespace' || namespace.object.apiVersion !== 'v1') return Results.notApplicable();
    const name = namespace.object.metadata.name ?? '';
    const runsPods = context.model.podGroups.some((g) => g.namespace === name)
      || [...context.resources.values()].some((r) => r.object.kind === 'Application' && (r.object.spec as any)?.destination?.namespace === name);
    if (!runsPods) return Results.notApplicable();
    const denies = context.model.networkPolicies.some((p) => p.namespace === name && isDefaultDeny(p));
    return Results.of(denies ? [] : [{ message: 'runs pods but has no default-deny NetworkPolicy', fix: 'add a NetworkPolicy with podSelector {} and policyTypes [Ingress, Egress] (NamespaceIsolation), then allow the flows its pods need' }]);
  },
};
