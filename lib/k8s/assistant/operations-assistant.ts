import { ApiObject } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { AGENT_TOOLS_PORT, AssistantAgent } from './assistant-agent';
import { ClusterAnalysis } from './cluster-analysis';
import { AssistantAgentSpec, AssistantChecks } from '../../core/assistant-spec';
import { CnaiError, ProblemCollector, invalidProp } from '../../core/errors';
import { GatewayAccessMode } from '../../core/gateway-spec';
import { NAME_RULES, assertName } from '../../core/names';
import { DEFAULT_VPC_CIDR, apiServerEgress, isIpv4Cidr, tcpPorts } from '../common/egress';
import { NamespaceIsolation, PLATFORM_NAMESPACE_LABELS } from '../common/namespace-isolation';
import { GATEWAY_API_KEY_SECRET, GATEWAY_API_KEY_SECRET_KEY } from '../gateway/gateway-access';
import { ModelGateway } from '../gateway/model-gateway';
import { OPERATOR_NAMESPACES } from '../operators/default-namespaces';
import { K8SGPT_ANALYZER_SERVICE_ACCOUNT, K8SGPT_OPERATOR_POD_LABELS, K8SGPT_SERVER_PORT } from '../operators/k8sgpt-operator';
import { KAGENT_AGENT_PORT, KAGENT_CONTROLLER_POD_LABELS, KAGENT_CONTROLLER_PORT } from '../operators/kagent';
import { IMetricsBackend } from '../operators/metrics-backend';
import { PodSecurityLevel, SYNC_WAVE_ANNOTATION, WORKLOADS_SYNC_WAVE, createNamespace } from '../pod-security';
import { LlmService } from '../serving/llm-service';
import { WorkloadSelector } from '../workload-selector';

/** The namespace of the assistant's agents, their MCP servers and the analysis. */
export const ASSISTANT_NAMESPACE = 'cnai-assistant';

/**
 * The namespace of the analysis (k8sgpt's analyzer): baseline, not restricted, because the K8sGPT
 * CRD k8sgpt-operator's chart installs has no security context fields, so the analyzer's pods
 * cannot be made restricted-compliant.
 */
export const ANALYSIS_NAMESPACE = 'cnai-analysis';

/** Name of the kagent ModelConfig of the platform's chat model. */
const MODEL_CONFIG = 'platform-chat-model';

/** Props of {@link OperationsAssistant}. */
export interface OperationsAssistantProps {
  /** The model gateway the agents and the analysis reach their model through. */
  readonly gateway: ModelGateway;
  /**
   * The served chat model: an LlmService routed by `gateway`, whose model calls tools, served with
   * `toolCalling: true`.
   */
  readonly model: LlmService;
  /** The metrics backend: the agents query its Prometheus, the analysis alerts through it. */
  readonly metricsBackend: IMetricsBackend;
  /**
   * The agents.
   * @default - the diagnostics and platform agents, read-only
   */
  readonly agents?: AssistantAgentSpec[];
  /**
   * AI-assisted analysis (k8sgpt-operator's K8sGPT resource and its alert).
   * @default true
   */
  readonly analysis?: boolean;
  /**
   * The VPC CIDR, where the Kubernetes API server's endpoints are (for the MCP servers' egress).
   * @default DEFAULT_VPC_CIDR
   */
  readonly vpcCidr?: string;
  /**
   * Namespace of the agents, their MCP servers and the analysis (created restricted, default-deny).
   * kagent's release must watch it (`OperatorCatalogue.operationsAssistant({ agentNamespaces: [...] })`).
   * @default ASSISTANT_NAMESPACE
   */
  readonly namespace?: string;
  /**
   * Namespace of the analysis (created baseline, default-deny: see {@link ANALYSIS_NAMESPACE}).
   * @default ANALYSIS_NAMESPACE
   */
  readonly analysisNamespace?: string;
  /**
   * Kubernetes version the namespace's Pod Security labels pin.
   * @default - EKS.defaultKubernetesVersion
   */
  readonly kubernetesVersion?: string;
}

/**
 * Natural-language operations on the platform's own model: kagent agents (a cluster diagnostics
 * agent and a platform agent by default) and k8sgpt-operator's analysis, all calling the served
 * chat model through the model gateway, so their traffic is the gateway's like any team's
 * (routing, token accounting, traces). Install `OperatorCatalogue.operationsAssistant()`.
 *
 * - Read-only by default: each agent's MCP server has its own service account with a ClusterRole
 *   of `get`/`list`/`watch` on what its tools read, never Secrets, and runs without write tools.
 *   Write access is an explicit opt-in per agent, with namespaces and verbs (see {@link AssistantAgent}).
 * - Audit: every Kubernetes call of an agent is made as its MCP server's service account
 *   ({@link AssistantAgent.auditIdentity}); the cluster's control-plane audit log (on in the AWS
 *   layer) records it under that user name.
 * - Network: default-deny in both namespaces; agents reach only the gateway's proxies, their own MCP
 *   server and kagent's controller; the controller reaches the agents and (for tool discovery)
 *   the MCP servers; MCP servers reach only the API server and Prometheus' query API; the
 *   analyzer reaches the gateway and the API server, and takes calls from its operator only.
 *   kagent's and k8sgpt-operator's namespaces are default-deny too, from their releases' network
 *   declarations (`OperatorCatalogue.operationsAssistant`, given the agents' and the analysis'
 *   namespaces): kagent's API trusts its caller (the chart's `unsecure` auth mode), so only the
 *   agents and kagent's UI may call it, and nothing the UI (users port-forward to either).
 *
 * Ask an agent with kagent's CLI or UI (`kubectl -n kagent port-forward svc/kagent-ui 8080`), or
 * through the controller's A2A endpoint.
 */
