import { evaluatePods } from './pod-rule';
import { Benchmarks } from '../../benchmarks';
import { containersOf } from '../../kubernetes-resources';
import { KubernetesRule, PolicyLayer, PolicyPack, PolicySeverity } from '../../types';

/** No host ports. */
export const POD_HOST_PORTS: KubernetesRule = {
  id: 'pod-host-ports',
  pack: PolicyPack.POD_SECURITY,
  layer: PolicyLayer.KUBERNETES,
  severity: PolicySeverity.MEDIUM,
  info: 'Containers bind no host ports.',
  explanation: 'ports[].hostPort must be unset or 0: a host port exposes the container on the node\'s address, past the '
    + 'NetworkPolicies and the Service.',
  benchmarks: [Benchmarks.pss('baseline', 'Host Ports')],
  evaluate(resource, context) {
    return evaluatePods(resource, context, (pod) => containersOf(pod.podSpec).flatMap((c) => (Array.isArray(c.spec.ports) ? c.spec.ports : [])
      .filter((p: any) => p && typeof p.hostPort === 'number' && p.hostPort !== 0)
      .map((p: any) => ({ subject: `${pod.prefix}${c.subject}`, message: `binds host port ${p.hostPort}`, fix: 'remove hostPort and reach the container through a Service' }))));
  },
};
