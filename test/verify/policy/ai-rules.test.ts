// The AI platform pack: each rule over a compliant and a non-compliant literal output.
import { CONTRACT, deployment, goodContainer, goodPodSpec, job, namespace, runKubernetesRule } from './helpers';
import { REFERENCE_SPEC } from '../../../examples/reference-platform/spec';
import { PlatformSpec } from '../../../lib/core';
import { RuleStatus } from '../../../lib/verify/policy';
import { AI_DRIFT_PAYLOAD_OPT_IN, AI_GPU_KUEUE, AI_MODEL_SOURCE, AI_TRACING_CONTENT_OFF } from '../../../lib/verify/policy/rules/ai';

const C = RuleStatus.COMPLIANT;
const NA = RuleStatus.NOT_APPLICABLE;

const gpuContainer = { ...goodContainer(), resources: { requests: { 'cpu': '1', 'memory': '1Gi', 'nvidia.com/gpu': '1' }, limits: { 'memory': '1Gi', 'nvidia.com/gpu': '1' } } };
const team = namespace('team-a', { 'cnai.io/team': 'team-a' });

describe('ai-gpu-kueue', () => {
  test('compliant: a GPU Job with the queue label in a team namespace', () => {
    expect(runKubernetesRule(AI_GPU_KUEUE, [team, job({ containers: [gpuContainer] }, { namespace: 'team-a', labels: { 'kueue.x-k8s.io/queue-name': 'team-a' } })]).status).toBe(C);
  });
  test('non-compliant: a GPU Deployment without it', () => {
    expect(runKubernetesRule(AI_GPU_KUEUE, [team, deployment(goodPodSpec({ containers: [gpuContainer] }), { namespace: 'team-a' })]).findings)
      .toEqual(['requests 1 nvidia.com/gpu outside Kueue (no kueue.x-k8s.io/queue-name label)']);
  });
  test('not applicable: outside team namespaces (teams also come from the spec), or no GPUs', () => {
    expect(runKubernetesRule(AI_GPU_KUEUE, [deployment(goodPodSpec({ containers: [gpuContainer] }), { namespace: 'other' })]).status).toBe(NA);
    const spec = { ...REFERENCE_SPEC, teams: [{ name: 'other', quotas: [] }] } as PlatformSpec;
    expect(runKubernetesRule(AI_GPU_KUEUE, [deployment(goodPodSpec({ containers: [gpuContainer] }), { namespace: 'other' })], { spec }).status).toBe(RuleStatus.NON_COMPLIANT);
    expect(runKubernetesRule(AI_GPU_KUEUE, [team, deployment(goodPodSpec(), { namespace: 'team-a' })]).status).toBe(C);
  });
});

describe('ai-model-source', () => {
  const vllm = (args: string[]) => deployment(goodPodSpec({ containers: [{ ...goodContainer('vllm'), command: ['vllm', 'serve'], args }] }), { namespace: 'team-a' });
  const isvc = (storageUri: string) => ({
    apiVersion: 'serving.kserve.io/v1beta1',
    kind: 'InferenceService',
    metadata: { name: 'embed', namespace: 'team-a' },
    spec: { predictor: { model: { modelFormat: { name: 'huggingface' }, storageUri } } },
  });
  test('compliant: the model store, the registry', () => {
    expect(runKubernetesRule(AI_MODEL_SOURCE, [vllm(['s3://models-bucket/served/chat/', '--port', '8000'])], { contract: CONTRACT }).status).toBe(C);
    expect(runKubernetesRule(AI_MODEL_SOURCE, [isvc('s3://models-bucket/served/embed/')], { contract: CONTRACT }).status).toBe(C);
    expect(runKubernetesRule(AI_MODEL_SOURCE, [isvc('models:/embed/3')], { contract: CONTRACT }).status).toBe(C);
  });
  test('non-compliant: the Hugging Face Hub, another bucket', () => {
    expect(runKubernetesRule(AI_MODEL_SOURCE, [vllm(['meta-llama/Llama-3.1-8B-Instruct'])], { contract: CONTRACT }).findings)
      .toEqual(['container vllm: loads from the Hugging Face Hub (meta-llama/Llama-3.1-8B-Instruct)']);
    expect(runKubernetesRule(AI_MODEL_SOURCE, [vllm(['--model', 'hf://org/model'])], { contract: CONTRACT }).findings)
      .toEqual(['container vllm: loads from the Hugging Face Hub (hf://org/model)']);
    expect(runKubernetesRule(AI_MODEL_SOURCE, [isvc('s3://someone-elses/model/')], { contract: CONTRACT }).findings)
      .toEqual(['predictor.model.storageUri: loads from bucket someone-elses, which is not the model store\'s (models-bucket, datasets-bucket) (s3://someone-elses/model/)']);
  });
  test('OCI model images: from the platform\'s ECR registry only, on the domain of the contract\'s region', () => {
    const oci = (uri: string) => isvc(uri);
    expect(runKubernetesRule(AI_MODEL_SOURCE, [oci('oci://123456789012.dkr.ecr.us-west-2.amazonaws.com/cnai-prod/models:chat-1')], { contract: CONTRACT }).status).toBe(C);
    const china = { ...CONTRACT, region: 'cn-north-1' };
    expect(runKubernetesRule(AI_MODEL_SOURCE, [oci('oci://123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn/cnai-prod/models:chat-1')], { contract: china }).status).toBe(C);
    expect(runKubernetesRule(AI_MODEL_SOURCE, [oci('oci://ghcr.io/someone/models:chat-1')], { contract: CONTRACT }).findings)
      .toEqual(['predictor.model.storageUri: loads an OCI model image from ghcr.io, not the platform\'s registry (oci://ghcr.io/someone/models:chat-1)']);
  });
  test('the model store from the Terraform stack without a contract; skipped without either', () => {
    const tf = { resource: { aws_s3_bucket: { m: { bucket: 'models-bucket' } } } };
    expect(runKubernetesRule(AI_MODEL_SOURCE, [isvc('s3://models-bucket/x/')], {}, tf).status).toBe(C);
    expect(() => runKubernetesRule(AI_MODEL_SOURCE, [isvc('s3://models-bucket/x/')])).toThrow('skipped: needs the model store buckets (the contract, or the Terraform stack)');
  });
  test('not applicable: a workload that loads no model', () => {
    expect(runKubernetesRule(AI_MODEL_SOURCE, [deployment()], { contract: CONTRACT }).status).toBe(NA);
  });
});

