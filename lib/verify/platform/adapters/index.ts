// Adapters of the custom resources that operators turn into pods and Services.
import { CustomResourceAdapter } from './adapter';
import { ANALYSIS_TEMPLATE_ADAPTER } from './argo-rollouts';
import { ENVOY_GATEWAY_ADAPTER, ENVOY_RATE_LIMIT_ADAPTER } from './envoy-gateway';
import { FEATURE_STORE_ADAPTER } from './feast';
import { K8SGPT_ADAPTER } from './k8sgpt';
import { AGENT_ADAPTER, MCP_SERVER_ADAPTER } from './kagent';
import { INFERENCE_SERVICE_ADAPTER } from './kserve';
import { EXPERIMENT_ADAPTER, NOTEBOOK_ADAPTER, TRAIN_JOB_ADAPTER } from './kubeflow';
import { LEADER_WORKER_SET_ADAPTER } from './lws';
import { OPENTELEMETRY_COLLECTOR_ADAPTER } from './opentelemetry-collector';
import { ALERTMANAGER_ADAPTER, PROMETHEUS_ADAPTER } from './prometheus-operator';
import { SPARK_APPLICATION_ADAPTER } from './spark';

export * from './adapter';
export { kubePrometheusStackObjects, grafanaReleaseObjects, helmReleaseName, metricsBackendChart, KUBE_PROMETHEUS_STACK_SOURCE } from './kube-prometheus-stack';
export { predictorModel, PREDICTOR_MODEL_KEYS } from './kserve';
export { collectorConfig } from './opentelemetry-collector';
export { trainJobRuntimeRef } from './kubeflow';
export { gatewayProxiesId, isAiGatewayRoute, ENVOY_GATEWAY_NAMESPACE, ENVOY_RATE_LIMIT_ID, envoyRateLimitAddress, isGlobalRateLimitPolicy } from './envoy-gateway';
export { agentPodsId, kagentControllerConnections, mcpServerPodsId } from './kagent';
export { k8sgptOperatorConnections } from './k8sgpt';

/** Every adapter, by `group/Kind`. */
export const CUSTOM_RESOURCE_ADAPTERS: ReadonlyMap<string, CustomResourceAdapter> = new Map([
  INFERENCE_SERVICE_ADAPTER, OPENTELEMETRY_COLLECTOR_ADAPTER, NOTEBOOK_ADAPTER, TRAIN_JOB_ADAPTER, EXPERIMENT_ADAPTER,
  SPARK_APPLICATION_ADAPTER, PROMETHEUS_ADAPTER, ALERTMANAGER_ADAPTER, ENVOY_GATEWAY_ADAPTER, ENVOY_RATE_LIMIT_ADAPTER, FEATURE_STORE_ADAPTER,
  ANALYSIS_TEMPLATE_ADAPTER, LEADER_WORKER_SET_ADAPTER,
  AGENT_ADAPTER, MCP_SERVER_ADAPTER, K8SGPT_ADAPTER,
].map((a) => [`${a.group}/${a.kind}`, a]));
