/**
 * Every version the library pins, in one place: the AWS provider, EKS, container images,
 * Helm charts and operator releases. Nothing is `latest`; each entry carries the date it
 * was chosen. The operator releases match the CRD schemas the verifier checks against
 * (see the schema sources list), so what is verified is what users install.
 */

/** A pinned container image. */
export interface PinnedImage {
  /** Repository, including registry (e.g. `docker.io/vllm/vllm-openai`). */
  readonly repository: string;
  /** Tag. Never `latest`. */
  readonly tag: string;
  /** Date the pin was chosen (YYYY-MM-DD). */
  readonly chosen: string;
}

/** The image reference `repository:tag`. */
export function imageRef(image: PinnedImage): string {
  return `${image.repository}:${image.tag}`;
}

/** A pinned operator release. */
export interface PinnedRelease {
  /** Upstream project (GitHub owner/name). */
  readonly project: string;
  /** Release version (tag). */
  readonly version: string;
  /** Date the pin was chosen (YYYY-MM-DD). */
  readonly chosen: string;
}

/** Terraform and the AWS provider. */
export const TERRAFORM = {
  /** hashicorp/aws: @cdktf/provider-aws 20.1.0 is generated from exactly this version. */
  awsProvider: { source: 'hashicorp/aws', version: '5.100.0', chosen: '2026-11-27' },
  /** The oldest Terraform CLI the synthesized stacks are tested with. */
  requiredVersion: '>= 1.5.0',
};

/** EKS. */
export const EKS = {
  /** Default Kubernetes version of new clusters. */
  defaultKubernetesVersion: '1.34',
  /** Date chosen. */
  chosen: '2026-11-27',
};

/** A pinned EKS managed add-on. */
export interface PinnedAddon {
  /** EKS add-on name (`aws eks describe-addon-versions`). */
  readonly name: string;
  /** Add-on version (`vX.Y.Z-eksbuild.N`), compatible with {@link EKS}.defaultKubernetesVersion. */
  readonly version: string;
  /** Date the pin was chosen (YYYY-MM-DD). */
  readonly chosen: string;
}

/**
 * EKS managed add-ons, pinned for Kubernetes 1.34. `terraform plan` does not check
 * these against AWS (only apply does): when changing the Kubernetes version, check with
 * `aws eks describe-addon-versions --kubernetes-version <v> --addon-name <name>`.
 */
export const EKS_ADDONS = {
  vpcCni: { name: 'vpc-cni', version: 'v1.21.1-eksbuild.1', chosen: '2026-11-27' } as PinnedAddon,
  coreDns: { name: 'coredns', version: 'v1.12.4-eksbuild.1', chosen: '2026-11-27' } as PinnedAddon,
  kubeProxy: { name: 'kube-proxy', version: 'v1.34.1-eksbuild.2', chosen: '2026-11-27' } as PinnedAddon,
  podIdentityAgent: { name: 'eks-pod-identity-agent', version: 'v1.3.10-eksbuild.2', chosen: '2026-11-27' } as PinnedAddon,
  ebsCsiDriver: { name: 'aws-ebs-csi-driver', version: 'v1.54.0-eksbuild.1', chosen: '2026-11-27' } as PinnedAddon,
};

/** Amazon RDS for PostgreSQL. */
export const RDS_POSTGRES = {
  /** Engine version: PostgreSQL 17 ships pgvector (`CREATE EXTENSION vector`) on RDS. */
  engineVersion: '17.6',
  /** Parameter group family of {@link RDS_POSTGRES}.engineVersion. */
  parameterGroupFamily: 'postgres17',
  /** Date chosen. */
  chosen: '2026-11-27',
};

/**
 * Operator releases whose CRDs the library emits custom resources for. The schema
 * sources list (lib/verify/schema-sources.tsv) names the same tags.
 */
