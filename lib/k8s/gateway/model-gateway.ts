import { ApiObject, Lazy } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { GATEWAY_API_KEY_SECRET, GATEWAY_API_KEY_SECRET_KEY, GatewayAccess } from './gateway-access';
import { TeamTokenBudget, TokenBudgetStore, tokenBudgetRateLimit } from './token-budgets';
import { CnaiError, invalidProp } from '../../core/errors';
import { GATEWAY_TEAM_HEADER, GatewayAccessMode, GatewayChecks, GatewayExposure } from '../../core/gateway-spec';
import { NAME_RULES, assertName } from '../../core/names';
import { ServedModelBackend } from '../../core/platform-spec';
import { dnsEgress, tcpPorts } from '../common/egress';
import { GeneratedSecret } from '../common/generated-secret';
import { IMetricsSource, MetricsEndpoint } from '../common/metrics-endpoint';
import { NamespaceIsolation } from '../common/namespace-isolation';
import { OPERATOR_NAMESPACES } from '../operators/default-namespaces';
import { ENVOY_GATEWAY_CONTROLLER_NAME, ENVOY_GATEWAY_POD_LABELS, ENVOY_GATEWAY_RATE_LIMIT, ENVOY_GATEWAY_XDS_PORT } from '../operators/envoy-gateway';
import { IMetricsBackend } from '../operators/metrics-backend';
import { PodSecurityLevel, SYNC_WAVE_ANNOTATION, WORKLOADS_SYNC_WAVE, createNamespace } from '../pod-security';
import { IPriorityClass } from '../priority-class';
import { LlmService } from '../serving/llm-service';
import { LLM_SERVER_PORTS } from '../serving/serving-options';
import { TeamNamespace } from '../team-namespace';
import { ENDPOINT_PICKER_PORTS, EndpointPickerOptions, INFERENCE_POOL_GROUP, InferencePool } from './inference-pool';
import { WorkloadSelector } from '../workload-selector';

/** Port of the gateway's plain HTTP listener (in-cluster exposure); at or above 1024, so the proxies' container port is the same. */
export const MODEL_GATEWAY_HTTP_PORT = 8080;

/** Port of the gateway's HTTPS listener (load balancer exposures). */
export const MODEL_GATEWAY_HTTPS_PORT = 443;

/**
 * Envoy Gateway maps listener ports below 1024 to a container port 10000 higher, so the proxies
 * run unprivileged (internal/gatewayapi: servicePortToContainerPort, unless the EnvoyProxy sets
 * useListenerPortAsContainerPort).
 */
const PRIVILEGED_PORT_SHIFT = 10000;

/**
 * KServe's agent port: a predictor with a payload logger or batcher (e.g. drift monitoring) gets
 * the agent container, and its Service targets this port instead of the model server's
 * (kserve/kserve@v0.20.0 pkg/webhook/admission/pod/agent_injector.go, service_reconciler.go).
 */
const KSERVE_AGENT_PORT = 9081;

/** Request header Envoy AI Gateway sets from the request body's `model` field, and routes on. */
export const AI_GATEWAY_MODEL_HEADER = 'x-ai-eg-model';

/** Port of the AI Gateway's external processor's admin server in the proxy pods (`/metrics`; container port `aigw-admin`). */
export const AI_GATEWAY_METRICS_PORT = 1064;

/** Where the gateway sends its traces: a TelemetryCollector (or anything with an OTLP/HTTP endpoint that admits senders). */
export interface ITraceCollector {
  /** The OTLP/HTTP base URL (`http://<service>.<namespace>.svc:4318`). */
  readonly otlpHttpEndpoint: string;
  /** Admits the senders' pods to the collector's ingest ports. */
  allowFrom(senders: WorkloadSelector): void;
  /** The collector's pods (where the senders' egress goes). */
  workloads(): WorkloadSelector;
}

/** Options of {@link ModelGateway.addTeam}. */
export interface GatewayTeamOptions {
  /**
   * Tokens (prompt and completion, across every model) the team may use per hour; over it, the
   * gateway answers HTTP 429 until the team's usage of the last hour falls below.
   * @default - no budget
   */
  readonly tokensPerHour?: number;
  /**
   * The team's pods that may reach the gateway (all in the team's namespace).
   * @default - every pod of the team
   */
  readonly clients?: WorkloadSelector[];
}

/** Options of {@link ModelGateway.addClient}. */
export interface GatewayClientOptions {
  /**
   * Tokens (prompt and completion, across every model) the service may use per hour; over it, the
   * gateway answers HTTP 429 until its usage of the last hour falls below.
   * @default - no budget
   */
  readonly tokensPerHour?: number;
}

/** What a team added to the gateway gets. */
export interface GatewayTeamAccess {
  /** The team's namespace. */
  readonly namespace: string;
  /** With API keys: the Secret in the team's namespace that holds its key (generated in the cluster). */
  readonly apiKeySecretName?: string;
  /** With API keys: the key of the Secret. */
  readonly apiKeySecretKey?: string;
  /** The team's token budget per hour, when it has one. */
  readonly tokensPerHour?: number;
}

