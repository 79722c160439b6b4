import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { ServerWorkloadProps, serverContainerBase, serverPodDisruptionBudget, serverPodSpec, serverProbes, serverService } from './llm-pod';
import { VllmEngineSettings, vllmEngineArgs } from './vllm-engine-args';
import { IMAGES } from '../../core/versions';

/** What every vLLM workload of an LLM service takes (its Deployment, or its LeaderWorkerSet across nodes). */
export interface VllmWorkloadProps extends ServerWorkloadProps {
  /** What `vllm serve` loads: an `s3://` URI, a Hugging Face repo id or a local path. */
  readonly model: string;
  /** Engine settings. */
  readonly engine: VllmEngineSettings;
  /**
   * Containers run before the server in every pod (e.g. copying an OCI model into the cache).
   * @default - none
   */
  readonly initContainers?: k8s.Container[];
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
    const container: k8s.Container = {
      name: 'vllm',
      ...serverContainerBase(props.image ?? IMAGES.vllmOpenai, pod),
      imagePullPolicy: 'IfNotPresent',
      command: ['vllm', 'serve'],
      args: this.args,
      ports: [{ name: 'http', containerPort: pod.port, protocol: 'TCP' }],
      ...serverProbes(pod),
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
          spec: { ...serverPodSpec(props, props.initContainers), containers: [container] },
        },
      },
    });
    this.service = serverService(this, meta, pod.selectorLabels);
    this.podDisruptionBudget = serverPodDisruptionBudget(this, meta, pod.selectorLabels);
  }
}

