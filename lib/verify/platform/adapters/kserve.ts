/**
 * KServe InferenceService in Standard (raw deployment) mode, as KServe v0.20.0 builds it.
 *
 * Read in kserve/kserve@v0.20.0:
 * - pkg/controller/v1beta1/inferenceservice/components/predictor.go (buildObjectMeta): component
 *   name `<isvc>-predictor` (constants.PredictorServiceName), labels = isvc labels ∪ component
 *   labels ∪ {serving.kserve.io/inferenceservice: <isvc>, component: predictor};
 * - pkg/controller/v1beta1/inferenceservice/reconcilers/deployment/deployment_reconciler.go: pod
 *   label `app: isvc.<component name>` (constants.GetRawServiceLabel), Deployment `<component name>`;
 * - pkg/controller/v1beta1/inferenceservice/reconcilers/service/service_reconciler.go
 *   (createDefaultSvc): Service `<component name>`, selector `app: isvc.<component name>`; first
 *   container port exposed as port 80 (constants.CommonDefaultHttpPort) with the container
 *   port as target (9081, the agent port, when a logger or batcher is set), further container
 *   ports as themselves; no container port: port 80 → 8080 (InferenceServiceDefaultHttpPort);
 * - pkg/webhook/admission/pod/agent_injector.go: the `agent` container (port `agent-port` 9081)
 *   injected for loggers and batchers;
 * - config/runtimes/*.yaml: runtimes declare no container port, so the model container's own
 *   ports (or 8080) are the server's.
 */
import { KubeObject } from '../../upstream/types';
import { asArray, asObject, asString, asStringMap } from '../kinds';
import { PodPort } from '../model';
import { containerPorts } from '../workloads';
import { AdapterOutput, CustomResourceAdapter } from './adapter';

const SOURCE = 'kserve/kserve@v0.20.0: pkg/controller/v1beta1/inferenceservice/{components/predictor.go,reconcilers/deployment/deployment_reconciler.go,reconcilers/service/service_reconciler.go}, pkg/webhook/admission/pod/agent_injector.go';

/** Keys of a predictor that hold the model container (the model spec, or a framework shorthand). */
export const PREDICTOR_MODEL_KEYS = ['model', 'sklearn', 'xgboost', 'tensorflow', 'pytorch', 'triton', 'onnx', 'huggingface', 'pmml', 'lightgbm', 'paddle'];
/** Fields of a component that are not pod spec fields. */
const COMPONENT_EXTENSION_KEYS = new Set([
  ...PREDICTOR_MODEL_KEYS, 'minReplicas', 'maxReplicas', 'scaleTarget', 'scaleMetric', 'scaleMetricType', 'containerConcurrency',
  'timeout', 'canaryTrafficPercent', 'logger', 'batcher', 'labels', 'annotations', 'deploymentStrategy', 'autoScaling',
  'workerSpec', 'explainer', 'name', 'storageUri', 'protocolVersion', 'runtimeVersion', 'storage', 'art', 'alibi',
]);
const AGENT_PORT: PodPort = { name: 'agent-port', port: 9081, protocol: 'TCP' };
const DEFAULT_HTTP_PORT = 8080;

/** The model container of a predictor and the key it sits under. */
export function predictorModel(predictor: { [key: string]: unknown }): { key: string; spec: { [key: string]: unknown } } | undefined {
  for (const key of PREDICTOR_MODEL_KEYS) {
    const spec = asObject(predictor[key]);
    if (spec) return { key, spec };
  }
  return undefined;
}

function componentOutput(isvc: KubeObject, namespace: string, component: 'predictor' | 'transformer' | 'explainer'): AdapterOutput | undefined {
  const spec = asObject(asObject(isvc.spec)?.[component]);
  if (!spec) return undefined;
  const isvcName = isvc.metadata.name ?? '';
  const name = `${isvcName}-${component}`;
  const model = component === 'predictor' ? predictorModel(spec) : undefined;
  const podSpec: { [key: string]: unknown } = {};
  for (const [k, v] of Object.entries(spec)) if (!COMPONENT_EXTENSION_KEYS.has(k)) podSpec[k] = v;
  const containers = asArray(spec.containers).map((c) => asObject(c) ?? {});
  if (model) {
    const { modelFormat: _f, runtime: _r, storageUri: _s, protocolVersion: _p, runtimeVersion: _v, storage: _st, ...container } = model.spec;
    containers.unshift({ name: 'kserve-container', ...container });
  }
  podSpec.containers = containers;
  const declared = containerPorts({ containers: containers.slice(0, 1) });
  const serverPorts: PodPort[] = declared.length > 0 ? declared : [{ port: DEFAULT_HTTP_PORT, protocol: 'TCP' }];
  const viaAgent = spec.logger !== undefined || spec.batcher !== undefined;
  const ports = [...serverPorts, ...containerPorts({ containers: containers.slice(1) }), ...(viaAgent ? [AGENT_PORT] : [])];
  const labels = {
    ...asStringMap(isvc.metadata.labels),
    ...asStringMap(spec.labels),
    'serving.kserve.io/inferenceservice': isvcName,
    'component': component,
    'app': `isvc.${name}`,
  };
  const first = serverPorts[0];
  const servicePorts = [
    {
      ...(first.name ? { name: first.name } : { name }),
      port: 80,
      targetPort: viaAgent ? AGENT_PORT.port : first.port,
      protocol: first.protocol,
    },
    ...serverPorts.slice(1).map((p) => ({ ...(p.name ? { name: p.name } : {}), port: p.port, targetPort: p.port, protocol: p.protocol })),
  ];
  const by = `KServe (InferenceService ${namespace}/${isvcName})`;
  return {
    podGroups: [{
      id: `InferenceService ${namespace}/${isvcName}${component === 'predictor' ? '' : ` (${component})`}`,
      namespace,
      labels,
      ports,
      serviceAccount: asString(spec.serviceAccountName) || 'default',
      hostNetwork: spec.hostNetwork === true,
      podSpec,
      podSpecPath: `spec.${component}`,
      createdBy: `KServe Standard mode (${SOURCE})`,
    }],
    objects: [
      {
        object: { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace, labels }, spec: { selector: { app: `isvc.${name}` }, ports: servicePorts } },
        providedBy: by,
      },
      {
        // The Deployment KServe creates (a scale target of KEDA); its pods are the pod group above.
        object: { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace, labels } },
        providedBy: by,
      },
    ],
  };
}

/** InferenceService (serving.kserve.io/v1beta1), Standard mode. */
export const INFERENCE_SERVICE_ADAPTER: CustomResourceAdapter = {
  group: 'serving.kserve.io',
  kind: 'InferenceService',
  source: SOURCE,
  expand(obj, namespace) {
    const parts = (['predictor', 'transformer', 'explainer'] as const).map((c) => componentOutput(obj, namespace, c)).filter((p): p is AdapterOutput => p !== undefined);
    return { objects: parts.flatMap((p) => p.objects), podGroups: parts.flatMap((p) => p.podGroups) };
  },
};
