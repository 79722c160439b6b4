import { Chart, Testing } from 'cdk8s';
import * as YAML from 'yaml';
import { OBSERVABILITY_IMAGES, ProblemCollector, imageRef } from '../../../lib/core';
import {
  CollectorDeploymentMethod, CollectorExporter, CollectorPipeline, CollectorProcessor, CollectorReceiver, TelemetryCollector,
  TelemetryCollectorProps, TelemetrySignal, TeamNamespace, checkCollectorConfig,
} from '../../../lib/k8s';
import { assertValidManifests } from '../../../lib/verify/k8s';
import { ofKind, one } from '../helpers';

const tempo = () => CollectorExporter.otlp('tempo', { endpoint: 'tempo-distributor.tracing.svc:4317', insecure: true });
const identity = { namespace: 'observability', serviceAccount: 'otel-collector', roleName: 'cnai-test-otel-collector' };

function render(props: TelemetryCollectorProps = { exporters: [tempo()] }): { chart: Chart; collector: TelemetryCollector; objects: any[] } {
  const chart = Testing.chart();
  const collector = new TelemetryCollector(chart, 'otel', props);
  const objects = Testing.synth(chart);
  assertValidManifests(objects, { kubernetesVersion: '1.34' });
  return { chart, collector, objects };
}

function configOf(objects: any[]): any {
  return YAML.parse(one(objects, 'ConfigMap', 'otel-collector-config').data['collector.yaml']);
}

/** Every pipeline names only defined components and has receivers and exporters. */
function expectConsistent(config: any): void {
  const pipelines = config.service.pipelines;
  expect(Object.keys(pipelines).length).toBeGreaterThan(0);
  for (const [id, p] of Object.entries<any>(pipelines)) {
    expect([id, p.receivers.length > 0, p.exporters.length > 0]).toEqual([id, true, true]);
    for (const r of p.receivers) expect(Object.keys(config.receivers)).toContain(r);
    for (const r of p.processors) expect(Object.keys(config.processors)).toContain(r);
    for (const r of p.exporters) expect(Object.keys(config.exporters)).toContain(r);
    // memory_limiter first, batch last.
    expect(p.processors[0]).toBe('memory_limiter');
    expect(p.processors[p.processors.length - 1]).toBe('batch');
  }
  for (const e of config.service.extensions) expect(Object.keys(config.extensions)).toContain(e);
}

