/**
 * Predictive models from the spec through CnaiPlatform: one on CPU nodes and one on a GPU of
 * its pool, each with its identity's ServiceAccount, the GPU one exempted from the Kueue rule
 * like the LLM servers (a long-running server whose GPUs the team's quota counts).
 */
import { Testing } from 'cdk8s';
import { ContractPreview, GpuInstanceType, ModelPresets, PlatformSpec, PredictiveModelFormat, ServedModelKind } from '../../../lib/core';
import { CnaiPlatform } from '../../../lib/k8s';

const SPEC: PlatformSpec = {
  name: 'cnai',
  environment: 'test',
  region: 'us-west-2',
  accountId: '123456789012',
  availabilityZones: ['us-west-2a', 'us-west-2b'],
  gpuPools: [{ name: 'gpu-l4', instanceTypes: [GpuInstanceType.G6_XLARGE], maxNodes: 2 }],
  teams: [{ name: 'team-a', quotas: [{ pool: 'gpu-l4', gpus: 2 }] }],
  models: [
    { name: 'churn', team: 'team-a', kind: ServedModelKind.PREDICTIVE, predictive: { format: PredictiveModelFormat.SKLEARN, cpu: 0.5, memoryGiB: 1 }, pools: [] },
    { name: 'vision', team: 'team-a', kind: ServedModelKind.PREDICTIVE, predictive: { format: PredictiveModelFormat.ONNX, gpus: 1 }, pools: ['gpu-l4'], maxReplicas: 2 },
  ],
  kubeflow: false,
  observability: false,
};

describe('CnaiPlatform with predictive models', () => {
  const app = Testing.app();
  const platform = new CnaiPlatform(app, 'cnai', { spec: SPEC, contract: ContractPreview.fromSpec(SPEC) });
  const objects: any[] = platform.serving!.toJson();
  const isvc = (name: string) => objects.find((o) => o.kind === 'InferenceService' && o.metadata.name === name).spec.predictor;

  test('the CPU model: its runtime, sizing from the spec, no GPU and no pool', () => {
    const p = isvc('churn');
    expect(p.model.runtime).toBe('kserve-sklearnserver');
    expect(p.model.resources.limits).toEqual({ cpu: '0.5', memory: '1Gi' });
    expect(p.nodeSelector).toBeUndefined();
    expect([p.minReplicas, p.maxReplicas]).toEqual([1, 2]);
    expect(p.model.storageUri).toBe('s3://cnai-test-models-123456789012-us-west-2/served/churn/');
  });

  test('the GPU model: Triton on one GPU of its pool, exempted from the Kueue rule', () => {
    const p = isvc('vision');
    expect(p.model.runtime).toBe('kserve-tritonserver');
    expect(p.model.resources.limits).toEqual({ 'cpu': '1', 'memory': '2Gi', 'nvidia.com/gpu': '1' });
    expect(p.nodeSelector).toEqual({
      'cnai.io/pool': 'gpu-l4',
      'cnai.io/accelerator-family': 'g6',
      'eks.amazonaws.com/capacityType': 'ON_DEMAND',
      'nvidia.com/gpu.count': '1',
      'nvidia.com/gpu.product': 'NVIDIA-L4',
    });
    expect(platform.admissionPolicies.gpuExemptions.map((e) => `${e.namespace}/${e.workload}`)).toEqual(['team-a/vision-predictor']);
  });

  test('each model runs as the ServiceAccount the AWS layer associates its identity with', () => {
    const accounts = objects.filter((o) => o.kind === 'ServiceAccount').map((o) => `${o.metadata.namespace}/${o.metadata.name}`);
    expect(accounts).toEqual(['team-a/churn', 'team-a/vision']);
    expect(Object.keys(platform.predictiveModels)).toEqual(['churn', 'vision']);
    expect(platform.models).toEqual({});
  });
});

describe('CnaiPlatform with the gateway, an LLM and a predictive model', () => {
  const spec: PlatformSpec = {
    ...SPEC,
    gpuPools: [{ name: 'gpu-l4', instanceTypes: [GpuInstanceType.G6_XLARGE], maxNodes: 3 }],
    teams: [{ name: 'team-a', quotas: [{ pool: 'gpu-l4', gpus: 3 }] }],
    models: [...SPEC.models!, { name: 'chat', team: 'team-a', model: ModelPresets.QWEN2_5_7B_INSTRUCT, maxModelLen: 8192, pools: ['gpu-l4'], maxReplicas: 1 }],
    gateway: {},
  };

  test('left to its default, the gateway routes the served LLMs only', () => {
    const platform = new CnaiPlatform(Testing.app(), 'cnai', { spec, contract: ContractPreview.fromSpec(spec) });
    expect(platform.gateway).toBeDefined();
    // vLLM models are routed through their InferencePool (no AIServiceBackend); the predictive ones not at all.
    const route = platform.gatewayChart!.toJson().find((o: any) => o.kind === 'AIGatewayRoute');
    expect(route.spec.rules.flatMap((r: any) => r.backendRefs.map((b: any) => `${b.kind ?? 'AIServiceBackend'} ${b.name}`)))
      .toEqual(['InferencePool chat']);
  });
});
