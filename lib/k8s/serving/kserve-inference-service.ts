import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { ServerWorkloadProps, serverContainerBase, serverPodDisruptionBudget, serverPodSpec, serverProbes } from './llm-pod';
import { KServeRuntime, LLM_SERVER_PORTS } from './serving-options';
import { IMAGES, imageRef } from '../../core/versions';
import { InferenceService, InferenceServiceSpecPredictor, ServingRuntime } from '../../imports/serving.kserve.io';

/** Annotations KServe reads on an InferenceService. */
export const KSERVE_ANNOTATIONS = {
  /** Deployment mode. */
  deploymentMode: 'serving.kserve.io/deploymentMode',
  /** Autoscaler class. */
  autoscalerClass: 'serving.kserve.io/autoscalerClass',
};

/**
 * KServe's name for plain Deployments (no Knative). KServe v0.17 renamed `RawDeployment`
 * to `Standard` (kserve/kserve#4608); the controller still accepts the old name.
 */
export const KSERVE_STANDARD_MODE = 'Standard';

/**
 * Autoscaler class that makes KServe create no HPA, so KEDA owns the replica count
 * (kserve/kserve#3086; "Disable HPA" in KServe's autoscaling docs).
 */
export const KSERVE_EXTERNAL_AUTOSCALER = 'external';

/** The ClusterServingRuntime KServe installs for Hugging Face models. */
export const KSERVE_HUGGING_FACE_RUNTIME = 'kserve-huggingfaceserver';

/** Props of {@link KServeInferenceService}. */
export interface KServeInferenceServiceProps extends ServerWorkloadProps {
  /** Which serving runtime runs the model. */
  readonly runtime: KServeRuntime;
  /** Arguments of the model container (appended by KServe to the runtime's own). */
  readonly args: string[];
  /**
   * Storage URI the storage initializer (or modelcar) provides at /mnt/models.
   * @default - none (the server downloads the model itself)
   */
  readonly storageUri?: string;
  /** Fewest replicas. */
  readonly minReplicas: number;
  /** Most replicas. */
  readonly maxReplicas: number;
}

/**
 * The KServe backend of an LLM service: an InferenceService in Standard deployment mode
 * (set explicitly, since upstream defaults differ between KServe's Helm chart and its
 * kustomize install), with KServe's own HPA turned off (KEDA scales it), the pinned runtime
 * image, and the same resources, probes, security context and placement as the vLLM backend.
 * For the vLLM runtime, a namespaced ServingRuntime wrapping the pinned vllm/vllm-openai image.
 */
export class KServeInferenceService extends Construct {
  /** Name of the InferenceService. */
  public readonly name: string;
  /** Name of the Deployment KServe creates (the target of the autoscaler). */
  public readonly deploymentName: string;
  /** Name of the Service KServe creates (port 80). */
  public readonly serviceName: string;
  /** Name of the serving runtime used. */
  public readonly runtimeName: string;
  /** The InferenceService. */
  public readonly inferenceService: InferenceService;
  /** The namespaced ServingRuntime (vLLM runtime only). */
  public readonly servingRuntime?: ServingRuntime;
  /** The PodDisruptionBudget of the predictor pods. */
  public readonly podDisruptionBudget: k8s.KubePodDisruptionBudget;

  constructor(scope: Construct, id: string, props: KServeInferenceServiceProps) {
    super(scope, id);
    this.name = props.name;
    this.deploymentName = `${props.name}-predictor`;
    this.serviceName = `${props.name}-predictor`;
    const pod = props.pod;
    const meta = { name: props.name, namespace: props.namespace, labels: { ...props.labels }, annotations: props.annotations };
    const vllmRuntime = props.runtime === KServeRuntime.VLLM;
    const image = props.image ?? (vllmRuntime ? IMAGES.vllmOpenai : IMAGES.kserveHuggingFaceServer);

    if (vllmRuntime) {
      this.runtimeName = `${props.name}-vllm`;
      this.servingRuntime = new ServingRuntime(this, 'Runtime', {
        metadata: { ...meta, name: this.runtimeName },
        spec: {
          supportedModelFormats: [{ name: 'vllm', version: '1', autoSelect: false }],
          protocolVersions: ['v1'],
          multiModel: false,
          containers: [{
            name: 'kserve-container',
            image: imageRef(image),
            command: ['vllm', 'serve'],
            ports: [{ name: 'http', containerPort: LLM_SERVER_PORTS.vllm, protocol: 'TCP' }],
          }],
        },
      });
    } else {
      this.runtimeName = KSERVE_HUGGING_FACE_RUNTIME;
    }

    const model = {
      modelFormat: { name: vllmRuntime ? 'vllm' : 'huggingface' },
      runtime: this.runtimeName,
      // The image is pinned here, whatever the cluster's runtime carries (a predictor's
      // container fields override the runtime's).
      ...serverContainerBase(image, pod),
      storageUri: props.storageUri,
      args: props.args,
      ports: [{ name: 'http', containerPort: pod.port, protocol: 'TCP' }],
      ...serverProbes(pod),
    };
    const predictor = {
      minReplicas: props.minReplicas,
      maxReplicas: props.maxReplicas,
      labels: { ...pod.podLabels },
      ...serverPodSpec(props),
      model,
    };
    this.inferenceService = new InferenceService(this, 'Resource', {
      metadata: {
        ...meta,
        annotations: {
          ...props.annotations,
          [KSERVE_ANNOTATIONS.deploymentMode]: KSERVE_STANDARD_MODE,
          [KSERVE_ANNOTATIONS.autoscalerClass]: KSERVE_EXTERNAL_AUTOSCALER,
        },
      },
      // The core Kubernetes types (cdk8s-plus-27's k8s) describe the same pod fields as the
      // generated KServe ones; only the TypeScript class names of quantities differ.
      spec: { predictor: predictor as unknown as InferenceServiceSpecPredictor },
    });
    if (this.servingRuntime) this.inferenceService.node.addDependency(this.servingRuntime);

    this.podDisruptionBudget = serverPodDisruptionBudget(this, { ...meta, name: this.deploymentName }, pod.selectorLabels);
  }
}
