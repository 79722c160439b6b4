import { Construct } from 'constructs';
import { checkPinnedImage } from './pinned-image';
import { invalidProp } from '../../core/errors';
import { NAME_RULES, assertName } from '../../core/names';
import { TRAINING_IMAGES, imageRef } from '../../core/versions';
import {
  ClusterTrainingRuntime,
  ClusterTrainingRuntimeSpecTemplateSpecReplicatedJobs,
  ClusterTrainingRuntimeSpecTemplateSpecReplicatedJobsDependsOnStatus,
  ClusterTrainingRuntimeSpecTemplateSpecReplicatedJobsTemplateSpecTemplateSpecContainersResourcesLimits,
  ClusterTrainingRuntimeSpecTemplateSpecReplicatedJobsTemplateSpecTemplateSpecContainersResourcesRequests,
  ClusterTrainingRuntimeSpecTemplateSpecReplicatedJobsTemplateSpecTemplateSpecVolumesEmptyDirSizeLimit,
  ClusterTrainingRuntimeSpecTemplateSpecVolumeClaimPoliciesRetentionPolicyWhenDeleted,
  ClusterTrainingRuntimeSpecTemplateSpecVolumeClaimPoliciesTemplatesSpecResourcesRequests,
} from '../../imports/trainer.kubeflow.org';
import { InstallPhase, syncWaveOf } from '../operators';
import { SYNC_WAVE_ANNOTATION, restrictedContainerSecurityContext, restrictedPodSecurityContext } from '../pod-security';

/** The ML framework a training runtime runs. */
export enum TrainingFramework {
  /** PyTorch distributed (torchrun; Trainer injects the PET_* rendezvous environment). */
  TORCH = 'torch',
  /** DeepSpeed over MPI (a launcher job and node jobs reached over SSH). */
  DEEPSPEED = 'deepspeed',
}

/** One replicated job of a training runtime (a JobSet replicated job). */
export interface RuntimeReplicatedJob {
  /** Name of the replicated job. */
  readonly name: string;
  /** Names of its containers. */
  readonly containers: string[];
  /** Whether its pods run the training (they get the GPUs and the pool placement). */
  readonly runsTraining: boolean;
}

/**
 * A Kubeflow Trainer training runtime that TrainJobs reference: what it is called, what it
 * runs and how its pods are laid out, so a job can patch placement and security into each
 * pod and fail at synth when it asks for something the runtime cannot do.
 */
export interface ITrainingRuntime {
  /** Name of the ClusterTrainingRuntime. */
  readonly runtimeName: string;
  /** Framework. */
  readonly framework: TrainingFramework;
  /** The replicated jobs and their containers. */
  readonly replicatedJobs: RuntimeReplicatedJob[];
  /** Whether a dataset initializer runs before training (TrainJob `initializer.dataset`). */
  readonly datasetInitializer: boolean;
  /** Whether a model initializer runs before training (TrainJob `initializer.model`). */
  readonly modelInitializer: boolean;
  /** Whether the workspace volume can be mounted by pods on several nodes (ReadWriteMany). */
  readonly workspaceSharedAcrossNodes: boolean;
  /** User id the runtime's images expect to run as. */
  readonly runAsUser: number;
  /** Whether the runtime mounts writable `/tmp` and `/dev/shm` itself (else the job adds them). */
  readonly scratchVolumes: boolean;
  /** Whether the runtime's containers work with a read-only root filesystem. */
  readonly readOnlyRootFilesystem: boolean;
  /** Where the initializers put the dataset (`<path>/dataset`) and the model (`<path>/model`). */
  readonly workspacePath: string;
}

/**
 * The ClusterTrainingRuntimes that the catalogue's `kubeflow-trainer-runtimes` release
 * installs (Trainer v2.3.0's manifests/overlays/runtimes).
 */
export class UpstreamTrainingRuntime implements ITrainingRuntime {
  /** `torch-distributed`: one `node` replicated job running the PyTorch image (as root upstream; the job runs it as uid 1000). */
  public static readonly TORCH_DISTRIBUTED = new UpstreamTrainingRuntime('torch-distributed', TrainingFramework.TORCH,
    [{ name: 'node', containers: ['node'], runsTraining: true }], true);

  /** `deepspeed-distributed`: an MPI launcher and node jobs with sshd, as uid 1000 (`mpiuser`). */
  public static readonly DEEPSPEED_DISTRIBUTED = new UpstreamTrainingRuntime('deepspeed-distributed', TrainingFramework.DEEPSPEED,
    [{ name: 'launcher', containers: ['node'], runsTraining: true }, { name: 'node', containers: ['node'], runsTraining: true }], false);

  public readonly runtimeName: string;
  public readonly framework: TrainingFramework;
  public readonly replicatedJobs: RuntimeReplicatedJob[];
  public readonly datasetInitializer = false;
  public readonly modelInitializer = false;
  public readonly workspaceSharedAcrossNodes = false;
  public readonly runAsUser = 1000;
  public readonly scratchVolumes = false;
  public readonly readOnlyRootFilesystem: boolean;
  public readonly workspacePath = '/workspace';

