// Third-party operators: one file per pinned upstream release, the catalogue that lists
// them, and the renderers (Argo CD Applications, inline Helm). Builder functions stay
// internal; users go through OperatorCatalogue.
export * from './release';
export * from './default-namespaces';
export * from './namespaces';
export * from './catalogue';
export * from './argo-cd-applications';
export * from './git-directory';
export * from './argo-cd-bootstrap';
export * from './helm-releases';
export * from './platform-operators';
export * from './metrics-backend';
export * from './kube-prometheus-stack';
export * from './cert-manager';
export * from './efa-device-plugin';
export * from './external-secrets';
export * from './karpenter';
export * from './katib';
export * from './keda';
export * from './kserve';
export * from './kueue';
export * from './notebook-controller';
export * from './nvidia-device-plugin';
export * from './spark-operator';
export * from './kubeflow-trainer';
export * from './envoy-gateway';
export * from './envoy-ai-gateway';
export * from './kagent';
export * from './kmcp';
export * from './k8sgpt-operator';
export * from './lws';
export * from './open-webui';
export * from './aws-load-balancer-controller';
export * from './feast-operator';
export * from './inference-extension';
export * from './argo-rollouts';
export type { ReleaseNetworkContext } from './release-network';
export * from './release-network-policies';
