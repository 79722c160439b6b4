import { FlowFindingKind } from '../../../platform/flows';
import { endpointName } from '../../../platform/network-policy';
import { Benchmarks } from '../../benchmarks';
import { KubernetesResourceInfo, KubernetesRule, PolicyLayer, PolicyPack, PolicySeverity, Results, Violation } from '../../types';

/** Whether a flow finding is about this resource: one end is a pod group it runs, or one of its release's (for an Application). */
function involves(resource: KubernetesResourceInfo, podGroupId: string | undefined, release: string | undefined): boolean {
  if (podGroupId !== undefined && resource.podGroups.some((g) => g.id === podGroupId)) return true;
  return release !== undefined && resource.object.kind === 'Application' && resource.object.metadata.name === release;
}

/** Network flows only as declared: the flow check's results. */
export const NET_FLOWS_DECLARED: KubernetesRule = {
  id: 'net-flows-declared',
  pack: PolicyPack.NETWORK_ISOLATION,
  layer: PolicyLayer.KUBERNETES,
  severity: PolicySeverity.HIGH,
  info: 'Every flow the platform needs is allowed, and nothing undeclared reaches a data service.',
  explanation: 'The whole-platform flow check (lib/verify/platform/flows.ts) derives the connections the platform needs '
    + '(clients to Services, scrapes, DNS, AWS, the API server), evaluates them against the NetworkPolicies, and proves that '
    + 'no other pod can reach a data service. Its findings are reported here on the workload they concern: a blocked flow '
    + 'on its client (or its server when the client is not the platform\'s), an undeclared one on the data service; '
    + 'findings between two pods of a release go to the Argo CD Application that installs it.',
  benchmarks: [Benchmarks.nsa('Network separation and hardening: "Network policies"'), Benchmarks.cisEks('4.3.2', 'Ensure that all Namespaces have Network Policies defined')],
  evaluate(resource, context) {
    if (resource.podGroups.length === 0 && resource.object.kind !== 'Application') return Results.notApplicable();
    const ownGroups = new Set([...context.resources.values()].flatMap((r) => r.podGroups.map((g) => g.id)));
    const violations: Violation[] = [];
    for (const f of context.flows.findings) {
      const from = f.from.kind === 'pod' ? f.from.podGroup : undefined;
      const to = f.to.kind === 'pod' ? f.to.podGroup : undefined;
      // The resource a finding belongs to: blocked → the client if it is the platform's, else the server;
      // undeclared → the data service. Neither the platform's: the release of the client (or server).
      let owner: string | undefined;
      if (f.kind === FlowFindingKind.BLOCKED) owner = from && ownGroups.has(from.id) ? from.id : to && ownGroups.has(to.id) ? to.id : undefined;
      else owner = to && ownGroups.has(to.id) ? to.id : undefined;
      const release = owner === undefined ? (from?.origin.release ?? to?.origin.release) : undefined;
      if (!involves(resource, owner, release)) continue;
      violations.push({
        subject: `${f.kind} ${endpointName(f.from)} -> ${endpointName(f.to)} ${f.ports.join(', ')}`,
        message: f.message,
        fix: f.kind === FlowFindingKind.BLOCKED
          ? 'allow the flow in a NetworkPolicy of each side (allowFrom / egress rules of the construct)'
          : 'narrow the data service\'s ingress policy to its declared clients',
      });
    }
    return Results.of(violations);
  },
};
