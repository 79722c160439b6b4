import { Chart, Duration, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { GpuInstanceType, IMAGES, ModelDtype, ModelPresets, ModelSpec, VLLM_METRICS, imageRef, ServedModelBackend, ServedModelTask } from '../../../lib/core';
import { KServeRuntime, LlmService, LlmServiceProps, MetricsComponent, MetricsTargetKind, ModelSource, NodePoolReference, KubePrometheusStack, SecretKeyRef, TeamNamespace, VllmDtype, VllmQuantization, WorkloadSelector } from '../../../lib/k8s';
import { assertValidManifests } from '../../../lib/verify/k8s';
import { contract, gpuPoolContract, ofKind, one } from '../helpers';

const a10g = NodePoolReference.fromContract(gpuPoolContract('gpu-a10g', GpuInstanceType.G5_2XLARGE, 4));
const h100 = NodePoolReference.fromContract(gpuPoolContract('gpu-h100', GpuInstanceType.P5_48XLARGE, 2));
const t4 = NodePoolReference.fromContract(gpuPoolContract('gpu-t4', GpuInstanceType.G4DN_2XLARGE, 4));
const llama8b = ModelPresets.LLAMA_3_1_8B_INSTRUCT;
const s3 = ModelSource.s3('s3://cnai-test-models/llama-3.1-8b-instruct/', { region: 'us-west-2' });

interface Setup {
  readonly chart: Chart;
  readonly team: TeamNamespace;
}

function setup(gpus = 16): Setup {
  const chart = Testing.chart();
  const team = new TeamNamespace(chart, 'team-a', { quota: { gpus, cpu: 512, memoryGiB: 4096 } });
  return { chart, team };
}

function service(s: Setup, props: Partial<LlmServiceProps> = {}, id = 'chat'): LlmService {
  return new LlmService(s.chart, id, { model: llama8b, maxModelLen: 8192, source: s3, namespace: s.team, pool: a10g, ...props } as LlmServiceProps);
}

function synth(s: Setup): any[] {
  const objects = Testing.synth(s.chart);
  // Every object the tests look at is schema-valid too.
  assertValidManifests(objects, { kubernetesVersion: '1.34' });
  return objects;
}

function container(objects: any[], name = 'chat'): any {
  return one(objects, 'Deployment', name).spec.template.spec.containers[0];
}

function flag(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i < 0 ? undefined : args[i + 1];
}

describe('LlmService (vLLM backend)', () => {
  test('vLLM args match the typed options', () => {
    const s = setup();
    service(s, {
      servedModelName: 'chat',
      maxModelLen: 4096,
      gpuMemoryUtilization: 0.85,
      maxNumSeqs: 64,
      enablePrefixCaching: false,
      dtype: VllmDtype.FLOAT16,
      extraArgs: ['--max-num-batched-tokens', '8192'],
    });
    const args: string[] = container(synth(s)).args;
    expect(args[0]).toBe('s3://cnai-test-models/llama-3.1-8b-instruct/');
    expect(flag(args, '--served-model-name')).toBe('chat');
    expect(flag(args, '--port')).toBe('8000');
    expect(flag(args, '--tensor-parallel-size')).toBe('1');
    expect(flag(args, '--max-model-len')).toBe('4096');
    expect(flag(args, '--gpu-memory-utilization')).toBe('0.85');
    expect(flag(args, '--max-num-seqs')).toBe('64');
    expect(flag(args, '--dtype')).toBe('float16');
    expect(args).toContain('--no-enable-prefix-caching');
    expect(args).not.toContain('--enable-prefix-caching');
    expect(flag(args, '--load-format')).toBe('runai_streamer');
    expect(args.slice(-2)).toEqual(['--max-num-batched-tokens', '8192']);
    expect(args).not.toContain('--pipeline-parallel-size');
    expect(args).not.toContain('--quantization');
  });

  test('quantised weights and an FP8 KV cache become --quantization and --kv-cache-dtype', () => {
    const s = setup();
    const awq = llama8b.withServing({ name: 'llama-3.1-8b-awq', weightDtype: ModelDtype.INT4, kvCacheDtype: ModelDtype.FP8 });
    service(s, { model: awq, quantization: VllmQuantization.AWQ });
    const fp8 = llama8b.withServing({ name: 'llama-3.1-8b-fp8', weightDtype: ModelDtype.FP8 });
    service(s, { model: fp8 }, 'chat-fp8');
    const objects = synth(s);
    const args: string[] = container(objects).args;
    expect(flag(args, '--quantization')).toBe('awq');
    expect(flag(args, '--kv-cache-dtype')).toBe('fp8');
    expect(flag(args, '--dtype')).toBe('auto');
    expect(flag(container(objects, 'chat-fp8').args, '--quantization')).toBe('fp8');
  });

  test('GPU, CPU and memory requests equal limits (Guaranteed QoS); scratch disk requested', () => {
    const s = setup();
    const svc = service(s);
    const r = container(synth(s)).resources;
    expect(r.limits).toEqual({ 'cpu': '7', 'memory': '28Gi', 'nvidia.com/gpu': '1' });
    expect(r.requests['nvidia.com/gpu']).toBe(r.limits['nvidia.com/gpu']);
    expect(r.requests.cpu).toBe(r.limits.cpu);
    expect(r.requests.memory).toBe(r.limits.memory);
    expect(r.requests['ephemeral-storage']).toBe(`${svc.cacheSizeGiB + 4}Gi`);
  });

  test('probes and security context as documented', () => {
    const s = setup();
    const svc = service(s, { startupTimeout: Duration.minutes(30) });
    const objects = synth(s);
    const c = container(objects);
    const podSpec = one(objects, 'Deployment', 'chat').spec.template.spec;
    expect(c.startupProbe).toEqual({ httpGet: { path: '/health', port: 8000 }, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 180 });
    expect(c.readinessProbe.httpGet).toEqual({ path: '/health', port: 8000 });
    expect(c.livenessProbe.httpGet).toEqual({ path: '/health', port: 8000 });
    expect(svc.startupTimeout.toMinutes()).toBe(30);
    expect(c.securityContext).toEqual({
      runAsNonRoot: true,
      runAsUser: 2000,
      runAsGroup: 2000,
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      privileged: false,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(podSpec.securityContext).toMatchObject({ runAsNonRoot: true, fsGroup: 2000, seccompProfile: { type: 'RuntimeDefault' } });
    expect(podSpec.automountServiceAccountToken).toBe(false);
    expect(podSpec.serviceAccountName).toBe('chat');
    // The root filesystem is read-only: every path the server writes is a volume.
    const mounts = Object.fromEntries(c.volumeMounts.map((m: any) => [m.mountPath, m.name]));
    expect(mounts).toEqual({ '/dev/shm': 'dshm', '/var/cache/model': 'model-cache', '/tmp': 'tmp' });
    const volumes = Object.fromEntries(podSpec.volumes.map((v: any) => [v.name, v.emptyDir]));
    expect(volumes.dshm).toEqual({ medium: 'Memory', sizeLimit: '2Gi' });
    const env = Object.fromEntries(c.env.map((e: any) => [e.name, e.value]));
    expect(env).toMatchObject({ HOME: '/tmp', HF_HOME: '/var/cache/model/huggingface', VLLM_CACHE_ROOT: '/var/cache/model/vllm', USER: 'vllm', HF_HUB_OFFLINE: '1' });
  });

  test('documented defaults are what is synthesized', () => {
    const s = setup();
    const svc = service(s);
    const objects = synth(s);
    const args: string[] = container(objects).args;
    // gpuMemoryUtilization 0.9, prefix caching on, bfloat16 for bf16 weights, one replica, context from maxModelLen.
    expect(flag(args, '--gpu-memory-utilization')).toBe('0.9');
    expect(args).toContain('--enable-prefix-caching');
    expect(flag(args, '--dtype')).toBe('bfloat16');
    expect(flag(args, '--served-model-name')).toBe('llama-3.1-8b-instruct');
    expect(one(objects, 'Deployment', 'chat').spec.replicas).toBe(1);
    expect(svc.minReplicas).toBe(1);
    // Startup: 10 minutes plus 20 seconds per GiB of weights (15 GiB), rounded up to minutes.
    expect(svc.startupTimeout.toSeconds()).toBe(Math.ceil((600 + Math.ceil(llama8b.weightGiB * 20)) / 60) * 60);
    // S3 streams into GPU memory: the cache only holds compile caches.
    expect(svc.cacheSizeGiB).toBe(4);
    expect(svc.backend).toBe(ServedModelBackend.VLLM);
    expect(svc.task).toBe(ServedModelTask.CHAT);
    expect(one(objects, 'Deployment', 'chat').spec.strategy.rollingUpdate).toEqual({ maxSurge: 1, maxUnavailable: 0 });
    expect(one(objects, 'Deployment', 'chat').metadata.annotations['argocd.argoproj.io/sync-wave']).toBe('1');
  });

  test('pinned image, placement on the pool, spread over zones and nodes', () => {
    const s = setup();
    service(s);
    const objects = synth(s);
    const c = container(objects);
    const podSpec = one(objects, 'Deployment', 'chat').spec.template.spec;
    expect(c.image).toBe(imageRef(IMAGES.vllmOpenai));
    expect(c.image).not.toMatch(/:latest$/);
    expect(c.command).toEqual(['vllm', 'serve']);
    expect(podSpec.nodeSelector).toEqual(a10g.nodeSelector());
    expect(podSpec.tolerations).toEqual(a10g.tolerations().map((t) => ({ ...t })));
    expect(podSpec.affinity).toBeUndefined();
    expect(podSpec.topologySpreadConstraints.map((t: any) => [t.topologyKey, t.whenUnsatisfiable, t.labelSelector.matchLabels])).toEqual([
      ['topology.kubernetes.io/zone', 'ScheduleAnyway', { 'cnai.io/llm-service': 'chat' }],
      ['kubernetes.io/hostname', 'ScheduleAnyway', { 'cnai.io/llm-service': 'chat' }],
    ]);
  });

  test('Service on port 80 to the OpenAI-compatible port, PodDisruptionBudget, ServiceAccount, base URL', () => {
    const s = setup();
    const svc = service(s);
    const objects = synth(s);
    const k8sSvc = one(objects, 'Service', 'chat');
    expect(k8sSvc.spec.ports).toEqual([{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }]);
    expect(k8sSvc.spec.selector).toEqual({ 'cnai.io/llm-service': 'chat' });
    expect(container(objects).ports).toEqual([{ name: 'http', containerPort: 8000, protocol: 'TCP' }]);
    expect(one(objects, 'PodDisruptionBudget', 'chat').spec).toEqual({ maxUnavailable: 1, selector: { matchLabels: { 'cnai.io/llm-service': 'chat' } } });
    expect(one(objects, 'ServiceAccount', 'chat').automountServiceAccountToken).toBe(false);
    expect(svc.baseUrl).toBe('http://chat.team-a.svc/v1');
    expect(svc.serviceAccountName).toBe('chat');
    expect(svc.namespaceName).toBe('team-a');
  });

  test('a large model gets several GPUs per replica, more shared memory and the pool\'s fitting types', () => {
    const s = setup();
    const svc = service(s, { model: ModelPresets.LLAMA_3_1_70B_INSTRUCT, pool: h100, replicas: 2 });
    const objects = synth(s);
    const c = container(objects);
    expect(svc.plan.tensorParallelSize).toBe(4);
    expect(flag(c.args, '--tensor-parallel-size')).toBe('4');
    expect(c.resources.limits['nvidia.com/gpu']).toBe('4');
    expect(c.resources.requests['nvidia.com/gpu']).toBe('4');
    const shm = one(objects, 'Deployment', 'chat').spec.template.spec.volumes.find((v: any) => v.name === 'dshm');
    expect(shm.emptyDir.sizeLimit).toBe('16Gi');
    expect(svc.gpuBudget).toBe(8);
  });

  test('Hugging Face source: token from the Secret, revision, HTTPS egress, weights cached on disk', () => {
    const s = setup();
    const svc = service(s, {
      source: ModelSource.huggingFace('meta-llama/Llama-3.1-8B-Instruct', {
        tokenSecret: SecretKeyRef.fromName('hf-token', 'HF_TOKEN'),
        revision: '0e9e39f249a16976918f6564b8830bc894c89659',
      }),
    });
    const objects = synth(s);
    const c = container(objects);
    expect(c.args[0]).toBe('meta-llama/Llama-3.1-8B-Instruct');
    expect(flag(c.args, '--revision')).toBe('0e9e39f249a16976918f6564b8830bc894c89659');
    expect(c.args).not.toContain('--load-format');
    expect(c.env.find((e: any) => e.name === 'HF_TOKEN')).toEqual({ name: 'HF_TOKEN', valueFrom: { secretKeyRef: { name: 'hf-token', key: 'HF_TOKEN' } } });
    expect(c.env.find((e: any) => e.name === 'HF_HUB_OFFLINE')).toBeUndefined();
    // No token value anywhere in the output.
    expect(JSON.stringify(objects)).not.toMatch(/hf_[A-Za-z0-9]{10,}/);
    expect(svc.cacheSizeGiB).toBe(Math.ceil(llama8b.weightGiB * 1.1) + 4);
    const egress = one(objects, 'NetworkPolicy', 'chat-egress').spec.egress;
    expect(egress).toHaveLength(2);
    expect(egress[1]).toEqual({ to: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports: [{ protocol: 'TCP', port: 443 }] });
  });

  test('OCI source: an init container copies the model into the cache; no egress but DNS', () => {
    const s = setup();
    service(s, { source: ModelSource.oci('123456789012.dkr.ecr.us-west-2.amazonaws.com/models/llama:8b') });
    const objects = synth(s);
    const podSpec = one(objects, 'Deployment', 'chat').spec.template.spec;
    expect(podSpec.initContainers).toHaveLength(1);
    const init = podSpec.initContainers[0];
    expect(init.image).toBe('123456789012.dkr.ecr.us-west-2.amazonaws.com/models/llama:8b');
    expect(init.command).toEqual(['cp', '-R', '/models/.', '/var/cache/model/oci']);
    expect(init.securityContext.readOnlyRootFilesystem).toBe(true);
    expect(init.resources.requests).toEqual(init.resources.limits);
    expect(container(objects).args[0]).toBe('/var/cache/model/oci');
    const egress = one(objects, 'NetworkPolicy', 'chat-egress').spec.egress;
    expect(egress).toHaveLength(1);
    expect(egress[0].ports.map((p: any) => p.port)).toEqual([53, 53]);
  });

  test('S3 source: the Pod Identity agent and HTTPS out; region and a streamer memory limit', () => {
    const s = setup();
    const svc = service(s);
    const objects = synth(s);
    const egress = one(objects, 'NetworkPolicy', 'chat-egress').spec;
    expect(egress.podSelector).toEqual({ matchLabels: { 'cnai.io/llm-service': 'chat' } });
    expect(egress.policyTypes).toEqual(['Egress']);
    expect(egress.egress[1]).toEqual({ to: [{ ipBlock: { cidr: '169.254.170.23/32' } }, { ipBlock: { cidr: 'fd00:ec2::23/128' } }], ports: [{ protocol: 'TCP', port: 80 }] });
    const env = Object.fromEntries(container(objects).env.map((e: any) => [e.name, e.value]));
    expect(env.AWS_REGION).toBe('us-west-2');
    expect(Number(env.RUNAI_STREAMER_MEMORY_LIMIT)).toBe(Math.floor(svc.plan.memoryGiB / 4) * 1024 ** 3);
  });

  test('the region comes from the contract, which must associate a role with the ServiceAccount', () => {
    const s = setup();
    const c = { ...contract([]), region: 'eu-central-1', workloadIdentities: [{ namespace: 'team-a', serviceAccount: 'chat', roleName: 'chat-models' }] };
    service(s, { source: ModelSource.s3('s3://cnai-test-models/llama/'), contract: c });
    const env = Object.fromEntries(container(synth(s)).env.map((e: any) => [e.name, e.value]));
    expect(env.AWS_REGION).toBe('eu-central-1');
  });

  test('NetworkPolicy: the metrics scraper and named clients in, on the server port', () => {
    const s = setup();
    const other = new TeamNamespace(s.chart, 'team-b');
    const svc = service(s, { allowFrom: [other.workloads({ app: 'rag-api' })] });
    const objects = synth(s);
    const metrics = one(objects, 'NetworkPolicy', 'chat-metrics').spec;
    expect(metrics.ingress).toEqual([{
      from: [{
        namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } },
        podSelector: { matchLabels: { 'app.kubernetes.io/name': 'prometheus', 'operator.prometheus.io/name': 'kube-prometheus-stack-prometheus' } },
      }],
      ports: [{ protocol: 'TCP', port: 8000 }],
    }]);
    // In a TeamNamespace, the team opens both sides of the flow.
    const ingress = ofKind(objects, 'NetworkPolicy').filter((p) => p.metadata.namespace === 'team-a' && p.metadata.name.startsWith('allow-from-'));
    expect(ingress).toHaveLength(1);
    expect(ingress[0].spec.podSelector).toEqual({ matchLabels: svc.selectorLabels });
    expect(ingress[0].spec.ingress[0]).toEqual({ from: [other.workloads({ app: 'rag-api' }).toPeer()], ports: [{ protocol: 'TCP', port: 8000 }] });
    const egress = ofKind(objects, 'NetworkPolicy').filter((p) => p.metadata.namespace === 'team-b' && p.metadata.name.startsWith('allow-to-'));
    expect(egress).toHaveLength(1);
    expect(egress[0].spec.egress[0].to).toEqual([svc.workloads().toPeer()]);
  });

  test('NetworkPolicy in a namespace that is not a TeamNamespace: the service\'s own policy, the client team\'s egress', () => {
    const s = setup();
    const plain = { namespaceName: 'serving' };
    new kplus.Namespace(s.chart, 'serving', { metadata: { name: 'serving' } });
    const svc = service(s, { namespace: plain, gpuQuota: 4 });
    svc.allowFrom(s.team.workloads({ app: 'rag-api' }));
    const objects = synth(s);
    const clients = one(objects, 'NetworkPolicy', 'chat-clients-1');
    expect(clients.metadata.namespace).toBe('serving');
    expect(clients.spec.ingress[0].from).toEqual([s.team.workloads({ app: 'rag-api' }).toPeer()]);
    const egress = ofKind(objects, 'NetworkPolicy').filter((p) => p.metadata.namespace === 'team-a' && p.metadata.name.startsWith('allow-to-'));
    expect(egress[0].spec.egress[0].to).toEqual([WorkloadSelector.inNamespace('serving', { 'cnai.io/llm-service': 'chat' }).toPeer()]);
  });

  test('ServiceMonitor with the llm_service and cnai_component target labels; the service is a metrics source', () => {
    const s = setup();
    const svc = service(s, { monitorLabels: { release: 'prometheus' } });
    const objects = synth(s);
    const sm = one(objects, 'ServiceMonitor', 'chat');
    expect(sm.metadata.labels.release).toBe('prometheus');
    expect(sm.spec.selector).toEqual({ matchLabels: { 'cnai.io/llm-service': 'chat' } });
    expect(sm.spec.namespaceSelector).toEqual({ matchNames: ['team-a'] });
    expect(sm.spec.endpoints[0]).toMatchObject({ port: 'http', path: '/metrics' });
    expect(sm.spec.endpoints[0].relabelings).toEqual([
      { action: 'replace', targetLabel: 'llm_service', replacement: 'chat' },
      { action: 'replace', targetLabel: 'cnai_component', replacement: 'vllm' },
    ]);
    expect(svc.metricsEndpoint.targetKind).toBe(MetricsTargetKind.SERVICE);
    expect(svc.metricsEndpoint.component).toBe(MetricsComponent.VLLM);
    expect(svc.metricsEndpoint.labels).toEqual({ llm_service: 'chat' });
    expect(one(objects, 'Service', 'chat').metadata.labels).toMatchObject(svc.metricsEndpoint.selector);
  });

  test('monitoring can be left to the platform', () => {
    const s = setup();
    service(s, { monitoring: false });
    expect(ofKind(synth(s), 'ServiceMonitor')).toHaveLength(0);
  });

  test('embeddings: pooling runner, no prefix caching, no KV-cache trigger', () => {
    const s = setup();
    const svc = service(s, { model: ModelPresets.BGE_LARGE_EN_V1_5, maxModelLen: undefined, autoscaling: { maxReplicas: 2 } }, 'embed');
    const objects = synth(s);
    const args: string[] = container(objects, 'embed').args;
    expect(svc.task).toBe(ServedModelTask.EMBED);
    expect(flag(args, '--runner')).toBe('pooling');
    expect(args).not.toContain('--enable-prefix-caching');
    expect(flag(args, '--dtype')).toBe('float16');
    expect(flag(args, '--max-model-len')).toBe('512');
    expect(one(objects, 'Deployment', 'embed').metadata.labels['app.kubernetes.io/component']).toBe('embedding-server');
    expect(one(objects, 'ScaledObject', 'embed').spec.triggers.map((t: any) => t.name)).toEqual(['waiting-requests']);
  });

  test('a generative checkpoint served for embeddings is converted', () => {
    const s = setup();
    service(s, { task: ServedModelTask.EMBED }, 'e5');
    const args: string[] = container(synth(s), 'e5').args;
    expect(flag(args, '--runner')).toBe('pooling');
    expect(flag(args, '--convert')).toBe('embed');
  });

  test('on Turing GPUs a bf16 model is served in float16', () => {
    const s = setup();
    service(s, { pool: t4, model: ModelPresets.QWEN2_5_7B_INSTRUCT.withServing({ weightDtype: ModelDtype.INT4 }), quantization: VllmQuantization.AWQ, maxModelLen: 4096 }, 'qwen');
    const small = new ModelSpec({ name: 'small-bf16', parametersBillions: 1.5, maxContextLength: 4096, layers: 28, hiddenSize: 1536, attentionHeads: 12, kvHeads: 2 });
    expect(small.weightDtype).toBe(ModelDtype.BF16);
    service(s, { pool: t4, model: small, maxModelLen: undefined }, 'small');
    const objects = synth(s);
    expect(flag(container(objects, 'qwen').args, '--dtype')).toBe('auto');
    expect(flag(container(objects, 'small').args, '--dtype')).toBe('float16');
  });

  test('client settings: base URL and model, OpenLLMetry to the collector with content off unless opted in', () => {
    const s = setup();
    const svc = service(s, { servedModelName: 'chat' });
    const collector = { otlpHttpEndpoint: 'http://otel-collector.monitoring.svc:4318' };
    const settings = svc.clientSettings({ collector, serviceName: 'rag-api' });
    expect(settings.environment).toEqual({
      OPENAI_BASE_URL: 'http://chat.team-a.svc/v1',
      OPENAI_MODEL: 'chat',
      OTEL_SERVICE_NAME: 'rag-api',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://otel-collector.monitoring.svc:4318',
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
      TRACELOOP_BASE_URL: 'http://otel-collector.monitoring.svc:4318',
      TRACELOOP_TRACE_CONTENT: 'false',
      TRACELOOP_TELEMETRY: 'false',
      OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: 'false',
    });
    expect(settings.toEnvVars()[0]).toEqual({ name: 'OPENAI_BASE_URL', value: 'http://chat.team-a.svc/v1' });
    const traced = svc.clientSettings({ collector, serviceName: 'eval-job', traceContent: true });
    expect(traced.environment.TRACELOOP_TRACE_CONTENT).toBe('true');
    expect(svc.clientSettings().environment).toEqual({ OPENAI_BASE_URL: 'http://chat.team-a.svc/v1', OPENAI_MODEL: 'chat' });
    expect(() => svc.clientSettings({ collector: { otlpHttpEndpoint: 'otel:4318' }, serviceName: 'x' })).toThrow(/invalid telemetry\.collector\.otlpHttpEndpoint = "otel:4318": not an http\(s\) URL/);
  });
});

describe('LlmService (KServe backend)', () => {
  test('InferenceService in Standard mode, KServe\'s HPA off, pinned Hugging Face runtime, storageUri from the model store', () => {
    const s = setup();
    const svc = service(s, { backend: ServedModelBackend.KSERVE, autoscaling: { minReplicas: 1, maxReplicas: 3 } });
    const objects = synth(s);
    const isvc = one(objects, 'InferenceService', 'chat');
    expect(isvc.apiVersion).toBe('serving.kserve.io/v1beta1');
    expect(isvc.metadata.annotations).toMatchObject({
      'serving.kserve.io/deploymentMode': 'Standard',
      'serving.kserve.io/autoscalerClass': 'external',
    });
    const p = isvc.spec.predictor;
    expect(p.minReplicas).toBe(1);
    expect(p.maxReplicas).toBe(3);
    expect(p.model.runtime).toBe('kserve-huggingfaceserver');
    expect(p.model.modelFormat).toEqual({ name: 'huggingface' });
    expect(p.model.image).toBe('docker.io/kserve/huggingfaceserver:v0.20.0-gpu');
    expect(p.model.storageUri).toBe('s3://cnai-test-models/llama-3.1-8b-instruct/');
    expect(p.model.args).toEqual([
      '--model_name=llama-3.1-8b-instruct', '--backend=vllm', '--max_model_len=8192', '--dtype=bfloat16',
      '--tensor-parallel-size=1', '--gpu-memory-utilization=0.9', '--enable-prefix-caching',
    ]);
    // Same resources, probes, security and placement as the vLLM backend.
    expect(p.model.resources.limits).toEqual({ 'cpu': '7', 'memory': '28Gi', 'nvidia.com/gpu': '1' });
    expect(p.model.resources.requests['nvidia.com/gpu']).toBe('1');
    expect(p.model.readinessProbe.httpGet).toEqual({ path: '/v1/models/llama-3.1-8b-instruct', port: 8080 });
    expect(p.model.startupProbe.failureThreshold).toBe(svc.startupTimeout.toSeconds() / 10);
    expect(p.model.securityContext.readOnlyRootFilesystem).toBe(true);
    expect(p.securityContext.runAsNonRoot).toBe(true);
    expect(p.serviceAccountName).toBe('chat');
    expect(p.nodeSelector).toEqual(a10g.nodeSelector());
    expect(p.labels['cnai.io/llm-service']).toBe('chat');
    expect(p.volumes.map((v: any) => v.name)).toEqual(['dshm', 'model-cache', 'tmp']);
    // No Deployment of our own: KServe makes <name>-predictor, which KEDA scales.
    expect(ofKind(objects, 'Deployment')).toHaveLength(0);
    expect(one(objects, 'ScaledObject', 'chat').spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'chat-predictor' });
    expect(one(objects, 'PodDisruptionBudget', 'chat-predictor').spec.selector).toEqual({ matchLabels: { 'cnai.io/llm-service': 'chat' } });
    expect(svc.baseUrl).toBe('http://chat-predictor.team-a.svc/openai/v1');
    expect(svc.deploymentName).toBe('chat-predictor');
  });

  test('PodMonitor on the predictor pods', () => {
    const s = setup();
    const svc = service(s, { backend: ServedModelBackend.KSERVE });
    const objects = synth(s);
    const pm = one(objects, 'PodMonitor', 'chat');
    expect(pm.spec.selector).toEqual({ matchLabels: { 'cnai.io/llm-service': 'chat' } });
    expect(pm.spec.podMetricsEndpoints[0]).toMatchObject({ port: 'http', path: '/metrics' });
    expect(pm.spec.podMetricsEndpoints[0].relabelings[1]).toEqual({ action: 'replace', targetLabel: 'cnai_component', replacement: 'kserve' });
    expect(svc.metricsEndpoint.targetKind).toBe(MetricsTargetKind.POD);
    expect(ofKind(objects, 'ServiceMonitor')).toHaveLength(0);
  });

  test('Hugging Face model on the Hugging Face runtime: downloaded by the server with the token from the Secret', () => {
    const s = setup();
    service(s, {
      backend: ServedModelBackend.KSERVE,
      source: ModelSource.huggingFace('BAAI/bge-large-en-v1.5', { tokenSecret: SecretKeyRef.fromName('hf-token', 'token'), revision: 'v1' }),
      model: ModelPresets.BGE_LARGE_EN_V1_5,
      maxModelLen: undefined,
    }, 'embed');
    const m = one(synth(s), 'InferenceService', 'embed').spec.predictor.model;
    expect(m.storageUri).toBeUndefined();
    // KServe v0.20.0's Hugging Face server hands every flag to vLLM's parser with the vLLM backend
    // (parse_known_args: an unknown flag such as --task is dropped); vLLM 0.24 selects embeddings with --runner.
    expect(m.args).toEqual([
      '--model_name=bge-large-en-v1.5', '--model_id=BAAI/bge-large-en-v1.5', '--model_revision=v1', '--backend=vllm', '--runner=pooling',
      '--max_model_len=512', '--dtype=float16', '--tensor-parallel-size=1', '--gpu-memory-utilization=0.9',
    ]);
    expect(m.args.join(' ')).not.toMatch(/--task/);
    expect(m.env.find((e: any) => e.name === 'HF_TOKEN').valueFrom).toEqual({ secretKeyRef: { name: 'hf-token', key: 'token' } });
  });

  test('vLLM runtime: a namespaced ServingRuntime wrapping the pinned vLLM image; OCI models as modelcars', () => {
    const s = setup();
    const svc = service(s, {
      backend: ServedModelBackend.KSERVE,
      kserveRuntime: KServeRuntime.VLLM,
      source: ModelSource.oci('123456789012.dkr.ecr.us-west-2.amazonaws.com/models/llama:8b'),
    });
    const objects = synth(s);
    const rt = one(objects, 'ServingRuntime', 'chat-vllm');
    expect(rt.spec.containers[0]).toMatchObject({ name: 'kserve-container', image: imageRef(IMAGES.vllmOpenai), command: ['vllm', 'serve'] });
    expect(rt.spec.supportedModelFormats).toEqual([{ name: 'vllm', version: '1', autoSelect: false }]);
    const m = one(objects, 'InferenceService', 'chat').spec.predictor.model;
    expect(m.runtime).toBe('chat-vllm');
    expect(m.modelFormat).toEqual({ name: 'vllm' });
    expect(m.storageUri).toBe('oci://123456789012.dkr.ecr.us-west-2.amazonaws.com/models/llama:8b');
    expect(m.args[0]).toBe('/mnt/models');
    expect(flag(m.args, '--port')).toBe('8000');
    expect(m.readinessProbe.httpGet).toEqual({ path: '/health', port: 8000 });
    expect(svc.baseUrl).toBe('http://chat-predictor.team-a.svc/v1');
    expect(svc.metricsEndpoint.component).toBe(MetricsComponent.VLLM);
  });
});

