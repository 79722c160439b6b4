/**
 * Retrieval-augmented chat on the platform: Qdrant and MLflow as data services, an embedding
 * model and a chat model served by vLLM, and the RAG application wired to all of them.
 *
 * - `knowledge`: a Qdrant cluster (HA preset: 3 replicas, shards on 2 of them) sized for
 *   2 million 1024-dimension vectors, the `handbook` collection created at install, daily
 *   snapshots to the models bucket. Only the team's `rag-api` (read-only key) and `indexer`
 *   (read-write key) pods may connect.
 * - `mlflow`: the model registry, metadata in the platform's PostgreSQL, artifacts in the
 *   models bucket, authentication on. The team's `finetune` jobs log and register models.
 * - `embed`: bge-large-en-v1.5 (1024 dimensions, the collection's) on the A10G pool.
 * - `chat`: version 1 of the registered model `support-assistant` (a fine-tuned Llama 3.1 8B),
 *   served from where MLflow stored it: the registry resolves the version to its S3 location.
 * - ConfigMaps carry the settings of the RAG API and of the fine-tuning job; their
 *   credentials stay in Secrets that External Secrets copies from AWS Secrets Manager.
 *
 * The AWS side (spec.ts, aws.ts) provides the A10G node group, the buckets, PostgreSQL and the
 * workload identities; the Kubernetes layer takes its contract (see ragContract).
 *
 *   npx cdktf synth      # cdktf.out/stacks/cnai-rag/cdk.tf.json (cdktf.json runs aws.ts)
 *   npx cdk8s synth      # dist/0000-platform-operators.k8s.yaml ... 0004-serving.k8s.yaml
 */
import { App, Chart, YamlOutputType } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { core } from 'cnai-constructs';
import {
  AwsSecretsManagerStore, CapacityType, CnaiApp, CnaiKubernetesPlatform, ConsolidationPolicy, GpuNodePool, LlmService, ModelRegistry,
  ModelSource, NodePoolReference, OperatorCatalogue, PlatformAdmissionPolicies, RegistryAccess, Suppressions, VectorDatabase,
  VectorDatabaseEngine, VectorDistance, WorkloadPriority,
} from 'cnai-constructs/k8s';
import { A10G_POOL, RAG_AWS, RAG_SPEC, TEAM, VECTOR_DB } from './spec';

const { GpuInstanceType, ModelPresets } = core;

export { TEAM, VECTOR_DB } from './spec';

/**
 * The contract of the AWS layer (aws.ts): the applied one when `platform-contract.json`
 * exists next to this file (`terraform output -json platform_contract > platform-contract.json`),
 * else the preview of what aws.ts builds from spec.ts (real names, labels, taints and
 * identities; the database endpoint marked as pending apply), derived without the AWS layer.
 */
export function ragContract(dir: string = __dirname): core.PlatformContract {
  return core.ContractPreview.appliedOrPreview(dir, RAG_SPEC, RAG_AWS);
}

