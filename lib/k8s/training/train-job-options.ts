import { Duration } from 'cdk8s';
import { DatasetSource } from './dataset-source';
import { ModelStoreReference } from './model-store-reference';
import { ITrainingRuntime } from './training-runtime';
import { ModelSource } from '../common/model-source';
import { SecretKeyRef } from '../common/secret-key-ref';
import type { IFeatureStore } from '../features/feature-store-connection';
import { INodePool } from '../node-pool';
import { IRegistryConnection, IModelRegistry } from '../registry/registry-connection';

/** Where a training job writes its model and where it logs. */
export interface TrainingOutputs {
  /** The model store: the job writes the trained model under its models bucket. */
  readonly modelStore: ModelStoreReference;
  /**
   * Key prefix in the models bucket.
   * @default - `training/<namespace>/<job>/`
   */
  readonly prefix?: string;
  /**
   * The platform's model registry: the job is admitted as a read-write client (network path
   * and credentials), logs its run and registers its model there.
   * @default - no registry
   */
  readonly registry?: IModelRegistry;
  /**
   * Client settings of another registry (instead of `registry`), e.g. one outside the cluster
   * or a connection admitted beforehand; the job opens the flow to its server.
   * @default - no registry
   */
  readonly registryConnection?: IRegistryConnection;
  /**
   * Name under which the model is registered.
   * @default - the job name
   */
  readonly registeredModelName?: string;
}

/** What a TrainJob runs and where: shared by TrainingJob and the trials of HyperparameterSearch. */
export interface TrainJobOptions {
  /** The pool the training pods run on (node selector, tolerations and GPU count come from it). */
  readonly pool: INodePool;
  /**
   * The training runtime.
   * @default UpstreamTrainingRuntime.TORCH_DISTRIBUTED
   */
  readonly runtime?: ITrainingRuntime;
  /**
   * Trainer image (pinned: a tag other than `latest`, or a digest).
   * @default - the runtime's image
   */
  readonly image?: string;
  /**
   * Command of the trainer container.
   * @default - the runtime's
   */
  readonly command?: string[];
  /**
   * Arguments of the trainer container.
   * @default - the runtime's
   */
  readonly args?: string[];
  /**
   * Environment variables of the trainer.
   * @default - none
   */
  readonly env?: { [name: string]: string };
  /**
   * Environment variables of the trainer read from Secrets.
   * @default - none
   */
  readonly secretEnv?: { [name: string]: SecretKeyRef };
  /**
   * Number of nodes (pods) training together.
   * @default 1
   */
  readonly numNodes?: number;
  /**
   * GPUs per node (at most the pool's GPUs per node).
   * @default - all GPUs of the pool's node (0 on a CPU pool)
   */
  readonly gpusPerNode?: number;
  /**
   * vCPUs requested per node.
   * @default - 80% of the node's vCPUs per GPU times the GPUs (4 on a CPU pool)
   */
  readonly cpuPerNode?: number;
  /**
   * Memory per node in GiB (request and limit).
   * @default - 80% of the node's memory per GPU times the GPUs (16 on a CPU pool)
   */
  readonly memoryGiBPerNode?: number;
  /**
   * Use Elastic Fabric Adapter between nodes (requests `vpc.amazonaws.com/efa` and sets the
   * libfabric/NCCL environment). Only multi-node jobs use it.
   * @default - true for multi-node jobs on a pool with EFA
   */
  readonly efa?: boolean;
  /**
   * Dataset downloaded by Trainer's dataset initializer into `<workspace>/dataset`.
   * @default - none
   */
  readonly dataset?: DatasetSource;
  /**
   * Pre-trained model downloaded by Trainer's model initializer into `<workspace>/model`.
   * @default - none
   */
  readonly baseModel?: ModelSource;
  /**
   * Where the trained model goes and where the run is logged.
   * @default - nowhere (the job keeps its output)
   */
  readonly outputs?: TrainingOutputs;
  /**
   * Service account of the pods (its workload identity reaches the model store).
   * @default TRAINING.serviceAccount ("ml-training")
   */
  readonly serviceAccountName?: string;
  /**
   * A feature store the job reads training data from (historical features through its offline
   * server): the trainer gets the offline server's and the registry's endpoints
   * (`FEAST_OFFLINE_SERVER`, `FEAST_REGISTRY`, `FEAST_PROJECT`); the job opens the network flow to them.
   * @default - none
   */
  readonly featureStore?: IFeatureStore;
  /**
   * Longest time the job may run once admitted.
   * @default - no limit
   */
  readonly maxRuntime?: Duration;
}
