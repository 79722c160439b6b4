/**
 * Prometheus metric names the platform's autoscalers, alerts and dashboards refer to, in
 * one place, so that a query never spells a metric name by hand. Other metric families
 * (GPU, queueing, ...) are added next to these.
 */

import { GPU_IMAGES, OPERATORS, OPERATOR_SOURCES } from './versions';

/**
 * Metrics of the vLLM OpenAI-compatible server (V1 engine), as the pinned image
 * (IMAGES.vllmOpenai in versions.ts) exposes them on `/metrics`. Every series carries a
 * `model_name` label (the served model name).
 *
 * Renames to know about when changing the pin: `vllm:gpu_cache_usage_perc` became
 * `vllm:kv_cache_usage_perc` (vllm-project/vllm#18354, the old name hidden by default
 * since v0.12), and `vllm:time_per_output_token_seconds` became
 * `vllm:inter_token_latency_seconds` (deprecated in v0.11, removed in vllm#32661).
 * @see https://docs.vllm.ai/en/latest/design/metrics/
 */
export const VLLM_METRICS = {
  /** Gauge: requests queued, waiting for a slot in the running batch. The main scale-up signal. */
  numRequestsWaiting: 'vllm:num_requests_waiting',
  /** Gauge: requests in the running batch. */
  numRequestsRunning: 'vllm:num_requests_running',
  /** Gauge: share of the KV cache blocks in use, 0 to 1 (1 = full: new requests wait or preempt). */
  kvCacheUsagePerc: 'vllm:kv_cache_usage_perc',
  /** Counter: requests preempted because the KV cache was full. */
  numPreemptions: 'vllm:num_preemptions_total',
  /** Counter: prompt tokens processed. */
  promptTokens: 'vllm:prompt_tokens_total',
  /** Counter: tokens generated. */
  generationTokens: 'vllm:generation_tokens_total',
  /** Counter: finished requests, labelled by `finished_reason`. */
  requestSuccess: 'vllm:request_success_total',
  /** Histogram: time to first token in seconds. */
  timeToFirstToken: 'vllm:time_to_first_token_seconds',
  /** Histogram: time between two streamed outputs in seconds. */
  interTokenLatency: 'vllm:inter_token_latency_seconds',
  /** Histogram: end-to-end request latency in seconds. */
  e2eRequestLatency: 'vllm:e2e_request_latency_seconds',
  /** Histogram: time a request spent waiting in the queue, in seconds. */
  requestQueueTime: 'vllm:request_queue_time_seconds',
  /** Counter: prefix cache lookups, in tokens. */
  prefixCacheQueries: 'vllm:prefix_cache_queries_total',
  /** Counter: prefix cache hits, in tokens. */
  prefixCacheHits: 'vllm:prefix_cache_hits_total',
};

/** The label every vLLM series carries with the served model name. */
export const VLLM_MODEL_LABEL = 'model_name';

/**
 * Label that the monitors of an LlmService add to every series they scrape: the service's
 * name, so that queries select one service whatever its backend (vLLM Deployment or KServe)
 * and whatever model names it serves. With the namespace label it identifies the service.
 */
export const LLM_SERVICE_METRIC_LABEL = 'llm_service';

// =======================================================================================
// Typed metric definitions: GPU (DCGM), queueing (Kueue), KServe, Qdrant, MLflow, the
// OpenTelemetry Collector and the platform's own drift metrics, each with the exporter and
// the version it was confirmed against. Alerts and dashboards (lib/k8s/observability) read
// metrics only through these; a test parses every generated PromQL expression and checks
// each metric name against KNOWN_METRICS. Names are as Prometheus stores them: counters
// carry `_total`; histograms are listed by base name and queried as `_bucket`/`_sum`/`_count`.
// =======================================================================================

/** Prometheus metric type. */
export enum MetricType {
  /** Monotonic counter (query with `rate`/`increase`). */
  COUNTER = 'counter',
  /** Gauge. */
  GAUGE = 'gauge',
  /** Histogram: series `<name>_bucket`, `<name>_sum`, `<name>_count`. */
  HISTOGRAM = 'histogram',
}

/** One metric an exporter exposes. */
export interface MetricDefinition {
  /** Name as stored by Prometheus (e.g. `vllm:num_requests_waiting`, `kueue_admitted_workloads_total`). */
  readonly name: string;
  /** Metric type. */
  readonly type: MetricType;
  /** What it measures (and its unit). */
  readonly help: string;
  /** Labels the exporter sets (target labels such as `namespace`, `pod` and `job` come from the scrape). */
  readonly labels: string[];
  /** The exporter that exposes it. */
  readonly exporter: string;
  /** The exporter version it was confirmed against (the pinned one where the library pins it). */
  readonly version: string;
}