/** Props of {@link ModelGateway}. */
export interface ModelGatewayProps {
  /**
   * Name of the Gateway (and of its proxies' Service in Envoy Gateway's namespace), a DNS-1123 label.
   * @default 'model-gateway'
   */
  readonly name?: string;
  /**
   * Namespace of the Gateway, its routes and backends (no pods run there: Envoy Gateway runs the
   * proxies in its own namespace). Created with the restricted Pod Security level.
   * @default 'model-gateway'
   */
  readonly namespace?: string;
  /**
   * How the gateway is reached.
   * @default GatewayExposure.CLUSTER
   */
  readonly exposure?: GatewayExposure;
  /**
   * With `exposure: GatewayExposure.PUBLIC_LOAD_BALANCER` only, and then required: the client CIDRs
   * the load balancer accepts (none may be `/0`).
   * @default - none
   */
  readonly publicCidrs?: string[];
  /**
   * With `exposure: GatewayExposure.INTERNAL_LOAD_BALANCER` only: networks routed to the VPC
   * (peering, VPN, Direct Connect) whose clients may reach the load balancer; its source ranges
   * are then the VPC CIDR and these.
   * @default - the VPC's own CIDRs only (the AWS Load Balancer Controller's default for an internal load balancer)
   */
  readonly internalClientCidrs?: string[];
  /**
   * The TLS certificate of the HTTPS listener, a Secret of type kubernetes.io/tls in the gateway's
   * namespace (e.g. issued by cert-manager). Required for the load balancer exposures.
   * @default - none (in-cluster exposure: plain HTTP inside the cluster)
   */
  readonly tlsSecretName?: string;
  /**
   * The VPC CIDR, where the Network Load Balancer's connections come from (IP targets, client
   * addresses not preserved). Required for the load balancer exposures.
   * @default - none
   */
  readonly vpcCidr?: string;
  /**
   * Served models to route to; more with {@link ModelGateway.addModel}.
   * @default - none
   */
  readonly models?: LlmService[];
  /**
   * Workloads that may call the gateway; more with {@link ModelGateway.allowFrom}.
   * @default - none
   */
  readonly clients?: WorkloadSelector[];
  /**
   * Envoy proxy replicas.
   * @default 2
   */
  readonly replicas?: number;
  /**
   * The PriorityClass of the proxies (`KueueQueues.priorityClass(WorkloadPriority.HIGH)` for the platform's own).
   * @default - none: the cluster's default priority
   */
  readonly priorityClass?: IPriorityClass;
  /**
   * Kubernetes version the namespace's Pod Security labels pin.
   * @default - EKS.defaultKubernetesVersion
   */
  readonly kubernetesVersion?: string;
  /**
   * How clients authenticate (which team a request counts against). Teams get access with
   * {@link ModelGateway.addTeam}; until one is added, every request is refused.
   * @default GatewayAccess.apiKeys()
   */
  readonly access?: GatewayAccess;
  /**
   * The metrics backend that scrapes the AI Gateway's usage metrics (gen_ai token usage and latency
   * per model and team) from the proxies: their NetworkPolicy admits its scraper; the monitor is
   * {@link ModelGateway.metricsEndpoint} (add it to MetricsScraping).
   * @default - not scraped
   */
  readonly metricsBackend?: IMetricsBackend;
  /**
   * Where the AI Gateway sends request traces (OTLP/HTTP), with prompts, completions and embeddings
   * left out of the spans.
   * @default - no tracing
   */
  readonly tracing?: ITraceCollector;
  /**
   * Model-aware load balancing of vLLM models: each becomes an InferencePool with its endpoint
   * picker (Gateway API Inference Extension), and its route targets the pool. These settings
   * apply to every vLLM model's picker; `enabled: false` routes vLLM models through their Service.
   * @default - on, with the picker's defaults
   */
  readonly endpointPicker?: GatewayEndpointPickerOptions;
}

/** The model gateway's endpoint picker settings (see {@link ModelGatewayProps.endpointPicker}). */
export interface GatewayEndpointPickerOptions extends EndpointPickerOptions {
  /**
   * Route vLLM models through InferencePools (false: through their Service, round-robin).
   * @default true
   */
  readonly enabled?: boolean;
}

/**
 * One OpenAI-compatible endpoint for every served model, on Envoy Gateway and Envoy AI Gateway
 * (install `OperatorCatalogue.modelGateway()`): clients send `POST /v1/chat/completions` (or
 * `/v1/embeddings`, ...) with `"model": "<served model name>"` to {@link ModelGateway.baseUrl},
 * and the gateway routes on the model name to that model's server, vLLM Deployment or KServe
 * predictor alike.
 *
 * Internal by default: a ClusterIP Service, no load balancer. An internal NLB is a choice
 * (`exposure: INTERNAL_LOAD_BALANCER`, with TLS); a public one needs the named opt-in
 * `exposure: PUBLIC_LOAD_BALANCER` and the client CIDRs. Network flows: only the clients given
 * reach the proxies, and each model server admits the proxies (besides its own clients).
 *
 * ```ts
 * const gateway = new ModelGateway(chart, 'gateway', { clients: [team.workloads({ app: 'rag-api' })] });
 * gateway.addModel(chat);   // an LlmService: its name, Service and port come from the object
 * ```
 */
