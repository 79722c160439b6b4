import { argoRolloutsRelease } from './argo-rollouts';
import { AwsLoadBalancerControllerReleaseProps, awsLoadBalancerControllerRelease } from './aws-load-balancer-controller';
import { CertManagerReleaseProps, certManagerRelease } from './cert-manager';
import { dcgmExporterRelease } from './dcgm-exporter';
import { EfaDevicePluginReleaseProps, efaDevicePluginRelease } from './efa-device-plugin';
import { envoyAiGatewayCrdsRelease, envoyAiGatewayRelease } from './envoy-ai-gateway';
import { EnvoyGatewayReleaseProps, envoyGatewayRelease } from './envoy-gateway';
import { externalSecretsRelease } from './external-secrets';
import { feastOperatorRelease } from './feast-operator';
import { inferenceExtensionCrdsRelease } from './inference-extension';
import { K8sgptOperatorReleaseProps, k8sgptOperatorRelease } from './k8sgpt-operator';
import { KagentReleaseProps, kagentCrdsRelease, kagentRelease } from './kagent';
import { KarpenterReleaseProps, karpenterRelease } from './karpenter';
import { KatibReleaseProps, katibRelease } from './katib';
import { KedaReleaseProps, kedaRelease } from './keda';
import { kmcpCrdsRelease } from './kmcp';
import { KServeReleaseProps, kserveRelease, kserveRuntimesRelease } from './kserve';
import { KubePrometheusStackProps, kubePrometheusStackRelease } from './kube-prometheus-stack';
import { pipelinesClusterResourcesRelease, pipelinesRelease } from './kubeflow-pipelines';
import { trainerRelease, trainerRuntimesRelease } from './kubeflow-trainer';
import { KueueReleaseProps, kueueRelease } from './kueue';
import { lwsRelease } from './lws';
import { NotebookControllerReleaseProps, notebookControllerRelease } from './notebook-controller';
import { NvidiaChartProps, nvidiaDevicePluginRelease } from './nvidia-device-plugin';
import { OpenWebuiReleaseProps, openWebuiRelease } from './open-webui';
import { opentelemetryOperatorRelease } from './opentelemetry-operator';
import { OperatorRelease } from './release';
import { SparkOperatorReleaseProps, sparkOperatorRelease } from './spark-operator';

/** Options of {@link OperatorCatalogue.modelGateway}. */
export interface ModelGatewayReleasesOptions {
  /**
   * Run Envoy Gateway's global rate limit service, which enforces a ModelGateway's team token budgets.
   * @default false
   */
  readonly tokenBudgets?: boolean;
}

/**
 * The typed catalogue of third-party controllers the platform uses. Each method returns a
 * pinned release (source and version from lib/core/versions.ts) with values built from
 * typed props, the namespace, the install phase and how Argo CD should sync it. Each
 * release is defined in its own file of this folder, next to what it needs from upstream:
 * the source upstream publishes for installation (a chart, or the overlay its docs name) and
 * why, and what it provides to the platform's objects.
 *
 * The NVIDIA GPU operator is not in the catalogue: no install artifact of it is vendored to
 * check a release against (its v26.3.0 pin could not be checked); NvidiaGpuSupport and the
 * device plugin and DCGM exporter charts cover GPU enablement.
 */
export class OperatorCatalogue {
  /** cert-manager: issues webhook certificates; installed first, never pruned (certificates are state). */
  public static certManager(props: CertManagerReleaseProps = {}): OperatorRelease {
    return certManagerRelease(props);
  }

  /**
   * kube-prometheus-stack, the platform's metrics backend: the Prometheus operator and its CRDs,
   * Prometheus, Alertmanager, Grafana, node exporter and kube-state-metrics. For the handle the
   * platform's constructs take (Prometheus' URL and pods, selection of monitors and dashboards),
   * build a `KubePrometheusStack` and use its `release`.
   */
  public static kubePrometheusStack(props: KubePrometheusStackProps = {}): OperatorRelease {
    return kubePrometheusStackRelease(props);
  }

  /** Kueue: quotas and queueing of batch workloads. */
  public static kueue(props: KueueReleaseProps = {}): OperatorRelease {
    return kueueRelease(props);
  }

