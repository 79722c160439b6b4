/**
 * Fine-tuning on the platform with Kubeflow, from raw data to a served model:
 *
 * - `prepare-chats`: a data preparation Job (Kueue-admitted) that cleans raw support chats
 *   from the datasets bucket into `prepared/team-ml/prepare-chats/`.
 * - `cnai-torch-sft`: a hardened ClusterTrainingRuntime with Trainer's dataset and model
 *   initializers and a per-job workspace volume.
 * - `support-bot-sft`: a TrainJob that fine-tunes Llama 3.1 8B Instruct (copied into the model
 *   store) on the prepared chats, on one 4 x A10G node, in the team's Kueue queue. It writes
 *   the model to `s3://<models>/training/team-ml/support-bot-sft/` and logs the run and
 *   registers the model `support-bot` in MLflow.
 * - `support-bot-lr`: a Katib search over learning rate and LoRA rank whose trials are the
 *   same TrainJob on one GPU each, four at a time within the team's GPU quota.
 * - `ds-alice`: a GPU notebook for the team's data scientist, culled after 2 idle hours.
 * - `support-bot`: an LlmService serving the fine-tuned model from where the job wrote it.
 *
 * The AWS side (spec.ts, aws.ts) provides the A10G node group, the buckets, PostgreSQL and the
 * workload identities; the Kubernetes layer takes its contract (see fineTuneContract).
 *
 *   npx cdktf synth      # cdktf.out/stacks/cnai-fine-tune/cdk.tf.json (cdktf.json runs aws.ts)
 *   npx cdk8s synth      # dist/0000-platform-operators.k8s.yaml ... 0004-serving.k8s.yaml
 */
import { App, Chart, Duration, YamlOutputType } from 'cdk8s';
import { core } from 'cnai-constructs';
import {
  AwsSecretsManagerStore, CnaiApp, CnaiKubernetesPlatform, DataPreparationJob, DatasetSource, HyperparameterSearch, KubeflowTraining,
  LlmService, ModelRegistry, ModelSource, ModelStoreReference, NodePoolReference, Notebook, ObjectiveDirection, PlatformAdmissionPolicies,
  SearchAlgorithm, SearchParameter, TrainingJob, TrainingRuntime, WorkloadPriority,
} from 'cnai-constructs/k8s';
import { A10G_POOL, BASE_MODEL_PREFIX, FINE_TUNE_SPEC, SERVED_MODEL, SFT_JOB, TEAM } from './spec';

const { ModelPresets } = core;

export { TEAM } from './spec';

/** The image of the team's training code (in the platform's ECR repository), pinned. */
export const TRAINER_IMAGE = '123456789012.dkr.ecr.us-west-2.amazonaws.com/cnai-dev/support-bot-trainer:1.3.0';
/** The image of the team's data preparation code, pinned. */
export const PREP_IMAGE = '123456789012.dkr.ecr.us-west-2.amazonaws.com/cnai-dev/chat-prep:0.9.2';

/**
 * The contract of the AWS layer (aws.ts): the applied one when `platform-contract.json`
 * exists next to this file (`terraform output -json platform_contract > platform-contract.json`),
 * else the preview of the AWS layer of spec.ts (real names, labels, taints and identities;
 * the database endpoint marked as pending apply), derived without the AWS layer.
 */
export function fineTuneContract(dir: string = __dirname): core.PlatformContract {
  return core.ContractPreview.appliedOrPreview(dir, FINE_TUNE_SPEC);
}