describe('LlmService autoscaling', () => {
  test('the ScaledObject queries name the right metric and service, with per-replica targets and slow scale-down', () => {
    const s = setup();
    const svc = service(s, { autoscaling: { minReplicas: 1, maxReplicas: 4, targetWaitingRequests: 3, targetKvCacheUsage: 0.75 } });
    const objects = synth(s);
    const so = one(objects, 'ScaledObject', 'chat');
    expect(so.apiVersion).toBe('keda.sh/v1alpha1');
    expect(so.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'chat' });
    expect(so.spec.minReplicaCount).toBe(1);
    expect(so.spec.maxReplicaCount).toBe(4);
    const [waiting, kv] = so.spec.triggers;
    expect(waiting).toEqual({
      type: 'prometheus',
      name: 'waiting-requests',
      metricType: 'AverageValue',
      metadata: {
        serverAddress: 'http://kube-prometheus-stack-prometheus.monitoring.svc:9090',
        query: 'sum(vllm:num_requests_waiting{namespace="team-a",llm_service="chat"}) or vector(0)',
        threshold: '3',
      },
    });
    expect(waiting.metadata.query).toContain(VLLM_METRICS.numRequestsWaiting);
    expect(kv.metadata.query).toBe(`sum(${VLLM_METRICS.kvCacheUsagePerc}{namespace="team-a",llm_service="chat"}) or vector(0)`);
    expect(kv.metadata.threshold).toBe('0.75');
    expect(so.spec.advanced.horizontalPodAutoscalerConfig.behavior.scaleDown).toEqual({ stabilizationWindowSeconds: 600, policies: [{ type: 'Pods', value: 1, periodSeconds: 300 }] });
    expect(so.spec.cooldownPeriod).toBeUndefined();
    // KEDA owns the replica count.
    expect(one(objects, 'Deployment', 'chat').spec.replicas).toBeUndefined();
    expect(svc.autoscaling!.queries['waiting-requests']).toBe(waiting.metadata.query);
  });

  test('scale to zero only on opt-in, with an activation query and an idle period', () => {
    const s = setup();
    service(s, {
      autoscaling: {
        minReplicas: 0,
        maxReplicas: 2,
        scaleToZero: { activationQuery: 'sum(rag_api_pending_llm_requests{namespace="team-a"})', idleAfter: Duration.minutes(45) },
      },
      metricsBackend: { ...KubePrometheusStack.platformDefault(), queryUrl: 'http://prometheus.monitoring.svc:9090' },
    });
    const so = one(synth(s), 'ScaledObject', 'chat');
    expect(so.spec.minReplicaCount).toBe(0);
    expect(so.spec.cooldownPeriod).toBe(2700);
    const activation = so.spec.triggers.find((t: any) => t.name === 'activation');
    expect(activation.metadata).toEqual({
      serverAddress: 'http://prometheus.monitoring.svc:9090',
      query: 'sum(rag_api_pending_llm_requests{namespace="team-a"})',
      threshold: '1000000',
      activationThreshold: '0',
    });
  });
});

