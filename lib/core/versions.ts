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

/** A pinned EKS managed add-on. */
export interface PinnedAddon {
  /** EKS add-on name (`aws eks describe-addon-versions`). */
  readonly name: string;
  /** Add-on version (`vX.Y.Z-eksbuild.N`), compatible with the Kubernetes version it is pinned for. */
  readonly version: string;
  /** Date the pin was chosen (YYYY-MM-DD). */
  readonly chosen: string;
}

/** The EKS managed add-ons the platform installs, pinned for one Kubernetes version. */
export interface EksAddonPins {
  /** Amazon VPC CNI (pod networking and network policy enforcement). */
  readonly vpcCni: PinnedAddon;
  /** CoreDNS. */
  readonly coreDns: PinnedAddon;
  /** kube-proxy (built per Kubernetes minor version). */
  readonly kubeProxy: PinnedAddon;
  /** EKS Pod Identity agent. */
  readonly podIdentityAgent: PinnedAddon;
  /** Amazon EBS CSI driver. */
  readonly ebsCsiDriver: PinnedAddon;
}

/** How EKS treats a cluster whose Kubernetes version leaves standard support (`upgrade_policy.support_type`). */
export enum EksSupportType {
  /** Upgrade the control plane automatically at the end of standard support; no extended-support charges. */
  STANDARD = 'STANDARD',
  /** Stay on the version in paid extended support for up to 12 more months (EKS's own default). */
  EXTENDED = 'EXTENDED',
}

/** One Kubernetes minor version on EKS: its support calendar and the add-on builds pinned for it. */
export interface EksKubernetesVersion {
  /** Kubernetes minor version, e.g. `1.36`. */
  readonly version: string;
  /** Upstream Kubernetes release date (YYYY-MM-DD). */
  readonly upstreamRelease: string;
  /**
   * Amazon EKS release date (YYYY-MM-DD).
   * @default - not in the calendar as read (see `source`)
   */
  readonly eksRelease?: string;
  /** Last day of EKS standard support (YYYY-MM-DD); extended support (paid) starts the day after. */
  readonly endOfStandardSupport: string;
  /** End of EKS extended support (YYYY-MM-DD); EKS then upgrades the control plane itself. */
  readonly endOfExtendedSupport: string;
  /** Where the dates come from, and anything estimated. */
  readonly source: string;
  /** The add-on builds for this version. */
  readonly addons: EksAddonPins;
}

const EKS_CHOSEN = '2026-12-06';
const addon = (name: string, version: string): PinnedAddon => ({ name, version, chosen: EKS_CHOSEN });
// The VPC CNI, the Pod Identity agent and the EBS CSI driver publish one build for every Kubernetes
// version EKS supports (the VPC CNI table of the EKS User Guide lists the same build for each version);
// kube-proxy and CoreDNS are built per Kubernetes minor. Versions from the EKS User Guide's add-on tables
// ("managing-kube-proxy", "managing-coredns", Japanese edition as stored 2026-12-06, the newest edition
// that lists 1.36). `terraform plan` does not check them against AWS; `aws eks describe-addon-versions
// --kubernetes-version <v> --addon-name <name>` does, and apply fails on a build that does not exist.
const VPC_CNI = addon('vpc-cni', 'v1.21.1-eksbuild.1');
const POD_IDENTITY_AGENT = addon('eks-pod-identity-agent', 'v1.3.10-eksbuild.2');
const EBS_CSI_DRIVER = addon('aws-ebs-csi-driver', 'v1.54.0-eksbuild.1');

/**
 * The Amazon EKS Kubernetes release calendar for the versions the library supports, with the
 * add-on builds of each (add-on builds are version-specific).
 * @see https://docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html#kubernetes-release-calendar
 */
export const EKS_VERSIONS: { readonly [version: string]: EksKubernetesVersion } = {
  1.34: {
    version: '1.34',
    upstreamRelease: '2025-08-27',
    eksRelease: '2025-10-02',
    endOfStandardSupport: '2026-12-02',
    endOfExtendedSupport: '2027-12-02',
    source: 'EKS Kubernetes release calendar (standard support ends 2026-12-02, 14 months after the EKS release)',
    addons: {
      vpcCni: VPC_CNI,
      coreDns: addon('coredns', 'v1.13.2-eksbuild.11'),
      kubeProxy: addon('kube-proxy', 'v1.34.6-eksbuild.13'),
      podIdentityAgent: POD_IDENTITY_AGENT,
      ebsCsiDriver: EBS_CSI_DRIVER,
    },
  },
  1.35: {
    version: '1.35',
    upstreamRelease: '2025-12-17',
    eksRelease: '2026-01-27',
    endOfStandardSupport: '2027-03-27',
    endOfExtendedSupport: '2028-03-27',
    source: 'EKS Kubernetes release calendar (EKS release 2026-01-27; 14 months of standard support, 12 of extended)',
    addons: {
      vpcCni: VPC_CNI,
      coreDns: addon('coredns', 'v1.14.3-eksbuild.3'),
      kubeProxy: addon('kube-proxy', 'v1.35.3-eksbuild.13'),
      podIdentityAgent: POD_IDENTITY_AGENT,
      ebsCsiDriver: EBS_CSI_DRIVER,
    },
  },
  1.36: {
    version: '1.36',
    upstreamRelease: '2026-04-22',
    endOfStandardSupport: '2027-06-22',
    endOfExtendedSupport: '2028-06-22',
    source: 'EKS offers 1.36 (its add-on tables list 1.36 builds), but the calendar as stored here predates it: '
      + 'the support dates are the earliest possible, 14 and 26 months after the upstream release (2026-04-22), since EKS '
      + 'releases a version after upstream. The warning therefore comes early, never late; replace them with the calendar\'s dates',
    addons: {
      vpcCni: VPC_CNI,
      coreDns: addon('coredns', 'v1.14.3-eksbuild.3'),
      kubeProxy: addon('kube-proxy', 'v1.36.0-eksbuild.14'),
      podIdentityAgent: POD_IDENTITY_AGENT,
      ebsCsiDriver: EBS_CSI_DRIVER,
    },
  },
};

/** EKS. */
export const EKS = {
  /**
   * Default Kubernetes version of new clusters: the newest in {@link EKS_VERSIONS} in standard support
   * on the date chosen (1.34 left standard support on 2026-12-02), and one the verifier has the
   * Kubernetes OpenAPI of.
   */
  defaultKubernetesVersion: '1.36',
  /** Default `upgrade_policy`: standard support only, so no cluster drifts into paid extended support unnoticed. */
  defaultSupportType: EksSupportType.STANDARD,
  /** Date chosen. */
  chosen: EKS_CHOSEN,
};

