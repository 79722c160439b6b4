import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { LlmSizingPlan } from './llm-sizing';
import { LLM_SERVER_PORTS, SERVING_POD_CONSTANTS } from './serving-options';
import { GPU_RESOURCE } from '../../core/contract';
import { PinnedImage, imageRef } from '../../core/versions';
import { INodePool } from '../node-pool';
import { restrictedContainerSecurityContext, restrictedPodSecurityContext } from '../pod-security';

/** Where the server's writable paths are mounted (the root filesystem is read-only). */
export const LLM_SERVER_PATHS = {
  /** Shared memory (PyTorch IPC, NCCL); an emptyDir of medium Memory. */
  shm: '/dev/shm',
  /** Model cache volume: Hugging Face downloads, OCI copies, compile caches. */
  cache: '/var/cache/model',
  /** Scratch. */
  tmp: '/tmp',
  /** Where an OCI model is copied to inside the cache. */
  ociModel: '/var/cache/model/oci',
  /** Where KServe's storage initializer puts the model. */
  kserveModel: '/mnt/models',
};

/** HTTP paths the kubelet probes. */
export interface HealthPaths {
  /** Startup and readiness. */
  readonly ready: string;
  /** Liveness. */
  readonly live: string;
}

/** Everything both backends need to build the server pod. */
export interface LlmPodSettings {
  /** Pod labels (including the selector labels). */
  readonly podLabels: { [key: string]: string };
  /** Labels that select the pods. */
  readonly selectorLabels: { [key: string]: string };
  /** The sizing plan (pool, GPUs, CPU, memory). */
  readonly plan: LlmSizingPlan;
  /** Container port of the server. */
  readonly port: number;
  /** Health paths. */
  readonly health: HealthPaths;
  /** Startup budget in seconds. */
  readonly startupTimeoutSeconds: number;
  /** Size limit of the cache volume in GiB. */
  readonly cacheGiB: number;
  /** Environment of the server. */
  readonly env: k8s.EnvVar[];
}

/** What every server workload of an LLM service takes (its Deployment, LeaderWorkerSet or InferenceService). */
export interface ServerWorkloadProps {
  /** Name of the workload and its PodDisruptionBudget (and the Service the workload names). */
  readonly name: string;
  /** Namespace. */
  readonly namespace: string;
  /** ServiceAccount every pod runs as (the identity that reads the weights). */
  readonly serviceAccountName: string;
  /**
   * PriorityClass of the pods.
   * @default - none
   */
  readonly priorityClassName?: string;
  /** The pods' sizing, placement, probes and environment. */
  readonly pod: LlmPodSettings;
  /** Labels of the objects. */
  readonly labels: { [key: string]: string };
  /**
   * Annotations of the objects (e.g. the Argo CD sync wave).
   * @default - none
   */
  readonly annotations?: { [key: string]: string };
  /**
   * Image of the server.
   * @default - IMAGES.vllmOpenai; KServe's Hugging Face runtime: IMAGES.kserveHuggingFaceServer
   */
  readonly image?: PinnedImage;
}

/**
 * Size of /dev/shm for a replica (counted against the pod's memory).
 * @internal
 */
export function shmGiB(plan: LlmSizingPlan): number {
  const c = SERVING_POD_CONSTANTS;
  const wanted = plan.gpusPerReplica === 1 ? c.shmGiBSingleGpu : c.shmGiBPerGpuMulti * plan.gpusPerReplica;
  return Math.max(1, Math.min(wanted, Math.floor(plan.memoryGiB / 4)));
}

/**
 * The pod's volumes: /dev/shm in memory, the model cache and /tmp on the node's disk, each with a size limit.
 * @internal
 */
