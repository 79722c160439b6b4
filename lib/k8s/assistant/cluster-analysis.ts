import { ApiObject, Duration, Lazy } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { invalidProp } from '../../core/errors';
import { NAME_RULES, assertName } from '../../core/names';
import { ASSISTANT_IMAGES } from '../../core/versions';
import { PrometheusRule } from '../../imports/monitoring.coreos.com';
import { Suppressions } from '../common/suppressions';
import { AlertRule, AlertSeverity, renderGroups } from '../observability/platform-alerts';
import { K8SGPT_ANALYZER_SERVICE_ACCOUNT, K8SGPT_OPERATOR_METRICS, k8sgptServerPodLabels } from '../operators/k8sgpt-operator';
import { IMetricsBackend } from '../operators/metrics-backend';
import { InstallPhase, syncWaveOf } from '../operators/release';
import { SYNC_WAVE_ANNOTATION, WORKLOADS_SYNC_WAVE } from '../pod-security';
import { WorkloadSelector } from '../workload-selector';

/**
 * The kinds whose new results are critical by default: what breaks served models, training and
 * their storage when it breaks.
 */
export const DEFAULT_CRITICAL_KINDS = ['Node', 'Pod', 'Deployment', 'StatefulSet', 'PersistentVolumeClaim', 'Service'];

/**
 * The analyzers the analysis runs (K8sGPT `spec.filters`): k8sgpt v0.4.27's core analyzers
 * (pkg/analyzer/analyzer.go `coreAnalyzerMap`, what runs when no filter is given) but Ingress, the only
 * one that reads a Secret (pkg/analyzer/ingress.go gets each TLS Secret to see whether it exists):
 * the analyzer may not read Secrets, so that check would report every TLS Secret as missing.
 */
export const ANALYZERS = ['Pod', 'Deployment', 'ReplicaSet', 'PersistentVolumeClaim', 'Service', 'StatefulSet', 'Job', 'CronJob', 'Node',
  'ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration', 'ConfigMap'];

/**
 * What the analyzer reads, in every namespace: the rules k8sgpt-operator v0.2.27 gives it
 * (pkg/resources/k8sgpt.go `GetClusterRole`, templates/k8sgpt-rbac.yaml of its chart) without
 * `secrets`.
 */
const ANALYZER_RULES: k8s.PolicyRule[] = [
  { apiGroups: [''], resources: ['pods', 'services', 'endpoints', 'nodes', 'configmaps', 'namespaces'], verbs: ['get', 'list', 'watch'] },
  { apiGroups: [''], resources: ['persistentvolumeclaims'], verbs: ['list'] },
  { apiGroups: [''], resources: ['events'], verbs: ['list'] },
  { apiGroups: ['apps'], resources: ['deployments', 'replicasets', 'statefulsets', 'daemonsets', 'replicationcontrollers'], verbs: ['get', 'list', 'watch'] },
  { apiGroups: ['batch'], resources: ['cronjobs', 'jobs'], verbs: ['get', 'list', 'watch'] },
  { apiGroups: ['autoscaling'], resources: ['horizontalpodautoscalers'], verbs: ['get', 'list', 'watch'] },
  { apiGroups: ['networking.k8s.io'], resources: ['ingresses', 'networkpolicies'], verbs: ['get', 'list', 'watch'] },
  { apiGroups: ['admissionregistration.k8s.io'], resources: ['validatingwebhookconfigurations', 'mutatingwebhookconfigurations'], verbs: ['get', 'list', 'watch'] },
  { apiGroups: ['policy'], resources: ['poddisruptionbudgets'], verbs: ['get', 'list', 'watch'] },
  { apiGroups: ['storage.k8s.io'], resources: ['storageclasses'], verbs: ['get', 'list', 'watch'] },
  { apiGroups: ['gateway.networking.k8s.io'], resources: ['gatewayclasses', 'gateways', 'httproutes'], verbs: ['get', 'list', 'watch'] },
  { apiGroups: [''], resources: ['pods/log'], verbs: ['get', 'list', 'watch'] },
];

/** Where the analyzer reads its API key of the backend. */
export interface ClusterAnalysisApiKey {
  /** Name of the Secret. */
  readonly name: string;
  /** Key of the API key in the Secret. */
  readonly key: string;
}

