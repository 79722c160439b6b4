/**
 * LLM serving on the platform: a chat model and an embedding model for retrieval, on two
 * GPU pools, one with each backend, both autoscaled on vLLM's own load signals.
 *
 * - `chat`: Llama 3.1 8B Instruct from the model store (S3, read with the workload identity
 *   of its ServiceAccount), served by a vLLM Deployment on the L40S pool (Karpenter).
 * - `embed`: bge-large-en-v1.5 from the Hugging Face Hub, served by a KServe InferenceService
 *   (Standard mode, Hugging Face runtime with the vLLM engine) on the A10G managed node group.
 * - The team's `rag-api` pods may call both; a ConfigMap carries their client settings.
 *
 *   npx cdk8s synth      # dist/0000-platform-operators.k8s.yaml ... 0003-serving.k8s.yaml
 */
import { App, Chart, YamlOutputType } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { core } from '../../lib';
import {
  CapacityType, CnaiKubernetesPlatform, ConsolidationPolicy, GpuNodePool, LlmService, ModelSource, NodePoolReference,
  ServingBackend,
} from '../../lib/k8s';

const { GpuInstanceType, ModelPresets, NODE_LABELS, NodePoolProvisioner, PlatformNaming, TaintEffect } = core;

/** The team that runs the services. */
export const TEAM = 'team-language';

/** The platform contract as the AWS layer outputs it (written out here for the example). */
export function exampleContract(): core.PlatformContract {
  const naming = new PlatformNaming({ platformName: 'cnai', environment: 'dev', region: 'us-west-2', accountId: '123456789012' });
  const a10g = GpuInstanceType.G5_2XLARGE;
  return {
    platformName: naming.platformName,
    environment: naming.environment,
    region: naming.region,
    accountId: naming.accountId,
    clusterName: naming.clusterName,
    kubernetesVersion: '1.34',
    buckets: { models: naming.bucketName('models'), datasets: naming.bucketName('datasets') },
    nodePools: [
      {
        name: 'system',
        provisioner: NodePoolProvisioner.MANAGED_NODE_GROUP,
        instanceTypes: ['m7i.xlarge'],
        labels: { [NODE_LABELS.pool]: 'system', [NODE_LABELS.acceleratorFamily]: 'cpu' },
        taints: [],
        gpusPerNode: 0,
        gpuMemoryGiB: 0,
        efa: false,
        maxNodes: 4,
      },
      {
        name: 'gpu-a10g',
        provisioner: NodePoolProvisioner.MANAGED_NODE_GROUP,
        instanceTypes: [a10g.name],
        labels: { [NODE_LABELS.pool]: 'gpu-a10g', [NODE_LABELS.acceleratorFamily]: a10g.family, [NODE_LABELS.gpuProduct]: a10g.gpuProduct },
        taints: [{ key: 'nvidia.com/gpu', effect: TaintEffect.NO_SCHEDULE }],
        gpusPerNode: a10g.gpuCount,
        gpuMemoryGiB: a10g.gpuMemoryGiB,
        efa: false,
        maxNodes: 4,
      },
    ],
    // The AWS layer associates the model-store reader role with the chat server's ServiceAccount.
    workloadIdentities: [{ namespace: TEAM, serviceAccount: 'chat', roleName: naming.roleName('chat-models') }],
  };
}

/** Builds the example app (also used by the tests). */
export function buildLlmServingApp(outdir?: string): App {
  const app = new App({ outdir, yamlOutputType: YamlOutputType.FILE_PER_CHART });
  const contract = exampleContract();

  // In-cluster GPU pool: L40S nodes (48 GB) that Karpenter launches on demand, up to 8 GPUs.
  const pools = new Chart(app, 'node-pools');
  const l40s = new GpuNodePool(pools, 'gpu-l40s', {
    instanceTypes: [GpuInstanceType.G6E_XLARGE, GpuInstanceType.G6E_2XLARGE],
    maxGpus: 8,
    capacityTypes: [CapacityType.ON_DEMAND],
    // Serving replicas are stateless: nodes may be consolidated when underused.
    consolidationPolicy: ConsolidationPolicy.WHEN_EMPTY_OR_UNDERUTILIZED,
    clusterName: contract.clusterName,
    nodeRole: new PlatformNaming(contract).roleName('karpenter-node'),
  });
  const a10g = NodePoolReference.fromContract(contract.nodePools.find((p) => p.name === 'gpu-a10g')!);

  const platform = new CnaiKubernetesPlatform(app, 'platform', {
    contract,
    nodePools: [l40s],
    teams: [{ name: TEAM, quotas: [{ pool: a10g, gpus: 4 }, { pool: l40s, gpus: 8 }], developerGroups: ['language-developers'] }],
  });
  pools.addDependency(platform.operators!);
  const team = platform.teams[TEAM];
  const ragApi = team.workloads({ app: 'rag-api' });

  const serving = new Chart(app, 'serving');
  serving.addDependency(platform);

  // Chat: sized for 32k tokens of context on one L40S; 1 to 4 replicas on queue length and KV cache.
  const chat = new LlmService(serving, 'chat', {
    model: ModelPresets.LLAMA_3_1_8B_INSTRUCT,
    maxModelLen: 32768,
    source: ModelSource.fromModelStore(contract, 'llama-3.1-8b-instruct'),
    contract,
    namespace: team,
    pool: l40s,
    autoscaling: { minReplicas: 1, maxReplicas: 4 },
    allowFrom: [ragApi],
  });

  // Embeddings for retrieval: a small model, so less CPU and memory than a whole node's share.
  const embed = new LlmService(serving, 'embed', {
    model: ModelPresets.BGE_LARGE_EN_V1_5,
    source: ModelSource.huggingFace('BAAI/bge-large-en-v1.5'),
    backend: ServingBackend.KSERVE,
    namespace: team,
    pool: a10g,
    cpu: 4,
    memoryGiB: 16,
    autoscaling: { minReplicas: 1, maxReplicas: 2, targetWaitingRequests: 10 },
    allowFrom: [ragApi],
  });

  // What the RAG application reads (envFrom): endpoints, models and its tracing settings.
  // The platform's TelemetryCollector has this otlpHttpEndpoint (any OTLP/HTTP endpoint will do).
  const collector = { otlpHttpEndpoint: 'http://otel-collector.monitoring.svc:4318' };
  const settings = chat.clientSettings({ collector, serviceName: 'rag-api' });
  new k8s.KubeConfigMap(serving, 'RagApiSettings', {
    metadata: { name: 'rag-api-llm', namespace: team.namespaceName },
    data: {
      ...settings.environment,
      EMBEDDINGS_BASE_URL: embed.baseUrl,
      EMBEDDINGS_MODEL: embed.engine.servedModelName,
    },
  });
  return app;
}

if (require.main === module) {
  buildLlmServingApp().synth();
}