/** The add-on builds pinned for the default Kubernetes version ({@link EKS_VERSIONS} has every version's). */
export const EKS_ADDONS: EksAddonPins = EKS_VERSIONS[EKS.defaultKubernetesVersion].addons;

/** Where a Kubernetes version stands on EKS on a given day. */
export enum EksVersionStatus {
  /** In standard support. */
  STANDARD_SUPPORT = 'standard-support',
  /** Past standard support: paid extended support, or an automatic upgrade with the STANDARD policy. */
  EXTENDED_SUPPORT = 'extended-support',
  /** Past extended support: EKS upgrades the control plane itself; new clusters cannot be created. */
  END_OF_SUPPORT = 'end-of-support',
  /** Not in {@link EKS_VERSIONS}: no dates and no add-on pins. */
  UNKNOWN = 'unknown',
}

/** The support status of a Kubernetes version on a day, with a warning when it is past standard support. */
export interface KubernetesVersionSupport {
  /** The version asked about. */
  readonly version: string;
  /** Its status on `today`. */
  readonly status: EksVersionStatus;
  /** End of standard support (absent for an unknown version). */
  readonly endOfStandardSupport?: string;
  /** A line for the synth summary when the version is not in standard support; absent otherwise. */
  readonly warning?: string;
}

/** Today's date (YYYY-MM-DD, UTC), the default of {@link kubernetesVersionSupport}. */
export function todayUtc(): string {
  return new Date().toISOString().slice(0, 10);
}

/**
 * Where `version` stands on EKS on `today` (EKS counts support days in UTC): for the synth summary,
 * which prints `warning` when there is one.
 */
export function kubernetesVersionSupport(version: string, today: string = todayUtc()): KubernetesVersionSupport {
  const v = version.replace(/^v/, '').split('.').slice(0, 2).join('.');
  const entry = EKS_VERSIONS[v];
  if (!entry) {
    return {
      version,
      status: EksVersionStatus.UNKNOWN,
      warning: `Kubernetes ${version} is not in the library's EKS calendar (${Object.keys(EKS_VERSIONS).join(', ')}): no support dates and no add-on pins; use ${EKS.defaultKubernetesVersion}`,
    };
  }
  const newest = Object.keys(EKS_VERSIONS).filter((k) => EKS_VERSIONS[k].endOfStandardSupport >= today).sort(compareMinor).pop();
  const upgrade = newest ? `upgrade to ${newest} (change kubernetesVersion, plan, apply)` : 'upgrade to a version in standard support';
  if (today > entry.endOfExtendedSupport) {
    return {
      version: v,
      status: EksVersionStatus.END_OF_SUPPORT,
      endOfStandardSupport: entry.endOfStandardSupport,
      warning: `Kubernetes ${v} left EKS extended support on ${entry.endOfExtendedSupport}: EKS upgrades such control planes itself and creates no new clusters on it; ${upgrade}`,
    };
  }
  if (today > entry.endOfStandardSupport) {
    return {
      version: v,
      status: EksVersionStatus.EXTENDED_SUPPORT,
      endOfStandardSupport: entry.endOfStandardSupport,
      warning: `Kubernetes ${v} left EKS standard support on ${entry.endOfStandardSupport}: clusters on it are in paid extended support `
        + `(upgrade policy EXTENDED) or are upgraded by EKS at any time (STANDARD); ${upgrade}`,
    };
  }
  return { version: v, status: EksVersionStatus.STANDARD_SUPPORT, endOfStandardSupport: entry.endOfStandardSupport };
}

function compareMinor(a: string, b: string): number {
  const [am, an] = a.split('.').map(Number);
  const [bm, bn] = b.split('.').map(Number);
  return am - bm || an - bn;
}

/** Amazon RDS for PostgreSQL. */
export const RDS_POSTGRES = {
  /**
   * Major engine version: PostgreSQL 17 ships pgvector (`CREATE EXTENSION vector`) on RDS. Only the major
   * is pinned: RDS applies minor versions in the maintenance window and retires old minors (instances on a
   * retired minor are upgraded by AWS, and new ones cannot be created on it), so a pinned minor would
   * turn into a failed "downgrade" at the next apply.
   */
  majorVersion: '17',
  /** Parameter group family of {@link RDS_POSTGRES}.majorVersion. */
  parameterGroupFamily: 'postgres17',
  /** The minor the client images are built for (psql in bootstrap jobs); not pinned on the instance. */
  clientMinorVersion: '17.6',
  /** Date chosen. */
  chosen: '2026-12-06',
};

/** Amazon Managed Grafana. */
export const MANAGED_GRAFANA = {
  /**
   * Grafana version of new workspaces (`grafana_version`): AMG's version 12 line. A workspace is
   * upgraded in place to a newer line, never back, so a change here is a deliberate upgrade.
   */
  version: '12.4',
  /** Date chosen. */
  chosen: '2026-12-06',
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
  /**
   * Envoy Gateway, the Gateway API implementation under Envoy AI Gateway: v1.9.0, the release vendored
   * next to AI Gateway v1.1.0 (its chart bundles the Gateway API v1.6.1 standard CRDs). The pair is
   * AI Gateway v1.1.0 on Envoy Gateway v1.9.0, with AI Gateway's own `envoy-gateway-values.yaml` of v1.1.0.
   */
  envoyGateway: { project: 'envoyproxy/gateway', version: 'v1.9.0', chosen: '2026-12-06' } as PinnedRelease,
  /** Envoy AI Gateway: model-aware routing (AIGatewayRoute, AIServiceBackend) on Envoy Gateway. */
  envoyAiGateway: { project: 'envoyproxy/ai-gateway', version: 'v1.1.0', chosen: '2026-12-06' } as PinnedRelease,
  /** LeaderWorkerSet: a model served across nodes (a leader pod and its workers per replica). */
  lws: { project: 'kubernetes-sigs/lws', version: 'v0.10.0', chosen: '2026-12-06' } as PinnedRelease,
  /** Feast operator (FeatureStore CR): the feature store's controller; v0.66.0, the release vendored with its CRD. */
  feast: { project: 'feast-dev/feast', version: 'v0.66.0', chosen: '2026-12-06' } as PinnedRelease,
  /**
   * Gateway API Inference Extension: the InferencePool API (inference.networking.k8s.io/v1) from v1.6.0;
   * its endpoint picker (EPP) from v1.5.0, the last release that ships the picker's image and chart
   * in this repository (v1.6.0 moved them to llm-d/llm-d-router). InferencePool v1 is the same API in both.
   */
  inferenceExtension: { project: 'kubernetes-sigs/gateway-api-inference-extension', version: 'v1.6.0', chosen: '2026-12-06' } as PinnedRelease,
  /** The endpoint picker's release (image and chart `config/charts/inferencepool` of v1.5.0). */
  inferenceEndpointPicker: { project: 'kubernetes-sigs/gateway-api-inference-extension', version: 'v1.5.0', chosen: '2026-12-06' } as PinnedRelease,
  /** Argo Rollouts: progressive delivery (Rollout canaries, AnalysisTemplates) of served models (ModelDelivery). */
  argoRollouts: { project: 'argoproj/argo-rollouts', version: 'v1.9.1', chosen: '2026-12-06' } as PinnedRelease,
};

