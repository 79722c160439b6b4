import { EFA_RESOURCE, QUEUE_NAME_LABEL, WORKLOAD_LABEL } from './labels';
import { ModelStoreReference } from './model-store-reference';
import { checkPinnedImage } from './pinned-image';
import { TrainJobOptions } from './train-job-options';
import { ITrainingRuntime, TrainingFramework, UpstreamTrainingRuntime } from './training-runtime';
import { EnvEntry, envList } from './workload-support';
import { GpuArchitecture } from '../../core/accelerators';
import { GPU_RESOURCE, TRAINING } from '../../core/contract';
import { invalidProp } from '../../core/errors';
import {
  TrainJobProps,
  TrainJobSpecRuntimePatchesTrainingRuntimeSpecTemplateSpecReplicatedJobsTemplateSpecTemplateSpecVolumesEmptyDirSizeLimit as EmptyDirSizeLimit,
  TrainJobSpecTrainerResourcesPerNodeLimits,
  TrainJobSpecTrainerResourcesPerNodeRequests,
} from '../../imports/trainer.kubeflow.org';
import { ModelSourceKind } from '../common/model-source';
import { SecretKeyRef } from '../common/secret-key-ref';
import { FeatureAccess } from '../features/feature-store-connection';
import { INodePool, isGpuPool } from '../node-pool';
import { restrictedContainerSecurityContext, restrictedPodSecurityContext } from '../pod-security';
import { IRegistryConnection, RegistryAccess } from '../registry/registry-connection';
import { TeamNamespace } from '../team-namespace';

const PATCH_MANAGER = 'cnai.io/constructs';

/**
 * The resolved TrainJob of a job or trial: defaults applied, every check done, and the
 * TrainJob props rendered.
 * @internal
 */
/** The label JobSet puts on every pod with the name of its replicated job (jobset v0.12.0, api/jobset/v1alpha2). */
const REPLICATED_JOB_LABEL = 'jobset.sigs.k8s.io/replicatedjob-name';

export class TrainJobPlan {
  public readonly runtime: ITrainingRuntime;
  public readonly numNodes: number;
  public readonly gpusPerNode: number;
  public readonly cpuPerNode: number;
  public readonly memoryGiBPerNode: number;
  public readonly efaInterfaces: number;
  public readonly serviceAccountName: string;
  public readonly outputUri?: string;
  public readonly registeredModelName?: string;
  public readonly usesS3: boolean;
  public readonly downloads: boolean;
  public readonly env: EnvEntry[];
  /** The model store the job reads or writes, when known. */
  public readonly store?: ModelStoreReference;
  /** The registry connection, when the job logs to a registry. */
  public readonly registry?: IRegistryConnection;
  /** Whether the job must open the flow to the registry itself (a connection not admitted by a ModelRegistry). */
  public readonly registryFlowNeeded: boolean;

