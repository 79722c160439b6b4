import { ApiObject } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import {
  LlmPodSettings, serverContainerBase, serverPodDisruptionBudget, serverPodSpec, serverProbes, serverResources, serverService,
} from './llm-pod';
import { LlmSizingPlan } from './llm-sizing';
import { SERVING_POD_CONSTANTS } from './serving-options';
import { VllmWorkloadProps } from './vllm-deployment';
import { vllmEngineArgs } from './vllm-engine-args';
import { EFA_RESOURCE } from '../../core/contract';
import { invalidProp } from '../../core/errors';
import { ServedModelBackend } from '../../core/platform-spec';
import { IMAGES } from '../../core/versions';

/** Label LeaderWorkerSet puts on every pod of a set (and its headless Service selects on): the set's name. */
export const LWS_NAME_LABEL = 'leaderworkerset.sigs.k8s.io/name';

/** Label of the server's pods saying which part of a multi-node replica they are: `leader` or `worker`. */
export const LWS_ROLE_LABEL = 'cnai.io/lws-role';

/**
 * Ray's ports inside a multi-node replica, pinned so that they can be named (Ray picks random
 * ports otherwise). Flags of `ray start`; the GCS port is the one the workers join on.
 */
export const RAY_PORTS = {
  /** Global control store of the head (`--port`): workers join here. */
  gcs: 6379,
  /** Raylet (`--node-manager-port`). */
  nodeManager: 6380,
  /** Object manager (`--object-manager-port`). */
  objectManager: 6381,
  /** Dashboard agent gRPC (`--dashboard-agent-grpc-port`). */
  dashboardAgentGrpc: 6382,
  /** Dashboard agent HTTP (`--dashboard-agent-listen-port`). */
  dashboardAgentHttp: 6383,
  /** Metrics export (`--metrics-export-port`). */
  metricsExport: 6384,
  /** Runtime environment agent (`--runtime-env-agent-port`). */
  runtimeEnvAgent: 6385,
  /** First port of the Ray worker processes (`--min-worker-port`). */
  minWorker: 10002,
  /** Last port of the Ray worker processes (`--max-worker-port`). */
  maxWorker: 10101,
};

/** Ray's object store per pod: vLLM passes tensors between stages through NCCL, not the object store. */
const RAY_OBJECT_STORE_BYTES = 1024 ** 3;

/** How long the leader waits for its workers to join before it gives up (the pod then restarts the group). */
const RAY_JOIN_TIMEOUT_SECONDS = 600;

/** Props of {@link VllmLeaderWorkerSet}: its pods' plan spans `plan.nodesPerReplica` nodes (tensor parallel per node, pipeline parallel = nodes); the leader's Service is `<name>-leader`. */
export interface VllmLeaderWorkerSetProps extends VllmWorkloadProps {
  /** Replicas (groups of `plan.nodesPerReplica` pods). */
  readonly replicas: number;
  /**
   * Whether the pool has room for one more replica during a rollout (then a new group comes up
   * before an old one goes).
   * @default false
   */
  readonly surge?: boolean;
  /**
   * EFA interfaces per pod (0: the stages talk over TCP).
   * @default 0
   */
  readonly efaInterfaces?: number;
}

/**
 * The vLLM backend of an LLM service whose model no single node holds: a LeaderWorkerSet
 * (LeaderWorkerSet v0.10.0, `OperatorCatalogue.leaderWorkerSet()`) whose every replica is a group
 * of one pod per node, each pod taking all the GPUs of its node it is sized for: the leader
 * runs the Ray head and `vllm serve` with tensor parallel inside a node and one pipeline stage
 * per node, the workers join its Ray cluster. Plus a ClusterIP Service on port 80 to the
 * leaders' OpenAI-compatible port, a PodDisruptionBudget and the NetworkPolicy between the pods
 * of a group. Built by {@link LlmService}.
 *
 * How it starts, as LeaderWorkerSet's vLLM example (kubernetes-sigs/lws@v0.10.0
 * docs/examples/vllm/GPU/lws.yaml) and vLLM's `examples/online_serving/multi-node-serving.sh`
 * do it: the leader runs `ray start --head`, waits until the group's `LWS_GROUP_SIZE` nodes have
 * joined, then serves; each worker runs `ray start --address=$(LWS_LEADER_ADDRESS):6379 --block`,
 * retrying until the head answers. The script's steps are inlined (with Ray's ports pinned, see
 * {@link RAY_PORTS}) rather than run from the image's examples folder.
 */