export const OPERATORS = {
  kserve: { project: 'kserve/kserve', version: 'v0.20.0', chosen: '2026-11-27' } as PinnedRelease,
  trainer: { project: 'kubeflow/trainer', version: 'v2.3.0', chosen: '2026-11-27' } as PinnedRelease,
  trainingOperator: { project: 'kubeflow/trainer', version: 'v1.9.4', chosen: '2026-11-27' } as PinnedRelease,
  katib: { project: 'kubeflow/katib', version: 'v0.19.0', chosen: '2026-11-27' } as PinnedRelease,
  notebooks: { project: 'kubeflow/notebooks', version: 'v1.11.0', chosen: '2026-11-27' } as PinnedRelease,
  kueue: { project: 'kubernetes-sigs/kueue', version: 'v0.19.2', chosen: '2026-11-27' } as PinnedRelease,
  karpenter: { project: 'aws/karpenter-provider-aws', version: 'v1.14.1', chosen: '2026-11-27' } as PinnedRelease,
  keda: { project: 'kedacore/keda', version: 'v2.20.2', chosen: '2026-11-27' } as PinnedRelease,
  prometheusOperator: { project: 'prometheus-operator/prometheus-operator', version: 'v0.93.0', chosen: '2026-11-27' } as PinnedRelease,
  opentelemetryOperator: { project: 'open-telemetry/opentelemetry-operator', version: 'v0.158.0', chosen: '2026-11-27' } as PinnedRelease,
  argocd: { project: 'argoproj/argo-cd', version: 'v3.5.1', chosen: '2026-11-27' } as PinnedRelease,
  externalSecrets: { project: 'external-secrets/external-secrets', version: 'v2.9.0', chosen: '2026-11-27' } as PinnedRelease,
  sparkOperator: { project: 'kubeflow/spark-operator', version: 'v2.5.2', chosen: '2026-11-27' } as PinnedRelease,
};

/** Container images the library's own constructs run. */
export const IMAGES = {
  /** A minimal image used by the minimal example of the Kubernetes layer. */
  busybox: { repository: 'docker.io/library/busybox', tag: '1.37.0', chosen: '2026-11-27' } as PinnedImage,
  /**
   * vLLM's OpenAI-compatible server (LlmService's vLLM backend and its KServe vLLM runtime).
   * v0.30.0: confirmed on Docker Hub by third-party pins (e.g. a Terraform module noting "v0.30.0 is on
   * Docker Hub (checked 2026-09-26)"; the release on GitHub 2026-09-23). Since v0.20 the unsuffixed tag
   * is built with CUDA 13 (driver 580+, which the EKS AL2023 NVIDIA AMIs ship); `-cu129` exists for
   * older drivers. Not checked against the registry from here (no network).
   */
  vllmOpenai: { repository: 'docker.io/vllm/vllm-openai', tag: 'v0.30.0', chosen: '2026-11-27' } as PinnedImage,
  /**
   * KServe's Hugging Face server, GPU build (vLLM backend; KServe v0.20.0 pins vllm 0.24.0 in it).
   * The tag follows the KServe release; the `-gpu` variant is the one with CUDA torch (third-party
   * notes on v0.20.0: "the plain tag is CPU-only torch; use -gpu"). Not checked against the registry.
   */
  kserveHuggingFaceServer: { repository: 'docker.io/kserve/huggingfaceserver', tag: `${OPERATORS.kserve.version}-gpu`, chosen: OPERATORS.kserve.chosen } as PinnedImage,
};

// ---------------------------------------------------------------------------------------
// Kubernetes operator install sources (used by lib/k8s's operator catalogue). Each source
// is an exact chart version or a release tag, never a range, `HEAD` or `latest`. Where an
// operator's CRDs are in the schema sources, the version is derived from OPERATORS above,
// so the controller users install is the one whose CRDs the verifier checks against.
// ---------------------------------------------------------------------------------------

/** A pinned Helm chart. */
export interface PinnedHelmChart {
  /** Chart repository: an HTTPS Helm repository, or an OCI registry path starting with `oci://`. */
  readonly repoUrl: string;
  /** Chart name. */
  readonly chart: string;
  /** Exact chart version (never a range). */
  readonly version: string;
  /** Date the pin was chosen (YYYY-MM-DD). */
  readonly chosen: string;
}

/** A pinned path in a git repository: a kustomization (or a chart directory) at a release tag. */
export interface PinnedGitPath {
  /** HTTPS URL of the repository. */
  readonly repoUrl: string;
  /** Path of the kustomization inside the repository. */
  readonly path: string;
  /** Release tag. */
  readonly revision: string;
  /** Date the pin was chosen (YYYY-MM-DD). */
  readonly chosen: string;
}

