import {
  CollectorComponent, CollectorExporter, CollectorExtension, CollectorProcessor, CollectorReceiver, TelemetrySignal,
} from '../../../lib/k8s/observability/collector-components';

const ALL = ['traces', 'metrics', 'logs'];

/** The parts of a component as plain data. */
const parts = (c: CollectorComponent) => ({
  id: c.id,
  type: c.type,
  signals: c.signals,
  ports: c.ports,
  extensions: c.extensions.map((e) => e.id),
  kube: c.needsKubernetesApi,
  aws: c.needsAwsCredentials,
});

describe('receivers', () => {
  test('OTLP defaults: gRPC 4317 and HTTP 4318 on every interface, every signal, both ports ingest', () => {
    const r = CollectorReceiver.otlp();
    expect(parts(r)).toEqual({
      id: 'otlp',
      type: 'otlp',
      signals: ALL,
      extensions: [],
      kube: false,
      aws: false,
      ports: [{ name: 'otlp-grpc', port: 4317, ingest: true }, { name: 'otlp-http', port: 4318, ingest: true }],
    });
    expect(r.config).toEqual({ protocols: { grpc: { endpoint: '0.0.0.0:4317' }, http: { endpoint: '0.0.0.0:4318' } } });
  });

  test('a named OTLP receiver: its id, its ports, port names suffixed with at most four characters of the name', () => {
    const r = CollectorReceiver.otlp({ name: 'tenants', grpcPort: 14317, httpPort: 14318 });
    expect(r.id).toBe('otlp/tenants');
    expect(r.ports).toEqual([{ name: 'otlp-grpc-tena', port: 14317, ingest: true }, { name: 'otlp-http-tena', port: 14318, ingest: true }]);
    expect(r.config.protocols.http.endpoint).toBe('0.0.0.0:14318');
  });

  test('Prometheus: defaults of each target (30 s, /metrics), metrics only, no port', () => {
    const r = CollectorReceiver.prometheus({
      name: 'dcgm',
      targets: [{ jobName: 'dcgm', targets: ['10.0.0.1:9400'] }, { jobName: 'custom', targets: ['a:1', 'b:2'], metricsPath: '/stats', intervalSeconds: 60 }],
    });
    expect(parts(r)).toEqual({ id: 'prometheus/dcgm', type: 'prometheus', signals: ['metrics'], ports: [], extensions: [], kube: false, aws: false });
    expect(r.config).toEqual({
      config: {
        scrape_configs: [
          { job_name: 'dcgm', scrape_interval: '30s', metrics_path: '/metrics', static_configs: [{ targets: ['10.0.0.1:9400'] }] },
          { job_name: 'custom', scrape_interval: '60s', metrics_path: '/stats', static_configs: [{ targets: ['a:1', 'b:2'] }] },
        ],
      },
    });
  });

  test('webhook event defaults: /events, 4 MiB, no header attributes, logs only; a long port name is shortened to 15 characters', () => {
    const r = CollectorReceiver.webhookEvent({ name: 'payloads-team-alpha-chat', port: 8088 });
    expect(r.id).toBe('webhookevent/payloads-team-alpha-chat');
    expect(r.signals).toEqual(['logs']);
    expect(r.config).toEqual({ endpoint: '0.0.0.0:8088', path: '/events', read_timeout: '10s', write_timeout: '10s', max_request_body_size: 4194304 });
    expect(r.ports).toHaveLength(1);
    expect(r.ports[0].name).toHaveLength(15);
    expect(r.ports[0].name).toMatch(/^wh-pay-[0-9a-f]{8}$/);
    expect(CollectorReceiver.webhookEvent({ name: 'x', port: 9000, path: '/in', maxRequestBodyBytes: 1024 }).config)
      .toMatchObject({ path: '/in', max_request_body_size: 1024 });
  });

  test('an OTLP HTTP port of 0 (exact message)', () => {
    expect(() => CollectorReceiver.otlp({ name: 'b', httpPort: 0 })).toThrow('collector otlp/b: invalid httpPort = 0: not a TCP port. Fix: give a port from 1 to 65535.');
  });

  test('a component name starting with "-" (exact message)', () => {
    expect(() => CollectorReceiver.webhookEvent({ name: '-chat', port: 8088 })).toThrow(
      'collector webhookevent: invalid name = "-chat": not a valid component name. Fix: use lowercase letters, digits, ".", "_" and "-".');
  });

  test('a webhook port that is not whole', () => {
    expect(() => CollectorReceiver.webhookEvent({ name: 'chat', port: 80.5 })).toThrow('collector webhookevent/chat: invalid port = 80.5: not a TCP port');
  });

  test('a Prometheus receiver without targets (exact message)', () => {
    expect(() => CollectorReceiver.prometheus({ name: 'gpu', targets: [] })).toThrow(
      'collector prometheus/gpu: invalid targets = []: nothing to scrape. Fix: give at least one target, or leave the Prometheus receiver out.');
  });
});

