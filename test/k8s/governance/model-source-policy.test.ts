/** cnai-served-model-sources, evaluated with allowed and denied objects. */
import { admit, AdmissionRequest, problemsOf } from './admission';
import { ARGO_CD, container, controller, create, DEVELOPER, ECR_TRAINER, ownedBy, pod, policyObjects, workload } from './fixture';

const POLICY = 'cnai-served-model-sources';
const objects = policyObjects();
const VLLM = 'docker.io/vllm/vllm-openai:v0.30.0';

function problems(req: AdmissionRequest): string[] {
  const verdicts = admit(objects, req).filter((v) => v.policy === POLICY);
  expect(verdicts).toHaveLength(1);
  return problemsOf(verdicts);
}

/** The vLLM Deployment LlmService writes: `vllm serve <model> ...`. */
function vllmServe(model: string, extra: { [key: string]: unknown } = {}): any {
  return workload('Deployment', { containers: [container(VLLM, { command: ['vllm', 'serve'], args: [model, '--host', '0.0.0.0', '--port', '8000', '--max-model-len', '8192'] })], ...extra }, { name: 'chat' });
}

/** An InferenceService with a predictor model. */
function isvc(model: { [key: string]: unknown }, predictor: { [key: string]: unknown } = {}): any {
  return {
    apiVersion: 'serving.kserve.io/v1beta1',
    kind: 'InferenceService',
    metadata: { name: 'embed', namespace: 'team-a' },
    spec: { predictor: { model: { modelFormat: { name: 'huggingface' }, ...model }, ...predictor } },
  };
}

const vllmDenied = (...models: string[]) => [`vLLM servers must load from the model store, not: ${models.join(', ')}`];

describe('served model sources: allowed', () => {
  test('the vLLM Deployment of LlmService, from served/, the registry\'s artifacts and the team\'s own training outputs', () => {
    expect(problems(create(vllmServe('s3://cnai-test-models/served/chat/')))).toEqual([]);
    expect(problems(create(vllmServe('s3://cnai-test-models/mlflow/3/4f6a/artifacts/model/')))).toEqual([]);
    expect(problems(create(vllmServe('s3://cnai-test-models/training/team-a/support-bot-sft/')))).toEqual([]);
  });

  test('vLLM\'s API server form (--model=, --model) and a bare pod written the same way', () => {
    const apiServer = (args: string[]) => pod({ containers: [container(VLLM, { command: ['python3', '-m', 'vllm.entrypoints.openai.api_server'], args })] });
    expect(problems(create(apiServer(['--model=s3://cnai-test-models/served/chat/', '--port=8000']), DEVELOPER))).toEqual([]);
    expect(problems(create(apiServer(['--port', '8000', '--model', 's3://cnai-test-models/served/chat/']), DEVELOPER))).toEqual([]);
  });

  test('KServe\'s pods: the runtime\'s --model=/mnt/models, filled by the storage initializer from the checked storageUri', () => {
    const kservePod = pod({ containers: [container(VLLM, { command: ['python', '-m', 'vllm.entrypoints.openai.api_server'], args: ['--port=8080', '--model=/mnt/models'] })] },
      { labels: { 'pod-template-hash': 'x1' }, ownerReferences: [ownedBy('ReplicaSet', 'embed-predictor-x1')] });
    expect(problems(create(kservePod, controller('replicaset-controller')))).toEqual([]);
  });

  test('an OCI model LlmService copies into its cache from an image of the platform\'s ECR repositories', () => {
    const copy = { initContainers: [container(`${ECR_TRAINER}:model-1.0`, { name: 'copy-model', command: ['cp', '-R', '/models/.', '/var/cache/model/oci'] })] };
    expect(problems(create(vllmServe('/var/cache/model/oci', copy)))).toEqual([]);
  });

  test('an InferenceService from the model store (storageUri, storageUris) or an OCI image of the platform\'s ECR', () => {
    expect(problems(create(isvc({ storageUri: 's3://cnai-test-models/served/embed/' })))).toEqual([]);
    expect(problems(create(isvc({}, { storageUris: [{ uri: 's3://cnai-test-models/served/embed/' }, { uri: 's3://cnai-test-models/mlflow/1/a/', mountPath: '/mnt/adapter' }] })))).toEqual([]);
    expect(problems(create(isvc({ storageUri: `oci://${ECR_TRAINER}:bge-1.5` })))).toEqual([]);
  });

  test('containers that are not vLLM servers are not this policy\'s', () => {
    expect(problems(create(pod({ containers: [container('docker.io/library/python:3.14.2-slim-bookworm', { args: ['--model', 'anything'] })] }), DEVELOPER))).toEqual([]);
  });
});

