import { OPERATOR_NAMESPACES } from './default-namespaces';
import { deleteObjectPatch, InstallPhase, jsonPatch, OperatorRelease, ReleaseSource } from './release';
import { ReleaseConnections } from '../../core/release-network';
import { ReleaseProvides } from '../../core/release-provides';
import { imageRef, KSERVE_RUNTIME_IMAGES, OPERATOR_IMAGES, OPERATOR_SOURCES, PinnedImage } from '../../core/versions';

/** Restricted security context of KServe's injected storage initializer. */
export const STORAGE_INITIALIZER_SECURITY_CONTEXT = {
  allowPrivilegeEscalation: false,
  capabilities: { drop: ['ALL'] },
  runAsNonRoot: true,
  runAsUser: 1000,
  seccompProfile: { type: 'RuntimeDefault' },
};

/** How KServe deploys InferenceServices by default. */
export enum KServeDeploymentMode {
  /** Plain Deployments, Services and HPAs/KEDA (no Knative needed). */
  STANDARD = 'Standard',
  /** Knative Services (scale to zero; needs Knative Serving installed). */
  KNATIVE = 'Knative',
}

/** Props of the KServe release. */
export interface KServeReleaseProps {
  /**
   * Default deployment mode.
   * @default KServeDeploymentMode.STANDARD
   */
  readonly deploymentMode?: KServeDeploymentMode;
}

/** Name of KServe's ClusterStorageContainer for s3://, gs://, hf:// ... URIs (config/storagecontainers/default.yaml). */
export const KSERVE_STORAGE_CONTAINER = 'default';

/** The ClusterServingRuntimes of config/runtimes at the pinned tag, by name. */
export const KSERVE_CLUSTER_SERVING_RUNTIMES = [
  'kserve-autogluonserver', 'kserve-huggingfaceserver', 'kserve-huggingfaceserver-multinode', 'kserve-lgbserver', 'kserve-mlserver',
  'kserve-paddleserver', 'kserve-pmmlserver', 'kserve-predictiveserver', 'kserve-sklearnserver', 'kserve-tensorflow-serving',
  'kserve-torchserve', 'kserve-tritonserver', 'kserve-vllmserver', 'kserve-xgbserver',
];

/** Labels of the KServe controller's pods (config/manager/manager.yaml). */
const CONTROLLER_POD_LABELS = {
  'app.kubernetes.io/name': 'kserve-controller-manager',
  'control-plane': 'kserve-controller-manager',
  'controller-tools.k8s.io': '1.0',
};

/** How a git-tree image (`kserve/x`, as kustomize renders it) is replaced with its pin: `name=repository:tag` for Argo CD. */
function setImage(gitTreeName: string, image: PinnedImage): string {
  return `${gitTreeName}=${imageRef(image)}`;
}

/** A value of the `inferenceservice-config` ConfigMap (JSON, as the controller parses it). */
function configJson(value: object): string {
  return JSON.stringify(value, null, 2);
}

/**
 * KServe: model serving (InferenceService, ServingRuntime), from what upstream publishes for
 * installation.
 *
 * Source: config/overlays/standalone/kserve at the release tag: the overlay upstream's own
 * kustomize installer applies for KServe (hack/setup/infra/manage.kserve-kustomize.sh:
 * KSERVE_CONFIG_DIR, then RUNTIMES_DIR=config/runtimes), and the kserve part of the release YAML
 * (hack/release/generate-install.sh builds `kserve.yaml` with
 * `kustomize build config/overlays/all | sed s/:latest/:$TAG/g`; the standalone overlay is the
 * same base without LLMInferenceService and the local model cache, which the platform does not
 * use). Not config/default: that development path leaves out the `inferenceservice-config`
 * ConfigMap (the controller exits without it, cmd/manager/main.go), the cert-manager Issuer of the
 * webhook certificate and the ClusterStorageContainer, which come with config/base.
 *
 * Why kustomize and not the charts of charts/ (kserve-crd, kserve-resources): both are published
 * for v0.20.0, but only the kustomize source can be rendered offline here (`kubectl kustomize`
 * over the vendored tree), so every patch and image below is checked against what it really
 * changes; the charts would need helm to prove the same.
 *
 * What the release changes, each checked against the render:
 * - images: the git tree carries `:latest` (controller, storage initializer in the
 *   ClusterStorageContainer); `images` gives each its release tag, as the release YAML does;
 * - the `inferenceservice-config` keys that hold images as JSON (agent, batcher, logger, router,
 *   storageInitializer, localModel, explainers) are replaced with upstream's values and the
 *   pinned images (the release YAML's sed leaves the ART explainer's `defaultImageVersion: latest`;
 *   the kserve-resources chart defaults it to the release, as here); `_example` (documentation
 *   only, with `:latest` images) is removed;
 * - `deploy`: the default deployment mode (Standard: plain Deployments, no Knative);
 * - the ClusterStorageContainer `default` gets a restricted container security context, so model
 *   pods with the injected storage initializer pass Pod Security `restricted` in team namespaces
 *   (kserve/kserve#5373; KServe takes the injected container's security context from the
 *   ClusterStorageContainer, kserve/kserve#3985; the image runs as uid 1000);
 * - the Namespace `kserve` (config/base/namespace.yaml) is deleted from the render: the platform
 *   declares it with its Pod Security labels (the release YAML drops it too, `yq 'select(.kind != "Namespace")'`).
 *
 * The ClusterServingRuntimes are a release of their own ({@link kserveRuntimesRelease}), in a
 * later sync wave: KServe's webhooks are `failurePolicy: Fail`, so runtimes and
 * InferenceServices are rejected until the controller serves them.
 * @internal
 */