// ---------------------------------------------------------------------------------------
// NVIDIA DCGM exporter: the default counters (etc/default-counters.csv of NVIDIA/dcgm-exporter),
// which NvidiaGpuSupport's exporter runs with. Labels: gpu, UUID, device, modelName,
// Hostname (plus pool and node from NvidiaGpuSupport's ServiceMonitor relabelings).
// ---------------------------------------------------------------------------------------
const DCGM = 'NVIDIA dcgm-exporter (default-counters.csv)';
const DCGM_VERSION = GPU_IMAGES.dcgmExporter.tag;
const DCGM_LABELS = ['gpu', 'UUID', 'device', 'modelName', 'Hostname', 'pool', 'node'];

/** GPU metrics of the DCGM exporter's default counter set. */
export const DCGM_METRICS = {
  /** Value of the last XID error (0 = none); any non-zero value is a driver-reported GPU fault. */
  xidErrors: { name: 'DCGM_FI_DEV_XID_ERRORS', type: MetricType.GAUGE, help: 'Value of the last XID error encountered', labels: DCGM_LABELS, exporter: DCGM, version: DCGM_VERSION } as MetricDefinition,
  /** Framebuffer (GPU) memory used, MiB. */
  fbUsed: { name: 'DCGM_FI_DEV_FB_USED', type: MetricType.GAUGE, help: 'Framebuffer memory used (MiB)', labels: DCGM_LABELS, exporter: DCGM, version: DCGM_VERSION } as MetricDefinition,
  /** Framebuffer (GPU) memory free, MiB. */
  fbFree: { name: 'DCGM_FI_DEV_FB_FREE', type: MetricType.GAUGE, help: 'Framebuffer memory free (MiB)', labels: DCGM_LABELS, exporter: DCGM, version: DCGM_VERSION } as MetricDefinition,
  /** GPU utilisation, percent. */
  gpuUtil: { name: 'DCGM_FI_DEV_GPU_UTIL', type: MetricType.GAUGE, help: 'GPU utilization (%)', labels: DCGM_LABELS, exporter: DCGM, version: DCGM_VERSION } as MetricDefinition,
  /** Memory copy utilisation, percent. */
  memCopyUtil: { name: 'DCGM_FI_DEV_MEM_COPY_UTIL', type: MetricType.GAUGE, help: 'Memory utilization (%)', labels: DCGM_LABELS, exporter: DCGM, version: DCGM_VERSION } as MetricDefinition,
  /** GPU temperature, °C. */
  gpuTemp: { name: 'DCGM_FI_DEV_GPU_TEMP', type: MetricType.GAUGE, help: 'GPU temperature (C)', labels: DCGM_LABELS, exporter: DCGM, version: DCGM_VERSION } as MetricDefinition,
  /** Power draw, W. */
  powerUsage: { name: 'DCGM_FI_DEV_POWER_USAGE', type: MetricType.GAUGE, help: 'Power draw (W)', labels: DCGM_LABELS, exporter: DCGM, version: DCGM_VERSION } as MetricDefinition,
  /** Energy used since the driver loaded, millijoules (a counter that restarts at 0 when the node reboots); Volta and later. */
  totalEnergyConsumption: { name: 'DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION', type: MetricType.COUNTER, help: 'Total energy consumption since boot (mJ)', labels: DCGM_LABELS, exporter: DCGM, version: DCGM_VERSION } as MetricDefinition,
  /** Rows remapped for uncorrectable memory errors (a GPU that needs a reset or replacement). */
  uncorrectableRemappedRows: { name: 'DCGM_FI_DEV_UNCORRECTABLE_REMAPPED_ROWS', type: MetricType.COUNTER, help: 'Number of remapped rows for uncorrectable errors', labels: DCGM_LABELS, exporter: DCGM, version: DCGM_VERSION } as MetricDefinition,
};

// ---------------------------------------------------------------------------------------
// Kueue (pkg/metrics/metrics.go of kubernetes-sigs/kueue, subsystem "kueue").
// ---------------------------------------------------------------------------------------
const KUEUE = 'Kueue controller manager';
const KUEUE_VERSION = OPERATORS.kueue.version;