export class VllmLeaderWorkerSet extends Construct {
  /** Name of the LeaderWorkerSet (and of its leader StatefulSet and headless Service, which the controller creates). */
  public readonly name: string;
  /** Name of the Service clients call (the leaders). */
  public readonly serviceName: string;
  /** Names of the StatefulSets the controller creates: the leaders' (`<name>`) and each replica's workers (`<name>-<index>`). */
  public readonly statefulSetNames: string[];
  /** The LeaderWorkerSet. */
  public readonly leaderWorkerSet: ApiObject;
  /** The leaders' Service. */
  public readonly service: k8s.KubeService;
  /** The PodDisruptionBudget. */
  public readonly podDisruptionBudget: k8s.KubePodDisruptionBudget;
  /** The NetworkPolicy between the pods of a group (both ways, every TCP port: Ray, NCCL and torch.distributed pick ports at run time). */
  public readonly groupPolicy: k8s.KubeNetworkPolicy;
  /** The `vllm serve` arguments after the model. */
  public readonly args: string[];

  constructor(scope: Construct, id: string, props: VllmLeaderWorkerSetProps) {
    super(scope, id);
    this.name = props.name;
    this.serviceName = `${props.name}-leader`;
    const nodes = props.pod.plan.nodesPerReplica;
    this.statefulSetNames = [props.name, ...Array.from({ length: props.replicas }, (_, i) => `${props.name}-${i}`)];
    const meta = (name: string) => ({ name, namespace: props.namespace, labels: { ...props.labels }, annotations: props.annotations });
    const efa = props.efaInterfaces ?? 0;

    // One pod per node: the GPUs of one stage, with the CPU and memory the plan gives a pod.
    const pod: LlmPodSettings = { ...props.pod, plan: { ...props.pod.plan, gpusPerReplica: props.pod.plan.tensorParallelSize } };
    const resources = serverResources(pod);
    if (efa > 0) {
      resources.requests![EFA_RESOURCE] = k8s.Quantity.fromNumber(efa);
      resources.limits![EFA_RESOURCE] = k8s.Quantity.fromNumber(efa);
    }
    const env: k8s.EnvVar[] = [
      ...pod.env,
      { name: 'RAY_USAGE_STATS_ENABLED', value: '0' },
      ...(efa > 0 ? efaEnvironment(pod.plan.fittingInstanceTypes.every((t) => t.family.startsWith('p'))) : []),
    ];
    this.args = [props.model, ...vllmEngineArgs(props.engine, pod.port), '--distributed-executor-backend', 'ray'];
    const base = serverPodSpec({ ...props, pod }, props.initContainers);
    const podSpec = (containers: k8s.Container[]): k8s.PodSpec => ({
      ...base,
      containers,
      // Stages of one replica on different nodes; replicas spread like the single-node servers'.
      affinity: {
        ...base.affinity,
        podAntiAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: [{
            labelSelector: { matchLabels: { [LWS_NAME_LABEL]: props.name } },
            topologyKey: 'kubernetes.io/hostname',
          }],
        },
      },
    });
    const rayPorts = (head: boolean): k8s.ContainerPort[] => [
      ...(head ? [{ name: 'ray-gcs', containerPort: RAY_PORTS.gcs, protocol: 'TCP' }] : []),
      { name: 'ray-node', containerPort: RAY_PORTS.nodeManager, protocol: 'TCP' },
      { name: 'ray-object', containerPort: RAY_PORTS.objectManager, protocol: 'TCP' },
    ];
    const common = { ...serverContainerBase(props.image ?? IMAGES.vllmOpenai, pod), imagePullPolicy: 'IfNotPresent', env, resources };
    const leader: k8s.Container = {
      name: 'vllm',
      ...common,
      command: ['sh', '-c', leaderScript(this.args, nodes)],
      ports: [{ name: 'http', containerPort: pod.port, protocol: 'TCP' }, ...rayPorts(true)],
      ...serverProbes(pod),
    };
    // A worker is alive while its raylet listens; it restarts the whole group when it dies (RecreateGroupOnPodRestart).
    const raylet = { tcpSocket: { port: k8s.IntOrString.fromNumber(RAY_PORTS.nodeManager) } };
    const period = SERVING_POD_CONSTANTS.startupPeriodSeconds;
    const worker: k8s.Container = {
      name: 'ray-worker',
      ...common,
      command: ['sh', '-c', workerScript()],
      ports: rayPorts(false),
      startupProbe: { ...raylet, periodSeconds: period, timeoutSeconds: 5, failureThreshold: Math.ceil(pod.startupTimeoutSeconds / period) },
      readinessProbe: { ...raylet, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 },
      livenessProbe: { ...raylet, periodSeconds: 15, timeoutSeconds: 10, failureThreshold: 4 },
    };
    const leaderLabels = { ...pod.podLabels, [LWS_ROLE_LABEL]: 'leader' };
    const workerLabels = { ...pod.podLabels, [LWS_ROLE_LABEL]: 'worker' };

