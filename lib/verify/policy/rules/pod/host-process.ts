import { evaluatePods } from './pod-rule';
import { Benchmarks } from '../../benchmarks';
import { containersOf, effectiveSetting } from '../../kubernetes-resources';
import { KubernetesRule, PolicyLayer, PolicyPack, PolicySeverity } from '../../types';

/** No Windows HostProcess containers. */
export const POD_HOST_PROCESS: KubernetesRule = {
  id: 'pod-host-process',
  pack: PolicyPack.POD_SECURITY,
  layer: PolicyLayer.KUBERNETES,
  severity: PolicySeverity.HIGH,
  info: 'No container is a Windows HostProcess container.',
  explanation: 'securityContext.windowsOptions.hostProcess must be unset or false on the pod and every container.',
  benchmarks: [Benchmarks.pss('baseline', 'HostProcess')],
  evaluate(resource, context) {
    return evaluatePods(resource, context, (pod) => containersOf(pod.podSpec)
      .filter((c) => effectiveSetting(pod.podSpec, c, 'windowsOptions')?.hostProcess === true)
      .map((c) => ({ subject: `${pod.prefix}${c.subject}`, message: 'is a HostProcess container', fix: 'remove windowsOptions.hostProcess' })));
  },
};
