/**
 * PlatformAdmissionPolicies.forPlatform: the admission policies of a platform composed from
 * constructs, derived from the served models and the platform-namespace owners it is given, and
 * the refusal of a served model of the platform's teams that it was not given.
 */
import { Chart, Testing } from 'cdk8s';
import { GpuInstanceType, ModelPresets, PredictiveModelFormat } from '../../../lib/core';
import {
  AdmissionPolicyMode, CnaiKubernetesPlatform, LlmService, ModelSource, NodePoolReference, PlatformAdmissionPolicies, PredictiveService,
} from '../../../lib/k8s';
import { contract, gpuPoolContract } from '../helpers';

const CONTRACT = {
  ...contract([gpuPoolContract('gpu-a10g', GpuInstanceType.G5_2XLARGE, 4)]),
  buckets: { models: 'cnai-test-models', datasets: 'cnai-test-datasets' },
  workloadIdentities: [
    { namespace: 'team-a', serviceAccount: 'chat', roleName: 'cnai-test-chat' },
    { namespace: 'team-a', serviceAccount: 'ml-training', roleName: 'cnai-test-training-team-a' },
  ],
};

function composed() {
  const app = Testing.app();
  const a10g = NodePoolReference.fromContract(CONTRACT.nodePools[0]);
  const platform = new CnaiKubernetesPlatform(app, 'platform', {
    contract: CONTRACT,
    teams: [
      { name: 'team-a', quotas: [{ pool: a10g, gpus: 4 }], developerGroups: ['team-a-developers'] },
      { name: 'team-b', quotas: [], developerGroups: ['team-b-developers'] },
    ],
  });
  const serving = new Chart(app, 'serving');
  const team = platform.teams['team-a'];
  const chat = new LlmService(serving, 'chat', {
    model: ModelPresets.LLAMA_3_1_8B_INSTRUCT,
    maxModelLen: 8192,
    source: ModelSource.fromModelStore(CONTRACT, 'fine-tuned/chat'),
    contract: CONTRACT,
    namespace: team,
    pools: [platform.pools['gpu-a10g']],
    replicas: 1,
  });
  const churn = new PredictiveService(serving, 'churn', {
    format: PredictiveModelFormat.XGBOOST, source: ModelSource.fromModelStore(CONTRACT, 'served/churn'), namespace: team,
  });
  return { app, platform, serving, team, chat, churn };
}

describe('PlatformAdmissionPolicies.forPlatform', () => {
  test('derives the exemptions, model prefixes and platform namespaces from what it is given; accepts the developer Role', () => {
    const s = composed();
    const p = PlatformAdmissionPolicies.forPlatform(s.platform, 'AdmissionPolicies', { llmServices: [s.chat], predictiveServices: [s.churn], additionalPlatformNamespaces: ['tools'] });
    expect(p.node.scope).toBe(s.platform);
    expect(p.gpuExemptions.map((e) => `${e.namespace}/${e.workload}`)).toEqual(['team-a/chat']);
    expect(p.modelLocations).toEqual(['s3://cnai-test-models/fine-tuned/chat/', 's3://cnai-test-models/mlflow/', 's3://cnai-test-models/served/']);
    expect(p.hostAccessExemptions.map((e) => e.namespace)).toEqual(['kube-system', 'nvidia-gpu', 'monitoring']);
    expect(p.mode).toBe(AdmissionPolicyMode.WARN);
    const objects = s.app.charts.flatMap((c) => Testing.synth(c));
    const binding = objects.find((o) => o.kind === 'ValidatingAdmissionPolicyBinding' && o.metadata.name === 'cnai-allowed-images-platform');
    expect(binding.spec.matchResources.namespaceSelector.matchExpressions[0].values).toEqual(['nvidia-gpu', 'tools']);
    const roles = Object.fromEntries(objects.filter((o) => o.kind === 'Role' && o.metadata.name === 'ml-developer')
      .map((r) => [r.metadata.namespace, r.metadata.annotations?.['cnai.io/suppress']]));
    expect(JSON.parse(roles['team-a'])[0].reason).toMatch(/^people's pods and workloads in team-a are refused its workload identities \(chat, ml-training\)/);
    // team-b has no workload identity: nothing to accept.
    expect(roles['team-b']).toBeUndefined();
  });

  test('with an identity boundary in warn mode, the developer Roles keep their finding', () => {
    const s = composed();
    PlatformAdmissionPolicies.forPlatform(s.platform, 'AdmissionPolicies', { llmServices: [s.chat], predictiveServices: [s.churn], trainingIdentityMode: AdmissionPolicyMode.WARN });
    const roles = s.app.charts.flatMap((c) => Testing.synth(c)).filter((o) => o.kind === 'Role' && o.metadata.name === 'ml-developer');
    expect(roles).toHaveLength(2);
    for (const r of roles) expect(r.metadata.annotations?.['cnai.io/suppress']).toBeUndefined();
  });

  test('a served model of a team that is not passed is refused: at construction', () => {
    const s = composed();
    expect(() => PlatformAdmissionPolicies.forPlatform(s.platform, 'AdmissionPolicies', { llmServices: [s.chat] })).toThrow(
      'platform/AdmissionPolicies: invalid predictiveServices = "serving/churn": PredictiveService team-a/churn serves in the team namespace team-a of the platform '
      + 'and is not listed, so the policies do not know it: its GPU server would be refused outside Kueue, its model store prefix not allowed. '
      + 'Fix: pass it in predictiveServices of PlatformAdmissionPolicies.forPlatform (create the policies after every served model).');
  });

  test('a served model of a team created after the policies is refused: at synthesis', () => {
    const s = composed();
    PlatformAdmissionPolicies.forPlatform(s.platform, 'AdmissionPolicies', { llmServices: [s.chat], predictiveServices: [s.churn] });
    new LlmService(s.serving, 'late', {
      model: ModelPresets.LLAMA_3_1_8B_INSTRUCT,
      maxModelLen: 8192,
      source: ModelSource.huggingFace('meta-llama/Llama-3.1-8B-Instruct'),
      namespace: s.team,
      pools: [s.platform.pools['gpu-a10g']],
      replicas: 1,
    });
    expect(() => s.app.synth()).toThrow(
      '[platform/AdmissionPolicies] platform/AdmissionPolicies: invalid llmServices = "serving/late": LlmService team-a/late serves in the team namespace team-a of the platform '
      + 'and is not listed, so the policies do not know it');
  });
});
