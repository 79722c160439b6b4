/**
 * Observability of the AI platform: what an operator sees.
 *
 * - A TelemetryCollector (OpenTelemetry Collector, plain Deployment) receives OTLP from the
 *   team's `chat-api` (OpenLLMetry traces, prompt and completion text off) and sends traces to
 *   Tempo and AWS X-Ray, metrics to Amazon Managed Service for Prometheus, with its own AWS
 *   identity (EKS Pod Identity).
 * - MetricsScraping scrapes the DCGM exporter (reusing NvidiaGpuSupport's monitor), the two
 *   model servers (reusing LlmService's monitors) and the collector.
 * - PlatformAlerts: GPU XID errors, GPU memory near full, LLM queue, time to first token,
 *   KV-cache saturation, vector database and registry down, training stuck on quota.
 * - PlatformDashboards: GPUs, LLM serving, queue admission (ConfigMaps for the Grafana sidecar).
 * - A DriftMonitor on the embedding model: KServe logs request and response payloads through
 *   the collector to S3; every 6 hours a job compares the last 24 hours of embeddings with
 *   the same hours a week before (mean cosine distance) and alerts above 0.05.
 *
 *   npx cdk8s synth      # dist/0000-platform-operators.k8s.yaml ... 0003-observability.k8s.yaml
 */
import { App, Chart, Duration, YamlOutputType } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { core } from '../../lib';
import {
  CollectorExporter, CnaiKubernetesPlatform, DriftFeature, DriftMonitor, DriftReference, LlmService, MetricsScraping, ModelSource,
  NodePoolReference, PayloadSource, PlatformAlerts, PlatformDashboards, ServingBackend, TelemetryCollector, TelemetrySignal,
  restrictedContainerSecurityContext, restrictedPodSecurityContext,
} from '../../lib/k8s';

const { GpuInstanceType, ModelPresets, NODE_LABELS, NodePoolProvisioner, PlatformNaming, TaintEffect } = core;

/** The team that runs the services. */
export const TEAM = 'team-language';
/** Namespace of the collector. */
export const OBSERVABILITY_NAMESPACE = 'observability';

/** The platform contract as the AWS layer outputs it (written out here for the example). */
export function exampleContract(): core.PlatformContract {
  const naming = new PlatformNaming({ platformName: 'cnai', environment: 'dev', region: 'us-west-2', accountId: '123456789012' });
  const a10g = GpuInstanceType.G5_2XLARGE;
  return {
    platformName: naming.platformName,
    environment: naming.environment,
    region: naming.region,
    accountId: naming.accountId,
    clusterName: naming.clusterName,
    kubernetesVersion: '1.34',
    buckets: { models: naming.bucketName('models'), datasets: naming.bucketName('datasets') },
    nodePools: [
      {
        name: 'gpu-a10g',
        provisioner: NodePoolProvisioner.MANAGED_NODE_GROUP,
        instanceTypes: [a10g.name],
        labels: { [NODE_LABELS.pool]: 'gpu-a10g', [NODE_LABELS.acceleratorFamily]: a10g.family, [NODE_LABELS.gpuProduct]: a10g.gpuProduct },
        taints: [{ key: 'nvidia.com/gpu', effect: TaintEffect.NO_SCHEDULE }],
        gpusPerNode: a10g.gpuCount,
        gpuMemoryGiB: a10g.gpuMemoryGiB,
        efa: false,
        maxNodes: 6,
      },
    ],
    workloadIdentities: [
      { namespace: TEAM, serviceAccount: 'chat', roleName: naming.roleName('chat-models') },
      // X-Ray, CloudWatch, AMP remote write, and the payload prefix of the datasets bucket.
      { namespace: OBSERVABILITY_NAMESPACE, serviceAccount: 'otel-collector', roleName: naming.roleName('otel-collector') },
    ],
  };
}

