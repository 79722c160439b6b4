import { App, Chart, Testing } from 'cdk8s';
import { ContractPreview, CostModel, GpuInstanceType, ModelPresets, PlatformSpec, ServedModelBackend, validatePlatformSpec } from '../../../lib/core';
import {
  CnaiPlatform, LlmService, LlmServiceProps, LlmSizing, ModelSource, NodePoolReference, TeamNamespace,
} from '../../../lib/k8s';
import { assertValidManifests } from '../../../lib/verify/k8s';
import { gpuPoolContract, one, synthApp } from '../helpers';

const SCHEMA_DIR = `${__dirname}/../../../../shared/schemas`;
const llama405b = ModelPresets.LLAMA_3_1_405B_INSTRUCT.withServing({ maxContextLength: 32768 });
const h100 = NodePoolReference.fromContract(gpuPoolContract('gpu-h100', GpuInstanceType.P5_48XLARGE, 2));
const h100x4 = NodePoolReference.fromContract(gpuPoolContract('gpu-h100', GpuInstanceType.P5_48XLARGE, 4));
const a100 = NodePoolReference.fromContract(gpuPoolContract('gpu-a100', GpuInstanceType.P4D_24XLARGE, 1));
const g6e12 = NodePoolReference.fromContract(gpuPoolContract('gpu-l40s', GpuInstanceType.G6E_12XLARGE, 2));
const s3 = ModelSource.s3('s3://cnai-test-models/served/chat-405b/', { region: 'us-west-2' });

interface Setup {
  readonly chart: Chart;
  readonly team: TeamNamespace;
}

function setup(gpus = 32): Setup {
  const chart = Testing.chart();
  const team = new TeamNamespace(chart, 'team-a', { quota: { gpus, cpu: 1024, memoryGiB: 8192 } });
  return { chart, team };
}

function service(s: Setup, props: Partial<LlmServiceProps> = {}): LlmService {
  return new LlmService(s.chart, 'chat', { model: llama405b, source: s3, namespace: s.team, pool: h100, ...props } as LlmServiceProps);
}

function synth(s: Setup): any[] {
  const objects = Testing.synth(s.chart);
  assertValidManifests(objects, { kubernetesVersion: '1.34', schemaDir: SCHEMA_DIR });
  return objects;
}

describe('sizing across nodes', () => {
  test('405B bf16 holds on no single node: 2 x p5.48xlarge, TP 8, PP 2', () => {
    const p = LlmSizing.plan({ model: llama405b, pools: [h100], gpuMemoryUtilization: 0.9, construct: 'test/chat' });
    expect(p.summary).toBe('405B bf16: 2 x p5.48xlarge, TP 8, PP 2');
    expect(p.nodesPerReplica).toBe(2);
    expect(p.tensorParallelSize).toBe(8);
    expect(p.pipelineParallelSize).toBe(2);
    expect(p.gpusPerReplica).toBe(16);
    // 756 GiB of weights over 16 GPUs.
    expect(p.breakdown.weightsGiB).toBeCloseTo(47.25, 2);
    expect(p.breakdown.fits).toBe(true);
    // A pod per node: all of a p5.48xlarge but the system reserve (192 vCPUs, 2048 GiB).
    expect(p.cpu).toBe(172);
    expect(p.memoryGiB).toBe(1843);
  });

  test('a model that fits one node is served from one node, and says so', () => {
    const p = LlmSizing.plan({ model: ModelPresets.LLAMA_3_1_70B_INSTRUCT.withServing({ maxContextLength: 8192 }), pools: [h100], gpuMemoryUtilization: 0.9, construct: 'test/chat' });
    expect(p.nodesPerReplica).toBe(1);
    expect(p.summary).toBe('70B bf16: 4 GPUs of p5.48xlarge, TP 4');
  });

  test('too few nodes in the pool: how many would hold it, and what else would', () => {
    expect(() => LlmSizing.plan({ model: llama405b, pools: [g6e12], gpuMemoryUtilization: 0.9, construct: 'test/chat' })).toThrow(
      'test/chat: invalid model = "llama-3.1-405b-instruct": needs 102.69 GiB per GPU even across 2 nodes of g6e.12xlarge, the most pool gpu-l40s holds '
      + '(TP 4, PP 2; weights 94.5 + KV cache 1.97 + overhead 6.22 GiB), but its GPUs offer 40.49 GiB each; nothing holds it in pool gpu-l40s, not even across nodes. '
      + 'Fix: raise the maximum size of pool gpu-l40s to at least 6 nodes (405B bf16: 6 x g6e.12xlarge, TP 4, PP 6); '
      + 'or add a pool of at least 2 x p4de.24xlarge (405B bf16: 2 x p4de.24xlarge, TP 8, PP 2); '
      + 'or quantise the weights to int4 (405B int4: 2 x g6e.12xlarge, TP 4, PP 2).',
    );
  });
});

