import { assertKnownMetrics, metricNamesIn, unknownMetricsIn } from '../../../lib/k8s/observability/promql';

describe('metricNamesIn', () => {
  test('a bare metric', () => {
    expect(metricNamesIn('up')).toEqual(['up']);
  });

  test('nothing in strings of any quote, nor in label matchers with braces or quotes inside', () => {
    expect(metricNamesIn('label_replace(a, "dst", \'x\', `src`, "(.*)")')).toEqual(['a']);
    expect(metricNamesIn('a{job="x\\"}y", pod=~\'b}c\'} + b')).toEqual(['a', 'b']);
  });

  test('numbers, durations, hexadecimal and scientific notation are not metrics', () => {
    expect(metricNamesIn('rate(a[5m]) * 1e3 + 0x1f - .5 > 2')).toEqual(['a']);
    expect(metricNamesIn('avg_over_time(a[1h:5m])')).toEqual(['a']);
  });

  test('comments are skipped to the end of the line', () => {
    expect(metricNamesIn('a # b + c\n+ d')).toEqual(['a', 'd']);
  });

  test('keywords in any case, inf and nan are not metrics', () => {
    expect(metricNamesIn('a AND b OR c UNLESS d > Inf < NaN')).toEqual(['a', 'b', 'c', 'd']);
  });

  test('names with colons (recording rules, vLLM), once each, in order of first appearance', () => {
    expect(metricNamesIn('vllm:num_requests_waiting + cnai:gpu:util + vllm:num_requests_waiting')).toEqual(['vllm:num_requests_waiting', 'cnai:gpu:util']);
  });

  test('an aggregation with a label list after its parenthesis', () => {
    expect(metricNamesIn('sum(a) by (namespace, pod) / count without (le) (b)')).toEqual(['a', 'b']);
  });

  test('an empty expression', () => {
    expect(metricNamesIn('')).toEqual([]);
  });
});

describe('unknownMetricsIn and assertKnownMetrics', () => {
  test('known series: gauges, counters, the series of a histogram', () => {
    expect(unknownMetricsIn('up + kueue_admitted_workloads_total + vllm:time_to_first_token_seconds_bucket + DCGM_FI_DEV_GPU_UTIL')).toEqual([]);
    expect(() => assertKnownMetrics('x', 'expr', 'sum(rate(vllm:time_to_first_token_seconds_count[5m]))')).not.toThrow();
  });

  test('a histogram\'s base name is no series; unknown names in order', () => {
    expect(unknownMetricsIn('vllm:time_to_first_token_seconds + my_metric + up')).toEqual(['vllm:time_to_first_token_seconds', 'my_metric']);
  });

  test('a query that reads an unknown metric (exact message)', () => {
    expect(() => assertKnownMetrics('platform/alerts', 'rules[0].expr', 'rate(my_requests_total[5m]) / up')).toThrow(
      'platform/alerts: invalid rules[0].expr = "rate(my_requests_total[5m]) / up": reads my_requests_total, which no exporter of the platform exposes (lib/core/metrics.ts). '
      + 'Fix: build the query from the metric constants of lib/core/metrics.ts, or add the metric there with the exporter version that exposes it.');
  });
});