export class ModelGateway extends Construct implements IMetricsSource {
  /** Name of the Gateway and of its proxies' Service. */
  public readonly name: string;
  /** Namespace of the Gateway, its routes and backends. */
  public readonly namespaceName: string;
  /** Namespace of the proxies (Envoy Gateway's own). */
  public readonly proxyNamespace: string;
  /** How the gateway is reached. */
  public readonly exposure: GatewayExposure;
  /** Port clients connect to (the listener's). */
  public readonly port: number;
  /** Port of the proxies' containers (what NetworkPolicies name). */
  public readonly containerPort: number;
  /** OpenAI base URL inside the cluster (`http://<name>.<proxy namespace>.svc:8080/v1` for the in-cluster exposure). */
  public readonly baseUrl: string;
  /** Labels of the proxy pods Envoy Gateway runs for this Gateway. */
  public readonly proxyLabels: { [key: string]: string };
  /** The Gateway. */
  public readonly gateway: ApiObject;
  /** The served models routed, by served model name. */
  public readonly models: { [servedModelName: string]: LlmService } = {};
  /** The InferencePools of the vLLM models routed, by served model name. */
  public readonly inferencePools: { [servedModelName: string]: InferencePool } = {};

  /** The NetworkPolicy that admits the clients (and the load balancer) into the proxies. */
  public readonly proxyPolicy: k8s.KubeNetworkPolicy;
  /**
   * The NetworkPolicy of the proxies' egress: DNS, Envoy Gateway's xDS server, and the routed
   * model servers. Self-contained, so that the proxies keep their configuration also where Envoy
   * Gateway's namespace is not isolated by its release.
   */
  public readonly proxyEgressPolicy: k8s.KubeNetworkPolicy;
  /** How clients authenticate. */
  public readonly access: GatewayAccess;
  /** The AI Gateway's usage metrics on the proxies (a PodMonitor through MetricsScraping). */
  public readonly metricsEndpoint: MetricsEndpoint;
  /** The teams added, by namespace. */
  public readonly teams: { [namespace: string]: GatewayTeamAccess } = {};
  /** The Redis of the token budgets, once a team has a budget. */
  public tokenBudgetStore?: TokenBudgetStore;

  private readonly apiServerCidr?: string;
  private readonly priorityClass?: IPriorityClass;
  private readonly budgets: TeamTokenBudget[] = [];

  private readonly annotations: { [key: string]: string };
  private readonly endpointPicker?: EndpointPickerOptions;
  private readonly ingressRules: k8s.NetworkPolicyIngressRule[] = [];
  private readonly egressRules: k8s.NetworkPolicyEgressRule[] = [];