describe('LlmService across nodes (LeaderWorkerSet)', () => {
  test('a LeaderWorkerSet of 2 pods per replica, each with the 8 GPUs and 32 EFA interfaces of its node', () => {
    const s = setup();
    const chat = service(s, { replicas: 1 });
    expect(chat.multiNode).toBeDefined();
    expect(chat.vllm).toBeUndefined();
    expect(chat.serviceName).toBe('chat-leader');
    expect(chat.baseUrl).toBe('http://chat-leader.team-a.svc/v1');
    expect(chat.gpuBudget).toBe(16);
    expect(chat.gpuWorkloadNames).toEqual(['chat', 'chat-0']);
    const objects = synth(s);
    expect(objects.filter((o) => o.kind === 'Deployment')).toEqual([]);
    const lws = one(objects, 'LeaderWorkerSet', 'chat');
    expect(lws.apiVersion).toBe('leaderworkerset.x-k8s.io/v1');
    expect(lws.spec.replicas).toBe(1);
    expect(lws.spec.startupPolicy).toBe('LeaderCreated');
    expect(lws.spec.leaderWorkerTemplate.size).toBe(2);
    expect(lws.spec.leaderWorkerTemplate.restartPolicy).toBe('RecreateGroupOnPodRestart');
    // No room in a 2-node pool for a second group: a rollout replaces the group in place.
    expect(lws.spec.rolloutStrategy).toEqual({ type: 'RollingUpdate', rollingUpdateConfiguration: { maxSurge: 0, maxUnavailable: 1 } });

    const leader = lws.spec.leaderWorkerTemplate.leaderTemplate;
    const worker = lws.spec.leaderWorkerTemplate.workerTemplate;
    expect(leader.metadata.labels).toMatchObject({ 'cnai.io/llm-service': 'chat', 'cnai.io/lws-role': 'leader' });
    expect(worker.metadata.labels).toMatchObject({ 'cnai.io/llm-service': 'chat', 'cnai.io/lws-role': 'worker' });
    for (const t of [leader, worker]) {
      const c = t.spec.containers[0];
      expect(c.resources.limits).toEqual({ 'cpu': '172', 'memory': '1843Gi', 'nvidia.com/gpu': '8', 'vpc.amazonaws.com/efa': 32 });
      expect(c.securityContext).toMatchObject({ runAsNonRoot: true, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false });
      expect(c.env).toEqual(expect.arrayContaining([{ name: 'FI_PROVIDER', value: 'efa' }, { name: 'FI_EFA_USE_DEVICE_RDMA', value: '1' }]));
      expect(t.spec.serviceAccountName).toBe('chat');
      expect(t.spec.automountServiceAccountToken).toBe(false);
      expect(t.spec.nodeSelector).toEqual({ 'cnai.io/pool': 'gpu-h100', 'cnai.io/accelerator-family': 'p5', 'nvidia.com/gpu.product': 'NVIDIA-H100-80GB-HBM3' });
      expect(t.spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0]).toEqual({
        labelSelector: { matchLabels: { 'leaderworkerset.sigs.k8s.io/name': 'chat' } }, topologyKey: 'kubernetes.io/hostname',
      });
    }
    // The leader: Ray head, wait for the group, then vllm serve with TP 8, PP 2 on the Ray backend.
    const script: string = leader.spec.containers[0].command[2];
    expect(leader.spec.containers[0].command.slice(0, 2)).toEqual(['sh', '-c']);
    expect(script).toContain('ray start --head --port=6379 --include-dashboard=false --node-manager-port=6380 --object-manager-port=6381');
    expect(script).toContain('-ge "${LWS_GROUP_SIZE:-2}"');
    expect(script).toMatch(/exec vllm serve s3:\/\/cnai-test-models\/served\/chat-405b\/ --host 0\.0\.0\.0 --port 8000 --served-model-name llama-3\.1-405b-instruct --tensor-parallel-size 8 --pipeline-parallel-size 2 --max-model-len 32768 .* --distributed-executor-backend ray$/);
    expect(leader.spec.containers[0].readinessProbe.httpGet).toEqual({ path: '/health', port: 8000 });
    expect(leader.spec.containers[0].ports.map((p: any) => p.containerPort)).toEqual([8000, 6379, 6380, 6381]);
    // A worker joins the leader LeaderWorkerSet names, and is alive while its raylet listens.
    expect(worker.spec.containers[0].command[2]).toContain('ray start --address=$(LWS_LEADER_ADDRESS):6379 --node-manager-port=6380');
    expect(worker.spec.containers[0].command[2]).toContain('--block');
    expect(worker.spec.containers[0].livenessProbe.tcpSocket).toEqual({ port: 6380 });

    // Clients call the leaders only.
    expect(one(objects, 'Service', 'chat-leader').spec).toEqual({
      type: 'ClusterIP',
      selector: { 'cnai.io/llm-service': 'chat', 'cnai.io/lws-role': 'leader' },
      ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }],
    });
    expect(one(objects, 'PodDisruptionBudget', 'chat').spec).toEqual({ maxUnavailable: 1, selector: { matchLabels: { 'cnai.io/llm-service': 'chat' } } });
    // The pods of a group reach each other on every port (Ray, NCCL and torch.distributed pick theirs at run time).
    expect(one(objects, 'NetworkPolicy', 'chat-group').spec).toEqual({
      podSelector: { matchLabels: { 'cnai.io/llm-service': 'chat' } },
      policyTypes: ['Ingress', 'Egress'],
      ingress: [{ from: [{ podSelector: { matchLabels: { 'leaderworkerset.sigs.k8s.io/name': 'chat' } } }] }],
      egress: [{ to: [{ podSelector: { matchLabels: { 'leaderworkerset.sigs.k8s.io/name': 'chat' } } }] }],
    });
    // The monitor scrapes the leaders' Service.
    expect(one(objects, 'ServiceMonitor', 'chat').spec.selector).toEqual({ matchLabels: { 'cnai.io/llm-service': 'chat' } });
  });

  test('room for another group in the pool: a rollout brings the new group up first', () => {
    const s = setup(64);
    service(s, { pool: h100x4, replicas: 1 });
    expect(one(synth(s), 'LeaderWorkerSet', 'chat').spec.rolloutStrategy.rollingUpdateConfiguration).toEqual({ maxSurge: 1, maxUnavailable: 0 });
  });

  test('the network rules of the single-node servers apply to every pod of the set', () => {
    const s = setup();
    service(s, { allowFrom: [s.team.workloads({ app: 'web' })] });
    const policies = synth(s).filter((o) => o.kind === 'NetworkPolicy').map((o) => o.metadata.name);
    expect(policies).toEqual(expect.arrayContaining(['chat-metrics', 'chat-egress', 'chat-group']));
  });
});