  constructor(where: string, private readonly team: TeamNamespace, private readonly workload: string, private readonly o: TrainJobOptions,
    extraEnv: { [name: string]: string } = {}, outputSuffix: string = '') {
    const pool = o.pool;
    this.runtime = o.runtime ?? UpstreamTrainingRuntime.TORCH_DISTRIBUTED;
    this.numNodes = o.numNodes ?? 1;
    if (!Number.isInteger(this.numNodes) || this.numNodes < 1) {
      throw invalidProp(where, 'numNodes', this.numNodes, 'not a whole number of nodes', 'give 1 or more');
    }
    this.gpusPerNode = o.gpusPerNode ?? pool.gpusPerNode;
    if (!Number.isInteger(this.gpusPerNode) || this.gpusPerNode < 0) {
      throw invalidProp(where, 'gpusPerNode', this.gpusPerNode, 'not a whole number of GPUs', 'give 0 or more');
    }
    if (this.gpusPerNode > pool.gpusPerNode) {
      const types = pool.gpuInstanceTypes.map((t) => t.name).join(', ') || 'CPU instances';
      throw invalidProp(where, 'gpusPerNode', this.gpusPerNode,
        `more GPUs per node than pool ${pool.poolName}'s instance type has (${pool.gpusPerNode} on ${types}), so no node could ever run a pod of the job`,
        `ask for at most ${pool.gpusPerNode} GPUs per node and add nodes instead (numNodes), or use a pool with larger nodes`);
    }
    const totalGpus = this.numNodes * this.gpusPerNode;
    if (totalGpus > pool.maxGpus) {
      throw invalidProp(where, 'numNodes', this.numNodes, `the job needs ${totalGpus} GPUs at once but pool ${pool.poolName} can never hold more than ${pool.maxGpus}`,
        `use at most ${Math.floor(pool.maxGpus / Math.max(1, this.gpusPerNode))} nodes, or raise the pool's maximum size`);
    }
    if (totalGpus > team.quota.gpus) {
      throw invalidProp(where, 'numNodes', this.numNodes, `the job needs ${totalGpus} GPUs at once but team ${team.team} may never use more than ${team.quota.gpus}, so Kueue would never admit it`,
        'use fewer nodes or GPUs, or raise the team\'s quota');
    }

    // Requests sized from the smallest instance type of the pool, leaving room for the
    // kubelet, system daemons and the GPU agents.
    const smallest = [...pool.gpuInstanceTypes].sort((a, b) => a.vcpus / a.gpuCount - b.vcpus / b.gpuCount)[0];
    const share = smallest && this.gpusPerNode > 0 ? this.gpusPerNode / smallest.gpuCount : 0;
    this.cpuPerNode = o.cpuPerNode ?? (share > 0 ? Math.max(1, Math.floor(smallest.vcpus * share * 0.8)) : 4);
    this.memoryGiBPerNode = o.memoryGiBPerNode ?? (share > 0 ? Math.max(2, Math.floor(smallest.memoryGiB * share * 0.8)) : 16);
    for (const [prop, v] of [['cpuPerNode', this.cpuPerNode], ['memoryGiBPerNode', this.memoryGiBPerNode]] as [string, number][]) {
      if (!Number.isFinite(v) || v <= 0) throw invalidProp(where, prop, v, 'not a positive quantity', 'give a positive number');
    }

    // EFA: only between nodes, only where the pool's nodes have it.
    const poolEfa = pool.efa === true;
    if (o.efa === true && !poolEfa) {
      throw invalidProp(where, 'efa', true, `pool ${pool.poolName} has no Elastic Fabric Adapter interfaces, so a multi-node job there cannot use EFA`,
        'use a pool created with efa: true on EFA-capable instances (e.g. p5.48xlarge), or leave efa unset to communicate over TCP');
    }
    const efa = this.numNodes > 1 && (o.efa ?? poolEfa) && poolEfa;
    this.efaInterfaces = efa ? Math.min(...pool.gpuInstanceTypes.map((t) => t.maxEfaInterfaces)) : 0;

    // Initializers: the runtime must have them, and a multi-node job must share the workspace.
    if (o.dataset && !this.runtime.datasetInitializer) {
      throw invalidProp(where, 'dataset', o.dataset.storageUri, `runtime ${this.runtime.runtimeName} has no dataset initializer`,
        'use a TrainingRuntime with datasetInitializer (the default), or download the dataset in the training code');
    }
    if (o.baseModel && !this.runtime.modelInitializer) {
      throw invalidProp(where, 'baseModel', o.baseModel.storageUri, `runtime ${this.runtime.runtimeName} has no model initializer`,
        'use a TrainingRuntime with modelInitializer (the default), or download the model in the training code');
    }
    if (o.baseModel && o.baseModel.kind === ModelSourceKind.OCI) {
      throw invalidProp(where, 'baseModel', o.baseModel.storageUri, 'Trainer\'s model initializer downloads from S3 or Hugging Face, not from an OCI image',
        'give ModelSource.s3(...) or ModelSource.huggingFace(...)');
    }
    if (o.baseModel?.revision !== undefined) {
      throw invalidProp(where, 'baseModel.revision', o.baseModel.revision, 'Trainer\'s model initializer downloads the default branch and takes no revision',
        'copy the revision into the model store and use ModelSource.s3(...), or leave the revision out');
    }
    // Trainer runs every replicated job of the runtime: an initializer without a source fails.
    if (this.runtime.datasetInitializer && !o.dataset) {
      throw invalidProp(where, 'dataset', undefined, `runtime ${this.runtime.runtimeName} runs a dataset initializer, which fails without a dataset to download`,
        'give dataset (DatasetSource.fromModelStore(...) or DatasetSource.huggingFace(...)), or use a TrainingRuntime with datasetInitializer: false');
    }
    if (this.runtime.modelInitializer && !o.baseModel) {
      throw invalidProp(where, 'baseModel', undefined, `runtime ${this.runtime.runtimeName} runs a model initializer, which fails without a model to download`,
        'give baseModel (ModelSource.s3(...) or ModelSource.huggingFace(...)), or use a TrainingRuntime with modelInitializer: false');
    }
    if ((o.dataset || o.baseModel) && this.numNodes > 1 && !this.runtime.workspaceSharedAcrossNodes) {
      throw invalidProp(where, 'numNodes', this.numNodes, `the initializers download into runtime ${this.runtime.runtimeName}'s workspace, which only one node can mount`,
        'use a TrainingRuntime whose workspace has access WorkspaceAccess.SHARED (an EFS or FSx StorageClass), or train on one node');
    }

    if (o.image !== undefined) checkPinnedImage(where, 'image', o.image);

    this.serviceAccountName = o.serviceAccountName ?? TRAINING.serviceAccount;
    const out = o.outputs;
    if (out) {
      this.outputUri = out.prefix !== undefined
        ? out.modelStore.modelsUri(out.prefix)
        : out.modelStore.trainingOutputUri(team.namespaceName, workload);
      this.outputUri += outputSuffix;
      if (out.registry && out.registryConnection) {
        throw invalidProp(where, 'outputs.registryConnection', out.registryConnection.server?.namespace, 'both a registry and a registry connection are given',
          'give outputs.registry (the platform\'s ModelRegistry) or outputs.registryConnection, not both');
      }
      // A ModelRegistry admits the job's pods: its network policy, their credentials and egress.
      // Only the pods that train log to the registry (not the initializers): JobSet labels each
      // pod with its replicated job's name.
      const trainers = this.runtime.replicatedJobs.filter((j) => j.runsTraining)
        .map((j) => team.workloads({ ...this.podLabels, [REPLICATED_JOB_LABEL]: j.name }));
      if (out.registry) trainers.slice(1).forEach((w) => out.registry!.addClient(w, RegistryAccess.READ_WRITE));
      this.registry = out.registry
        ? out.registry.addClient(trainers[0] ?? team.workloads(this.podLabels), RegistryAccess.READ_WRITE)
        : out.registryConnection;
      this.registeredModelName = this.registry ? (out.registeredModelName ?? workload) : undefined;
      if (out.registeredModelName !== undefined && !this.registry) {
        throw invalidProp(where, 'outputs.registeredModelName', out.registeredModelName, 'a model name without a registry to register it in',
          'give outputs.registry (the platform\'s ModelRegistry)');
      }
    }
    this.registryFlowNeeded = !!this.registry && !out?.registry;
    this.usesS3 = !!(out || o.dataset?.usesWorkloadIdentity || o.baseModel?.usesWorkloadIdentity);
    this.downloads = this.usesS3 || !!o.dataset || !!o.baseModel;
    this.store = out?.modelStore ?? o.dataset?.modelStore;
    if (this.usesS3 && this.store) this.store._requireIdentity(where, 'serviceAccountName', team.namespaceName, this.serviceAccountName);

    const literal: { [name: string]: string }[] = [];
    if (out) {
      literal.push(out.modelStore.environment(), { MODEL_OUTPUT_URI: this.outputUri! });
      if (this.registry) {
        literal.push(this.registry.environment, { MLFLOW_EXPERIMENT_NAME: workload, REGISTERED_MODEL_NAME: this.registeredModelName! });
      }
    }
    if (this.efaInterfaces > 0) literal.push(efaEnvironment(pool));
    if (o.featureStore !== undefined) {
      if (typeof o.featureStore !== 'object' || typeof o.featureStore.clientEnv !== 'function') {
        throw invalidProp(where, 'featureStore', o.featureStore, 'not a feature store object', 'pass the FeatureStore construct (or CnaiPlatform.featureStore), not its name or URL');
      }
      literal.push(Object.fromEntries(o.featureStore.clientEnv(FeatureAccess.OFFLINE).map((e) => [e.name, e.value ?? ''])));
    }
    literal.push(extraEnv, o.env ?? {});
    this.env = envList(where, literal, [this.registry?.secretEnvironment ?? {}, o.secretEnv ?? {}]);
  }