  constructor(scope: Construct, id: string, props: ModelGatewayProps = {}) {
    super(scope, id);
    const where = this.node.path;
    this.name = assertName(where, 'name', props.name ?? 'model-gateway', NAME_RULES.dns1123Label);
    this.namespaceName = assertName(where, 'namespace', props.namespace ?? 'model-gateway', NAME_RULES.dns1123Label);
    this.proxyNamespace = OPERATOR_NAMESPACES.envoyGateway;
    this.exposure = props.exposure ?? GatewayExposure.CLUSTER;
    const problems = GatewayChecks.exposureProblems({ construct: where, exposureProp: 'exposure', cidrsProp: 'publicCidrs' }, this.exposure, props.publicCidrs);
    problems.push(...GatewayChecks.internalClientCidrProblems(where, 'internalClientCidrs', this.exposure, props.internalClientCidrs));
    if (problems.length > 0) throw new CnaiError(problems[0]);
    const loadBalanced = this.exposure !== GatewayExposure.CLUSTER;
    if (loadBalanced && !props.tlsSecretName) {
      throw invalidProp(where, 'tlsSecretName', undefined, `a load balancer exposure (${this.exposure}) serves HTTPS only, and no certificate is given`,
        'give the name of a kubernetes.io/tls Secret in the gateway\'s namespace (e.g. one cert-manager issues), or keep GatewayExposure.CLUSTER');
    }
    if (loadBalanced && !props.vpcCidr) {
      throw invalidProp(where, 'vpcCidr', undefined, 'the load balancer\'s connections come from the VPC, and its CIDR is not given, so no NetworkPolicy could admit them',
        'give the contract\'s vpcCidr');
    }
    if (!loadBalanced && props.tlsSecretName) {
      throw invalidProp(where, 'tlsSecretName', props.tlsSecretName, 'the in-cluster exposure has a plain HTTP listener only', 'leave tlsSecretName out, or choose a load balancer exposure');
    }
    const replicas = props.replicas ?? 2;
    if (!Number.isInteger(replicas) || replicas < 1) {
      throw invalidProp(where, 'replicas', replicas, 'not a whole number of at least 1', 'give 2 or more for availability');
    }
    this.port = loadBalanced ? MODEL_GATEWAY_HTTPS_PORT : MODEL_GATEWAY_HTTP_PORT;
    this.containerPort = this.port < 1024 ? this.port + PRIVILEGED_PORT_SHIFT : this.port;
    this.baseUrl = `http://${this.name}.${this.proxyNamespace}.svc:${this.port}/v1`;
    // internal/infrastructure/kubernetes/proxy (Envoy Gateway v1.9.0): envoyLabels plus the owning Gateway's labels.
    this.proxyLabels = {
      'app.kubernetes.io/name': 'envoy',
      'app.kubernetes.io/component': 'proxy',
      'app.kubernetes.io/managed-by': 'envoy-gateway',
      'gateway.envoyproxy.io/owning-gateway-name': this.name,
      'gateway.envoyproxy.io/owning-gateway-namespace': this.namespaceName,
    };
    this.annotations = { [SYNC_WAVE_ANNOTATION]: String(WORKLOADS_SYNC_WAVE) };
    const { enabled: pickerEnabled, ...pickerOptions } = props.endpointPicker ?? {};
    this.endpointPicker = pickerEnabled === false ? undefined : { vpcCidr: props.vpcCidr, ...pickerOptions };
    const labels = { 'app.kubernetes.io/part-of': 'cnai-platform', 'app.kubernetes.io/component': 'model-gateway' };

    createNamespace(this, 'Namespace', { name: this.namespaceName, level: PodSecurityLevel.RESTRICTED, kubernetesVersion: props.kubernetesVersion, labels });
    // Only the API key jobs run here: default-deny, DNS, and what each job's own policy allows.
    new NamespaceIsolation(this, 'Isolation', { namespace: this.namespaceName });

    new ApiObject(this, 'GatewayClass', {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'GatewayClass',
      metadata: { name: this.name, labels, annotations: { ...this.annotations } },
      spec: { controllerName: ENVOY_GATEWAY_CONTROLLER_NAME, description: 'Envoy AI Gateway: OpenAI-compatible routing by model name' },
    });

    const envoyService: { [key: string]: unknown } = { name: this.name, type: loadBalanced ? 'LoadBalancer' : 'ClusterIP' };
    if (loadBalanced) {
      const isPublic = this.exposure === GatewayExposure.PUBLIC_LOAD_BALANCER;
      // The AWS Load Balancer Controller's NLB class, IP targets.
      envoyService.loadBalancerClass = 'service.k8s.aws/nlb';
      envoyService.annotations = {
        'service.beta.kubernetes.io/aws-load-balancer-scheme': isPublic ? 'internet-facing' : 'internal',
        'service.beta.kubernetes.io/aws-load-balancer-nlb-target-type': 'ip',
      };
      if (isPublic) envoyService.loadBalancerSourceRanges = [...props.publicCidrs!];
      // Networks routed to the VPC: the load balancer's security group admits them beside the VPC.
      if (!isPublic && props.internalClientCidrs) {
        envoyService.loadBalancerSourceRanges = [...new Set([props.vpcCidr!, ...props.internalClientCidrs])];
      }
    }
    new ApiObject(this, 'EnvoyProxy', {
      apiVersion: 'gateway.envoyproxy.io/v1alpha1',
      kind: 'EnvoyProxy',
      metadata: { name: this.name, namespace: this.namespaceName, labels, annotations: { ...this.annotations } },
      spec: {
        provider: {
          type: 'Kubernetes',
          kubernetes: {
            envoyService,
            envoyDeployment: {
              replicas,
              ...(props.priorityClass ? { pod: { priorityClassName: props.priorityClass.priorityClassName } } : {}),
            },
            ...(replicas > 1 ? { envoyPDB: { minAvailable: 1 } } : {}),
          },
        },
      },
    });

    const listener = loadBalanced
      ? { name: 'https', protocol: 'HTTPS', port: this.port, tls: { mode: 'Terminate', certificateRefs: [{ kind: 'Secret', name: props.tlsSecretName! }] }, allowedRoutes: { namespaces: { from: 'Same' } } }
      : { name: 'http', protocol: 'HTTP', port: this.port, allowedRoutes: { namespaces: { from: 'Same' } } };
    this.gateway = new ApiObject(this, 'Gateway', {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'Gateway',
      metadata: { name: this.name, namespace: this.namespaceName, labels, annotations: { ...this.annotations } },
      spec: {
        gatewayClassName: this.name,
        infrastructure: { parametersRef: { group: 'gateway.envoyproxy.io', kind: 'EnvoyProxy', name: this.name } },
        listeners: [listener],
      },
    });

    // Into the proxies: the clients given (and the load balancer, from the VPC), nothing else.
    this.proxyPolicy = new k8s.KubeNetworkPolicy(this, 'NetworkPolicy-proxies', {
      metadata: { name: `${this.name}-proxies`, namespace: this.proxyNamespace, labels, annotations: { ...this.annotations } },
      spec: {
        podSelector: { matchLabels: { ...this.proxyLabels } },
        policyTypes: ['Ingress'],
        ingress: this.ingressRules,
      },
    });
    this.proxyEgressPolicy = new k8s.KubeNetworkPolicy(this, 'NetworkPolicy-proxies-egress', {
      metadata: { name: `${this.name}-proxies-egress`, namespace: this.proxyNamespace, labels, annotations: { ...this.annotations } },
      spec: {
        podSelector: { matchLabels: { ...this.proxyLabels } },
        policyTypes: ['Egress'],
        egress: this.egressRules,
      },
    });
    const xds = { podSelector: { matchLabels: { ...ENVOY_GATEWAY_POD_LABELS } } };
    this.egressRules.push(dnsEgress(), { to: [xds], ports: tcpPorts(ENVOY_GATEWAY_XDS_PORT) });
    if (loadBalanced) {
      this.ingressRules.push({ from: [{ ipBlock: { cidr: props.vpcCidr! } }], ports: [{ protocol: 'TCP', port: k8s.IntOrString.fromNumber(this.containerPort) }] });
    }
    this.access = props.access ?? GatewayAccess.apiKeys();
    // OIDC: the proxies fetch the provider's signing keys (remoteJWKS), a host outside the cluster whose addresses are not known here.
    if (this.access.mode === GatewayAccessMode.OIDC) this.egressRules.push({ to: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports: tcpPorts(443) });
    this.apiServerCidr = props.vpcCidr;
    this.priorityClass = props.priorityClass;
    const target = { group: 'gateway.networking.k8s.io', kind: 'Gateway', name: this.name };
    // The team header is the gateway's to set: a client's own is removed before any filter runs.
    new ApiObject(this, 'ClientTrafficPolicy', {
      apiVersion: 'gateway.envoyproxy.io/v1alpha1',
      kind: 'ClientTrafficPolicy',
      metadata: { name: `${this.name}-team-header`, namespace: this.namespaceName, labels, annotations: { ...this.annotations } },
      spec: { targetRefs: [target], headers: { earlyRequestHeaders: { remove: [GATEWAY_TEAM_HEADER] } } },
    });
    new ApiObject(this, 'SecurityPolicy', {
      apiVersion: 'gateway.envoyproxy.io/v1alpha1',
      kind: 'SecurityPolicy',
      metadata: { name: `${this.name}-access`, namespace: this.namespaceName, labels, annotations: { ...this.annotations } },
      spec: Lazy.any({ produce: () => ({ targetRefs: [target], ...this.renderAccess() }) }),
    });
    this.metricsEndpoint = MetricsEndpoint.pods({
      name: `${this.name}-ai-gateway`,
      namespace: this.proxyNamespace,
      selector: { ...this.proxyLabels },
      portName: 'aigw-admin',
      labels: { model_gateway: this.name },
    });
    if (props.metricsBackend) {
      this.ingressRules.push({ from: [props.metricsBackend.scraper.toPeer()], ports: [{ protocol: 'TCP', port: k8s.IntOrString.fromNumber(AI_GATEWAY_METRICS_PORT) }] });
    }
    if (props.tracing) this.connectTracing(props.tracing);

    for (const c of props.clients ?? []) this.allowFrom(c);
    for (const m of props.models ?? []) this.addModel(m);
  }

