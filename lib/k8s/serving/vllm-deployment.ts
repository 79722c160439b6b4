import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import {
  LlmPodSettings, serverPlacement, serverPodSecurityContext, serverProbes, serverResources, serverSecurityContext,
  serverVolumeMounts, serverVolumes,
} from './llm-pod';
import { LLM_SERVER_PORTS, SERVING_POD_CONSTANTS } from './serving-options';
import { VllmEngineSettings, vllmEngineArgs } from './vllm-engine-args';
import { IMAGES, PinnedImage, imageRef } from '../../core/versions';

/** What every vLLM workload of an LLM service takes (its Deployment, or its LeaderWorkerSet across nodes). */
export interface VllmWorkloadProps {
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
  /** What `vllm serve` loads: an `s3://` URI, a Hugging Face repo id or a local path. */
  readonly model: string;
  /** Engine settings. */
  readonly engine: VllmEngineSettings;
  /** Labels of the objects. */
  readonly labels: { [key: string]: string };
  /**
   * Annotations of the objects (e.g. the Argo CD sync wave).
   * @default - none
   */
  readonly annotations?: { [key: string]: string };
  /**
   * Containers run before the server in every pod (e.g. copying an OCI model into the cache).
   * @default - none
   */
  readonly initContainers?: k8s.Container[];
  /**
   * Image.
   * @default IMAGES.vllmOpenai
   */
  readonly image?: PinnedImage;
}

/** Props of {@link VllmDeployment}. */
export interface VllmDeploymentProps extends VllmWorkloadProps {
  /**
   * Fixed replica count; leave unset when an autoscaler owns the count.
   * @default - unset (1 until the autoscaler acts)
   */
  readonly replicas?: number;
}

/**
 * The vLLM backend of an LLM service: a Deployment of the pinned vllm/vllm-openai image
 * (`vllm serve` with typed engine flags), a ClusterIP Service on port 80 to the
 * OpenAI-compatible port, and a PodDisruptionBudget. Built by {@link LlmService}.
 */
export class VllmDeployment extends Construct {
  /** Name of the Deployment and Service. */
  public readonly name: string;
  /** The Deployment. */
  public readonly deployment: k8s.KubeDeployment;
  /** The Service. */
  public readonly service: k8s.KubeService;
  /** The PodDisruptionBudget. */
  public readonly podDisruptionBudget: k8s.KubePodDisruptionBudget;
  /** The server container's arguments after `vllm serve`. */
  public readonly args: string[];

  constructor(scope: Construct, id: string, props: VllmDeploymentProps) {
    super(scope, id);
    this.name = props.name;
    const meta = { name: props.name, namespace: props.namespace, labels: { ...props.labels }, annotations: props.annotations };
    const pod = props.pod;
    this.args = [props.model, ...vllmEngineArgs(props.engine, pod.port)];
    const placement = serverPlacement(pod);

    const container: k8s.Container = {
      name: 'vllm',
      image: imageRef(props.image ?? IMAGES.vllmOpenai),
      imagePullPolicy: 'IfNotPresent',
      command: ['vllm', 'serve'],
      args: this.args,
      ports: [{ name: 'http', containerPort: pod.port, protocol: 'TCP' }],
      env: pod.env,
      resources: serverResources(pod),
      ...serverProbes(pod),
      securityContext: serverSecurityContext(),
      volumeMounts: serverVolumeMounts(),
    };

    this.deployment = new k8s.KubeDeployment(this, 'Deployment', {
      metadata: meta,
      spec: {
        replicas: props.replicas,
        selector: { matchLabels: { ...pod.selectorLabels } },
        // A new replica must be ready before an old one goes: a rollout never drops capacity
        // (it needs the GPUs of one more replica for a while).
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: k8s.IntOrString.fromNumber(1), maxUnavailable: k8s.IntOrString.fromNumber(0) } },
        template: {
          metadata: { labels: { ...pod.podLabels } },
          spec: {
            serviceAccountName: props.serviceAccountName,
            priorityClassName: props.priorityClassName,
            // The server never calls the Kubernetes API (Pod Identity mounts its own token).
            automountServiceAccountToken: false,
            enableServiceLinks: false,
            securityContext: serverPodSecurityContext(),
            terminationGracePeriodSeconds: SERVING_POD_CONSTANTS.terminationGracePeriodSeconds,
            initContainers: props.initContainers && props.initContainers.length > 0 ? props.initContainers : undefined,
            containers: [container],
            volumes: serverVolumes(pod),
            ...placement,
          },
        },
      },
    });

    this.service = new k8s.KubeService(this, 'Service', {
      metadata: meta,
      spec: {
        type: 'ClusterIP',
        selector: { ...pod.selectorLabels },
        ports: [{ name: 'http', port: LLM_SERVER_PORTS.service, targetPort: k8s.IntOrString.fromString('http'), protocol: 'TCP' }],
      },
    });

    // One replica at a time may be evicted (node drains, consolidation), never more.
    this.podDisruptionBudget = new k8s.KubePodDisruptionBudget(this, 'Pdb', {
      metadata: meta,
      spec: { maxUnavailable: k8s.IntOrString.fromNumber(1), selector: { matchLabels: { ...pod.selectorLabels } } },
    });
  }
}
