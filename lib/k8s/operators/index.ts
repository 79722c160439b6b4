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
export {
  AlertReceiver, AlertReceiverKind, GRAFANA_DASHBOARD_LABEL, GRAFANA_FOLDER_ANNOTATION, KUBE_PROMETHEUS_STACK, KubePrometheusStack,
  PROMETHEUS_RESOURCES,
} from './kube-prometheus-stack';
export type { ComponentResources, KubePrometheusStackProps, MonitoringSecretKey, SlackReceiverOptions } from './kube-prometheus-stack';
export type { CertManagerReleaseProps } from './cert-manager';
export type { EfaDevicePluginReleaseProps } from './efa-device-plugin';
export { EXTERNAL_SECRETS_CONTROLLER_POD_LABELS } from './external-secrets';
export type { KarpenterControllerResources, KarpenterReleaseProps } from './karpenter';
export { KATIB_POD_LABELS, KATIB_SUGGESTION_SECURITY_CONTEXT } from './katib';
export type { KatibReleaseProps } from './katib';
export { KEDA_OPERATOR_POD_LABELS } from './keda';
export type { KedaReleaseProps } from './keda';
export { KSERVE_CLUSTER_SERVING_RUNTIMES, KSERVE_STORAGE_CONTAINER, KServeDeploymentMode, STORAGE_INITIALIZER_SECURITY_CONTEXT } from './kserve';
export type { KServeReleaseProps } from './kserve';
export type { KueueReleaseProps } from './kueue';
export { NOTEBOOK_CONTROLLER_POD_LABELS, NOTEBOOK_CULLING_DEFAULTS } from './notebook-controller';
export type { NotebookControllerReleaseProps } from './notebook-controller';
export type { NvidiaChartProps } from './nvidia-device-plugin';
export type { SparkOperatorReleaseProps } from './spark-operator';
export { TRAINER_CLUSTER_TRAINING_RUNTIMES } from './kubeflow-trainer';
export { ENVOY_GATEWAY_CONTROLLER_NAME, ENVOY_GATEWAY_POD_LABELS, ENVOY_GATEWAY_XDS_PORT } from './envoy-gateway';
export type { EnvoyGatewayReleaseProps } from './envoy-gateway';
export { AI_GATEWAY_CONTROLLER_POD_LABELS } from './envoy-ai-gateway';
