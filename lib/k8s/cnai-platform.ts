import { App, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { ANALYSIS_NAMESPACE, ASSISTANT_NAMESPACE, OperationsAssistant } from './assistant';
import { CnaiKubernetesPlatform, PlatformTeam } from './cnai-kubernetes-platform';
import {
  AwsSecretsManagerStore, DEFAULT_ENCRYPTED_STORAGE_CLASS, EncryptedStorageClass, ModelSource, SecretRolloutOptions, SecretSource,
} from './common';
import { PlatformChart } from './common/chart-synthesis';
import { EvaluationDataset, ModelDelivery } from './delivery';
import { FeatureStore } from './features';
import { ChatUi, GatewayAccess, ModelGateway } from './gateway';
import { AdmissionPolicyOptions, PlatformAdmissionPolicies } from './governance';
import { INodePool, NodePoolReference } from './node-pool';
import {
  CollectorExporter, DriftFeature, DriftMonitor, MetricsScraping, PayloadSource, PlatformAlerts, PlatformDashboards, TelemetryCollector,
} from './observability';
import { ArgoCdBootstrap, ArgoCdInstallVariant, GitDirectory, KubePrometheusStack, OperatorCatalogue, OperatorRendering } from './operators';
import { WorkloadPriority } from './priority-class';
import { ModelRegistry, RegistryEngine } from './registry';
import { VectorDatabase, VectorDistance, VectorDatabaseEngine } from './retrieval';
import { LlmService, PredictiveService } from './serving';
import { TeamNamespace } from './team-namespace';
import { KubeflowTraining } from './training';
import { ensureServiceAccount } from './training/workload-support';
import { OBSERVABILITY, PlatformContract, TRAINING } from '../core/contract';
import { deliveryCandidatePrefix } from '../core/delivery-spec';
import { invalidProp, ProblemCollector } from '../core/errors';
import { FeatureRegistryKind, FeatureStoreNaming } from '../core/feature-store-spec';
import { GatewayAccessMode, gatewayNeedsLoadBalancer } from '../core/gateway-spec';
import { ModelRegistryKind, PlatformSpec, ServedModelKind, ServedModelTask, VectorEngine } from '../core/platform-spec';
import {
  driftPayloadPrefix, predictiveModelGpus, servedModelAcrossNodes, servedModelKind, servedModelPrefix, servedModelReplicas, vectorDatabaseName,
} from '../core/platform-spec-derivation';
import { validatePlatformSpec } from '../core/platform-spec-validation';

/** Props of {@link CnaiPlatform}. */
export interface CnaiPlatformProps {
  /** The platform spec (the same one the AWS layer was synthesized from). */
  readonly spec: PlatformSpec;
  /**
   * The platform contract of the AWS layer: `terraform output -json platform_contract` after
   * apply, or `previewContract(stack)` before it.
   */
  readonly contract: PlatformContract;
  /**
   * How operators are installed.
   * @default OperatorRendering.ARGO_CD
   */
  readonly operatorRendering?: OperatorRendering;
  /**
   * The git folder where the synthesized manifests are committed. When given, the platform
   * gets a bootstrap ({@link CnaiPlatform.bootstrap}, written to `<outdir>/bootstrap/` by the
   * `app.synth()` of a {@link CnaiApp}, or by `ArgoCdBootstrap.synthAll(app)` after the
   * `app.synth()` of a plain cdk8s `App`): Argo CD from its pinned upstream
   * install and a root Application that syncs this folder in sync-wave order, applied with one
   * `kubectl apply --server-side --force-conflicts -k <outdir>/bootstrap`.
   * @default - no bootstrap: install Argo CD and apply the files in order yourself
   */
  readonly gitRepository?: GitDirectory;
  /**
   * Which upstream install of Argo CD the bootstrap applies (with `gitRepository`).
   * @default ArgoCdInstallVariant.STANDARD
   */
  readonly argoCdInstall?: ArgoCdInstallVariant;
  /**
   * Name of the vector database's collection.
   * @default 'documents'
   */
  readonly vectorCollection?: string;
  /**
   * The metrics backend (kube-prometheus-stack: retention, volume, alert receiver). Every
   * monitor, alert, dashboard, autoscaler and metrics NetworkPolicy of the platform uses it.
   * @default KubePrometheusStack.fromContract(contract) (with the spec's `metrics.managedPrometheus`: KEDA queries the managed workspace as its `kedaQueries` says)
   */
  readonly metricsBackend?: KubePrometheusStack;
  /**
   * Where Grafana's admin credentials come from (the Secret `grafana-admin` of namespace
   * monitoring, keys `admin-user` and `admin-password`).
   * @default - the secret the AWS layer generated (`<platform>-<environment>/grafana-admin`, named by the contract), copied by External Secrets
   */
  readonly grafanaAdmin?: SecretSource;
  /**
   * The admission policies (lib/k8s/governance): their mode (warn, or enforce) and what they
   * allow besides the platform's own needs (its served models, the namespaces that need host access).
   * @default - the platform's rules in AdmissionPolicyMode.WARN, the training identity boundary enforced, with the platform's own exemptions only
   */
  readonly admissionPolicies?: AdmissionPolicyOptions;
  /**
   * Restart the registry server, the vector database (Qdrant) and Grafana when their credentials
   * change: after RDS rotates the database password, or after a `credentialsVersion` bump or a new
   * Grafana admin password (SecretRollout). Off, they read a new value only when restarted by hand.
   * @default true
   */
  readonly restartOnSecretChange?: boolean;
  /**
   * The settings of that restart: External Secrets' refresh interval of the services' secrets and
   * the minutes between two checks, whose sum (plus the rollout) bounds how long the registry cannot
   * open new database connections after RDS rotated its password.
   * @default - refreshInterval "5m", checkIntervalMinutes 5, the contract's VPC block, the platform's high priority
   */
  readonly secretRollout?: SecretRolloutOptions;
}

/**
 * The Kubernetes layer of a platform spec, in charts applied in this order: operators
 * (Argo CD Applications), the platform (GPU support, Kueue queues, team namespaces), data
 * services (vector database, model registry, the Secrets Manager store), serving (one
 * LlmService per served model, autoscaled), the model gateway and the operations assistant
 * (when the spec has them) and observability (collector, alerts, dashboards). Every name, pool label, taint, bucket and workload identity comes from the
 * contract or the spec; the spec is validated as a whole, and the contract is checked to
 * come from the same spec (same pools, same identities).
 *
 * A factory, not the parent of its charts: it adds them to the App as siblings named
 * `<id>-platform-operators`, `<id>-platform`, `<id>-serving`, ... and stays their handle ({@link charts},
 * and a property per chart and part). cdk8s names each output file, and every object without
 * an explicit name, after its chart's construct path; nested under this construct, every file
 * name would carry a hash (`0002-cnai-serving-3f2a9c1e.k8s.yaml`) and generated names would
 * change, which GitOps diffs and reviews read worse. To act on everything it made (an Aspect,
 * suppressions), iterate over {@link charts}.
 */
export class CnaiPlatform extends Construct {
  /** The platform chart: GPU support, queues, team namespaces (and its operators chart). */
  public readonly platform: CnaiKubernetesPlatform;
  /** The data services chart, when the spec has a vector database or a registry. */
  public readonly dataServices?: Chart;
  /** The serving chart, when the spec serves models. */
  public readonly serving?: Chart;
  /** The observability chart, when on. */
  public readonly observability?: Chart;
  /** The model gateway's chart, when the spec's gateway is on. */
  public readonly gatewayChart?: Chart;
  /** The model gateway, when the spec's gateway is on. */
  public readonly gateway?: ModelGateway;
  /** The operations assistant's chart, when the spec's assistant is on. */
  public readonly assistantChart?: Chart;
  /** The operations assistant, when the spec's assistant is on. */
  public readonly assistant?: OperationsAssistant;
  /** The chat front end (in the gateway's chart), when the spec's chatUi is on. */
  public readonly chatUi?: ChatUi;
  /** Served LLMs by name. */
  public readonly models: { [name: string]: LlmService } = {};
  /** Served predictive models by name. */
  public readonly predictiveModels: { [name: string]: PredictiveService } = {};
  /** Deliveries of served models (the spec's `delivery` sections), by model name. */
  public readonly deliveries: { [name: string]: ModelDelivery } = {};
  /** The vector database. */
  public readonly vectorDatabase?: VectorDatabase;
  /** The model registry. */
  public readonly registry?: ModelRegistry;
  /** The feature store (Feast), when the spec has one (in the data services chart). */
  public readonly featureStore?: FeatureStore;
  /** The telemetry collector. */
  public readonly collector?: TelemetryCollector;
  /** The teams' namespaces by name. */
  public readonly teams: { [name: string]: TeamNamespace };
  /** The bootstrap (Argo CD and the root Application), when `gitRepository` is given. */
  public readonly bootstrap?: ArgoCdBootstrap;
  /** The admission policies (in the platform chart). */
  public readonly admissionPolicies: PlatformAdmissionPolicies;
  private readonly app: App;
  private readonly ownCharts: Set<Chart>;

  constructor(scope: App, id: string, props: CnaiPlatformProps) {
    super(scope, id);
    this.app = scope;
    const firstChart = scope.node.children.length;
    const { spec, contract } = props;
    const where = this.node.path;
    validatePlatformSpec(spec);
    checkContractMatchesSpec(where, spec, contract);
    const amp = spec.metrics?.managedPrometheus;
    const gatewaySpec = spec.gateway && spec.gateway.enabled !== false ? spec.gateway : undefined;
    const gatewayLoadBalanced = gatewayNeedsLoadBalancer(gatewaySpec);
    if (gatewayLoadBalanced && !contract.loadBalancerController) {
      throw invalidProp(where, 'contract.loadBalancerController', undefined, `spec.gateway.exposure is ${gatewaySpec!.exposure}, and the contract has no AWS Load Balancer Controller identity`,
        'synthesize the AWS layer (CnaiAwsStack.fromSpec) and this chart from the same spec, and take the contract from that stack');
    }
    const assistantSpec = spec.assistant && spec.assistant.enabled !== false ? spec.assistant : undefined;

    const pools: { [name: string]: INodePool } = {};
    for (const c of contract.nodePools) pools[c.name] = NodePoolReference.fromContract(c);
    const kubeflow = spec.kubeflow ?? true;
    const teams: PlatformTeam[] = spec.teams.map((t) => ({
      name: t.name,
      quotas: t.quotas.map((q) => ({ pool: pools[q.pool], gpus: q.gpus, gpuBorrowingLimit: q.borrowingLimit })),
      developerGroups: t.developerGroups,
      viewerGroups: t.viewerGroups,
    }));
    const kubeflowNames = new Set(KubeflowTraining.releases().map((r) => r.name));
    const efaPools = spec.gpuPools.filter((p) => p.efa).map((p) => pools[p.name]);
    this.platform = new CnaiKubernetesPlatform(scope, `${id}-platform`, {
      contract,
      teams,
      gpuSharing: spec.gpuPools.filter((p) => p.timeSlicingReplicas !== undefined)
        .map((p) => ({ pool: pools[p.name], timeSlicingReplicas: p.timeSlicingReplicas })),
      operatorReleases: [
        // The EFA device plugin wherever a pool has EFA (training, and serving across nodes), with or without Kubeflow.
        ...(kubeflow
          ? KubeflowTraining.platformReleases({ efaPools: efaPools.length > 0 ? efaPools : undefined })
          : [...OperatorCatalogue.platformDefaults().filter((r) => !kubeflowNames.has(r.name)),
            ...(efaPools.length > 0 ? [OperatorCatalogue.efaDevicePlugin({ pools: efaPools })] : [])]),
        // Models no node holds run in LeaderWorkerSets (their stages request EFA on EFA pools, whose device plugin is installed above).
        ...((spec.models ?? []).some((m) => servedModelAcrossNodes(spec, m) !== undefined)
          ? [OperatorCatalogue.leaderWorkerSet()]
          : []),
        ...(gatewaySpec ? OperatorCatalogue.modelGateway({ tokenBudgets: (gatewaySpec.teamBudgets ?? []).length > 0 }) : []),
        ...(gatewayLoadBalanced ? [OperatorCatalogue.awsLoadBalancerController({ contract })] : []),
        ...(assistantSpec
          ? OperatorCatalogue.operationsAssistant({ agentNamespaces: [ASSISTANT_NAMESPACE], databaseStorageClass: DEFAULT_ENCRYPTED_STORAGE_CLASS },
            { analysisNamespaces: assistantSpec.analysis === false ? [] : [ANALYSIS_NAMESPACE] })
          : []),
        ...(spec.featureStore ? [OperatorCatalogue.feastOperator()] : []),
        // Progressive delivery of the models that declare one.
        ...((spec.models ?? []).some((m) => m.delivery) ? [OperatorCatalogue.argoRollouts()] : []),
      ],
      operatorRendering: props.operatorRendering,
      metricsBackend: props.metricsBackend
        ?? (amp ? KubePrometheusStack.fromContract(contract, { kedaQueriesManagedPrometheus: amp.kedaQueries ?? true }) : undefined),
      grafanaAdmin: props.grafanaAdmin,
    });
    const metricsBackend = this.platform.metricsBackend;
    this.teams = this.platform.teams;
    // kagent's bundled database (its chat sessions) on the platform's encrypted, retained volumes.
    if (assistantSpec) EncryptedStorageClass.ensure(this.platform);
    if (props.gitRepository) {
      this.bootstrap = new ArgoCdBootstrap(this, 'bootstrap', {
        gitRepository: props.gitRepository,
        install: props.argoCdInstall,
        argoCdNamespace: this.platform.operators?.argoCd?.argoCdNamespace,
        kubernetesVersion: contract.kubernetesVersion,
      });
    }
    if (kubeflow) {
      // Each team's training workloads share one service account, which the AWS layer
      // associates with the team's training identity (datasets, training outputs).
      for (const t of spec.teams) ensureServiceAccount(this.teams[t.name], t.name, TRAINING.serviceAccount, false);
    }
    // The charts are created in apply order, and cdk8s numbers the files in that order
    // (the platform chart's dependency on its operators chart turns numbering on). No
    // dependency is declared between the later charts: cdk8s turns a chart dependency into
    // one between every pair of their objects, which grows with the product of their sizes.

    // Platform services and served models outrank training and notebooks (and are never
    // preempted by them), when the platform's PriorityClasses exist.
    const priorityClass = this.platform.queues.emitsPriorityClasses ? this.platform.queues.priorityClass(WorkloadPriority.HIGH) : undefined;

    // Data services.
    const registryKind = spec.modelRegistry ?? ModelRegistryKind.MLFLOW;
    const vdb = spec.vectorDatabase;
    const data = new PlatformChart(scope, `${id}-data-services`);
    this.dataServices = data;
    new AwsSecretsManagerStore(data, 'SecretStore', { contract });
    const secretRollout: SecretRolloutOptions | undefined = (props.restartOnSecretChange ?? true)
      ? {
        ...props.secretRollout,
        apiServerCidr: props.secretRollout?.apiServerCidr ?? contract.vpcCidr,
        priorityClass: props.secretRollout?.priorityClass ?? priorityClass,
      }
      : undefined;
    if (secretRollout) this.platform.monitoring?.restartGrafanaOnSecretChange(secretRollout);
    if (vdb) {
      const name = vectorDatabaseName(vdb);
      const engine = (vdb.engine ?? VectorEngine.QDRANT) === VectorEngine.QDRANT
        ? VectorDatabaseEngine.qdrant({ highAvailability: vdb.highAvailability ?? false })
        : VectorDatabaseEngine.pgvector({});
      this.vectorDatabase = new VectorDatabase(data, name, {
        contract,
        engine,
        name,
        collections: [{ name: props.vectorCollection ?? 'documents', dimension: vdb.dimension, distance: VectorDistance.COSINE, expectedVectors: vdb.expectedVectors }],
        metricsBackend,
        priorityClass,
        secretRollout,
      });
    }
    this.registry = new ModelRegistry(data, 'registry', {
      contract,
      engine: registryKind === ModelRegistryKind.MLFLOW ? RegistryEngine.mlflow() : RegistryEngine.kubeflow(),
      metricsBackend,
      priorityClass,
      secretRollout,
    });

    // The feature store: its namespace, FeatureStore and online store in the data services chart.
    const fs = spec.featureStore;
    if (fs) {
      const name = FeatureStoreNaming.nameOf(fs);
      this.featureStore = new FeatureStore(data, `feature-store-${name}`, {
        contract,
        name,
        project: fs.project,
        repository: fs.repository,
        onlineStore: fs.onlineStore!,
        registry: fs.registry ?? FeatureRegistryKind.S3,
        materializationSchedule: fs.materializationSchedule,
        priorityClass,
      });
    }

    // Serving.
    const models = spec.models ?? [];
    if (models.length > 0) {
      const serving = new PlatformChart(scope, `${id}-serving`);
      this.serving = serving;
      const servers: { [name: string]: LlmService | PredictiveService } = {};
      for (const m of models) {
        const team = this.teams[m.team];
        const { min, max } = servedModelReplicas(m);
        if (servedModelKind(m) === ServedModelKind.PREDICTIVE) {
          const pr = m.predictive!;
          const gpus = predictiveModelGpus(m)!;
          servers[m.name] = this.predictiveModels[m.name] = new PredictiveService(serving, m.name, {
            name: m.name,
            format: pr.format,
            runtime: pr.runtime,
            source: ModelSource.fromModelStore(contract, servedModelPrefix(m)),
            contract,
            namespace: team,
            cpu: pr.cpu,
            memoryGiB: pr.memoryGiB,
            pool: gpus > 0 ? pools[m.pools[0]] : undefined,
            gpus: gpus > 0 ? gpus : undefined,
            autoscaling: { minReplicas: min, maxReplicas: max },
            metricsBackend,
            priorityClass,
            featureStore: fs?.clients?.includes(m.name) ? this.featureStore : undefined,
          });
          continue;
        }
        // The spec and LlmService share one vocabulary (and the same defaults): no translation.
        // A delivered model serves its candidate: the Rollout keeps the running version until the candidate passes.
        const prefix = m.delivery ? deliveryCandidatePrefix(servedModelPrefix(m), m.delivery) : servedModelPrefix(m);
        servers[m.name] = this.models[m.name] = new LlmService(serving, m.name, {
          model: m.model!,
          name: m.name,
          source: ModelSource.fromModelStore(contract, prefix),
          contract,
          namespace: team,
          pools: m.pools.map((p) => pools[p]),
          backend: m.backend,
          task: m.task,
          maxModelLen: m.maxModelLen,
          // The assistant's model calls tools: served with tool calling without asking.
          toolCalling: m.toolCalling || assistantSpec?.model === m.name,
          // A model served across nodes (a LeaderWorkerSet) has a fixed count (validation: min = max).
          ...(servedModelAcrossNodes(spec, m) ? { replicas: min } : { autoscaling: { minReplicas: min, maxReplicas: max } }),
          metricsBackend,
          priorityClass,
        });
      }
      // Deliveries: evaluation, canary under gates, the registry's alias (validation admits vLLM and MLflow only).
      for (const m of models.filter((x) => x.delivery)) {
        const d = m.delivery!;
        this.deliveries[m.name] = new ModelDelivery(serving, `${m.name}-delivery`, {
          service: this.models[m.name],
          version: d.version,
          evaluation: {
            dataset: EvaluationDataset.fromDatasetsBucket(contract, d.evaluation.dataset),
            threshold: d.evaluation.threshold,
            metric: d.evaluation.metric,
            maxSamples: d.evaluation.maxSamples,
          },
          canarySteps: d.canarySteps,
          gates: d.gates,
          registry: this.registry,
          registeredModel: d.registeredModel,
          liveAlias: d.liveAlias,
          metricsBackend,
          contract,
        });
      }
      if (Object.keys(this.deliveries).length > 0) this.platform.monitoring?.allowQueryFrom(ModelDelivery.analysisController());
      // Flows between served models, and from served models to the vector database.
      for (const m of models) {
        for (const client of m.clients ?? []) servers[m.name].allowFrom(servers[client].workloads());
      }
      for (const client of vdb?.clients ?? []) this.vectorDatabase?.addClient(servers[client].workloads(), { readOnly: true });
    }

    // The model gateway: one endpoint for the served models it routes, called by the client teams' pods.
    if (gatewaySpec) {
      const chart = new PlatformChart(scope, `${id}-gateway`);
      this.gatewayChart = chart;
      // The gateway speaks the OpenAI API: it routes the served LLMs (validation refuses predictive models there).
      const routed = gatewaySpec.models ?? Object.keys(this.models);
      const access = gatewaySpec.access ?? {};
      this.gateway = new ModelGateway(chart, 'gateway', {
        exposure: gatewaySpec.exposure,
        publicCidrs: gatewaySpec.publicCidrs,
        internalClientCidrs: gatewaySpec.internalClientCidrs,
        tlsSecretName: gatewaySpec.tlsSecretName,
        vpcCidr: contract.vpcCidr,
        models: routed.map((m) => this.models[m]),
        access: (access.mode ?? GatewayAccessMode.API_KEYS) === GatewayAccessMode.OIDC ? GatewayAccess.oidc(access.oidc!) : GatewayAccess.apiKeys(),
        metricsBackend: (spec.observability ?? true) ? metricsBackend : undefined,
        priorityClass,
        kubernetesVersion: contract.kubernetesVersion,
        // vLLM models behind InferencePools: the spec's picker settings, the servers' priority and scraper.
        endpointPicker: { ...gatewaySpec.endpointPicker, priorityClass, metricsBackend },
      });
      // The HTTPS listener's certificate from Secrets Manager (the AWS layer lets External Secrets read it).
      if (gatewaySpec.tlsCertificateSecretName !== undefined) {
        SecretSource.secretsManager(gatewaySpec.tlsCertificateSecretName).materialize(chart, 'gateway-tls', {
          namespace: this.gateway.namespaceName,
          name: gatewaySpec.tlsSecretName!,
          keys: { 'tls.crt': 'tls.crt', 'tls.key': 'tls.key' },
          secretType: 'kubernetes.io/tls',
        });
      }
      // The chat front end (opt-in; validation requires the gateway): Open WebUI, OIDC sign-in with the
      // client secret from Secrets Manager (the AWS layer lets External Secrets read it).
      const chat = spec.chatUi && spec.chatUi.enabled !== false ? spec.chatUi : undefined;
      if (chat) {
        this.chatUi = new ChatUi(chart, 'chat-ui', {
          gateway: this.gateway,
          oidc: {
            discoveryUrl: chat.oidc.discoveryUrl,
            clientId: chat.oidc.clientId,
            clientSecret: SecretSource.secretsManager(chat.oidc.clientSecretName),
            clientSecretKey: chat.oidc.clientSecretKey,
            providerName: chat.oidc.providerName,
          },
          url: chat.url,
          storageGiB: chat.storageGiB,
          apiServerCidr: contract.vpcCidr,
          priorityClass,
          kubernetesVersion: contract.kubernetesVersion,
        });
      }
      // Each client team gets access (an API key in its namespace, or its OIDC tokens admitted) and its budget.
      for (const t of gatewaySpec.clientTeams ?? spec.teams.map((x) => x.name)) {
        this.gateway.addTeam(this.teams[t], { tokensPerHour: gatewaySpec.teamBudgets?.find((b) => b.team === t)?.tokensPerHour });
      }
    }

    // The operations assistant: agents and analysis on the assistant's model, through the gateway (validation requires it).
    if (assistantSpec && this.gateway) {
      const chart = new PlatformChart(scope, `${id}-assistant`);
      this.assistantChart = chart;
      this.assistant = new OperationsAssistant(chart, 'assistant', {
        gateway: this.gateway,
        model: this.models[assistantSpec.model],
        metricsBackend,
        agents: assistantSpec.agents,
        analysis: assistantSpec.analysis,
        vpcCidr: contract.vpcCidr,
        kubernetesVersion: contract.kubernetesVersion,
      });
      for (const client of this.assistant.prometheusClients()) this.platform.monitoring?.allowQueryFrom(client);
    }

    // Observability.
    if (spec.observability ?? true) {
      const obs = new PlatformChart(scope, `${id}-observability`);
      this.observability = obs;
      const identity = contract.workloadIdentities.find((w) =>
        w.namespace === OBSERVABILITY.namespace && w.serviceAccount === OBSERVABILITY.collectorServiceAccount);
      this.collector = new TelemetryCollector(obs, 'collector', {
        namespace: OBSERVABILITY.namespace,
        name: OBSERVABILITY.collectorServiceAccount,
        awsIdentity: identity,
        metricsBackend,
        vpcCidr: contract.vpcCidr,
        priorityClass,
        exporters: [
          ...(identity ? [CollectorExporter.awsXray({ region: contract.region })] : []),
          CollectorExporter.prometheus('metrics', { port: 9464 }),
        ],
      });
      // The model servers, Qdrant and MLflow bring their own monitors; the GPU exporter's
      // and the collector's are made (or found) here.
      const scraping = new MetricsScraping(obs, 'scraping', { metricsBackend });
      if (this.platform.gpuSupport) scraping.add(MetricsScraping.dcgmEndpoint(this.platform.gpuSupport));
      scraping.add(this.collector);
      // The gateway's usage per team and model into Prometheus, its request traces into the collector.
      if (this.gateway) {
        scraping.add(this.gateway);
        this.gateway.connectTracing(this.collector);
      }
      new PlatformAlerts(obs, 'alerts', { metricsBackend });
      new PlatformDashboards(obs, 'dashboards', { metricsBackend });
      // Drift, for the models that opt in (KServe): payloads go through the collector to the
      // datasets bucket (the collector's identity may write there: see driftPayloadPrefix), and
      // a scheduled job compares the last day with the same day a week earlier.
      if (identity) {
        for (const m of models.filter((x) => x.monitorDrift)) {
          const embed = this.models[m.name].task === ServedModelTask.EMBED;
          new DriftMonitor(obs, `${m.name}-drift`, {
            source: PayloadSource.kserve(this.models[m.name]),
            collector: this.collector,
            scraping,
            bucket: contract.buckets.datasets,
            region: contract.region,
            prefix: `${driftPayloadPrefix(m.team)}${m.name}`,
            features: embed ? [DriftFeature.RESPONSE_EMBEDDINGS] : [DriftFeature.PROMPT_TOKENS, DriftFeature.COMPLETION_TOKENS],
            metricsBackend,
          });
        }
      }
    }

    // Admission policies, generated from the contract and what the platform runs (as for any
    // composed platform): served models are GPU servers outside Kueue, and the GPU device plugin,
    // node exporter and the EFA device plugin need host access. The rules warn unless
    // admissionPolicies.mode says ENFORCE; the identity boundaries are enforced unless their modes say WARN.
    // The served prefixes of the spec stay allowed (a delivered model serves its candidate under it).
    const admission = props.admissionPolicies ?? {};
    this.admissionPolicies = PlatformAdmissionPolicies.forPlatform(this.platform, 'AdmissionPolicies', {
      ...admission,
      llmServices: Object.values(this.models),
      predictiveServices: Object.values(this.predictiveModels),
      vectorDatabases: this.vectorDatabase ? [this.vectorDatabase] : [],
      registries: [this.registry],
      collectors: this.collector ? [this.collector] : [],
      featureStores: this.featureStore ? [this.featureStore] : [],
      gateways: this.gateway ? [this.gateway] : [],
      chatUis: this.chatUi ? [this.chatUi] : [],
      assistants: this.assistant ? [this.assistant] : [],
      additionalModelPrefixes: [...models.map((m) => servedModelPrefix(m)), ...(admission.additionalModelPrefixes ?? [])],
    });

    // Last: every chart the steps above added to the App.
    this.ownCharts = new Set(scope.node.children.slice(firstChart).filter((c): c is Chart => Chart.isChart(c)));
  }

  /** Every chart it added to the App, in the order they are applied (their dependencies first). */
  public get charts(): Chart[] {
    return this.app.charts.filter((c) => this.ownCharts.has(c));
  }
}

/**
 * The contract must come from the same spec: every pool of the spec exists in it with the
 * spec's instance types, and every workload identity the Kubernetes layer relies on is
 * associated. Otherwise pods would stay Pending or fail to reach AWS after apply.
 */
function checkContractMatchesSpec(where: string, spec: PlatformSpec, contract: PlatformContract): void {
  const problems = new ProblemCollector();
  const fix = 'synthesize the AWS layer (CnaiAwsStack.fromSpec) and this chart from the same spec, and take the contract from that stack';
  if (contract.platformName !== spec.name || contract.environment !== spec.environment) {
    problems.add({ construct: where, prop: 'contract.platformName', value: `${contract.platformName}-${contract.environment}`, problem: `the spec is ${spec.name}-${spec.environment}`, fix });
  }
  spec.gpuPools.forEach((p, i) => {
    const c = contract.nodePools.find((n) => n.name === p.name);
    if (!c) {
      problems.add({ construct: where, prop: `spec.gpuPools[${i}].name`, value: p.name, problem: 'the contract has no node pool of this name', fix });
    } else if (JSON.stringify([...c.instanceTypes].sort()) !== JSON.stringify(p.instanceTypes.map((t) => t.name).sort())) {
      problems.add({ construct: where, prop: `spec.gpuPools[${i}].instanceTypes`, value: p.instanceTypes.map((t) => t.name), problem: `the contract's pool has ${c.instanceTypes.join(', ')}`, fix });
    }
  });
  // The metrics backend's managed workspace (KEDA's identity is checked where KEDA's queries are set up: KubePrometheusStack.fromContract).
  if (spec.metrics?.managedPrometheus && !contract.metrics?.managedPrometheus) {
    problems.add({ construct: where, prop: 'contract.metrics.managedPrometheus', value: undefined, problem: 'spec.metrics.managedPrometheus is set, and the contract has no managed Prometheus workspace', fix });
  }
  problems.throwIfAny();
  if (contract.nodePools.length === 0) throw invalidProp(where, 'contract.nodePools', [], 'the contract has no node pools', fix);
}