/** Props of {@link ClusterAnalysis}. */
export interface ClusterAnalysisProps {
  /** Namespace of the K8sGPT resource (the operator runs the analyzer there). */
  readonly namespace: string;
  /** The OpenAI-compatible base URL of the backend (the model gateway's). */
  readonly baseUrl: string;
  /** The model name sent to the backend. */
  readonly model: string;
  /**
   * The Secret (in `namespace`) with the analyzer's API key of the backend (`spec.ai.secret`).
   * @default - no key
   */
  readonly apiKeySecret?: ClusterAnalysisApiKey;
  /** The metrics backend: the alert's PrometheusRule goes to its rule namespace. */
  readonly metricsBackend: IMetricsBackend;
  /**
   * Name of the K8sGPT resource (and of the analyzer's Deployment).
   * @default 'cluster-analysis'
   */
  readonly name?: string;
  /**
   * Kinds whose new results raise the critical alert (k8sgpt's Results carry no severity of their
   * own: what is critical is which object is broken).
   * @default DEFAULT_CRITICAL_KINDS
   */
  readonly criticalKinds?: string[];
  /**
   * How long a result counts as new: the alert fires for a result that did not exist this long ago.
   * @default Duration.minutes(30)
   */
  readonly newWithin?: Duration;
}

/**
 * AI-assisted analysis of what is broken or insecure, by k8sgpt-operator: a K8sGPT resource whose
 * analyzer explains each problem with the platform's own model (the `localai` backend: an
 * OpenAI-compatible endpoint without a key, here the model gateway), anonymised. Each problem
 * becomes a Result object (`kubectl get results -A`), and a PrometheusRule raises a critical
 * alert when a result appears about a critical kind, from the operator's own metric
 * `k8sgpt_number_of_results_by_type`.
 *
 * Validated against the K8sGPT CRD the operator's chart installs (crds/k8sgpt-crd.yaml of chart
 * 0.2.27), which lags the repository's: no security contexts or pod labels can be set, so the
 * analyzer's pods carry only the operator's `app: <name>` label.
 *
 * Identity: the operator's release turns its dynamic RBAC off (its ClusterRole reads Secrets in
 * every namespace), so the analyzer runs as the ServiceAccount `k8sgpt` of its namespace, created
 * here with a ClusterRole of the operator's reads without Secrets; the analyzers run are
 * {@link ANALYZERS} (no Ingress analyzer, the one that reads Secrets).
 */
export class ClusterAnalysis extends Construct {
  /** Name of the K8sGPT resource. */
  public readonly name: string;
  /** Namespace. */
  public readonly namespaceName: string;
  /** Kinds whose new results are critical. */
  public readonly criticalKinds: string[];
  /** The K8sGPT resource. */
  public readonly k8sgpt: ApiObject;
  /** The alert rules. */
  public readonly rule: PrometheusRule;
  /** The analyzer's ClusterRole: the operator's reads without Secrets. */
  public readonly clusterRole: k8s.KubeClusterRole;

  constructor(scope: Construct, id: string, props: ClusterAnalysisProps) {
    super(scope, id);
    const where = this.node.path;
    this.name = assertName(where, 'name', props.name ?? 'cluster-analysis', NAME_RULES.dns1123Label);
    this.namespaceName = assertName(where, 'namespace', props.namespace, NAME_RULES.dns1123Label);
    this.criticalKinds = props.criticalKinds ?? [...DEFAULT_CRITICAL_KINDS];
    if (this.criticalKinds.length === 0 || this.criticalKinds.some((k) => !/^[A-Z][A-Za-z0-9]*$/.test(k))) {
      throw invalidProp(where, 'criticalKinds', this.criticalKinds, 'not a list of Kubernetes kinds', 'give kinds such as ["Node", "Pod"]');
    }
    const within = props.newWithin ?? Duration.minutes(30);
    const annotations = { [SYNC_WAVE_ANNOTATION]: String(WORKLOADS_SYNC_WAVE) };
    const labels = { 'app.kubernetes.io/part-of': 'cnai-platform', 'app.kubernetes.io/component': 'assistant' };
    const image = ASSISTANT_IMAGES.k8sgpt;

    // The analyzer's identity (the operator's dynamic RBAC is off): its reads, without Secrets.
    new k8s.KubeServiceAccount(this, 'ServiceAccount', {
      metadata: { name: K8SGPT_ANALYZER_SERVICE_ACCOUNT, namespace: this.namespaceName, labels, annotations },
      automountServiceAccountToken: true,
    });
    const clusterRoleName = `cnai-k8sgpt-analyzer-${this.namespaceName}`;
    this.clusterRole = new k8s.KubeClusterRole(this, 'ClusterRole', { metadata: { name: clusterRoleName, labels, annotations }, rules: ANALYZER_RULES });
    new k8s.KubeClusterRoleBinding(this, 'ClusterRoleBinding', {
      metadata: { name: clusterRoleName, labels, annotations },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: clusterRoleName },
      subjects: [{ kind: 'ServiceAccount', name: K8SGPT_ANALYZER_SERVICE_ACCOUNT, namespace: this.namespaceName }],
    });

