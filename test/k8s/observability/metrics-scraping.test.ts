import { Chart, Duration, Testing } from 'cdk8s';
import { GpuInstanceType } from '../../../lib/core';
import {
  CollectorExporter, MetricsComponent, MetricsEndpoint, MetricsScraping, NodePoolReference, NvidiaGpuSupport, TelemetryCollector,
} from '../../../lib/k8s';
import { assertValidManifests } from '../../../lib/verify/k8s';
import { gpuPoolContract, ofKind, one } from '../helpers';

const a10g = NodePoolReference.fromContract(gpuPoolContract('gpu-a10g', GpuInstanceType.G5_2XLARGE, 4));

function synth(chart: Chart): any[] {
  const objects = Testing.synth(chart);
  assertValidManifests(objects, { kubernetesVersion: '1.34' });
  return objects;
}

describe('MetricsScraping', () => {
  test('a Service endpoint becomes a ServiceMonitor that labels every series with its component', () => {
    const chart = Testing.chart();
    const scraping = new MetricsScraping(chart, 'scraping', { monitorLabels: { release: 'prometheus' }, interval: Duration.seconds(15) });
    scraping.add(MetricsEndpoint.service({
      name: 'qdrant',
      namespace: 'rag',
      selector: { 'app.kubernetes.io/name': 'qdrant' },
      portName: 'http',
      component: MetricsComponent.QDRANT,
      bearerToken: { secretName: 'qdrant-api-key', secretKey: 'api-key' },
    }));
    const sm = one(synth(chart), 'ServiceMonitor', 'qdrant');
    expect(sm.metadata).toMatchObject({ namespace: 'rag', labels: { release: 'prometheus' } });
    expect(sm.spec.selector).toEqual({ matchLabels: { 'app.kubernetes.io/name': 'qdrant' } });
    expect(sm.spec.endpoints).toEqual([{
      port: 'http',
      path: '/metrics',
      interval: '15s',
      relabelings: [{ targetLabel: 'cnai_component', replacement: 'qdrant', action: 'replace' }],
      authorization: { type: 'Bearer', credentials: { name: 'qdrant-api-key', key: 'api-key' } },
    }]);
    expect(scraping.endpointsOf(MetricsComponent.QDRANT)).toHaveLength(1);
  });

  test('a pod endpoint becomes a PodMonitor with the endpoint\'s extra labels', () => {
    const chart = Testing.chart();
    const scraping = new MetricsScraping(chart, 'scraping');
    scraping.add(MetricsEndpoint.pods({
      name: 'embed',
      namespace: 'team-a',
      selector: { 'serving.kserve.io/inferenceservice': 'embed' },
      portName: 'http',
      path: '/metrics',
      component: MetricsComponent.KSERVE,
      labels: { llm_service: 'embed' },
    }));
    const pm = one(synth(chart), 'PodMonitor', 'embed');
    expect(pm.spec.podMetricsEndpoints[0]).toMatchObject({ port: 'http', interval: '30s' });
    expect(pm.spec.podMetricsEndpoints[0].relabelings).toEqual([
      { targetLabel: 'llm_service', replacement: 'embed', action: 'replace' },
      { targetLabel: 'cnai_component', replacement: 'kserve', action: 'replace' },
    ]);
  });

  test('the collector is an endpoint; NvidiaGpuSupport\'s DCGM ServiceMonitor is reused, not duplicated', () => {
    const chart = Testing.chart();
    const gpu = new NvidiaGpuSupport(chart, 'gpu', { pools: [a10g] });
    const collector = new TelemetryCollector(chart, 'otel', { exporters: [CollectorExporter.debug()] });
    const scraping = new MetricsScraping(chart, 'scraping');
    const dcgm = scraping.add(MetricsScraping.dcgmEndpoint(gpu));
    scraping.add(collector);
    const objects = synth(chart);
    expect(dcgm).toBe(gpu.serviceMonitor);
    expect(ofKind(objects, 'ServiceMonitor').map((s) => `${s.metadata.namespace}/${s.metadata.name}`).sort()).toEqual(['nvidia-gpu/dcgm-exporter', 'observability/otel-collector']);
    expect(one(objects, 'ServiceMonitor', 'otel-collector').spec.endpoints[0].port).toBe('metrics');
    expect(scraping.endpointsOf(MetricsComponent.DCGM)).toHaveLength(1);
  });

  describe('errors', () => {
    test('an empty selector', () => {
      const chart = Testing.chart();
      expect(() => new MetricsScraping(chart, 's').add(MetricsEndpoint.service({ name: 'x', namespace: 'a', selector: {}, portName: 'http' })))
        .toThrow('test/s: invalid x.selector = {}: an empty selector would scrape every Service (or pod) of the namespace');
    });

    test('two endpoints with one name in a namespace', () => {
      const chart = Testing.chart();
      const s = new MetricsScraping(chart, 's');
      s.add(MetricsEndpoint.service({ name: 'x', namespace: 'a', selector: { app: 'x' }, portName: 'http' }));
      expect(() => s.add(MetricsEndpoint.service({ name: 'x', namespace: 'a', selector: { app: 'y' }, portName: 'http' })))
        .toThrow('invalid endpoint.name = "x": another endpoint in namespace a has this name');
    });

    test('the DCGM endpoint of a GPU support without exporter', () => {
      const chart = Testing.chart();
      const gpu = new NvidiaGpuSupport(chart, 'gpu', { pools: [a10g], dcgmExporter: false });
      expect(() => MetricsScraping.dcgmEndpoint(gpu)).toThrow('test/gpu: invalid dcgmExporter = false: the DCGM exporter is turned off');
    });
  });
});