describe('port names are Kubernetes port names (IANA service names: a-z, 0-9 and single inner hyphens, at most 15 characters)', () => {
  const IANA_SVC_NAME = /^(?=.{1,15}$)(?=.*[a-z])[a-z0-9]+(-[a-z0-9]+)*$/;

  test('component names with "_", "." or "-" where a port name cannot have them', () => {
    expect(CollectorReceiver.otlp({ name: 'abc-d' }).ports.map((p) => p.name)).toEqual(['otlp-grpc-abc', 'otlp-http-abc']);
    expect(CollectorReceiver.otlp({ name: 'v1.2' }).ports.map((p) => p.name)).toEqual(['otlp-grpc-v1-2', 'otlp-http-v1-2']);
    expect(CollectorReceiver.webhookEvent({ name: 'chat_v2', port: 8088 }).ports[0].name).toBe('wh-chat-v2');
    expect(CollectorReceiver.webhookEvent({ name: 'a--b', port: 8088 }).ports[0].name).toBe('wh-a-b');
    expect(CollectorExporter.prometheus('drift.v2', { port: 9464 }).ports[0].name).toBe('prom-drift-v2');
  });

  test('every port name of every factory, for awkward names', () => {
    for (const name of ['a', 'a_b', 'x.y.z', 'ab-', 'a--b', '0.1', 'team-a-chat-model-with-a-long-name', 'long_name.with.dots_and_underscores']) {
      const ports = [
        ...CollectorReceiver.otlp({ name }).ports,
        ...CollectorReceiver.webhookEvent({ name, port: 8088 }).ports,
        ...CollectorExporter.prometheus(name, { port: 9464 }).ports,
      ];
      for (const p of ports) expect([name, p.name, IANA_SVC_NAME.test(p.name)]).toEqual([name, p.name, true]);
    }
  });
});

describe('processors', () => {
  test('memory limiter defaults: 80 % with 25 % spike headroom, checked every second', () => {
    const p = CollectorProcessor.memoryLimiter();
    expect(parts(p)).toEqual({ id: 'memory_limiter', type: 'memory_limiter', signals: ALL, ports: [], extensions: [], kube: false, aws: false });
    expect(p.config).toEqual({ check_interval: '1s', limit_percentage: 80, spike_limit_percentage: 25 });
    expect(CollectorProcessor.memoryLimiter({ limitPercentage: 100, spikeLimitPercentage: 99 }).config)
      .toMatchObject({ limit_percentage: 100, spike_limit_percentage: 99 });
  });

  test('a spike limit not below the limit (exact message)', () => {
    expect(() => CollectorProcessor.memoryLimiter({ limitPercentage: 50, spikeLimitPercentage: 50 })).toThrow(
      'collector memory_limiter: invalid limitPercentage = {"limit":50,"spike":50}: the limit must be in (0, 100] and the spike limit in (0, limit). '
      + 'Fix: keep the defaults (80 and 25) unless the collector shares its container with something else.');
    expect(() => CollectorProcessor.memoryLimiter({ spikeLimitPercentage: 0 })).toThrow(/invalid limitPercentage = \{"limit":80,"spike":0\}/);
  });

  test('batch defaults: 8192 items or 5 s', () => {
    expect(CollectorProcessor.batch().config).toEqual({ send_batch_size: 8192, timeout: '5s' });
    expect(CollectorProcessor.batch({ sendBatchSize: 100, timeoutSeconds: 1 }).config).toEqual({ send_batch_size: 100, timeout: '1s' });
    expect(CollectorProcessor.batch().signals).toEqual(ALL);
  });

  test('Kubernetes attributes defaults: the sender\'s metadata, the app and model labels of pods, the team label of namespaces; reads the API', () => {
    const p = CollectorProcessor.k8sAttributes();
    expect(parts(p)).toEqual({ id: 'k8s_attributes', type: 'k8s_attributes', signals: ALL, ports: [], extensions: [], kube: true, aws: false });
    expect(p.config).toEqual({
      auth_type: 'serviceAccount',
      passthrough: false,
      extract: {
        metadata: ['k8s.namespace.name', 'k8s.pod.name', 'k8s.pod.uid', 'k8s.deployment.name', 'k8s.node.name', 'k8s.container.name'],
        labels: [
          { tag_name: 'app.kubernetes.io/name', key: 'app.kubernetes.io/name', from: 'pod' },
          { tag_name: 'cnai.io/llm-service', key: 'cnai.io/llm-service', from: 'pod' },
          { tag_name: 'cnai.io/team', key: 'cnai.io/team', from: 'namespace' },
        ],
      },
      pod_association: [
        { sources: [{ from: 'resource_attribute', name: 'k8s.pod.ip' }] },
        { sources: [{ from: 'resource_attribute', name: 'k8s.pod.uid' }] },
        { sources: [{ from: 'connection' }] },
      ],
    });
    expect(CollectorProcessor.k8sAttributes({ podLabels: [], namespaceLabels: ['env'] }).config.extract.labels).toEqual([{ tag_name: 'env', key: 'env', from: 'namespace' }]);
  });

  test('keep metrics with a prefix: an OTTL condition dropping the rest, dots escaped in the regular expression', () => {
    const p = CollectorProcessor.keepMetricsWithPrefix('drift', 'cnai_model.drift');
    expect(parts(p)).toEqual({ id: 'filter/drift', type: 'filter', signals: ['metrics'], ports: [], extensions: [], kube: false, aws: false });
    expect(p.config).toEqual({ error_mode: 'ignore', metrics: { metric: ['not IsMatch(name, "^cnai_model\\\\.drift")'] } });
    expect(CollectorProcessor.keepMetricsWithPrefix('vllm', 'vllm:').config.metrics.metric).toEqual(['not IsMatch(name, "^vllm:")']);
  });

  test('a prefix starting with a digit (exact message)', () => {
    expect(() => CollectorProcessor.keepMetricsWithPrefix('x', '1up')).toThrow(
      'collector filter/x: invalid prefix = "1up": not a metric name prefix. Fix: use letters, digits, "_", ":" and ".".');
  });
});

