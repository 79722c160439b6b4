import { ApiObject, JsonPatch } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { PROMOTION_SCRIPT, EVALUATION_SCRIPT } from './delivery-scripts';
import { EvaluationDataset } from './evaluation-dataset';
import { PlatformContract } from '../../core/contract';
import {
  CanaryStepSpec, DELIVERY_DEFAULTS, DeliveryChecks, DeliveryGateSpec, DeliveryGatesSpec, DeliveryServer, EvaluationMetric,
  GateAggregation, ModelDeliverySpec, deliveryEvaluationServiceAccount,
} from '../../core/delivery-spec';
import { invalidProp, ProblemCollector } from '../../core/errors';
import { VLLM_HTTP_METRICS, VLLM_METRICS } from '../../core/metrics';
import { ModelRegistryKind, ServedModelBackend } from '../../core/platform-spec';
import { DATA_SERVICE_IMAGES, imageRef } from '../../core/versions';
import { podIdentityEgress, httpsEgress } from '../common/egress';
import { ModelSourceKind } from '../common/model-source';
import { ARGO_ROLLOUTS_POD_LABELS, IMetricsBackend, KubePrometheusStack, OPERATOR_NAMESPACES } from '../operators';
import { restrictedContainerSecurityContext, restrictedPodSecurityContext, SYNC_WAVE_ANNOTATION, WORKLOADS_SYNC_WAVE } from '../pod-security';
import { ModelRegistry, RegistryAccess } from '../registry';
import { LlmService } from '../serving';
import { TeamNamespace } from '../team-namespace';
import { WorkloadSelector } from '../workload-selector';

/** Argo Rollouts' API version of Rollouts and AnalysisTemplates (v1.9.1). */
const ROLLOUTS_API = 'argoproj.io/v1alpha1';

/** Kueue's label that queues a Job in a LocalQueue. */
const QUEUE_LABEL = 'kueue.x-k8s.io/queue-name';

/** Label on the pods of a delivery's Jobs: the delivered service. */
export const DELIVERY_LABEL = 'cnai.io/delivery';

/** Label on the pods of a delivery's Jobs: the step (`evaluation`, `promotion`). */
export const DELIVERY_STEP_LABEL = 'cnai.io/delivery-step';

/** Options of the evaluation that gates a delivery. */
export interface DeliveryEvaluationOptions {
  /** The evaluation dataset (JSON Lines of `{"prompt", "expected"}`), e.g. `EvaluationDataset.fromDatasetsBucket(contract, key)`. */
  readonly dataset: EvaluationDataset;
  /** The least share of right answers that passes, in (0, 1]. */
  readonly threshold: number;
  /**
   * How answers are scored.
   * @default EvaluationMetric.CONTAINS
   */
  readonly metric?: EvaluationMetric;
  /**
   * Most samples evaluated (the dataset's first ones).
   * @default 500
   */
  readonly maxSamples?: number;
  /**
   * Most tokens generated per answer.
   * @default 256
   */
  readonly maxTokens?: number;
}

/** Props of {@link ModelDelivery}. */
export interface ModelDeliveryProps {
  /**
   * The served model to deliver: an LlmService on the vLLM backend in a TeamNamespace with a
   * LocalQueue, whose `source` is the candidate version (in S3, the model store).
   */
  readonly service: LlmService;
  /**
   * The candidate's registry version.
   * @default - the version of the service's source artifact (`ModelSource.fromArtifact(registry.modelVersion(...))`)
   */
  readonly version?: string;
  /** The evaluation that must pass before any traffic reaches the candidate. */
  readonly evaluation: DeliveryEvaluationOptions;
  /**
   * Canary steps, in increasing weight (percent of the replicas); the delivery promotes after the last.
   * @default [{ weight: 25 }, { weight: 50 }] (10 minutes each)
   */
  readonly canarySteps?: CanaryStepSpec[];
  /**
   * Gates on the candidate's metrics, checked from the first canary step on.
   * @default - error rate at most 1%, time to first token p95 at most 2 s, at most 10 requests waiting per replica
   */
  readonly gates?: DeliveryGatesSpec;
  /**
   * The model registry that records the live version (an MLflow alias set by the last step).
   * @default - none: the Rollout's history alone records what runs
   */
  readonly registry?: ModelRegistry;
  /**
   * The registered model's name in the registry.
   * @default - the service's name
   */
  readonly registeredModel?: string;
  /**
   * The alias that names the live version.
   * @default 'live'
   */
  readonly liveAlias?: string;
  /**
   * The metrics backend the gates query.
   * @default KubePrometheusStack.platformDefault()
   */
  readonly metricsBackend?: IMetricsBackend;
  /**
   * The platform contract: checks that the AWS layer gives the evaluation Job its identity.
   * @default - no check
   */
  readonly contract?: PlatformContract;
  /**
   * Name of the evaluation Job's ServiceAccount (the AWS layer associates its read-only role with namespace and name).
   * @default `<service>-evaluation`
   */
  readonly evaluationServiceAccountName?: string;
}