  private constructor(name: string, framework: TrainingFramework, jobs: RuntimeReplicatedJob[], readOnlyRoot: boolean) {
    this.runtimeName = name;
    this.framework = framework;
    this.replicatedJobs = jobs;
    // sshd of the MPI runtime writes its state under the user's home directory.
    this.readOnlyRootFilesystem = readOnlyRoot;
  }
}

/** Access mode of a runtime's workspace volume. */
export enum WorkspaceAccess {
  /** One node mounts it (EBS): initializers and a single-node job. */
  SINGLE_NODE = 'ReadWriteOnce',
  /** Pods on several nodes mount it (EFS, FSx for Lustre): needed for multi-node jobs with initializers. */
  SHARED = 'ReadWriteMany',
}

/** The workspace volume of a {@link TrainingRuntime}: initializers download into it, the trainer reads from it. */
export interface TrainingWorkspaceOptions {
  /**
   * Size in GiB (dataset plus model weights plus checkpoints).
   * @default 200
   */
  readonly sizeGiB?: number;
  /**
   * StorageClass (e.g. an EFS class for shared access).
   * @default - the cluster's default StorageClass
   */
  readonly storageClassName?: string;
  /**
   * Access mode.
   * @default WorkspaceAccess.SINGLE_NODE
   */
  readonly access?: WorkspaceAccess;
}

/** Props of {@link TrainingRuntime}. */
export interface TrainingRuntimeProps {
  /**
   * Name of the ClusterTrainingRuntime (a DNS-1123 subdomain).
   * @default - the construct id
   */
  readonly name?: string;
  /**
   * Default trainer image (a TrainJob may override it).
   * @default - TRAINING_IMAGES.pytorch
   */
  readonly image?: string;
  /**
   * Run Trainer's dataset initializer before training.
   * @default true
   */
  readonly datasetInitializer?: boolean;
  /**
   * Run Trainer's model initializer before training.
   * @default true
   */
  readonly modelInitializer?: boolean;
  /**
   * The workspace volume (one per TrainJob, created and deleted with it by JobSet).
   * @default - 200 GiB, ReadWriteOnce, the default StorageClass
   */
  readonly workspace?: TrainingWorkspaceOptions;
  /**
   * User id of every container (the images must work as this user).
   * @default 1000
   */
  readonly runAsUser?: number;
}

const WORKSPACE = 'workspace';
const ANCESTOR = 'trainer.kubeflow.org/trainjob-ancestor-step';

/**
 * A hardened PyTorch ClusterTrainingRuntime (trainer.kubeflow.org/v1alpha1) with Trainer's
 * dataset and model initializers: every container non-root with a read-only root
 * filesystem, no capabilities and RuntimeDefault seccomp (restricted Pod Security), and a
 * per-job workspace volume (JobSet volume claim policy) that the initializers fill and the
 * trainer reads at `/workspace/dataset` and `/workspace/model`.
 * @see https://www.kubeflow.org/docs/components/trainer/operator-guides/runtime/
 */
export class TrainingRuntime extends Construct implements ITrainingRuntime {
  /**
   * An upstream runtime installed by the catalogue's `kubeflow-trainer-runtimes` release.
   * @param runtime e.g. UpstreamTrainingRuntime.TORCH_DISTRIBUTED
   */
  public static upstream(runtime: UpstreamTrainingRuntime): ITrainingRuntime {
    return runtime;
  }

  public readonly runtimeName: string;
  public readonly framework = TrainingFramework.TORCH;
  public readonly replicatedJobs: RuntimeReplicatedJob[];
  public readonly datasetInitializer: boolean;
  public readonly modelInitializer: boolean;
  public readonly workspaceSharedAcrossNodes: boolean;
  public readonly runAsUser: number;
  public readonly scratchVolumes = true;
  public readonly readOnlyRootFilesystem = true;
  public readonly workspacePath = '/workspace';
  /** Default trainer image. */
  public readonly image: string;
  /** Workspace size in GiB. */
  public readonly workspaceSizeGiB: number;
  /** The ClusterTrainingRuntime object. */
  public readonly apiObject: ClusterTrainingRuntime;

