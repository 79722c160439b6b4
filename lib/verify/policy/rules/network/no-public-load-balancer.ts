import { Benchmarks } from '../../benchmarks';
import { KubernetesRule, PolicyLayer, PolicyPack, PolicySeverity, Results } from '../../types';

/** Annotations that make an AWS load balancer internal (AWS Load Balancer Controller, and the in-tree provider). */
export const INTERNAL_LOAD_BALANCER_ANNOTATIONS: { [key: string]: string } = {
  'service.beta.kubernetes.io/aws-load-balancer-scheme': 'internal',
  'service.beta.kubernetes.io/aws-load-balancer-internal': 'true',
};

/** No internet-facing load balancers. */
export const NET_NO_PUBLIC_LOAD_BALANCER: KubernetesRule = {
  id: 'net-no-public-load-balancer',
  pack: PolicyPack.NETWORK_ISOLATION,
  layer: PolicyLayer.KUBERNETES,
  severity: PolicySeverity.HIGH,
  info: 'No Service or Ingress gets an internet-facing load balancer.',
  explanation: 'A Service of type LoadBalancer carries service.beta.kubernetes.io/aws-load-balancer-scheme: internal (or '
    + 'the in-tree aws-load-balancer-internal: "true"); an Ingress does not set alb.ingress.kubernetes.io/scheme: '
    + 'internet-facing. Model endpoints and data services stay inside the VPC.',
  benchmarks: [Benchmarks.nsa('Network separation and hardening'), Benchmarks.eksBestPractices('Network security', 'https://docs.aws.amazon.com/eks/latest/best-practices/network-security.html')],
  evaluate(resource) {
    const o = resource.object;
    const annotations = o.metadata.annotations ?? {};
    if (o.kind === 'Service' && o.apiVersion === 'v1') {
      if ((o.spec as any)?.type !== 'LoadBalancer') return Results.notApplicable();
      const internal = Object.entries(INTERNAL_LOAD_BALANCER_ANNOTATIONS).some(([k, v]) => annotations[k] === v);
      return Results.of(internal ? [] : [{ message: 'is a LoadBalancer Service without the internal scheme (internet-facing by default)', fix: 'annotate service.beta.kubernetes.io/aws-load-balancer-scheme: internal, or use ClusterIP behind an internal gateway' }]);
    }
    if (o.kind === 'Ingress' && o.apiVersion.startsWith('networking.k8s.io/')) {
      return Results.of(annotations['alb.ingress.kubernetes.io/scheme'] === 'internet-facing'
        ? [{ message: 'asks for an internet-facing ALB', fix: 'set alb.ingress.kubernetes.io/scheme: internal (the default)' }] : []);
    }
    return Results.notApplicable();
  },
};
