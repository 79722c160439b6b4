import { App } from 'cdk8s';
import * as YAML from 'yaml';
import { ContractPreview, GpuInstanceType, ModelPresets, PickerFailureMode, PlatformSpec, ServedModelBackend } from '../../../lib/core';
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
    { name: 'embed', team: 'apps', model: ModelPresets.BGE_LARGE_EN_V1_5, pools: ['a10g'], backend: ServedModelBackend.KSERVE, maxReplicas: 1 },
  ],
  kubeflow: false,
  observability: false,
  gateway: {},
};

describe('CnaiPlatform with the gateway on: vLLM models behind InferencePools', () => {
  const app = new App();
  const platform = new CnaiPlatform(app, 'cnai', { spec: SPEC, contract: ContractPreview.fromSpec(SPEC) });
  const objects = synthApp(app);
  const app$ = (name: string) => objects.find((o) => o.kind === 'Application' && o.metadata.name === name);

  test('installs the InferencePool CRDs (v1.6.0 config/crd) and lets Envoy Gateway route to InferencePools', () => {
    expect(app$('inference-extension-crds').spec.source).toMatchObject({
      repoURL: 'https://github.com/kubernetes-sigs/gateway-api-inference-extension', path: 'config/crd', targetRevision: 'v1.6.0',
    });
    const eg = app$('envoy-gateway').spec.source.helm;
    const values = eg.valuesObject ?? YAML.parse(eg.values);
    expect(values.config.envoyGateway.extensionManager.backendResources).toEqual([{ group: 'inference.networking.k8s.io', kind: 'InferencePool', version: 'v1' }]);
  });

  test('the chat model (vLLM) is a pool with a picker of the servers\' priority; the embedding model (KServe) keeps its Service', () => {
    expect(Object.keys(platform.gateway!.inferencePools)).toEqual(['llama-3.1-8b-instruct']);
    const routes = Object.fromEntries(objects.filter((o) => o.kind === 'AIGatewayRoute').map((o) => [o.metadata.name, o.spec.rules[0].backendRefs]));
    expect(routes).toEqual({
      'apps-chat': [{ group: 'inference.networking.k8s.io', kind: 'InferencePool', name: 'chat', namespace: 'apps' }],
      'apps-embed': [{ name: 'apps-embed' }],
    });
    const picker = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'chat-epp');
    const server = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'chat');
    expect(picker.metadata.namespace).toBe('apps');
    expect(server.spec.template.spec.priorityClassName).toBe('cnai-high');
    expect(picker.spec.template.spec.priorityClassName).toBe('cnai-high');
  });
});

describe('CnaiPlatform passes the spec\'s gateway.endpointPicker to every pool', () => {
  test('weights, failure mode, replicas and size from the spec', () => {
    const spec: PlatformSpec = {
      ...SPEC,
      gateway: {
        endpointPicker: {
          weights: { queue: 4, kvCache: 3, prefixCache: 0 }, failureMode: PickerFailureMode.FAIL_CLOSE, replicas: 2, cpu: 2, memoryGiB: 3,
        },
      },
    };
    const app = new App();
    new CnaiPlatform(app, 'cnai', { spec, contract: ContractPreview.fromSpec(spec) });
    const objects = synthApp(app);
    const find = (kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata.name === name);
    expect(find('InferencePool', 'chat').spec.endpointPickerRef.failureMode).toBe('FailClose');
    expect(YAML.parse(find('ConfigMap', 'chat-epp').data['default-plugins.yaml']).schedulingProfiles[0].plugins)
      .toEqual([{ pluginRef: 'queue-scorer', weight: 4 }, { pluginRef: 'kv-cache-utilization-scorer', weight: 3 }]);
    const picker = find('Deployment', 'chat-epp');
    expect(picker.spec.replicas).toBe(2);
    expect(picker.spec.template.spec.containers[0].resources).toEqual({ requests: { cpu: '2', memory: '3072Mi' }, limits: { cpu: '2', memory: '3072Mi' } });
  });

  test('defaults as before when the section is left out: queue 2, KV cache 2, prefix cache 3, fail open, one replica of 1 core and 1 GiB', () => {
    const app = new App();
    new CnaiPlatform(app, 'cnai', { spec: SPEC, contract: ContractPreview.fromSpec(SPEC) });
    const objects = synthApp(app);
    const find = (kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata.name === name);
    expect(find('InferencePool', 'chat').spec.endpointPickerRef.failureMode).toBe('FailOpen');
    expect(YAML.parse(find('ConfigMap', 'chat-epp').data['default-plugins.yaml']).schedulingProfiles[0].plugins).toEqual([
      { pluginRef: 'queue-scorer', weight: 2 }, { pluginRef: 'kv-cache-utilization-scorer', weight: 2 }, { pluginRef: 'prefix-cache-scorer', weight: 3 },
    ]);
    const picker = find('Deployment', 'chat-epp');
    expect(picker.spec.replicas).toBe(1);
    expect(picker.spec.template.spec.containers[0].resources).toEqual({ requests: { cpu: '1', memory: '1024Mi' }, limits: { cpu: '1', memory: '1024Mi' } });
  });

  test('off: vLLM models are routed through their Service, no pool', () => {
    const spec: PlatformSpec = { ...SPEC, gateway: { endpointPicker: { enabled: false } } };
    const app = new App();
    const platform = new CnaiPlatform(app, 'cnai', { spec, contract: ContractPreview.fromSpec(spec) });
    const objects = synthApp(app);
    expect(platform.gateway!.inferencePools).toEqual({});
    expect(objects.filter((o) => o.kind === 'InferencePool')).toEqual([]);
    expect(objects.find((o) => o.kind === 'AIGatewayRoute' && o.metadata.name === 'apps-chat').spec.rules[0].backendRefs).toEqual([{ name: 'apps-chat' }]);
  });
});