/** The chart version of a release whose charts drop the tag's leading `v`. */
function withoutV(release: PinnedRelease): string {
  return release.version.replace(/^v/, '');
}

const K8S_PINNED = '2026-11-27';

/** Where each operator of the Kubernetes layer is installed from. */
export const OPERATOR_SOURCES = {
  /** cert-manager: webhook certificates for KServe, the OpenTelemetry operator and Kueue's optional webhooks. */
  certManager: { repoUrl: 'https://charts.jetstack.io', chart: 'cert-manager', version: 'v1.20.2', chosen: K8S_PINNED } as PinnedHelmChart,
  /** Kueue's chart is published to registry.k8s.io as OCI, versioned without the `v`. */
  kueue: { repoUrl: 'oci://registry.k8s.io/kueue/charts', chart: 'kueue', version: withoutV(OPERATORS.kueue), chosen: OPERATORS.kueue.chosen } as PinnedHelmChart,
  /** KEDA's chart version follows the KEDA release. */
  keda: { repoUrl: 'https://kedacore.github.io/charts', chart: 'keda', version: withoutV(OPERATORS.keda), chosen: OPERATORS.keda.chosen } as PinnedHelmChart,
  /** KServe's documented kustomize install (`kubectl apply --server-side -k config/default?ref=<tag>`). */
  kserve: { repoUrl: 'https://github.com/kserve/kserve', path: 'config/default', revision: OPERATORS.kserve.version, chosen: OPERATORS.kserve.chosen } as PinnedGitPath,
  /** Kubeflow Trainer v2 controller, CRDs, webhook and the JobSet controller it depends on. */
  trainer: { repoUrl: 'https://github.com/kubeflow/trainer', path: 'manifests/overlays/manager', revision: OPERATORS.trainer.version, chosen: OPERATORS.trainer.chosen } as PinnedGitPath,
  /** Kubeflow Trainer's ClusterTrainingRuntimes (custom resources: installed after the trainer). */
  trainerRuntimes: { repoUrl: 'https://github.com/kubeflow/trainer', path: 'manifests/overlays/runtimes', revision: OPERATORS.trainer.version, chosen: OPERATORS.trainer.chosen } as PinnedGitPath,
  /** Katib standalone (controller, UI, DB manager and its MySQL). */
  katib: { repoUrl: 'https://github.com/kubeflow/katib', path: 'manifests/v1beta1/installs/katib-standalone', revision: OPERATORS.katib.version, chosen: OPERATORS.katib.chosen } as PinnedGitPath,
  /** Kubeflow notebook controller. */
  notebookController: { repoUrl: 'https://github.com/kubeflow/notebooks', path: 'components/notebook-controller/config/base', revision: OPERATORS.notebooks.version, chosen: OPERATORS.notebooks.chosen } as PinnedGitPath,
  /**
   * kube-prometheus-stack: the Prometheus operator with its CRDs, a Prometheus, Alertmanager, Grafana, node exporter
   * and kube-state-metrics. Chart 88.3.0 is the newest whose appVersion is OPERATORS.prometheusOperator (v0.93.0:
   * 88.0.0 to 88.3.0 carry it, 88.4.0 moves to v0.93.1), so the operator and CRDs installed are the ones the verifier checks.
   */
  kubePrometheusStack: { repoUrl: 'https://prometheus-community.github.io/helm-charts', chart: 'kube-prometheus-stack', version: '88.3.0', chosen: '2026-12-06' } as PinnedHelmChart,
  /** OpenTelemetry operator (needs cert-manager for its webhook certificate). */
  opentelemetryOperator: { repoUrl: 'https://github.com/open-telemetry/opentelemetry-operator', path: 'config/default', revision: OPERATORS.opentelemetryOperator.version, chosen: OPERATORS.opentelemetryOperator.chosen } as PinnedGitPath,
  /** Kubeflow Pipelines (optional): its CRDs and cluster roles, applied before the install itself. */
  pipelinesClusterResources: { repoUrl: 'https://github.com/kubeflow/pipelines', path: 'manifests/kustomize/cluster-scoped-resources', revision: '2.17.2', chosen: K8S_PINNED } as PinnedGitPath,
  /** Kubeflow Pipelines standalone (single user, no Istio). Tag 2.17.2 as used in public install scripts; not re-read from the release page. */
  pipelines: { repoUrl: 'https://github.com/kubeflow/pipelines', path: 'manifests/kustomize/env/platform-agnostic', revision: '2.17.2', chosen: K8S_PINNED } as PinnedGitPath,
  /** External Secrets operator chart (copies platform secrets from AWS Secrets Manager); the chart is versioned with the release. */
  externalSecrets: { repoUrl: 'https://charts.external-secrets.io', chart: 'external-secrets', version: withoutV(OPERATORS.externalSecrets), chosen: OPERATORS.externalSecrets.chosen } as PinnedHelmChart,
  /** Kubeflow Spark operator chart (optional, for SparkApplication data preparation); version follows the release. */
  sparkOperator: { repoUrl: 'https://kubeflow.github.io/spark-operator', chart: 'spark-operator', version: withoutV(OPERATORS.sparkOperator), chosen: OPERATORS.sparkOperator.chosen } as PinnedHelmChart,
  /** AWS EFA device plugin chart (advertises vpc.amazonaws.com/efa on EFA nodes); eks-charts versions carry the `v` (v0.5.7 as pinned by aws-ia/terraform-aws-eks-blueprints). */
  efaDevicePlugin: { repoUrl: 'https://aws.github.io/eks-charts', chart: 'aws-efa-k8s-device-plugin', version: 'v0.5.7', chosen: K8S_PINNED } as PinnedHelmChart,
  /** NVIDIA device plugin chart, with GPU feature discovery and node feature discovery as subcharts. */
  nvidiaDevicePlugin: { repoUrl: 'https://nvidia.github.io/k8s-device-plugin', chart: 'nvidia-device-plugin', version: '0.19.0', chosen: K8S_PINNED } as PinnedHelmChart,
  /** DCGM exporter chart (chart version = the exporter's own version, the second half of the image tag). */
  dcgmExporter: { repoUrl: 'https://nvidia.github.io/dcgm-exporter/helm-charts', chart: 'dcgm-exporter', version: '4.8.2', chosen: K8S_PINNED } as PinnedHelmChart,
  /** NVIDIA GPU operator (used with driver and toolkit disabled: EKS's NVIDIA AMIs carry both). */
  gpuOperator: { repoUrl: 'https://helm.ngc.nvidia.com/nvidia', chart: 'gpu-operator', version: 'v26.3.0', chosen: K8S_PINNED } as PinnedHelmChart,
  /**
   * Karpenter (self-managed node autoscaling; CRDs in the chart): the OCI chart of Karpenter's getting-started guide
   * (`helm upgrade --install karpenter oci://public.ecr.aws/karpenter/karpenter --version <release without v>`), same
   * release as the NodePool / EC2NodeClass CRDs the verifier checks (OPERATORS.karpenter, tag v1.14.1 in SOURCES.tsv).
   */
  karpenter: { repoUrl: 'oci://public.ecr.aws/karpenter', chart: 'karpenter', version: withoutV(OPERATORS.karpenter), chosen: OPERATORS.karpenter.chosen } as PinnedHelmChart,
};