  /** Labels of every pod of the job. */
  public get podLabels(): { [key: string]: string } {
    return { [WORKLOAD_LABEL]: this.workload };
  }

  /** The TrainJob props: in the team's queue, suspended until Kueue admits it. */
  public props(name: string | undefined, labels: { [key: string]: string } = {}): TrainJobProps {
    const o = this.o;
    const gpu = this.gpusPerNode;
    const requests: { [key: string]: TrainJobSpecTrainerResourcesPerNodeRequests } = {
      cpu: TrainJobSpecTrainerResourcesPerNodeRequests.fromString(quantity(this.cpuPerNode)),
      memory: TrainJobSpecTrainerResourcesPerNodeRequests.fromString(`${quantity(this.memoryGiBPerNode)}Gi`),
    };
    const limits: { [key: string]: TrainJobSpecTrainerResourcesPerNodeLimits } = {
      memory: TrainJobSpecTrainerResourcesPerNodeLimits.fromString(`${quantity(this.memoryGiBPerNode)}Gi`),
    };
    if (gpu > 0) {
      // Extended resources: requests must equal limits.
      requests[GPU_RESOURCE] = TrainJobSpecTrainerResourcesPerNodeRequests.fromNumber(gpu);
      limits[GPU_RESOURCE] = TrainJobSpecTrainerResourcesPerNodeLimits.fromNumber(gpu);
    }
    if (this.efaInterfaces > 0) {
      requests[EFA_RESOURCE] = TrainJobSpecTrainerResourcesPerNodeRequests.fromNumber(this.efaInterfaces);
      limits[EFA_RESOURCE] = TrainJobSpecTrainerResourcesPerNodeLimits.fromNumber(this.efaInterfaces);
    }
    return {
      metadata: {
        name,
        namespace: this.team.namespaceName,
        labels: { ...labels, [QUEUE_NAME_LABEL]: this.team.localQueueName!, [WORKLOAD_LABEL]: this.workload },
      },
      spec: {
        runtimeRef: { apiGroup: 'trainer.kubeflow.org', kind: 'ClusterTrainingRuntime', name: this.runtime.runtimeName },
        // Created suspended: Kueue un-suspends it once the team's quota admits it.
        suspend: true,
        activeDeadlineSeconds: o.maxRuntime ? Math.max(1, Math.round(o.maxRuntime.toSeconds())) : undefined,
        initializer: o.dataset || o.baseModel ? {
          dataset: o.dataset ? {
            storageUri: o.dataset.storageUri,
            env: initializerEnv(o.dataset.region, o.dataset.tokenSecret) as any,
          } : undefined,
          model: o.baseModel ? {
            storageUri: o.baseModel.storageUri,
            env: initializerEnv(o.baseModel.usesWorkloadIdentity ? o.baseModel.region ?? this.store?.region : undefined,
              o.baseModel.tokenSecret) as any,
          } : undefined,
        } : undefined,
        trainer: {
          image: o.image,
          command: o.command,
          args: o.args,
          env: this.env.length > 0 ? this.env as any : undefined,
          numNodes: this.numNodes,
          // torchrun starts one process per GPU.
          numProcPerNode: this.runtime.framework === TrainingFramework.TORCH && gpu > 0 ? gpu : undefined,
          resourcesPerNode: { requests, limits },
        },
        runtimePatches: [this.runtimePatch() as any],
      },
    };
  }