/** Queueing metrics of the Kueue controller. */
export const KUEUE_METRICS = {
  /** Pending workloads per ClusterQueue; `status` is `active` (waiting for quota) or `inadmissible`. */
  pendingWorkloads: { name: 'kueue_pending_workloads', type: MetricType.GAUGE, help: 'Number of pending workloads per cluster_queue and status', labels: ['cluster_queue', 'status'], exporter: KUEUE, version: KUEUE_VERSION } as MetricDefinition,
  /** Time from creation or requeue until admission, seconds. */
  admissionWaitTime: { name: 'kueue_admission_wait_time_seconds', type: MetricType.HISTOGRAM, help: 'Time between a workload was created or requeued until admission (s)', labels: ['cluster_queue'], exporter: KUEUE, version: KUEUE_VERSION } as MetricDefinition,
  /** Time from creation or requeue until quota reservation, seconds. */
  quotaReservedWaitTime: { name: 'kueue_quota_reserved_wait_time_seconds', type: MetricType.HISTOGRAM, help: 'Time between a workload was created or requeued until quota reservation (s)', labels: ['cluster_queue'], exporter: KUEUE, version: KUEUE_VERSION } as MetricDefinition,
  /** Workloads admitted. */
  admittedWorkloads: { name: 'kueue_admitted_workloads_total', type: MetricType.COUNTER, help: 'Total number of admitted workloads per cluster_queue', labels: ['cluster_queue'], exporter: KUEUE, version: KUEUE_VERSION } as MetricDefinition,
  /** Admitted workloads that are active (unsuspended and not finished). */
  admittedActiveWorkloads: { name: 'kueue_admitted_active_workloads', type: MetricType.GAUGE, help: 'Number of admitted workloads that are active per cluster_queue', labels: ['cluster_queue'], exporter: KUEUE, version: KUEUE_VERSION } as MetricDefinition,
  /** Evicted workloads (`reason`: Preempted, PodsReadyTimeout, AdmissionCheck, ClusterQueueStopped, Deactivated). */
  evictedWorkloads: { name: 'kueue_evicted_workloads_total', type: MetricType.COUNTER, help: 'Number of evicted workloads per cluster_queue and reason', labels: ['cluster_queue', 'reason'], exporter: KUEUE, version: KUEUE_VERSION } as MetricDefinition,
  /** Status of each ClusterQueue (`status`: pending, active, terminating; 1 for the current one). */
  clusterQueueStatus: { name: 'kueue_cluster_queue_status', type: MetricType.GAUGE, help: 'Status of the cluster_queue', labels: ['cluster_queue', 'status'], exporter: KUEUE, version: KUEUE_VERSION } as MetricDefinition,
};

// ---------------------------------------------------------------------------------------
// vLLM: the names are VLLM_METRICS above; these give each one its type for the checks.
// ---------------------------------------------------------------------------------------
const VLLM = 'vLLM OpenAI-compatible server (/metrics)';
const VLLM_VERSION = 'the pinned vLLM image (IMAGES.vllmOpenai)';

function vllm(name: string, type: MetricType, help: string, extraLabels: string[] = []): MetricDefinition {
  return { name, type, help, labels: [VLLM_MODEL_LABEL, 'engine', ...extraLabels], exporter: VLLM, version: VLLM_VERSION };
}

/** The metrics of {@link VLLM_METRICS} with their types. */
export const VLLM_METRIC_DEFINITIONS: MetricDefinition[] = [
  vllm(VLLM_METRICS.numRequestsWaiting, MetricType.GAUGE, 'Requests waiting to be processed'),
  vllm(VLLM_METRICS.numRequestsRunning, MetricType.GAUGE, 'Requests in model execution batches'),
  vllm(VLLM_METRICS.kvCacheUsagePerc, MetricType.GAUGE, 'KV-cache usage; 1 means 100 percent usage'),
  vllm(VLLM_METRICS.numPreemptions, MetricType.COUNTER, 'Cumulative number of preemptions from the engine'),
  vllm(VLLM_METRICS.promptTokens, MetricType.COUNTER, 'Number of prefill tokens processed'),
  vllm(VLLM_METRICS.generationTokens, MetricType.COUNTER, 'Number of generation tokens processed'),
  vllm(VLLM_METRICS.requestSuccess, MetricType.COUNTER, 'Count of successfully processed requests', ['finished_reason']),
  vllm(VLLM_METRICS.timeToFirstToken, MetricType.HISTOGRAM, 'Time to first token (s)'),
  vllm(VLLM_METRICS.interTokenLatency, MetricType.HISTOGRAM, 'Inter-token latency (s)'),
  vllm(VLLM_METRICS.e2eRequestLatency, MetricType.HISTOGRAM, 'End-to-end request latency (s)'),
  vllm(VLLM_METRICS.requestQueueTime, MetricType.HISTOGRAM, 'Time spent in WAITING phase for request (s)'),
  vllm(VLLM_METRICS.prefixCacheQueries, MetricType.COUNTER, 'Prefix cache queries (tokens)'),
  vllm(VLLM_METRICS.prefixCacheHits, MetricType.COUNTER, 'Prefix cache hits (tokens)'),
];

