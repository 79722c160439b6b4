import { ApiObject, Duration } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { DEFAULT_PICKER_WEIGHTS, EndpointPickerChecks, EndpointPickerSettings, EndpointPickerWeights, PickerFailureMode } from '../../core/endpoint-picker-spec';
import { CnaiError, invalidProp } from '../../core/errors';
import { NAME_RULES, assertName } from '../../core/names';
import { ServedModelBackend } from '../../core/platform-spec';
import { OPERATOR_IMAGES, imageRef } from '../../core/versions';
import { API_SERVER_PORT, DEFAULT_VPC_CIDR, apiServerEgress, dnsEgress, tcpPorts } from '../common/egress';
import { MetricsComponent, MetricsEndpoint } from '../common/metrics-endpoint';
import { IMetricsBackend, KubePrometheusStack } from '../operators';
import { SYNC_WAVE_ANNOTATION, WORKLOADS_SYNC_WAVE, restrictedContainerSecurityContext, restrictedPodSecurityContext } from '../pod-security';
import { IPriorityClass } from '../priority-class';
import { LlmService } from '../serving/llm-service';
import { WorkloadSelector } from '../workload-selector';

/**
 * Ports of the endpoint picker (EPP) as its v1.5.0 chart wires them
 * (config/charts/epplib/templates/_deployment.yaml and _service.yaml): the ext-proc gRPC port the
 * proxies call, the gRPC health port of the probes, and the Prometheus metrics port.
 */
export const ENDPOINT_PICKER_PORTS = { extProc: 9002, health: 9003, metrics: 9090 };

/** API group of InferencePool (Gateway API Inference Extension, v1). */
export const INFERENCE_POOL_GROUP = 'inference.networking.k8s.io';

/** The user the EPP image runs as (gcr.io/distroless/static:nonroot, the image's base). */
const EPP_UID = 65532;

/** The pool of each served model (one per model: two pickers would each think they balance all of it). */
const POOLS = new WeakMap<LlmService, InferencePool>();

// The picker's failure mode and weights are the spec's vocabulary (lib/core), re-exported for this layer's users.
export { PickerFailureMode } from '../../core/endpoint-picker-spec';
export type { EndpointPickerWeights } from '../../core/endpoint-picker-spec';

/** Settings of the endpoint picker of an InferencePool: the spec's settings, and how it fits into the platform. */
export interface EndpointPickerOptions extends EndpointPickerSettings {
  /**
   * The PriorityClass of the picker's pods: serving stops balancing without it, so give it the priority of the model server.
   * @default - none: the cluster's default priority
   */
  readonly priorityClass?: IPriorityClass;
  /**
   * The metrics backend: its scraper is let in to the picker's metrics port and scrapes it.
   * @default KubePrometheusStack.platformDefault()
   */
  readonly metricsBackend?: IMetricsBackend;
  /**
   * The VPC CIDR, where the EKS API server's private endpoint is (the picker watches pods and its pool).
   * @default '10.0.0.0/16'
   */
  readonly vpcCidr?: string;
}

/** Props of {@link InferencePool}. */
export interface InferencePoolProps extends EndpointPickerOptions {
  /** The served model (a vLLM LlmService): its pods are the pool, its namespace the pool's. */
  readonly service: LlmService;
}

