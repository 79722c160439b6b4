// The generated bindings of the custom resources the constructs expose (`apiObject`,
// `inferenceService`, `scaledObject`, ...), one namespace per API group, so a user can
// type and extend those objects:
//
//   import { crds } from 'cnai-constructs/k8s';
//   const isvc: crds.kserve.InferenceService = service.inferenceService;
export * as argocd from '../imports/argoproj.io';
export * as externalSecrets from '../imports/external-secrets.io';
export * as karpenterAws from '../imports/karpenter.k8s.aws';
export * as karpenter from '../imports/karpenter.sh';
export * as keda from '../imports/keda.sh';
export * as kubeflow from '../imports/kubeflow.org';
export * as kueue from '../imports/kueue.x-k8s.io';
export * as monitoring from '../imports/monitoring.coreos.com';
export * as opentelemetry from '../imports/opentelemetry.io';
export * as kserve from '../imports/serving.kserve.io';
export * as trainer from '../imports/trainer.kubeflow.org';
export * as feast from '../imports/feast.dev';