    this.leaderWorkerSet = new ApiObject(this, 'LeaderWorkerSet', {
      apiVersion: 'leaderworkerset.x-k8s.io/v1',
      kind: 'LeaderWorkerSet',
      metadata: meta(props.name),
      spec: {
        replicas: props.replicas,
        // Workers start with their leader and join its Ray head when it answers.
        startupPolicy: 'LeaderCreated',
        rolloutStrategy: {
          type: 'RollingUpdate',
          rollingUpdateConfiguration: props.surge
            ? { maxSurge: 1, maxUnavailable: 0 }
            : { maxSurge: 0, maxUnavailable: 1 },
        },
        leaderWorkerTemplate: {
          size: nodes,
          // A failed pod takes its group down: a pipeline without one of its stages serves nothing.
          restartPolicy: 'RecreateGroupOnPodRestart',
          // The typed pod templates as JSON (quantities and ports resolved, as the generated kinds do).
          leaderTemplate: k8s.toJson_PodTemplateSpec({ metadata: { labels: leaderLabels }, spec: podSpec([leader]) }),
          workerTemplate: k8s.toJson_PodTemplateSpec({ metadata: { labels: workerLabels }, spec: podSpec([worker]) }),
        },
      },
    });

    this.service = serverService(this, meta(this.serviceName), { ...pod.selectorLabels, [LWS_ROLE_LABEL]: 'leader' });
    // One pod at a time may be evicted (node drains, consolidation): its group restarts, the others keep serving.
    this.podDisruptionBudget = serverPodDisruptionBudget(this, meta(props.name), pod.selectorLabels);

    // Between the pods of the set, both ways; nothing else is opened here.
    const group = { podSelector: { matchLabels: { [LWS_NAME_LABEL]: props.name } } };
    this.groupPolicy = new k8s.KubeNetworkPolicy(this, 'NetworkPolicy-group', {
      metadata: meta(`${props.name}-group`),
      spec: {
        podSelector: { matchLabels: { ...pod.selectorLabels } },
        policyTypes: ['Ingress', 'Egress'],
        ingress: [{ from: [group] }],
        egress: [{ to: [group] }],
      },
    });
  }
}

/**
 * What a multi-node LlmService adds to its LeaderWorkerSet's props, after checking what such a
 * service cannot do: room for a surge replica in the pool, and EFA interfaces per pod on an EFA
 * pool (the fewest any of the plan's instance types has).
 * @internal
 */
