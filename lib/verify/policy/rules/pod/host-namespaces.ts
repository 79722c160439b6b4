import { evaluatePods, podSubject } from './pod-rule';
import { Benchmarks } from '../../benchmarks';
import { KubernetesRule, PolicyLayer, PolicyPack, PolicySeverity, Violation } from '../../types';

const FIELDS: Array<{ field: string; what: string }> = [
  { field: 'hostNetwork', what: 'the node\'s network namespace (NetworkPolicies do not apply to it)' },
  { field: 'hostPID', what: 'the node\'s process namespace' },
  { field: 'hostIPC', what: 'the node\'s IPC namespace' },
];

/** No host namespaces. */
export const POD_HOST_NAMESPACES: KubernetesRule = {
  id: 'pod-host-namespaces',
  pack: PolicyPack.POD_SECURITY,
  layer: PolicyLayer.KUBERNETES,
  severity: PolicySeverity.HIGH,
  info: 'Pods do not share the node\'s network, process or IPC namespace.',
  explanation: 'spec.hostNetwork, spec.hostPID and spec.hostIPC must be unset or false.',
  benchmarks: [Benchmarks.pss('baseline', 'Host Namespaces'), Benchmarks.cisEks('4.2.2', 'Minimize the admission of containers wishing to share the host process ID namespace'),
    Benchmarks.cisEks('4.2.3', 'Minimize the admission of containers wishing to share the host IPC namespace'),
    Benchmarks.cisEks('4.2.4', 'Minimize the admission of containers wishing to share the host network namespace')],
  evaluate(resource, context) {
    return evaluatePods(resource, context, (pod) => FIELDS.filter((f) => pod.podSpec[f.field] === true).map((f): Violation => ({
      ...(podSubject(pod) ? { subject: podSubject(pod) } : {}),
      message: `uses ${f.what} (${f.field})`,
      fix: `remove spec.${f.field}`,
    })));
  },
};
