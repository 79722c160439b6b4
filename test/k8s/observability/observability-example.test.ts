import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Testing as CdktfTesting } from 'cdktf';
import * as YAML from 'yaml';
import { buildObservabilityAws } from '../../../examples/observability/aws';
import { OBSERVABILITY_NAMESPACE, TEAM, buildObservabilityApp, exampleContract } from '../../../examples/observability/main';
import { PAYLOAD_PREFIX } from '../../../examples/observability/spec';
import { metricNamesIn, unknownMetricsIn } from '../../../lib/k8s';
import { assertValidManifests } from '../../../lib/verify/k8s';
import { ofKind, one, synthApp } from '../helpers';

describe('example observability', () => {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cnai-observability-'));
  const app = buildObservabilityApp(outdir);
  app.synth();
  const files = fs.readdirSync(outdir).sort();
  const objects = synthApp(app);

  test('synthesizes the operators and platform, the serving chart, then the observability chart', () => {
    expect(files).toEqual(['0000-platform-operators.k8s.yaml', '0001-platform.k8s.yaml', '0002-serving.k8s.yaml', '0003-observability.k8s.yaml']);
  });

  test('its entire output is schema-valid (core kinds at Kubernetes 1.34, custom kinds against the pinned CRDs)', () => {
    const report = assertValidManifests(files.map((f) => ({ file: path.join(outdir, f) })), { kubernetesVersion: '1.34' });
    expect(report.objectsChecked).toBe(objects.length);
    expect(report.objectsPerKind).toMatchObject({
      'monitoring.coreos.com/v1/PrometheusRule': 3,
      'monitoring.coreos.com/v1/ServiceMonitor': 4,
      'monitoring.coreos.com/v1/PodMonitor': 1,
      'batch/v1/CronJob': 1,
    });
  });

  test('the collector: Tempo and X-Ray for traces, AMP for metrics, consistent pipelines, its AWS identity', () => {
    const config = YAML.parse(one(objects, 'ConfigMap', 'otel-collector-config').data['collector.yaml']);
    expect(config.service.pipelines.traces.exporters).toEqual(['awsxray']);
    expect(config.service.pipelines.metrics.exporters).toEqual(['prometheus_remote_write/amp']);
    expect(config.service.pipelines.logs).toBeUndefined();
    for (const p of Object.values<any>(config.service.pipelines)) {
      for (const kind of ['receivers', 'processors', 'exporters']) for (const id of p[kind]) expect(Object.keys(config[kind])).toContain(id);
    }
    const deploy = one(objects, 'Deployment', 'otel-collector');
    expect(deploy.metadata.namespace).toBe(OBSERVABILITY_NAMESPACE);
    expect(deploy.spec.template.spec.serviceAccountName).toBe('otel-collector');
  });

  test('traces from the chat application: tracing env on its container, content off, path to the collector open', () => {
    const c = one(objects, 'Deployment', 'chat-api').spec.template.spec.containers[0];
    const env = Object.fromEntries(c.env.map((e: any) => [e.name, e.value]));
    expect(env).toMatchObject({
      OTEL_SERVICE_NAME: 'chat-api', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://otel-collector.observability.svc:4318', TRACELOOP_TRACE_CONTENT: 'false',
    });
    expect(env.OPENAI_BASE_URL).toMatch(/^http:\/\/chat\.team-language\.svc/);
    const ingress = one(objects, 'NetworkPolicy', 'otel-collector-ingress').spec.ingress[0].from;
    expect(ingress).toContainEqual({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': TEAM } }, podSelector: { matchLabels: { app: 'chat-api' } } });
  });

  test('GPU and LLM alerts and dashboards read only known metrics; monitors are not duplicated', () => {
    for (const rule of ofKind(objects, 'PrometheusRule')) {
      for (const g of rule.spec.groups) for (const r of g.rules) expect([r.alert, unknownMetricsIn(r.expr)]).toEqual([r.alert, []]);
    }
    const alerts = one(objects, 'PrometheusRule', 'cnai-platform-alerts').spec.groups.flatMap((g: any) => g.rules.map((r: any) => r.alert));
    expect(alerts).toEqual(expect.arrayContaining(['GpuXidError', 'GpuMemoryNearFull', 'LlmRequestQueueHigh', 'LlmTimeToFirstTokenHigh', 'LlmKvCacheSaturated']));
    const dashboards = ofKind(objects, 'ConfigMap').filter((m) => m.metadata.labels?.grafana_dashboard === '1');
    expect(dashboards).toHaveLength(4);
    for (const d of dashboards) {
      const json = JSON.parse(Object.values<string>(d.data)[0]);
      for (const p of json.panels) for (const t of p.targets) expect(metricNamesIn(t.expr).length).toBeGreaterThan(0);
    }
    const monitors = [...ofKind(objects, 'ServiceMonitor'), ...ofKind(objects, 'PodMonitor')].map((m) => `${m.metadata.namespace}/${m.metadata.name}`).sort();
    expect(monitors).toEqual(['nvidia-gpu/dcgm-exporter', `${OBSERVABILITY_NAMESPACE}/otel-collector`, `${OBSERVABILITY_NAMESPACE}/otel-collector-drift`, `${TEAM}/chat`, `${TEAM}/embed`]);
  });

  test('a drift monitor on the embedding model: KServe logger -> collector -> S3, a job every 6 hours, an alert', () => {
    expect(one(objects, 'InferenceService', 'embed').spec.predictor.logger).toEqual({ mode: 'all', url: 'http://otel-collector.observability.svc:8088/events' });
    const cron = one(objects, 'CronJob', 'drift-team-language-embed');
    expect(cron.spec.schedule).toMatch(/^\d+ \*\/6 \* \* \*$/);
    const env = Object.fromEntries(cron.spec.jobTemplate.spec.template.spec.containers[0].env.map((e: any) => [e.name, e.value]));
    expect(env).toMatchObject({ DRIFT_TEST: 'mean_cosine_distance', MODEL: 'embed', MODEL_NAMESPACE: TEAM });
    const rule = one(objects, 'PrometheusRule', 'drift-team-language-embed');
    expect(rule.spec.groups[0].rules[0].expr).toMatch(/cnai_model_drift_score\{model="embed", model_namespace="team-language"\}\) > 0\.05$/);
  });

  test('the AWS layer\'s identities: the chat server reads served/chat/, the collector writes X-Ray, payloads and AMP', () => {
    const contract = exampleContract();
    const chat = one(objects, 'Deployment', 'chat').spec.template.spec;
    expect(chat.containers[0].args[0]).toBe(`s3://${contract.buckets.models}/served/chat/`);
    expect(contract.workloadIdentities).toContainEqual({ namespace: TEAM, serviceAccount: chat.serviceAccountName, roleName: 'cnai-dev-serve-chat' });
    expect(contract.workloadIdentities).toContainEqual(expect.objectContaining({ namespace: OBSERVABILITY_NAMESPACE, serviceAccount: 'otel-collector' }));
    const stack = JSON.parse(CdktfTesting.synth(buildObservabilityAws(CdktfTesting.app())));
    const [, permissions] = Object.entries<any>(stack.data.aws_iam_policy_document).find(([id]) => id.startsWith('cluster_telemetry-collector_permissions'))!;
    const actions = permissions.statement.flatMap((st: any) => st.actions);
    expect(actions).toEqual(expect.arrayContaining(['xray:PutTraceSegments', 's3:PutObject', 'aps:RemoteWrite']));
    const writes = permissions.statement.filter((st: any) => st.actions.includes('s3:PutObject')).flatMap((st: any) => st.resources);
    expect(writes).toEqual([expect.stringMatching(new RegExp(`/${PAYLOAD_PREFIX}\\*$`))]);
  });
});