  /**
   * Gives a team access: its pods may reach the gateway, and with API keys a key is generated in
   * the cluster and copied into the Secret `model-gateway-api-key` (key `api-key`) of the team's
   * namespace (with OIDC, tokens whose team claim is the team's name are admitted). With
   * `tokensPerHour`, the team's requests are limited to that many tokens per hour.
   */
  public addTeam(team: TeamNamespace, options: GatewayTeamOptions = {}): GatewayTeamAccess {
    const where = this.node.path;
    if (!(team instanceof TeamNamespace)) {
      throw invalidProp(where, 'addTeam', team, 'not a TeamNamespace', 'pass the TeamNamespace of the team (platform.teams[name])');
    }
    const ns = team.namespaceName;
    for (const c of options.clients ?? []) {
      if (!(c instanceof WorkloadSelector) || c.namespace !== ns) {
        throw invalidProp(where, `addTeam(${ns}).clients`, c instanceof WorkloadSelector ? c.namespace : c, 'not a selector of the team\'s own pods',
          'use team.workloads({ app: "..." }) of this team');
      }
    }
    return this.grant(`addTeam(${ns})`, ns, options.clients ?? [team.workloads()], options.tokensPerHour);
  }

  /**
   * Gives a platform service (not a team: the chat front end, an agent) access with a key of its
   * own, like a team's: its pods may reach the gateway, and the key is copied into the Secret
   * `model-gateway-api-key` (key `api-key`) of its namespace, which names it in the team header,
   * metrics and budgets. Only with API keys: the gateway's OIDC access admits people's tokens.
   */
  public addClient(pods: WorkloadSelector, options: GatewayClientOptions = {}): GatewayTeamAccess {
    const where = this.node.path;
    if (!(pods instanceof WorkloadSelector)) {
      throw invalidProp(where, 'addClient', pods, 'not a WorkloadSelector', 'pass the service\'s pods, e.g. WorkloadSelector.inNamespace("chat-ui", { app: "open-webui" })');
    }
    if (this.access.mode !== GatewayAccessMode.API_KEYS) {
      throw invalidProp(where, `addClient(${pods.namespace})`, this.access.mode,
        'a service calls the gateway with a key, and the gateway admits OIDC tokens of people only',
        'give the gateway API keys (GatewayAccess.apiKeys()), or let the service pass its users\' tokens through');
    }
    return this.grant(`addClient(${pods.namespace})`, pods.namespace, [pods], options.tokensPerHour);
  }