/**
 * The delivery of a new version of a served LLM: instead of replacing the running version, the
 * candidate is
 *
 * 1. **evaluated**: the first canary step runs an AnalysisTemplate whose `job` metric is a Job,
 *    queued in the team's LocalQueue (suspended until Kueue admits it against the team's GPU
 *    quota), with its own read-only identity on the candidate's weights and the dataset; it loads
 *    the candidate with vLLM on one replica's GPUs, scores it and fails below the threshold;
 * 2. **rolled out in canary steps**: an Argo Rollouts Rollout that takes the LlmService's
 *    Deployment as its `workloadRef` (the Deployment is kept at zero replicas, and KEDA scales the
 *    Rollout instead) moves replicas to the candidate step by step, while a background analysis
 *    checks the canary's pods on the platform's Prometheus: HTTP 5xx rate, time to first token
 *    p95 and queue depth, plus any gates on other metrics the server exports;
 * 3. **promoted, or rolled back**: a last step's Job sets the registry's alias (MLflow) to the
 *    version before the Rollout makes it stable; any failed step or gate aborts the Rollout,
 *    which scales the candidate away and keeps the running version.
 *
 * Why the evaluation is an analysis step and not a Job of its own: a Job in the manifests runs
 * once, when first applied, while an analysis step runs for every new pod template, that is for
 * every new version; and its failure aborts the Rollout before a single request reaches the
 * candidate. The first version of a Rollout becomes stable without steps (Argo Rollouts has
 * nothing to compare it with): deliveries start with the second.
 *
 * ```ts
 * const delivery = new ModelDelivery(chart, 'chat-delivery', {
 *   service: chat,                                      // LlmService, source = the candidate
 *   version: '3',
 *   evaluation: { dataset: EvaluationDataset.fromDatasetsBucket(contract, 'evaluation/chat/golden.jsonl'), threshold: 0.8 },
 *   registry,
 * });
 * monitoring.allowQueryFrom(ModelDelivery.analysisController());   // the gates query Prometheus
 * ```
 */
export class ModelDelivery extends Construct {
  /** The pods that run the analyses' Prometheus queries (the Argo Rollouts controller): let them query the metrics backend. */
  public static analysisController(): WorkloadSelector {
    return WorkloadSelector.inNamespace(OPERATOR_NAMESPACES.argoRollouts, ARGO_ROLLOUTS_POD_LABELS);
  }

  /** The candidate's version. */
  public readonly version: string;
  /** Canary steps, defaults resolved. */
  public readonly canarySteps: CanaryStepSpec[];
  /** Gate thresholds, defaults resolved. */
  public readonly gates: DeliveryGatesSpec;
  /** The Prometheus queries of the gates, by analysis metric name (`{{args.canary-hash}}` is the canary's pod template hash). */
  public readonly gateQueries: { [gate: string]: string };
  /** The registered model's name. */
  public readonly registeredModel: string;
  /** The alias that names the live version. */
  public readonly liveAlias: string;
  /** The evaluation Job's ServiceAccount name. */
  public readonly evaluationServiceAccountName: string;
  /** The Rollout. */
  public readonly rollout: ApiObject;
  /** The AnalysisTemplate of the evaluation. */
  public readonly evaluationTemplate: ApiObject;
  /** The AnalysisTemplate of the gates. */
  public readonly gatesTemplate: ApiObject;
  /** The AnalysisTemplate that records the live version, with a registry. */
  public readonly promotionTemplate?: ApiObject;
  /** Labels of the evaluation Job's pods. */
  public readonly evaluationPodLabels: { [key: string]: string };
  /** Labels of the promotion Job's pods. */
  public readonly promotionPodLabels: { [key: string]: string };

