import { buildPlatformModel } from '../../../lib/verify';
import { PlatformModel } from '../../../lib/verify/platform/model';

function model(yaml: string): PlatformModel {
  return buildPlatformModel([{ file: 'out.yaml', content: yaml }], []);
}
const group = (m: PlatformModel, id: string) => m.podGroups.find((g) => g.id === id)!;
const service = (m: PlatformModel, ns: string, name: string) => {
  const s = m.services.find((x) => x.namespace === ns && x.name === name);
  return s && { selector: s.selector, headless: s.headless, ports: s.ports.map((p) => `${p.name ?? ''}:${p.port}→${p.targetPort}/${p.protocol}`) };
};
const ports = (m: PlatformModel, id: string) => group(m, id).ports.map((p) => `${p.name ?? ''}:${p.port}/${p.protocol}`);

describe('KServe InferenceService (Standard mode, v0.20.0)', () => {
  const isvc = (predictor: string) => model(`apiVersion: serving.kserve.io/v1beta1
kind: InferenceService
metadata: { name: embed, namespace: ai, labels: { team: ai } }
spec:
  predictor:
${predictor}`);

  test('pods labelled for the predictor, the <name>-predictor Service on port 80 to the first container port', () => {
    const m = isvc(`    serviceAccountName: embed
    labels: { tier: serving }
    model:
      modelFormat: { name: huggingface }
      ports: [{ name: http, containerPort: 8080, protocol: TCP }, { name: grpc, containerPort: 8081, protocol: TCP }]`);
    const g = group(m, 'InferenceService ai/embed');
    expect(g.labels).toEqual({ 'team': 'ai', 'tier': 'serving', 'serving.kserve.io/inferenceservice': 'embed', 'component': 'predictor', 'app': 'isvc.embed-predictor' });
    expect(g.serviceAccount).toBe('embed');
    expect(ports(m, 'InferenceService ai/embed')).toEqual(['http:8080/TCP', 'grpc:8081/TCP']);
    expect(service(m, 'ai', 'embed-predictor')).toEqual({ selector: { app: 'isvc.embed-predictor' }, headless: false, ports: ['http:80→8080/TCP', 'grpc:8081→8081/TCP'] });
    expect(m.objects.some((o) => o.object.kind === 'Deployment' && o.object.metadata.name === 'embed-predictor' && o.origin.providedBy === 'KServe (InferenceService ai/embed)')).toBe(true);
  });

  test('a logger sends the Service to the agent port 9081; no container port means 8080', () => {
    const m = isvc(`    logger: { mode: all, url: "http://collector.obs.svc:8088" }
    model:
      modelFormat: { name: sklearn }`);
    expect(ports(m, 'InferenceService ai/embed')).toEqual([':8080/TCP', 'agent-port:9081/TCP']);
    expect(service(m, 'ai', 'embed-predictor')!.ports).toEqual(['embed-predictor:80→9081/TCP']);
  });
});

describe('OpenTelemetryCollector (operator v0.158.0)', () => {
  const m = model(`apiVersion: opentelemetry.io/v1beta1
kind: OpenTelemetryCollector
metadata: { name: traces, namespace: obs }
spec:
  env: [{ name: GOMEMLIMIT, value: 800MiB }]
  config:
    receivers:
      otlp: { protocols: { grpc: {}, http: { endpoint: "0.0.0.0:4318" } } }
      webhookevent/ai-apps-embed: { endpoint: "0.0.0.0:8088" }
      zipkin: {}
      jaeger: { protocols: { grpc: {} } }
    exporters:
      otlp: { endpoint: "tempo.obs.svc:4317" }
      prometheus/drift: { endpoint: "0.0.0.0:8889" }
    extensions:
      health_check: { endpoint: "0.0.0.0:13133" }
    service:
      extensions: [health_check]
      pipelines:
        traces: { receivers: [otlp, webhookevent/ai-apps-embed], exporters: [otlp] }
        metrics: { receivers: [otlp], exporters: [prometheus/drift] }
`);

  test('the <name>-collector Services with the ports of the enabled receivers and exporters, sorted by name (names over 15 characters become port-<n>)', () => {
    const selector = {
      'app.kubernetes.io/managed-by': 'opentelemetry-operator',
      'app.kubernetes.io/instance': 'obs.traces',
      'app.kubernetes.io/part-of': 'opentelemetry',
      'app.kubernetes.io/component': 'opentelemetry-collector',
    };
    const expected = ['otlp-grpc:4317→4317/TCP', 'otlp-http:4318→4318/TCP', 'port-8088:8088→8088/TCP', 'port-8889:8889→8889/TCP'];
    expect(service(m, 'obs', 'traces-collector')).toEqual({ selector, headless: false, ports: expected });
    expect(service(m, 'obs', 'traces-collector-headless')).toEqual({ selector, headless: true, ports: expected });
    expect(service(m, 'obs', 'traces-collector-monitoring')).toEqual({ selector, headless: false, ports: ['monitoring:8888→8888/TCP'] });
  });

  test('pods with the selector labels, the name label, container ports with extensions and metrics, and the operator\'s ServiceAccount', () => {
    const g = group(m, 'OpenTelemetryCollector obs/traces');
    expect(g.labels['app.kubernetes.io/name']).toBe('traces-collector');
    expect(g.serviceAccount).toBe('traces-collector');
    expect(ports(m, 'OpenTelemetryCollector obs/traces')).toEqual(['otlp-grpc:4317/TCP', 'otlp-http:4318/TCP', 'port-8088:8088/TCP', 'port-8889:8889/TCP', 'health-check:13133/TCP', 'metrics:8888/TCP']);
    expect(m.objects.some((o) => o.object.kind === 'ServiceAccount' && o.object.metadata.name === 'traces-collector')).toBe(true);
  });

  test('its exporters are connections from the collector', () => {
    const refs = m.references.filter((r) => r.from === 'OpenTelemetryCollector obs/traces' && r.kind === 'Service');
    expect(refs.map((r) => [r.path, r.namespace, r.name, r.port, r.clientPodGroup])).toEqual([
      ['spec.config.exporters.otlp.endpoint', 'obs', 'tempo', 4317, 'OpenTelemetryCollector obs/traces'],
    ]);
  });
});

