// Every dashboard and alert query names a known metric (test/k8s/observability); here the helpers on their own.
import {
  KNOWN_METRICS, knownMetricOf, KSM_GPU_RESOURCE, KSM_LLM_SERVICE_LABEL, kubeStateMetricsLabel, LLM_SERVICE_POD_LABEL, MetricDefinition,
  MetricType, seriesNames,
} from '../../lib/core/metrics';

describe('kubeStateMetricsLabel', () => {
  test.each([
    ['cnai.io/llm-service', 'label_cnai_io_llm_service'],
    ['app', 'label_app'],
    ['kueue.x-k8s.io/queue-name', 'label_kueue_x_k8s_io_queue_name'],
    ['myLabelKey', 'label_my_label_key'],
    ['ABC', 'label_abc'],
    ['v2Model', 'label_v2_model'],
  ])('%s -> %s', (key, label) => {
    expect(kubeStateMetricsLabel(key)).toBe(label);
  });

  test('the LLM service label of pods and its kube-state-metrics name', () => {
    expect(LLM_SERVICE_POD_LABEL).toBe('cnai.io/llm-service');
    expect(KSM_LLM_SERVICE_LABEL).toBe('label_cnai_io_llm_service');
    expect(KSM_GPU_RESOURCE).toBe('nvidia_com_gpu');
  });
});

describe('seriesNames', () => {
  const metric = (type: MetricType): MetricDefinition => ({ name: 'x_seconds', type, help: 'h', labels: [], exporter: 'e', version: 'v' });

  test('a histogram: _bucket, _sum and _count', () => {
    expect(seriesNames(metric(MetricType.HISTOGRAM))).toEqual(['x_seconds_bucket', 'x_seconds_sum', 'x_seconds_count']);
  });

  test('a counter or gauge: its name', () => {
    expect(seriesNames(metric(MetricType.COUNTER))).toEqual(['x_seconds']);
    expect(seriesNames(metric(MetricType.GAUGE))).toEqual(['x_seconds']);
  });
});

describe('knownMetricOf', () => {
  test('a histogram\'s series and a gauge resolve to their metric', () => {
    expect(knownMetricOf('kueue_admission_wait_time_seconds_bucket')?.name).toBe('kueue_admission_wait_time_seconds');
    expect(knownMetricOf('kueue_admission_wait_time_seconds_count')?.type).toBe(MetricType.HISTOGRAM);
    expect(knownMetricOf('kube_pod_labels')?.labels).toEqual(['namespace', 'pod', 'uid', 'label_cnai_io_llm_service']);
    expect(knownMetricOf('DCGM_FI_DEV_GPU_UTIL')?.type).toBe(MetricType.GAUGE);
  });

  test('unknown series, and a histogram\'s bare name, are not known', () => {
    expect(knownMetricOf('made_up_metric')).toBeUndefined();
    expect(knownMetricOf('kueue_admission_wait_time_seconds')).toBeUndefined();
  });

  test('no two known metrics share a name', () => {
    const names = KNOWN_METRICS.map((m) => m.name);
    expect(new Set(names).size).toBe(names.length);
  });
});
