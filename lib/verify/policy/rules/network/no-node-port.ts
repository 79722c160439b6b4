import { Benchmarks } from '../../benchmarks';
import { KubernetesRule, PolicyLayer, PolicyPack, PolicySeverity, Results } from '../../types';

/** No NodePort Services. */
export const NET_NO_NODE_PORT: KubernetesRule = {
  id: 'net-no-node-port',
  pack: PolicyPack.NETWORK_ISOLATION,
  layer: PolicyLayer.KUBERNETES,
  severity: PolicySeverity.MEDIUM,
  info: 'No Service is of type NodePort.',
  explanation: 'A NodePort opens the port on every node\'s address, where NetworkPolicies see node traffic and security '
    + 'groups decide; reach Services through ClusterIP (or an internal load balancer).',
  benchmarks: [Benchmarks.nsa('Network separation and hardening'), Benchmarks.kubernetesDocs('Service type NodePort', 'https://kubernetes.io/docs/concepts/services-networking/service/#type-nodeport')],
  evaluate(resource) {
    const o = resource.object;
    if (o.kind !== 'Service' || o.apiVersion !== 'v1') return Results.notApplicable();
    return Results.of((o.spec as any)?.type === 'NodePort' ? [{ message: 'is a NodePort Service', fix: 'use type ClusterIP' }] : []);
  },
};
