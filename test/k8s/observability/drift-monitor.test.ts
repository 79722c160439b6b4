import { execFile, execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import * as os from 'os';
import * as path from 'path';
import { gzipSync } from 'zlib';
import { Chart, Duration, Testing } from 'cdk8s';
import * as YAML from 'yaml';
import { DATA_SERVICE_IMAGES, DRIFT_METRICS, GpuInstanceType, ModelPresets, OBSERVABILITY_IMAGES, imageRef, ServedModelBackend, ServedModelTask } from '../../../lib/core';
import { InferenceService } from '../../../lib/imports/serving.kserve.io';
import { CollectorDeploymentMethod, CollectorExporter, DRIFT_FETCH_SCRIPT, DRIFT_PYTHON_PROGRAM, DriftFeature, DriftMonitor, DriftMonitorProps, DriftReference, DriftTest, LlmService, MetricsScraping, ModelSource, NodePoolReference, PayloadSource, TeamNamespace, TelemetryCollector, metricNamesIn, unknownMetricsIn } from '../../../lib/k8s';
import { assertValidManifests } from '../../../lib/verify/k8s';
import { gpuPoolContract, ofKind, one } from '../helpers';

const identity = { namespace: 'observability', serviceAccount: 'otel-collector', roleName: 'cnai-test-otel-collector' };

interface Setup {
  readonly chart: Chart;
  readonly team: TeamNamespace;
  readonly collector: TelemetryCollector;
  readonly scraping: MetricsScraping;
  readonly isvc: InferenceService;
}

function setup(method = CollectorDeploymentMethod.DEPLOYMENT): Setup {
  const chart = Testing.chart();
  const team = new TeamNamespace(chart, 'team-a', { quota: { gpus: 8, cpu: 64, memoryGiB: 256 } });
  const collector = new TelemetryCollector(chart, 'otel', {
    exporters: [CollectorExporter.otlp('tempo', { endpoint: 'tempo:4317', insecure: true })], awsIdentity: identity, deploymentMethod: method,
  });
  const scraping = new MetricsScraping(chart, 'scraping');
  const isvc = new InferenceService(chart, 'isvc', {
    metadata: { name: 'chat', namespace: 'team-a' },
    spec: { predictor: { model: { modelFormat: { name: 'huggingface' } } } } as any,
  });
  return { chart, team, collector, scraping, isvc };
}

function monitor(s: Setup, props: Partial<DriftMonitorProps> = {}, id = 'drift'): DriftMonitor {
  return new DriftMonitor(s.chart, id, {
    source: PayloadSource.kserve(s.isvc),
    collector: s.collector,
    scraping: s.scraping,
    bucket: 'cnai-test-datasets',
    region: 'us-west-2',
    features: [DriftFeature.PROMPT_TOKENS, DriftFeature.COMPLETION_TOKENS],
    ...props,
  });
}

function synth(chart: Chart): any[] {
  const objects = Testing.synth(chart);
  assertValidManifests(objects, { kubernetesVersion: '1.34' });
  return objects;
}

describe('DriftMonitor', () => {
  test('payloads flow from the KServe logger through the collector to S3 in hourly partitions', () => {
    const s = setup();
    const drift = monitor(s);
    const objects = synth(s.chart);
    expect(drift.payloadLogUrl).toBe('http://otel-collector.observability.svc:8088/events');
    expect(one(objects, 'InferenceService', 'chat').spec.predictor.logger).toEqual({ mode: 'all', url: drift.payloadLogUrl });
    const config = YAML.parse(one(objects, 'ConfigMap', 'otel-collector-config').data['collector.yaml']);
    expect(config.receivers['webhookevent/team-a-chat']).toMatchObject({ endpoint: '0.0.0.0:8088', path: '/events', header_attribute_regex: '^Ce-' });
    expect(config.exporters['awss3/team-a-chat']).toEqual({
      s3uploader: { region: 'us-west-2', s3_bucket: 'cnai-test-datasets', s3_prefix: 'payloads/team-a/chat', s3_partition_format: 'year=%Y/month=%m/day=%d/hour=%H', compression: 'gzip' },
      marshaler: 'otlp_json',
    });
    expect(config.service.pipelines['logs/team-a-chat']).toEqual({ receivers: ['webhookevent/team-a-chat'], processors: ['memory_limiter', 'batch'], exporters: ['awss3/team-a-chat'] });
    // Payloads stay out of the main logs pipeline (and out of the tracing backend).
    expect(config.service.pipelines.logs.receivers).toEqual(['otlp']);
    // The predictor pods may post to the collector; the team's egress is opened.
    const np = one(objects, 'NetworkPolicy', 'otel-collector-ingress');
    expect(np.spec.ingress[0].from[0]).toEqual({
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'team-a' } }, podSelector: { matchLabels: { 'serving.kserve.io/inferenceservice': 'chat' } },
    });
    expect(np.spec.ingress[0].ports.map((p: any) => p.port)).toContain(8088);
    expect(ofKind(objects, 'NetworkPolicy').some((p) => p.metadata.namespace === 'team-a' && p.spec.egress?.[0]?.ports?.[0]?.port === 8088)).toBe(true);
  });

  test('the drift score reaches Prometheus: OTLP -> filter -> Prometheus exporter, scraped through MetricsScraping', () => {
    const s = setup();
    monitor(s, { interval: Duration.hours(12), window: Duration.hours(24) });
    const objects = synth(s.chart);
    const config = YAML.parse(one(objects, 'ConfigMap', 'otel-collector-config').data['collector.yaml']);
    expect(config.service.pipelines['metrics/drift']).toEqual({ receivers: ['otlp'], processors: ['memory_limiter', 'filter/drift', 'batch'], exporters: ['prometheus/drift'] });
    expect(config.processors['filter/drift']).toEqual({ error_mode: 'ignore', metrics: { metric: ['not IsMatch(name, "^cnai_model_drift_")'] } });
    // A gauge survives two intervals between runs.
    expect(config.exporters['prometheus/drift']).toMatchObject({ endpoint: '0.0.0.0:8889', metric_expiration: '86400s' });
    const sm = one(objects, 'ServiceMonitor', 'otel-collector-drift');
    expect(sm.spec.endpoints[0].port).toBe('prom-drift');
    expect(one(objects, 'Service', 'otel-collector').spec.ports.map((p: any) => p.name)).toContain('prom-drift');
    for (const m of Object.values(DRIFT_METRICS)) expect(DRIFT_PYTHON_PROGRAM).toContain(`"${m.name}"`);
  });

  test('the job: schedule, windows, test and features in its environment, restricted, reading S3 with the collector\'s identity', () => {
    const s = setup();
    const drift = monitor(s, { test: DriftTest.KOLMOGOROV_SMIRNOV, threshold: 0.15, interval: Duration.hours(6), window: Duration.hours(12) });
    const objects = synth(s.chart);
    const cron = one(objects, 'CronJob', 'drift-team-a-chat');
    expect(cron.metadata.namespace).toBe('observability');
    expect(cron.spec.schedule).toBe(drift.schedule);
    expect(drift.schedule).toMatch(/^\d{1,2} \*\/6 \* \* \*$/);
    expect(cron.spec.concurrencyPolicy).toBe('Forbid');
    const pod = cron.spec.jobTemplate.spec.template.spec;
    expect(pod.serviceAccountName).toBe('otel-collector');
    const [fetch] = pod.initContainers;
    const [job] = pod.containers;
    expect(fetch.image).toBe(imageRef(DATA_SERVICE_IMAGES.awsCli));
    expect(job.image).toBe(imageRef(OBSERVABILITY_IMAGES.python));
    const env = (c: any) => Object.fromEntries(c.env.map((e: any) => [e.name, e.value]));
    expect(env(fetch)).toMatchObject({ BUCKET: 'cnai-test-datasets', PREFIX: 'payloads/team-a/chat', WINDOW_HOURS: '12', REFERENCE_MODE: 'trailing', REFERENCE_OFFSET_HOURS: '168' });
    expect(env(job)).toMatchObject({ MODEL: 'chat', MODEL_NAMESPACE: 'team-a', DRIFT_TEST: 'ks', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://otel-collector.observability.svc:4318' });
    expect(JSON.parse(env(job).FEATURES)).toEqual([
      { name: 'prompt_tokens', path: 'usage.prompt_tokens', side: 'response', kind: 'numeric', transform: 'value' },
      { name: 'completion_tokens', path: 'usage.completion_tokens', side: 'response', kind: 'numeric', transform: 'value' },
    ]);
    for (const c of [fetch, job]) {
      expect(c.securityContext).toMatchObject({ runAsNonRoot: true, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false });
    }
    const scripts = one(objects, 'ConfigMap', 'drift-team-a-chat');
    expect(Object.keys(scripts.data).sort()).toEqual(['drift.py', 'fetch.sh']);
  });

  test('the job\'s way out of its default-deny namespace: DNS, its AWS credentials, S3 and OTLP to the collector, nothing in', () => {
    const s = setup();
    const drift = monitor(s);
    const objects = synth(s.chart);
    const np = one(objects, 'NetworkPolicy', 'drift-team-a-chat');
    expect(np.metadata.namespace).toBe('observability');
    const jobLabels = { 'app.kubernetes.io/name': 'drift-monitor', 'app.kubernetes.io/instance': 'team-a-chat' };
    expect(np.spec).toEqual({
      podSelector: { matchLabels: jobLabels },
      policyTypes: ['Ingress', 'Egress'],
      egress: [
        {
          to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
          ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }],
        },
        { to: [{ ipBlock: { cidr: '169.254.170.23/32' } }, { ipBlock: { cidr: 'fd00:ec2::23/128' } }], ports: [{ protocol: 'TCP', port: 80 }] },
        { to: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports: [{ protocol: 'TCP', port: 443 }] },
        {
          to: [{
            namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'observability' } },
            podSelector: { matchLabels: { 'app.kubernetes.io/name': 'otel-collector', 'app.kubernetes.io/component': 'opentelemetry-collector' } },
          }],
          ports: [{ protocol: 'TCP', port: 4317 }, { protocol: 'TCP', port: 4318 }],
        },
      ],
    });
    expect(one(objects, 'CronJob', 'drift-team-a-chat').spec.jobTemplate.spec.template.metadata.labels).toEqual(jobLabels);
    expect(drift.networkPolicy.name).toBe('drift-team-a-chat');
    // The collector admits the job on its OTLP ports.
    const ingress = one(objects, 'NetworkPolicy', 'otel-collector-ingress').spec.ingress[0];
    expect(ingress.from).toContainEqual({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'observability' } }, podSelector: { matchLabels: jobLabels } });
    // Its PrometheusRule goes where the metrics backend evaluates rules.
    expect(one(objects, 'PrometheusRule', 'drift-team-a-chat').metadata.namespace).toBe('monitoring');
  });

  test('alerts: drift above the threshold and a job that stopped reporting, over known metrics', () => {
    const s = setup();
    monitor(s, { threshold: 0.25 });
    const rule = one(synth(s.chart), 'PrometheusRule', 'drift-team-a-chat');
    const [detected, stale] = rule.spec.groups[0].rules;
    expect(detected.expr).toBe('max by (model, model_namespace, feature, test) (cnai_model_drift_score{model="chat", model_namespace="team-a"}) > 0.25');
    expect(stale.alert).toBe('ModelDriftCheckNotRunning');
    for (const r of [detected, stale]) {
      expect(metricNamesIn(r.expr).length).toBeGreaterThan(0);
      expect(unknownMetricsIn(r.expr)).toEqual([]);
    }
  });

  test('defaults: PSI at 0.2 for numbers, mean cosine distance at 0.05 for embeddings, 24 h window every 6 h against the same window a week before', () => {
    const s = setup();
    const numeric = monitor(s);
    const ref = numeric.reference;
    expect([numeric.test, numeric.threshold, numeric.window.toHours(), numeric.interval.toHours(), ref.mode, ref.offset!.toHours()])
      .toEqual([DriftTest.PSI, 0.2, 24, 6, 'trailing', 168]);
    const isvc2 = new InferenceService(s.chart, 'isvc2', { metadata: { name: 'embed', namespace: 'team-a' }, spec: { predictor: { model: { modelFormat: { name: 'huggingface' } } } } as any });
    const emb = monitor(s, { source: PayloadSource.kserve(isvc2), features: [DriftFeature.RESPONSE_EMBEDDINGS] }, 'drift2');
    expect([emb.test, emb.threshold]).toEqual([DriftTest.MEAN_COSINE_DISTANCE, 0.05]);
    // Two monitors: two payload receivers on their own ports, one drift exporter.
    const config = s.collector.renderConfig();
    expect(Object.keys(config.receivers)).toEqual(['otlp', 'webhookevent/team-a-chat', 'webhookevent/team-a-embed']);
    expect(config.receivers['webhookevent/team-a-embed'].endpoint).toBe('0.0.0.0:8089');
    expect(Object.keys(config.exporters).filter((e) => e.startsWith('prometheus'))).toEqual(['prometheus/drift']);
    synth(s.chart);
  });

  test('an LlmService with the KServe backend, a fixed reference and the logger sidecar for other servers', () => {
    const s = setup();
    const pool = NodePoolReference.fromContract(gpuPoolContract('gpu-a10g', GpuInstanceType.G5_2XLARGE, 4));
    const embed = new LlmService(s.chart, 'embed', {
      model: ModelPresets.BGE_LARGE_EN_V1_5,
      source: ModelSource.s3('s3://cnai-test-models/bge/', { region: 'us-west-2' }),
      namespace: s.team,
      pool,
      backend: ServedModelBackend.KSERVE,
      task: ServedModelTask.EMBED,
    });
    const drift = monitor(s, {
      source: PayloadSource.kserve(embed),
      features: [DriftFeature.RESPONSE_EMBEDDINGS],
      test: DriftTest.MMD,
      reference: DriftReference.fixed('s3://cnai-test-datasets/reference/embed-eval'),
    });
    const objects = synth(s.chart);
    const isvc = ofKind(objects, 'InferenceService').find((o) => o.metadata.name === 'embed');
    expect(isvc.spec.predictor.logger.url).toBe(drift.payloadLogUrl);
    const fetch = one(objects, 'CronJob', 'drift-team-a-embed').spec.jobTemplate.spec.template.spec.initContainers[0];
    expect(fetch.env.find((e: any) => e.name === 'REFERENCE_URI').value).toBe('s3://cnai-test-datasets/reference/embed-eval');
    const sidecar = drift.payloadLoggerSidecar(8000);
    expect(sidecar.image).toBe(imageRef(OBSERVABILITY_IMAGES.kserveAgent));
    expect(sidecar.args).toEqual(expect.arrayContaining(['--port=9081', '--component-port=8000', `--log-url=${drift.payloadLogUrl}`, '--log-mode=all']));
    expect(JSON.parse(sidecar.env![0].value!)).toEqual({ tcpSocket: { port: 8000 }, timeoutSeconds: 1, periodSeconds: 10, failureThreshold: 3 });
  });

  describe('errors', () => {
    test('a window shorter than its schedule interval', () => {
      expect(() => monitor(setup(), { window: Duration.hours(2), interval: Duration.hours(6) }))
        .toThrow('test/drift: invalid window = "2h": the window is shorter than the 6h interval, so payloads between runs would never be examined. Fix: make the window at least 6h, or run the job more often.');
    });
    test('a threshold out of range', () => {
      expect(() => monitor(setup(), { test: DriftTest.KOLMOGOROV_SMIRNOV, threshold: 1.5 })).toThrow('invalid threshold = 1.5: a ks score lies in (0, 1]');
    });
    test('a test that does not apply to the features', () => {
      expect(() => monitor(setup(), { test: DriftTest.MMD })).toThrow('invalid test = "mmd": mmd does not apply to numeric features');
      expect(() => monitor(setup(), { features: [DriftFeature.PROMPT_TOKENS, DriftFeature.RESPONSE_EMBEDDINGS] })).toThrow('does not apply to numeric and embedding features');
    });
    test('a window or offset that is not whole hours', () => {
      expect(() => monitor(setup(), { window: Duration.minutes(90), interval: Duration.hours(1) })).toThrow('invalid window = "5400s": payload logs are partitioned by hour');
    });
    test('an interval no cron schedule can run at', () => {
      expect(() => monitor(setup(), { interval: Duration.hours(5) })).toThrow('invalid interval = "18000s": a cron schedule cannot run at this interval');
    });
    test('a reference window overlapping the recent one', () => {
      expect(() => monitor(setup(), { reference: DriftReference.trailingWindow(Duration.hours(12)) }))
        .toThrow('invalid reference.offset = "12h": the reference window overlaps the recent window');
    });
    test('no features, two features with one name, too few samples', () => {
      expect(() => monitor(setup(), { features: [] })).toThrow('invalid features = []: nothing to compare');
      expect(() => monitor(setup(), { features: [DriftFeature.PROMPT_TOKENS, DriftFeature.PROMPT_TOKENS] })).toThrow('invalid features = "prompt_tokens": two features have this name');
      expect(() => monitor(setup(), { minSamples: 3 })).toThrow('invalid minSamples = 3: too few samples make any score noise');
    });
    test('a job identity of another namespace', () => {
      expect(() => monitor(setup(), { jobIdentity: { ...identity, namespace: 'team-a' } })).toThrow('invalid jobIdentity.namespace = "team-a": the job runs in the collector\'s namespace observability');
    });
    test('a collector run by the operator', () => {
      expect(() => monitor(setup(CollectorDeploymentMethod.OPERATOR))).toThrow('the collector is run by the OpenTelemetry operator, which names the ports of the payload receiver itself');
    });
    test('a source that is not a KServe InferenceService', () => {
      const s = setup();
      expect(() => PayloadSource.kserve(s.team)).toThrow('invalid source = "test/team-a": not a KServe InferenceService (an LlmService with the vLLM backend has no payload logger)');
    });
    test('an InferenceService without a namespace', () => {
      const s = setup();
      const isvc = new InferenceService(s.chart, 'bare', { metadata: { name: 'bare' }, spec: { predictor: {} } as any });
      expect(() => PayloadSource.kserve(isvc)).toThrow('invalid source.metadata.namespace = undefined: the InferenceService has no namespace');
    });
    test('bad feature names and paths, a bad reference URI', () => {
      expect(() => DriftFeature.number('Prompt Tokens', 'usage.prompt_tokens')).toThrow('invalid name = "Prompt Tokens": not a feature name');
      expect(() => DriftFeature.number('x', 'usage..x')).toThrow('invalid path = "usage..x": not a payload path');
      expect(() => DriftReference.fixed('bucket/prefix')).toThrow('invalid s3Uri = "bucket/prefix": not an S3 URI');
    });
  });
});