/**
 * A file of a GitHub repository at a pinned tag, fetched by URL when the user applies the
 * output (never at synth time).
 */
export interface PinnedUpstreamFile {
  /** GitHub owner/name. */
  readonly project: string;
  /** Release tag. */
  readonly revision: string;
  /** Path of the file in the repository. */
  readonly path: string;
  /** Date the pin was chosen (YYYY-MM-DD). */
  readonly chosen: string;
}

/** The raw.githubusercontent.com URL of a pinned file (the form Argo CD's install docs use). */
export function rawGitHubUrl(file: PinnedUpstreamFile): string {
  return `https://raw.githubusercontent.com/${file.project}/${file.revision}/${file.path}`;
}

/**
 * Argo CD's own install, applied by the bootstrap kustomization (ArgoCdBootstrap): upstream's
 * install manifests at the tag of {@link OPERATORS}.argocd, referenced by URL as Argo CD's
 * installation docs do for Kustomize ("include the manifest as a remote resource").
 */
export const ARGO_CD_INSTALL = {
  /** install.yaml: one replica per component, cluster-wide access. */
  standard: { project: OPERATORS.argocd.project, revision: OPERATORS.argocd.version, path: 'manifests/install.yaml', chosen: OPERATORS.argocd.chosen } as PinnedUpstreamFile,
  /** ha/install.yaml: replicated server, repo server and Redis HA (needs 3 schedulable nodes: required anti-affinity). */
  highAvailability: { project: OPERATORS.argocd.project, revision: OPERATORS.argocd.version, path: 'manifests/ha/install.yaml', chosen: OPERATORS.argocd.chosen } as PinnedUpstreamFile,
};

