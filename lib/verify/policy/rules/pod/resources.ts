import { evaluatePods } from './pod-rule';
import { Benchmarks } from '../../benchmarks';
import { containersOf, ContainerList } from '../../kubernetes-resources';
import { KubernetesRule, PolicyLayer, PolicyPack, PolicySeverity } from '../../types';

/** CPU and memory requests, and a memory limit. */
export const POD_RESOURCES: KubernetesRule = {
  id: 'pod-resources',
  pack: PolicyPack.POD_SECURITY,
  layer: PolicyLayer.KUBERNETES,
  severity: PolicySeverity.LOW,
  info: 'Every container requests CPU and memory and has a memory limit.',
  explanation: 'resources.requests.cpu, resources.requests.memory and resources.limits.memory on every container and init '
    + 'container: the scheduler places the pod where it fits, the quota counts it, and a leak or an attack that allocates '
    + 'memory ends at the container, not at the node. A CPU limit is not required (it throttles without protecting others).',
  benchmarks: [Benchmarks.nsa('Kubernetes Pod security: "Pod security enforcement" and "Resource policies" (LimitRange, ResourceQuota, requests and limits)'),
    Benchmarks.eksBestPractices('Configure and size resource requests and limits', 'https://docs.aws.amazon.com/eks/latest/best-practices/application.html')],
  evaluate(resource, context) {
    const running = (podSpec: { [key: string]: any }) => containersOf(podSpec).filter((c) => c.list !== ContainerList.EPHEMERAL_CONTAINERS);
    return evaluatePods(resource, context, (pod) => running(pod.podSpec).flatMap((c) => {
      const requests = c.spec.resources?.requests ?? {};
      const limits = c.spec.resources?.limits ?? {};
      const missing = [
        ...(requests.cpu === undefined ? ['requests.cpu'] : []),
        ...(requests.memory === undefined ? ['requests.memory'] : []),
        ...(limits.memory === undefined ? ['limits.memory'] : []),
      ];
      return missing.length === 0 ? [] : [{ subject: `${pod.prefix}${c.subject}`, message: `has no ${missing.join(', ')}`, fix: `set resources.${missing.join(', resources.')}` }];
    }));
  },
};