/** Images of the NVIDIA components the library renders itself (NvidiaGpuSupport). */
export const GPU_IMAGES = {
  /** Device plugin; the same image carries config-manager (per-node config selection). */
  devicePlugin: { repository: 'nvcr.io/nvidia/k8s-device-plugin', tag: 'v0.19.0', chosen: K8S_PINNED } as PinnedImage,
  /** DCGM exporter; from 4.5.3-4.8.2 on NVIDIA publishes only the distroless variant. */
  dcgmExporter: { repository: 'nvcr.io/nvidia/k8s/dcgm-exporter', tag: '4.5.3-4.8.2-distroless', chosen: K8S_PINNED } as PinnedImage,
};

/**
 * Controller images of kustomize installs, set explicitly on the Argo CD Application so that
 * a kustomization that still says `newTag: latest` on a branch cannot leak an unpinned image.
 */
export const OPERATOR_IMAGES = {
  trainerController: { repository: 'ghcr.io/kubeflow/trainer/trainer-controller-manager', tag: OPERATORS.trainer.version, chosen: OPERATORS.trainer.chosen } as PinnedImage,
  // Katib publishes to ghcr.io/kubeflow/katib since v0.18 (v0.19.0 image list of its install docs); the
  // old docker.io/kubeflowkatib names would not match the kustomization's images and pin nothing.
  katibController: { repository: 'ghcr.io/kubeflow/katib/katib-controller', tag: OPERATORS.katib.version, chosen: OPERATORS.katib.chosen } as PinnedImage,
  katibDbManager: { repository: 'ghcr.io/kubeflow/katib/katib-db-manager', tag: OPERATORS.katib.version, chosen: OPERATORS.katib.chosen } as PinnedImage,
  katibUi: { repository: 'ghcr.io/kubeflow/katib/katib-ui', tag: OPERATORS.katib.version, chosen: OPERATORS.katib.chosen } as PinnedImage,
  katibCertGenerator: { repository: 'ghcr.io/kubeflow/katib/cert-generator', tag: OPERATORS.katib.version, chosen: OPERATORS.katib.chosen } as PinnedImage,
  // Images Katib starts in team namespaces (named in its katib-config; same registry and tag as the controller).
  katibFileMetricsCollector: { repository: 'ghcr.io/kubeflow/katib/file-metrics-collector', tag: OPERATORS.katib.version, chosen: OPERATORS.katib.chosen } as PinnedImage,
  katibTfEventMetricsCollector: { repository: 'ghcr.io/kubeflow/katib/tfevent-metrics-collector', tag: OPERATORS.katib.version, chosen: OPERATORS.katib.chosen } as PinnedImage,
  katibSuggestionHyperopt: { repository: 'ghcr.io/kubeflow/katib/suggestion-hyperopt', tag: OPERATORS.katib.version, chosen: OPERATORS.katib.chosen } as PinnedImage,
  katibSuggestionOptuna: { repository: 'ghcr.io/kubeflow/katib/suggestion-optuna', tag: OPERATORS.katib.version, chosen: OPERATORS.katib.chosen } as PinnedImage,
  katibSuggestionSkopt: { repository: 'ghcr.io/kubeflow/katib/suggestion-skopt', tag: OPERATORS.katib.version, chosen: OPERATORS.katib.chosen } as PinnedImage,
  katibSuggestionGoptuna: { repository: 'ghcr.io/kubeflow/katib/suggestion-goptuna', tag: OPERATORS.katib.version, chosen: OPERATORS.katib.chosen } as PinnedImage,
  katibSuggestionHyperband: { repository: 'ghcr.io/kubeflow/katib/suggestion-hyperband', tag: OPERATORS.katib.version, chosen: OPERATORS.katib.chosen } as PinnedImage,
  katibEarlyStoppingMedianstop: { repository: 'ghcr.io/kubeflow/katib/earlystopping-medianstop', tag: OPERATORS.katib.version, chosen: OPERATORS.katib.chosen } as PinnedImage,
  notebookController: { repository: 'ghcr.io/kubeflow/notebooks/notebook-controller', tag: OPERATORS.notebooks.version, chosen: OPERATORS.notebooks.chosen } as PinnedImage,
};