/** Images of the bootstrap (lib/k8s/operators/argo-cd-bootstrap.ts). */
export const BOOTSTRAP_IMAGES = {
  /**
   * kubectl, the image the Kubernetes project publishes with each release (Debian base, entrypoint
   * /bin/kubectl; listed under "Container Images" of v1.34.7 in CHANGELOG-1.34.md). Same minor as
   * {@link EKS}.defaultKubernetesVersion, so within kubectl's version skew of the API server.
   */
  kubectl: { repository: 'registry.k8s.io/kubectl', tag: 'v1.34.7', chosen: '2026-12-06' } as PinnedImage,
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

/** Date the operator installs were re-checked against their upstream install artifacts. */
const K8S_INSTALLS_CHECKED = '2026-12-06';

/**
 * Where each operator of the Kubernetes layer is installed from: what upstream publishes for
 * installation (an official Helm chart at a version, or the kustomize overlay upstream documents
 * as its install), never a development config path. Each has its install artifacts vendored
 * byte-exact in the shared upstream folder (`<component>/<version>/...`, see its SOURCES.tsv), so
 * the tests check every value key, patch target and image against them.
 */
export const OPERATOR_SOURCES = {
  /** cert-manager: webhook certificates for KServe, the OpenTelemetry operator and Kueue's optional webhooks. */
  certManager: { repoUrl: 'https://charts.jetstack.io', chart: 'cert-manager', version: 'v1.20.2', chosen: K8S_PINNED } as PinnedHelmChart,
  /** Kueue's chart is published to registry.k8s.io as OCI, versioned without the `v`. */
  kueue: { repoUrl: 'oci://registry.k8s.io/kueue/charts', chart: 'kueue', version: withoutV(OPERATORS.kueue), chosen: OPERATORS.kueue.chosen } as PinnedHelmChart,
  /** KEDA's chart version follows the KEDA release. */
  keda: { repoUrl: 'https://kedacore.github.io/charts', chart: 'keda', version: withoutV(OPERATORS.keda), chosen: OPERATORS.keda.chosen } as PinnedHelmChart,
  /**
   * KServe's standalone overlay, which upstream's kustomize installer applies
   * (hack/setup/infra/manage.kserve-kustomize.sh): the kserve parts of the release YAML `kserve.yaml`
   * (hack/release/generate-install.sh builds it from config/overlays/all), without LLMInferenceService
   * and the local model cache: CRDs, controller, webhooks, cert-manager Issuer and Certificate,
   * the `inferenceservice-config` ConfigMap and the default ClusterStorageContainer.
   */
  kserve: { repoUrl: 'https://github.com/kserve/kserve', path: 'config/overlays/standalone/kserve', revision: OPERATORS.kserve.version, chosen: OPERATORS.kserve.chosen } as PinnedGitPath,
  /**
   * KServe's ClusterServingRuntimes: config/runtimes, the runtime half of the release YAML
   * `kserve-cluster-resources.yaml` (built from config/clusterresources, whose other half,
   * config/llmisvcconfig, needs the LLMInferenceService CRDs the standalone overlay leaves out).
   */
  kserveRuntimes: { repoUrl: 'https://github.com/kserve/kserve', path: 'config/runtimes', revision: OPERATORS.kserve.version, chosen: OPERATORS.kserve.chosen } as PinnedGitPath,
  /** Kubeflow Trainer v2 controller, CRDs, webhook and the JobSet controller it depends on (the documented `kubectl apply -k manifests/overlays/manager`). */
  trainer: { repoUrl: 'https://github.com/kubeflow/trainer', path: 'manifests/overlays/manager', revision: OPERATORS.trainer.version, chosen: OPERATORS.trainer.chosen } as PinnedGitPath,
  /** Kubeflow Trainer's ClusterTrainingRuntimes (custom resources: installed after the trainer; the documented `manifests/overlays/runtimes`). */
  trainerRuntimes: { repoUrl: 'https://github.com/kubeflow/trainer', path: 'manifests/overlays/runtimes', revision: OPERATORS.trainer.version, chosen: OPERATORS.trainer.chosen } as PinnedGitPath,
  /** Katib standalone (controller, UI, DB manager and its MySQL): the install its docs give (`installs/katib-standalone`). */
  katib: { repoUrl: 'https://github.com/kubeflow/katib', path: 'manifests/v1beta1/installs/katib-standalone', revision: OPERATORS.katib.version, chosen: OPERATORS.katib.chosen } as PinnedGitPath,
  /**
   * Kubeflow notebook controller: the `overlays/kubeflow` overlay its README names for consumers
   * (namespace `kubeflow`, no Namespace object of its own); config/base and config/default are
   * the kubebuilder structure "not meant for the consumer".
   */
  notebookController: { repoUrl: 'https://github.com/kubeflow/notebooks', path: 'components/notebook-controller/config/overlays/kubeflow', revision: OPERATORS.notebooks.version, chosen: OPERATORS.notebooks.chosen } as PinnedGitPath,
  /**
   * kube-prometheus-stack: the Prometheus operator with its CRDs, a Prometheus, Alertmanager, Grafana, node exporter
   * and kube-state-metrics. Chart 88.3.0 is the newest whose appVersion is OPERATORS.prometheusOperator (v0.93.0:
   * 88.0.0 to 88.3.0 carry it, 88.4.0 moves to v0.93.1), so the operator and CRDs installed are the ones the verifier checks.
   */
  kubePrometheusStack: { repoUrl: 'https://prometheus-community.github.io/helm-charts', chart: 'kube-prometheus-stack', version: '88.3.0', chosen: '2026-12-06' } as PinnedHelmChart,
  /**
   * OpenTelemetry operator: its Helm chart (opentelemetry-helm-charts, chart 0.122.0 is the only
   * one with appVersion 0.158.0). The operator repository's config/default is a development
   * path: its manager image is the placeholder `controller`, set only when upstream builds the
   * release YAML.
   */
  opentelemetryOperator: { repoUrl: 'https://open-telemetry.github.io/opentelemetry-helm-charts', chart: 'opentelemetry-operator', version: '0.122.0', chosen: K8S_INSTALLS_CHECKED } as PinnedHelmChart,
  /**
   * Kubeflow Pipelines (optional): its CRDs and cluster roles, applied before the install itself
   * (the documented standalone install: cluster-scoped-resources, then env/platform-agnostic).
   * 2.17.0, the vendored tag (2.17.2 was pinned before without an artifact to check it against).
   */
  pipelinesClusterResources: { repoUrl: 'https://github.com/kubeflow/pipelines', path: 'manifests/kustomize/cluster-scoped-resources', revision: '2.17.0', chosen: K8S_INSTALLS_CHECKED } as PinnedGitPath,
  /** Kubeflow Pipelines standalone (single user, no Istio), same tag as its cluster-scoped resources. */
  pipelines: { repoUrl: 'https://github.com/kubeflow/pipelines', path: 'manifests/kustomize/env/platform-agnostic', revision: '2.17.0', chosen: K8S_INSTALLS_CHECKED } as PinnedGitPath,
  /** External Secrets operator chart (copies platform secrets from AWS Secrets Manager); the chart is versioned with the release. */
  externalSecrets: { repoUrl: 'https://charts.external-secrets.io', chart: 'external-secrets', version: withoutV(OPERATORS.externalSecrets), chosen: OPERATORS.externalSecrets.chosen } as PinnedHelmChart,
  /** Kubeflow Spark operator chart (optional, for SparkApplication data preparation); version follows the release. */
  sparkOperator: { repoUrl: 'https://kubeflow.github.io/spark-operator', chart: 'spark-operator', version: withoutV(OPERATORS.sparkOperator), chosen: OPERATORS.sparkOperator.chosen } as PinnedHelmChart,
  /**
   * AWS EFA device plugin chart (advertises vpc.amazonaws.com/efa on EFA nodes); eks-charts versions carry
   * the `v`. v0.5.30 (eks-charts commit bfe91c4b, 2026-07-21), plugin image v0.5.20; v0.5.7 shipped the
   * v0.5.4 plugin.
   */
  efaDevicePlugin: { repoUrl: 'https://aws.github.io/eks-charts', chart: 'aws-efa-k8s-device-plugin', version: 'v0.5.30', chosen: K8S_INSTALLS_CHECKED } as PinnedHelmChart,
  /** NVIDIA device plugin chart, with GPU feature discovery and node feature discovery as subcharts. */
  nvidiaDevicePlugin: { repoUrl: 'https://nvidia.github.io/k8s-device-plugin', chart: 'nvidia-device-plugin', version: '0.19.0', chosen: K8S_PINNED } as PinnedHelmChart,
  /** DCGM exporter chart (chart version = the exporter's own version, the second half of the image tag). */
  dcgmExporter: { repoUrl: 'https://nvidia.github.io/dcgm-exporter/helm-charts', chart: 'dcgm-exporter', version: '4.8.2', chosen: K8S_PINNED } as PinnedHelmChart,
  /**
   * Karpenter (self-managed node autoscaling; CRDs in the chart): the OCI chart of Karpenter's getting-started guide
   * (`helm upgrade --install karpenter oci://public.ecr.aws/karpenter/karpenter --version <release without v>`), same
   * release as the NodePool / EC2NodeClass CRDs the verifier checks (OPERATORS.karpenter, tag v1.14.1 in SOURCES.tsv).
   */
  karpenter: { repoUrl: 'oci://public.ecr.aws/karpenter', chart: 'karpenter', version: withoutV(OPERATORS.karpenter), chosen: OPERATORS.karpenter.chosen } as PinnedHelmChart,
  /**
   * Envoy Gateway's chart, as its install docs give it (`helm install eg oci://docker.io/envoyproxy/gateway-helm
   * --version v1.9.0`): the controller, its certgen job, and (crds subchart) the Envoy Gateway and Gateway API CRDs.
   * Chart versions carry the `v`.
   */
  envoyGateway: { repoUrl: 'oci://docker.io/envoyproxy', chart: 'gateway-helm', version: OPERATORS.envoyGateway.version, chosen: OPERATORS.envoyGateway.chosen } as PinnedHelmChart,
  /** Envoy AI Gateway's CRDs chart (AIGatewayRoute, AIServiceBackend, ...), installed before its controller as its docs say. */
  envoyAiGatewayCrds: { repoUrl: 'oci://docker.io/envoyproxy', chart: 'ai-gateway-crds-helm', version: OPERATORS.envoyAiGateway.version, chosen: OPERATORS.envoyAiGateway.chosen } as PinnedHelmChart,
  /** Envoy AI Gateway's controller chart (the extension server of Envoy Gateway and the mutating webhook that adds the external processor to the proxies). */
  envoyAiGateway: { repoUrl: 'oci://docker.io/envoyproxy', chart: 'ai-gateway-helm', version: OPERATORS.envoyAiGateway.version, chosen: OPERATORS.envoyAiGateway.chosen } as PinnedHelmChart,
  // The operations assistant (kagent with kmcp, k8sgpt-operator): see ASSISTANT_IMAGES.
  /**
   * kagent's CRDs chart (Agent, ModelConfig, RemoteMCPServer, ...), as kagent's install docs give it
   * (`helm install kagent-crds oci://ghcr.io/kagent-dev/kagent/helm/kagent-crds`). Chart versions drop the tag's `v`.
   */
  kagentCrds: { repoUrl: 'oci://ghcr.io/kagent-dev/kagent/helm', chart: 'kagent-crds', version: '0.9.12', chosen: '2026-12-06' } as PinnedHelmChart,
  /**
   * kmcp's CRDs chart (MCPServer) at kmcp v0.3.0, the version kagent v0.9.12 pins (go.mod). Released without the tag's `v`:
   * kmcp's tag workflow (.github/workflows/tag.yaml) sets `VERSION=$(echo "$GITHUB_REF" | cut -c12-)` (`0.3.0`) for
   * `make helm-publish`, which packages with `--version $(VERSION)`; kagent's chart names the same `0.3.0` (its Makefile's
   * `KMCP_VERSION` drops the `v` of go.mod's).
   */
  kmcpCrds: { repoUrl: 'oci://ghcr.io/kagent-dev/kmcp/helm', chart: 'kmcp-crds', version: '0.3.0', chosen: '2026-12-06' } as PinnedHelmChart,
  /** kagent's chart: the controller (and its kmcp subchart, the MCPServer controller of kmcp v0.3.0, which kagent v0.9.12 pins in go.mod). */
  kagent: { repoUrl: 'oci://ghcr.io/kagent-dev/kagent/helm', chart: 'kagent', version: '0.9.12', chosen: '2026-12-06' } as PinnedHelmChart,
  /** k8sgpt-operator's chart 0.2.27 (appVersion 0.2.25 in the chart; the chart's own image tag is v0.2.27). */
  k8sgptOperator: { repoUrl: 'https://charts.k8sgpt.ai', chart: 'k8sgpt-operator', version: '0.2.27', chosen: '2026-12-06' } as PinnedHelmChart,
  /**
   * LeaderWorkerSet: its chart, published as oci://registry.k8s.io/lws/charts/lws 0.10.0 (charts/lws at
   * v0.10.0; the Chart.yaml in git says version 0.1.0, appVersion v0.10.0, and the release sets the version).
   */
  lws: { repoUrl: 'oci://registry.k8s.io/lws/charts', chart: 'lws', version: withoutV(OPERATORS.lws), chosen: OPERATORS.lws.chosen } as PinnedHelmChart,
  /**
   * Open WebUI (the optional chat front end): its chart 16.0.0 (open-webui/helm-charts, tag
   * open-webui-16.0.0, MIT licence per the chart's annotation), appVersion 0.11.0.
   */
  openWebui: { repoUrl: 'https://helm.openwebui.com', chart: 'open-webui', version: '16.0.0', chosen: '2026-12-06' } as PinnedHelmChart,
  /**
   * Feast operator: `infra/feast-operator/config/default`, the kustomization upstream builds its documented install
   * manifest from (`dist/install.yaml`, applied with `kubectl apply --server-side`; `make build-installer` is
   * `kustomize build config/default`): at the tag both render the same objects, and this source lets the platform
   * patch the Namespace out.
   */
  feastOperator: { repoUrl: 'https://github.com/feast-dev/feast', path: 'infra/feast-operator/config/default', revision: OPERATORS.feast.version, chosen: OPERATORS.feast.chosen } as PinnedGitPath,
  /**
   * The InferencePool CRDs as the Inference Extension's release publishes them (its `manifests.yaml` is
   * `kustomize build config/crd` at the tag): InferencePool v1 and the experimental InferencePoolImport.
   */
  inferenceExtensionCrds: {
    repoUrl: 'https://github.com/kubernetes-sigs/gateway-api-inference-extension', path: 'config/crd', revision: OPERATORS.inferenceExtension.version, chosen: OPERATORS.inferenceExtension.chosen,
  } as PinnedGitPath,
  /**
   * The endpoint picker's chart (published as oci://registry.k8s.io/gateway-api-inference-extension/charts/inferencepool
   * v1.5.0): not installed as a chart (it renders no securityContext, priority class or PodDisruptionBudget, and one
   * release per pool in a team's namespace), but the reference the InferencePool construct's objects are checked against.
   */
  inferencePoolChart: {
    repoUrl: 'oci://registry.k8s.io/gateway-api-inference-extension/charts', chart: 'inferencepool', version: OPERATORS.inferenceEndpointPicker.version, chosen: OPERATORS.inferenceEndpointPicker.chosen,
  } as PinnedHelmChart,
  /**
   * Argo Rollouts: manifests/cluster-install at the release tag, the kustomize tree of the `install.yaml` its
   * install docs apply (`kubectl apply -n argo-rollouts -f .../releases/download/v1.9.1/install.yaml`): CRDs,
   * controller, its ClusterRole and binding, metrics Service. Its base names the image `:latest` (the release
   * build sets the tag): the release sets {@link ARGO_ROLLOUTS_IMAGES}.controller.
   */
  argoRollouts: { repoUrl: 'https://github.com/argoproj/argo-rollouts', path: 'manifests/cluster-install', revision: OPERATORS.argoRollouts.version, chosen: OPERATORS.argoRollouts.chosen } as PinnedGitPath,
  /**
   * AWS Load Balancer Controller's chart, as its install docs give it (`helm install aws-load-balancer-controller
   * eks/aws-load-balancer-controller`, repository https://aws.github.io/eks-charts), at 3.5.0 (appVersion v3.5.0).
   */
  awsLoadBalancerController: { repoUrl: 'https://aws.github.io/eks-charts', chart: 'aws-load-balancer-controller', version: '3.5.0', chosen: '2026-12-06' } as PinnedHelmChart,
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
  // Images Katib starts in team namespaces (named in its katib-config; same registry and tag as the controller).
  katibFileMetricsCollector: { repository: 'ghcr.io/kubeflow/katib/file-metrics-collector', tag: OPERATORS.katib.version, chosen: OPERATORS.katib.chosen } as PinnedImage,
  katibTfEventMetricsCollector: { repository: 'ghcr.io/kubeflow/katib/tfevent-metrics-collector', tag: OPERATORS.katib.version, chosen: OPERATORS.katib.chosen } as PinnedImage,
  katibSuggestionHyperopt: { repository: 'ghcr.io/kubeflow/katib/suggestion-hyperopt', tag: OPERATORS.katib.version, chosen: OPERATORS.katib.chosen } as PinnedImage,
  katibSuggestionOptuna: { repository: 'ghcr.io/kubeflow/katib/suggestion-optuna', tag: OPERATORS.katib.version, chosen: OPERATORS.katib.chosen } as PinnedImage,
  katibSuggestionSkopt: { repository: 'ghcr.io/kubeflow/katib/suggestion-skopt', tag: OPERATORS.katib.version, chosen: OPERATORS.katib.chosen } as PinnedImage,
  katibSuggestionGoptuna: { repository: 'ghcr.io/kubeflow/katib/suggestion-goptuna', tag: OPERATORS.katib.version, chosen: OPERATORS.katib.chosen } as PinnedImage,
  katibSuggestionHyperband: { repository: 'ghcr.io/kubeflow/katib/suggestion-hyperband', tag: OPERATORS.katib.version, chosen: OPERATORS.katib.chosen } as PinnedImage,
  katibEarlyStoppingMedianstop: { repository: 'ghcr.io/kubeflow/katib/earlystopping-medianstop', tag: OPERATORS.katib.version, chosen: OPERATORS.katib.chosen } as PinnedImage,
  katibSuggestionEnas: { repository: 'ghcr.io/kubeflow/katib/suggestion-enas', tag: OPERATORS.katib.version, chosen: OPERATORS.katib.chosen } as PinnedImage,
  katibSuggestionDarts: { repository: 'ghcr.io/kubeflow/katib/suggestion-darts', tag: OPERATORS.katib.version, chosen: OPERATORS.katib.chosen } as PinnedImage,
  katibSuggestionPbt: { repository: 'ghcr.io/kubeflow/katib/suggestion-pbt', tag: OPERATORS.katib.version, chosen: OPERATORS.katib.chosen } as PinnedImage,
  notebookController: { repository: 'ghcr.io/kubeflow/notebooks/notebook-controller', tag: OPERATORS.notebooks.version, chosen: OPERATORS.notebooks.chosen } as PinnedImage,
  // KServe: the git tree names these `:latest` (controller, storage initializer, agent, router, the
  // runtimes); upstream's release YAMLs rewrite `:latest` to the release tag
  // (hack/release/generate-install.sh: `sed s/:latest/:$TAG/g`), and the release pins the same tags.
  kserveController: { repository: 'docker.io/kserve/kserve-controller', tag: OPERATORS.kserve.version, chosen: OPERATORS.kserve.chosen } as PinnedImage,
  kserveStorageInitializer: { repository: 'docker.io/kserve/storage-initializer', tag: OPERATORS.kserve.version, chosen: OPERATORS.kserve.chosen } as PinnedImage,
  /** KServe agent: the logger and batcher sidecar KServe injects into model pods. */
  kserveAgent: { repository: 'docker.io/kserve/agent', tag: OPERATORS.kserve.version, chosen: OPERATORS.kserve.chosen } as PinnedImage,
  kserveRouter: { repository: 'docker.io/kserve/router', tag: OPERATORS.kserve.version, chosen: OPERATORS.kserve.chosen } as PinnedImage,
  /** ART explainer: `defaultImageVersion` of the `explainers` config (the kserve-resources chart defaults it to the release). */
  kserveArtExplainer: { repository: 'docker.io/kserve/art-explainer', tag: OPERATORS.kserve.version, chosen: OPERATORS.kserve.chosen } as PinnedImage,
  /** OpenTelemetry operator manager (chart appVersion 0.158.0; the chart's tag default is the appVersion, without `v`). */
  opentelemetryOperator: { repository: 'ghcr.io/open-telemetry/opentelemetry-operator/opentelemetry-operator', tag: OPERATORS.opentelemetryOperator.version.replace(/^v/, ''), chosen: K8S_INSTALLS_CHECKED } as PinnedImage,
  /** AWS EFA device plugin: the image chart v0.5.30 ships (values.yaml image.tag). */
  efaDevicePlugin: { repository: '602401143452.dkr.ecr.us-west-2.amazonaws.com/eks/aws-efa-k8s-device-plugin', tag: 'v0.5.20', chosen: K8S_INSTALLS_CHECKED } as PinnedImage,
  /** Kueue controller: the registry and tag the published chart carries (kueue hack/helm-chart-package.sh rewrites the git tree's staging image). */
  kueueController: { repository: 'registry.k8s.io/kueue/kueue', tag: OPERATORS.kueue.version, chosen: OPERATORS.kueue.chosen } as PinnedImage,
  /** LeaderWorkerSet controller: the chart's values.yaml names tag `main` (pull policy Always); the release pins the release tag. */
  lwsController: { repository: 'registry.k8s.io/lws/lws', tag: OPERATORS.lws.version, chosen: OPERATORS.lws.chosen } as PinnedImage,
  /** Feast operator manager (config/manager/kustomization.yaml `images: controller` at v0.66.0; release tags carry no `v`). */
  feastOperator: { repository: 'quay.io/feastdev/feast-operator', tag: OPERATORS.feast.version.replace(/^v/, ''), chosen: OPERATORS.feast.chosen } as PinnedImage,
  /**
   * Feast feature server (registry, online and offline servers, and the init containers of a FeatureStore): the
   * operator's `RELATED_IMAGE_FEATURE_SERVER` at v0.66.0 (config/default/related_image_fs_patch.yaml). The platform
   * also sets it on each FeatureStore, so the CR says what runs.
   */
  feastFeatureServer: { repository: 'quay.io/feastdev/feature-server', tag: OPERATORS.feast.version.replace(/^v/, ''), chosen: OPERATORS.feast.chosen } as PinnedImage,
  /**
   * The client image of a FeatureStore's CronJob (`kubectl exec` into the feature server to materialize): the
   * operator's `RELATED_IMAGE_CRON_JOB` at v0.66.0 (config/default/related_image_fs_patch.yaml).
   */
  feastCronJob: { repository: 'quay.io/openshift/origin-cli', tag: '4.17', chosen: OPERATORS.feast.chosen } as PinnedImage,
  /**
   * The Gateway API Inference Extension's endpoint picker (EPP), the tag its v1.5.0 chart sets
   * (config/charts/inferencepool/values.yaml `inferenceExtension.image`); distroless, runs as uid 65532.
   */
  inferenceEndpointPicker: { repository: 'registry.k8s.io/gateway-api-inference-extension/epp', tag: OPERATORS.inferenceEndpointPicker.version, chosen: OPERATORS.inferenceEndpointPicker.chosen } as PinnedImage,
};

/**
 * Images of KServe's ClusterServingRuntimes (config/runtimes). Those the git tree names `:latest`
 * get the release tag, as in upstream's release YAML `kserve-cluster-resources.yaml`
 * (generate-install.sh rewrites `:latest` to the tag, `:latest-gpu` to `<tag>-gpu`); the others are
 * pinned by config/runtimes itself (tensorflow/serving 2.6.2, mlserver 1.7.1, tritonserver
 * 23.05-py3, torchserve-kfs 0.9.0).
 */
export const KSERVE_RUNTIME_IMAGES = {
  sklearnserver: { repository: 'docker.io/kserve/sklearnserver', tag: OPERATORS.kserve.version, chosen: OPERATORS.kserve.chosen } as PinnedImage,
  xgbserver: { repository: 'docker.io/kserve/xgbserver', tag: OPERATORS.kserve.version, chosen: OPERATORS.kserve.chosen } as PinnedImage,
  pmmlserver: { repository: 'docker.io/kserve/pmmlserver', tag: OPERATORS.kserve.version, chosen: OPERATORS.kserve.chosen } as PinnedImage,
  paddleserver: { repository: 'docker.io/kserve/paddleserver', tag: OPERATORS.kserve.version, chosen: OPERATORS.kserve.chosen } as PinnedImage,
  lgbserver: { repository: 'docker.io/kserve/lgbserver', tag: OPERATORS.kserve.version, chosen: OPERATORS.kserve.chosen } as PinnedImage,
  predictiveserver: { repository: 'docker.io/kserve/predictiveserver', tag: OPERATORS.kserve.version, chosen: OPERATORS.kserve.chosen } as PinnedImage,
  autogluonserver: { repository: 'docker.io/kserve/autogluonserver', tag: OPERATORS.kserve.version, chosen: OPERATORS.kserve.chosen } as PinnedImage,
  /** The CPU build (the single-node `kserve-huggingfaceserver` runtime; LlmService sets the GPU build on its InferenceService). */
  huggingfaceserver: { repository: 'docker.io/kserve/huggingfaceserver', tag: OPERATORS.kserve.version, chosen: OPERATORS.kserve.chosen } as PinnedImage,
  /** The GPU build (`kserve-huggingfaceserver-multinode`). */
  huggingfaceserverGpu: { repository: 'docker.io/kserve/huggingfaceserver', tag: `${OPERATORS.kserve.version}-gpu`, chosen: OPERATORS.kserve.chosen } as PinnedImage,
  /**
   * `kserve-vllmserver`: `vllm/vllm-openai:latest` in git, which the release YAML's sed turns into the KServe tag: pinned as
   * upstream publishes it, not re-checked against the registry. LlmService's own vLLM runtime uses IMAGES.vllmOpenai.
   */
  vllmserver: { repository: 'docker.io/vllm/vllm-openai', tag: OPERATORS.kserve.version, chosen: OPERATORS.kserve.chosen } as PinnedImage,
};

/**
 * Image tags set explicitly on Helm charts whose defaults derive the tag from the chart's
 * appVersion, so the pin is visible in the values and checkable against the vendored chart
 * (cert-manager's Chart.yaml in git is a template with version v0.0.0).
 */
export const CHART_IMAGE_TAGS = {
  /** cert-manager controller, webhook, cainjector, ACME solver and startupapicheck images. */
  certManager: OPERATOR_SOURCES.certManager.version,
  /** KEDA operator, metrics API server and admission webhooks. */
  keda: withoutV(OPERATORS.keda),
  /** External Secrets controller, webhook and cert controller. */
  externalSecrets: OPERATORS.externalSecrets.version,
  /** Spark operator controller and webhook. */
  sparkOperator: withoutV(OPERATORS.sparkOperator),
};

/**
 * Redis, the official image (uid 999), one pin for every Redis the platform runs (the gateway's
 * token budget counters, the feature store's online store): the tag Envoy AI Gateway v1.1.0's
 * token rate limit example runs (examples/token_ratelimit/redis.yaml), a patch newer than the
 * `8.2.3-alpine` of Argo CD v3.5.1's install manifest.
 */
export const REDIS_IMAGE: PinnedImage = { repository: 'docker.io/library/redis', tag: '8.2.4-alpine3.22', chosen: '2026-12-06' };

/**
 * Images of the model gateway (Envoy Gateway and Envoy AI Gateway). Their charts in git hold
 * placeholders (`${GatewayImage}`, appVersion `latest`) that upstream fills at release; the
 * releases set every image explicitly.
 */
export const GATEWAY_IMAGES = {
  /** Envoy Gateway's controller (the chart's `global.images.envoyGateway.image`, filled at release with the tag). */
  envoyGateway: { repository: 'docker.io/envoyproxy/gateway', tag: OPERATORS.envoyGateway.version, chosen: OPERATORS.envoyGateway.chosen } as PinnedImage,
  /**
   * The Envoy proxies Envoy Gateway runs for each Gateway: the Envoy release Envoy Gateway v1.9.0 is built
   * against (`DefaultEnvoyProxyImage` of api/v1alpha1/shared_types.go: distroless-v1.39.0, as public inventories of
   * v1.9.0 list it; not re-read at the tag), set in the chart's `global.images.envoyProxy.image` so it is pinned here.
   */
  envoyProxy: { repository: 'docker.io/envoyproxy/envoy', tag: 'distroless-v1.39.0', chosen: OPERATORS.envoyGateway.chosen } as PinnedImage,
  /** Envoy Gateway's rate limit service: the chart's own pin (values.tmpl.yaml, `global.images.ratelimit.image`). */
  ratelimit: { repository: 'docker.io/envoyproxy/ratelimit', tag: '17b1956c', chosen: OPERATORS.envoyGateway.chosen } as PinnedImage,
  /** Envoy AI Gateway's controller (`controller.image`, the tag defaults to appVersion `latest` in git). */
  aiGatewayController: { repository: 'docker.io/envoyproxy/ai-gateway-controller', tag: OPERATORS.envoyAiGateway.version, chosen: OPERATORS.envoyAiGateway.chosen } as PinnedImage,
  /** Envoy AI Gateway's external processor, injected into the proxies (`extProc.image`). */
  aiGatewayExtProc: { repository: 'docker.io/envoyproxy/ai-gateway-extproc', tag: OPERATORS.envoyAiGateway.version, chosen: OPERATORS.envoyAiGateway.chosen } as PinnedImage,
  /** AWS Load Balancer Controller (the chart's `image`, its own default at 3.5.0). */
  awsLoadBalancerController: { repository: 'public.ecr.aws/eks/aws-load-balancer-controller', tag: 'v3.5.0', chosen: '2026-12-06' } as PinnedImage,
  /** Redis for the gateway's token budgets (Envoy Gateway's rate limit counters): the platform's one Redis pin. */
  rateLimitRedis: REDIS_IMAGE,
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
  /** psql for bootstrap jobs: the client of the RDS engine (RDS_POSTGRES.clientMinorVersion). */
  postgres: { repository: 'docker.io/library/postgres', tag: '17.6', chosen: K8S_PINNED } as PinnedImage,
  /** AWS CLI v2 (bash, curl) for snapshot uploads; supports EKS Pod Identity credentials. */
  awsCli: { repository: 'docker.io/amazon/aws-cli', tag: '2.37.5', chosen: K8S_PINNED } as PinnedImage,
  /** Redis, the feature store's in-cluster online store: the platform's one Redis pin. */
  redis: REDIS_IMAGE,
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
  kserveAgent: OPERATOR_IMAGES.kserveAgent,
};

/**
 * Images of the operations assistant (kagent v0.9.12 with kmcp v0.3.0, k8sgpt-operator v0.2.27). kagent's chart
 * in git defaults its image tags to the chart version, filled at release: the release sets each tag here.
 */
export const ASSISTANT_IMAGES = {
  /** kagent's controller (`controller.image`; registry cr.kagent.dev, the chart's `registry`). */
  kagentController: { repository: 'cr.kagent.dev/kagent-dev/kagent/controller', tag: '0.9.12', chosen: '2026-12-06' } as PinnedImage,
  /** The agents' runtime image the controller starts for each declarative Agent (`controller.agentImage`). */
  kagentAgent: { repository: 'cr.kagent.dev/kagent-dev/kagent/app', tag: '0.9.12', chosen: '2026-12-06' } as PinnedImage,
  /** The agents' skills init container (`controller.skillsInitImage`). */
  kagentSkillsInit: { repository: 'cr.kagent.dev/kagent-dev/kagent/skills-init', tag: '0.9.12', chosen: '2026-12-06' } as PinnedImage,
  /** kagent's web UI (`ui.image`). */
  kagentUi: { repository: 'cr.kagent.dev/kagent-dev/kagent/ui', tag: '0.9.12', chosen: '2026-12-06' } as PinnedImage,
  /** kagent's bundled PostgreSQL (`database.postgres.bundled.image`: the chart's own pin). */
  kagentPostgres: { repository: 'docker.io/library/postgres', tag: '18.3-alpine', chosen: '2026-12-06' } as PinnedImage,
  /**
   * kagent's MCP tool server (kagent-dev/tools v0.2.1, the `kagent-tools` chart version kagent v0.9.12 depends on):
   * Kubernetes and Prometheus tools, `--read-only` drops the write tools. The platform runs one per agent as a kmcp MCPServer.
   */
  kagentTools: { repository: 'ghcr.io/kagent-dev/kagent/tools', tag: '0.2.1', chosen: '2026-12-06' } as PinnedImage,
  /**
   * kmcp's controller (the `kmcp` subchart of kagent's chart, kmcp v0.3.0). Pinned by the published chart: kmcp's Makefile
   * writes `appVersion: "$(VERSION)"` into its Chart.yaml when packaging, its tag workflow builds the image and the chart with
   * `VERSION` = the tag without its `v` (`0.3.0`), and `image.tag` defaults to the appVersion (helm/kmcp/templates/_helpers.tpl).
   */
  kmcpController: { repository: 'ghcr.io/kagent-dev/kmcp/controller', tag: '0.3.0', chosen: '2026-12-06' } as PinnedImage,
  /** k8sgpt-operator's manager (`controllerManager.manager.image`, the chart's own pin). */
  k8sgptOperator: { repository: 'ghcr.io/k8sgpt-ai/k8sgpt-operator', tag: 'v0.2.27', chosen: '2026-12-06' } as PinnedImage,
  /** kube-rbac-proxy in front of the operator's metrics (`controllerManager.kubeRbacProxy.image`, the chart's own pin). */
  k8sgptKubeRbacProxy: { repository: 'quay.io/brancz/kube-rbac-proxy', tag: 'v0.19.1', chosen: '2026-12-06' } as PinnedImage,
  /**
   * The k8sgpt analyzer the operator runs for a K8sGPT resource (`spec.repository`/`spec.version`; the operator's
   * default-version test of v0.2.27 expects v0.4.27).
   */
  k8sgpt: { repository: 'ghcr.io/k8sgpt-ai/k8sgpt', tag: 'v0.4.27', chosen: '2026-12-06' } as PinnedImage,
};

/** Images of the optional chat front end (ChatUi). */
export const CHAT_UI_IMAGES = {
  /**
   * Open WebUI: the appVersion of its chart 16.0.0 (0.11.0), set explicitly (the chart's `image.tag`
   * defaults to the appVersion) so that the pin is in the values. The full image: it carries the
   * default embedding model under /app/backend/data, which the chart copies onto the data volume.
   */
  openWebui: { repository: 'ghcr.io/open-webui/open-webui', tag: '0.11.0', chosen: '2026-12-06' } as PinnedImage,
};

/** Images of Argo Rollouts (ModelDelivery's progressive rollouts). */
export const ARGO_ROLLOUTS_IMAGES = {
  /** The controller, tagged with the release (quay.io/argoproj/argo-rollouts, the image of the release's install.yaml). */
  controller: { repository: 'quay.io/argoproj/argo-rollouts', tag: OPERATORS.argoRollouts.version, chosen: OPERATORS.argoRollouts.chosen } as PinnedImage,
};