export function serverVolumes(s: LlmPodSettings): k8s.Volume[] {
  return [
    { name: 'dshm', emptyDir: { medium: 'Memory', sizeLimit: k8s.Quantity.fromString(`${shmGiB(s.plan)}Gi`) } },
    { name: 'model-cache', emptyDir: { sizeLimit: k8s.Quantity.fromString(`${s.cacheGiB}Gi`) } },
    { name: 'tmp', emptyDir: { sizeLimit: k8s.Quantity.fromString(`${SERVING_POD_CONSTANTS.tmpGiB}Gi`) } },
  ];
}

/**
 * The server container's mounts of {@link serverVolumes}.
 * @internal
 */
export function serverVolumeMounts(): k8s.VolumeMount[] {
  return [
    { name: 'dshm', mountPath: LLM_SERVER_PATHS.shm },
    { name: 'model-cache', mountPath: LLM_SERVER_PATHS.cache },
    { name: 'tmp', mountPath: LLM_SERVER_PATHS.tmp },
  ];
}

/**
 * Requests equal to limits for GPUs (the device plugin requires it), CPU and memory
 * (Guaranteed QoS: the last pods evicted under node pressure); scratch disk requested so the
 * scheduler only places the pod where the cache fits.
 * @internal
 */
export function serverResources(s: LlmPodSettings): k8s.ResourceRequirements {
  const q = {
    cpu: k8s.Quantity.fromString(String(s.plan.cpu)),
    memory: k8s.Quantity.fromString(`${s.plan.memoryGiB}Gi`),
    [GPU_RESOURCE]: k8s.Quantity.fromString(String(s.plan.gpusPerReplica)),
  };
  return {
    requests: { ...q, 'ephemeral-storage': k8s.Quantity.fromString(`${s.cacheGiB + SERVING_POD_CONSTANTS.tmpGiB}Gi`) },
    limits: { ...q },
  };
}

/**
 * Probes: a startup probe whose budget covers the download and load of large models, then
 * readiness (out of the Service while not ready) and liveness (restart a dead engine).
 * @internal
 */
export function serverProbes(s: Pick<LlmPodSettings, 'port' | 'health' | 'startupTimeoutSeconds'>): { startupProbe: k8s.Probe; readinessProbe: k8s.Probe; livenessProbe: k8s.Probe } {
  const port = k8s.IntOrString.fromNumber(s.port);
  const period = SERVING_POD_CONSTANTS.startupPeriodSeconds;
  return {
    startupProbe: {
      httpGet: { path: s.health.ready, port },
      periodSeconds: period,
      timeoutSeconds: 5,
      failureThreshold: Math.ceil(s.startupTimeoutSeconds / period),
    },
    readinessProbe: { httpGet: { path: s.health.ready, port }, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 },
    livenessProbe: { httpGet: { path: s.health.live, port }, periodSeconds: 15, timeoutSeconds: 10, failureThreshold: 4 },
  };
}

/**
 * The container security context of the servers: restricted, read-only root filesystem.
 * @internal
 */
export function serverSecurityContext(): k8s.SecurityContext {
  return restrictedContainerSecurityContext(SERVING_POD_CONSTANTS.uid);
}

/**
 * The pod security context of the servers.
 * @internal
 */
export function serverPodSecurityContext(): k8s.PodSecurityContext {
  return restrictedPodSecurityContext(SERVING_POD_CONSTANTS.uid);
}

/**
 * Placement on the plan's pool: its selector and tolerations, fitting instance types, spread over zones and nodes.
 * @internal
 */
export function serverPlacement(s: LlmPodSettings): {
  nodeSelector: { [key: string]: string };
  tolerations: k8s.Toleration[];
  affinity?: k8s.Affinity;
  topologySpreadConstraints: k8s.TopologySpreadConstraint[];
} {
  const pool = s.plan.pool;
  const affinity: k8s.Affinity | undefined = s.plan.restrictInstanceTypes
    ? {
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [{
            matchExpressions: [{ key: 'node.kubernetes.io/instance-type', operator: 'In', values: s.plan.fittingInstanceTypes.map((t) => t.name) }],
          }],
        },
      },
    }
    : undefined;
  return {
    nodeSelector: pool.nodeSelector(),
    tolerations: serverTolerations(pool),
    affinity,
    topologySpreadConstraints: serverSpread(s.selectorLabels),
  };
}