describe('ai-tracing-content-off', () => {
  const env = (vars: any[]) => deployment(goodPodSpec({ containers: [{ ...goodContainer(), env: vars }] }));
  test('compliant: OpenLLMetry with content off (also from a ConfigMap)', () => {
    expect(runKubernetesRule(AI_TRACING_CONTENT_OFF, [env([{ name: 'TRACELOOP_BASE_URL', value: 'http://collector:4318' }, { name: 'TRACELOOP_TRACE_CONTENT', value: 'false' }])]).status).toBe(C);
    const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'tracing', namespace: 'ns' }, data: { TRACELOOP_TRACE_CONTENT: 'false', TRACELOOP_BASE_URL: 'http://c' } };
    const fromConfigMap = deployment(goodPodSpec({ containers: [{ ...goodContainer(), envFrom: [{ configMapRef: { name: 'tracing' } }] }] }));
    expect(runKubernetesRule(AI_TRACING_CONTENT_OFF, [fromConfigMap, cm]).status).toBe(C);
  });
  test('non-compliant: OpenLLMetry without the setting; GenAI content capture on', () => {
    expect(runKubernetesRule(AI_TRACING_CONTENT_OFF, [env([{ name: 'TRACELOOP_BASE_URL', value: 'http://collector:4318' }])]).findings)
      .toEqual(['container app: records prompts and completions on traces (TRACELOOP_TRACE_CONTENT unset)']);
    expect(runKubernetesRule(AI_TRACING_CONTENT_OFF, [env([{ name: 'OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT', value: 'true' }])]).findings)
      .toEqual(['container app: captures GenAI message content (OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT true)']);
  });
  test('compliant without any LLM tracing setting (an OTLP metrics exporter is not tracing content)', () => {
    expect(runKubernetesRule(AI_TRACING_CONTENT_OFF, [env([{ name: 'OTEL_EXPORTER_OTLP_ENDPOINT', value: 'http://collector:4318' }])]).status).toBe(C);
  });
});

describe('ai-drift-payload-opt-in', () => {
  const isvc = (name: string) => ({
    apiVersion: 'serving.kserve.io/v1beta1',
    kind: 'InferenceService',
    metadata: { name, namespace: 'ai-apps' },
    spec: { predictor: { logger: { mode: 'all', url: 'http://collector:8088/events' }, model: { modelFormat: { name: 'huggingface' }, storageUri: 's3://b/x/' } } },
  });
  const collectorConfig = (prefix: string) => ({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'otel-collector-config', namespace: 'observability' },
    data: { 'config.yaml': `exporters:\n  awss3/x:\n    s3uploader:\n      s3_bucket: b\n      s3_prefix: ${prefix}\n` },
  });
  test('compliant: the reference\'s embed model opted in (monitorDrift)', () => {
    expect(runKubernetesRule(AI_DRIFT_PAYLOAD_OPT_IN, [isvc('embed')], { spec: REFERENCE_SPEC }).status).toBe(C);
    expect(runKubernetesRule(AI_DRIFT_PAYLOAD_OPT_IN, [collectorConfig('payloads/ai-apps/embed')], { spec: REFERENCE_SPEC }).status).toBe(C);
  });
  test('non-compliant: payloads logged or stored for a model that did not opt in', () => {
    expect(runKubernetesRule(AI_DRIFT_PAYLOAD_OPT_IN, [isvc('chat')], { spec: REFERENCE_SPEC }).findings)
      .toEqual(['predictor.logger: logs request and response payloads, but its model did not opt in to drift monitoring']);
    expect(runKubernetesRule(AI_DRIFT_PAYLOAD_OPT_IN, [collectorConfig('payloads/ai-apps/chat')], { spec: REFERENCE_SPEC }).findings)
      .toEqual(['exporter awss3/x: stores payloads under payloads/ai-apps/chat, for no model that opted in to drift monitoring']);
  });
  test('skipped without the spec', () => {
    expect(() => runKubernetesRule(AI_DRIFT_PAYLOAD_OPT_IN, [isvc('chat')])).toThrow('skipped: needs the platform spec');
  });
});