describe('Kubeflow', () => {
  test('Notebook (v1.11.0): StatefulSet pods and the <name> Service on port 80 to 8888', () => {
    const m = model(`apiVersion: kubeflow.org/v1
kind: Notebook
metadata: { name: lab, namespace: team, labels: { owner: ana } }
spec:
  template:
    spec:
      serviceAccountName: default-editor
      containers: [{ name: lab, image: registry.example/jupyter:1 }]
`);
    const g = group(m, 'Notebook team/lab');
    expect([g.labels, g.serviceAccount, ports(m, 'Notebook team/lab')]).toEqual([{ 'owner': 'ana', 'statefulset': 'lab', 'notebook-name': 'lab' }, 'default-editor', ['notebook-port:8888/TCP']]);
    expect(service(m, 'team', 'lab')).toEqual({ selector: { statefulset: 'lab' }, headless: false, ports: ['http-lab:80→8888/TCP'] });
  });

  test('TrainJob (v2.3.0): JobSet pods per replicated job of its runtime, torch port, headless Service', () => {
    const m = model(`apiVersion: trainer.kubeflow.org/v1alpha1
kind: ClusterTrainingRuntime
metadata: { name: torch-distributed }
spec:
  mlPolicy: { numNodes: 1, torch: {} }
  template:
    spec:
      replicatedJobs:
        - name: node
          template:
            metadata: { labels: { trainer.kubeflow.org/trainjob-ancestor-step: trainer } }
            spec:
              template:
                spec:
                  containers: [{ name: node, image: registry.example/torch:1 }]
---
apiVersion: trainer.kubeflow.org/v1alpha1
kind: TrainJob
metadata: { name: ft, namespace: team }
spec:
  runtimeRef: { name: torch-distributed }
  trainer:
    env: [{ name: MLFLOW_TRACKING_URI, value: "http://mlflow.mlflow.svc:5000" }]
`);
    const g = group(m, 'TrainJob team/ft (node)');
    expect(g.labels).toEqual({ 'jobset.sigs.k8s.io/jobset-name': 'ft', 'jobset.sigs.k8s.io/replicatedjob-name': 'node' });
    expect(ports(m, 'TrainJob team/ft (node)')).toEqual([':29500/TCP']);
    expect(service(m, 'team', 'ft')).toEqual({ selector: { 'jobset.sigs.k8s.io/jobset-name': 'ft' }, headless: true, ports: [] });
    expect(m.references.filter((r) => r.kind === 'Service' && r.from === 'TrainJob team/ft (node)').map((r) => [r.namespace, r.name, r.port])).toEqual([['mlflow', 'mlflow', 5000]]);
  });

  test('Experiment (Katib v0.19.0): suggestion Deployment and Service, trials', () => {
    const m = model(`apiVersion: kubeflow.org/v1beta1
kind: Experiment
metadata: { name: hp, namespace: team }
spec:
  algorithm: { algorithmName: tpe }
  earlyStopping: { algorithmName: medianstop }
  trialTemplate:
    trialSpec:
      apiVersion: batch/v1
      kind: Job
      spec:
        template:
          metadata: { labels: { app: trial } }
          spec: { containers: [{ name: train, image: registry.example/train:1 }] }
`);
    const suggestion = group(m, 'Experiment team/hp (suggestion)');
    expect(suggestion.labels).toEqual({ 'katib.kubeflow.org/deployment': 'hp-tpe', 'katib.kubeflow.org/experiment': 'hp', 'katib.kubeflow.org/suggestion': 'hp', 'sidecar.istio.io/inject': 'false' });
    expect(suggestion.serviceAccount).toBe('hp-tpe');
    expect(service(m, 'team', 'hp-tpe')!.ports).toEqual(['suggestion-api:6789→6789/TCP', 'earlystop-api:6788→6788/TCP']);
    expect(group(m, 'Experiment team/hp (trials)').labels).toEqual({ 'app': 'trial', 'katib.kubeflow.org/experiment': 'hp' });
  });
});