describe('LlmService across nodes: errors', () => {
  const cases: [string, (s: Setup) => unknown, string][] = [
    ['a model too large for every pool even across nodes, naming what would hold it', (s) => service(s, { pool: a100 }),
      'test/chat: invalid model = "llama-3.1-405b-instruct": needs 102.69 GiB per GPU even across 1 node of p4d.24xlarge, the most pool gpu-a100 holds '
      + '(TP 8, PP 1; weights 94.5 + KV cache 1.97 + overhead 6.22 GiB), but its GPUs offer 36 GiB each; nothing holds it in pool gpu-a100, not even across nodes. '
      + 'Fix: raise the maximum size of pool gpu-a100 to at least 3 nodes (405B bf16: 3 x p4d.24xlarge, TP 8, PP 3); '
      + 'or add a pool of at least 2 x p4de.24xlarge (405B bf16: 2 x p4de.24xlarge, TP 8, PP 2).'],
    ['the KServe backend across nodes', (s) => service(s, { backend: ServedModelBackend.KSERVE }),
      'test/chat: invalid backend = "kserve": the model is served across nodes (405B bf16: 2 x p5.48xlarge, TP 8, PP 2), which runs vLLM in a LeaderWorkerSet; '
      + 'KServe\'s Standard mode serves from one pod. Fix: use ServedModelBackend.VLLM (the default), or a pool whose nodes each hold the model.'],
    ['autoscaling across nodes', (s) => service(s, { autoscaling: { minReplicas: 1, maxReplicas: 1 } }),
      'test/chat: invalid autoscaling = "set": the model is served across nodes (405B bf16: 2 x p5.48xlarge, TP 8, PP 2): a replica is 2 whole nodes, '
      + 'and the autoscaler scales Deployments. Fix: give a fixed replicas count instead.'],
    ['more replicas than the pool holds across nodes', (s) => service(s, { replicas: 2 }),
      'test/chat: invalid replicas = 2: 2 replicas x 16 GPUs = 32 GPUs, more than pool gpu-h100 can ever hold (16). Fix: give at most 1 replicas, or raise the pool\'s maximum size.'],
  ];
  test.each(cases)('%s', (_name, build, message) => {
    expect(() => build(setup())).toThrow(message);
  });
});

