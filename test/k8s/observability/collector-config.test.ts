import { ProblemCollector, formatProblem } from '../../../lib/core/errors';
import {
  CollectorExporter, CollectorExtension, CollectorProcessor, CollectorReceiver, TelemetrySignal,
} from '../../../lib/k8s/observability/collector-components';
import {
  COLLECTOR_TELEMETRY_PORT, CollectorPipeline, RenderedCollectorConfig, checkCollectorConfig, collectorPorts, describeComponents,
  renderCollectorConfig,
} from '../../../lib/k8s/observability/collector-config';

const otlp = CollectorReceiver.otlp();
const limiter = CollectorProcessor.memoryLimiter();
const batch = CollectorProcessor.batch();
const tempo = CollectorExporter.otlp('tempo', { endpoint: 'tempo.tracing:4317', insecure: true });
const prom = CollectorExporter.prometheus('metrics', { port: 9464 });
const health = CollectorExtension.healthCheck();

/** The problems of a config, as the one-line messages the collector's errors use. */
function problemsOf(config: object): string[] {
  const problems = new ProblemCollector();
  checkCollectorConfig('obs/collector', config as RenderedCollectorConfig, problems);
  return problems.problems.map(formatProblem);
}

describe('CollectorPipeline', () => {
  test('the id is the signal, or signal/name; processors undefined means the defaults; lists are copied', () => {
    const receivers = [otlp];
    const p = new CollectorPipeline({ signal: TelemetrySignal.TRACES, receivers, exporters: [tempo] });
    expect([p.id, p.signal, p.processors]).toEqual(['traces', 'traces', undefined]);
    receivers.push(otlp);
    expect(p.receivers).toHaveLength(1);
    expect(new CollectorPipeline({ signal: TelemetrySignal.METRICS, name: 'drift', receivers: [otlp], processors: [], exporters: [prom] }).id).toBe('metrics/drift');
  });
});

describe('renderCollectorConfig', () => {
  test('sections by id, telemetry on 8888 in JSON logs, pipelines with their own or the default processors', () => {
    expect(COLLECTOR_TELEMETRY_PORT).toEqual({ name: 'metrics', port: 8888, ingest: false });
    const config = renderCollectorConfig([otlp], [limiter, batch], [tempo, prom], [health], [
      new CollectorPipeline({ signal: TelemetrySignal.TRACES, receivers: [otlp], exporters: [tempo] }),
      new CollectorPipeline({ signal: TelemetrySignal.METRICS, name: 'app', receivers: [otlp], processors: [batch], exporters: [prom] }),
    ], [limiter, batch]);
    expect(config).toEqual({
      receivers: { otlp: { protocols: { grpc: { endpoint: '0.0.0.0:4317' }, http: { endpoint: '0.0.0.0:4318' } } } },
      processors: { memory_limiter: { check_interval: '1s', limit_percentage: 80, spike_limit_percentage: 25 }, batch: { send_batch_size: 8192, timeout: '5s' } },
      exporters: {
        'otlp_grpc/tempo': { endpoint: 'tempo.tracing:4317', tls: { insecure: true } },
        'prometheus/metrics': { endpoint: '0.0.0.0:9464', metric_expiration: '300s', resource_to_telemetry_conversion: { enabled: false } },
      },
      extensions: { health_check: { endpoint: '0.0.0.0:13133' } },
      service: {
        extensions: ['health_check'],
        telemetry: {
          logs: { level: 'info', encoding: 'json' },
          metrics: { level: 'normal', readers: [{ pull: { exporter: { prometheus: { host: '0.0.0.0', port: 8888 } } } }] },
        },
        pipelines: {
          'traces': { receivers: ['otlp'], processors: ['memory_limiter', 'batch'], exporters: ['otlp_grpc/tempo'] },
          'metrics/app': { receivers: ['otlp'], processors: ['batch'], exporters: ['prometheus/metrics'] },
        },
      },
    });
    expect(problemsOf(config)).toEqual([]);
  });
});

