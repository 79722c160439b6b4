/**
 * LLM serving on the platform: a chat model and an embedding model for retrieval, on two
 * GPU pools, one with each backend, both autoscaled on vLLM's own load signals.
 *
 * - `chat`: Llama 3.1 8B Instruct from the model store (S3, read with the workload identity
 *   of its ServiceAccount), served by a vLLM Deployment on the L40S pool (Karpenter).
 * - `embed`: bge-large-en-v1.5 from the Hugging Face Hub, served by a KServe InferenceService
 *   (Standard mode, Hugging Face runtime with the vLLM engine) on the A10G managed node group.
 * - The team's `rag-api` pods may call both; a ConfigMap carries their client settings.
 * - One gateway for both (Envoy AI Gateway on Envoy Gateway, in-cluster only): the `rag-api`
 *   pods may also call `http://model-gateway.envoy-gateway-system.svc:8080/v1` with either model's
 *   name, and the gateway routes on it. The chat model (vLLM) is an InferencePool there: its
 *   endpoint picker sends each request to the replica with the shortest queue and the most free
 *   KV cache; the embedding model (KServe) is reached through its Service.
 *
 * The contract is the one of the AWS layer (aws.ts): the stack `CnaiAwsStack.fromSpec` builds
 * from spec.ts, plus the chat server's identity (see buildLlmServingAws and exampleContract).
 *
 *   npx cdk8s synth      # dist/0000-platform-operators.k8s.yaml ... 0003-serving.k8s.yaml
 */
import { App, Chart, YamlOutputType } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { core, ServedModelBackend } from 'cnai-constructs';
import {
  CapacityType, CnaiApp, CnaiKubernetesPlatform, ConsolidationPolicy, GpuNodePool, LlmService, MetricsScraping, ModelGateway, ModelSource,
  NodePoolReference, OperatorCatalogue, PlatformAdmissionPolicies, Suppressions, WorkloadPriority,
} from 'cnai-constructs/k8s';
import { A10G_POOL, CHAT_MODEL_PREFIX, H100_POOL, LARGE_CHAT_MODEL_PREFIX, LLM_SERVING_AWS, LLM_SERVING_SPEC, TEAM } from './spec';

const { GpuInstanceType, ModelPresets } = core;

export { TEAM } from './spec';

/**
 * The contract of the AWS layer: the applied one when `platform-contract.json` exists next
 * to this file (`terraform output -json platform_contract > platform-contract.json`), else
 * the preview of buildLlmServingAws's stack (real names, labels, taints and identities; the
 * values known only after apply marked as pending), derived without the AWS layer.
 */
export function exampleContract(dir: string = __dirname): core.PlatformContract {
  return core.ContractPreview.appliedOrPreview(dir, LLM_SERVING_SPEC, LLM_SERVING_AWS);
}