/** Builds the example app (also used by the tests). */
export function buildObservabilityApp(outdir?: string): App {
  const app = new App({ outdir, yamlOutputType: YamlOutputType.FILE_PER_CHART });
  const contract = exampleContract();
  const a10g = NodePoolReference.fromContract(contract.nodePools[0]);

  const platform = new CnaiKubernetesPlatform(app, 'platform', {
    contract,
    teams: [{ name: TEAM, quotas: [{ pool: a10g, gpus: 6 }], developerGroups: ['language-developers'] }],
  });
  const team = platform.teams[TEAM];
  const chatApiPods = team.workloads({ app: 'chat-api' });

  // The models: a chat model on vLLM and an embedding model on KServe (whose logger feeds the drift monitor).
  const serving = new Chart(app, 'serving');
  serving.addDependency(platform);
  const chat = new LlmService(serving, 'chat', {
    model: ModelPresets.LLAMA_3_1_8B_INSTRUCT,
    maxModelLen: 8192,
    source: ModelSource.fromModelStore(contract, 'llama-3.1-8b-instruct'),
    contract,
    namespace: team,
    pool: a10g,
    autoscaling: { minReplicas: 1, maxReplicas: 3 },
    allowFrom: [chatApiPods],
  });
  const embed = new LlmService(serving, 'embed', {
    model: ModelPresets.BGE_LARGE_EN_V1_5,
    source: ModelSource.huggingFace('BAAI/bge-large-en-v1.5'),
    backend: ServingBackend.KSERVE,
    namespace: team,
    pool: a10g,
    cpu: 4,
    memoryGiB: 16,
    allowFrom: [chatApiPods],
  });

  // The chat application: an OpenAI client instrumented with OpenLLMetry.
  const chatApi = new k8s.KubeDeployment(serving, 'chat-api', {
    metadata: { name: 'chat-api', namespace: team.namespaceName },
    spec: {
      replicas: 2,
      selector: { matchLabels: chatApiPods.podLabels },
      template: {
        metadata: { labels: chatApiPods.podLabels },
        spec: {
          automountServiceAccountToken: false,
          securityContext: restrictedPodSecurityContext(),
          containers: [{
            name: 'chat-api',
            image: 'ghcr.io/example/chat-api:1.4.2',
            ports: [{ name: 'http', containerPort: 8080 }],
            env: [
              { name: 'OPENAI_BASE_URL', value: chat.baseUrl },
              { name: 'OPENAI_MODEL', value: chat.engine.servedModelName },
              { name: 'EMBEDDINGS_BASE_URL', value: embed.baseUrl },
            ],
            securityContext: restrictedContainerSecurityContext(),
            resources: { requests: { cpu: k8s.Quantity.fromString('250m'), memory: k8s.Quantity.fromString('512Mi') }, limits: { memory: k8s.Quantity.fromString('1Gi') } },
          }],
        },
      },
    },
  });

  const observability = new Chart(app, 'observability');
  observability.addDependency(serving);
  const collectorIdentity = contract.workloadIdentities.find((w) => w.namespace === OBSERVABILITY_NAMESPACE)!;
  const collector = new TelemetryCollector(observability, 'collector', {
    namespace: OBSERVABILITY_NAMESPACE,
    awsIdentity: collectorIdentity,
    exporters: [
      CollectorExporter.otlp('tempo', { endpoint: 'tempo-distributor.tracing.svc:4317', insecure: true, signals: [TelemetrySignal.TRACES] }),
      CollectorExporter.awsXray({ region: contract.region }),
      CollectorExporter.prometheusRemoteWrite('amp', {
        endpoint: `https://aps-workspaces.${contract.region}.amazonaws.com/workspaces/ws-example/api/v1/remote_write`,
        sigV4Region: contract.region,
      }),
    ],
  });
  // One call: OTLP endpoint, service name, resource attributes, OpenLLMetry with content off; network path opened.
  collector.connect(chatApi, { serviceName: 'chat-api', resourceAttributes: { 'deployment.environment.name': contract.environment } });

  const scraping = new MetricsScraping(observability, 'scraping');
  scraping.add(MetricsScraping.dcgmEndpoint(platform.gpuSupport!));
  scraping.add(chat);
  scraping.add(embed);
  scraping.add(collector);

  new PlatformAlerts(observability, 'alerts', { timeToFirstTokenSeconds: 1.5, llmQueuedRequests: 10 });
  new PlatformDashboards(observability, 'dashboards');

  new DriftMonitor(observability, 'embed-drift', {
    source: PayloadSource.kserve(embed),
    collector,
    scraping,
    bucket: contract.buckets.datasets,
    region: contract.region,
    features: [DriftFeature.RESPONSE_EMBEDDINGS],
    window: Duration.hours(24),
    interval: Duration.hours(6),
    reference: DriftReference.trailingWindow(Duration.days(7)),
  });
  return app;
}

if (require.main === module) {
  buildObservabilityApp().synth();
}