/**
 * HTTP metrics of vLLM's OpenAI-compatible API server: prometheus-fastapi-instrumentator's defaults,
 * which vllm/entrypoints/openai/api_server.py (`mount_metrics`) adds to the same `/metrics`. Status
 * codes are grouped (`2xx`, `4xx`, `5xx`). Read from vLLM's source of the v0.x line, not re-read at the
 * pinned tag: a gate on them finds no series if a release drops the instrumentator.
 */
export const VLLM_HTTP_METRICS = {
  /** Counter: HTTP requests by `handler`, `method` and grouped `status` (`5xx` are server errors). */
  requests: { name: 'http_requests_total', type: MetricType.COUNTER, help: 'Total number of requests by method, status and handler', labels: ['handler', 'method', 'status'], exporter: VLLM, version: VLLM_VERSION } as MetricDefinition,
  /** Histogram: HTTP request latency in seconds by `handler` and `method`. */
  requestDuration: { name: 'http_request_duration_seconds', type: MetricType.HISTOGRAM, help: 'Latency with only few buckets by handler (s)', labels: ['handler', 'method'], exporter: VLLM, version: VLLM_VERSION } as MetricDefinition,
};

// ---------------------------------------------------------------------------------------
// KServe Python model server (python/kserve/kserve/metrics.py; label model_name).
// ---------------------------------------------------------------------------------------
const KSERVE = 'KServe model server (kserve Python SDK)';
const KSERVE_VERSION = OPERATORS.kserve.version;

/** Latency metrics of KServe's Python model servers (sklearn, xgboost, custom predictors and transformers). */
export const KSERVE_METRICS = {
  /** Predict latency, seconds. */
  predictLatency: { name: 'request_predict_seconds', type: MetricType.HISTOGRAM, help: 'Predict request latency (s)', labels: ['model_name'], exporter: KSERVE, version: KSERVE_VERSION } as MetricDefinition,
  /** Pre-processing latency, seconds. */
  preprocessLatency: { name: 'request_preprocess_seconds', type: MetricType.HISTOGRAM, help: 'Pre-process request latency (s)', labels: ['model_name'], exporter: KSERVE, version: KSERVE_VERSION } as MetricDefinition,
  /** Post-processing latency, seconds. */
  postprocessLatency: { name: 'request_postprocess_seconds', type: MetricType.HISTOGRAM, help: 'Post-process request latency (s)', labels: ['model_name'], exporter: KSERVE, version: KSERVE_VERSION } as MetricDefinition,
  /** Explain latency, seconds. */
  explainLatency: { name: 'request_explain_seconds', type: MetricType.HISTOGRAM, help: 'Explain request latency (s)', labels: ['model_name'], exporter: KSERVE, version: KSERVE_VERSION } as MetricDefinition,
};

// ---------------------------------------------------------------------------------------
// Qdrant (/metrics of each node; documented at qdrant.tech "Monitoring & Telemetry").
// ---------------------------------------------------------------------------------------
const QDRANT = 'Qdrant (/metrics, per node)';
const QDRANT_VERSION = 'v1.x (node metrics)';

/** Vector database metrics of Qdrant. */
export const QDRANT_METRICS = {
  /** Server name and version (always 1 while the node is up). */
  appInfo: { name: 'app_info', type: MetricType.GAUGE, help: 'Information about the Qdrant server', labels: ['name', 'version'], exporter: QDRANT, version: QDRANT_VERSION } as MetricDefinition,
  /** Number of collections. */
  collectionsTotal: { name: 'collections_total', type: MetricType.GAUGE, help: 'Number of collections', labels: [], exporter: QDRANT, version: QDRANT_VERSION } as MetricDefinition,
  /** Vectors in all collections. */
  collectionsVectorTotal: { name: 'collections_vector_total', type: MetricType.GAUGE, help: 'Total number of vectors in all collections', labels: [], exporter: QDRANT, version: QDRANT_VERSION } as MetricDefinition,
  /** REST responses. */
  restResponses: { name: 'rest_responses_total', type: MetricType.COUNTER, help: 'Total number of responses through REST API', labels: ['endpoint', 'method', 'status'], exporter: QDRANT, version: QDRANT_VERSION } as MetricDefinition,
  /** Failed REST responses. */
  restResponsesFailed: { name: 'rest_responses_fail_total', type: MetricType.COUNTER, help: 'Total number of failed responses through REST API', labels: ['endpoint', 'method', 'status'], exporter: QDRANT, version: QDRANT_VERSION } as MetricDefinition,
  /** Average REST response duration, seconds. */
  restResponsesAvgDuration: { name: 'rest_responses_avg_duration_seconds', type: MetricType.GAUGE, help: 'Average response duration in REST API (s)', labels: ['endpoint', 'method', 'status'], exporter: QDRANT, version: QDRANT_VERSION } as MetricDefinition,
  /** gRPC responses. */
  grpcResponses: { name: 'grpc_responses_total', type: MetricType.COUNTER, help: 'Total number of responses through gRPC API', labels: ['endpoint'], exporter: QDRANT, version: QDRANT_VERSION } as MetricDefinition,
  /** Failed gRPC responses. */
  grpcResponsesFailed: { name: 'grpc_responses_fail_total', type: MetricType.COUNTER, help: 'Total number of failed responses through gRPC API', labels: ['endpoint'], exporter: QDRANT, version: QDRANT_VERSION } as MetricDefinition,
};