/**
 * An InferencePool of the Gateway API Inference Extension over a vLLM LlmService's replicas, with
 * its endpoint picker (EPP): a gateway that routes to the pool asks the picker, over Envoy's
 * external processing (gRPC), which replica takes each request, and the picker answers from the
 * replicas' own metrics (waiting requests, KV-cache use, prefix-cache hits) instead of round-robin.
 *
 * The objects are those of the picker's v1.5.0 chart (config/charts/inferencepool with the epplib
 * library chart: InferencePool v1, ConfigMap with the default scheduling profile, Deployment,
 * Service, ServiceAccount, Roles), generated rather than installed as a chart, because the chart
 * renders no security context, priority class or PodDisruptionBudget and would be one Helm release
 * per pool in a team's namespace. The whole-platform verification checks them against the vendored
 * chart. Differences, each on purpose: non-root with a read-only root filesystem; requests = limits,
 * 1 core and 1 GiB by default (the chart asks for 4 cores and 8 GiB); metrics without
 * authentication (`--metrics-endpoint-auth=false`, as the chart sets when its Prometheus auth is
 * off) so the picker needs no cluster-wide token and access reviews, with only Prometheus let in by
 * NetworkPolicy; no Role on InferenceObjectives or InferenceModelRewrites (their CRDs are not
 * installed, and the picker watches them only when they are).
 *
 * NetworkPolicies (default deny for the picker): in, the gateway's proxies on the ext-proc port
 * and the metrics scraper on the metrics port; out, DNS, the API server and the model's pods on
 * their server port (where vLLM serves `/metrics`). The model's pods admit the picker. In a
 * TeamNamespace that allows traffic within the namespace (its default), the team's own pods reach
 * the picker too; `allowWithinNamespace: false` leaves only these flows.
 */
export class InferencePool extends Construct {
  /** The InferencePool of a served model, if one was made (gateways that route the same model share it). */
  public static ofService(service: LlmService): InferencePool | undefined {
    return POOLS.get(service);
  }

  /** Name of the InferencePool (the served model's name). */
  public readonly name: string;
  /** Namespace (the served model's). */
  public readonly namespaceName: string;
  /** Name of the picker's Deployment, Service, ServiceAccount and ConfigMap (`<pool>-epp`, as the chart names them). */
  public readonly pickerName: string;
  /** The served model. */
  public readonly service: LlmService;
  /** Picker replicas. */
  public readonly replicas: number;
  /** What the proxies do when the picker does not answer. */
  public readonly failureMode: PickerFailureMode;
  /** Scorer weights, resolved (every field set). */
  public readonly weights: EndpointPickerWeights;
  /** The port of the model's pods the pool sends requests to (and the picker scrapes). */
  public readonly targetPort: number;
  /** Labels of the picker's pods. */
  public readonly pickerLabels: { [key: string]: string };
  /** The InferencePool object. */
  public readonly pool: ApiObject;
  /** The picker's metrics endpoint. */
  public readonly metricsEndpoint: MetricsEndpoint;

  private readonly annotations: { [key: string]: string };
  private readonly labels: { [key: string]: string };
  private readonly ingressRules: k8s.NetworkPolicyIngressRule[] = [];
  private readonly grantedNamespaces = new Set<string>();

