/**
 * The whole-platform verification of a model gateway: the verifier knows what Envoy Gateway
 * runs for a Gateway (its proxies and their Service) and what an AIGatewayRoute connects
 * (the proxies to each model server), so client → gateway → model flows are checked against
 * the NetworkPolicies like every other flow.
 */
import { Testing } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import * as YAML from 'yaml';
import { GpuInstanceType, ModelPresets, ServedModelBackend } from '../../../lib/core';
import { LlmService, ModelGateway, ModelSource, NodePoolReference, OperatorCatalogue, TeamNamespace, createReleaseNamespaces } from '../../../lib/k8s';
import { verifyPlatform } from '../../../lib/verify';
import { FlowKind } from '../../../lib/verify/platform/flows';
import { gpuPoolContract } from '../../k8s/helpers';

const a10g = NodePoolReference.fromContract(gpuPoolContract('gpu-a10g', GpuInstanceType.G5_2XLARGE, 4));

function output(): any[] {
  const chart = Testing.chart();
  createReleaseNamespaces(chart, OperatorCatalogue.modelGateway());
  const team = new TeamNamespace(chart, 'team-a', { quota: { gpus: 16, cpu: 512, memoryGiB: 4096 } });
  const chat = new LlmService(chart, 'chat', {
    model: ModelPresets.LLAMA_3_1_8B_INSTRUCT, maxModelLen: 8192, source: ModelSource.s3('s3://cnai-test-models/llama/', { region: 'us-west-2' }), namespace: team, pool: a10g,
  });
  const embed = new LlmService(chart, 'embed', {
    model: ModelPresets.BGE_LARGE_EN_V1_5, source: ModelSource.huggingFace('BAAI/bge-large-en-v1.5'), backend: ServedModelBackend.KSERVE, namespace: team, pool: a10g,
  });
  const gateway = new ModelGateway(chart, 'gateway', { clients: [team.workloads({ app: 'rag-api' })], models: [chat, embed] });
  // A client that calls the gateway.
  new k8s.KubeDeployment(chart, 'rag-api', {
    metadata: { name: 'rag-api', namespace: 'team-a' },
    spec: {
      selector: { matchLabels: { app: 'rag-api' } },
      template: {
        metadata: { labels: { app: 'rag-api' } },
        spec: { containers: [{ name: 'api', image: 'example.com/rag-api:1.0.0', env: [{ name: 'OPENAI_BASE_URL', value: gateway.baseUrl }] }] },
      },
    },
  });
  return Testing.synth(chart);
}

function verify(objects: any[]) {
  const content = objects.map((o) => YAML.stringify(o)).join('---\n');
  return verifyPlatform([{ file: 'out.yaml', content }]);
}

const flowsOf = (v: ReturnType<typeof verify>) => v.flows.results
  .filter((r) => r.flow.kind === FlowKind.SERVICE && r.flow.from.kind === 'pod' && r.flow.to.kind === 'pod' && /Envoy proxies/.test(`${r.flow.from.podGroup.id} ${r.flow.to.podGroup.id}`))
  .map((r) => `${(r.flow.from as any).podGroup.id} → ${(r.flow.to as any).podGroup.id} TCP ${r.flow.port}: ${r.decision.allowed ? 'allowed' : 'blocked'}`)
  .sort();

describe('whole-platform verification of a ModelGateway', () => {
  test('client → proxies → each model server: needed, and allowed', () => {
    const v = verify(output());
    expect(flowsOf(v)).toEqual([
      'Deployment team-a/rag-api → Gateway model-gateway/model-gateway (Envoy proxies) TCP 8080: allowed',
      'Gateway model-gateway/model-gateway (Envoy proxies) → Deployment team-a/chat TCP 8000: allowed',
      // The chat model (vLLM) is an InferencePool: the proxies ask its endpoint picker first (inference-pool-flows.test.ts).
      'Gateway model-gateway/model-gateway (Envoy proxies) → Deployment team-a/chat-epp TCP 9002: allowed',
      'Gateway model-gateway/model-gateway (Envoy proxies) → InferenceService team-a/embed TCP 8080: allowed',
    ]);
    // The routes' Gateway, AIServiceBackends and Backends, and the model servers' Services, resolve (the CRDs
    // come from the releases, which this output does not hold: the example tests check those).
    expect(v.references.findings.filter((f) => /AIGatewayRoute|Gateway |EnvoyProxy|Backend|rag-api/.test(f.from) && String(f.check) !== 'CustomResourceDefinition')
      .map((f) => f.message)).toEqual([]);
    expect(v.flows.findings).toEqual([]);
  });

  test('a model server that does not admit the proxies is a blocked flow', () => {
    // Drop the chat server's ingress from the proxies (the NetworkPolicy addModel made).
    const objects = output().filter((o) => !(o.kind === 'NetworkPolicy' && o.metadata.namespace === 'team-a'
      && JSON.stringify(o.spec.ingress ?? []).includes('envoy-gateway-system') && o.spec.podSelector.matchLabels['cnai.io/llm-service'] === 'chat'));
    const v = verify(objects);
    expect(flowsOf(v)).toContain('Gateway model-gateway/model-gateway (Envoy proxies) → Deployment team-a/chat TCP 8000: blocked');
    expect(v.flows.findings.map((f) => f.kind)).toEqual(['blocked']);
  });

  test('a KServe predictor with a payload logger: the proxies reach its agent port, which the gateway admits', () => {
    const objects = output().map((o) => (o.kind === 'InferenceService'
      ? { ...o, spec: { ...o.spec, predictor: { ...o.spec.predictor, logger: { mode: 'all', url: 'http://collector.team-a.svc:8088' } } } } : o));
    expect(flowsOf(verify(objects))).toContain('Gateway model-gateway/model-gateway (Envoy proxies) → InferenceService team-a/embed TCP 9081: allowed');
    const without = objects.filter((o) => !(o.kind === 'NetworkPolicy' && o.metadata.name === 'embed-gateway-agent'));
    expect(flowsOf(verify(without))).toContain('Gateway model-gateway/model-gateway (Envoy proxies) → InferenceService team-a/embed TCP 9081: blocked');
  });

  test('a client the gateway does not admit is a blocked flow', () => {
    const objects = output().filter((o) => !(o.kind === 'NetworkPolicy' && o.metadata.name === 'model-gateway-proxies'));
    const withDeny = [...objects, { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'deny', namespace: 'envoy-gateway-system' }, spec: { podSelector: {}, policyTypes: ['Ingress'] } }];
    expect(flowsOf(verify(withDeny))).toContain('Deployment team-a/rag-api → Gateway model-gateway/model-gateway (Envoy proxies) TCP 8080: blocked');
  });
});