/** Builds the example app (also used by the tests and the root synth script). */
export function buildRagApp(outdir?: string): App {
  const app = new CnaiApp({ outdir, yamlOutputType: YamlOutputType.FILE_PER_CHART });
  const contract = ragContract();

  // In-cluster GPU pool for the chat model: L40S nodes that Karpenter launches on demand.
  const pools = new Chart(app, 'node-pools');
  const l40s = new GpuNodePool(pools, 'gpu-l40s', {
    instanceTypes: [GpuInstanceType.G6E_XLARGE, GpuInstanceType.G6E_2XLARGE],
    maxGpus: 4,
    capacityTypes: [CapacityType.ON_DEMAND],
    consolidationPolicy: ConsolidationPolicy.WHEN_EMPTY_OR_UNDERUTILIZED,
    clusterName: contract.clusterName,
    nodeRole: contract.karpenter!.nodeRoleName,
  });
  const a10g = NodePoolReference.fromContract(contract.nodePools.find((p) => p.name === A10G_POOL)!);

  const platform = new CnaiKubernetesPlatform(app, 'platform', {
    contract,
    // The platform's operators plus the Karpenter controller the AWS side prepared.
    operatorReleases: [...OperatorCatalogue.platformDefaults(), OperatorCatalogue.karpenter({ contract })],
    nodePools: [l40s],
    teams: [{ name: TEAM, quotas: [{ pool: a10g, gpus: 4 }, { pool: l40s, gpus: 4 }], developerGroups: ['language-developers'] }],
  });
  // Platform services and served models outrank training and notebooks.
  const high = platform.queues.priorityClass(WorkloadPriority.HIGH);
  pools.addDependency(platform.operators!);
  const team = platform.teams[TEAM];
  const ragApi = team.workloads({ app: 'rag-api' });
  const indexer = team.workloads({ app: 'indexer' });
  const finetune = team.workloads({ app: 'finetune' });

  // Data services: after the platform (the team namespace exists, the operators are installed).
  const data = new Chart(app, 'data-services');
  data.addDependency(platform);
  new AwsSecretsManagerStore(data, 'SecretStore', { contract });

  const embedModel = ModelPresets.BGE_LARGE_EN_V1_5;
  const knowledge = new VectorDatabase(data, VECTOR_DB, {
    priorityClass: high,
    contract,
    engine: VectorDatabaseEngine.qdrant({ highAvailability: true, cpu: 2 }),
    collections: [{ name: 'handbook', dimension: embedModel.embeddingDimension!, distance: VectorDistance.COSINE, expectedVectors: 2_000_000 }],
  });
  const search = knowledge.addClient(ragApi, { readOnly: true });
  const ingest = knowledge.addClient(indexer);

  const registry = new ModelRegistry(data, 'registry', { priorityClass: high, contract });
  const tracking = registry.addClient(finetune, RegistryAccess.READ_WRITE);
  // Version 1 of the fine-tuned model, where MLflow stored it (its "artifact location").
  const assistantName = 'support-assistant';
  const assistant = registry.modelVersion({
    name: assistantName,
    version: 1,
    storageLocation: 'mlflow-artifacts:/3/models/m-5f0c1e9b2a7d4c61/artifacts',
  });

  const serving = new Chart(app, 'serving');
  serving.addDependency(data);
  const embed = new LlmService(serving, 'embed', {
    priorityClass: high,
    model: embedModel,
    // For production, copy the model into the model store and use ModelSource.fromModelStore.
    source: ModelSource.huggingFace('BAAI/bge-large-en-v1.5'),
    namespace: team,
    pools: [a10g],
    cpu: 4,
    memoryGiB: 16,
    autoscaling: { minReplicas: 1, maxReplicas: 2, targetWaitingRequests: 10 },
    allowFrom: [ragApi, indexer],
  });
  Suppressions.add(embed, 'ai-model-source', 'a public embedding model pulled from the Hugging Face Hub at start, so that the '
    + 'example runs as it is; in production copy it into the model store and serve it with ModelSource.fromModelStore', { resource: 'Deployment' });
  const chat = new LlmService(serving, 'chat', {
    priorityClass: high,
    model: ModelPresets.LLAMA_3_1_8B_INSTRUCT,
    servedModelName: assistant.modelName,
    // The registered version's files, read with the chat server's identity (read-only on mlflow/).
    source: ModelSource.fromArtifact(assistant),
    contract,
    namespace: team,
    pools: [l40s],
    maxModelLen: 16384,
    autoscaling: { minReplicas: 1, maxReplicas: 3 },
    allowFrom: [ragApi],
  });

  // What the RAG API reads (envFrom): the chat and embedding endpoints, the collection and
  // the vector database endpoint. Its API key is in the Secret the connection names.
  const chatSettings = chat.clientSettings();
  new k8s.KubeConfigMap(serving, 'RagApiSettings', {
    metadata: { name: 'rag-api-settings', namespace: team.namespaceName },
    data: {
      ...chatSettings.environment,
      EMBEDDINGS_BASE_URL: embed.baseUrl,
      EMBEDDINGS_MODEL: embed.engine.servedModelName,
      VECTOR_COLLECTION: 'handbook',
      ...literal(search.env()),
      QDRANT_API_KEY_SECRET: `${search.credential.secretName}/${search.credential.key}`,
    },
  });
  // What the indexer and the fine-tuning jobs read.
  new k8s.KubeConfigMap(serving, 'IndexerSettings', {
    metadata: { name: 'indexer-settings', namespace: team.namespaceName },
    data: { EMBEDDINGS_BASE_URL: embed.baseUrl, VECTOR_COLLECTION: 'handbook', ...literal(ingest.env()) },
  });
  new k8s.KubeConfigMap(serving, 'FinetuneSettings', {
    metadata: { name: 'finetune-registry', namespace: team.namespaceName },
    data: { ...tracking.environment, REGISTERED_MODEL_NAME: assistantName },
  });
  // The admission policies, derived from what the platform runs (after every served model): the rules warn,
  // the identity boundaries are enforced, so the developer Roles are accepted for pod-create-workload-identity.
  PlatformAdmissionPolicies.forPlatform(platform, 'AdmissionPolicies', { llmServices: [embed, chat], vectorDatabases: [knowledge], registries: [registry] });
  return app;
}

/** The literal values of a list of env vars (the Secret-backed ones are referenced, not copied). */
function literal(env: k8s.EnvVar[]): { [name: string]: string } {
  return Object.fromEntries(env.filter((e) => e.value !== undefined).map((e) => [e.name, e.value!]));
}

if (require.main === module) {
  buildRagApp().synth();
}