// ---------------------------------------------------------------------------------------
// MLflow tracking server started with --expose-prometheus (prometheus_flask_exporter with
// defaults_prefix "mlflow", mlflow/server/prometheus_exporter.py).
// ---------------------------------------------------------------------------------------
const MLFLOW = 'MLflow tracking server (--expose-prometheus)';
const MLFLOW_VERSION = 'MLflow 2.x/3.x (prometheus_flask_exporter)';

/** HTTP metrics of the MLflow tracking server. */
export const MLFLOW_METRICS = {
  /** Requests served (`method`, `status`). */
  httpRequests: { name: 'mlflow_http_request_total', type: MetricType.COUNTER, help: 'Total number of HTTP requests', labels: ['method', 'status'], exporter: MLFLOW, version: MLFLOW_VERSION } as MetricDefinition,
  /** Request duration, seconds. */
  httpRequestDuration: { name: 'mlflow_http_request_duration_seconds', type: MetricType.HISTOGRAM, help: 'HTTP request duration (s)', labels: ['method', 'status'], exporter: MLFLOW, version: MLFLOW_VERSION } as MetricDefinition,
  /** Requests that raised an exception. */
  httpRequestExceptions: { name: 'mlflow_http_request_exceptions_total', type: MetricType.COUNTER, help: 'Total number of HTTP requests which resulted in an exception', labels: ['method', 'status'], exporter: MLFLOW, version: MLFLOW_VERSION } as MetricDefinition,
};

// ---------------------------------------------------------------------------------------
// OpenTelemetry Collector internal telemetry (service.telemetry.metrics, Prometheus pull
// reader; counters carry the `_total` suffix the Prometheus exporter adds).
// ---------------------------------------------------------------------------------------
const OTELCOL = 'OpenTelemetry Collector internal telemetry';
const OTELCOL_VERSION = OPERATORS.opentelemetryOperator.version;

/** Health metrics of the OpenTelemetry Collector. */
export const OTEL_COLLECTOR_METRICS = {
  /** Spans accepted by a receiver. */
  receiverAcceptedSpans: { name: 'otelcol_receiver_accepted_spans_total', type: MetricType.COUNTER, help: 'Spans successfully pushed into the pipeline', labels: ['receiver', 'transport'], exporter: OTELCOL, version: OTELCOL_VERSION } as MetricDefinition,
  /** Spans refused by a receiver (e.g. by the memory limiter). */
  receiverRefusedSpans: { name: 'otelcol_receiver_refused_spans_total', type: MetricType.COUNTER, help: 'Spans that could not be pushed into the pipeline', labels: ['receiver', 'transport'], exporter: OTELCOL, version: OTELCOL_VERSION } as MetricDefinition,
  /** Spans sent by an exporter. */
  exporterSentSpans: { name: 'otelcol_exporter_sent_spans_total', type: MetricType.COUNTER, help: 'Spans successfully sent to destination', labels: ['exporter'], exporter: OTELCOL, version: OTELCOL_VERSION } as MetricDefinition,
  /** Spans an exporter failed to send. */
  exporterSendFailedSpans: { name: 'otelcol_exporter_send_failed_spans_total', type: MetricType.COUNTER, help: 'Spans in failed attempts to send to destination', labels: ['exporter'], exporter: OTELCOL, version: OTELCOL_VERSION } as MetricDefinition,
  /** Metric points an exporter failed to send. */
  exporterSendFailedMetricPoints: { name: 'otelcol_exporter_send_failed_metric_points_total', type: MetricType.COUNTER, help: 'Metric points in failed attempts to send to destination', labels: ['exporter'], exporter: OTELCOL, version: OTELCOL_VERSION } as MetricDefinition,
  /** Current size of an exporter's sending queue, batches. */
  exporterQueueSize: { name: 'otelcol_exporter_queue_size', type: MetricType.GAUGE, help: 'Current size of the retry queue (in batches)', labels: ['exporter'], exporter: OTELCOL, version: OTELCOL_VERSION } as MetricDefinition,
  /** Capacity of an exporter's sending queue, batches. */
  exporterQueueCapacity: { name: 'otelcol_exporter_queue_capacity', type: MetricType.GAUGE, help: 'Fixed capacity of the retry queue (in batches)', labels: ['exporter'], exporter: OTELCOL, version: OTELCOL_VERSION } as MetricDefinition,
};