describe('served model sources: denied', () => {
  test('a Hugging Face id, another bucket, the datasets bucket, another team\'s training outputs, a climb out of a prefix', () => {
    expect(problems(create(vllmServe('meta-llama/Llama-3.1-8B-Instruct')))).toEqual(vllmDenied('meta-llama/Llama-3.1-8B-Instruct'));
    expect(problems(create(vllmServe('s3://someone-elses-bucket/served/chat/')))).toEqual(vllmDenied('s3://someone-elses-bucket/served/chat/'));
    expect(problems(create(vllmServe('s3://cnai-test-datasets/raw/')))).toEqual(vllmDenied('s3://cnai-test-datasets/raw/'));
    expect(problems(create(vllmServe('s3://cnai-test-models/training/team-b/sft/')))).toEqual(vllmDenied('s3://cnai-test-models/training/team-b/sft/'));
    expect(problems(create(vllmServe('s3://cnai-test-models/served/../vector-snapshots/')))).toEqual(vllmDenied('s3://cnai-test-models/served/../vector-snapshots/'));
  });

  test('a vLLM server that names no model (it would fetch its default from Hugging Face)', () => {
    const none = pod({ containers: [container(VLLM, { command: ['vllm', 'serve', '--port', '8000'] })] });
    expect(problems(create(none, DEVELOPER))).toEqual(vllmDenied('(no model named: vLLM would fetch its default from Hugging Face)'));
  });

  test('/mnt/models outside a pod KServe makes, /var/cache/model/oci without the platform\'s model image', () => {
    const bare = pod({ containers: [container(VLLM, { command: ['vllm', 'serve', '/mnt/models'] })] });
    expect(problems(create(bare, DEVELOPER))).toEqual(vllmDenied('/mnt/models'));
    // A person's Deployment claiming KServe's InferenceService as its owner is not a pod KServe makes.
    const claimed = workload('Deployment', { containers: [container(VLLM, { command: ['vllm', 'serve', '/mnt/models'] })] },
      { name: 'chat', ownerReferences: [ownedBy('InferenceService', 'embed', 'serving.kserve.io/v1beta1')] });
    expect(problems(create(claimed, DEVELOPER))).toEqual(vllmDenied('/mnt/models'));
    const copy = { initContainers: [container('docker.io/library/busybox:1.37.0', { name: 'fetch', command: ['wget', 'https://example.com/model.tar'] })] };
    expect(problems(create(vllmServe('/var/cache/model/oci', copy)))).toEqual(vllmDenied('/var/cache/model/oci'));
  });

  test('an InferenceService from Hugging Face, without a location, through --model_id, a storage spec, or a custom STORAGE_URI elsewhere', () => {
    expect(problems(create(isvc({ storageUri: 'hf://meta-llama/Llama-3.1-8B-Instruct' }), DEVELOPER))).toEqual([
      'InferenceService embed loads from outside the model store: hf://meta-llama/Llama-3.1-8B-Instruct',
    ]);
    expect(problems(create(isvc({ storageUri: 'oci://docker.io/someone/bge:1.5' }), DEVELOPER))).toEqual([
      'InferenceService embed loads from outside the model store: oci://docker.io/someone/bge:1.5',
    ]);
    expect(problems(create(isvc({ storageUri: 'oci://123456789012.dkr.ecr.us-west-2.amazonaws.com/cnai-testing/bge:1.5' }), DEVELOPER))).toEqual([
      'InferenceService embed loads from outside the model store: oci://123456789012.dkr.ecr.us-west-2.amazonaws.com/cnai-testing/bge:1.5',
    ]);
    expect(problems(create(isvc({}), DEVELOPER))).toEqual([
      'An InferenceService names its model location with storageUri: without one the server downloads from the Hub or serves whatever its image holds.',
    ]);
    const STORAGE = 'An InferenceService does not name its model through a storage secret (storage.key/path) or a Hugging Face id (--model_id): use storageUri with a model store location.';
    expect(problems(create(isvc({ storageUri: 's3://cnai-test-models/served/embed/', args: ['--model_id=BAAI/bge-large-en-v1.5'] }), DEVELOPER))).toEqual([STORAGE]);
    expect(problems(create(isvc({ storage: { key: 'other-s3', path: 'models/embed' } }), DEVELOPER))).toEqual([
      'An InferenceService names its model location with storageUri: without one the server downloads from the Hub or serves whatever its image holds.', STORAGE,
    ]);
    const custom = {
      apiVersion: 'serving.kserve.io/v1beta1',
      kind: 'InferenceService',
      metadata: { name: 'custom', namespace: 'team-a' },
      spec: { predictor: { containers: [{ name: 'kserve-container', image: VLLM, env: [{ name: 'STORAGE_URI', value: 'gs://public-models/x/' }] }] } },
    };
    expect(problems(create(custom, DEVELOPER))).toEqual(['A custom predictor container\'s STORAGE_URI is a model store location (a literal value, not a reference).']);
  });
});

describe('binding', () => {
  test('team namespaces only', () => {
    const elsewhere = { ...vllmServe('meta-llama/Llama-3.1-8B-Instruct'), metadata: { name: 'chat', namespace: 'sandbox' } };
    expect(admit(objects, create(elsewhere, ARGO_CD, {})).filter((v) => v.policy === POLICY)).toEqual([]);
  });
});
