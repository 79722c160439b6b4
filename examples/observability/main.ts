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
 * The contract is the one of the AWS layer (aws.ts): the stack `CnaiAwsStack.fromSpec` builds
 * from spec.ts, with the collector's extra grants (see buildObservabilityAws and exampleContract).
 *
 *   npx cdk8s synth      # dist/0000-platform-operators.k8s.yaml ... 0003-observability.k8s.yaml
 */
import { App, Chart, Duration, YamlOutputType } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { core } from 'cnai-constructs';
import {
  CollectorExporter, CnaiKubernetesPlatform, DriftFeature, DriftMonitor, DriftReference, LlmService, MetricsScraping, ModelSource,
  NodePoolReference, PayloadSource, PlatformAlerts, PlatformDashboards, ServingBackend, TelemetryCollector,
  restrictedContainerSecurityContext, restrictedPodSecurityContext,
} from 'cnai-constructs/k8s';
import { A10G_POOL, AMP_WORKSPACE_ID, CHAT_MODEL, OBSERVABILITY_SPEC, TEAM } from './spec';

const { ModelPresets, OBSERVABILITY, servedModelPrefix } = core;

export { TEAM } from './spec';
/** Namespace of the collector. */
export const OBSERVABILITY_NAMESPACE = OBSERVABILITY.namespace;

/**
 * The contract of the AWS layer: the applied one when `platform-contract.json` exists next
 * to this file (`terraform output -json platform_contract > platform-contract.json`), else
 * the preview of buildObservabilityAws's stack (real names, labels, taints and identities;
 * the values known only after apply marked as pending), derived without the AWS layer (its
 * extra grants do not change the contract).
 */
export function exampleContract(dir: string = __dirname): core.PlatformContract {
  return core.ContractPreview.appliedOrPreview(dir, OBSERVABILITY_SPEC);
}

/** Builds the example app (also used by the tests). */
export function buildObservabilityApp(outdir?: string): App {
  const app = new App({ outdir, yamlOutputType: YamlOutputType.FILE_PER_CHART });
  const contract = exampleContract();
  const a10g = NodePoolReference.fromContract(contract.nodePools.find((p) => p.name === A10G_POOL)!);

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
    model: CHAT_MODEL.model,
    maxModelLen: CHAT_MODEL.maxModelLen,
    // Where the spec's served model lives; read with its identity (serve-chat).
    source: ModelSource.fromModelStore(contract, servedModelPrefix(CHAT_MODEL)),
    contract,
    namespace: team,
    pool: a10g,
    autoscaling: { minReplicas: CHAT_MODEL.minReplicas!, maxReplicas: CHAT_MODEL.maxReplicas! },
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
  const collectorIdentity = contract.workloadIdentities
    .find((w) => w.namespace === OBSERVABILITY_NAMESPACE && w.serviceAccount === OBSERVABILITY.collectorServiceAccount)!;
  const collector = new TelemetryCollector(observability, 'collector', {
    namespace: OBSERVABILITY_NAMESPACE,
    awsIdentity: collectorIdentity,
    exporters: [
      CollectorExporter.awsXray({ region: contract.region }),
      CollectorExporter.prometheusRemoteWrite('amp', {
        endpoint: `https://aps-workspaces.${contract.region}.amazonaws.com/workspaces/${AMP_WORKSPACE_ID}/api/v1/remote_write`,
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
