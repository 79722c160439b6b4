import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Testing as CdktfTesting } from 'cdktf';
import { buildLlmServingAws } from '../../../examples/llm-serving/aws';
import { buildLlmServingApp, exampleContract, TEAM } from '../../../examples/llm-serving/main';
import { CHAT_MODEL_PREFIX, LARGE_CHAT_MODEL_PREFIX } from '../../../examples/llm-serving/spec';
import { VLLM_METRICS } from '../../../lib/core';
import { assertValidManifests } from '../../../lib/verify/k8s';
import { ofKind, one, synthApp } from '../helpers';

describe('example llm-serving', () => {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cnai-llm-serving-'));
  const app = buildLlmServingApp(outdir);
  app.synth();
  const files = fs.readdirSync(outdir).sort();
  const objects = synthApp(app);
  const serving = objects.filter((o) => o.metadata?.namespace === TEAM);

  test('synthesizes the operators, node pools and platform, then the serving chart', () => {
    expect(files).toEqual(['0000-platform-operators.k8s.yaml', '0001-node-pools.k8s.yaml', '0002-platform.k8s.yaml', '0003-serving.k8s.yaml']);
  });

  test('its entire output is schema-valid (core kinds at Kubernetes 1.34, custom kinds against the pinned CRDs)', () => {
    const report = assertValidManifests(files.map((f) => ({ file: path.join(outdir, f) })), { kubernetesVersion: '1.34' });
    expect(report.objectsChecked).toBe(objects.length);
    expect(report.objectsPerKind).toMatchObject({
      // The chat server, its InferencePool's endpoint picker, and the token budgets' rate limit store.
      'apps/v1/Deployment': 3,
      'inference.networking.k8s.io/v1/InferencePool': 1,
      'gateway.networking.k8s.io/v1beta1/ReferenceGrant': 1,
      'serving.kserve.io/v1beta1/InferenceService': 1,
      'keda.sh/v1alpha1/ScaledObject': 2,
      // The embedding server's and the gateway's usage metrics.
      'monitoring.coreos.com/v1/PodMonitor': 2,
      'policy/v1/PodDisruptionBudget': 3,
      'leaderworkerset.x-k8s.io/v1/LeaderWorkerSet': 1,
    });
  });

  test('the chat model runs on vLLM on the L40S pool, the embedding model on KServe on the A10G pool', () => {
    const chat = one(objects, 'Deployment', 'chat');
    expect(chat.spec.template.spec.nodeSelector['cnai.io/pool']).toBe('gpu-l40s');
    const c = chat.spec.template.spec.containers[0];
    expect(c.args[0]).toBe(`s3://${exampleContract().buckets.models}/${CHAT_MODEL_PREFIX}`);
    expect(c.args).toEqual(expect.arrayContaining(['--max-model-len', '32768', '--load-format', 'runai_streamer']));
    expect(c.resources.limits['nvidia.com/gpu']).toBe('1');
    expect(c.env.find((e: any) => e.name === 'AWS_REGION').value).toBe('us-west-2');

    const isvc = one(objects, 'InferenceService', 'embed');
    expect(isvc.metadata.annotations['serving.kserve.io/deploymentMode']).toBe('Standard');
    expect(isvc.spec.predictor.nodeSelector['cnai.io/pool']).toBe('gpu-a10g');
    expect(isvc.spec.predictor.model.args).toContain('--model_id=BAAI/bge-large-en-v1.5');
    expect(isvc.spec.predictor.model.resources.limits).toEqual({ 'cpu': '4', 'memory': '16Gi', 'nvidia.com/gpu': '1' });
  });

  test('both are autoscaled on vLLM metrics of their own service', () => {
    const chat = one(objects, 'ScaledObject', 'chat');
    expect(chat.spec.scaleTargetRef.name).toBe('chat');
    expect(chat.spec.triggers.map((t: any) => t.metadata.query)).toEqual([
      `sum(${VLLM_METRICS.numRequestsWaiting}{namespace="${TEAM}",llm_service="chat"}) or vector(0)`,
      `sum(${VLLM_METRICS.kvCacheUsagePerc}{namespace="${TEAM}",llm_service="chat"}) or vector(0)`,
    ]);
    const embed = one(objects, 'ScaledObject', 'embed');
    expect(embed.spec.scaleTargetRef.name).toBe('embed-predictor');
    expect(embed.spec.maxReplicaCount).toBe(2);
    expect(embed.spec.triggers[0].metadata.threshold).toBe('10');
  });

  test('the RAG API and the gateway\'s proxies may call both services, and the RAG API gets its settings in a ConfigMap (no tracing without a collector)', () => {
    const flows = ofKind(serving, 'NetworkPolicy').filter((p) => p.metadata.name.startsWith('allow-from-'));
    const peer = (from: any[]) => from.map((f) => `${f.namespaceSelector.matchLabels['kubernetes.io/metadata.name']}/${f.podSelector.matchLabels.app ?? f.podSelector.matchLabels.inferencepool ?? f.podSelector.matchLabels['app.kubernetes.io/component']}`);
    expect(flows.map((p) => [p.spec.podSelector.matchLabels['cnai.io/llm-service'], p.spec.ingress[0].ports[0].port, ...peer(p.spec.ingress[0].from)])).toEqual([
      ['chat', 8000, `${TEAM}/rag-api`],
      ['embed', 8080, `${TEAM}/rag-api`],
      ['chat-405b', 8000, `${TEAM}/rag-api`],
      // The chat model's endpoint picker scrapes its replicas' metrics on the server port.
      ['chat', 8000, `${TEAM}/chat-epp`],
      ['chat', 8000, 'envoy-gateway-system/proxy'],
      ['embed', 8080, 'envoy-gateway-system/proxy'],
      ['chat-405b', 8000, 'envoy-gateway-system/proxy'],
    ]);
    const cm = one(objects, 'ConfigMap', 'rag-api-llm');
    expect(cm.data).toMatchObject({
      OPENAI_BASE_URL: `http://chat.${TEAM}.svc/v1`,
      OPENAI_MODEL: 'llama-3.1-8b-instruct',
      EMBEDDINGS_BASE_URL: `http://embed-predictor.${TEAM}.svc/openai/v1`,
      EMBEDDINGS_MODEL: 'bge-large-en-v1.5',
    });
    // No collector in this app: no tracing endpoint a client would try to reach.
    expect(Object.keys(cm.data).filter((k) => /^(OTEL_|TRACELOOP_)/.test(k))).toEqual([]);
  });

  test('the chat server reads its weights with the identity the AWS layer creates, granted only their prefix', () => {
    const contract = exampleContract();
    const sa = one(objects, 'Deployment', 'chat').spec.template.spec.serviceAccountName;
    expect(contract.workloadIdentities).toContainEqual({ namespace: TEAM, serviceAccount: sa, roleName: 'cnai-dev-serve-chat' });
    const stack = JSON.parse(CdktfTesting.synth(buildLlmServingAws(CdktfTesting.app())));
    const permissions = Object.entries<any>(stack.data.aws_iam_policy_document).find(([id]) => id.startsWith('cluster_serve-chat_permissions'))![1];
    const objectsRead = permissions.statement.find((st: any) => st.actions.includes('s3:GetObject'));
    expect(objectsRead.resources).toEqual([expect.stringMatching(new RegExp(`/${CHAT_MODEL_PREFIX}\\*$`))]);
  });

  test('the 405B model is served across two H100 nodes with EFA: a LeaderWorkerSet behind the gateway', () => {
    const lws = one(objects, 'LeaderWorkerSet', 'chat-405b');
    expect(lws.spec.leaderWorkerTemplate.size).toBe(2);
    const leader = lws.spec.leaderWorkerTemplate.leaderTemplate.spec;
    expect(leader.nodeSelector['cnai.io/pool']).toBe('gpu-h100');
    expect(leader.serviceAccountName).toBe('chat-405b');
    expect(leader.containers[0].resources.limits).toMatchObject({ 'nvidia.com/gpu': '8', 'vpc.amazonaws.com/efa': 32 });
    expect(leader.containers[0].command[2]).toContain(`exec vllm serve s3://${exampleContract().buckets.models}/${LARGE_CHAT_MODEL_PREFIX} `);
    expect(leader.containers[0].command[2]).toContain('--tensor-parallel-size 8 --pipeline-parallel-size 2');
    expect(exampleContract().workloadIdentities).toContainEqual({ namespace: TEAM, serviceAccount: 'chat-405b', roleName: 'cnai-dev-serve-chat-405b' });
    expect(one(objects, 'Backend', `${TEAM}-chat-405b`).spec.endpoints[0].fqdn.hostname).toBe(`chat-405b-leader.${TEAM}.svc.cluster.local`);
    expect(one(objects, 'Application', 'lws')).toBeDefined();
    expect(one(objects, 'Application', 'efa-device-plugin')).toBeDefined();
  });

  test('the L40S pool uses the node role the AWS layer prepared for Karpenter, whose controller is installed', () => {
    expect(one(objects, 'EC2NodeClass', 'gpu-l40s').spec.role).toBe(exampleContract().karpenter!.nodeRoleName);
    expect(one(objects, 'Application', 'karpenter')).toBeDefined();
  });
});