/**
 * Images of the training constructs (lib/k8s/training): Kubeflow Trainer's initializers, the
 * default PyTorch trainer image and the Kubeflow notebook images.
 */
export const TRAINING_IMAGES = {
  /** Trainer's dataset initializer (hf:// and s3://); tagged like the controller (tag format assumed from the controller's, not re-read). */
  datasetInitializer: { repository: 'ghcr.io/kubeflow/trainer/dataset-initializer', tag: OPERATORS.trainer.version, chosen: OPERATORS.trainer.chosen } as PinnedImage,
  /** Trainer's model initializer (hf:// and s3://). */
  modelInitializer: { repository: 'ghcr.io/kubeflow/trainer/model-initializer', tag: OPERATORS.trainer.version, chosen: OPERATORS.trainer.chosen } as PinnedImage,
  /** PyTorch with CUDA: the image of Trainer v2.2's torch-distributed runtime (as listed in public image inventories of v2.2.0). */
  pytorch: { repository: 'docker.io/pytorch/pytorch', tag: '2.9.1-cuda12.8-cudnn9-runtime', chosen: K8S_PINNED } as PinnedImage,
  /** Kubeflow notebook image with PyTorch and CUDA (notebooks v1.11.0 image list). */
  jupyterPytorchCuda: { repository: 'ghcr.io/kubeflow/kubeflow/notebook-servers/jupyter-pytorch-cuda-full', tag: OPERATORS.notebooks.version, chosen: OPERATORS.notebooks.chosen } as PinnedImage,
  /** Kubeflow notebook image for CPU work (notebooks v1.11.0 image list). */
  jupyterScipy: { repository: 'ghcr.io/kubeflow/kubeflow/notebook-servers/jupyter-scipy', tag: OPERATORS.notebooks.version, chosen: OPERATORS.notebooks.chosen } as PinnedImage,
};

