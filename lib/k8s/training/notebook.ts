import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { KubeflowTraining } from './kubeflow-training';
import { WORKLOAD_LABEL } from './labels';
import { ModelStoreReference } from './model-store-reference';
import { checkPinnedImage } from './pinned-image';
import { teamOf } from './team-binding';
import { ensureServiceAccount, envList, workloadNetwork } from './workload-support';
import { GPU_RESOURCE, TRAINING } from '../../core/contract';
import { invalidProp } from '../../core/errors';
import { TRAINING_IMAGES, imageRef } from '../../core/versions';
import {
  Notebook as NotebookResource,
  NotebookSpecTemplateSpecContainersResourcesLimits as Limits,
  NotebookSpecTemplateSpecContainersResourcesRequests as Requests,
  NotebookSpecTemplateSpecVolumesEmptyDirSizeLimit as SizeLimit,
} from '../../imports/kubeflow.org';
import { SecretKeyRef } from '../common/secret-key-ref';
import { Suppressions } from '../common/suppressions';
import { INodePool } from '../node-pool';
import type { IPriorityClass } from '../priority-class';
import { IRegistryConnection, IModelRegistry, RegistryAccess } from '../registry/registry-connection';
import { INamespaceOwner } from '../workload-selector';

/** The image of a notebook. */
export class NotebookImage {
  /** Kubeflow's JupyterLab with PyTorch and CUDA (pinned with the notebook controller's release). */
  public static readonly JUPYTER_PYTORCH_CUDA = new NotebookImage(imageRef(TRAINING_IMAGES.jupyterPytorchCuda));
  /** Kubeflow's JupyterLab with the SciPy stack, for CPU work. */
  public static readonly JUPYTER_SCIPY = new NotebookImage(imageRef(TRAINING_IMAGES.jupyterScipy));

  /**
   * Any image built on Kubeflow's notebook images (serves Jupyter on port 8888 under
   * `NB_PREFIX`, runs as user 1000). Must be pinned: a tag other than `latest`, or a digest.
   * @param reference registry/repository:tag or registry/repository@sha256:digest
   */
  public static fromRegistry(reference: string): NotebookImage {
    return new NotebookImage(reference);
  }

  /** The image reference. */
  public readonly reference: string;

  private constructor(reference: string) {
    this.reference = reference;
  }
}

/** The persistent home directory of a notebook. */
export interface NotebookWorkspaceOptions {
  /**
   * Size in GiB.
   * @default 50
   */
  readonly sizeGiB?: number;
  /**
   * StorageClass.
   * @default - the cluster's default StorageClass
   */
  readonly storageClassName?: string;
}

/** Props of {@link Notebook}. */
export interface NotebookProps {
  /**
   * Notebook name (a DNS-1123 label of at most 52 characters: its StatefulSet's pod names derive from it).
   * @default - the construct id
   */
  readonly name?: string;
  /** The team namespace. */
  readonly team: INamespaceOwner;
  /**
   * Image.
   * @default - NotebookImage.JUPYTER_PYTORCH_CUDA with GPUs, else NotebookImage.JUPYTER_SCIPY
   */
  readonly image?: NotebookImage;
  /**
   * Pool the notebook runs on (node selector and tolerations come from it).
   * @default - any node without GPUs
   */
  readonly pool?: INodePool;
  /**
   * GPUs (at most the pool's GPUs per node).
   * @default - 1 on a GPU pool, else 0
   */
  readonly gpus?: number;
  /**
   * vCPUs requested.
   * @default 2
   */
  readonly cpu?: number;
  /**
   * Memory in GiB (request and limit).
   * @default 16
   */
  readonly memoryGiB?: number;
  /**
   * The home directory volume (kept when the notebook is stopped or deleted).
   * @default - 50 GiB on the default StorageClass
   */
  readonly workspace?: NotebookWorkspaceOptions;
  /**
   * The model store: its locations go into the environment and the notebook's service
   * account must have a workload identity.
   * @default - no model store
   */
  readonly modelStore?: ModelStoreReference;
  /**
   * The platform's model registry: the notebook is admitted as a read-write client (network
   * path and credentials) and gets the client environment.
   * @default - no registry
   */
  readonly registry?: IModelRegistry;
  /**
   * Client settings of another registry (instead of `registry`); the notebook opens the flow to its server.
   * @default - no registry
   */
  readonly registryConnection?: IRegistryConnection;
  /**
   * Service account (its workload identity reaches the model store).
   * @default TRAINING.serviceAccount ("ml-training")
   */
  readonly serviceAccountName?: string;
  /**
   * The PriorityClass of the notebook's pod (`KueueQueues.priorityClass(WorkloadPriority.LOW)`:
   * opportunistic, first to be preempted).
   * @default - none: the cluster's default priority
   */
  readonly priorityClass?: IPriorityClass;
  /**
   * More environment variables.
   * @default - none
   */
  readonly env?: { [name: string]: string };
  /**
   * Environment variables from Secrets.
   * @default - none
   */
  readonly secretEnv?: { [name: string]: SecretKeyRef };
}