  /** KEDA: event-driven autoscaling (LLM queue depth, tokens per second). */
  public static keda(props: KedaReleaseProps = {}): OperatorRelease {
    return kedaRelease(props);
  }

  /**
   * External Secrets: copies the platform's secrets (database, registry and vector database
   * credentials) from AWS Secrets Manager into Kubernetes Secrets.
   */
  public static externalSecrets(): OperatorRelease {
    return externalSecretsRelease();
  }

  /** KServe: model serving (InferenceService, ServingRuntime). */
  public static kserve(props: KServeReleaseProps = {}): OperatorRelease {
    return kserveRelease(props);
  }

  /** KServe's ClusterServingRuntimes (Hugging Face, vLLM, ...): custom resources, installed after KServe's controller and webhooks. */
  public static kserveRuntimes(): OperatorRelease {
    return kserveRuntimesRelease();
  }

  /** Kubeflow Trainer v2 controller with JobSet. */
  public static trainer(): OperatorRelease {
    return trainerRelease();
  }

  /** Kubeflow Trainer's ClusterTrainingRuntimes: custom resources, installed after the trainer's CRDs and webhook. */
  public static trainerRuntimes(): OperatorRelease {
    return trainerRuntimesRelease();
  }

  /** Katib: hyperparameter tuning. Never pruned: it runs a MySQL database. */
  public static katib(props: KatibReleaseProps = {}): OperatorRelease {
    return katibRelease(props);
  }

  /** Kubeflow notebook controller, culling idle notebooks by default. */
  public static notebookController(props: NotebookControllerReleaseProps = {}): OperatorRelease {
    return notebookControllerRelease(props);
  }

  /** Kubeflow Pipelines' cluster-scoped resources (CRDs, cluster roles): install before {@link OperatorCatalogue.pipelines}. */
  public static pipelinesClusterResources(): OperatorRelease {
    return pipelinesClusterResourcesRelease();
  }

  /** Kubeflow Pipelines standalone (optional). Never pruned: it holds run metadata and artifacts. */
  public static pipelines(): OperatorRelease {
    return pipelinesRelease();
  }

  /** Kubeflow Spark operator (optional): runs SparkApplications in the given namespaces. */
  public static sparkOperator(props: SparkOperatorReleaseProps): OperatorRelease {
    return sparkOperatorRelease(props);
  }

  /** OpenTelemetry operator (collectors, auto-instrumentation); needs cert-manager. */
  public static opentelemetryOperator(): OperatorRelease {
    return opentelemetryOperatorRelease();
  }

  /** AWS EFA device plugin: advertises `vpc.amazonaws.com/efa` on the nodes of EFA pools only. */
  public static efaDevicePlugin(props: EfaDevicePluginReleaseProps): OperatorRelease {
    return efaDevicePluginRelease(props);
  }

  /** NVIDIA device plugin chart with GPU feature discovery (an alternative to NvidiaGpuSupport's own manifests). */
  public static nvidiaDevicePlugin(props: NvidiaChartProps): OperatorRelease {
    return nvidiaDevicePluginRelease(props);
  }

  /** DCGM exporter chart (GPU metrics); an alternative to NvidiaGpuSupport's own exporter. */
  public static dcgmExporter(props: NvidiaChartProps): OperatorRelease {
    return dcgmExporterRelease(props);
  }

  /**
   * Envoy Gateway v1.9.0, configured for Envoy AI Gateway (its Backend API and the AI Gateway
   * controller as extension server). Install with {@link OperatorCatalogue.envoyAiGatewayCrds} and
   * {@link OperatorCatalogue.envoyAiGateway}, or take all three from {@link OperatorCatalogue.modelGateway}.
   */
  public static envoyGateway(props: EnvoyGatewayReleaseProps = {}): OperatorRelease {
    return envoyGatewayRelease(props);
  }

  /** Envoy AI Gateway v1.1.0's CRDs (AIGatewayRoute, AIServiceBackend, ...). */
  public static envoyAiGatewayCrds(): OperatorRelease {
    return envoyAiGatewayCrdsRelease();
  }

  /** Envoy AI Gateway v1.1.0's controller (extension server of Envoy Gateway), its webhook certificate from cert-manager. */
  public static envoyAiGateway(): OperatorRelease {
    return envoyAiGatewayRelease();
  }