describe('exporters', () => {
  test('OTLP over gRPC and HTTP: TLS unless insecure, every signal by default', () => {
    const grpc = CollectorExporter.otlp('tempo', { endpoint: 'tempo-distributor.tracing:4317' });
    expect(parts(grpc)).toEqual({ id: 'otlp_grpc/tempo', type: 'otlp_grpc', signals: ALL, ports: [], extensions: [], kube: false, aws: false });
    expect(grpc.config).toEqual({ endpoint: 'tempo-distributor.tracing:4317', tls: { insecure: false } });
    const http = CollectorExporter.otlpHttp('vendor', { endpoint: 'http://collector.obs:4318', insecure: true, signals: [TelemetrySignal.TRACES] });
    expect([http.id, http.signals, http.config]).toEqual(['otlp_http/vendor', ['traces'], { endpoint: 'http://collector.obs:4318', tls: { insecure: true } }]);
  });

  test('remote write without signing: no extension, no AWS credentials', () => {
    const e = CollectorExporter.prometheusRemoteWrite('mimir', { endpoint: 'http://mimir.obs/api/v1/push' });
    expect(parts(e)).toEqual({ id: 'prometheus_remote_write/mimir', type: 'prometheus_remote_write', signals: ['metrics'], ports: [], extensions: [], kube: false, aws: false });
    expect(e.config).toEqual({ endpoint: 'http://mimir.obs/api/v1/push', resource_to_telemetry_conversion: { enabled: true } });
  });

  test('remote write to AMP: a SigV4 authenticator for aps in the region, and AWS credentials', () => {
    const e = CollectorExporter.prometheusRemoteWrite('amp', { endpoint: 'https://aps-workspaces.us-west-2.amazonaws.com/workspaces/ws-1/api/v1/remote_write', sigV4Region: 'us-west-2' });
    expect(e.extensions.map((x) => [x.id, x.config, x.needsAwsCredentials])).toEqual([['sigv4auth/amp', { region: 'us-west-2', service: 'aps' }, true]]);
    expect(e.config.auth).toEqual({ authenticator: 'sigv4auth/amp' });
    expect(e.needsAwsCredentials).toBe(true);
  });

  test('X-Ray: traces, indexed by model, system and namespace', () => {
    const e = CollectorExporter.awsXray({ region: 'eu-west-1' });
    expect(parts(e)).toEqual({ id: 'awsxray', type: 'awsxray', signals: ['traces'], ports: [], extensions: [], kube: false, aws: true });
    expect(e.config).toEqual({ region: 'eu-west-1', indexed_attributes: ['gen_ai.request.model', 'gen_ai.system', 'k8s.namespace.name'] });
  });

  test('EMF defaults: namespace CNAI/Platform, log group /cnai/metrics', () => {
    const e = CollectorExporter.awsEmf({ region: 'us-east-1' });
    expect(parts(e)).toEqual({ id: 'awsemf', type: 'awsemf', signals: ['metrics'], ports: [], extensions: [], kube: false, aws: true });
    expect(e.config).toEqual({
      region: 'us-east-1', namespace: 'CNAI/Platform', log_group_name: '/cnai/metrics', dimension_rollup_option: 'NoDimensionRollup', resource_to_telemetry_conversion: { enabled: true },
    });
    expect(CollectorExporter.awsEmf({ region: 'r', namespace: 'Team/A', logGroupName: '/team-a' }).config).toMatchObject({ namespace: 'Team/A', log_group_name: '/team-a' });
  });

  test('Prometheus exporter defaults: series kept 300 s, no resource labels, a scrape port that is not ingest', () => {
    const e = CollectorExporter.prometheus('drift', { port: 9464 });
    expect(parts(e)).toEqual({ id: 'prometheus/drift', type: 'prometheus', signals: ['metrics'], ports: [{ name: 'prom-drift', port: 9464, ingest: false }], extensions: [], kube: false, aws: false });
    expect(e.config).toEqual({ endpoint: '0.0.0.0:9464', metric_expiration: '300s', resource_to_telemetry_conversion: { enabled: false } });
  });

  test('a Prometheus exporter expiration that is not whole (exact message)', () => {
    expect(() => CollectorExporter.prometheus('drift', { port: 9464, metricExpirationSeconds: 1.5 })).toThrow(
      'collector prometheus/drift: invalid metricExpirationSeconds = 1.5: not a positive number of seconds. Fix: give a whole number of seconds.');
  });

  test('a Prometheus exporter port above 65535', () => {
    expect(() => CollectorExporter.prometheus('drift', { port: 65536 })).toThrow('collector prometheus/drift: invalid port = 65536: not a TCP port');
  });

  test('S3 defaults: logs, hourly partitions, gzip, OTLP JSON, AWS credentials', () => {
    const e = CollectorExporter.awsS3('payloads', { bucket: 'cnai-dev-payloads', prefix: 'team-a/chat', region: 'us-west-2' });
    expect(parts(e)).toEqual({ id: 'awss3/payloads', type: 'awss3', signals: ['logs'], ports: [], extensions: [], kube: false, aws: true });
    expect(e.config).toEqual({
      s3uploader: { region: 'us-west-2', s3_bucket: 'cnai-dev-payloads', s3_prefix: 'team-a/chat', s3_partition_format: 'year=%Y/month=%m/day=%d/hour=%H', compression: 'gzip' },
      marshaler: 'otlp_json',
    });
  });

  test('an empty S3 prefix (exact message)', () => {
    expect(() => CollectorExporter.awsS3('payloads', { bucket: 'b', prefix: '', region: 'us-west-2' })).toThrow(
      'collector awss3/payloads: invalid prefix = "": an empty prefix or one with a leading or trailing "/". Fix: give a prefix such as "payloads/team-a/chat".');
  });

  test('debug: basic verbosity, every signal, named or not', () => {
    expect([CollectorExporter.debug().id, CollectorExporter.debug().config, CollectorExporter.debug().signals]).toEqual(['debug', { verbosity: 'basic' }, ALL]);
    expect(CollectorExporter.debug('verbose').id).toBe('debug/verbose');
  });
});

describe('extensions', () => {
  test('health check defaults to 13133, a port that is not ingest, no signal', () => {
    const e = CollectorExtension.healthCheck();
    expect(parts(e)).toEqual({ id: 'health_check', type: 'health_check', signals: [], ports: [{ name: 'health', port: 13133, ingest: false }], extensions: [], kube: false, aws: false });
    expect(e.config).toEqual({ endpoint: '0.0.0.0:13133' });
    expect(CollectorExtension.healthCheck(8081).config).toEqual({ endpoint: '0.0.0.0:8081' });
  });

  test('a health check port that is not one (exact message)', () => {
    expect(() => CollectorExtension.healthCheck(-1)).toThrow('collector health_check: invalid port = -1: not a TCP port. Fix: give a port from 1 to 65535.');
  });

  test('SigV4 authentication for any service', () => {
    expect(parts(CollectorExtension.sigV4Auth('xray', 'us-west-2', 'xray'))).toEqual({
      id: 'sigv4auth/xray', type: 'sigv4auth', signals: [], ports: [], extensions: [], kube: false, aws: true,
    });
  });
});