describe('SparkApplication (Spark operator v2.5.2)', () => {
  test('driver and executor pods, the UI Service', () => {
    const m = model(`apiVersion: sparkoperator.k8s.io/v1beta2
kind: SparkApplication
metadata: { name: etl, namespace: data }
spec:
  driver: { serviceAccount: spark, labels: { team: data } }
  executor: { instances: 2 }
`);
    expect(group(m, 'SparkApplication data/etl (driver)').labels).toEqual({ 'team': 'data', 'sparkoperator.k8s.io/app-name': 'etl', 'sparkoperator.k8s.io/launched-by-spark-operator': 'true', 'spark-role': 'driver' });
    expect(group(m, 'SparkApplication data/etl (executor)').serviceAccount).toBe('spark');
    expect(service(m, 'data', 'etl-ui-svc')).toEqual({ selector: { 'sparkoperator.k8s.io/app-name': 'etl', 'spark-role': 'driver' }, headless: false, ports: ['spark-driver-ui-port:4040→4040/TCP'] });
  });
});

describe('Prometheus operator (v0.93.0)', () => {
  test('Prometheus and Alertmanager pods and their governing Services', () => {
    const m = model(`apiVersion: monitoring.coreos.com/v1
kind: Prometheus
metadata: { name: main, namespace: mon }
spec: { serviceAccountName: prometheus, podMetadata: { labels: { team: sre } } }
---
apiVersion: monitoring.coreos.com/v1
kind: Alertmanager
metadata: { name: main, namespace: mon }
spec: {}
`);
    expect(group(m, 'Prometheus mon/main').labels).toEqual({
      'team': 'sre',
      'app.kubernetes.io/managed-by': 'prometheus-operator',
      'app.kubernetes.io/name': 'prometheus',
      'app.kubernetes.io/instance': 'main',
      'operator.prometheus.io/name': 'main',
      'prometheus': 'main',
      'operator.prometheus.io/shard': '0',
    });
    expect(ports(m, 'Prometheus mon/main')).toEqual(['web:9090/TCP', 'reloader-web:8080/TCP']);
    expect(service(m, 'mon', 'prometheus-operated')).toEqual({ selector: { 'app.kubernetes.io/name': 'prometheus' }, headless: true, ports: ['web:9090→web/TCP'] });
    expect(service(m, 'mon', 'alertmanager-operated')).toEqual({
      selector: { 'app.kubernetes.io/name': 'alertmanager' }, headless: true, ports: ['web:9093→web/TCP', 'tcp-mesh:9094→mesh-tcp/TCP', 'udp-mesh:9094→mesh-udp/UDP'],
    });
    expect(group(m, 'Alertmanager mon/main').serviceAccount).toBe('default');
  });
});

describe('Argo Rollouts AnalysisTemplate (v1.9.1): the pods of its job metrics', () => {
  test('one pod group per job metric, with the template\'s labels and service account; Prometheus metrics run none', () => {
    const m = model(`apiVersion: argoproj.io/v1alpha1
kind: AnalysisTemplate
metadata: { name: chat-evaluation, namespace: ai }
spec:
  metrics:
  - name: evaluation
    provider:
      job:
        metadata: { labels: { kueue.x-k8s.io/queue-name: ai } }
        spec:
          template:
            metadata: { labels: { step: evaluation } }
            spec:
              serviceAccountName: chat-evaluation
              restartPolicy: Never
              containers: [{ name: evaluate, image: "docker.io/vllm/vllm-openai:v0.30.0" }]
  - name: ttft
    provider:
      prometheus: { address: "http://prometheus.monitoring.svc:9090", query: "vector(0)" }`);
    const ids = m.podGroups.filter((g) => g.id.startsWith('AnalysisTemplate')).map((g) => g.id);
    expect(ids).toEqual(['AnalysisTemplate ai/chat-evaluation (job metric evaluation)']);
    const g = group(m, 'AnalysisTemplate ai/chat-evaluation (job metric evaluation)');
    expect(g.labels).toEqual({ step: 'evaluation' });
    expect(g.serviceAccount).toBe('chat-evaluation');
    expect(g.namespace).toBe('ai');
  });
});
