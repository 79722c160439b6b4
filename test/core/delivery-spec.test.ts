import { problemsOf, spec } from './spec-fixture';
import {
  DeliveryChecks, DeliveryServer, EvaluationMetric, GateAggregation, ModelDeliverySpec, deliveryCandidatePrefix, deliveryDatasetPrefix,
} from '../../lib/core/delivery-spec';
import { BucketAccess, ModelRegistryKind, PlatformBucket, PlatformSpec, ServedModelBackend, ServedModelSpec } from '../../lib/core/platform-spec';
import { platformWorkloadIdentities } from '../../lib/core/platform-spec-derivation';

const DELIVERY: ModelDeliverySpec = { version: '3', evaluation: { dataset: 'evaluation/chat/golden.jsonl', threshold: 0.8 } };

function withDelivery(delivery: Partial<ModelDeliverySpec> | undefined, model: Partial<ServedModelSpec> = {},
  overrides: Partial<PlatformSpec> = {}): PlatformSpec {
  const base = spec();
  const d = delivery === undefined ? undefined : { ...DELIVERY, ...delivery };
  return { ...base, models: [{ ...base.models![0], ...model, delivery: d }], ...overrides };
}


describe('the spec\'s delivery section', () => {
  test('a valid delivery passes; its candidate is <model prefix>v<version>/ and the evaluation has its own read-only identity', () => {
    const s = withDelivery({});
    expect(problemsOf(s)).toEqual([]);
    expect(deliveryCandidatePrefix('served/chat/', DELIVERY)).toBe('served/chat/v3/');
    expect(deliveryDatasetPrefix('evaluation/chat/golden.jsonl')).toBe('evaluation/chat/');
    expect(platformWorkloadIdentities(s).find((w) => w.id === 'evaluate-chat')).toEqual({
      id: 'evaluate-chat',
      namespace: 'team-a',
      serviceAccount: 'chat-evaluation',
      buckets: [
        { bucket: PlatformBucket.MODELS, prefix: 'served/chat/', access: BucketAccess.READ },
        { bucket: PlatformBucket.DATASETS, prefix: 'evaluation/chat/', access: BucketAccess.READ },
      ],
      xrayWrite: false,
    });
    expect(platformWorkloadIdentities(spec()).some((w) => w.id.startsWith('evaluate-'))).toBe(false);
  });

  test('a gate metric that the platform\'s Prometheus does not have from the server', () => {
    expect(problemsOf(withDelivery({ gates: { extra: [{ name: 'cache', metric: 'vllm:gpu_cache_usage_perc', aggregation: GateAggregation.MAX, maxValue: 0.9 }] } })))
      .toEqual([expect.stringMatching(/^models\[0\]\.delivery\.gates\.extra\[0\]\.metric: the platform's Prometheus has no such metric from the vllm server \(it scrapes: .*vllm:kv_cache_usage_perc/)]);
  });

  test('a KServe-served model', () => {
    expect(problemsOf(withDelivery({}, { backend: ServedModelBackend.KSERVE })))
      .toEqual([expect.stringMatching(/^models\[0\]\.backend: progressive delivery is built for vLLM Deployments only/)]);
  });

  test('the Kubeflow Model Registry', () => {
    expect(problemsOf(withDelivery({}, {}, { modelRegistry: ModelRegistryKind.KUBEFLOW })))
      .toEqual(['modelRegistry: model chat is delivered, and recording its live version is built on MLflow aliases; the Kubeflow Model Registry has none']);
  });

  test('a candidate outside the model\'s prefix', () => {
    expect(problemsOf(withDelivery({ modelStorePrefix: 'candidates/chat-v3/' })))
      .toEqual([expect.stringMatching(/^models\[0\]\.delivery\.modelStorePrefix: not inside the model's prefix served\/chat\//)]);
  });

  test('a version that is not a registry version', () => {
    expect(problemsOf(withDelivery({ version: 'v3' }))).toEqual(['models[0].delivery.version: a registry version is a positive whole number']);
  });

  test('a dataset that is not a file in a folder', () => {
    expect(problemsOf(withDelivery({ evaluation: { dataset: 'golden.jsonl', threshold: 0.8 } })))
      .toEqual([expect.stringMatching(/^models\[0\]\.delivery\.evaluation\.dataset: not the key of a file in a folder/)]);
  });

  test('each mistake of the evaluation, the steps and the gates is one problem', () => {
    expect(problemsOf(withDelivery({
      evaluation: { dataset: 'evaluation/chat/golden.jsonl', threshold: 0, metric: 'bleu' as EvaluationMetric, maxSamples: 0 },
      canarySteps: [{ weight: 0 }, { weight: 100 }, { weight: 30, pauseMinutes: 0 }],
      gates: {
        maxErrorRate: 1,
        maxTimeToFirstTokenSeconds: 0,
        maxQueueDepth: -1,
        extra: [
          { name: 'error-rate', metric: 'vllm:num_requests_running', aggregation: GateAggregation.MAX, maxValue: 4 },
          { name: 'Bad_Name', metric: 'vllm:num_requests_running', aggregation: GateAggregation.RATE, maxValue: -1 },
        ],
      },
      liveAlias: 'v2',
    }))).toEqual([
      'models[0].delivery.evaluation.threshold: not a share in (0, 1]',
      'models[0].delivery.evaluation.metric: not an EvaluationMetric',
      'models[0].delivery.evaluation.maxSamples: not a positive whole number',
      'models[0].delivery.canarySteps[0].weight: not a whole percent from 1 to 99 (the delivery promotes to 100 after the last step)',
      'models[0].delivery.canarySteps[1].weight: not a whole percent from 1 to 99 (the delivery promotes to 100 after the last step)',
      'models[0].delivery.canarySteps[2].pauseMinutes: not a positive whole number of minutes (the gates need time to see traffic)',
      'models[0].delivery.gates.maxErrorRate: not a share in [0, 1)',
      'models[0].delivery.gates.maxTimeToFirstTokenSeconds: not a positive number of seconds',
      'models[0].delivery.gates.maxQueueDepth: not a whole number of requests',
      'models[0].delivery.gates.extra[0].name: another gate has this name',
      'models[0].delivery.gates.extra[1].name: not a DNS-1123 label',
      'models[0].delivery.gates.extra[1].aggregation: vllm:num_requests_running is a gauge, which rate cannot read',
      'models[0].delivery.gates.extra[1].maxValue: not a non-negative number',
      'models[0].delivery.liveAlias: not an MLflow alias (letters, digits, "_" and "-", not "v<number>", which MLflow reserves for versions)',
    ]);
  });

  test('an empty list of steps, and a registered model name that is not one', () => {
    expect(problemsOf(withDelivery({ canarySteps: [], registeredModel: '' }))).toEqual([
      'models[0].delivery.canarySteps: a canary needs at least one step',
      'models[0].delivery.registeredModel: not a registered model name',
    ]);
  });

  test('a spec without an evaluation, and a prefix that is not one', () => {
    expect(problemsOf(withDelivery({ evaluation: undefined as any, modelStorePrefix: 'served/chat/v3' }))).toEqual([
      'models[0].delivery.modelStorePrefix: not a key prefix ending in "/"',
      'models[0].delivery.evaluation: a delivery needs an evaluation',
    ]);
  });

  test('the metrics each server exports, as the gates check them', () => {
    const vllm = DeliveryChecks.scrapedMetrics(DeliveryServer.VLLM).map((m) => m.name);
    expect(vllm).toEqual(expect.arrayContaining(['http_requests_total', 'vllm:time_to_first_token_seconds', 'vllm:num_requests_waiting']));
    expect(DeliveryChecks.builtInGateMetrics().every((m) => vllm.includes(m))).toBe(true);
    expect(DeliveryChecks.scrapedMetrics(DeliveryServer.KSERVE).map((m) => m.name)).toContain('request_predict_seconds');
    expect(Object.values(EvaluationMetric)).toEqual(['exact-match', 'contains']);
    expect(Object.values(GateAggregation)).toEqual(['p95', 'rate', 'max']);
  });
});
