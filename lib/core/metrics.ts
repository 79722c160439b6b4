/**
 * Prometheus metric names the platform's autoscalers, alerts and dashboards refer to, in
 * one place, so that a query never spells a metric name by hand. Other metric families
 * (GPU, queueing, ...) are added next to these.
 */

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