const SPEC: PlatformSpec = {
  name: 'cnai',
  environment: 'test',
  region: 'us-west-2',
  accountId: '123456789012',
  availabilityZones: ['us-west-2a', 'us-west-2b'],
  gpuPools: [{ name: 'h100', instanceTypes: [GpuInstanceType.P5_48XLARGE], maxNodes: 2, efa: true }],
  teams: [{ name: 'apps', quotas: [{ pool: 'h100', gpus: 16 }] }],
  models: [{ name: 'chat-405b', team: 'apps', model: ModelPresets.LLAMA_3_1_405B_INSTRUCT, pools: ['h100'], maxModelLen: 32768, minReplicas: 1, maxReplicas: 1 }],
  kubeflow: false,
  observability: false,
};

describe('CnaiPlatform: a spec model no node holds', () => {
  test('served across nodes: the LeaderWorkerSet and EFA releases, a fixed replica count, the plan in the cost report', () => {
    const app = new App();
    const platform = new CnaiPlatform(app, 'cnai', { spec: SPEC, contract: ContractPreview.fromSpec(SPEC) });
    expect(platform.models['chat-405b'].plan.summary).toBe('405B bf16: 2 x p5.48xlarge, TP 8, PP 2');
    const objects = synthApp(app);
    expect(one(objects, 'LeaderWorkerSet', 'chat-405b').spec.replicas).toBe(1);
    expect(objects.filter((o) => o.kind === 'ScaledObject')).toEqual([]);
    expect(objects.filter((o) => o.kind === 'Application').map((o) => o.metadata.name)).toEqual(expect.arrayContaining(['lws', 'efa-device-plugin']));
    const cost = CostModel.report(SPEC);
    expect(cost.models.find((m) => m.model === 'chat-405b')).toMatchObject({ pool: 'h100', gpusPerReplica: 16 });
  });

  test('spec error: an autoscaled model served across nodes', () => {
    expect(() => validatePlatformSpec({ ...SPEC, models: [{ ...SPEC.models![0], minReplicas: 1, maxReplicas: 2 }] })).toThrow(
      'spec cnai: invalid models[0].maxReplicas = 2: the model is served across nodes (405B bf16: 2 x p5.48xlarge, TP 8, PP 2): a replica is 2 whole nodes, not autoscaled. '
      + 'Fix: give minReplicas = maxReplicas (e.g. 1).');
  });

  test('spec error: the KServe backend for a model served across nodes', () => {
    expect(() => validatePlatformSpec({ ...SPEC, models: [{ ...SPEC.models![0], backend: ServedModelBackend.KSERVE }] })).toThrow(
      'spec cnai: invalid models[0].backend = "kserve": the model is served across nodes (405B bf16: 2 x p5.48xlarge, TP 8, PP 2), which runs vLLM in a LeaderWorkerSet');
  });
});
