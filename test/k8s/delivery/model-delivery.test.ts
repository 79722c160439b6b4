import { Chart, Testing } from 'cdk8s';
import { EvaluationMetric, GateAggregation, ModelPresets, ServedModelBackend } from '../../../lib/core';
import {
  EvaluationDataset, LlmService, LlmServiceProps, ModelDelivery, ModelDeliveryProps, ModelRegistry, ModelSource, RegistryEngine,
  TeamNamespace,
} from '../../../lib/k8s';
import { assertValidManifests } from '../../../lib/verify/k8s';
import { Fixture, find, fixture } from '../training/fixtures';

const llama8b = ModelPresets.LLAMA_3_1_8B_INSTRUCT;

function service(f: Fixture, props: Partial<LlmServiceProps> = {}): LlmService {
  return new LlmService(f.chart, 'chat', {
    model: llama8b,
    maxModelLen: 8192,
    source: ModelSource.fromModelStore(f.contract, 'served/chat/v3'),
    namespace: f.team,
    pool: f.g5,
    autoscaling: { minReplicas: 1, maxReplicas: 2 },
    ...props,
  } as LlmServiceProps);
}

function delivery(f: Fixture, chat: LlmService, props: Partial<ModelDeliveryProps> = {}): ModelDelivery {
  return new ModelDelivery(f.chart, 'chat-delivery', {
    service: chat,
    version: '3',
    evaluation: { dataset: EvaluationDataset.fromDatasetsBucket(f.contract, 'evaluation/chat/golden.jsonl'), threshold: 0.8 },
    ...props,
  } as ModelDeliveryProps);
}

function synth(chart: Chart): any[] {
  const objects = Testing.synth(chart);
  assertValidManifests(objects, { kubernetesVersion: '1.34' });
  return objects;
}