describe('checkCollectorConfig', () => {
  const base = (pipelines: object, extra: object = {}) => ({
    receivers: { otlp: {} },
    processors: { batch: {} },
    exporters: { 'otlp_grpc/tempo': {}, 'awsxray': {} },
    extensions: {},
    service: { extensions: [], pipelines },
    ...extra,
  });

  test('no pipeline (exact message)', () => {
    expect(problemsOf(base({}))).toEqual([
      'obs/collector: invalid pipelines = []: the collector has no pipeline. Fix: give at least one exporter (pipelines are derived from the exporters), or pipelines explicitly.',
    ]);
  });

  test('a pipeline without receivers and exporters (exact messages)', () => {
    expect(problemsOf(base({ logs: { receivers: [], exporters: [] } }))).toEqual([
      'obs/collector: invalid pipelines.logs.receivers = []: pipeline logs has no receivers. Fix: give the pipeline at least one receiver, or remove it.',
      'obs/collector: invalid pipelines.logs.exporters = []: pipeline logs has no exporters. Fix: give the pipeline at least one exporter, or remove it.',
    ]);
  });

  test('an undefined processor, with the defined ones named (exact message)', () => {
    expect(problemsOf(base({ traces: { receivers: ['otlp'], processors: ['k8s_attributes'], exporters: ['otlp_grpc/tempo'] } }))).toEqual([
      'obs/collector: invalid pipelines.traces.processors = "k8s_attributes": pipeline traces names processor k8s_attributes, which the collector does not define. '
      + 'Fix: add the processor to the collector\'s processors (defined: batch).',
    ]);
    expect(problemsOf(base({ traces: { receivers: ['zipkin'], exporters: ['otlp_grpc/tempo'] } }, { receivers: {} }))[0])
      .toContain('Fix: add the receiver to the collector\'s receivers (defined: none).');
  });

  test('a component in a pipeline of a signal it does not handle (exact message); unknown types are not checked', () => {
    expect(problemsOf(base({ 'logs/x': { receivers: ['otlp'], exporters: ['awsxray'] } }))).toEqual([
      'obs/collector: invalid pipelines.logs/x.exporters = "awsxray": exporter awsxray does not handle logs (only traces). Fix: use it in a traces pipeline.',
    ]);
    expect(problemsOf(base({ logs: { receivers: ['otlp'], exporters: ['debug'] } }, { exporters: { debug: {} } }))).toEqual([]);
  });

  test('a pipeline named after no signal (exact message)', () => {
    expect(problemsOf(base({ spans: { receivers: ['otlp'], exporters: ['otlp_grpc/tempo'] } }))).toEqual([
      'obs/collector: invalid pipelines.spans = "spans": "spans" is not a signal. Fix: name pipelines traces[/name], metrics[/name] or logs[/name].',
    ]);
  });

  test('an extension enabled but not defined (exact message)', () => {
    expect(problemsOf(base({ traces: { receivers: ['otlp'], exporters: ['otlp_grpc/tempo'] } }, { service: { extensions: ['pprof'], pipelines: { traces: { receivers: ['otlp'], exporters: ['otlp_grpc/tempo'] } } } })))
      .toEqual(['obs/collector: invalid service.extensions = "pprof": extension pprof is enabled but not defined. Fix: define it under extensions.']);
  });

  test('one port for a Prometheus exporter, an extension and the telemetry (exact message); non-listening exporters are not counted', () => {
    const config = {
      receivers: { otlp: { protocols: { grpc: { endpoint: '0.0.0.0:4317' } } } },
      processors: {},
      exporters: { 'prometheus/x': { endpoint: '0.0.0.0:8888' }, 'otlp_grpc/tempo': { endpoint: 'tempo:4317' } },
      extensions: { health_check: { endpoint: '0.0.0.0:8888' } },
      service: {
        extensions: ['health_check'],
        telemetry: { metrics: { readers: [{ pull: { exporter: { prometheus: { host: '0.0.0.0', port: 8888 } } } }] } },
        pipelines: { metrics: { receivers: ['otlp'], exporters: ['prometheus/x'] } },
      },
    };
    expect(problemsOf(config)).toEqual([
      'obs/collector: invalid ports = 8888: port 8888 is used by exporter prometheus/x and extension health_check and service telemetry metrics. '
      + 'Fix: give each receiver, exporter and extension its own port.',
    ]);
  });
});

describe('collectorPorts and describeComponents', () => {
  test('the telemetry port first, then each component\'s ports in order', () => {
    expect(collectorPorts([otlp, tempo, prom, health]).map((p) => `${p.name}:${p.port}:${p.ingest}`)).toEqual([
      'metrics:8888:false', 'otlp-grpc:4317:true', 'otlp-http:4318:true', 'prom-metrics:9464:false', 'health:13133:false',
    ]);
  });

  test('the ids as a JSON list', () => {
    expect(describeComponents([otlp, tempo])).toBe('["otlp","otlp_grpc/tempo"]');
    expect(describeComponents([])).toBe('[]');
  });
});
