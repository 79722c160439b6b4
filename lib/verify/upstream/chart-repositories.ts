/**
 * Where the source of each published Helm chart lives: Helm repository (HTTPS or OCI) and
 * chart name → GitHub repository and chart directory. With it, an Application that installs
 * a chart from a repository is checked against the chart's source in the upstream directory
 * (matched through SOURCES.tsv by repository, chart directory and version).
 */

/** A chart of a Helm repository and where its source is. */
export interface KnownChart {
  /** Helm repository URL as an Application names it (`https://…`, or an OCI path with or without `oci://`). */
  readonly helmRepo: string;
  /** Chart name. */
  readonly chart: string;
  /** GitHub repository of the chart's source (`owner/name`). */
  readonly repo: string;
  /** Chart directory in that repository. */
  readonly chartPath: string;
}

/** The chart repositories the library's releases (and those the platform is adding) use. */
export const KNOWN_CHARTS: KnownChart[] = [
  { helmRepo: 'https://charts.jetstack.io', chart: 'cert-manager', repo: 'cert-manager/cert-manager', chartPath: 'deploy/charts/cert-manager' },
  { helmRepo: 'oci://registry.k8s.io/kueue/charts', chart: 'kueue', repo: 'kubernetes-sigs/kueue', chartPath: 'charts/kueue' },
  { helmRepo: 'https://kedacore.github.io/charts', chart: 'keda', repo: 'kedacore/charts', chartPath: 'keda' },
  { helmRepo: 'https://charts.external-secrets.io', chart: 'external-secrets', repo: 'external-secrets/external-secrets', chartPath: 'deploy/charts/external-secrets' },
  { helmRepo: 'https://aws.github.io/eks-charts', chart: 'aws-efa-k8s-device-plugin', repo: 'aws/eks-charts', chartPath: 'stable/aws-efa-k8s-device-plugin' },
  // Published through aws/eks-charts; its source is the controller's own repository.
  { helmRepo: 'https://aws.github.io/eks-charts', chart: 'aws-load-balancer-controller', repo: 'kubernetes-sigs/aws-load-balancer-controller', chartPath: 'helm/aws-load-balancer-controller' },
  { helmRepo: 'https://prometheus-community.github.io/helm-charts', chart: 'kube-prometheus-stack', repo: 'prometheus-community/helm-charts', chartPath: 'charts/kube-prometheus-stack' },
  { helmRepo: 'https://prometheus-community.github.io/helm-charts', chart: 'kube-state-metrics', repo: 'prometheus-community/helm-charts', chartPath: 'charts/kube-state-metrics' },
  { helmRepo: 'https://prometheus-community.github.io/helm-charts', chart: 'prometheus-node-exporter', repo: 'prometheus-community/helm-charts', chartPath: 'charts/prometheus-node-exporter' },
  { helmRepo: 'https://prometheus-community.github.io/helm-charts', chart: 'prometheus-windows-exporter', repo: 'prometheus-community/helm-charts', chartPath: 'charts/prometheus-windows-exporter' },
  { helmRepo: 'https://grafana-community.github.io/helm-charts', chart: 'grafana', repo: 'grafana-community/helm-charts', chartPath: 'charts/grafana' },
  { helmRepo: 'https://open-telemetry.github.io/opentelemetry-helm-charts', chart: 'opentelemetry-operator', repo: 'open-telemetry/opentelemetry-helm-charts', chartPath: 'charts/opentelemetry-operator' },
  { helmRepo: 'https://nvidia.github.io/k8s-device-plugin', chart: 'nvidia-device-plugin', repo: 'NVIDIA/k8s-device-plugin', chartPath: 'deployments/helm/nvidia-device-plugin' },
  { helmRepo: 'https://nvidia.github.io/dcgm-exporter/helm-charts', chart: 'dcgm-exporter', repo: 'NVIDIA/dcgm-exporter', chartPath: 'deployment' },
  { helmRepo: 'https://helm.ngc.nvidia.com/nvidia', chart: 'gpu-operator', repo: 'NVIDIA/gpu-operator', chartPath: 'deployments/gpu-operator' },
  { helmRepo: 'https://kubernetes-sigs.github.io/node-feature-discovery/charts', chart: 'node-feature-discovery', repo: 'kubernetes-sigs/node-feature-discovery', chartPath: 'deployment/helm/node-feature-discovery' },
  { helmRepo: 'oci://public.ecr.aws/karpenter', chart: 'karpenter', repo: 'aws/karpenter-provider-aws', chartPath: 'charts/karpenter' },
  { helmRepo: 'oci://public.ecr.aws/karpenter', chart: 'karpenter-crd', repo: 'aws/karpenter-provider-aws', chartPath: 'charts/karpenter-crd' },
  { helmRepo: 'https://kubeflow.github.io/spark-operator', chart: 'spark-operator', repo: 'kubeflow/spark-operator', chartPath: 'charts/spark-operator-chart' },
  { helmRepo: 'oci://ghcr.io/kubeflow/charts', chart: 'kubeflow-trainer', repo: 'kubeflow/trainer', chartPath: 'charts/kubeflow-trainer' },
  { helmRepo: 'oci://registry.k8s.io/jobset/charts', chart: 'jobset', repo: 'kubernetes-sigs/jobset', chartPath: 'charts/jobset' },
  { helmRepo: 'oci://ghcr.io/kserve/charts', chart: 'kserve-crd', repo: 'kserve/kserve', chartPath: 'charts/kserve-crd' },
  { helmRepo: 'oci://ghcr.io/kserve/charts', chart: 'kserve-crd-minimal', repo: 'kserve/kserve', chartPath: 'charts/kserve-crd-minimal' },
  { helmRepo: 'oci://ghcr.io/kserve/charts', chart: 'kserve-resources', repo: 'kserve/kserve', chartPath: 'charts/kserve-resources' },
  { helmRepo: 'oci://ghcr.io/kserve/charts', chart: 'kserve-runtime-configs', repo: 'kserve/kserve', chartPath: 'charts/kserve-runtime-configs' },
  { helmRepo: 'oci://ghcr.io/kserve/charts', chart: 'kserve-llmisvc-crd', repo: 'kserve/kserve', chartPath: 'charts/kserve-llmisvc-crd' },
  { helmRepo: 'oci://ghcr.io/kserve/charts', chart: 'kserve-llmisvc-resources', repo: 'kserve/kserve', chartPath: 'charts/kserve-llmisvc-resources' },
  { helmRepo: 'oci://docker.io/envoyproxy', chart: 'gateway-helm', repo: 'envoyproxy/gateway', chartPath: 'charts/gateway-helm' },
  { helmRepo: 'oci://docker.io/envoyproxy', chart: 'gateway-crds-helm', repo: 'envoyproxy/gateway', chartPath: 'charts/gateway-crds-helm' },
  { helmRepo: 'oci://docker.io/envoyproxy', chart: 'ai-gateway-helm', repo: 'envoyproxy/ai-gateway', chartPath: 'manifests/charts/ai-gateway-helm' },
  { helmRepo: 'oci://docker.io/envoyproxy', chart: 'ai-gateway-crds-helm', repo: 'envoyproxy/ai-gateway', chartPath: 'manifests/charts/ai-gateway-crds-helm' },
  { helmRepo: 'oci://ghcr.io/kagent-dev/kagent/helm', chart: 'kagent', repo: 'kagent-dev/kagent', chartPath: 'helm/kagent' },
  { helmRepo: 'oci://ghcr.io/kagent-dev/kagent/helm', chart: 'kagent-crds', repo: 'kagent-dev/kagent', chartPath: 'helm/kagent-crds' },
  { helmRepo: 'oci://ghcr.io/kagent-dev/kmcp/helm', chart: 'kmcp-crds', repo: 'kagent-dev/kmcp', chartPath: 'helm/kmcp-crds' },
  { helmRepo: 'https://charts.k8sgpt.ai', chart: 'k8sgpt-operator', repo: 'k8sgpt-ai/k8sgpt-operator', chartPath: 'chart/operator' },
  { helmRepo: 'oci://registry.k8s.io/lws/charts', chart: 'lws', repo: 'kubernetes-sigs/lws', chartPath: 'charts/lws' },
  { helmRepo: 'https://helm.openwebui.com', chart: 'open-webui', repo: 'open-webui/helm-charts', chartPath: 'charts/open-webui' },
  {
    helmRepo: 'oci://registry.k8s.io/gateway-api-inference-extension/charts',
    chart: 'inferencepool',
    repo: 'kubernetes-sigs/gateway-api-inference-extension',
    chartPath: 'config/charts/inferencepool',
  },
  {
    helmRepo: 'oci://registry.k8s.io/gateway-api-inference-extension/charts',
    chart: 'body-based-routing',
    repo: 'kubernetes-sigs/gateway-api-inference-extension',
    chartPath: 'config/charts/body-based-routing',
  },
  {
    helmRepo: 'oci://registry.k8s.io/gateway-api-inference-extension/charts',
    chart: 'standalone',
    repo: 'kubernetes-sigs/gateway-api-inference-extension',
    chartPath: 'config/charts/standalone',
  },
];

/** A Helm repository URL without scheme and trailing slash (`oci://x/y/` and `x/y` are the same repository). */
export function normalizeHelmRepo(url: string): string {
  return url.trim().replace(/^(oci|https?):\/\//, '').replace(/\/+$/, '').toLowerCase();
}

/** The known chart for a repository URL and chart name. */
export function findKnownChart(helmRepo: string, chart: string, table: KnownChart[] = KNOWN_CHARTS): KnownChart | undefined {
  const repo = normalizeHelmRepo(helmRepo);
  return table.find((c) => normalizeHelmRepo(c.helmRepo) === repo && c.chart === chart);
}

/** A GitHub repository URL as `owner/name` (undefined for other hosts). */
export function githubRepoOf(url: string): string | undefined {
  const m = /^(?:https?:\/\/|git@|ssh:\/\/git@)?(?:www\.)?github\.com[/:]([^/\s]+)\/([^/\s?#]+?)(?:\.git)?\/?$/i.exec(url.trim());
  return m ? `${m[1]}/${m[2]}` : undefined;
}