describe('ModelDelivery (vLLM, Argo Rollouts)', () => {
  const f = fixture();
  const registry = new ModelRegistry(f.chart, 'registry', { contract: f.contract });
  const chat = service(f);
  const d = delivery(f, chat, { registry });
  const objects = synth(f.chart);

  test('a Rollout takes the Deployment as its template: evaluation first, then canary steps, then the promotion', () => {
    const rollout = find(objects, 'Rollout', 'chat');
    expect(rollout.apiVersion).toBe('argoproj.io/v1alpha1');
    expect(rollout.metadata.namespace).toBe('team-a');
    expect(rollout.spec.replicas).toBeUndefined(); // KEDA scales it
    expect(rollout.spec.selector).toEqual({ matchLabels: { 'cnai.io/llm-service': 'chat' } });
    expect(rollout.spec.workloadRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'chat', scaleDown: 'never' });
    expect(rollout.spec.progressDeadlineAbort).toBe(true);
    expect(rollout.spec.strategy.canary.steps).toEqual([
      { analysis: { templates: [{ templateName: 'chat-evaluation' }] } },
      { setWeight: 25 }, { pause: { duration: '10m' } },
      { setWeight: 50 }, { pause: { duration: '10m' } },
      { analysis: { templates: [{ templateName: 'chat-promotion' }] } },
    ]);
    expect(rollout.spec.strategy.canary.analysis).toEqual({
      templates: [{ templateName: 'chat-gates' }],
      startingStep: 1,
      args: [{ name: 'canary-hash', valueFrom: { podTemplateHashValue: 'Latest' } }],
    });
    expect(rollout.spec.strategy.canary.maxSurge).toBe(1);
    expect(rollout.spec.strategy.canary.maxUnavailable).toBe(0);
  });

  test('the Deployment runs no pods of its own; KEDA scales the Rollout', () => {
    expect(find(objects, 'Deployment', 'chat').spec.replicas).toBe(0);
    expect(find(objects, 'ScaledObject', 'chat').spec.scaleTargetRef).toEqual({ apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', name: 'chat' });
  });

  test('the evaluation Job: queued in the team\'s LocalQueue, suspended, its own identity, one replica\'s GPUs and placement', () => {
    const t = find(objects, 'AnalysisTemplate', 'chat-evaluation');
    const metric = t.spec.metrics[0];
    expect(metric.name).toBe('evaluation');
    expect(metric.failureLimit).toBe(0);
    expect(metric.provider.job.metadata.labels).toEqual({
      'kueue.x-k8s.io/queue-name': f.team.localQueueName, 'cnai.io/delivery': 'chat', 'cnai.io/delivery-step': 'evaluation',
    });
    const job = metric.provider.job.spec;
    expect(job.suspend).toBe(true);
    expect(job.backoffLimit).toBe(0);
    const pod = job.template.spec;
    expect(pod.serviceAccountName).toBe('chat-evaluation');
    expect(pod.automountServiceAccountToken).toBe(false);
    const server = find(objects, 'Deployment', 'chat').spec.template.spec;
    expect(pod.containers[0].resources).toEqual(server.containers[0].resources);
    expect(pod.containers[0].resources.limits['nvidia.com/gpu']).toBe('1');
    expect(pod.tolerations).toEqual(server.tolerations);
    expect(pod.containers[0].image).toBe('docker.io/vllm/vllm-openai:v0.30.0');
    const env = Object.fromEntries(pod.containers[0].env.map((e: any) => [e.name, e.value]));
    expect(pod.containers[0].args).toEqual(['--model', 's3://cnai-test-models/served/chat/v3/']);
    expect(env).toMatchObject({
      DATASET_URI: 's3://cnai-test-datasets/evaluation/chat/golden.jsonl',
      METRIC: 'contains',
      THRESHOLD: '0.8',
      MAX_SAMPLES: '500',
      TENSOR_PARALLEL_SIZE: '1',
      MAX_MODEL_LEN: '8192',
      LOAD_FORMAT: 'runai_streamer',
    });
    expect(find(objects, 'ServiceAccount', 'chat-evaluation').automountServiceAccountToken).toBe(false);
    expect(find(objects, 'NetworkPolicy', 'chat-evaluation-egress').spec.podSelector.matchLabels).toEqual({ 'cnai.io/delivery': 'chat', 'cnai.io/delivery-step': 'evaluation' });
  });

  test('the gates query the platform\'s Prometheus over the canary\'s pods only', () => {
    const t = find(objects, 'AnalysisTemplate', 'chat-gates');
    expect(t.spec.args).toEqual([{ name: 'canary-hash' }]);
    const sel = 'namespace="team-a",pod=~"chat-{{args.canary-hash}}-.*"';
    expect(t.spec.metrics.map((m: any) => [m.name, m.provider.prometheus.query, m.successCondition])).toEqual([
      ['error-rate', `scalar(sum(rate(http_requests_total{${sel},status="5xx"}[5m])) / sum(rate(http_requests_total{${sel}}[5m])))`, 'isNaN(result) || result <= 0.01'],
      ['ttft-p95', `scalar(histogram_quantile(0.95, sum by (le) (rate(vllm:time_to_first_token_seconds_bucket{${sel}}[5m]))))`, 'isNaN(result) || result <= 2'],
      ['queue-depth', `scalar(max(vllm:num_requests_waiting{${sel}}))`, 'isNaN(result) || result <= 10'],
    ]);
    expect(new Set(t.spec.metrics.map((m: any) => m.provider.prometheus.address))).toEqual(new Set(['http://kube-prometheus-stack-prometheus.monitoring.svc:9090']));
  });

  test('the promotion sets the MLflow alias with the registry\'s writer credentials', () => {
    const pod = find(objects, 'AnalysisTemplate', 'chat-promotion').spec.metrics[0].provider.job.spec.template.spec;
    const env = Object.fromEntries(pod.containers[0].env.map((e: any) => [e.name, e.value ?? e.valueFrom]));
    expect(env).toMatchObject({ REGISTERED_MODEL: 'chat', ALIAS: 'live', VERSION: '3', MLFLOW_TRACKING_USERNAME: 'writer' });
    expect(env.MLFLOW_TRACKING_URI).toMatch(/^http:\/\/mlflow\./);
    expect(pod.containers[0].image).toBe('ghcr.io/mlflow/mlflow:v3.16.1-full');
    expect(pod.containers[0].securityContext.readOnlyRootFilesystem).toBe(true);
    expect(d.promotionPodLabels).toEqual({ 'cnai.io/delivery': 'chat', 'cnai.io/delivery-step': 'promotion' });
  });

  test('the analysis controller is Argo Rollouts\' controller', () => {
    const c = ModelDelivery.analysisController();
    expect(c.namespace).toBe('argo-rollouts');
    expect(c.podLabels).toEqual({ 'app.kubernetes.io/name': 'argo-rollouts' });
  });

  test('a fixed replica count moves to the Rollout; extra gates and steps as given', () => {
    const g = fixture();
    const fixed = service(g, { autoscaling: undefined, replicas: 2 });
    delivery(g, fixed, {
      canarySteps: [{ weight: 10, pauseMinutes: 5 }],
      gates: { extra: [{ name: 'e2e-p95', metric: 'vllm:e2e_request_latency_seconds', aggregation: GateAggregation.P95, maxValue: 20 }] },
      evaluation: { dataset: EvaluationDataset.s3('s3://other-bucket/eval/golden.jsonl'), threshold: 0.5, metric: EvaluationMetric.EXACT_MATCH },
    });
    const out = synth(g.chart);
    const rollout = find(out, 'Rollout', 'chat');
    expect(rollout.spec.replicas).toBe(2);
    expect(rollout.spec.strategy.canary.steps).toEqual([
      { analysis: { templates: [{ templateName: 'chat-evaluation' }] } }, { setWeight: 10 }, { pause: { duration: '5m' } },
    ]);
    expect(find(out, 'AnalysisTemplate', 'chat-gates').spec.metrics[3].provider.prometheus.query)
      .toBe('scalar(histogram_quantile(0.95, sum by (le) (rate(vllm:e2e_request_latency_seconds_bucket{namespace="team-a",pod=~"chat-{{args.canary-hash}}-.*"}[5m]))))');
  });
});

describe('ModelDelivery errors', () => {
  const expectError = (build: (f: Fixture) => void, message: RegExp) => {
    const f = fixture();
    expect(() => build(f)).toThrow(message);
  };

  test('a gate on a metric the platform\'s Prometheus does not have from the server', () => {
    expectError((f) => delivery(f, service(f), {
      gates: { extra: [{ name: 'gpu-hit-rate', metric: 'vllm:gpu_prefix_cache_hit_rate', aggregation: GateAggregation.MAX, maxValue: 1 }] },
    }), /gates\.extra\[0\]\.metric.*vllm:gpu_prefix_cache_hit_rate.*the platform's Prometheus has no such metric from the vllm server/);
  });

  test('a gate whose aggregation cannot read its metric', () => {
    expectError((f) => delivery(f, service(f), {
      gates: { extra: [{ name: 'waiting', metric: 'vllm:num_requests_waiting', aggregation: GateAggregation.P95, maxValue: 1 }] },
    }), /gates\.extra\[0\]\.aggregation.*vllm:num_requests_waiting is a gauge, which p95 cannot read.*GateAggregation\.MAX/);
  });

  test('a KServe-served model', () => {
    expectError((f) => delivery(f, service(f, { backend: ServedModelBackend.KSERVE })),
      /chat-delivery: invalid service = "kserve": progressive delivery is built for vLLM Deployments only/);
  });

  test('no version known', () => {
    expectError((f) => delivery(f, service(f), { version: undefined }), /version = undefined: the candidate's version is not known/);
  });

  test('canary steps that do not grow', () => {
    expectError((f) => delivery(f, service(f), { canarySteps: [{ weight: 50 }, { weight: 25 }] }), /canarySteps\[1\]\.weight = 25: not above the step before \(50\)/);
  });

  test('a threshold outside (0, 1]', () => {
    expectError((f) => delivery(f, service(f), { evaluation: { dataset: EvaluationDataset.s3('s3://b-1/eval/x.jsonl'), threshold: 80 } }),
      /evaluation\.threshold = 80: not a share in \(0, 1\]/);
  });

  test('a dataset that is not an EvaluationDataset', () => {
    expectError((f) => delivery(f, service(f), { evaluation: { dataset: 's3://b/x.jsonl' as any, threshold: 0.8 } }), /evaluation\.dataset = "s3:\/\/b\/x\.jsonl": not an EvaluationDataset/);
  });

  test('a candidate outside S3', () => {
    expectError((f) => delivery(f, service(f, { source: ModelSource.huggingFace('meta-llama/Llama-3.1-8B-Instruct') })), /service\.source = "hf:\/\/meta-llama\/Llama-3\.1-8B-Instruct": the candidate is not in S3/);
  });

  test('no room in the team\'s quota for the evaluation and the canary\'s surge', () => {
    const f = fixture({ a10g: 0, h100: 0, g5: 4 });
    // The namespace's quota is the team's GPU ceiling (nominal plus borrowing): 8, all of it the single-GPU pool's.
    expect(f.team.quota.gpus).toBe(8);
    expect(() => delivery(f, service(f, { autoscaling: { minReplicas: 1, maxReplicas: 8 } }), {}))
      .toThrow(/a delivery needs 9 GPUs at its peak .* more than the GPU quota of namespace team-a \(8\)/);
  });

  test('the Kubeflow Model Registry', () => {
    expectError((f) => delivery(f, service(f), { registry: new ModelRegistry(f.chart, 'kf', { contract: f.contract, engine: RegistryEngine.kubeflow() }) }),
      /registry = "kubeflow": recording the live version is built on MLflow aliases/);
  });

  test('a contract without the evaluation identity', () => {
    expectError((f) => delivery(f, service(f), { contract: f.contract }), /contract = "team-a\/chat-evaluation": the AWS layer associates no identity/);
  });

  test('a namespace that is not a team\'s', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'c');
    const f = fixture();
    const ns = new TeamNamespace(chart, 'plain', { quota: { gpus: 8, cpu: 64, memoryGiB: 512 } });
    const chat = new LlmService(chart, 'chat', { model: llama8b, maxModelLen: 8192, source: ModelSource.fromModelStore(f.contract, 'served/chat/v3'), namespace: ns, pool: f.g5 });
    expect(() => new ModelDelivery(chart, 'd', {
      service: chat, version: '3', evaluation: { dataset: EvaluationDataset.s3('s3://b-1/eval/x.jsonl'), threshold: 0.8 },
    })).toThrow(/service\.namespace = "plain": not a TeamNamespace with a Kueue LocalQueue/);
  });

  test('maxTokens not a positive whole number', () => {
    expectError((f) => delivery(f, service(f), { evaluation: { dataset: EvaluationDataset.s3('s3://b-1/eval/x.jsonl'), threshold: 0.8, maxTokens: 0 } }),
      /evaluation\.maxTokens = 0: not a positive whole number of tokens/);
  });

  test('an evaluation dataset URI that is not a file in S3', () => {
    expect(() => EvaluationDataset.s3('s3://bucket/dir/')).toThrow(/EvaluationDataset\.s3: invalid uri = "s3:\/\/bucket\/dir\/": not the S3 URI of a file/);
  });
});