describe('TelemetryCollector', () => {
  test('documented defaults: name, namespace, 2 replicas, 1 GiB, OTLP on 4317/4318, memory_limiter + k8s_attributes + batch, pinned contrib image', () => {
    const { collector, objects } = render();
    expect([collector.name, collector.namespace, collector.replicas, collector.memoryLimitMiB]).toEqual(['otel-collector', 'observability', 2, 1024]);
    expect(collector.deploymentMethod).toBe(CollectorDeploymentMethod.DEPLOYMENT);
    expect(collector.otlpHttpEndpoint).toBe('http://otel-collector.observability.svc:4318');
    expect(collector.otlpGrpcEndpoint).toBe('http://otel-collector.observability.svc:4317');
    const config = configOf(objects);
    expect(config.receivers.otlp.protocols).toEqual({ grpc: { endpoint: '0.0.0.0:4317' }, http: { endpoint: '0.0.0.0:4318' } });
    expect(Object.keys(config.processors)).toEqual(['memory_limiter', 'k8s_attributes', 'batch']);
    const deploy = one(objects, 'Deployment', 'otel-collector');
    expect(deploy.spec.replicas).toBe(2);
    const c = deploy.spec.template.spec.containers[0];
    expect(c.image).toBe(imageRef(OBSERVABILITY_IMAGES.otelCollectorContrib));
    expect(c.image).toMatch(/^docker\.io\/otel\/opentelemetry-collector-contrib:0\.\d+\.\d+$/);
    expect(c.resources.limits.memory).toBe('1024Mi');
    expect(c.env).toEqual([{ name: 'GOMEMLIMIT', value: '819MiB' }]);
    expect(c.args).toEqual(['--config=/conf/collector.yaml']);
    expect(one(objects, 'Namespace', 'observability').metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
  });

  test('pipelines are derived per signal from the exporters and are consistent', () => {
    const { objects } = render({
      exporters: [tempo(), CollectorExporter.prometheusRemoteWrite('amp', { endpoint: 'https://aps-workspaces.us-west-2.amazonaws.com/workspaces/ws-1/api/v1/remote_write', sigV4Region: 'us-west-2' }),
        CollectorExporter.awsXray({ region: 'us-west-2' }), CollectorExporter.awsEmf({ region: 'us-west-2' })],
      awsIdentity: identity,
    });
    const config = configOf(objects);
    expectConsistent(config);
    expect(config.service.pipelines.traces.exporters).toEqual(['otlp_grpc/tempo', 'awsxray']);
    expect(config.service.pipelines.metrics.exporters).toEqual(['otlp_grpc/tempo', 'prometheus_remote_write/amp', 'awsemf']);
    expect(config.service.pipelines.logs.exporters).toEqual(['otlp_grpc/tempo']);
    // SigV4 signing through an extension, enabled in the service.
    expect(config.exporters['prometheus_remote_write/amp'].auth).toEqual({ authenticator: 'sigv4auth/amp' });
    expect(config.extensions['sigv4auth/amp']).toEqual({ region: 'us-west-2', service: 'aps' });
    expect(config.service.extensions).toEqual(['health_check', 'sigv4auth/amp']);
    // The AWS identity is the collector's service account (EKS Pod Identity association by name).
    expect(one(objects, 'Deployment', 'otel-collector').spec.template.spec.serviceAccountName).toBe('otel-collector');
  });

  test('a Prometheus receiver and explicit pipelines render as given and stay consistent', () => {
    const prom = CollectorReceiver.prometheus({ name: 'static', targets: [{ jobName: 'legacy', targets: ['legacy.apps.svc:9100'] }] });
    const debug = CollectorExporter.debug();
    const t = tempo();
    const { objects } = render({
      receivers: [prom],
      exporters: [t, debug],
      pipelines: [
        new CollectorPipeline({ signal: TelemetrySignal.TRACES, receivers: [CollectorReceiver.otlp()], exporters: [t] }),
        new CollectorPipeline({ signal: TelemetrySignal.METRICS, name: 'legacy', receivers: [prom], exporters: [debug] }),
      ],
    });
    const config = configOf(objects);
    expectConsistent(config);
    expect(Object.keys(config.service.pipelines)).toEqual(['traces', 'metrics/legacy']);
    expect(config.receivers['prometheus/static'].config.scrape_configs[0]).toEqual({
      job_name: 'legacy', scrape_interval: '30s', metrics_path: '/metrics', static_configs: [{ targets: ['legacy.apps.svc:9100'] }],
    });
  });

  test('runs non-root with a read-only root filesystem; the Service exposes every listening port but health', () => {
    const { objects } = render();
    const spec = one(objects, 'Deployment', 'otel-collector').spec.template.spec;
    expect(spec.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 10001, seccompProfile: { type: 'RuntimeDefault' } });
    expect(spec.containers[0].securityContext).toMatchObject({
      runAsNonRoot: true, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, privileged: false, capabilities: { drop: ['ALL'] },
    });
    expect(spec.containers[0].ports.map((p: any) => [p.name, p.containerPort])).toEqual([['metrics', 8888], ['otlp-grpc', 4317], ['otlp-http', 4318], ['health', 13133]]);
    expect(spec.containers[0].readinessProbe.httpGet.port).toBe(13133);
    expect(one(objects, 'Service', 'otel-collector').spec.ports.map((p: any) => p.name)).toEqual(['metrics', 'otlp-grpc', 'otlp-http']);
    // A config change rolls the pods.
    expect(spec).toBeDefined();
    expect(one(objects, 'Deployment', 'otel-collector').spec.template.metadata.annotations['cnai.io/config-sha256']).toMatch(/^[0-9a-f]{16}$/);
  });

  test('k8sattributes gets read access to pods, namespaces and replicasets only', () => {
    const { objects } = render();
    expect(one(objects, 'ClusterRole', 'cnai-observability-otel-collector').rules).toEqual([
      { apiGroups: [''], resources: ['pods', 'namespaces'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: ['apps'], resources: ['replicasets'], verbs: ['get', 'list', 'watch'] },
    ]);
    expect(one(objects, 'ClusterRoleBinding', 'cnai-observability-otel-collector').subjects).toEqual([{ kind: 'ServiceAccount', name: 'otel-collector', namespace: 'observability' }]);
    expect(one(objects, 'Deployment', 'otel-collector').spec.template.spec.automountServiceAccountToken).toBe(true);
  });

  test('without k8sattributes there is no RBAC and no API token', () => {
    const { objects } = render({ exporters: [tempo()], processors: [CollectorProcessor.memoryLimiter(), CollectorProcessor.batch()] });
    expect(ofKind(objects, 'ClusterRole')).toHaveLength(0);
    expect(one(objects, 'Deployment', 'otel-collector').spec.template.spec.automountServiceAccountToken).toBe(false);
  });

  test('the NetworkPolicy opens OTLP to connected namespaces and metrics to Prometheus; a TeamNamespace gets its egress', () => {
    const chart = Testing.chart();
    const team = new TeamNamespace(chart, 'team-a');
    const collector = new TelemetryCollector(chart, 'otel', { exporters: [tempo()] });
    collector.allowFrom(team.workloads({ app: 'chat' }));
    collector.allowFrom(team.workloads({ app: 'chat' })); // twice: one rule
    const objects = Testing.synth(chart);
    assertValidManifests(objects, { kubernetesVersion: '1.34' });
    const np = one(objects, 'NetworkPolicy', 'otel-collector-ingress');
    expect(np.spec.policyTypes).toEqual(['Ingress']);
    expect(np.spec.ingress).toEqual([
      {
        from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'team-a' } }, podSelector: { matchLabels: { app: 'chat' } } }],
        ports: [{ protocol: 'TCP', port: 4317 }, { protocol: 'TCP', port: 4318 }],
      },
      {
        from: [{
          namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } },
          podSelector: { matchLabels: { 'app.kubernetes.io/name': 'prometheus', 'operator.prometheus.io/name': 'kube-prometheus-stack-prometheus' } },
        }],
        ports: [{ protocol: 'TCP', port: 8888 }],
      },
    ]);
    const egress = ofKind(objects, 'NetworkPolicy').filter((p) => p.metadata.namespace === 'team-a' && p.metadata.name.startsWith('allow-to-'));
    expect(egress.map((p) => p.spec.egress[0].ports[0].port).sort()).toEqual([4317, 4318]);
    expect(egress[0].spec.egress[0].to[0].namespaceSelector.matchLabels['kubernetes.io/metadata.name']).toBe('observability');
  });

  test('its namespace denies everything; the collector gets out to DNS, the API server (k8s_attributes), AWS and in-cluster backends it is given', () => {
    const { objects } = render({ exporters: [CollectorExporter.awsXray({ region: 'us-west-2' })], awsIdentity: identity });
    expect(one(objects, 'Namespace', 'observability').metadata.labels['app.kubernetes.io/part-of']).toBe('cnai-platform');
    const policies = ofKind(objects, 'NetworkPolicy').filter((p) => p.metadata.namespace === 'observability');
    expect(policies.map((p) => p.metadata.name)).toEqual(['default-deny', 'allow-dns', 'otel-collector-ingress', 'otel-collector-egress']);
    expect(policies[0].spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    expect(policies[3].spec).toEqual({
      podSelector: { matchLabels: { 'app.kubernetes.io/name': 'otel-collector', 'app.kubernetes.io/component': 'opentelemetry-collector' } },
      policyTypes: ['Egress'],
      egress: [
        {
          to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
          ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }],
        },
        { to: [{ ipBlock: { cidr: '10.0.0.0/16' } }], ports: [{ protocol: 'TCP', port: 443 }] },
        { to: [{ ipBlock: { cidr: '169.254.170.23/32' } }, { ipBlock: { cidr: 'fd00:ec2::23/128' } }], ports: [{ protocol: 'TCP', port: 80 }] },
        { to: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports: [{ protocol: 'TCP', port: 443 }] },
      ],
    });
    // An in-cluster backend without AWS: only DNS, the API server and that backend; no internet.
    const chart = Testing.chart();
    const team = new TeamNamespace(chart, 'tracing');
    const c = new TelemetryCollector(chart, 'otel', { exporters: [tempo()], vpcCidr: '10.20.0.0/16' });
    c.allowEgressTo(team.workloads({ app: 'tempo' }), 4317);
    const egress = one(Testing.synth(chart), 'NetworkPolicy', 'otel-collector-egress').spec.egress;
    expect(egress.slice(1)).toEqual([
      { to: [{ ipBlock: { cidr: '10.20.0.0/16' } }], ports: [{ protocol: 'TCP', port: 443 }] },
      { to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'tracing' } }, podSelector: { matchLabels: { app: 'tempo' } } }], ports: [{ protocol: 'TCP', port: 4317 }] },
    ]);
    // An exporter to an HTTPS endpoint outside the cluster gets HTTPS.
    const https = render({ exporters: [CollectorExporter.otlpHttp('vendor', { endpoint: 'https://otlp.example.com' })], processors: [CollectorProcessor.memoryLimiter(), CollectorProcessor.batch()] });
    expect(one(https.objects, 'NetworkPolicy', 'otel-collector-egress').spec.egress.slice(1)).toEqual([{ to: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports: [{ protocol: 'TCP', port: 443 }] }]);
    // In a namespace declared elsewhere, no second default-deny.
    const shared = render({ exporters: [tempo()], createNamespace: false, namespace: 'observability' });
    expect(ofKind(shared.objects, 'NetworkPolicy').map((p) => p.metadata.name)).toEqual(['otel-collector-ingress', 'otel-collector-egress']);
  });

  test('as an OpenTelemetryCollector resource: the operator gets the same checked config, our service account and no NetworkPolicy of its own', () => {
    const { collector, objects } = render({ exporters: [tempo()], deploymentMethod: CollectorDeploymentMethod.OPERATOR });
    const cr = one(objects, 'OpenTelemetryCollector', 'otel-collector');
    expect(cr.apiVersion).toBe('opentelemetry.io/v1beta1');
    expect(cr.spec).toMatchObject({ mode: 'deployment', replicas: 2, serviceAccount: 'otel-collector', networkPolicy: { enabled: false } });
    expect(cr.spec.image).toBe(imageRef(OBSERVABILITY_IMAGES.otelCollectorContrib));
    expectConsistent(cr.spec.config);
    expect(cr.spec.securityContext).toMatchObject({ readOnlyRootFilesystem: true, runAsNonRoot: true });
    expect(ofKind(objects, 'Deployment')).toHaveLength(0);
    expect(collector.otlpHttpEndpoint).toBe('http://otel-collector-collector.observability.svc:4318');
    expect(collector.metricsEndpoint.selector).toEqual({ 'app.kubernetes.io/instance': 'observability.otel-collector', 'operator.opentelemetry.io/collector-service-type': 'monitoring' });
    expect(collector.metricsEndpoint.portName).toBe('monitoring');
  });

  describe('errors', () => {
    test('a pipeline naming an undefined exporter', () => {
      const undefinedExporter = CollectorExporter.otlp('jaeger', { endpoint: 'jaeger:4317' });
      expect(() => render({
        exporters: [tempo()],
        pipelines: [new CollectorPipeline({ signal: TelemetrySignal.TRACES, receivers: [CollectorReceiver.otlp()], exporters: [undefinedExporter] })],
      })).toThrow('invalid pipelines.traces.exporters = "otlp_grpc/jaeger": pipeline traces names exporter otlp_grpc/jaeger, which the collector does not define. '
        + 'Fix: add the exporter to the collector\'s exporters (defined: otlp_grpc/tempo).');
    });

    test('two receivers on one port', () => {
      expect(() => render({ exporters: [tempo()], receivers: [CollectorReceiver.otlp({ name: 'second' })] }))
        .toThrow('invalid ports = 4317: port 4317 is used by receiver otlp and receiver otlp/second. Fix: give each receiver, exporter and extension its own port.');
    });

    test('a pipeline without receivers', () => {
      const empty = new CollectorPipeline({ signal: TelemetrySignal.TRACES, receivers: [], exporters: [tempo()] });
      expect(() => render({ exporters: [tempo()], pipelines: [empty] }))
        .toThrow('invalid pipelines.traces.receivers = []: pipeline traces has no receivers');
    });

    test('no pipeline at all', () => {
      expect(() => render({})).toThrow('invalid pipelines = []: the collector has no pipeline');
    });

    test('an exporter in a pipeline of a signal it does not handle', () => {
      const xray = CollectorExporter.awsXray({ region: 'us-west-2' });
      expect(() => render({
        exporters: [xray],
        awsIdentity: identity,
        pipelines: [new CollectorPipeline({ signal: TelemetrySignal.METRICS, receivers: [CollectorReceiver.otlp()], exporters: [xray] })],
      })).toThrow('exporter awsxray does not handle metrics (only traces)');
    });

    test('two different components with one name', () => {
      expect(() => render({ exporters: [tempo(), tempo()] })).toThrow('invalid exporters = "otlp_grpc/tempo": two different exporters are named otlp_grpc/tempo');
    });

    test('two ports with one name', () => {
      expect(() => render({
        exporters: [tempo()],
        receivers: [CollectorReceiver.webhookEvent({ name: 'model-a-1', port: 8088 }), CollectorReceiver.webhookEvent({ name: 'model-a-1', port: 8090 })],
      })).toThrow('port name wh-model-a-1 is used twice');
    });

    test('an AWS exporter without an AWS identity', () => {
      expect(() => render({ exporters: [CollectorExporter.awsXray({ region: 'us-west-2' })] }))
        .toThrow('invalid exporters = "awsxray": exporter awsxray calls AWS, but the collector has no AWS workload identity');
    });

    test('an AWS identity of another namespace', () => {
      expect(() => render({ exporters: [tempo()], awsIdentity: { ...identity, namespace: 'monitoring' } }))
        .toThrow('invalid awsIdentity.namespace = "monitoring": the identity is for namespace monitoring, the collector runs in observability');
    });

    test('a VPC block that is not a CIDR', () => {
      expect(() => render({ exporters: [tempo()], vpcCidr: 'vpc' })).toThrow('invalid vpcCidr = "vpc": not an IPv4 CIDR block');
    });
    test('an egress port that is not a port', () => {
      const { collector } = render();
      expect(() => collector.allowEgressTo(collector.workloads(), 70000)).toThrow('invalid port = 70000: not a TCP port');
    });
    test('replicas and memory', () => {
      expect(() => render({ exporters: [tempo()], replicas: 0 })).toThrow('invalid replicas = 0: not a positive whole number');
      expect(() => render({ exporters: [tempo()], memoryLimitMiB: 64 })).toThrow('invalid memoryLimitMiB = 64: below the 128 MiB the collector needs to start');
    });

    test('urlOf a receiver the collector does not have', () => {
      const { collector } = render();
      expect(() => collector.urlOf(CollectorReceiver.webhookEvent({ name: 'x', port: 9000 })))
        .toThrow('invalid receiver = "webhookevent/x": not a listening receiver of this collector');
    });

    test('hand-written configs: undefined processor, extension and an unknown signal', () => {
      const problems = new ProblemCollector();
      checkCollectorConfig('cfg', {
        receivers: { otlp: { protocols: { grpc: { endpoint: '0.0.0.0:4317' } } } },
        processors: {},
        exporters: { debug: {} },
        extensions: {},
        service: {
          extensions: ['pprof'],
          pipelines: { 'traces': { receivers: ['otlp'], processors: ['batch'], exporters: ['debug'] }, 'events/x': { receivers: ['otlp'], exporters: ['debug'] } },
        },
      }, problems);
      expect(problems.problems.map((p) => p.problem)).toEqual([
        'pipeline traces names processor batch, which the collector does not define',
        '"events" is not a signal',
        'extension pprof is enabled but not defined',
      ]);
    });
  });
});

