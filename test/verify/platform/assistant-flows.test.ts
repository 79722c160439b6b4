/**
 * The whole-platform verification of the operations assistant: the verifier knows what kagent
 * runs for an Agent, kmcp for an MCPServer and k8sgpt-operator for a K8sGPT (pods, Services,
 * service accounts, the connections they open), so agents → gateway, agents → MCP servers, MCP
 * servers → API server and Prometheus, controller → agents and operator → analyzer are needed
 * flows, checked against the NetworkPolicies like every other.
 */
import { Testing } from 'cdk8s';
import * as YAML from 'yaml';
import { GpuInstanceType, ModelPresets } from '../../../lib/core';
import {
  ArgoCdApplications, KubePrometheusStack, LlmService, ModelGateway, ModelSource, NodePoolReference, OperationsAssistant, OperatorCatalogue,
  PlatformMonitoring, TeamNamespace, createReleaseNamespaces,
} from '../../../lib/k8s';
import { verifyPlatform } from '../../../lib/verify';
import { FlowKind } from '../../../lib/verify/platform/flows';
import { gpuPoolContract } from '../../k8s/helpers';

const a10g = NodePoolReference.fromContract(gpuPoolContract('gpu-a10g', GpuInstanceType.G5_2XLARGE, 4));

function output(analysisNamespaces: string[] = ['cnai-analysis']): any[] {
  const chart = Testing.chart();
  const stack = KubePrometheusStack.platformDefault();
  const releases = [...OperatorCatalogue.modelGateway(), ...OperatorCatalogue.operationsAssistant({ agentNamespaces: ['cnai-assistant'] }, { analysisNamespaces }), stack.release];
  createReleaseNamespaces(chart, releases);
  // The releases as Argo CD Applications: what they run (kagent's controller, Prometheus) is declared there.
  new ArgoCdApplications(chart, 'releases', { releases });
  const monitoring = new PlatformMonitoring(chart, 'monitoring', { stack });
  const team = new TeamNamespace(chart, 'team-a', { quota: { gpus: 16, cpu: 512, memoryGiB: 4096 } });
  const chat = new LlmService(chart, 'chat', {
    model: ModelPresets.LLAMA_3_1_8B_INSTRUCT,
    maxModelLen: 8192,
    source: ModelSource.s3('s3://cnai-test-models/llama/', { region: 'us-west-2' }),
    namespace: team,
    pool: a10g,
    toolCalling: true,
  });
  const gateway = new ModelGateway(chart, 'gateway', { models: [chat] });
  const assistant = new OperationsAssistant(chart, 'assistant', { gateway, model: chat, metricsBackend: stack });
  for (const c of assistant.prometheusClients()) monitoring.allowQueryFrom(c);
  return Testing.synth(chart);
}

function verify(objects: any[]) {
  const content = objects.map((o) => YAML.stringify(o)).join('---\n');
  return verifyPlatform([{ file: 'out.yaml', content }]);
}

const ASSISTANT = /^(Agent|MCPServer|K8sGPT) /;
const flowsOf = (v: ReturnType<typeof verify>) => v.flows.results
  .filter((r) => r.flow.from.kind === 'pod' && (ASSISTANT.test(r.flow.from.podGroup.id) || (r.flow.to.kind === 'pod' && ASSISTANT.test(r.flow.to.podGroup.id))))
  .filter((r) => r.flow.kind !== FlowKind.DNS)
  .map((r) => `${(r.flow.from as any).podGroup.id} → ${r.flow.to.kind === 'pod' ? (r.flow.to as any).podGroup.id : (r.flow.to as any).name} TCP ${r.flow.port}: ${r.decision.allowed ? 'allowed' : 'blocked'}`)
  .sort();

