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
};