export function multiNodeOptions(where: string, plan: LlmSizingPlan, backend: ServedModelBackend, autoscaled: boolean, replicas: number):
{ surge: boolean; efaInterfaces: number } {
  if (backend !== ServedModelBackend.VLLM) {
    throw invalidProp(where, 'backend', backend, `the model is served across nodes (${plan.summary}), which runs vLLM in a LeaderWorkerSet; KServe's Standard mode serves from one pod`,
      'use ServedModelBackend.VLLM (the default), or a pool whose nodes each hold the model');
  }
  if (autoscaled) {
    throw invalidProp(where, 'autoscaling', 'set', `the model is served across nodes (${plan.summary}): a replica is ${plan.nodesPerReplica} whole nodes, and the autoscaler scales Deployments`,
      'give a fixed replicas count instead');
  }
  const pool = plan.pool;
  return {
    surge: pool.maxGpus > 0 && (replicas + 1) * plan.gpusPerReplica <= pool.maxGpus,
    efaInterfaces: pool.efa === true ? Math.min(...plan.fittingInstanceTypes.map((t) => t.maxEfaInterfaces)) : 0,
  };
}

/** The arguments quoted for `sh -c`. */
function shellWords(words: string[]): string {
  return words.map((w) => (/^[A-Za-z0-9_./:=@%+,-]+$/.test(w) ? w : `'${w.replace(/'/g, '\'"\'"\'')}'`)).join(' ');
}

/** `ray start` flags both roles share: Ray's ports pinned, no usage reports, a small object store. */
function rayFlags(): string {
  const p = RAY_PORTS;
  return [
    `--node-manager-port=${p.nodeManager}`, `--object-manager-port=${p.objectManager}`,
    `--dashboard-agent-grpc-port=${p.dashboardAgentGrpc}`, `--dashboard-agent-listen-port=${p.dashboardAgentHttp}`,
    `--metrics-export-port=${p.metricsExport}`, `--runtime-env-agent-port=${p.runtimeEnvAgent}`,
    `--min-worker-port=${p.minWorker}`, `--max-worker-port=${p.maxWorker}`,
    `--object-store-memory=${RAY_OBJECT_STORE_BYTES}`, '--disable-usage-stats',
  ].join(' ');
}

/** The leader: the Ray head, a wait for the group's nodes, then the server (multi-node-serving.sh leader, then vllm serve). */
function leaderScript(args: string[], nodes: number): string {
  const attempts = Math.ceil(RAY_JOIN_TIMEOUT_SECONDS / 5);
  return [
    'set -e',
    `ray start --head --port=${RAY_PORTS.gcs} --include-dashboard=false ${rayFlags()}`,
    `i=0; until [ "$(python3 -c 'import ray; ray.init(address="auto", logging_level="ERROR"); print(sum(n["Alive"] for n in ray.nodes()))')" -ge "\${LWS_GROUP_SIZE:-${nodes}}" ]; do`
      + ` i=$((i+1)); if [ "$i" -ge ${attempts} ]; then echo "workers did not join the Ray head" >&2; exit 1; fi; sleep 5; done`,
    `exec vllm serve ${shellWords(args)}`,
  ].join('\n');
}

/** A worker: joins the leader's Ray head (LWS_LEADER_ADDRESS, injected by LeaderWorkerSet), retrying until it answers. */
function workerScript(): string {
  const attempts = Math.ceil(RAY_JOIN_TIMEOUT_SECONDS / 5);
  return [
    `i=0; until ray start --address=$(LWS_LEADER_ADDRESS):${RAY_PORTS.gcs} ${rayFlags()} --block; do`
      + ` i=$((i+1)); if [ "$i" -ge ${attempts} ]; then echo "the Ray head did not answer" >&2; exit 1; fi; sleep 5; done`,
  ].join('\n');
}

/**
 * libfabric and NCCL settings for EFA between the stages. NCCL uses EFA through the aws-ofi-nccl
 * plugin where the image carries it; without it NCCL falls back to TCP sockets. GPUDirect RDMA
 * over EFA exists on the P instances (A100, H100) only.
 */
function efaEnvironment(rdma: boolean): k8s.EnvVar[] {
  return [
    { name: 'FI_PROVIDER', value: 'efa' },
    ...(rdma ? [{ name: 'FI_EFA_USE_DEVICE_RDMA', value: '1' }] : []),
    { name: 'FI_EFA_FORK_SAFE', value: '1' },
    { name: 'NCCL_SOCKET_IFNAME', value: '^lo,docker' },
  ];
}