  constructor(scope: Construct, id: string, props: ModelDeliveryProps) {
    super(scope, id);
    const where = this.node.path;
    const service = props.service;
    if (!(service instanceof LlmService)) {
      throw invalidProp(where, 'service', service, 'not an LlmService', 'pass the LlmService to deliver (served by vLLM)');
    }
    const owner = teamOf(this, service.namespaceName);
    const version = props.version ?? service.source.artifact?.modelVersion;
    if (version === undefined) {
      throw invalidProp(where, 'version', version, 'the candidate\'s version is not known: the service\'s source is not a registered model version',
        'give version (the registry\'s version number, e.g. "3"), or serve ModelSource.fromArtifact(registry.modelVersion(...))');
    }
    this.version = version;
    this.canarySteps = (props.canarySteps ?? DELIVERY_DEFAULTS.canarySteps)
      .map((s) => ({ weight: s.weight, pauseMinutes: s.pauseMinutes ?? DELIVERY_DEFAULTS.pauseMinutes }));
    const g = props.gates ?? {};
    this.gates = {
      maxErrorRate: g.maxErrorRate ?? DELIVERY_DEFAULTS.maxErrorRate,
      maxTimeToFirstTokenSeconds: g.maxTimeToFirstTokenSeconds ?? DELIVERY_DEFAULTS.maxTimeToFirstTokenSeconds,
      maxQueueDepth: g.maxQueueDepth ?? DELIVERY_DEFAULTS.maxQueueDepth,
      extra: g.extra ?? [],
    };
    this.registeredModel = props.registeredModel ?? service.name;
    this.liveAlias = props.liveAlias ?? DELIVERY_DEFAULTS.liveAlias;
    const evaluation = props.evaluation;
    if (!(evaluation?.dataset instanceof EvaluationDataset)) {
      throw invalidProp(where, 'evaluation.dataset', evaluation?.dataset, 'not an EvaluationDataset',
        'use EvaluationDataset.fromDatasetsBucket(contract, "<key>") or EvaluationDataset.s3("s3://<bucket>/<key>")');
    }

    // The settings shared with the spec, checked by the same rules.
    const spec: ModelDeliverySpec = {
      version,
      evaluation: { dataset: evaluation.dataset.key, threshold: evaluation.threshold, metric: evaluation.metric, maxSamples: evaluation.maxSamples },
      canarySteps: props.canarySteps,
      gates: props.gates,
      registeredModel: props.registeredModel,
      liveAlias: props.liveAlias,
    };
    const problems = new ProblemCollector();
    const server = service.backend === ServedModelBackend.VLLM ? DeliveryServer.VLLM : DeliveryServer.KSERVE;
    DeliveryChecks.problems({ construct: where, propPrefix: '', serverProp: 'service' }, spec, server).forEach((x) => problems.add(x));
    problems.throwIfAny();
    const maxTokens = evaluation.maxTokens ?? 256;
    if (!Number.isInteger(maxTokens) || maxTokens < 1) {
      throw invalidProp(where, 'evaluation.maxTokens', maxTokens, 'not a positive whole number of tokens', 'give e.g. 256');
    }
    if (service.source.kind !== ModelSourceKind.S3) {
      throw invalidProp(where, 'service.source', service.source.storageUri,
        'the candidate is not in S3: the evaluation Job reads it with its own read-only identity from the model store',
        'copy the candidate into the model store and serve ModelSource.fromModelStore(contract, "<prefix>") or a registered version');
    }
    if (!(owner instanceof TeamNamespace) || !owner.localQueueName) {
      throw invalidProp(where, 'service.namespace', service.namespaceName, 'not a TeamNamespace with a Kueue LocalQueue: the evaluation Job is admitted by Kueue against the team\'s quota',
        'serve the model in a TeamNamespace of the platform (CnaiKubernetesPlatform teams get a LocalQueue)');
    }
    // Evaluation (one replica's GPUs) and the canary's surge (one replica) come on top of the running replicas.
    const perReplica = service.plan.gpusPerReplica;
    const peak = (service.maxReplicas + 1) * perReplica;
    if (peak > owner.quota.gpus) {
      throw invalidProp(where, 'service', `${service.name} (${service.maxReplicas} replicas x ${perReplica} GPUs)`,
        `a delivery needs ${peak} GPUs at its peak (the running replicas plus one more replica's GPUs for the evaluation Job and then the canary's surge), `
        + `more than the GPU quota of namespace ${service.namespaceName} (${owner.quota.gpus})`,
        `lower the service's maxReplicas to ${Math.max(0, Math.floor(owner.quota.gpus / perReplica) - 1)}, or raise the team's quota`);
    }
    if (props.registry !== undefined) {
      if (!(props.registry instanceof ModelRegistry)) {
        throw invalidProp(where, 'registry', props.registry, 'not a ModelRegistry', 'pass the platform\'s ModelRegistry');
      }
      if (props.registry.engine !== ModelRegistryKind.MLFLOW) {
        throw invalidProp(where, 'registry', props.registry.engine,
          'recording the live version is built on MLflow aliases; the Kubeflow Model Registry has none', 'use the MLflow registry, or leave registry out');
      }
    }
    this.evaluationServiceAccountName = props.evaluationServiceAccountName ?? deliveryEvaluationServiceAccount(service.name);
    const identity = (w: { namespace: string; serviceAccount: string }) =>
      w.namespace === service.namespaceName && w.serviceAccount === this.evaluationServiceAccountName;
    if (props.contract && !props.contract.workloadIdentities.some(identity)) {
      throw invalidProp(where, 'contract', `${service.namespaceName}/${this.evaluationServiceAccountName}`,
        'the AWS layer associates no identity with the evaluation Job\'s ServiceAccount: it could not read the candidate or the dataset',
        'give the served model a delivery in the spec the AWS layer is built from (its identity evaluate-<model> reads the model\'s prefix and the dataset)');
    }

    const ns = service.namespaceName;
    const name = service.name;
    const labels = {
      'app.kubernetes.io/name': name,
      'app.kubernetes.io/component': 'model-delivery',
      'app.kubernetes.io/part-of': 'cnai-platform',
      'app.kubernetes.io/managed-by': 'cnai-constructs',
      'cnai.io/model-version': version,
    };
    const metadata = (objectName: string) => ({
      name: objectName, namespace: ns, labels: { ...labels }, annotations: { [SYNC_WAVE_ANNOTATION]: String(WORKLOADS_SYNC_WAVE) },
    });
    this.evaluationPodLabels = { [DELIVERY_LABEL]: name, [DELIVERY_STEP_LABEL]: 'evaluation' };
    this.promotionPodLabels = { [DELIVERY_LABEL]: name, [DELIVERY_STEP_LABEL]: 'promotion' };

    // The evaluation Job's identity and network: out to the Pod Identity agent and S3 (DNS is the namespace's).
    new k8s.KubeServiceAccount(this, 'EvaluationServiceAccount', {
      metadata: {
        ...metadata(this.evaluationServiceAccountName),
        annotations: { ...metadata('').annotations, 'cnai.io/purpose': `workload identity of ${name}'s evaluation Job: reads the candidate and the evaluation dataset` },
      },
      automountServiceAccountToken: false,
    });
    new k8s.KubeNetworkPolicy(this, 'EvaluationEgress', {
      metadata: metadata(`${name}-evaluation-egress`),
      spec: { podSelector: { matchLabels: { ...this.evaluationPodLabels } }, policyTypes: ['Egress'], egress: [podIdentityEgress(), httpsEgress()] },
    });

    // 1. Evaluation: a Job queued in the team's LocalQueue, on one replica's GPUs and placement.
    const deployment = service.vllm!.deployment;
    const podSpec = (deployment.toJson() as any).spec.template.spec;
    const container = podSpec.containers[0];
    const env = [
      ...(container.env ?? []).filter((e: { name: string }) => e.name !== 'DATASET_URI'),
      { name: 'DATASET_URI', value: evaluation.dataset.uri },
      { name: 'METRIC', value: evaluation.metric ?? DELIVERY_DEFAULTS.metric },
      { name: 'THRESHOLD', value: String(evaluation.threshold) },
      { name: 'MAX_SAMPLES', value: String(evaluation.maxSamples ?? DELIVERY_DEFAULTS.maxSamples) },
      { name: 'MAX_TOKENS', value: String(maxTokens) },
      { name: 'TENSOR_PARALLEL_SIZE', value: String(service.engine.tensorParallelSize) },
      { name: 'MAX_MODEL_LEN', value: String(service.engine.maxModelLen) },
      { name: 'DTYPE', value: service.engine.dtype },
      { name: 'LOAD_FORMAT', value: service.engine.loadFormat ?? 'auto' },
      { name: 'GPU_MEMORY_UTILIZATION', value: String(service.engine.gpuMemoryUtilization) },
    ];
    const evaluationPod = {
      metadata: { labels: { ...this.evaluationPodLabels } },
      spec: {
        serviceAccountName: this.evaluationServiceAccountName,
        automountServiceAccountToken: false,
        enableServiceLinks: false,
        restartPolicy: 'Never',
        securityContext: podSpec.securityContext,
        ...(podSpec.nodeSelector ? { nodeSelector: podSpec.nodeSelector } : {}),
        ...(podSpec.tolerations ? { tolerations: podSpec.tolerations } : {}),
        ...(podSpec.affinity ? { affinity: podSpec.affinity } : {}),
        containers: [{
          name: 'evaluate',
          image: container.image,
          imagePullPolicy: 'IfNotPresent',
          command: ['python3', '-c', EVALUATION_SCRIPT],
          // The candidate as an argument, where the admission policy checks a vLLM image's model location.
          args: ['--model', service.source.storageUri],
          env,
          resources: container.resources,
          securityContext: container.securityContext,
          volumeMounts: container.volumeMounts,
        }],
        volumes: podSpec.volumes,
      },
    };
    this.evaluationTemplate = new ApiObject(this, 'EvaluationTemplate', {
      apiVersion: ROLLOUTS_API,
      kind: 'AnalysisTemplate',
      metadata: metadata(`${name}-evaluation`),
      spec: {
        metrics: [{
          name: 'evaluation',
          // One run; a failed Job (score below the threshold, or an error) fails the step and aborts the Rollout.
          failureLimit: 0,
          provider: {
            job: {
              metadata: { labels: { [QUEUE_LABEL]: owner.localQueueName, ...this.evaluationPodLabels } },
              spec: {
                // Kueue unsuspends it when the team's quota admits it.
                suspend: true,
                backoffLimit: 0,
                // Queueing for quota is not counted: activeDeadlineSeconds runs from the Job's start.
                activeDeadlineSeconds: service.startupTimeout.toSeconds() + 3600,
                template: evaluationPod,
              },
            },
          },
        }],
      },
    });

    // 2. Gates: Prometheus queries over the canary's pods only (pod names start with <rollout>-<pod template hash>-).
    const selector = `namespace="${ns}",pod=~"${name}-{{args.canary-hash}}-.*"`;
    const gates: Array<{ name: string; query: string; max: number }> = [
      {
        name: 'error-rate',
        query: `sum(rate(${VLLM_HTTP_METRICS.requests.name}{${selector},status="5xx"}[5m])) / sum(rate(${VLLM_HTTP_METRICS.requests.name}{${selector}}[5m]))`,
        max: this.gates.maxErrorRate!,
      },
      { name: 'ttft-p95', query: p95(VLLM_METRICS.timeToFirstToken, selector), max: this.gates.maxTimeToFirstTokenSeconds! },
      { name: 'queue-depth', query: `max(${VLLM_METRICS.numRequestsWaiting}{${selector}})`, max: this.gates.maxQueueDepth! },
      ...this.gates.extra!.map((x: DeliveryGateSpec) => ({ name: x.name, query: gateQuery(x, selector), max: x.maxValue })),
    ];
    this.gateQueries = Object.fromEntries(gates.map((x) => [x.name, `scalar(${x.query})`]));
    const backend = props.metricsBackend ?? KubePrometheusStack.platformDefault();
    this.gatesTemplate = new ApiObject(this, 'GatesTemplate', {
      apiVersion: ROLLOUTS_API,
      kind: 'AnalysisTemplate',
      metadata: metadata(`${name}-gates`),
      spec: {
        args: [{ name: 'canary-hash' }],
        metrics: gates.map((x) => ({
          name: x.name,
          interval: '1m',
          // The canary's pods need a while to receive traffic; no traffic (NaN) passes.
          initialDelay: '2m',
          failureLimit: 2,
          successCondition: `isNaN(result) || result <= ${x.max}`,
          provider: { prometheus: { address: backend.queryUrl, query: this.gateQueries[x.name], timeout: 30 } },
        })),
      },
    });

    // 3. Promotion: the registry's alias names the version, just before it becomes stable.
    if (props.registry) {
      const connection = props.registry.addClient(WorkloadSelector.of(owner, this.promotionPodLabels), RegistryAccess.READ_WRITE);
      const q = { cpu: k8s.Quantity.fromString('200m'), memory: k8s.Quantity.fromString('512Mi') };
      const promotionPod = {
        metadata: { labels: { ...this.promotionPodLabels } },
        spec: {
          automountServiceAccountToken: false,
          enableServiceLinks: false,
          restartPolicy: 'Never',
          securityContext: restrictedPodSecurityContext(),
          containers: [{
            name: 'promote',
            image: imageRef(DATA_SERVICE_IMAGES.mlflow),
            imagePullPolicy: 'IfNotPresent',
            command: ['python3', '-c', PROMOTION_SCRIPT],
            env: [
              ...connection.env(),
              { name: 'REGISTERED_MODEL', value: this.registeredModel },
              { name: 'ALIAS', value: this.liveAlias },
              { name: 'VERSION', value: version },
              { name: 'HOME', value: '/tmp' },
            ],
            resources: { requests: q, limits: q },
            securityContext: restrictedContainerSecurityContext(),
            volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
          }],
          volumes: [{ name: 'tmp', emptyDir: { sizeLimit: k8s.Quantity.fromString('256Mi') } }],
        },
      };
      this.promotionTemplate = new ApiObject(this, 'PromotionTemplate', {
        apiVersion: ROLLOUTS_API,
        kind: 'AnalysisTemplate',
        metadata: metadata(`${name}-promotion`),
        spec: {
          metrics: [{
            name: 'promotion',
            failureLimit: 0,
            provider: {
              job: {
                metadata: { labels: { ...this.promotionPodLabels } },
                spec: { backoffLimit: 2, activeDeadlineSeconds: 600, template: promotionPod },
              },
            },
          }],
        },
      });
    }

    // The Rollout: the Deployment's pod template, in canary steps.
    const steps: object[] = [{ analysis: { templates: [{ templateName: `${name}-evaluation` }] } }];
    for (const s of this.canarySteps) steps.push({ setWeight: s.weight }, { pause: { duration: `${s.pauseMinutes}m` } });
    if (this.promotionTemplate) steps.push({ analysis: { templates: [{ templateName: `${name}-promotion` }] } });
    this.rollout = new ApiObject(this, 'Rollout', {
      apiVersion: ROLLOUTS_API,
      kind: 'Rollout',
      metadata: metadata(name),
      spec: {
        ...(service.autoscaling ? {} : { replicas: service.minReplicas }),
        revisionHistoryLimit: 3,
        selector: { matchLabels: { ...service.selectorLabels } },
        workloadRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: service.deploymentName, scaleDown: 'never' },
        // A candidate that does not become ready in its startup budget aborts the delivery.
        progressDeadlineSeconds: service.startupTimeout.toSeconds() + 300,
        progressDeadlineAbort: true,
        strategy: {
          canary: {
            // Like the Deployment: a new replica is ready before an old one goes.
            maxSurge: 1,
            maxUnavailable: 0,
            analysis: {
              templates: [{ templateName: `${name}-gates` }],
              // From the first setWeight (step 1) on.
              startingStep: 1,
              args: [{ name: 'canary-hash', valueFrom: { podTemplateHashValue: 'Latest' } }],
            },
            steps,
          },
        },
      },
    });

    // The Rollout runs the pods: the Deployment is only its template, and KEDA scales the Rollout.
    ApiObject.of(deployment).addJsonPatch(JsonPatch.add('/spec/replicas', 0));
    if (service.autoscaling) {
      service.autoscaling.scaledObject.addJsonPatch(JsonPatch.replace('/spec/scaleTargetRef', { apiVersion: ROLLOUTS_API, kind: 'Rollout', name }));
    }
  }
}

function p95(metric: string, selector: string): string {
  return `histogram_quantile(0.95, sum by (le) (rate(${metric}_bucket{${selector}}[5m])))`;
}

function gateQuery(gate: DeliveryGateSpec, selector: string): string {
  switch (gate.aggregation) {
    case GateAggregation.P95: return p95(gate.metric, selector);
    case GateAggregation.RATE: return `sum(rate(${gate.metric}{${selector}}[5m]))`;
    default: return `max(${gate.metric}{${selector}})`;
  }
}

/** The TeamNamespace of the app that owns a namespace, if any. */
function teamOf(scope: Construct, namespace: string): TeamNamespace | undefined {
  return scope.node.root.node.findAll().find((c): c is TeamNamespace => c instanceof TeamNamespace && c.namespaceName === namespace);
}