  constructor(scope: Construct, id: string, props: InferencePoolProps) {
    super(scope, id);
    const where = this.node.path;
    const service = props.service;
    if (!(service instanceof LlmService)) {
      throw invalidProp(where, 'service', service, 'not an LlmService', 'pass the LlmService object of a vLLM-served model');
    }
    if (service.backend !== ServedModelBackend.VLLM) {
      throw invalidProp(where, 'service', service.node.path,
        `${service.node.path} is served by ${service.backend}: an InferencePool's picker reads vLLM's metrics from the pods it selects, and Envoy AI Gateway sends InferencePool traffic to the OpenAI API at /v1, where KServe's server has /openai/v1`,
        'give a vLLM LlmService (backend ServedModelBackend.VLLM), or route the KServe model through its Service (ModelGateway.addModel does so)');
    }
    const existing = POOLS.get(service);
    if (existing) {
      throw invalidProp(where, 'service', service.node.path, `${service.node.path} has an InferencePool already (${existing.node.path}); a model has one pool and one picker`,
        'use InferencePool.ofService(service) and its allowGateway(), as ModelGateway does');
    }
    POOLS.set(service, this);
    this.service = service;
    this.name = assertName(where, 'service', service.name, NAME_RULES.dns1123Label);
    this.namespaceName = service.namespaceName;
    // The chart's `gateway-api-inference-extension.name`: the release name cut to 40 characters, then `-epp`.
    this.pickerName = `${this.name.slice(0, 40)}-epp`;
    const problems = EndpointPickerChecks.problems({ construct: where, prefix: '' }, props);
    if (problems.length > 0) throw new CnaiError(problems[0]);
    this.replicas = props.replicas ?? 1;
    this.failureMode = props.failureMode ?? PickerFailureMode.FAIL_OPEN;
    const w = props.weights ?? {};
    this.weights = {
      queue: w.queue ?? DEFAULT_PICKER_WEIGHTS.queue,
      kvCache: w.kvCache ?? DEFAULT_PICKER_WEIGHTS.kvCache,
      prefixCache: w.prefixCache ?? DEFAULT_PICKER_WEIGHTS.prefixCache,
    };
    const cpu = props.cpu ?? 1;
    const memoryGiB = props.memoryGiB ?? 1;
    this.targetPort = service.containerPort;
    this.annotations = { [SYNC_WAVE_ANNOTATION]: String(WORKLOADS_SYNC_WAVE) };
    // The chart's labels (`gateway-api-inference-extension.labels`, appVersion set at release) and the platform's.
    this.labels = {
      'app.kubernetes.io/name': this.pickerName,
      'app.kubernetes.io/version': OPERATOR_IMAGES.inferenceEndpointPicker.tag,
      'app.kubernetes.io/part-of': 'cnai-platform',
      'app.kubernetes.io/component': 'endpoint-picker',
      'cnai.io/served-model': service.name,
    };
    // The chart's selector labels (inferencepool mode) and mode label.
    this.pickerLabels = { 'inferencepool': this.pickerName, 'inference.networking.k8s.io/igw-mode': 'inferencepool' };
    const selectorLabels = { inferencepool: this.pickerName };
    const ns = this.namespaceName;
    const meta = (name: string, extra: { [key: string]: string } = {}) => ({
      name, namespace: ns, labels: { ...this.labels, ...extra }, annotations: { ...this.annotations },
    });

    this.pool = new ApiObject(this, 'InferencePool', {
      apiVersion: `${INFERENCE_POOL_GROUP}/v1`,
      kind: 'InferencePool',
      metadata: meta(this.name),
      spec: {
        targetPorts: [{ number: this.targetPort }],
        appProtocol: 'http',
        selector: { matchLabels: { ...service.selectorLabels } },
        endpointPickerRef: { name: this.pickerName, port: { number: ENDPOINT_PICKER_PORTS.extProc }, failureMode: this.failureMode },
      },
    });

    new k8s.KubeConfigMap(this, 'PluginsConfig', {
      metadata: meta(this.pickerName),
      data: { 'default-plugins.yaml': pluginsConfig(this.weights.queue!, this.weights.kvCache!, this.weights.prefixCache!) },
    });

    new k8s.KubeServiceAccount(this, 'ServiceAccount', { metadata: meta(this.pickerName), automountServiceAccountToken: true });
    // The chart's Roles, narrowed: its pods Role as is; of its "non-sa" Role the InferencePool rule only.
    this.role('pods', `${this.pickerName}-sa`, [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'watch', 'list'] }]);
    this.role('pool', `${this.pickerName}-non-sa`, [{ apiGroups: [INFERENCE_POOL_GROUP], resources: ['inferencepools'], resourceNames: [this.name], verbs: ['get', 'watch', 'list'] }]);
    if (this.replicas > 1) {
      // _leader-election-rbac.yaml.
      this.role('leader-election', `${this.pickerName}-leader-election`, [
        { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'] },
        { apiGroups: [''], resources: ['events'], verbs: ['create', 'patch'] },
      ]);
    }

    const ha = this.replicas > 1;
    const args = [
      '--pool-name', this.name,
      '--pool-namespace', ns,
      '--pool-group', INFERENCE_POOL_GROUP,
      '--zap-encoder', 'json',
      '--config-file', '/config/default-plugins.yaml',
      ...(ha ? ['--ha-enable-leader-election'] : []),
      '--v', '1',
      '--tracing=false',
      '--metrics-endpoint-auth=false',
    ];
    const resources = { cpu: k8s.Quantity.fromString(String(cpu)), memory: k8s.Quantity.fromString(`${Math.round(memoryGiB * 1024)}Mi`) };
    new k8s.KubeDeployment(this, 'Deployment', {
      metadata: meta(this.pickerName, { 'inference.networking.k8s.io/igw-mode': 'inferencepool' }),
      spec: {
        replicas: this.replicas,
        // The chart's: one active replica at a time (leader election), the old one gone first.
        strategy: { type: 'Recreate' },
        selector: { matchLabels: selectorLabels },
        template: {
          metadata: { labels: { ...this.pickerLabels, 'app.kubernetes.io/part-of': 'cnai-platform', 'app.kubernetes.io/component': 'endpoint-picker' } },
          spec: {
            serviceAccountName: this.pickerName,
            automountServiceAccountToken: true,
            priorityClassName: props.priorityClass?.priorityClassName,
            // The chart's: the longest grace period of the pool's pods.
            terminationGracePeriodSeconds: 130,
            securityContext: restrictedPodSecurityContext(EPP_UID),
            containers: [{
              name: 'epp',
              image: imageRef(OPERATOR_IMAGES.inferenceEndpointPicker),
              imagePullPolicy: 'IfNotPresent',
              args,
              ports: [
                { name: 'grpc', containerPort: ENDPOINT_PICKER_PORTS.extProc },
                { name: 'grpc-health', containerPort: ENDPOINT_PICKER_PORTS.health },
                { name: 'metrics', containerPort: ENDPOINT_PICKER_PORTS.metrics },
              ],
              livenessProbe: { grpc: { port: ENDPOINT_PICKER_PORTS.health, service: ha ? 'liveness' : 'inference-extension' }, initialDelaySeconds: 5, periodSeconds: 10 },
              readinessProbe: { grpc: { port: ENDPOINT_PICKER_PORTS.health, service: ha ? 'readiness' : 'inference-extension' }, periodSeconds: 2 },
              env: [
                { name: 'NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
                { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
              ],
              resources: { requests: resources, limits: resources },
              securityContext: restrictedContainerSecurityContext(EPP_UID),
              volumeMounts: [{ name: 'plugins-config-volume', mountPath: '/config' }, { name: 'tmp', mountPath: '/tmp' }],
            }],
            volumes: [
              { name: 'plugins-config-volume', configMap: { name: this.pickerName } },
              { name: 'tmp', emptyDir: { sizeLimit: k8s.Quantity.fromString('64Mi') } },
            ],
          },
        },
      },
    });

    new k8s.KubeService(this, 'Service', {
      metadata: meta(this.pickerName),
      spec: {
        type: 'ClusterIP',
        selector: selectorLabels,
        ports: [
          { name: 'grpc-ext-proc', protocol: 'TCP', port: ENDPOINT_PICKER_PORTS.extProc },
          { name: 'http-metrics', protocol: 'TCP', port: ENDPOINT_PICKER_PORTS.metrics },
        ],
      },
    });

    if (ha) {
      new k8s.KubePodDisruptionBudget(this, 'PodDisruptionBudget', {
        metadata: meta(this.pickerName),
        spec: { maxUnavailable: k8s.IntOrString.fromNumber(1), selector: { matchLabels: selectorLabels } },
      });
    }

    const backend = props.metricsBackend ?? KubePrometheusStack.platformDefault();
    this.metricsEndpoint = MetricsEndpoint.service({
      name: this.pickerName, namespace: ns, selector: { 'app.kubernetes.io/name': this.pickerName }, portName: 'http-metrics', component: MetricsComponent.OTHER,
    });
    this.metricsEndpoint.monitor(this, 'ServiceMonitor', {
      interval: Duration.seconds(10),
      labels: { ...this.labels, ...backend.monitorLabels },
      annotations: { ...this.annotations },
      namespaceSelector: true,
    });

    // Default deny for the picker's pods, then exactly its flows.
    this.ingressRules.push({ from: [backend.scraper.toPeer()], ports: tcpPorts(ENDPOINT_PICKER_PORTS.metrics) });
    new k8s.KubeNetworkPolicy(this, 'NetworkPolicy', {
      metadata: meta(this.pickerName),
      spec: {
        podSelector: { matchLabels: selectorLabels },
        policyTypes: ['Ingress', 'Egress'],
        ingress: this.ingressRules,
        egress: [
          dnsEgress(),
          { ...apiServerEgress(props.vpcCidr ?? DEFAULT_VPC_CIDR), ports: tcpPorts(API_SERVER_PORT) },
          { to: [service.workloads().toPeer()], ports: tcpPorts(this.targetPort) },
        ],
      },
    });
    // The model's pods admit the picker's metrics scrapes (vLLM serves /metrics on its API port).
    service.allowFrom(this.picker());
  }

  /** The picker's pods, as a network peer. */
  public picker(): WorkloadSelector {
    return WorkloadSelector.inNamespace(this.namespaceName, { inferencepool: this.pickerName });
  }

  /**
   * Lets a gateway's proxies use the pool: they call the picker (ext-proc) and then the replica it
   * picks; routes in `routeNamespace` may name the pool (a ReferenceGrant, for a route in another namespace).
   */
  public allowGateway(proxies: WorkloadSelector, routeNamespace: string): void {
    if (!(proxies instanceof WorkloadSelector)) {
      throw invalidProp(this.node.path, 'allowGateway', proxies, 'not a WorkloadSelector', 'pass modelGateway.proxies()');
    }
    this.ingressRules.push({ from: [proxies.toPeer()], ports: tcpPorts(ENDPOINT_PICKER_PORTS.extProc) });
    this.service.allowFrom(proxies);
    if (routeNamespace === this.namespaceName || this.grantedNamespaces.has(routeNamespace)) return;
    this.grantedNamespaces.add(routeNamespace);
    // Envoy AI Gateway checks a grant for AIGatewayRoute (internal/controller/referencegrant.go), Envoy Gateway for the HTTPRoute AI Gateway makes of it.
    new ApiObject(this, `ReferenceGrant-${routeNamespace}`, {
      apiVersion: 'gateway.networking.k8s.io/v1beta1',
      kind: 'ReferenceGrant',
      metadata: { name: `${this.name}-from-${routeNamespace}`.slice(0, 63).replace(/-+$/, ''), namespace: this.namespaceName, labels: { ...this.labels }, annotations: { ...this.annotations } },
      spec: {
        from: [
          { group: 'aigateway.envoyproxy.io', kind: 'AIGatewayRoute', namespace: routeNamespace },
          { group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', namespace: routeNamespace },
        ],
        to: [{ group: INFERENCE_POOL_GROUP, kind: 'InferencePool', name: this.name }],
      },
    });
  }

  private role(id: string, name: string, rules: k8s.PolicyRule[]): void {
    new k8s.KubeRole(this, `Role-${id}`, { metadata: { name, namespace: this.namespaceName, labels: { ...this.labels }, annotations: { ...this.annotations } }, rules });
    new k8s.KubeRoleBinding(this, `RoleBinding-${id}`, {
      metadata: { name, namespace: this.namespaceName, labels: { ...this.labels }, annotations: { ...this.annotations } },
      subjects: [{ kind: 'ServiceAccount', name: this.pickerName, namespace: this.namespaceName }],
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name },
    });
  }
}

/**
 * The picker's plugins configuration: the v1.5.0 chart's default (epplib templates/_config.yaml for
 * vLLM over HTTP, no latency predictor), with the scorers' weights; a scorer of weight 0 is left out.
 */
function pluginsConfig(queue: number, kvCache: number, prefixCache: number): string {
  const scorers: Array<[string, number]> = [['queue-scorer', queue], ['kv-cache-utilization-scorer', kvCache], ['prefix-cache-scorer', prefixCache]];
  const used = scorers.filter(([, w]) => w > 0);
  return [
    'apiVersion: inference.networking.x-k8s.io/v1alpha1',
    'kind: EndpointPickerConfig',
    'plugins:',
    ...used.map(([t]) => `- type: ${t}`),
    '- type: metrics-data-source',
    '  parameters:',
    '    scheme: "http"',
    '    path: "/metrics"',
    '    insecureSkipVerify: true',
    '- type: core-metrics-extractor',
    'schedulingProfiles:',
    '- name: default',
    '  plugins:',
    ...used.flatMap(([t, w]) => [`  - pluginRef: ${t}`, `    weight: ${w}`]),
    '',
  ].join('\n');
}