  /** Placement, identity, security and scratch volumes patched into every pod of the runtime. */
  private runtimePatch(): any {
    const rt = this.runtime;
    const uid = rt.runAsUser;
    const container = { ...restrictedContainerSecurityContext(uid), readOnlyRootFilesystem: rt.readOnlyRootFilesystem };
    const scratch = !rt.scratchVolumes;
    return {
      manager: PATCH_MANAGER,
      trainingRuntimeSpec: {
        template: {
          spec: {
            replicatedJobs: rt.replicatedJobs.map((rj) => ({
              name: rj.name,
              template: {
                spec: {
                  template: {
                    metadata: { labels: this.podLabels },
                    spec: {
                      serviceAccountName: this.serviceAccountName,
                      securityContext: restrictedPodSecurityContext(uid),
                      ...(rj.runsTraining ? { nodeSelector: this.o.pool.nodeSelector(), tolerations: this.o.pool.tolerations() } : {}),
                      containers: rj.containers.map((name) => ({
                        name,
                        securityContext: container,
                        volumeMounts: scratch ? scratchMounts(rj.runsTraining) : undefined,
                      })),
                      volumes: scratch ? scratchVolumes(rj.runsTraining) : undefined,
                    },
                  },
                },
              },
            })),
          },
        },
      },
    };
  }
}