    this.k8sgpt = new ApiObject(this, 'K8sGPT', {
      apiVersion: 'core.k8sgpt.ai/v1alpha1',
      kind: 'K8sGPT',
      metadata: { name: this.name, namespace: this.namespaceName, labels, annotations },
      spec: {
        repository: image.repository,
        version: image.tag,
        ai: {
          enabled: true,
          backend: 'localai',
          baseUrl: props.baseUrl,
          model: props.model,
          ...(props.apiKeySecret ? { secret: { name: props.apiKeySecret.name, key: props.apiKeySecret.key } } : {}),
          // Names of objects are masked before they reach the model.
          anonymized: true,
          backOff: { enabled: true, maxRetries: 5 },
        },
        noCache: true,
        filters: [...ANALYZERS],
        resources: { requests: { cpu: '50m', memory: '128Mi' }, limits: { memory: '512Mi' } },
      },
    });

    // The CRD the operator's chart installs cannot express these: carried here with the reason (the policy packs read them).
    const noFields = 'the K8sGPT CRD k8sgpt-operator\'s chart 0.2.27 installs has no security context, probe or priority class fields (the repository\'s newer '
      + 'CRD has some, and the API server would prune them): the analyzer runs in a namespace of its own, baseline and default-deny, reaching only the gateway and the API server';
    for (const rule of ['pod-run-as-non-root', 'pod-privilege-escalation', 'pod-capabilities', 'pod-seccomp', 'pod-read-only-root-filesystem', 'pod-probes', 'pod-priority-class']) {
      Suppressions.add(this.k8sgpt, rule, noFields);
    }

    const kinds = this.criticalKinds.join('|');
    const byObject = `sum by (object_namespace, kind, name) (${K8SGPT_OPERATOR_METRICS.resultsByType}{k8sgpt="${this.name}", kind=~"${kinds}"})`;
    const minutes = Math.round(within.toMinutes());
    const rules: AlertRule[] = [
      {
        alert: 'K8sGptNewCriticalResult',
        expr: `${byObject} unless ${byObject.replace(/\)$/, ` offset ${minutes}m)`)}`,
        severity: AlertSeverity.CRITICAL,
        summary: 'New k8sgpt result: {{ $labels.kind }} {{ $labels.object_namespace }}/{{ $labels.name }}',
        description: `k8sgpt found a problem with a ${this.criticalKinds.join(', ')} that it did not report ${minutes} minutes ago. `
          + `Read its explanation with \`kubectl get results -n ${this.namespaceName} -o yaml\`, or ask the cluster diagnostics agent.`,
      },
      {
        alert: 'K8sGptBackendFailing',
        expr: `sum by (k8sgpt) (rate(${K8SGPT_OPERATOR_METRICS.failedBackendCalls}{k8sgpt="${this.name}"}[15m])) > 0`,
        for: Duration.minutes(15),
        severity: AlertSeverity.WARNING,
        summary: 'k8sgpt cannot reach its model',
        description: 'The analyzer\'s calls to the model gateway fail: results come without explanations. Check the gateway and the served chat model.',
      },
    ];
    this.rule = new PrometheusRule(this, 'Rules', {
      metadata: {
        name: `${this.name}-alerts`,
        namespace: props.metricsBackend.ruleNamespace,
        labels: { ...props.metricsBackend.monitorLabels },
        annotations: { [SYNC_WAVE_ANNOTATION]: String(syncWaveOf(InstallPhase.PLATFORM)) },
      },
      spec: { groups: Lazy.any({ produce: () => renderGroups({ 'cnai-cluster-analysis': rules }) }) },
    });
  }

  /** The analyzer's pods (as the operator labels them). */
  public analyzerPods(): WorkloadSelector {
    return WorkloadSelector.inNamespace(this.namespaceName, k8sgptServerPodLabels(this.name));
  }
}