describe('collector components', () => {
  test('invalid names, ports and options', () => {
    expect(() => CollectorReceiver.otlp({ name: 'Bad Name' })).toThrow('collector otlp: invalid name = "Bad Name": not a valid component name');
    expect(() => CollectorReceiver.otlp({ grpcPort: 70000 })).toThrow('collector otlp: invalid grpcPort = 70000: not a TCP port');
    expect(() => CollectorReceiver.prometheus({ targets: [] })).toThrow('collector prometheus: invalid targets = []: nothing to scrape');
    expect(() => CollectorProcessor.memoryLimiter({ limitPercentage: 120 })).toThrow('the limit must be in (0, 100] and the spike limit in (0, limit)');
    expect(() => CollectorProcessor.keepMetricsWithPrefix('x', 'a b')).toThrow('invalid prefix = "a b": not a metric name prefix');
    expect(() => CollectorExporter.prometheus('p', { port: 9464, metricExpirationSeconds: 0 })).toThrow('invalid metricExpirationSeconds = 0: not a positive number of seconds');
    expect(() => CollectorExporter.awsS3('p', { bucket: 'b', prefix: '/payloads/', region: 'us-west-2' }))
      .toThrow('invalid prefix = "/payloads/": an empty prefix or one with a leading or trailing "/"');
  });

  test('the webhook receiver waits long enough for LLM payloads and keeps CloudEvents headers', () => {
    const r = CollectorReceiver.webhookEvent({ name: 'chat', port: 8088, headerAttributeRegex: '^Ce-' });
    expect(r.config).toEqual({
      endpoint: '0.0.0.0:8088', path: '/events', read_timeout: '10s', write_timeout: '10s', max_request_body_size: 4194304, header_attribute_regex: '^Ce-',
    });
    expect(r.ports).toEqual([{ name: 'wh-chat', port: 8088, ingest: true }]);
  });
});