// ---------------------------------------------------------------------------------------
// Series Prometheus itself writes for every scrape target.
// ---------------------------------------------------------------------------------------

/** Series Prometheus records for each target it scrapes. */
export const PROMETHEUS_METRICS = {
  /** 1 when the last scrape of the target succeeded, 0 when it failed. */
  up: { name: 'up', type: MetricType.GAUGE, help: '1 if the last scrape succeeded', labels: ['job', 'instance', 'namespace', 'service', 'pod'], exporter: 'Prometheus (per scrape target)', version: OPERATORS.prometheusOperator.version } as MetricDefinition,
};

// ---------------------------------------------------------------------------------------
// kube-state-metrics of kube-prometheus-stack (chart kube-state-metrics 8.2.0, v2.19.1:
// internal/store/pod.go and node.go). Its ServiceMonitor keeps the exported labels
// (honorLabels), so `namespace`, `pod` and `node` are the object's. Extended resources are
// sanitized (`nvidia.com/gpu` becomes `resource="nvidia_com_gpu"`, `unit="integer"`).
// ---------------------------------------------------------------------------------------
const KSM = 'kube-state-metrics (kube-prometheus-stack)';
const KSM_VERSION = `v2.19.1 (kube-prometheus-stack ${OPERATOR_SOURCES.kubePrometheusStack.version})`;

/**
 * Label on every pod of an LLM service: the service's name. kube-state-metrics exposes it on
 * `kube_pod_labels` (as {@link KSM_LLM_SERVICE_LABEL}) because the platform's
 * kube-prometheus-stack lists it in `metricLabelsAllowlist`.
 */
export const LLM_SERVICE_POD_LABEL = 'cnai.io/llm-service';

/** The name kube-state-metrics gives a Kubernetes label on `kube_<kind>_labels`: `label_` and the key with every character outside `[a-zA-Z0-9_]` replaced by `_`, snake-cased. */
export function kubeStateMetricsLabel(key: string): string {
  return `label_${key.replace(/[^a-zA-Z0-9_]/g, '_').replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase()}`;
}

/** `label_cnai_io_llm_service`: the LLM service label of a pod on `kube_pod_labels`. */
export const KSM_LLM_SERVICE_LABEL = kubeStateMetricsLabel(LLM_SERVICE_POD_LABEL);

/** Metrics of kube-state-metrics the platform's rules join GPU metrics with. */
export const KUBE_STATE_METRICS = {
  /** Requests of each container by resource (`resource="nvidia_com_gpu"` for GPUs); `node` is the pod's node. */
  podContainerResourceRequests: { name: 'kube_pod_container_resource_requests', type: MetricType.GAUGE, help: 'The number of requested request resource by a container', labels: ['namespace', 'pod', 'uid', 'container', 'node', 'resource', 'unit'], exporter: KSM, version: KSM_VERSION } as MetricDefinition,
  /** 1 for the pod's current phase. */
  podStatusPhase: { name: 'kube_pod_status_phase', type: MetricType.GAUGE, help: 'The pods current phase', labels: ['namespace', 'pod', 'uid', 'phase'], exporter: KSM, version: KSM_VERSION } as MetricDefinition,
  /** The pod's labels that `metricLabelsAllowlist` allows, as `label_<key>`. */
  podLabels: { name: 'kube_pod_labels', type: MetricType.GAUGE, help: 'Kubernetes labels converted to Prometheus labels', labels: ['namespace', 'pod', 'uid', KSM_LLM_SERVICE_LABEL], exporter: KSM, version: KSM_VERSION } as MetricDefinition,
  /** What a node offers for scheduling by resource (`resource="nvidia_com_gpu"`: GPUs, or GPU slices with time-slicing). */
  nodeStatusAllocatable: { name: 'kube_node_status_allocatable', type: MetricType.GAUGE, help: 'The allocatable for different resources of a node that are available for scheduling', labels: ['node', 'resource', 'unit'], exporter: KSM, version: KSM_VERSION } as MetricDefinition,
};

/** The `resource` label value of `nvidia.com/gpu` in kube-state-metrics. */
export const KSM_GPU_RESOURCE = 'nvidia_com_gpu';

