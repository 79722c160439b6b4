import { DATA_SERVICES, LOAD_BALANCER_CONTROLLER } from '../../core/contract';

/** The namespace each release of the catalogue installs into. */
export const OPERATOR_NAMESPACES = {
  certManager: 'cert-manager',
  monitoring: 'monitoring',
  kueue: 'kueue-system',
  keda: 'keda',
  kserve: 'kserve',
  kubeflowSystem: 'kubeflow-system',
  kubeflow: 'kubeflow',
  spark: 'spark-operator',
  efa: 'aws-efa-device-plugin',
  otel: 'opentelemetry-operator-system',
  nvidia: 'nvidia-device-plugin',
  externalSecrets: DATA_SERVICES.secretsReader.namespace,
  envoyGateway: 'envoy-gateway-system',
  envoyAiGateway: 'envoy-ai-gateway-system',
  kagent: 'kagent',
  k8sgptOperator: 'k8sgpt-operator-system',
  lws: 'lws-system',
  awsLoadBalancerController: LOAD_BALANCER_CONTROLLER.namespace,
  feast: 'feast-operator-system',
  argoRollouts: 'argo-rollouts',
};
