import { Construct } from 'constructs';
import { teamOf } from './team-binding';
import { TrainJobOptions } from './train-job-options';
import { TrainJobPlan } from './train-job-plan';
import { ITrainingRuntime } from './training-runtime';
import { ensureServiceAccount, workloadNetwork } from './workload-support';
import { invalidProp } from '../../core/errors';
import { TrainJob } from '../../imports/trainer.kubeflow.org';
import { IModelArtifact } from '../common/model-source';
import { FeatureAccess } from '../features/feature-store-connection';
import { INamespaceOwner } from '../workload-selector';

/** Props of {@link TrainingJob}. */
export interface TrainingJobProps extends TrainJobOptions {
  /**
   * Job name (a DNS-1035 label: lowercase letters, digits and "-", starting with a letter).
   * @default - the construct id
   */
  readonly name?: string;
  /** The team namespace: the job runs there and waits in its Kueue LocalQueue. */
  readonly team: INamespaceOwner;
}

/** The model a training job writes, as an artifact other constructs can consume (e.g. `ModelSource.fromArtifact`). */
export class TrainingOutput implements IModelArtifact {
  public readonly storageUri: string;
  public readonly modelName?: string;
  public readonly modelVersion?: string;

  /** @internal */
  constructor(storageUri: string, modelName?: string) {
    this.storageUri = storageUri;
    this.modelName = modelName;
  }
}

const DNS1035 = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

/**
 * A distributed training job: a Kubeflow Trainer TrainJob (trainer.kubeflow.org/v1alpha1,
 * the pinned v2.3.0 API) on a runtime, in the team's Kueue LocalQueue and created suspended
 * so that Kueue admits it against the team's quota. GPUs per node, node selector and
 * tolerations come from the pool; EFA resources and the libfabric/NCCL environment are added
 * for multi-node jobs on EFA pools; the dataset and base model are downloaded by Trainer's
 * initializers from the model store (through the team's workload identity) or Hugging Face
 * (token from a Secret reference); the trained model goes to the model store and the run is
 * logged to the registry. Every pod runs restricted (non-root, no capabilities, seccomp).
 * @see https://www.kubeflow.org/docs/components/trainer/
 */
export class TrainingJob extends Construct {
  /** Job name. */
  public readonly jobName: string;
  /** Namespace. */
  public readonly namespace: string;
  /** The LocalQueue the job waits in. */
  public readonly queueName: string;
  /** The runtime. */
  public readonly runtime: ITrainingRuntime;
  /** Nodes. */
  public readonly numNodes: number;
  /** GPUs per node. */
  public readonly gpusPerNode: number;
  /** vCPUs requested per node. */
  public readonly cpuPerNode: number;
  /** Memory per node in GiB. */
  public readonly memoryGiBPerNode: number;
  /** EFA interfaces requested per node (0 without EFA). */
  public readonly efaInterfaces: number;
  /** Service account of the pods. */
  public readonly serviceAccountName: string;
  /** The model the job writes, when it has outputs. */
  public readonly output?: TrainingOutput;
  /** The TrainJob object. */
  public readonly apiObject: TrainJob;

  constructor(scope: Construct, id: string, props: TrainingJobProps) {
    super(scope, id);
    const where = this.node.path;
    const team = teamOf(where, 'team', props.team, true);
    this.jobName = props.name ?? id;
    if (!DNS1035.test(this.jobName) || this.jobName.length > 63) {
      throw invalidProp(where, 'name', this.jobName, 'not a DNS-1035 label (TrainJob names start with a letter, at most 63 characters)',
        'use lowercase letters, digits and "-", starting with a letter, e.g. "llama-sft"');
    }
    const plan = new TrainJobPlan(where, team, this.jobName, props);
    this.namespace = team.namespaceName;
    this.queueName = team.localQueueName!;
    this.runtime = plan.runtime;
    this.numNodes = plan.numNodes;
    this.gpusPerNode = plan.gpusPerNode;
    this.cpuPerNode = plan.cpuPerNode;
    this.memoryGiBPerNode = plan.memoryGiBPerNode;
    this.efaInterfaces = plan.efaInterfaces;
    this.serviceAccountName = plan.serviceAccountName;
    if (plan.outputUri) this.output = new TrainingOutput(plan.outputUri, plan.registeredModelName ?? this.jobName);

    ensureServiceAccount(this, this.namespace, this.serviceAccountName, false);
    this.apiObject = new TrainJob(this, 'Resource', plan.props(this.jobName));
    workloadNetwork(this, team, this.jobName, {
      https: plan.downloads,
      podIdentity: plan.usesS3,
      peers: plan.numNodes > 1 || plan.runtime.replicatedJobs.filter((j) => j.runsTraining).length > 1,
    }, plan.registryFlowNeeded ? plan.registry : undefined);
    props.featureStore?.allowFrom(team.workloads(plan.podLabels), FeatureAccess.OFFLINE);
  }
}