  private grant(site: string, ns: string, clients: WorkloadSelector[], budget: number | undefined): GatewayTeamAccess {
    const where = this.node.path;
    if (this.teams[ns]) throw invalidProp(where, site, ns, 'the namespace has access already', 'add each team or service once, with its budget');
    if (budget !== undefined && (!Number.isInteger(budget) || budget < 1)) {
      throw invalidProp(where, `${site}.tokensPerHour`, budget, 'not a whole number of tokens of at least 1', 'give the tokens per hour it may use, e.g. 1000000');
    }
    for (const c of clients) this.allowFrom(c);
    let secret: { apiKeySecretName?: string; apiKeySecretKey?: string } = {};
    if (this.access.mode === GatewayAccessMode.API_KEYS) {
      // The gateway's copy (key = the namespace: the client id Envoy Gateway forwards in the team header), then the client's.
      const source = `team-key-${ns}`;
      new GeneratedSecret(this, `key-${ns}`, { namespace: this.namespaceName, name: source, keys: { [ns]: ns }, apiServerCidr: this.apiServerCidr });
      new GeneratedSecret(this, `team-key-${ns}`, {
        namespace: ns,
        name: GATEWAY_API_KEY_SECRET,
        keys: { [GATEWAY_API_KEY_SECRET_KEY]: ns },
        copyFrom: { namespace: this.namespaceName, name: source },
        apiServerCidr: this.apiServerCidr,
      });
      secret = { apiKeySecretName: GATEWAY_API_KEY_SECRET, apiKeySecretKey: GATEWAY_API_KEY_SECRET_KEY };
    }
    if (budget !== undefined) this.addBudget({ team: ns, tokensPerHour: budget });
    return this.teams[ns] = { namespace: ns, ...secret, ...(budget !== undefined ? { tokensPerHour: budget } : {}) };
  }

  /** Sends the AI Gateway's request traces to `collector` (OTLP/HTTP), without prompt, completion or embedding content. */
  public connectTracing(collector: ITraceCollector): void {
    const env = [
      { name: 'OTEL_EXPORTER_OTLP_ENDPOINT', value: collector.otlpHttpEndpoint },
      { name: 'OTEL_EXPORTER_OTLP_PROTOCOL', value: 'http/protobuf' },
      { name: 'OTEL_SERVICE_NAME', value: this.name },
      // Metrics stay on the Prometheus endpoint (always on); traces only over OTLP.
      { name: 'OTEL_METRICS_EXPORTER', value: 'prometheus' },
      // Content off: OpenInference (the default semantic conventions) records it unless hidden.
      { name: 'OPENINFERENCE_HIDE_INPUTS', value: 'true' },
      { name: 'OPENINFERENCE_HIDE_OUTPUTS', value: 'true' },
      { name: 'OPENINFERENCE_HIDE_EMBEDDINGS_TEXT', value: 'true' },
      { name: 'OPENINFERENCE_HIDE_EMBEDDINGS_VECTORS', value: 'true' },
    ];
    new ApiObject(this, 'GatewayConfig', {
      apiVersion: 'aigateway.envoyproxy.io/v1beta1',
      kind: 'GatewayConfig',
      metadata: { name: `${this.name}-tracing`, namespace: this.namespaceName, annotations: { ...this.annotations } },
      spec: { extProc: { kubernetes: { env } } },
    });
    this.gateway.metadata.addAnnotation('aigateway.envoyproxy.io/gateway-config', `${this.name}-tracing`);
    collector.allowFrom(this.proxies());
    const port = Number(new URL(collector.otlpHttpEndpoint).port || 4318);
    this.egressRules.push({ to: [collector.workloads().toPeer()], ports: tcpPorts(port) });
  }