export class OperationsAssistant extends Construct {
  /** Namespace of the agents and their MCP servers. */
  public readonly namespaceName: string;
  /** Namespace of the analysis, when on. */
  public readonly analysisNamespaceName?: string;
  /** The agents, by name. */
  public readonly agents: { [name: string]: AssistantAgent } = {};
  /** The analysis, when on. */
  public readonly analysis?: ClusterAnalysis;
  /** The ModelConfig of the platform's chat model (through the gateway). */
  public readonly modelConfig: ApiObject;
  /** The served model name the agents ask for. */
  public readonly modelName: string;
  /** The namespace's NetworkPolicies. */
  public readonly isolation: NamespaceIsolation;

  constructor(scope: Construct, id: string, props: OperationsAssistantProps) {
    super(scope, id);
    const where = this.node.path;
    if (!(props.gateway instanceof ModelGateway)) {
      throw invalidProp(where, 'gateway', props.gateway, 'the assistant\'s agents reach their model through the model gateway, and none is given',
        'give the platform\'s ModelGateway (turn the spec\'s gateway on)');
    }
    if (!(props.model instanceof LlmService)) {
      throw invalidProp(where, 'model', props.model, 'not an LlmService', 'give the LlmService of a served chat model that calls tools');
    }
    const model = props.model;
    const unsupported = AssistantChecks.toolCallingProblem(where, 'model', model.model);
    if (unsupported) throw new CnaiError(unsupported);
    if (model.engine.toolCallParser === undefined) {
      throw invalidProp(where, 'model', model.node.path, `${model.engine.servedModelName} is served without tool calling, so the agents could not call their tools`,
        'serve it with toolCalling: true');
    }
    if (props.gateway.access.mode !== GatewayAccessMode.API_KEYS) {
      throw invalidProp(where, 'gateway', `${props.gateway.node.path} (access ${props.gateway.access.mode})`,
        'the agents and the analyzer call the gateway with keys of their own, and this gateway admits people\'s OIDC tokens only',
        'give the gateway API keys (GatewayAccess.apiKeys(); the spec\'s gateway.access)');
    }
    if (props.gateway.models[model.engine.servedModelName] !== model) {
      throw invalidProp(where, 'model', model.node.path, `the gateway does not route ${model.engine.servedModelName}`, 'route it: gateway.addModel(model)');
    }
    const agents = props.agents ?? AssistantChecks.defaultAgents();
    const problems = new ProblemCollector();
    AssistantChecks.agentProblems({ construct: where, prefix: '' }, agents).forEach((p) => problems.add(p));
    problems.throwIfAny();
    const vpcCidr = props.vpcCidr ?? DEFAULT_VPC_CIDR;
    if (!isIpv4Cidr(vpcCidr)) throw invalidProp(where, 'vpcCidr', vpcCidr, 'not an IPv4 CIDR block', 'give the VPC block, e.g. "10.0.0.0/16"');
    this.namespaceName = assertName(where, 'namespace', props.namespace ?? ASSISTANT_NAMESPACE, NAME_RULES.dns1123Label);
    this.modelName = model.engine.servedModelName;
    const labels = { ...PLATFORM_NAMESPACE_LABELS, 'app.kubernetes.io/component': 'assistant' };
    const annotations = { [SYNC_WAVE_ANNOTATION]: String(WORKLOADS_SYNC_WAVE) };

    createNamespace(this, 'Namespace', { name: this.namespaceName, level: PodSecurityLevel.RESTRICTED, kubernetesVersion: props.kubernetesVersion, labels });
    this.isolation = NamespaceIsolation.ensure(this, this.namespaceName);

    // The agents call the gateway with the assistant's own key (ModelGateway.addClient, copied into its
    // namespace), which kagent passes to them from the ModelConfig.
    this.modelConfig = new ApiObject(this, 'ModelConfig', {
      apiVersion: 'kagent.dev/v1alpha2',
      kind: 'ModelConfig',
      metadata: { name: MODEL_CONFIG, namespace: this.namespaceName, labels, annotations },
      spec: {
        provider: 'OpenAI',
        model: this.modelName,
        apiKeySecret: GATEWAY_API_KEY_SECRET,
        apiKeySecretKey: GATEWAY_API_KEY_SECRET_KEY,
        openAI: { baseUrl: props.gateway.baseUrl },
      },
    });

    const controller = WorkloadSelector.inNamespace(OPERATOR_NAMESPACES.kagent, KAGENT_CONTROLLER_POD_LABELS);
    const gatewayEgress: k8s.NetworkPolicyEgressRule = { to: [props.gateway.proxies().toPeer()], ports: tcpPorts(props.gateway.containerPort) };
    const prometheus = props.metricsBackend.queryServer;
    for (const spec of agents) {
      const agent = new AssistantAgent(this, `Agent-${spec.kind}`, {
        kind: spec.kind,
        namespace: this.namespaceName,
        modelConfigName: MODEL_CONFIG,
        prometheusUrl: props.metricsBackend.queryUrl,
        writeAccess: spec.writeAccess,
        labels,
      });
      this.agents[agent.name] = agent;
      const pods = agent.agentPods();
      const tools = agent.toolPods();
      // The agent: called by kagent's controller (A2A); calls the gateway, its MCP server and the controller.
      this.isolation.allow(`${agent.name}-agent`, {
        podSelector: { matchLabels: { ...pods.podLabels } },
        policyTypes: ['Ingress', 'Egress'],
        ingress: [{ from: [controller.toPeer()], ports: tcpPorts(KAGENT_AGENT_PORT) }],
        egress: [
          gatewayEgress,
          { to: [tools.toPeer()], ports: tcpPorts(AGENT_TOOLS_PORT) },
          { to: [controller.toPeer()], ports: tcpPorts(KAGENT_CONTROLLER_PORT) },
        ],
      });
      // Its MCP server: called by the agent and by the controller (tool discovery); calls the API server and Prometheus.
      this.isolation.allow(`${agent.name}-tools`, {
        podSelector: { matchLabels: { ...tools.podLabels } },
        policyTypes: ['Ingress', 'Egress'],
        ingress: [{ from: [pods.toPeer(), controller.toPeer()], ports: tcpPorts(AGENT_TOOLS_PORT) }],
        egress: [apiServerEgress(vpcCidr), { to: [prometheus.toPeer()], ports: tcpPorts(props.metricsBackend.queryPort) }],
      });
      if (Object.keys(this.agents).length === 1) props.gateway.addClient(pods);
      else props.gateway.allowFrom(pods);
    }

    if (props.analysis ?? true) {
      const ns = this.analysisNamespaceName = assertName(where, 'analysisNamespace', props.analysisNamespace ?? ANALYSIS_NAMESPACE, NAME_RULES.dns1123Label);
      if (ns === this.namespaceName) {
        throw invalidProp(where, 'analysisNamespace', ns, 'the analysis needs a namespace of its own: its pods cannot be restricted, the agents\' namespace is',
          `leave analysisNamespace out (${ANALYSIS_NAMESPACE}), or give another namespace`);
      }
      if (ns === OPERATOR_NAMESPACES.k8sgptOperator) {
        throw invalidProp(where, 'analysisNamespace', ns, `the analyzer would run as the ServiceAccount ${K8SGPT_ANALYZER_SERVICE_ACCOUNT} of ${ns}, which k8sgpt-operator's chart binds to a ClusterRole that reads Secrets in every namespace`,
          `leave analysisNamespace out (${ANALYSIS_NAMESPACE}), or give a namespace of the analysis' own`);
      }
      createNamespace(this, 'AnalysisNamespace', {
        name: ns,
        level: PodSecurityLevel.BASELINE,
        reason: 'k8sgpt-operator v0.2.27: the K8sGPT CRD its chart installs has no security context fields, so the analyzer it runs cannot be restricted',
        kubernetesVersion: props.kubernetesVersion,
        labels,
      });
      const isolation = NamespaceIsolation.ensure(this, ns);
      const analysis = this.analysis = new ClusterAnalysis(this, 'Analysis', {
        namespace: ns,
        baseUrl: props.gateway.baseUrl,
        apiKeySecret: { name: GATEWAY_API_KEY_SECRET, key: GATEWAY_API_KEY_SECRET_KEY },
        model: this.modelName,
        metricsBackend: props.metricsBackend,
      });
      const pods = analysis.analyzerPods();
      const operator = WorkloadSelector.inNamespace(OPERATOR_NAMESPACES.k8sgptOperator, K8SGPT_OPERATOR_POD_LABELS);
      isolation.allow(analysis.name, {
        podSelector: { matchLabels: { ...pods.podLabels } },
        policyTypes: ['Ingress', 'Egress'],
        ingress: [{ from: [operator.toPeer()], ports: tcpPorts(K8SGPT_SERVER_PORT) }],
        egress: [gatewayEgress, apiServerEgress(vpcCidr)],
      });
      // The analyzer calls the gateway with a key of its own, copied into its namespace.
      props.gateway.addClient(pods);
    }
  }

  /** The namespaces the assistant runs pods in (the agents', and the analysis' when on). */
  public namespaces(): string[] {
    return [this.namespaceName, ...(this.analysisNamespaceName ? [this.analysisNamespaceName] : [])];
  }

  /** The pods that query Prometheus (the agents' MCP servers): the monitoring namespace must admit them. */
  public prometheusClients(): WorkloadSelector[] {
    return Object.values(this.agents).map((a) => a.toolPods());
  }
}