describe('whole-platform verification of the operations assistant', () => {
  test('every flow of the agents, their MCP servers and the analyzer is needed, and allowed', () => {
    const v = verify(output());
    const gw = 'Gateway model-gateway/model-gateway (Envoy proxies)';
    expect(flowsOf(v)).toEqual([
      'Agent cnai-assistant/cluster-diagnostics → Deployment kagent/kagent-controller TCP 8083: allowed',
      `Agent cnai-assistant/cluster-diagnostics → ${gw} TCP 8080: allowed`,
      'Agent cnai-assistant/cluster-diagnostics → MCPServer cnai-assistant/cluster-diagnostics-tools TCP 8084: allowed',
      'Agent cnai-assistant/platform-operations → Deployment kagent/kagent-controller TCP 8083: allowed',
      `Agent cnai-assistant/platform-operations → ${gw} TCP 8080: allowed`,
      'Agent cnai-assistant/platform-operations → MCPServer cnai-assistant/platform-operations-tools TCP 8084: allowed',
      'Deployment k8sgpt-operator-system/k8sgpt-operator-controller-manager → K8sGPT cnai-analysis/cluster-analysis TCP 8080: allowed',
      'Deployment kagent/kagent-controller → Agent cnai-assistant/cluster-diagnostics TCP 8080: allowed',
      'Deployment kagent/kagent-controller → Agent cnai-assistant/platform-operations TCP 8080: allowed',
      'Deployment kagent/kagent-controller → MCPServer cnai-assistant/cluster-diagnostics-tools TCP 8084: allowed',
      'Deployment kagent/kagent-controller → MCPServer cnai-assistant/platform-operations-tools TCP 8084: allowed',
      `K8sGPT cnai-analysis/cluster-analysis → ${gw} TCP 8080: allowed`,
      'K8sGPT cnai-analysis/cluster-analysis → kube-apiserver TCP 443: allowed',
      'MCPServer cnai-assistant/cluster-diagnostics-tools → Prometheus monitoring/kube-prometheus-stack-prometheus TCP 9090: allowed',
      'MCPServer cnai-assistant/cluster-diagnostics-tools → kube-apiserver TCP 443: allowed',
      'MCPServer cnai-assistant/platform-operations-tools → Prometheus monitoring/kube-prometheus-stack-prometheus TCP 9090: allowed',
      'MCPServer cnai-assistant/platform-operations-tools → kube-apiserver TCP 443: allowed',
    ]);
    expect(v.flows.findings).toEqual([]);
  });

  test('an agent without its policy is blocked from the gateway and its MCP server', () => {
    const objects = output().filter((o) => !(o.kind === 'NetworkPolicy' && o.metadata.name === 'cluster-diagnostics-agent'));
    const flows = flowsOf(verify(objects));
    expect(flows).toContain('Agent cnai-assistant/cluster-diagnostics → Gateway model-gateway/model-gateway (Envoy proxies) TCP 8080: blocked');
    expect(flows).toContain('Agent cnai-assistant/cluster-diagnostics → MCPServer cnai-assistant/cluster-diagnostics-tools TCP 8084: blocked');
  });

  test('an analyzer whose policy does not admit its operator is a blocked flow', () => {
    const objects = output().map((o) => (o.kind === 'NetworkPolicy' && o.metadata.name === 'cluster-analysis' ? { ...o, spec: { ...o.spec, ingress: [] } } : o));
    expect(flowsOf(verify(objects))).toContain('Deployment k8sgpt-operator-system/k8sgpt-operator-controller-manager → K8sGPT cnai-analysis/cluster-analysis TCP 8080: blocked');
  });

  test('kagent\'s and k8sgpt-operator\'s namespaces are default-deny: an operator release not told the analysis namespace cannot call its analyzer', () => {
    expect(flowsOf(verify(output([])))).toContain('Deployment k8sgpt-operator-system/k8sgpt-operator-controller-manager → K8sGPT cnai-analysis/cluster-analysis TCP 8080: blocked');
    const objects = output().filter((o) => !(o.kind === 'NetworkPolicy' && o.metadata.namespace === 'kagent' && o.metadata.name === 'kagent-controller'));
    const flows = flowsOf(verify(objects));
    expect(flows).toContain('Deployment kagent/kagent-controller → Agent cnai-assistant/cluster-diagnostics TCP 8080: blocked');
    expect(flows).toContain('Agent cnai-assistant/cluster-diagnostics → Deployment kagent/kagent-controller TCP 8083: blocked');
  });

  test('an MCP server that Prometheus does not admit is a blocked flow', () => {
    const objects = output().map((o) => (o.kind === 'NetworkPolicy' && o.metadata.namespace === 'monitoring'
      ? { ...o, spec: { ...o.spec, ingress: (o.spec.ingress ?? []).map((r: any) => ({ ...r, from: (r.from ?? []).filter((p: any) => !JSON.stringify(p).includes('kmcp')) })) } }
      : o));
    expect(flowsOf(verify(objects))).toContain('MCPServer cnai-assistant/platform-operations-tools → Prometheus monitoring/kube-prometheus-stack-prometheus TCP 9090: blocked');
  });
});