export function kserveRelease(props: KServeReleaseProps = {}): OperatorRelease {
  const mode = props.deploymentMode ?? KServeDeploymentMode.STANDARD;
  const agent = imageRef(OPERATOR_IMAGES.kserveAgent);
  const storageInitializer = imageRef(OPERATOR_IMAGES.kserveStorageInitializer);
  const art = OPERATOR_IMAGES.kserveArtExplainer;
  return new OperatorRelease({
    name: 'kserve',
    namespace: OPERATOR_NAMESPACES.kserve,
    source: ReleaseSource.gitKustomize(OPERATOR_SOURCES.kserve, {
      namespace: OPERATOR_NAMESPACES.kserve,
      images: [
        setImage('kserve/kserve-controller', OPERATOR_IMAGES.kserveController),
        setImage('kserve/storage-initializer', OPERATOR_IMAGES.kserveStorageInitializer),
      ],
      patches: [
        deleteObjectPatch('v1', 'Namespace', OPERATOR_NAMESPACES.kserve),
        // config/configmap/inferenceservice.yaml: every key that names an image, with upstream's
        // other settings unchanged.
        jsonPatch('ConfigMap', 'inferenceservice-config', [
          { op: 'replace', path: '/data/deploy', value: configJson({ defaultDeploymentMode: mode }) },
          {
            op: 'replace',
            path: '/data/agent',
            value: configJson({ image: agent, memoryRequest: '100Mi', memoryLimit: '1Gi', cpuRequest: '100m', cpuLimit: '1' }),
          },
          {
            op: 'replace',
            path: '/data/batcher',
            value: configJson({ image: agent, memoryRequest: '1Gi', memoryLimit: '1Gi', cpuRequest: '1', cpuLimit: '1', maxBatchSize: '32', maxLatency: '5000' }),
          },
          {
            op: 'replace',
            path: '/data/logger',
            value: configJson({ image: agent, memoryRequest: '100Mi', memoryLimit: '1Gi', cpuRequest: '100m', cpuLimit: '1', defaultUrl: 'http://default-broker' }),
          },
          {
            op: 'replace',
            path: '/data/router',
            value: configJson({
              image: imageRef(OPERATOR_IMAGES.kserveRouter), memoryRequest: '100Mi', memoryLimit: '1Gi', cpuRequest: '100m', cpuLimit: '1', imagePullPolicy: 'IfNotPresent',
            }),
          },
          {
            op: 'replace',
            path: '/data/storageInitializer',
            value: configJson({
              image: storageInitializer,
              memoryRequest: '100Mi',
              memoryLimit: '1Gi',
              cpuRequest: '100m',
              cpuLimit: '1',
              caBundleConfigMapName: '',
              caBundleVolumeMountPath: '/etc/ssl/custom-certs',
              enableModelcar: true,
              cpuModelcar: '10m',
              memoryModelcar: '15Mi',
              uidModelcar: 1010,
            }),
          },
          {
            op: 'replace',
            path: '/data/localModel',
            value: configJson({
              enabled: false,
              jobNamespace: 'kserve-localmodel-jobs',
              defaultJobImage: storageInitializer,
              fsGroup: 1000,
              jobTTLSecondsAfterFinished: 3600,
              reconcilationFrequencyInSecs: 60,
              disableVolumeManagement: false,
            }),
          },
          {
            op: 'replace',
            path: '/data/explainers',
            value: configJson({ art: { image: art.repository, defaultImageVersion: art.tag } }),
          },
          { op: 'remove', path: '/data/_example' },
        ]),
        jsonPatch('ClusterStorageContainer', KSERVE_STORAGE_CONTAINER, [
          { op: 'add', path: '/spec/container/securityContext', value: STORAGE_INITIALIZER_SECURITY_CONTEXT },
        ]),
      ],
    }),
    phase: InstallPhase.OPERATORS,
    // The InferenceService CRD alone is about 2 MB.
    serverSideApply: true,
    description: `Model serving; default deployment mode ${mode}.`,
    provides: KSERVE_PROVIDES,
    // In raw deployment mode the controller talks to the API server only; the model servers' own flows are their namespaces'.
    network: { connections: [ReleaseConnections.webhook('kserve-controller-manager', [9443])] },
  });
}