describe('drift job programs', () => {
  test('the fetch script is valid bash', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'drift-'));
    fs.writeFileSync(path.join(dir, 'fetch.sh'), DRIFT_FETCH_SCRIPT);
    expect(spawnSync('bash', ['-n', path.join(dir, 'fetch.sh')]).status).toBe(0);
  });

  // The program uses the standard library only; the test needs a python3 (it fails, saying so, without one).
  const python = spawnSync('python3', ['--version']).status === 0 ? 'python3' : undefined;
  test('the Python program scores drift from OTLP payload logs and pushes OTLP metrics', async () => {
    if (!python) throw new Error('python3 is not installed: install Python 3 (e.g. `apt-get install python3`) to run the drift program\'s test');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'drift-'));
    const rand = mulberry32(1);
    const gauss = (m: number, s: number) => m + s * Math.sqrt(-2 * Math.log(rand() || 1e-9)) * Math.cos(2 * Math.PI * rand());
    const write = (window: string, shift: number) => {
      const records = [];
      for (let i = 0; i < 400; i++) {
        const body = { usage: { prompt_tokens: Math.round(Math.abs(gauss(100 + 40 * shift, 20))), completion_tokens: 50 } };
        records.push({ body: { stringValue: JSON.stringify(body) }, attributes: [{ key: 'header.Ce-Type', value: { stringValue: 'org.kubeflow.serving.inference.response' } }] });
        records.push({ body: { stringValue: 'not json' }, attributes: [] });
      }
      const doc = { resourceLogs: [{ resource: {}, scopeLogs: [{ scope: {}, logRecords: records }] }] };
      const part = path.join(dir, window, 'year=2026/month=11/day=27/hour=10');
      fs.mkdirSync(part, { recursive: true });
      fs.writeFileSync(path.join(part, 'logs_1.json.gz'), gzipSync(JSON.stringify(doc)));
    };
    write('reference', 0);
    write('recent', 1);
    fs.writeFileSync(path.join(dir, 'drift.py'), DRIFT_PYTHON_PROGRAM.split('"/data/').join(`"${dir}/`));
    const received: any[] = [];
    const server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => body += c);
      req.on('end', () => {
        received.push({ url: req.url, type: req.headers['content-type'], body: JSON.parse(body) });
        res.end('{}');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const port = (server.address() as any).port;
    try {
      const out = await new Promise<string>((resolve, reject) => {
        execFile(python!, [path.join(dir, 'drift.py')], {
          env: {
            ...process.env,
            MODEL: 'chat',
            MODEL_NAMESPACE: 'team-a',
            DRIFT_TEST: 'psi',
            MIN_SAMPLES: '100',
            FEATURES: JSON.stringify([{ name: 'prompt_tokens', path: 'usage.prompt_tokens', side: 'response', kind: 'numeric', transform: 'value' }]),
            OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`,
          },
        }, (err: any, stdout: string, stderr: string) => (err ? reject(new Error(stderr)) : resolve(stdout)));
      });
      expect(out).toMatch(/prompt_tokens: psi = \d+\.\d+ \(reference 400, recent 400\)/);
    } finally {
      server.close();
    }
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({ url: '/v1/metrics', type: 'application/json' });
    const metrics = received[0].body.resourceMetrics[0].scopeMetrics[0].metrics;
    expect(metrics.map((m: any) => m.name)).toEqual([DRIFT_METRICS.score.name, DRIFT_METRICS.samples.name, DRIFT_METRICS.lastRun.name]);
    const score = metrics[0].gauge.dataPoints[0];
    expect(score.asDouble).toBeGreaterThan(0.2);
    expect(Object.fromEntries(score.attributes.map((a: any) => [a.key, a.value.stringValue]))).toEqual({ model: 'chat', model_namespace: 'team-a', feature: 'prompt_tokens', test: 'psi' });
    execFileSync(python!, ['-c', 'import ast,sys; ast.parse(open(sys.argv[1]).read())', path.join(dir, 'drift.py')]);
  });
});

/* eslint-disable no-bitwise */
/** A small seeded random generator, so the synthetic payloads are the same on every run. */
function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
/* eslint-enable no-bitwise */

describe('DriftFeature.lengthOf', () => {
  test('lengths at a path, of the request by default', () => {
    const f = DriftFeature.lengthOf('prompt_chars', 'messages[*].content');
    expect([f.name, f.path, f.side, f.kind, f.transform]).toEqual(['prompt_chars', 'messages[*].content', 'request', 'numeric', 'length']);
  });
});