/** Port Jupyter listens on in Kubeflow's notebook images (the controller's Service targets it). */
export const NOTEBOOK_PORT = 8888;

/** Uid and gid of `jovyan`, the user of Kubeflow's notebook images. */
const JOVYAN = { uid: 1000, gid: 100 };

/**
 * A data scientist's notebook: a Kubeflow Notebook (kubeflow.org/v1) with a pinned image,
 * optionally GPUs from a pool, a persistent home volume and a memory-backed `/dev/shm`,
 * environment for the model store and the registry, and the network flow the notebook
 * controller needs to cull it when idle (culling itself is configured on the controller:
 * `OperatorCatalogue.notebookController({ culling, cullIdleTime })`). The pod is restricted
 * (non-root as jovyan, no capabilities, RuntimeDefault seccomp); its root filesystem stays
 * writable because Jupyter's images write outside the home directory at start-up.
 *
 * Notebooks are not queued by Kueue: an interactive session needs its GPU now or not at all.
 * Their GPUs count against the namespace's ResourceQuota.
 */
export class Notebook extends Construct {
  /** Notebook name. */
  public readonly notebookName: string;
  /** Namespace. */
  public readonly namespace: string;
  /** Image reference. */
  public readonly image: string;
  /** GPUs. */
  public readonly gpus: number;
  /** vCPUs. */
  public readonly cpu: number;
  /** Memory in GiB. */
  public readonly memoryGiB: number;
  /** Name of the home volume's PersistentVolumeClaim. */
  public readonly workspaceClaimName: string;
  /** Service account. */
  public readonly serviceAccountName: string;
  /** The Notebook object. */
  public readonly apiObject: NotebookResource;

  constructor(scope: Construct, id: string, props: NotebookProps) {
    super(scope, id);
    const where = this.node.path;
    const team = teamOf(where, 'team', props.team, false);
    this.namespace = team.namespaceName;
    this.notebookName = props.name ?? id;
    if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(this.notebookName) || this.notebookName.length > 52) {
      throw invalidProp(where, 'name', this.notebookName, 'not a DNS-1123 label of at most 52 characters', 'use lowercase letters, digits and "-", e.g. "alice-gpu"');
    }
    const pool = props.pool;
    this.gpus = props.gpus ?? (pool && pool.gpusPerNode > 0 ? 1 : 0);
    if (!Number.isInteger(this.gpus) || this.gpus < 0) {
      throw invalidProp(where, 'gpus', this.gpus, 'not a whole number of GPUs', 'give 0 or more');
    }
    if (this.gpus > 0 && !pool) {
      throw invalidProp(where, 'gpus', this.gpus, 'GPUs without a pool to take them from', 'give pool (a GPU pool)');
    }
    if (pool && this.gpus > pool.gpusPerNode) {
      throw invalidProp(where, 'gpus', this.gpus, `more GPUs than a node of pool ${pool.poolName} has (${pool.gpusPerNode})`, `ask for at most ${pool.gpusPerNode}`);
    }
    if (this.gpus > team.quota.gpus) {
      throw invalidProp(where, 'gpus', this.gpus, `more GPUs than team ${team.team}'s quota (${team.quota.gpus})`, 'ask for fewer GPUs, or raise the team\'s quota');
    }
    const image = props.image ?? (this.gpus > 0 ? NotebookImage.JUPYTER_PYTORCH_CUDA : NotebookImage.JUPYTER_SCIPY);
    this.image = checkPinnedImage(where, 'image', image.reference);
    this.cpu = props.cpu ?? 2;
    this.memoryGiB = props.memoryGiB ?? 16;
    for (const [prop, v] of [['cpu', this.cpu], ['memoryGiB', this.memoryGiB]] as [string, number][]) {
      if (!Number.isFinite(v) || v <= 0) throw invalidProp(where, prop, v, 'not a positive quantity', 'give a positive number');
    }
    const ws = props.workspace ?? {};
    const sizeGiB = ws.sizeGiB ?? 50;
    if (!Number.isInteger(sizeGiB) || sizeGiB < 1) {
      throw invalidProp(where, 'workspace.sizeGiB', sizeGiB, 'not a whole number of GiB', 'give 1 or more');
    }
    this.serviceAccountName = props.serviceAccountName ?? TRAINING.serviceAccount;
    if (props.modelStore) props.modelStore._requireIdentity(where, 'serviceAccountName', this.namespace, this.serviceAccountName);
    ensureServiceAccount(this, this.namespace, this.serviceAccountName, false);

    this.workspaceClaimName = `${this.notebookName}-workspace`;
    new k8s.KubePersistentVolumeClaim(this, 'Workspace', {
      metadata: {
        name: this.workspaceClaimName,
        namespace: this.namespace,
        labels: { [WORKLOAD_LABEL]: this.notebookName },
        // Work survives the notebook: Argo CD never prunes the claim.
        annotations: { 'argocd.argoproj.io/sync-options': 'Prune=false,Delete=false' },
      },
      spec: {
        accessModes: ['ReadWriteOnce'],
        storageClassName: ws.storageClassName,
        resources: { requests: { storage: k8s.Quantity.fromString(`${sizeGiB}Gi`) } },
      },
    });

