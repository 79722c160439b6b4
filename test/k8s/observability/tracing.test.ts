import { ApiObject, Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { GpuInstanceType, ModelPresets, ServedModelBackend } from '../../../lib/core';
import { InferenceService } from '../../../lib/imports/serving.kserve.io';
import { CollectorExporter, ITracingTarget, LlmService, ModelSource, NodePoolReference, TRACING_ENV, TeamNamespace, TelemetryCollector, WorkloadSelector } from '../../../lib/k8s';
import { assertValidManifests } from '../../../lib/verify/k8s';
import { gpuPoolContract, ofKind, one } from '../helpers';

function setup(): { chart: Chart; team: TeamNamespace; collector: TelemetryCollector } {
  const chart = Testing.chart();
  const team = new TeamNamespace(chart, 'team-a', { quota: { gpus: 8, cpu: 64, memoryGiB: 256 } });
  const collector = new TelemetryCollector(chart, 'otel', { exporters: [CollectorExporter.otlp('tempo', { endpoint: 'tempo:4317', insecure: true })] });
  return { chart, team, collector };
}

function deployment(chart: Chart, containers: any[] = [{ name: 'app', image: 'ghcr.io/example/chat-api:1.0.0' }]): kplus.k8s.KubeDeployment {
  return new kplus.k8s.KubeDeployment(chart, 'chat-api', {
    metadata: { name: 'chat-api', namespace: 'team-a' },
    spec: { selector: { matchLabels: { app: 'chat-api' } }, template: { metadata: { labels: { app: 'chat-api' } }, spec: { containers } } },
  });
}

function envOf(container: any): { [name: string]: any } {
  return Object.fromEntries((container.env ?? []).map((e: any) => [e.name, e.value ?? e.valueFrom]));
}

function synth(chart: Chart): any[] {
  const objects = Testing.synth(chart);
  assertValidManifests(objects, { kubernetesVersion: '1.34' });
  return objects;
}

describe('tracing wiring', () => {
  test('one call sets the OpenTelemetry and OpenLLMetry environment on every container, content off by default', () => {
    const { chart, collector } = setup();
    const d = deployment(chart, [{ name: 'app', image: 'a:1' }, { name: 'worker', image: 'w:1', env: [{ name: 'LOG_LEVEL', value: 'info' }] }]);
    collector.connect(d, { serviceName: 'chat-api', resourceAttributes: { 'deployment.environment.name': 'prod', 'team': 'a,b' } });
    const objects = synth(chart);
    const containers = one(objects, 'Deployment', 'chat-api').spec.template.spec.containers;
    for (const c of containers) {
      const env = envOf(c);
      expect(env).toMatchObject({
        OTEL_SERVICE_NAME: 'chat-api',
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://otel-collector.observability.svc:4318',
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
        TRACELOOP_BASE_URL: 'http://otel-collector.observability.svc:4318',
        TRACELOOP_TRACE_CONTENT: 'false',
        TRACELOOP_TELEMETRY: 'false',
        OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: 'false',
      });
      expect(env.OTEL_RESOURCE_ATTRIBUTES).toBe('k8s.namespace.name=$(OTEL_K8S_NAMESPACE),k8s.pod.name=$(OTEL_K8S_POD_NAME),k8s.pod.ip=$(OTEL_K8S_POD_IP),'
        + 'service.namespace=$(OTEL_K8S_NAMESPACE),deployment.environment.name=prod,team=a%2Cb');
      // Variables referenced with $(...) come first.
      const names = c.env.map((e: any) => e.name);
      expect(names.indexOf('OTEL_K8S_POD_NAME')).toBeLessThan(names.indexOf(TRACING_ENV.resourceAttributes));
      expect(env.OTEL_K8S_POD_IP).toEqual({ fieldRef: { fieldPath: 'status.podIP' } });
    }
    expect(envOf(containers[1]).LOG_LEVEL).toBe('info');
  });

  test('content is recorded only with recordPromptsAndCompletions', () => {
    const { collector } = setup();
    const env = Object.fromEntries(collector.tracingEnv({ serviceName: 'rag', recordPromptsAndCompletions: true }).map((e) => [e.name, e.value]));
    expect(env[TRACING_ENV.traceloopTraceContent]).toBe('true');
    expect(env[TRACING_ENV.genAiCaptureContent]).toBe('true');
  });

  test('connecting opens the path from the workload\'s TeamNamespace to the collector', () => {
    const { chart, collector } = setup();
    collector.connect(deployment(chart), { serviceName: 'chat-api' });
    const objects = synth(chart);
    const np = one(objects, 'NetworkPolicy', 'otel-collector-ingress');
    expect(np.spec.ingress[0].from).toEqual([{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'team-a' } }, podSelector: { matchLabels: { app: 'chat-api' } } }]);
    const egress = ofKind(objects, 'NetworkPolicy').filter((p) => p.metadata.namespace === 'team-a' && p.metadata.name.startsWith('allow-to-'));
    expect(egress).toHaveLength(2);
    expect(egress[0].spec.podSelector).toEqual({ matchLabels: { app: 'chat-api' } });
  });

  test('variables the container already sets are kept (an explicit choice wins)', () => {
    const { chart, collector } = setup();
    const d = deployment(chart, [{ name: 'app', image: 'a:1', env: [{ name: 'OTEL_SERVICE_NAME', value: 'custom' }] }]);
    collector.connect(d, { serviceName: 'chat-api' });
    const env = one(synth(chart), 'Deployment', 'chat-api').spec.template.spec.containers[0].env;
    expect(env.filter((e: any) => e.name === 'OTEL_SERVICE_NAME')).toEqual([{ name: 'OTEL_SERVICE_NAME', value: 'custom' }]);
  });

  test('only the named containers, CronJobs, InferenceServices, cdk8s-plus workloads and ITracingTargets', () => {
    const { chart, collector } = setup();
    const d = deployment(chart, [{ name: 'app', image: 'a:1' }, { name: 'proxy', image: 'p:1' }]);
    collector.connect(d, { serviceName: 'chat-api', containers: ['app'] });
    const cron = new kplus.k8s.KubeCronJob(chart, 'cron', {
      metadata: { name: 'eval', namespace: 'team-a' },
      spec: { schedule: '0 * * * *', jobTemplate: { spec: { template: { metadata: { labels: { app: 'eval' } }, spec: { restartPolicy: 'Never', containers: [{ name: 'eval', image: 'e:1' }] } } } } },
    });
    collector.connect(cron, { serviceName: 'eval' });
    const isvc = new InferenceService(chart, 'isvc', {
      metadata: { name: 'embed', namespace: 'team-a' },
      spec: { predictor: { model: { modelFormat: { name: 'huggingface' }, env: [{ name: 'X', value: '1' }] } } } as any,
    });
    collector.connect(isvc, { serviceName: 'embed' });
    const plus = new kplus.Deployment(chart, 'plus', { metadata: { namespace: 'team-a' }, containers: [{ image: 'q:1', name: 'q', securityContext: { ensureNonRoot: false } }] });
    collector.connect(plus, { serviceName: 'plus' });
    const received: any[] = [];
    const custom = new (class extends ApiObject implements ITracingTarget {
      public readonly tracingSenders = WorkloadSelector.inNamespace('team-a', { app: 'custom' });
      public addTracingEnvironment(env: any[]): void {
        received.push(...env);
      }
    })(chart, 'custom', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'custom', namespace: 'team-a' } });
    collector.connect(custom, { serviceName: 'custom' });

    const objects = synth(chart);
    const containers = one(objects, 'Deployment', 'chat-api').spec.template.spec.containers;
    expect(envOf(containers[0]).OTEL_SERVICE_NAME).toBe('chat-api');
    expect(containers[1].env).toBeUndefined();
    expect(envOf(one(objects, 'CronJob', 'eval').spec.jobTemplate.spec.template.spec.containers[0]).OTEL_SERVICE_NAME).toBe('eval');
    const model = one(objects, 'InferenceService', 'embed').spec.predictor.model;
    expect(envOf(model)).toMatchObject({ X: '1', OTEL_SERVICE_NAME: 'embed' });
    const plusDeploy = ofKind(objects, 'Deployment').find((o) => o.metadata.name !== 'chat-api' && o.metadata.namespace === 'team-a');
    expect(envOf(plusDeploy.spec.template.spec.containers[0]).OTEL_SERVICE_NAME).toBe('plus');
    expect(Object.fromEntries(received.map((e) => [e.name, e.value])).OTEL_SERVICE_NAME).toBe('custom');
    const ingressFrom = one(objects, 'NetworkPolicy', 'otel-collector-ingress').spec.ingress[0].from.map((f: any) => f.podSelector.matchLabels);
    expect(ingressFrom).toEqual([{ app: 'chat-api' }, { app: 'eval' }, { 'serving.kserve.io/inferenceservice': 'embed' }, expect.any(Object), { app: 'custom' }]);
  });

  test('an LlmService is connected through its server\'s pods', () => {
    const { chart, team, collector } = setup();
    const pool = NodePoolReference.fromContract(gpuPoolContract('gpu-a10g', GpuInstanceType.G5_2XLARGE, 4));
    const chat = new LlmService(chart, 'chat', {
      model: ModelPresets.LLAMA_3_1_8B_INSTRUCT,
      maxModelLen: 8192,
      source: ModelSource.s3('s3://cnai-test-models/llama/', { region: 'us-west-2' }),
      namespace: team,
      pool,
      backend: ServedModelBackend.VLLM,
    });
    collector.connect(chat, { serviceName: 'chat-vllm' });
    const objects = synth(chart);
    const server = ofKind(objects, 'Deployment').find((d) => d.metadata.namespace === 'team-a');
    const main = server.spec.template.spec.containers[0];
    expect(envOf(main).OTEL_SERVICE_NAME).toBe('chat-vllm');
    expect(one(objects, 'NetworkPolicy', 'otel-collector-ingress').spec.ingress[0].from[0].podSelector.matchLabels).toEqual(chat.workloads().podLabels);
  });

  describe('errors', () => {
    test('a kind without containers', () => {
      const { chart, collector } = setup();
      const cm = new kplus.k8s.KubeConfigMap(chart, 'cm', { metadata: { name: 'x', namespace: 'team-a' } });
      expect(() => collector.connect(cm, { serviceName: 'x' })).toThrow('invalid workload = "ConfigMap/x": cannot find the containers of a ConfigMap');
    });

    test('a container that the pod does not have', () => {
      const { chart, collector } = setup();
      expect(() => collector.connect(deployment(chart), { serviceName: 'x', containers: ['sidecar'] }))
        .toThrow('invalid containers = ["sidecar"]: no such container (the pod has app)');
    });

    test('not a workload', () => {
      const { chart, collector } = setup();
      expect(() => collector.connect(new Construct(chart, 'plain'), { serviceName: 'x' })).toThrow('invalid workload = "test/plain": not a workload the collector can connect');
    });

    test('a service name and an attribute key that OpenTelemetry would not accept', () => {
      const { collector } = setup();
      expect(() => collector.tracingEnv({ serviceName: 'chat api' })).toThrow('tracing: invalid serviceName = "chat api": not a service name');
      expect(() => collector.tracingEnv({ serviceName: 'chat', resourceAttributes: { 'a=b': 'c' } })).toThrow('invalid resourceAttributes.a=b = "a=b": not an attribute key');
    });
  });
});
