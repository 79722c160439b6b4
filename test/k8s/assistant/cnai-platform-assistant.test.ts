import { App } from 'cdk8s';
import { AgentWriteVerb, AssistantAgentKind, ContractPreview, GpuInstanceType, ModelPresets, PlatformSpec } from '../../../lib/core';
import { CnaiPlatform } from '../../../lib/k8s';
import { synthApp } from '../helpers';

const SPEC: PlatformSpec = {
  name: 'cnai',
  environment: 'test',
  region: 'us-west-2',
  accountId: '123456789012',
  availabilityZones: ['us-west-2a', 'us-west-2b'],
  gpuPools: [{ name: 'a10g', instanceTypes: [GpuInstanceType.G5_2XLARGE], maxNodes: 4 }],
  teams: [{ name: 'apps', quotas: [{ pool: 'a10g', gpus: 4 }] }],
  models: [
    { name: 'chat', team: 'apps', model: ModelPresets.LLAMA_3_1_8B_INSTRUCT, pools: ['a10g'], maxModelLen: 8192, maxReplicas: 2 },
    { name: 'qwen', team: 'apps', model: ModelPresets.QWEN2_5_7B_INSTRUCT, pools: ['a10g'], maxModelLen: 8192, maxReplicas: 1 },
  ],
  kubeflow: false,
  gateway: {},
  assistant: { model: 'chat', agents: [{ kind: AssistantAgentKind.DIAGNOSTICS, writeAccess: { namespaces: ['apps'], verbs: [AgentWriteVerb.PATCH] } }] },
};
const contract = ContractPreview.fromSpec(SPEC);

function synth(spec: PlatformSpec): { platform: CnaiPlatform; objects: any[] } {
  const app = new App();
  const platform = new CnaiPlatform(app, 'cnai', { spec, contract });
  return { platform, objects: synthApp(app) };
}

describe('CnaiPlatform with the spec\'s assistant on', () => {
  const { platform, objects } = synth(SPEC);
  const args = (name: string) => objects.find((o) => o.kind === 'Deployment' && o.metadata.name === name).spec.template.spec.containers[0].args;

  test('installs kagent (with kmcp) and k8sgpt-operator, kagent watching the assistant\'s namespace, its database on the encrypted class', () => {
    const apps = objects.filter((o) => o.kind === 'Application');
    expect(apps.map((o) => o.metadata.name)).toEqual(expect.arrayContaining(['kagent-crds', 'kmcp-crds', 'kagent', 'k8sgpt-operator']));
    const kagent = apps.find((o) => o.metadata.name === 'kagent');
    const values = kagent.spec.source.helm.valuesObject;
    expect(values.rbac).toEqual({ namespaces: ['kagent', 'cnai-assistant'] });
    expect(values.database.postgres.bundled.storageClassName).toBe('cnai-gp3-encrypted-retain');
    expect(objects.filter((o) => o.kind === 'StorageClass').map((o) => o.metadata.name)).toContain('cnai-gp3-encrypted-retain');
  });

  test('serves the assistant\'s model with tool calling, and only that one unless asked', () => {
    expect(args('chat')).toEqual(expect.arrayContaining(['--enable-auto-tool-choice', '--tool-call-parser', 'llama3_json']));
    expect(args('qwen')).not.toContain('--enable-auto-tool-choice');
    const asked = synth({ ...SPEC, models: SPEC.models!.map((m) => (m.name === 'qwen' ? { ...m, toolCalling: true } : m)) });
    const qwenArgs = asked.objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'qwen').spec.template.spec.containers[0].args;
    expect(qwenArgs).toEqual(expect.arrayContaining(['--tool-call-parser', 'hermes']));
  });

  test('the agents and the analysis on the gateway, the agents\' MCP servers admitted by Prometheus, their namespaces under the admission policies', () => {
    expect(Object.keys(platform.assistant!.agents)).toEqual(['cluster-diagnostics']);
    expect(platform.assistant!.modelName).toBe('llama-3.1-8b-instruct');
    expect(objects.find((o) => o.kind === 'ModelConfig').spec.openAI.baseUrl).toBe(platform.gateway!.baseUrl);
    expect(objects.find((o) => o.kind === 'Role' && o.metadata.name === 'cnai-assistant-cluster-diagnostics-write').metadata.namespace).toBe('apps');
    const prometheus = objects.find((o) => o.kind === 'NetworkPolicy' && o.metadata.namespace === 'monitoring'
      && JSON.stringify(o.spec.ingress ?? []).includes('cluster-diagnostics-tools'));
    expect(prometheus).toBeDefined();
    const images = objects.find((o) => o.kind === 'ValidatingAdmissionPolicyBinding' && o.metadata.name === 'cnai-allowed-images-platform');
    expect(JSON.stringify(images.spec.matchResources)).toContain('cnai-assistant');
    expect(JSON.stringify(images.spec.matchResources)).toContain('cnai-analysis');
  });

  test('off: nothing of it', () => {
    const off = synth({ ...SPEC, assistant: { ...SPEC.assistant!, enabled: false } });
    expect(off.platform.assistant).toBeUndefined();
    expect(off.objects.filter((o) => o.kind === 'Application').map((o) => o.metadata.name)).not.toContain('kagent');
    expect(off.objects.filter((o) => ['Agent', 'MCPServer', 'K8sGPT'].includes(o.kind))).toEqual([]);
  });
});