  constructor(scope: Construct, id: string, props: TrainingRuntimeProps = {}) {
    super(scope, id);
    const where = this.node.path;
    this.runtimeName = assertName(where, 'name', props.name ?? id, NAME_RULES.dns1123Subdomain);
    this.image = checkPinnedImage(where, 'image', props.image ?? imageRef(TRAINING_IMAGES.pytorch));
    this.datasetInitializer = props.datasetInitializer ?? true;
    this.modelInitializer = props.modelInitializer ?? true;
    const ws = props.workspace ?? {};
    this.workspaceSizeGiB = ws.sizeGiB ?? 200;
    if (!Number.isInteger(this.workspaceSizeGiB) || this.workspaceSizeGiB < 1) {
      throw invalidProp(where, 'workspace.sizeGiB', this.workspaceSizeGiB, 'not a whole number of GiB', 'give 1 or more');
    }
    const access = ws.access ?? WorkspaceAccess.SINGLE_NODE;
    this.workspaceSharedAcrossNodes = access === WorkspaceAccess.SHARED;
    this.runAsUser = props.runAsUser ?? 1000;
    if (!Number.isInteger(this.runAsUser) || this.runAsUser < 1) {
      throw invalidProp(where, 'runAsUser', this.runAsUser, 'not a non-root user id', 'give a user id of 1 or more');
    }

    const jobs: ClusterTrainingRuntimeSpecTemplateSpecReplicatedJobs[] = [];
    const names: RuntimeReplicatedJob[] = [];
    let previous: string | undefined;
    const add = (name: string, image: string, runsTraining: boolean, env: { name: string; value: string }[]) => {
      names.push({ name, containers: [name], runsTraining });
      jobs.push(this.replicatedJob(name, image, env, previous));
      previous = name;
    };
    const initEnv = [{ name: 'HOME', value: '/tmp' }, { name: 'HF_HOME', value: '/tmp/huggingface' }];
    if (this.datasetInitializer) add('dataset-initializer', imageRef(TRAINING_IMAGES.datasetInitializer), false, initEnv);
    if (this.modelInitializer) add('model-initializer', imageRef(TRAINING_IMAGES.modelInitializer), false, initEnv);
    add('node', this.image, true, [{ name: 'HOME', value: '/tmp' }]);
    this.replicatedJobs = names;

    this.apiObject = new ClusterTrainingRuntime(this, 'Resource', {
      metadata: {
        name: this.runtimeName,
        labels: { 'trainer.kubeflow.org/framework': 'torch' },
        // A custom resource of the Trainer's CRD: after the operators.
        annotations: { [SYNC_WAVE_ANNOTATION]: String(syncWaveOf(InstallPhase.PLATFORM)) },
      },
      spec: {
        mlPolicy: { numNodes: 1, torch: {} },
        template: {
          spec: {
            volumeClaimPolicies: [{
              templates: [{
                metadata: { name: WORKSPACE },
                spec: {
                  accessModes: [access],
                  storageClassName: ws.storageClassName,
                  resources: { requests: { storage: ClusterTrainingRuntimeSpecTemplateSpecVolumeClaimPoliciesTemplatesSpecResourcesRequests.fromString(`${this.workspaceSizeGiB}Gi`) } },
                },
              }],
              retentionPolicy: { whenDeleted: ClusterTrainingRuntimeSpecTemplateSpecVolumeClaimPoliciesRetentionPolicyWhenDeleted.DELETE },
            }],
            replicatedJobs: jobs,
          },
        },
      },
    });
  }

  private replicatedJob(name: string, image: string, env: { name: string; value: string }[],
    after?: string): ClusterTrainingRuntimeSpecTemplateSpecReplicatedJobs {
    const uid = this.runAsUser;
    const training = name === 'node';
    const step = training ? 'trainer' : name;
    const mounts = [
      { name: WORKSPACE, mountPath: this.workspacePath },
      { name: 'tmp', mountPath: '/tmp' },
      ...(training ? [{ name: 'dshm', mountPath: '/dev/shm' }] : []),
    ];
    const volumes: any[] = [{ name: 'tmp', emptyDir: {} }];
    // NCCL and PyTorch data loaders use shared memory far beyond the runtime's 64 MiB default.
    if (training) volumes.push({ name: 'dshm', emptyDir: { medium: 'Memory', sizeLimit: ClusterTrainingRuntimeSpecTemplateSpecReplicatedJobsTemplateSpecTemplateSpecVolumesEmptyDirSizeLimit.fromString('16Gi') } });
    const resources = training ? undefined : {
      requests: {
        cpu: ClusterTrainingRuntimeSpecTemplateSpecReplicatedJobsTemplateSpecTemplateSpecContainersResourcesRequests.fromString('1'),
        memory: ClusterTrainingRuntimeSpecTemplateSpecReplicatedJobsTemplateSpecTemplateSpecContainersResourcesRequests.fromString('4Gi'),
      },
      limits: { memory: ClusterTrainingRuntimeSpecTemplateSpecReplicatedJobsTemplateSpecTemplateSpecContainersResourcesLimits.fromString('16Gi') },
    };
    return {
      name,
      dependsOn: after ? [{ name: after, status: ClusterTrainingRuntimeSpecTemplateSpecReplicatedJobsDependsOnStatus.COMPLETE }] : undefined,
      template: {
        metadata: { labels: { [ANCESTOR]: step } },
        spec: {
          template: {
            spec: {
              securityContext: restrictedPodSecurityContext(uid) as any,
              containers: [{
                name,
                image,
                env,
                resources,
                volumeMounts: mounts,
                securityContext: restrictedContainerSecurityContext(uid) as any,
              }],
              volumes,
            },
          },
        },
      },
    };
  }
}