/** EKS-optimized AMI for nodes of self-managed Karpenter (an EC2NodeClass alias, pinned, never `@latest`). */
export const KARPENTER_AMI = {
  /** AL2023; Karpenter picks the NVIDIA variant of the release for GPU instance types. */
  alias: 'al2023@v20260818',
  /** Date chosen. */
  chosen: K8S_PINNED,
};

/** Images of the retrieval and registry constructs (VectorDatabase, ModelRegistry). */
export const DATA_SERVICE_IMAGES = {
  /**
   * Qdrant, the unprivileged variant (uid 1000). v1.19.0 released 2026-08-04 (qdrant/qdrant PR
   * #10084 "Bump version to 1.19.0"; image manifest verified by helmforgedev/charts PR #968).
   */
  qdrant: { repository: 'docker.io/qdrant/qdrant', tag: 'v1.19.0-unprivileged', chosen: K8S_PINNED } as PinnedImage,
  /**
   * MLflow tracking server, the `-full` variant (PostgreSQL drivers, boto3, `mlflow[auth]`;
   * mlflow/mlflow docker/Dockerfile.full). Tag seen in use in several public repositories.
   */
  mlflow: { repository: 'ghcr.io/mlflow/mlflow', tag: 'v3.16.1-full', chosen: K8S_PINNED } as PinnedImage,
  /** Kubeflow Model Registry server (kubeflow/website PR #4371 "bump version to 0.3.9", 2026-05-05). */
  kubeflowModelRegistry: { repository: 'ghcr.io/kubeflow/model-registry/server', tag: 'v0.3.9', chosen: K8S_PINNED } as PinnedImage,
  /** psql for bootstrap jobs: the client of the RDS engine version (RDS_POSTGRES.engineVersion). */
  postgres: { repository: 'docker.io/library/postgres', tag: '17.6', chosen: K8S_PINNED } as PinnedImage,
  /** AWS CLI v2 (bash, curl) for snapshot uploads; supports EKS Pod Identity credentials. */
  awsCli: { repository: 'docker.io/amazon/aws-cli', tag: '2.37.5', chosen: K8S_PINNED } as PinnedImage,
};

/** Images of the observability constructs (TelemetryCollector, DriftMonitor). */
export const OBSERVABILITY_IMAGES = {
  /**
   * OpenTelemetry Collector, contrib distribution: the only one with k8sattributes, memory_limiter
   * and batch plus prometheusremotewrite, awsxray, awsemf, awss3, webhookevent and filter. Same
   * version as the operator (OPERATORS.opentelemetryOperator); tag seen pinned by digest in public repos.
   */
  otelCollectorContrib: { repository: 'docker.io/otel/opentelemetry-collector-contrib', tag: OPERATORS.opentelemetryOperator.version.replace(/^v/, ''), chosen: K8S_PINNED } as PinnedImage,
  /** Python for the drift job (its script uses the standard library only). Tag seen in public Dockerfiles. */
  python: { repository: 'docker.io/library/python', tag: '3.14.2-slim-bookworm', chosen: K8S_PINNED } as PinnedImage,
  /** KServe agent: the payload logger sidecar for model servers that KServe does not manage (tag = KServe release). */
  kserveAgent: { repository: 'docker.io/kserve/agent', tag: OPERATORS.kserve.version, chosen: OPERATORS.kserve.chosen } as PinnedImage,
};