    const podLabels = { 'notebook-name': this.notebookName };
    if (props.registry && props.registryConnection) {
      throw invalidProp(where, 'registryConnection', props.registryConnection.server?.namespace, 'both a registry and a registry connection are given',
        'give registry (the platform\'s ModelRegistry) or registryConnection, not both');
    }
    const registry = props.registry ? props.registry.addClient(team.workloads(podLabels), RegistryAccess.READ_WRITE) : props.registryConnection;
    const env = envList(where, [
      props.modelStore ? props.modelStore.environment() : {},
      registry ? registry.environment : {},
      props.env ?? {},
    ], [registry?.secretEnvironment ?? {}, props.secretEnv ?? {}]);
    const memory = `${quantity(this.memoryGiB)}Gi`;
    const requests: { [k: string]: Requests } = { cpu: Requests.fromString(quantity(this.cpu)), memory: Requests.fromString(memory) };
    const limits: { [k: string]: Limits } = { memory: Limits.fromString(memory) };
    if (this.gpus > 0) {
      requests[GPU_RESOURCE] = Requests.fromNumber(this.gpus);
      limits[GPU_RESOURCE] = Limits.fromNumber(this.gpus);
    }
    const shm = `${Math.max(1, Math.min(8, Math.floor(this.memoryGiB / 2)))}Gi`;

    this.apiObject = new NotebookResource(this, 'Resource', {
      metadata: {
        name: this.notebookName,
        namespace: this.namespace,
        // The controller copies the Notebook's labels to its pod.
        labels: { [WORKLOAD_LABEL]: this.notebookName },
        annotations: { 'cnai.io/read-only-root-filesystem': 'false: Jupyter\'s images write outside the home directory at start-up' },
      },
      spec: {
        template: {
          spec: {
            serviceAccountName: this.serviceAccountName,
            priorityClassName: props.priorityClass?.priorityClassName,
            securityContext: {
              runAsNonRoot: true,
              runAsUser: JOVYAN.uid,
              runAsGroup: JOVYAN.gid,
              fsGroup: JOVYAN.gid,
              seccompProfile: { type: 'RuntimeDefault' },
            },
            ...(pool ? { nodeSelector: pool.nodeSelector(), tolerations: pool.tolerations() } : {}),
            containers: [{
              name: this.notebookName,
              image: this.image,
              ports: [{ name: 'notebook-port', containerPort: NOTEBOOK_PORT, protocol: 'TCP' }],
              env: env.length > 0 ? env as any : undefined,
              resources: { requests, limits },
              securityContext: {
                allowPrivilegeEscalation: false,
                privileged: false,
                capabilities: { drop: ['ALL'] },
                runAsNonRoot: true,
                readOnlyRootFilesystem: false,
                seccompProfile: { type: 'RuntimeDefault' },
              },
              volumeMounts: [
                { name: 'workspace', mountPath: '/home/jovyan' },
                { name: 'dshm', mountPath: '/dev/shm' },
              ],
            }],
            volumes: [
              { name: 'workspace', persistentVolumeClaim: { claimName: this.workspaceClaimName } },
              { name: 'dshm', emptyDir: { medium: 'Memory', sizeLimit: SizeLimit.fromString(shm) } },
            ],
          },
        },
      },
    });

    Suppressions.add(this.apiObject, 'pod-read-only-root-filesystem', 'Jupyter\'s images write outside the home directory at start-up '
      + '(the home is the workspace volume); privilege escalation stays off and every capability dropped', { appliesTo: `container ${this.notebookName}` });
    // An interactive session is not a batch workload Kueue admits, and a probe would restart a kernel
    // busy in a long cell: both are exceptions of the notebook, with their reasons.
    if (this.gpus > 0) {
      Suppressions.add(this.apiObject, 'ai-gpu-kueue', `notebook ${this.notebookName}: an interactive session, not a batch workload Kueue admits; its GPUs `
        + 'count against the namespace\'s ResourceQuota, are checked against the team\'s quota at synth time, and are freed when the '
        + 'notebook controller culls the idle notebook');
    }
    Suppressions.add(this.apiObject, 'pod-probes', 'Jupyter is probed by the notebook controller through its kernels API to cull idle '
      + 'notebooks; a liveness probe would restart a kernel busy in a long cell', { appliesTo: `container ${this.notebookName}` });

    // The controller probes Jupyter's kernels API to find idle notebooks.
    team.allowFrom(KubeflowTraining.notebookController(), NOTEBOOK_PORT, team.workloads(podLabels));
    workloadNetwork(this, team, `notebook-${this.notebookName}`, { https: true, podIdentity: !!props.modelStore, peers: false },
      props.registry ? undefined : registry, podLabels);
  }
}

function quantity(n: number): string {
  return Number.isInteger(n) ? String(n) : String(Math.round(n * 1000) / 1000);
}