/** Builds the example app (also used by the tests). */
export function buildFineTuneApp(outdir?: string): App {
  const app = new CnaiApp({ outdir, yamlOutputType: YamlOutputType.FILE_PER_CHART });
  const contract = fineTuneContract();
  const a10g = NodePoolReference.fromContract(contract.nodePools.find((p) => p.name === A10G_POOL)!);
  const store = ModelStoreReference.fromContract(contract);

  // The platform with Kubeflow's training stack: notebooks culled after two idle hours.
  const platform = new CnaiKubernetesPlatform(app, 'platform', {
    contract,
    operatorReleases: KubeflowTraining.platformReleases({ notebooks: { cullIdleTime: Duration.hours(2) } }),
    teams: [{ name: TEAM, quotas: [{ pool: a10g, gpus: 12 }], developerGroups: ['ml-developers'] }],
  });
  // Platform services and served models outrank training and notebooks.
  const high = platform.queues.priorityClass(WorkloadPriority.HIGH);
  const team = platform.teams[TEAM];

  // The model registry: MLflow on the platform's PostgreSQL, artifacts in the models bucket.
  const data = new Chart(app, 'data-services');
  data.addDependency(platform);
  new AwsSecretsManagerStore(data, 'SecretStore', { contract });
  const registry = new ModelRegistry(data, 'registry', { priorityClass: high, contract });

  const training = new Chart(app, 'training');
  training.addDependency(data);

  // 1. Data preparation: raw chats in, cleaned chats out (both in the datasets bucket).
  const prepare = new DataPreparationJob(training, 'prepare-chats', {
    team,
    modelStore: store,
    image: PREP_IMAGE,
    input: DatasetSource.fromModelStore(store, 'raw/support-chats/2026-11'),
    args: ['--dedupe', '--min-turns', '2'],
    cpu: 4,
    memoryGiB: 16,
    maxRuntime: Duration.hours(2),
  });

  // 2. The runtime: initializers download the dataset and the base model into the job's workspace.
  const runtime = new TrainingRuntime(training, 'cnai-torch-sft', { workspace: { sizeGiB: 200 } });
  const baseModel = ModelSource.s3(store.modelsUri(BASE_MODEL_PREFIX), { region: contract.region });

  // 3. Fine-tuning: one 4 x A10G node, the prepared chats, the model to the store and MLflow.
  const sft = new TrainingJob(training, SFT_JOB, {
    team,
    pool: a10g,
    runtime,
    image: TRAINER_IMAGE,
    command: ['torchrun', '/app/sft.py'],
    args: ['--dataset', '/workspace/dataset', '--model', '/workspace/model', '--lora-rank', '16', '--learning-rate', '0.0002'],
    dataset: prepare.output,
    baseModel,
    outputs: { modelStore: store, registry, registeredModelName: 'support-bot' },
    maxRuntime: Duration.hours(12),
  });

  // 4. Tuning: Katib searches learning rate and LoRA rank, one GPU per trial, four at a time.
  const lr = SearchParameter.double('learning_rate', 0.00001, 0.001, { logScale: true });
  const rank = SearchParameter.integer('lora_rank', 8, 64, { step: 8 });
  new HyperparameterSearch(training, 'support-bot-lr', {
    team,
    trial: {
      pool: a10g,
      runtime,
      image: TRAINER_IMAGE,
      gpusPerNode: 1,
      command: ['torchrun', '/app/sft.py'],
      args: ['--dataset', '/workspace/dataset', '--model', '/workspace/model', '--max-steps', '500', '--lora-rank', rank.placeholder, '--learning-rate', lr.placeholder],
      dataset: prepare.output,
      baseModel,
      outputs: { modelStore: store, registry },
      maxRuntime: Duration.hours(2),
    },
    objective: { metric: 'eval_loss', direction: ObjectiveDirection.MINIMIZE, additionalMetrics: ['train_loss'] },
    parameters: [lr, rank],
    algorithm: SearchAlgorithm.TPE,
    maxTrials: 16,
    parallelTrials: 4,
  });

  // 5. A GPU notebook for exploring data and results.
  new Notebook(training, 'ds-alice', { priorityClass: platform.queues.priorityClass(WorkloadPriority.LOW), team, pool: a10g, gpus: 1, cpu: 4, memoryGiB: 32, modelStore: store, registry });

  // 6. Serving: the fine-tuned model, from where the job wrote it (and registered it in MLflow).
  const serving = new Chart(app, 'serving');
  serving.addDependency(training);
  const served = new LlmService(serving, SERVED_MODEL, {
    priorityClass: high,
    model: ModelPresets.LLAMA_3_1_8B_INSTRUCT,
    maxModelLen: 8192,
    source: ModelSource.fromArtifact(sft.output!, { region: contract.region }),
    contract,
    namespace: team,
    pools: [a10g],
    autoscaling: { minReplicas: 1, maxReplicas: 2 },
    allowFrom: [team.workloads({ app: 'support-api' })],
  });
  // The admission policies, derived from what the platform runs (after every served model): the rules warn,
  // the identity boundaries are enforced, so the developer Roles are accepted for pod-create-workload-identity.
  PlatformAdmissionPolicies.forPlatform(platform, 'AdmissionPolicies', { llmServices: [served], registries: [registry] });
  return app;
}

if (require.main === module) {
  buildFineTuneApp().synth();
}