  /** The Gateway API Inference Extension v1.6.0's CRDs (InferencePool), for the model gateway's InferencePools. */
  public static inferenceExtensionCrds(): OperatorRelease {
    return inferenceExtensionCrdsRelease();
  }

  /**
   * The releases a ModelGateway needs: Envoy Gateway v1.9.0, Envoy AI Gateway v1.1.0's CRDs and
   * its controller (the pair of releases the library pins together), and the Gateway API
   * Inference Extension's InferencePool CRDs (v1.6.0) for its vLLM models. Needs cert-manager. With
   * `tokenBudgets`, Envoy Gateway runs its global rate limit service on the Redis a ModelGateway
   * with team budgets creates.
   */
  public static modelGateway(options: ModelGatewayReleasesOptions = {}): OperatorRelease[] {
    return [
      envoyGatewayRelease({ rateLimit: options.tokenBudgets ?? false }), envoyAiGatewayCrdsRelease(), envoyAiGatewayRelease(),
      inferenceExtensionCrdsRelease(),
    ];
  }

  /**
   * AWS Load Balancer Controller v3.5.0 (Network Load Balancers for the model gateway's load balancer
   * exposures), its identity prepared by the AWS layer (`CnaiAwsStack.addLoadBalancerController`).
   */
  public static awsLoadBalancerController(props: AwsLoadBalancerControllerReleaseProps): OperatorRelease {
    return awsLoadBalancerControllerRelease(props);
  }

  /**
   * The releases of the operations assistant: kagent v0.9.12's CRDs, kmcp v0.3.0's CRD, kagent's
   * controller (with kmcp's MCPServer controller as its subchart), and k8sgpt-operator v0.2.27. The
   * `OperationsAssistant` construct builds them with its props; use this to install them yourself.
   */
  public static operationsAssistant(kagent: KagentReleaseProps = {}, k8sgpt: K8sgptOperatorReleaseProps = {}): OperatorRelease[] {
    return [kagentCrdsRelease(), kmcpCrdsRelease(), kagentRelease(kagent), k8sgptOperatorRelease(k8sgpt)];
  }

  /**
   * LeaderWorkerSet v0.10.0: a leader pod and its workers as one replica. Needed by LlmServices
   * whose model no single node holds (served across nodes).
   */
  public static leaderWorkerSet(): OperatorRelease {
    return lwsRelease();
  }

  /**
   * Open WebUI 0.11.0 (chart 16.0.0), the optional chat front end: behind the model gateway,
   * OIDC sign-in only. Build it with ChatUi, which makes the namespace's volume, secrets and
   * network rules around it.
   */
  public static openWebui(props: OpenWebuiReleaseProps): OperatorRelease {
    return openWebuiRelease(props);
  }

  /** Feast operator v0.66.0 (optional): the feature store (FeatureStore). */
  public static feastOperator(): OperatorRelease {
    return feastOperatorRelease();
  }

  /** Karpenter (self-managed, v1), prepared by the AWS layer; runs on the system pool. */
  public static karpenter(props: KarpenterReleaseProps): OperatorRelease {
    return karpenterRelease(props);
  }

  /**
   * Argo Rollouts v1.9.1 (cluster install): Rollouts and AnalysisTemplates, for the progressive
   * delivery of served models (ModelDelivery).
   */
  public static argoRollouts(): OperatorRelease {
    return argoRolloutsRelease();
  }

  /**
   * The releases the reference platform installs: cert-manager and kube-prometheus-stack
   * (the metrics backend) first, then Kueue, KEDA, KServe, Kubeflow Trainer (with JobSet and its
   * runtimes), Katib, the notebook controller and the OpenTelemetry operator. The NVIDIA
   * components come from NvidiaGpuSupport.
   */
  public static platformDefaults(): OperatorRelease[] {
    return [
      certManagerRelease(),
      kubePrometheusStackRelease(),
      kueueRelease(),
      kedaRelease(),
      kserveRelease(),
      kserveRuntimesRelease(),
      externalSecretsRelease(),
      trainerRelease(),
      trainerRuntimesRelease(),
      katibRelease(),
      notebookControllerRelease(),
      opentelemetryOperatorRelease(),
    ];
  }

  private constructor() {}
}