/**
 * The pool's tolerations as pod tolerations.
 * @internal
 */
export function serverTolerations(pool: INodePool): k8s.Toleration[] {
  return pool.tolerations().map((t) => ({ key: t.key, operator: t.operator, value: t.value, effect: t.effect }));
}

/**
 * Replicas spread over zones, then nodes.
 * @internal
 */
export function serverSpread(selectorLabels: { [key: string]: string }): k8s.TopologySpreadConstraint[] {
  // ScheduleAnyway: GPU capacity is scarce per zone; a hard spread would leave replicas Pending.
  const spread = (topologyKey: string): k8s.TopologySpreadConstraint => ({
    maxSkew: 1,
    topologyKey,
    whenUnsatisfiable: 'ScheduleAnyway',
    labelSelector: { matchLabels: { ...selectorLabels } },
  });
  return [spread('topology.kubernetes.io/zone'), spread('kubernetes.io/hostname')];
}

/**
 * The server pod's spec without its containers: identity, no API token, restricted security
 * context, grace period for in-flight requests, volumes and placement, and the containers that
 * run before the server (none: left out).
 * @internal
 */
export function serverPodSpec(w: ServerWorkloadProps, initContainers: k8s.Container[] = []): Omit<k8s.PodSpec, 'containers'> {
  return {
    serviceAccountName: w.serviceAccountName,
    priorityClassName: w.priorityClassName,
    // The server never calls the Kubernetes API (Pod Identity mounts its own token).
    automountServiceAccountToken: false,
    enableServiceLinks: false,
    securityContext: serverPodSecurityContext(),
    terminationGracePeriodSeconds: SERVING_POD_CONSTANTS.terminationGracePeriodSeconds,
    initContainers: initContainers.length > 0 ? initContainers : undefined,
    volumes: serverVolumes(w.pod),
    ...serverPlacement(w.pod),
  };
}

/**
 * What every server container has: the pinned image, the environment, resources, the restricted
 * security context and the mounts of {@link serverVolumes}.
 * @internal
 */
export function serverContainerBase(image: PinnedImage, s: LlmPodSettings): {
  image: string; env: k8s.EnvVar[]; resources: k8s.ResourceRequirements; securityContext: k8s.SecurityContext; volumeMounts: k8s.VolumeMount[];
} {
  return {
    image: imageRef(image),
    env: s.env,
    resources: serverResources(s),
    securityContext: serverSecurityContext(),
    volumeMounts: serverVolumeMounts(),
  };
}

/**
 * A ClusterIP Service on port 80 to the pods' `http` port.
 * @internal
 */
export function serverService(scope: Construct, metadata: k8s.ObjectMeta, selector: { [key: string]: string }): k8s.KubeService {
  return new k8s.KubeService(scope, 'Service', {
    metadata,
    spec: {
      type: 'ClusterIP',
      selector: { ...selector },
      ports: [{ name: 'http', port: LLM_SERVER_PORTS.service, targetPort: k8s.IntOrString.fromString('http'), protocol: 'TCP' }],
    },
  });
}

/**
 * One pod at a time may be evicted (node drains, consolidation), never more.
 * @internal
 */
export function serverPodDisruptionBudget(scope: Construct, metadata: k8s.ObjectMeta,
  selectorLabels: { [key: string]: string }): k8s.KubePodDisruptionBudget {
  return new k8s.KubePodDisruptionBudget(scope, 'Pdb', {
    metadata,
    spec: { maxUnavailable: k8s.IntOrString.fromNumber(1), selector: { matchLabels: { ...selectorLabels } } },
  });
}