function scratchMounts(training: boolean): any[] {
  return [{ name: 'cnai-tmp', mountPath: '/tmp' }, ...(training ? [{ name: 'cnai-shm', mountPath: '/dev/shm' }] : [])];
}

function scratchVolumes(training: boolean): any[] {
  return [
    { name: 'cnai-tmp', emptyDir: {} },
    // NCCL and PyTorch data loaders need far more shared memory than the container default.
    ...(training ? [{ name: 'cnai-shm', emptyDir: { medium: 'Memory', sizeLimit: EmptyDirSizeLimit.fromString('16Gi') } }] : []),
  ];
}

function initializerEnv(region: string | undefined, token: SecretKeyRef | undefined): EnvEntry[] | undefined {
  const env: EnvEntry[] = [];
  // Trainer's initializers read ACCESS_TOKEN (Hugging Face) and REGION (S3) from their environment.
  if (token) env.push({ name: 'ACCESS_TOKEN', valueFrom: token.toEnvVarSource() });
  if (region) env.push({ name: 'REGION', value: region });
  return env.length > 0 ? env : undefined;
}

/**
 * libfabric and NCCL settings for EFA. GPUDirect RDMA over EFA exists on the A100 and
 * Hopper P instances only; on G instances with EFA it stays off.
 */
function efaEnvironment(pool: INodePool): { [name: string]: string } {
  const rdma = isGpuPool(pool) && pool.gpuInstanceTypes.every((t) => t.gpuArchitecture === GpuArchitecture.HOPPER
    || (t.gpuArchitecture === GpuArchitecture.AMPERE && t.family.startsWith('p')));
  return {
    FI_PROVIDER: 'efa',
    ...(rdma ? { FI_EFA_USE_DEVICE_RDMA: '1' } : {}),
    FI_EFA_FORK_SAFE: '1',
    NCCL_SOCKET_IFNAME: '^lo,docker',
    NCCL_DEBUG: 'WARN',
  };
}

function quantity(n: number): string {
  return Number.isInteger(n) ? String(n) : String(Math.round(n * 1000) / 1000);
}