// ---------------------------------------------------------------------------------------
// Series the platform records itself (GpuEnergyRules, PrometheusRule cnai-gpu-energy):
// GPU power and energy per node, pool, team namespace and served model, and the GPUs that
// are allocated but idle. Names follow Prometheus' `level:metric:operation` convention.
// ---------------------------------------------------------------------------------------
const RULES = 'cnai recording rules (PrometheusRule cnai-gpu-energy)';
const RULES_VERSION = 'this library';
const recorded = (name: string, labels: string[], help: string): MetricDefinition =>
  ({ name, type: MetricType.GAUGE, help, labels, exporter: RULES, version: RULES_VERSION });

/** The series GpuEnergyRules records. */
export const GPU_ENERGY_METRICS = {
  /** GPU power draw of each node, W. */
  nodePowerWatts: recorded('node:cnai_gpu_power_watts:sum', ['node', 'pool'], 'GPU power draw of the node (W)'),
  /** GPU power draw of each pool, W. */
  poolPowerWatts: recorded('pool:cnai_gpu_power_watts:sum', ['pool'], 'GPU power draw of the pool (W)'),
  /** GPUs of each node (as DCGM sees them: physical GPUs). */
  nodeGpus: recorded('node:cnai_gpus:count', ['node', 'pool'], 'GPUs of the node'),
  /** GPU power per schedulable GPU unit of the node (W per `nvidia.com/gpu`; a slice with time-slicing). */
  nodePowerPerAllocatableGpu: recorded('node:cnai_gpu_power_per_allocatable_gpu_watts:ratio', ['node', 'pool'], 'GPU power per schedulable nvidia.com/gpu of the node (W)'),
  /** `nvidia.com/gpu` requested by each running pod. */
  podGpuRequests: recorded('namespace_pod:cnai_gpu_requests:sum', ['namespace', 'pod', 'node'], 'nvidia.com/gpu requested by the running pod'),
  /** GPU power attributed to each running pod (its share of its node's schedulable GPUs), W. */
  podPowerWatts: recorded('namespace_pod:cnai_gpu_power_watts:sum', ['namespace', 'pod', 'node', 'pool'], 'GPU power attributed to the pod (W)'),
  /** GPU power attributed to each namespace (a team), W. */
  namespacePowerWatts: recorded('namespace:cnai_gpu_power_watts:sum', ['namespace'], 'GPU power attributed to the namespace (W)'),
  /** GPU power attributed to each served model (LLM service), W. */
  llmServicePowerWatts: recorded('namespace_llm_service:cnai_gpu_power_watts:sum', ['namespace', LLM_SERVICE_METRIC_LABEL], 'GPU power attributed to the LLM service (W)'),
  /** GPU power of each pool that no running pod holds (idle and unallocated GPUs), W. */
  poolUnallocatedPowerWatts: recorded('pool:cnai_gpu_unallocated_power_watts:sum', ['pool'], 'GPU power of the pool not attributed to any pod (W)'),
  /** Physical GPUs of each node held by running pods (schedulable units converted back to GPUs). */
  nodeGpusAllocated: recorded('node:cnai_gpus_allocated:sum', ['node', 'pool'], 'GPUs of the node held by running pods'),
  /** GPUs of each node held by running pods whose 5-minute utilisation is below the idle threshold. */
  nodeGpusAllocatedIdle: recorded('node:cnai_gpus_allocated_idle:count', ['node', 'pool'], 'GPUs of the node held by pods but below the idle utilisation threshold'),
  /** Energy of each pool's GPUs over the last hour (DCGM's energy counter), J. */
  poolEnergyJoules1h: recorded('pool:cnai_gpu_energy_joules:increase1h', ['pool'], 'GPU energy of the pool over the last hour (J)'),
  /** The same in kWh. */
  poolEnergyKwh1h: recorded('pool:cnai_gpu_energy_kwh:increase1h', ['pool'], 'GPU energy of the pool over the last hour (kWh)'),
  /** Energy of each pool's GPUs over the last day, J. */
  poolEnergyJoules1d: recorded('pool:cnai_gpu_energy_joules:increase1d', ['pool'], 'GPU energy of the pool over the last day (J)'),
  /** The same in kWh. */
  poolEnergyKwh1d: recorded('pool:cnai_gpu_energy_kwh:increase1d', ['pool'], 'GPU energy of the pool over the last day (kWh)'),
  /** GPU energy attributed to each namespace over the last hour (its recorded power integrated), J. */
  namespaceEnergyJoules1h: recorded('namespace:cnai_gpu_energy_joules:integral1h', ['namespace'], 'GPU energy attributed to the namespace over the last hour (J)'),
  /** The same in kWh. */
  namespaceEnergyKwh1h: recorded('namespace:cnai_gpu_energy_kwh:integral1h', ['namespace'], 'GPU energy attributed to the namespace over the last hour (kWh)'),
  /** GPU energy attributed to each namespace over the last day, J. */
  namespaceEnergyJoules1d: recorded('namespace:cnai_gpu_energy_joules:integral1d', ['namespace'], 'GPU energy attributed to the namespace over the last day (J)'),
  /** The same in kWh. */
  namespaceEnergyKwh1d: recorded('namespace:cnai_gpu_energy_kwh:integral1d', ['namespace'], 'GPU energy attributed to the namespace over the last day (kWh)'),
  /** GPU energy attributed to each served model over the last hour, J. */
  llmServiceEnergyJoules1h: recorded('namespace_llm_service:cnai_gpu_energy_joules:integral1h', ['namespace', LLM_SERVICE_METRIC_LABEL], 'GPU energy attributed to the LLM service over the last hour (J)'),
  /** The same in kWh. */
  llmServiceEnergyKwh1h: recorded('namespace_llm_service:cnai_gpu_energy_kwh:integral1h', ['namespace', LLM_SERVICE_METRIC_LABEL], 'GPU energy attributed to the LLM service over the last hour (kWh)'),
  /** GPU energy attributed to each served model over the last day, J. */
  llmServiceEnergyJoules1d: recorded('namespace_llm_service:cnai_gpu_energy_joules:integral1d', ['namespace', LLM_SERVICE_METRIC_LABEL], 'GPU energy attributed to the LLM service over the last day (J)'),
  /** The same in kWh. */
  llmServiceEnergyKwh1d: recorded('namespace_llm_service:cnai_gpu_energy_kwh:integral1d', ['namespace', LLM_SERVICE_METRIC_LABEL], 'GPU energy attributed to the LLM service over the last day (kWh)'),
};

