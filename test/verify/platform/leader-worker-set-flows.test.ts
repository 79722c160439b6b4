/**
 * The whole-platform verification of a model served across nodes: the verifier knows what the
 * LeaderWorkerSet controller runs for a set (leader and worker pods, the headless Service named
 * after the set, LWS_LEADER_ADDRESS), so the workers' connection to their leader's Ray head and
 * the clients' to the leaders are checked against the NetworkPolicies like every other flow.
 */
import { Testing } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import * as YAML from 'yaml';
import { GpuInstanceType, ModelPresets } from '../../../lib/core';
import { LlmService, ModelSource, NodePoolReference, OperatorCatalogue, TeamNamespace, createReleaseNamespaces } from '../../../lib/k8s';
import { verifyPlatform } from '../../../lib/verify';
import { FlowKind } from '../../../lib/verify/platform/flows';
import { gpuPoolContract } from '../../k8s/helpers';

const h100 = NodePoolReference.fromContract(gpuPoolContract('gpu-h100', GpuInstanceType.P5_48XLARGE, 2));

function output(): any[] {
  const chart = Testing.chart();
  createReleaseNamespaces(chart, [OperatorCatalogue.leaderWorkerSet()]);
  // No traffic within the namespace by default: what the set's pods exchange must be opened by its own policy.
  const team = new TeamNamespace(chart, 'team-a', { quota: { gpus: 16, cpu: 1024, memoryGiB: 8192 }, allowWithinNamespace: false });
  const apps = new TeamNamespace(chart, 'team-b', { quota: { gpus: 0, cpu: 8, memoryGiB: 16 } });
  const chat = new LlmService(chart, 'chat', {
    model: ModelPresets.LLAMA_3_1_405B_INSTRUCT,
    maxModelLen: 32768,
    source: ModelSource.s3('s3://cnai-test-models/served/chat/', { region: 'us-west-2' }),
    namespace: team,
    pool: h100,
    allowFrom: [apps.workloads({ app: 'rag-api' })],
  });
  new k8s.KubeDeployment(chart, 'rag-api', {
    metadata: { name: 'rag-api', namespace: 'team-b' },
    spec: {
      selector: { matchLabels: { app: 'rag-api' } },
      template: {
        metadata: { labels: { app: 'rag-api' } },
        spec: { containers: [{ name: 'api', image: 'example.com/rag-api:1.0.0', env: [{ name: 'OPENAI_BASE_URL', value: chat.baseUrl }] }] },
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
  .filter((r) => r.flow.kind === FlowKind.SERVICE && r.flow.from.kind === 'pod' && r.flow.to.kind === 'pod' && /LeaderWorkerSet/.test(`${r.flow.from.podGroup.id} ${r.flow.to.podGroup.id}`))
  .map((r) => `${(r.flow.from as any).podGroup.id} → ${(r.flow.to as any).podGroup.id} TCP ${r.flow.port}: ${r.decision.allowed ? 'allowed' : 'blocked'}`)
  .sort();

describe('whole-platform verification of a LeaderWorkerSet', () => {
  test('clients → leaders, and workers → their leader\'s Ray head: needed, and allowed', () => {
    const v = verify(output());
    expect(flowsOf(v)).toEqual([
      'Deployment team-b/rag-api → LeaderWorkerSet team-a/chat (leaders) TCP 8000: allowed',
      'LeaderWorkerSet team-a/chat (workers) → LeaderWorkerSet team-a/chat (leaders) TCP 6379: allowed',
    ]);
    expect(v.references.findings.filter((f) => /LeaderWorkerSet|rag-api/.test(f.from) && String(f.check) !== 'CustomResourceDefinition').map((f) => f.message)).toEqual([]);
    expect(v.flows.findings).toEqual([]);
  });

  test('without the group\'s NetworkPolicy the workers cannot join their leader', () => {
    const v = verify(output().filter((o) => !(o.kind === 'NetworkPolicy' && o.metadata.name === 'chat-group')));
    expect(flowsOf(v)).toContain('LeaderWorkerSet team-a/chat (workers) → LeaderWorkerSet team-a/chat (leaders) TCP 6379: blocked');
    expect(v.flows.findings.map((f) => f.kind)).toEqual(['blocked']);
  });
});