  private addBudget(budget: TeamTokenBudget): void {
    if (!this.tokenBudgetStore) {
      this.tokenBudgetStore = new TokenBudgetStore(this, 'token-budgets', { namespace: this.proxyNamespace, apiServerCidr: this.apiServerCidr, priorityClass: this.priorityClass });
      // The proxies ask Envoy Gateway's rate limit service before each request and charge the tokens after it.
      new k8s.KubeNetworkPolicy(this, 'NetworkPolicy-ratelimit', {
        metadata: { name: `${this.name}-ratelimit`, namespace: this.proxyNamespace, annotations: { ...this.annotations } },
        spec: {
          podSelector: { matchLabels: { ...ENVOY_GATEWAY_RATE_LIMIT.podLabels } },
          policyTypes: ['Ingress', 'Egress'],
          ingress: [{ from: [this.proxies().toPeer()], ports: [{ protocol: 'TCP', port: k8s.IntOrString.fromNumber(ENVOY_GATEWAY_RATE_LIMIT.grpcPort) }] }],
          // Its counters in Redis; its rules come from Envoy Gateway over xDS (the release declares that flow too).
          egress: [
            dnsEgress(),
            { to: [this.tokenBudgetStore.redisPods.toPeer()], ports: tcpPorts(ENVOY_GATEWAY_RATE_LIMIT.redisPort) },
            { to: [{ podSelector: { matchLabels: { ...ENVOY_GATEWAY_POD_LABELS } } }], ports: tcpPorts(ENVOY_GATEWAY_RATE_LIMIT.xdsPort) },
          ],
        },
      });
      const rateLimitPods = { podSelector: { matchLabels: { ...ENVOY_GATEWAY_RATE_LIMIT.podLabels } } };
      this.egressRules.push({ to: [rateLimitPods], ports: tcpPorts(ENVOY_GATEWAY_RATE_LIMIT.grpcPort) });
      new ApiObject(this, 'BackendTrafficPolicy', {
        apiVersion: 'gateway.envoyproxy.io/v1alpha1',
        kind: 'BackendTrafficPolicy',
        metadata: { name: `${this.name}-token-budgets`, namespace: this.namespaceName, annotations: { ...this.annotations } },
        spec: Lazy.any({ produce: () => ({ targetRefs: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: this.name }], rateLimit: tokenBudgetRateLimit(this.budgets) }) }),
      });
    }
    this.budgets.push(budget);
  }

  /** The SecurityPolicy's authentication: API keys of the teams added, or the OIDC provider's tokens of their teams; nobody before a team is added. */
  private renderAccess(): { [key: string]: unknown } {
    const teams = Object.keys(this.teams).sort();
    if (teams.length === 0) return { authorization: { defaultAction: 'Deny' } };
    if (this.access.mode === GatewayAccessMode.API_KEYS) {
      return {
        apiKeyAuth: {
          credentialRefs: teams.map((t) => ({ group: '', kind: 'Secret', name: `team-key-${t}` })),
          // OpenAI clients send their api_key as `Authorization: Bearer <key>`; Envoy's api_key_auth filter strips the
          // `Bearer ` prefix of a header's value and sets the client id header with setCopy (replacing any the client sent).
          extractFrom: [{ headers: ['authorization'] }],
          forwardClientIDHeader: GATEWAY_TEAM_HEADER,
          sanitize: true,
        },
      };
    }
    const provider = 'oidc';
    const claim = this.access.teamClaim!;
    return {
      jwt: {
        providers: [{
          name: provider,
          issuer: this.access.oidcProvider!.issuer,
          audiences: [...this.access.oidcProvider!.audiences],
          remoteJWKS: { uri: this.access.jwksUri! },
          claimToHeaders: [{ claim, header: GATEWAY_TEAM_HEADER }],
        }],
      },
      authorization: {
        defaultAction: 'Deny',
        rules: [{ name: 'teams', action: 'Allow', principal: { jwt: { provider, claims: [{ name: claim, values: teams }] } } }],
      },
    };
  }

  /** The gateway's proxy pods, as a network peer. */
  public proxies(): WorkloadSelector {
    return WorkloadSelector.inNamespace(this.proxyNamespace, this.proxyLabels);
  }

  /**
   * Lets `client` call the gateway. When the client's namespace is a TeamNamespace, its egress
   * to the proxies is opened too.
   */
  public allowFrom(client: WorkloadSelector): void {
    if (!(client instanceof WorkloadSelector)) {
      throw invalidProp(this.node.path, 'allowFrom', client, 'not a WorkloadSelector', 'use team.workloads({ app: "..." }) or WorkloadSelector.inNamespace(...)');
    }
    this.ingressRules.push({ from: [client.toPeer()], ports: [{ protocol: 'TCP', port: k8s.IntOrString.fromNumber(this.containerPort) }] });
    if (client.owner instanceof TeamNamespace) client.owner.allowTo(this.proxies(), this.containerPort, client);
  }

  /**
   * Routes requests for `service`'s served model name to it: a Backend (its Service's address),
   * an AIServiceBackend (OpenAI schema, at the server's API prefix) and an AIGatewayRoute that
   * matches the model name. The model server admits the gateway's proxies.
   */
  public addModel(service: LlmService): void {
    const where = this.node.path;
    if (!(service instanceof LlmService)) {
      throw invalidProp(where, 'addModel', service, 'not an LlmService', 'pass the LlmService object of the served model');
    }
    const model = service.engine.servedModelName;
    const existing = this.models[model];
    if (existing) {
      throw invalidProp(where, 'addModel', service.node.path,
        existing === service ? `model ${model} is routed already` : `model name ${model} is routed to ${existing.node.path} already; the gateway routes by model name, which must be unique`,
        existing === service ? 'add each served model once' : 'give the services different served model names');
    }
    this.models[model] = service;
    const name = assertName(where, 'addModel', `${service.namespaceName}-${service.name}`, NAME_RULES.dns1123Label);
    const meta = (kind: string) => ({ name, namespace: this.namespaceName, labels: { 'app.kubernetes.io/part-of': 'cnai-platform', 'cnai.io/served-model': service.name }, annotations: { ...this.annotations, 'cnai.io/kind': kind } });
    // vLLM: an InferencePool whose endpoint picker chooses the replica; KServe: its Service (see InferencePool for why).
    // A model served across nodes too: its pods are leaders and workers, and only the leaders serve (its Service selects them).
    let backendRef: { [key: string]: string };
    if (this.endpointPicker && service.backend === ServedModelBackend.VLLM && service.multiNode === undefined) {
      // A model routed by several gateways has one pool (the first gateway's picker settings).
      const pool = InferencePool.ofService(service) ?? new InferencePool(this, `InferencePool-${name}`, { service, ...this.endpointPicker });
      pool.allowGateway(this.proxies(), this.namespaceName);
      this.inferencePools[model] = pool;
      backendRef = { group: INFERENCE_POOL_GROUP, kind: 'InferencePool', name: pool.name, namespace: pool.namespaceName };
    } else {
      new ApiObject(this, `Backend-${name}`, {
        apiVersion: 'gateway.envoyproxy.io/v1alpha1',
        kind: 'Backend',
        metadata: meta('Backend'),
        spec: { endpoints: [{ fqdn: { hostname: `${service.serviceName}.${service.namespaceName}.svc.cluster.local`, port: LLM_SERVER_PORTS.service } }] },
      });
      new ApiObject(this, `AIServiceBackend-${name}`, {
        apiVersion: 'aigateway.envoyproxy.io/v1beta1',
        kind: 'AIServiceBackend',
        metadata: meta('AIServiceBackend'),
        spec: {
          // The server's OpenAI API prefix: /v1 (vLLM), /openai/v1 (KServe's Hugging Face server).
          schema: { name: 'OpenAI', prefix: new URL(service.baseUrl).pathname },
          backendRef: { group: 'gateway.envoyproxy.io', kind: 'Backend', name },
        },
      });
      backendRef = { name };
    }
    new ApiObject(this, `AIGatewayRoute-${name}`, {
      apiVersion: 'aigateway.envoyproxy.io/v1beta1',
      kind: 'AIGatewayRoute',
      metadata: meta('AIGatewayRoute'),
      spec: {
        parentRefs: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: this.name }],
        rules: [{
          matches: [{ headers: [{ type: 'Exact', name: AI_GATEWAY_MODEL_HEADER, value: model }] }],
          backendRefs: [backendRef],
          modelsOwnedBy: service.namespaceName,
        }],
        // Token usage of each request, as metadata (Envoy AI Gateway's token accounting and usage metrics).
        llmRequestCosts: [
          { metadataKey: 'llm_input_token', type: 'InputToken' },
          { metadataKey: 'llm_output_token', type: 'OutputToken' },
          { metadataKey: 'llm_total_token', type: 'TotalToken' },
        ],
      },
    });
    if (!this.inferencePools[model]) service.allowFrom(this.proxies());
    // The proxies' side of the same flows: the model server (and KServe's agent, for a payload
    // logger attached later), and a pool's endpoint picker (its ext-proc port).
    const pool = this.inferencePools[model];
    this.egressRules.push({
      to: [WorkloadSelector.inNamespace(service.namespaceName, service.selectorLabels).toPeer()],
      ports: tcpPorts(...(service.backend === ServedModelBackend.KSERVE ? [service.containerPort, KSERVE_AGENT_PORT] : [service.containerPort])),
    });
    if (pool) {
      const picker = WorkloadSelector.inNamespace(pool.namespaceName, pool.pickerLabels);
      this.egressRules.push({ to: [picker.toPeer()], ports: tcpPorts(ENDPOINT_PICKER_PORTS.extProc) });
    }
    if (service.backend === ServedModelBackend.KSERVE) {
      // A payload logger may be attached later (DriftMonitor): then the Service sends the proxies to KServe's agent.
      new k8s.KubeNetworkPolicy(this, `NetworkPolicy-${name}-agent`, {
        metadata: { name: `${service.name}-gateway-agent`, namespace: service.namespaceName, labels: { 'app.kubernetes.io/part-of': 'cnai-platform' }, annotations: { ...this.annotations } },
        spec: {
          podSelector: { matchLabels: { ...service.selectorLabels } },
          policyTypes: ['Ingress'],
          ingress: [{ from: [this.proxies().toPeer()], ports: [{ protocol: 'TCP', port: k8s.IntOrString.fromNumber(KSERVE_AGENT_PORT) }] }],
        },
      });
    }
  }
}