// ---------------------------------------------------------------------------------------
// The platform's own metrics: the drift job writes them over OTLP to the TelemetryCollector,
// whose Prometheus exporter exposes them (no unit, so no suffix is added to the names). The
// served model's namespace is `model_namespace`: `namespace` is the scrape target's (the collector's).
// ---------------------------------------------------------------------------------------
const CNAI = 'cnai drift job (OTLP, exposed by the TelemetryCollector)';
const CNAI_VERSION = 'this library';

/** Metrics of the platform's drift monitor. */
export const DRIFT_METRICS = {
  /** Drift score of the last run per model, feature and statistical test. */
  score: { name: 'cnai_model_drift_score', type: MetricType.GAUGE, help: 'Drift score of the recent window against the reference window', labels: ['model', 'model_namespace', 'feature', 'test'], exporter: CNAI, version: CNAI_VERSION } as MetricDefinition,
  /** Unix time of the last successful drift run (alerts when the job stops running). */
  lastRun: { name: 'cnai_model_drift_last_run_timestamp_seconds', type: MetricType.GAUGE, help: 'Unix time of the last successful drift computation', labels: ['model', 'model_namespace'], exporter: CNAI, version: CNAI_VERSION } as MetricDefinition,
  /** Samples in the recent window of the last run (too few makes the score meaningless). */
  samples: { name: 'cnai_model_drift_samples', type: MetricType.GAUGE, help: 'Samples in the recent window of the last run', labels: ['model', 'model_namespace'], exporter: CNAI, version: CNAI_VERSION } as MetricDefinition,
};

/** Every metric above. */
export const KNOWN_METRICS: MetricDefinition[] = [
  ...[
    DCGM_METRICS, KUEUE_METRICS, KSERVE_METRICS, QDRANT_METRICS, MLFLOW_METRICS, OTEL_COLLECTOR_METRICS, PROMETHEUS_METRICS,
    KUBE_STATE_METRICS, GPU_ENERGY_METRICS, DRIFT_METRICS, VLLM_HTTP_METRICS,
  ]
    .flatMap((group) => Object.values(group) as MetricDefinition[]),
  ...VLLM_METRIC_DEFINITIONS,
];

/** The series names a metric produces (a histogram's `_bucket`, `_sum` and `_count`). */
export function seriesNames(metric: MetricDefinition): string[] {
  return metric.type === MetricType.HISTOGRAM
    ? [`${metric.name}_bucket`, `${metric.name}_sum`, `${metric.name}_count`]
    : [metric.name];
}

/** The metric a series name belongs to, or undefined when no known exporter produces it. */
export function knownMetricOf(series: string): MetricDefinition | undefined {
  return KNOWN_METRICS.find((m) => seriesNames(m).includes(series));
}
