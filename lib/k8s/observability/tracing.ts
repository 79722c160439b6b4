import { ApiObject, JsonPatch } from 'cdk8s';
import { EnvFieldPaths, EnvValue, k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { invalidProp } from '../../core/errors';
import { TeamNamespace } from '../team-namespace';
import { WorkloadSelector } from '../workload-selector';

/** Options of {@link TelemetryCollector.connect} and {@link TelemetryCollector.tracingEnv}. */
export interface TracingOptions {
  /** `service.name` of the workload's telemetry (e.g. "chat-api"). */
  readonly serviceName: string;
  /**
   * Extra resource attributes (e.g. `{ "deployment.environment.name": "prod" }`).
   * @default - none besides namespace, pod and service namespace
   */
  readonly resourceAttributes?: { [key: string]: string };
  /**
   * Record prompt and completion text in spans (OpenLLMetry's `TRACELOOP_TRACE_CONTENT`,
   * OpenTelemetry GenAI's `OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT`). Content
   * may hold personal or confidential data: turn on only where the trace backend may keep it.
   * @default false
   */
  readonly recordPromptsAndCompletions?: boolean;
  /**
   * Names of the containers to connect.
   * @default - every container of the pod (not init containers)
   */
  readonly containers?: string[];
}

/** Something that takes the tracing environment itself (e.g. a construct that renders its pods lazily). */
export interface ITracingTarget {
  /** The pods that will send, for the network policy. */
  readonly tracingSenders?: WorkloadSelector;
  /** Adds the variables to the containers that make telemetry. */
  addTracingEnvironment(env: k8s.EnvVar[]): void;
}

/** Names of the variables the tracing environment sets. */
export const TRACING_ENV = {
  endpoint: 'OTEL_EXPORTER_OTLP_ENDPOINT',
  protocol: 'OTEL_EXPORTER_OTLP_PROTOCOL',
  serviceName: 'OTEL_SERVICE_NAME',
  resourceAttributes: 'OTEL_RESOURCE_ATTRIBUTES',
  tracesExporter: 'OTEL_TRACES_EXPORTER',
  metricsExporter: 'OTEL_METRICS_EXPORTER',
  logsExporter: 'OTEL_LOGS_EXPORTER',
  traceloopBaseUrl: 'TRACELOOP_BASE_URL',
  traceloopTraceContent: 'TRACELOOP_TRACE_CONTENT',
  traceloopTelemetry: 'TRACELOOP_TELEMETRY',
  genAiCaptureContent: 'OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT',
};

const POD_NAME = 'OTEL_K8S_POD_NAME';
const POD_IP = 'OTEL_K8S_POD_IP';
const POD_NAMESPACE = 'OTEL_K8S_NAMESPACE';

// Resource attribute values are W3C baggage values: percent-encode what would split them.
function encodeAttr(v: string): string {
  return v.replace(/[%,=\s;"\\]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}

/** The tracing environment of a workload that sends OTLP/HTTP to `endpoint`. */
export function tracingEnvironment(endpoint: string, options: TracingOptions): k8s.EnvVar[] {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(options.serviceName)) {
    throw invalidProp('tracing', 'serviceName', options.serviceName, 'not a service name', 'use letters, digits, ".", "_" and "-" (e.g. "chat-api")');
  }
  const content = String(options.recordPromptsAndCompletions ?? false);
  const attrs = [
    `k8s.namespace.name=$(${POD_NAMESPACE})`,
    `k8s.pod.name=$(${POD_NAME})`,
    `k8s.pod.ip=$(${POD_IP})`,
    `service.namespace=$(${POD_NAMESPACE})`,
    ...Object.entries(options.resourceAttributes ?? {}).map(([k, v]) => {
      if (!/^[A-Za-z0-9._-]+$/.test(k)) {
        throw invalidProp('tracing', `resourceAttributes.${k}`, k, 'not an attribute key', 'use letters, digits, ".", "_" and "-"');
      }
      return `${k}=${encodeAttr(v)}`;
    }),
  ];
  return [
    // Defined first: Kubernetes expands $(VAR) only from variables listed before.
    { name: POD_NAME, valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
    { name: POD_NAMESPACE, valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
    { name: POD_IP, valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
    { name: TRACING_ENV.serviceName, value: options.serviceName },
    { name: TRACING_ENV.resourceAttributes, value: attrs.join(',') },
    { name: TRACING_ENV.endpoint, value: endpoint },
    { name: TRACING_ENV.protocol, value: 'http/protobuf' },
    { name: TRACING_ENV.tracesExporter, value: 'otlp' },
    { name: TRACING_ENV.metricsExporter, value: 'otlp' },
    // Application logs stay on stdout (collected by the node's log agent).
    { name: TRACING_ENV.logsExporter, value: 'none' },
    // OpenLLMetry (Traceloop SDK) reads its own variables: endpoint, content, and its usage telemetry.
    { name: TRACING_ENV.traceloopBaseUrl, value: endpoint },
    { name: TRACING_ENV.traceloopTraceContent, value: content },
    { name: TRACING_ENV.traceloopTelemetry, value: 'false' },
    { name: TRACING_ENV.genAiCaptureContent, value: content },
  ];
}

/** Where the containers of each kind of API object are. */
const CONTAINER_PATHS: { [kind: string]: string[] } = {
  Deployment: ['spec', 'template', 'spec', 'containers'],
  StatefulSet: ['spec', 'template', 'spec', 'containers'],
  DaemonSet: ['spec', 'template', 'spec', 'containers'],
  ReplicaSet: ['spec', 'template', 'spec', 'containers'],
  Job: ['spec', 'template', 'spec', 'containers'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template', 'spec', 'containers'],
  Pod: ['spec', 'containers'],
  InferenceService: ['spec', 'predictor', 'containers'],
};

const POD_LABEL_PATHS: { [kind: string]: string[] } = {
  Deployment: ['spec', 'template', 'metadata', 'labels'],
  StatefulSet: ['spec', 'template', 'metadata', 'labels'],
  DaemonSet: ['spec', 'template', 'metadata', 'labels'],
  ReplicaSet: ['spec', 'template', 'metadata', 'labels'],
  Job: ['spec', 'template', 'metadata', 'labels'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template', 'metadata', 'labels'],
  Pod: ['metadata', 'labels'],
};

function at(obj: any, path: string[]): any {
  return path.reduce((o, k) => (o === undefined || o === null ? undefined : o[k]), obj);
}

function pointer(path: string[]): string {
  return `/${path.join('/')}`;
}

function envValueOf(v: k8s.EnvVar): EnvValue {
  const field = v.valueFrom?.fieldRef?.fieldPath;
  if (field === 'metadata.name') return EnvValue.fromFieldRef(EnvFieldPaths.POD_NAME);
  if (field === 'metadata.namespace') return EnvValue.fromFieldRef(EnvFieldPaths.POD_NAMESPACE);
  if (field === 'status.podIP') return EnvValue.fromFieldRef(EnvFieldPaths.POD_IP);
  return EnvValue.fromValue(v.value ?? '');
}

/**
 * Sets the tracing environment on a workload's containers and returns its pods as a network
 * peer (undefined when unknown). Variables the container already sets are left as they are.
 */
export function connectWorkload(where: string, workload: Construct, env: k8s.EnvVar[], options: TracingOptions): WorkloadSelector | undefined {
  const wanted = options.containers;
  const target = workload as any;

  // 1. Constructs that take the environment themselves (e.g. the serving layer's LlmService).
  if (typeof target.addTracingEnvironment === 'function') {
    (target as ITracingTarget).addTracingEnvironment(env);
    return target.tracingSenders as WorkloadSelector | undefined;
  }

  // 2. Constructs that hold their pods' API object (e.g. LlmService: vllm.deployment or kserve.inferenceService).
  const inner: unknown = target.vllm?.deployment ?? target.kserve?.inferenceService;
  if (!(workload instanceof ApiObject) && inner instanceof ApiObject) {
    const senders = connectWorkload(where, inner, env, options);
    return typeof target.workloads === 'function' ? target.workloads() as WorkloadSelector : senders;
  }

  // 3. cdk8s-plus workloads: containers with an Env to add to.
  if (Array.isArray(target.containers) && target.containers.every((c: any) => c?.env && typeof c.env.addVariable === 'function')) {
    const containers = target.containers.filter((c: any) => !wanted || wanted.includes(c.name));
    checkFound(where, wanted, target.containers.map((c: any) => c.name), containers.length);
    for (const c of containers) {
      const existing = c.env.variables as { [name: string]: unknown };
      for (const v of env) if (!(v.name in existing)) c.env.addVariable(v.name, envValueOf(v));
    }
    const ns = target.metadata?.namespace;
    const labels: { [k: string]: string } = { ...(target.matchLabels ?? {}) };
    return ns ? selectorIn(workload, ns, labels) : undefined;
  }

  // 4. API objects of the kinds with a pod template.
  if (workload instanceof ApiObject) {
    const path = CONTAINER_PATHS[workload.kind];
    if (!path) {
      throw invalidProp(where, 'workload', `${workload.kind}/${workload.name}`, `cannot find the containers of a ${workload.kind}`,
        `connect a ${Object.keys(CONTAINER_PATHS).join(', ')}, or pass the env from tracingEnv() to the containers yourself`);
    }
    const json = workload.toJson();
    let containers: any[] = at(json, path) ?? [];
    let containersPath = path;
    if (containers.length === 0 && workload.kind === 'InferenceService' && at(json, ['spec', 'predictor', 'model'])) {
      // A predictor with a model format: its single container is spec.predictor.model.
      containers = [at(json, ['spec', 'predictor', 'model'])];
      containersPath = ['spec', 'predictor', 'model'];
    }
    const names = containers.map((c: any) => c.name ?? 'kserve-container');
    const indexes = containers.map((_: any, i: number) => i).filter((i: number) => !wanted || wanted.includes(names[i]));
    checkFound(where, wanted, names, indexes.length);
    for (const i of indexes) {
      const c = containers[i];
      const base = containersPath[containersPath.length - 1] === 'model' ? containersPath : [...containersPath, String(i)];
      const existing = new Set((c.env ?? []).map((v: any) => v.name));
      const add = env.filter((v) => !existing.has(v.name));
      if (!c.env) {
        workload.addJsonPatch(JsonPatch.add(`${pointer(base)}/env`, add));
      } else {
        for (const v of add) workload.addJsonPatch(JsonPatch.add(`${pointer(base)}/env/-`, v));
      }
    }
    const ns = workload.metadata.namespace;
    const labelsPath = POD_LABEL_PATHS[workload.kind];
    const labels = labelsPath ? at(json, labelsPath) ?? {} : { 'serving.kserve.io/inferenceservice': workload.name };
    return ns ? selectorIn(workload, ns, labels) : undefined;
  }

  throw invalidProp(where, 'workload', workload.node.path, 'not a workload the collector can connect',
    'pass a Deployment, StatefulSet, DaemonSet, Job, CronJob or InferenceService API object, a cdk8s-plus workload, or an ITracingTarget');
}

function checkFound(where: string, wanted: string[] | undefined, names: string[], found: number): void {
  if (found === 0 || (wanted && found < wanted.length)) {
    throw invalidProp(where, 'containers', wanted ?? [], `no such container (the pod has ${names.join(', ') || 'none'})`,
      'name containers of the workload, or leave containers out to connect all');
  }
}

/** The pods as a flow peer, through their TeamNamespace when the app declares one (so flows open its egress too). */
export function selectorIn(scope: Construct, namespace: string, labels: { [k: string]: string }): WorkloadSelector {
  const team = scope.node.root.node.findAll().find((c) => c instanceof TeamNamespace && c.namespaceName === namespace) as TeamNamespace | undefined;
  return team ? team.workloads(labels) : WorkloadSelector.inNamespace(namespace, labels);
}