/** Builds the example app (also used by the tests). */
export function buildLlmServingApp(outdir?: string): App {
  const app = new CnaiApp({ outdir, yamlOutputType: YamlOutputType.FILE_PER_CHART });
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
    nodeRole: contract.karpenter!.nodeRoleName,
  });
  const a10g = NodePoolReference.fromContract(contract.nodePools.find((p) => p.name === A10G_POOL)!);
  // Two p5.48xlarge with EFA: the 405B model's pipeline stages.
  const h100 = NodePoolReference.fromContract(contract.nodePools.find((p) => p.name === H100_POOL)!);

  const platform = new CnaiKubernetesPlatform(app, 'platform', {
    contract,
    // The platform's operators plus the Karpenter controller the AWS side prepared, and the model gateway's releases.
    operatorReleases: [
      ...OperatorCatalogue.platformDefaults(), OperatorCatalogue.karpenter({ contract }), ...OperatorCatalogue.modelGateway({ tokenBudgets: true }),
      // A model served across nodes runs in a LeaderWorkerSet, its stages talk over EFA.
      OperatorCatalogue.leaderWorkerSet(), OperatorCatalogue.efaDevicePlugin({ pools: [h100] }),
    ],
    nodePools: [l40s],
    teams: [{ name: TEAM, quotas: [{ pool: a10g, gpus: 4 }, { pool: l40s, gpus: 8 }, { pool: h100, gpus: 16 }], developerGroups: ['language-developers'] }],
  });
  // Platform services and served models outrank training and notebooks.
  const high = platform.queues.priorityClass(WorkloadPriority.HIGH);
  pools.addDependency(platform.operators!);
  const team = platform.teams[TEAM];
  const ragApi = team.workloads({ app: 'rag-api' });

  const serving = new Chart(app, 'serving');
  serving.addDependency(platform);

  // Chat: sized for 32k tokens of context on one L40S; 1 to 4 replicas on queue length and KV cache.
  const chat = new LlmService(serving, 'chat', {
    priorityClass: high,
    model: ModelPresets.LLAMA_3_1_8B_INSTRUCT,
    maxModelLen: 32768,
    // Read with the identity buildLlmServingAws gives the service account `chat`.
    source: ModelSource.fromModelStore(contract, CHAT_MODEL_PREFIX),
    contract,
    namespace: team,
    pools: [l40s],
    autoscaling: { minReplicas: 1, maxReplicas: 4 },
    allowFrom: [ragApi],
  });

  // Embeddings for retrieval: a small model, so less CPU and memory than a whole node's share.
  const embed = new LlmService(serving, 'embed', {
    priorityClass: high,
    model: ModelPresets.BGE_LARGE_EN_V1_5,
    source: ModelSource.huggingFace('BAAI/bge-large-en-v1.5'),
    backend: ServedModelBackend.KSERVE,
    namespace: team,
    pools: [a10g],
    cpu: 4,
    memoryGiB: 16,
    autoscaling: { minReplicas: 1, maxReplicas: 2, targetWaitingRequests: 10 },
    allowFrom: [ragApi],
  });
  Suppressions.add(embed, 'ai-model-source', 'a public embedding model pulled from the Hugging Face Hub at start, so that the '
    + 'example runs as it is; in production copy it into the model store and serve it with ModelSource.fromModelStore', { resource: 'InferenceService' });

  // Llama 3.1 405B: no node holds its weights, so sizing serves it across nodes (405B bf16: 2 x p5.48xlarge,
  // TP 8, PP 2) as a LeaderWorkerSet: a leader (Ray head and vllm serve) and a worker per replica.
  const large = new LlmService(serving, 'chat-405b', {
    priorityClass: high,
    model: ModelPresets.LLAMA_3_1_405B_INSTRUCT,
    maxModelLen: 32768,
    // Read with the identity buildLlmServingAws gives the service account `chat-405b`, leaders and workers alike.
    source: ModelSource.fromModelStore(contract, LARGE_CHAT_MODEL_PREFIX),
    contract,
    namespace: team,
    pools: [h100],
    replicas: 1,
    allowFrom: [ragApi],
  });

  // One OpenAI-compatible endpoint for both models, routed by model name; only rag-api may call it.
  // One OpenAI-compatible endpoint for both models, routed by model name. The team gets an API key
  // (generated in the cluster into its Secret model-gateway-api-key) and a budget of 2M tokens an hour;
  // its requests' token usage is scraped per team and model; only rag-api reaches the gateway.
  const gateway = new ModelGateway(serving, 'gateway', {
    priorityClass: high,
    kubernetesVersion: contract.kubernetesVersion,
    vpcCidr: contract.vpcCidr,
    metricsBackend: platform.metricsBackend,
    // The chat model's endpoint picker: the servers' priority, the API server in the contract's VPC.
    endpointPicker: { priorityClass: high, vpcCidr: contract.vpcCidr },
  });
  gateway.addModel(chat);
  gateway.addModel(embed);
  gateway.addModel(large);
  const access = gateway.addTeam(team, { tokensPerHour: 2_000_000, clients: [ragApi] });
  new MetricsScraping(serving, 'scraping', { metricsBackend: platform.metricsBackend }).add(gateway);

  // What the RAG application reads (envFrom): endpoints and models. This app runs no telemetry
  // collector; with one, pass it for tracing settings too: chat.clientSettings({ collector, serviceName })
  // (see the observability example).
  const settings = chat.clientSettings();
  new k8s.KubeConfigMap(serving, 'RagApiSettings', {
    metadata: { name: 'rag-api-llm', namespace: team.namespaceName },
    data: {
      ...settings.environment,
      EMBEDDINGS_BASE_URL: embed.baseUrl,
      EMBEDDINGS_MODEL: embed.engine.servedModelName,
      // The same models through the gateway, with the team's key (OPENAI_API_KEY from the Secret, see the README).
      GATEWAY_BASE_URL: gateway.baseUrl,
      GATEWAY_API_KEY_SECRET: `${access.apiKeySecretName}/${access.apiKeySecretKey}`,
    },
  });
  // The admission policies, derived from what the platform runs (after every served model): the rules warn,
  // the identity boundaries are enforced, so the developer Roles are accepted for pod-create-workload-identity.
  PlatformAdmissionPolicies.forPlatform(platform, 'AdmissionPolicies', { llmServices: [chat, embed, large], gateways: [gateway] });
  return app;
}

if (require.main === module) {
  buildLlmServingApp().synth();
}