/** What the KServe release provides (checked against the render of the standalone overlay). */
const KSERVE_PROVIDES: ReleaseProvides = {
  customResources: [{
    group: 'serving.kserve.io',
    kinds: ['ClusterServingRuntime', 'ClusterStorageContainer', 'InferenceGraph', 'InferenceService', 'ServingRuntime', 'TrainedModel'],
  }],
  services: [
    // The API server calls the webhooks (failurePolicy Fail) here: 443 -> 9443.
    { name: 'kserve-webhook-server-service', ports: [{ port: 443, targetPort: 9443 }], selector: { 'control-plane': 'kserve-controller-manager' } },
    // kube-rbac-proxy in front of the controller's metrics (127.0.0.1:8080).
    {
      name: 'kserve-controller-manager-metrics-service',
      ports: [{ name: 'https', port: 8443, targetPort: 8443 }],
      selector: { 'control-plane': 'kserve-controller-manager', 'controller-tools.k8s.io': '1.0' },
    },
  ],
  workloads: [{
    name: 'kserve-controller-manager',
    podLabels: CONTROLLER_POD_LABELS,
    ports: [{ name: 'webhook-server', containerPort: 9443 }, { name: 'https', containerPort: 8443 }],
    serviceAccount: 'kserve-controller-manager',
  }],
  objects: [
    { apiVersion: 'serving.kserve.io/v1alpha1', kind: 'ClusterStorageContainer', name: KSERVE_STORAGE_CONTAINER },
    { apiVersion: 'v1', kind: 'ConfigMap', name: 'inferenceservice-config' },
  ],
};

/**
 * KServe's ClusterServingRuntimes (config/runtimes at the release tag: the runtimes of the
 * release YAML `kserve-cluster-resources.yaml`), including `kserve-huggingfaceserver`, which
 * LlmService's KServe backend names. Installed after the controller: its
 * ClusterServingRuntime webhook is `failurePolicy: Fail`.
 *
 * Images: the runtimes the git tree names `:latest` get the release tag through `images`, as the
 * release YAML does; `kserve-huggingfaceserver-multinode` runs the GPU build (`:latest-gpu` in git,
 * `<tag>-gpu` in the release YAML), which `images` cannot tell from the CPU build of the same
 * repository, so a patch sets it.
 * @internal
 */
export function kserveRuntimesRelease(): OperatorRelease {
  const r = KSERVE_RUNTIME_IMAGES;
  const gpu = imageRef(r.huggingfaceserverGpu);
  return new OperatorRelease({
    name: 'kserve-runtimes',
    namespace: OPERATOR_NAMESPACES.kserve,
    source: ReleaseSource.gitKustomize(OPERATOR_SOURCES.kserveRuntimes, {
      images: [
        setImage('kserve/sklearnserver', r.sklearnserver),
        setImage('kserve/xgbserver', r.xgbserver),
        setImage('kserve/pmmlserver', r.pmmlserver),
        setImage('kserve/paddleserver', r.paddleserver),
        setImage('kserve/lgbserver', r.lgbserver),
        setImage('kserve/predictiveserver', r.predictiveserver),
        setImage('kserve/autogluonserver', r.autogluonserver),
        setImage('kserve/huggingfaceserver', r.huggingfaceserver),
        setImage('vllm/vllm-openai', r.vllmserver),
      ],
      patches: [
        jsonPatch('ClusterServingRuntime', 'kserve-huggingfaceserver-multinode', [
          { op: 'replace', path: '/spec/containers/0/image', value: gpu },
          { op: 'replace', path: '/spec/workerSpec/containers/0/image', value: gpu },
        ]),
      ],
    }),
    phase: InstallPhase.OPERATOR_RESOURCES,
    serverSideApply: true,
    // Custom resources only: no pods of its own.
    network: {},
    description: 'KServe ClusterServingRuntimes (Hugging Face, vLLM, sklearn, ...) that InferenceServices name.',
    provides: {
      objects: KSERVE_CLUSTER_SERVING_RUNTIMES.map((name) => ({ apiVersion: 'serving.kserve.io/v1alpha1', kind: 'ClusterServingRuntime', name })),
    },
  });
}