describe('LlmService errors', () => {
  const cases: [string, (s: Setup) => unknown, RegExp][] = [
    ['a model that fits no allowed pool', (s) => service(s, { model: ModelPresets.LLAMA_3_1_70B_INSTRUCT }),
      /test\/chat: invalid model = "llama-3\.1-70b-instruct": needs .* GiB per GPU .*nothing fits among g5\.2xlarge \(pool gpu-a10g\)\. Fix: /],
    ['a tensor-parallel degree that does not divide the heads', (s) => service(s, { pool: h100, tensorParallelSize: 3 }),
      /test\/chat: invalid tensorParallelSize = 3: does not divide the 32 attention heads/],
    ['a tensor-parallel degree that does not divide the GPUs per replica', (s) => service(s, { pool: h100, tensorParallelSize: 2, gpusPerReplica: 3 }),
      /invalid tensorParallelSize = 2: does not divide gpusPerReplica \(3\)/],
    ['max model length over the model\'s context', (s) => service(s, { maxModelLen: 200000 }),
      /test\/chat: invalid maxModelLen = 200000: above the context length of llama-3\.1-8b-instruct \(131072 tokens\)\. Fix: give at most 131072/],
    ['min replicas above max replicas', (s) => service(s, { autoscaling: { minReplicas: 3, maxReplicas: 2 } }),
      /test\/chat: invalid autoscaling\.minReplicas = 3: above maxReplicas \(2\)/],
    ['a Hugging Face token as a plain string prop', (s) => service(s, { hfToken: 'hf_abcdefghijklmnop' } as never),
      /test\/chat: invalid hfToken = "<not shown>": a token cannot be given inline/],
    ['a Hugging Face token string in place of the Secret reference', (s) => service(s, { source: ModelSource.huggingFace('org/model', { tokenSecret: 'hf_abc' as never }) }),
      /invalid tokenSecret = "<string of 6 characters, not shown>": a plain string where a Secret reference is expected/],
    ['a string in place of the model source', (s) => service(s, { source: 'hf_abcdefghijklmnop' as never }),
      /test\/chat: invalid source = "<string, not shown>": not a ModelSource/],
    ['scale to zero without opting in', (s) => service(s, { autoscaling: { minReplicas: 0, maxReplicas: 2 } }),
      /invalid autoscaling\.minReplicas = 0: scaling to zero means a cold start .*Fix: opt in with scaleToZero/],
    ['a GPU budget above the pool\'s capacity', (s) => service(s, { autoscaling: { maxReplicas: 5 } }),
      /invalid autoscaling\.maxReplicas = 5: 5 replicas x 1 GPU = 5 GPUs, more than pool gpu-a10g can ever hold \(4\)\. Fix: give at most 4 replicas/],
    ['a GPU budget above the team\'s quota', (s) => service(s, { pool: h100, model: ModelPresets.LLAMA_3_1_70B_INSTRUCT, replicas: 3 }),
      /invalid replicas = 3: 3 replicas x 4 GPUs = 12 GPUs, more than the GPU quota of namespace team-a \(8\)\. Fix: give at most 2 replicas, or raise the team's quota/],
    ['a GPU budget above an explicit quota', (s) => service(s, { gpuQuota: 1, replicas: 2 }),
      /invalid replicas = 2: .* more than the GPU quota of namespace team-a \(1\)/],
    ['generation with an embedding model', (s) => service(s, { model: ModelPresets.BGE_LARGE_EN_V1_5, task: ServedModelTask.CHAT, maxModelLen: 512 }),
      /invalid task = "chat": bge-large-en-v1\.5 is an embedding model/],
    ['a quantization that disagrees with the spec', (s) => service(s, { quantization: VllmQuantization.AWQ }),
      /invalid quantization = "awq": stores int4 weights, but the model spec llama-3\.1-8b-instruct says bf16/],
    ['bfloat16 on Turing GPUs', (s) => service(s, { pool: t4, model: ModelPresets.BGE_LARGE_EN_V1_5, maxModelLen: undefined, dtype: VllmDtype.BFLOAT16 }),
      /invalid dtype = "bfloat16": the T4 GPUs of pool gpu-t4 \(Turing\) have no bfloat16/],
    ['an extra arg that a prop owns', (s) => service(s, { extraArgs: ['--max-model-len=4096'] }),
      /invalid extraArgs\[0\] = "--max-model-len=4096": --max-model-len is set by a prop of the service/],
    ['a fixed count and autoscaling', (s) => service(s, { replicas: 2, autoscaling: { maxReplicas: 2 } }),
      /invalid replicas = 2: a fixed count and autoscaling are both given/],
    ['zero fixed replicas', (s) => service(s, { replicas: 0 }), /invalid replicas = 0: not a whole number of at least 1/],
    ['a KServe runtime without the KServe backend', (s) => service(s, { kserveRuntime: KServeRuntime.VLLM }),
      /invalid kserveRuntime = "vllm": only the KServe backend has a serving runtime/],
    ['a KServe name too long for <name>-predictor', (s) => service(s, { backend: ServedModelBackend.KSERVE, name: 'a'.repeat(54) }),
      /KServe names its Service <name>-predictor/],
    ['scale to zero on KServe', (s) => service(s, { backend: ServedModelBackend.KSERVE, autoscaling: { minReplicas: 0, maxReplicas: 2, scaleToZero: { activationQuery: 'x' } } }),
      /invalid autoscaling\.scaleToZero = "set": KServe's Standard mode keeps at least one predictor replica/],
    ['scaleToZero with minReplicas above 0', (s) => service(s, { autoscaling: { minReplicas: 1, maxReplicas: 2, scaleToZero: { activationQuery: 'x' } } }),
      /invalid autoscaling\.scaleToZero = "set": has no effect with minReplicas 1/],
    ['an empty activation query', (s) => service(s, { autoscaling: { minReplicas: 0, maxReplicas: 2, scaleToZero: { activationQuery: ' ' } } }),
      /invalid autoscaling\.scaleToZero\.activationQuery = " ": empty/],
    ['a KV-cache target above 1', (s) => service(s, { autoscaling: { maxReplicas: 2, targetKvCacheUsage: 80 } }),
      /invalid autoscaling\.targetKvCacheUsage = 80: must be a share in \(0, 1\]/],
    ['a waiting-requests target of 0', (s) => service(s, { autoscaling: { maxReplicas: 2, targetWaitingRequests: 0 } }),
      /invalid autoscaling\.targetWaitingRequests = 0: must be more than 0/],
    ['a scale-down window beyond an hour', (s) => service(s, { autoscaling: { maxReplicas: 2, scaleDownStabilization: Duration.hours(2) } }),
      /invalid autoscaling\.scaleDownStabilization = "7200s": the HPA accepts 0 to 3600 seconds/],
    ['a scale-down step beyond 30 minutes', (s) => service(s, { autoscaling: { maxReplicas: 2, scaleDownStep: Duration.hours(1) } }),
      /invalid autoscaling\.scaleDownStep = "3600s": the HPA accepts policy periods of 1 to 1800 seconds/],
    ['no maxReplicas', (s) => service(s, { autoscaling: { maxReplicas: 0 } }), /invalid autoscaling\.maxReplicas = 0: not a whole number of at least 1/],
    ['an S3 model without a workload identity in the contract', (s) => service(s, { contract: contract([]) }),
      /invalid serviceAccountName = "team-a\/chat": the contract has no workload identity for it.*Fix: add a WorkloadIdentity for namespace team-a and service account chat/],
    ['a served model name clients cannot send', (s) => service(s, { servedModelName: 'my model' }), /invalid servedModelName = "my model"/],
    ['a startup budget under a minute', (s) => service(s, { startupTimeout: Duration.seconds(30) }), /invalid startupTimeout = "30s": too short/],
    ['pool and pools together', (s) => service(s, { pools: [a10g] }), /invalid pools = \["gpu-a10g"\]: both pool and pools are given/],
    ['prefix caching for embeddings', (s) => service(s, { model: ModelPresets.BGE_LARGE_EN_V1_5, maxModelLen: 512, enablePrefixCaching: true }),
      /invalid enablePrefixCaching = true: embedding models have no KV cache to reuse/],
    ['a GPU memory share above 1', (s) => service(s, { gpuMemoryUtilization: 90 }), /invalid gpuMemoryUtilization = 90: must be a share of GPU memory in \(0, 1\]/],
    ['a fractional batch size', (s) => service(s, { maxNumSeqs: 2.5 }), /invalid maxNumSeqs = 2\.5: not a positive whole number/],
    ['a fractional context length', (s) => service(s, { maxModelLen: 1000.5 }), /invalid maxModelLen = 1000\.5: not a positive whole number of tokens/],
    ['a cache size that is not whole GiB', (s) => service(s, { cacheSizeGiB: 0 }), /invalid cacheSizeGiB = 0: not a whole number of GiB/],
    ['a spec that is not a ModelSpec', (s) => service(s, { model: { name: 'x' } as never }), /invalid model = \{"name":"x"\}: not a ModelSpec/],
    ['a client that is not a workload selector', (s) => service(s).allowFrom('rag-api' as never), /invalid allowFrom = "rag-api": not a WorkloadSelector/],
    ['a bad service name', (s) => service(s, { name: 'Chat_Service' }), /invalid name = "Chat_Service"/],
  ];
  test.each(cases)('%s', (_name, make, message) => {
    expect(() => make(setup(8))).toThrow(message);
  });
});
