/**
 * The whole-platform verification of an InferencePool behind the model gateway: the flows its
 * endpoint picker needs are derived from the output (proxies → picker, proxies → replicas,
 * picker → replicas' metrics, picker → API server, Prometheus → picker) and checked against the
 * NetworkPolicies, and the picker's generated objects are checked against the vendored chart.
 */
import { Testing } from 'cdk8s';
import * as YAML from 'yaml';
import { GpuInstanceType, ModelPresets } from '../../../lib/core';
import {
  LlmService, ModelGateway, ModelSource, NodePoolReference, OperatorCatalogue, TeamNamespace, createReleaseNamespaces,
} from '../../../lib/k8s';
import { ReleaseCheck, verifyEndpointPickers, verifyPlatform } from '../../../lib/verify';
import { FlowOptions } from '../../../lib/verify/platform/flows';
import { gpuPoolContract } from '../../k8s/helpers';

const a10g = NodePoolReference.fromContract(gpuPoolContract('gpu-a10g', GpuInstanceType.G5_2XLARGE, 4));

function output(allowWithinNamespace = false): any[] {
  const chart = Testing.chart();
  createReleaseNamespaces(chart, OperatorCatalogue.modelGateway());
  // Without the team's allow-within-namespace policy, the pool's own policies are all that admit (see the last test).
  const team = new TeamNamespace(chart, 'team-a', { quota: { gpus: 16, cpu: 512, memoryGiB: 4096 }, allowWithinNamespace });
  const chat = new LlmService(chart, 'chat', {
    model: ModelPresets.LLAMA_3_1_8B_INSTRUCT, maxModelLen: 8192, source: ModelSource.s3('s3://cnai-test-models/llama/', { region: 'us-west-2' }), namespace: team, pool: a10g,
  });
  new ModelGateway(chart, 'gateway', { clients: [team.workloads({ app: 'rag-api' })], models: [chat] });
  return Testing.synth(chart);
}

const content = (objects: any[]) => objects.map((o) => YAML.stringify(o)).join('---\n');
const verify = (objects: any[], flows: FlowOptions = {}) => verifyPlatform([{ file: 'out.yaml', content: content(objects) }], { flows });
const name = (e: any) => (e.kind === 'pod' ? e.podGroup.id : e.name);
const pickerFlows = (v: ReturnType<typeof verify>) => v.flows.results
  .filter((r) => /chat-epp|InferencePool/.test(`${name(r.flow.from)} ${name(r.flow.to)} ${r.flow.reasons.join(' ')}`) && r.flow.kind !== 'dns')
  .map((r) => `${name(r.flow.from)} → ${name(r.flow.to)} TCP ${r.flow.port}: ${r.decision.allowed ? 'allowed' : 'blocked'}`)
  .sort();

describe('whole-platform verification of an InferencePool', () => {
  test('every flow of the pool is derived and allowed: proxies → picker and replicas, picker → replicas and API server, Prometheus → picker', () => {
    const v = verify(output());
    expect(pickerFlows(v)).toEqual([
      'Deployment team-a/chat-epp → Deployment team-a/chat TCP 8000: allowed',
      'Deployment team-a/chat-epp → kube-apiserver TCP 443: allowed',
      'Gateway model-gateway/model-gateway (Envoy proxies) → Deployment team-a/chat TCP 8000: allowed',
      'Gateway model-gateway/model-gateway (Envoy proxies) → Deployment team-a/chat-epp TCP 9002: allowed',
      // Prometheus → picker is derived from its ServiceMonitor once a Prometheus selects it (the examples' tests: llm-serving).
    ]);
    expect(v.flows.findings).toEqual([]);
    expect(v.releases.findings).toEqual([]);
    // The pool, its picker Service and the route's reference to the pool resolve.
    expect(v.references.findings.filter((f) => /InferencePool|chat-epp/.test(`${f.from} ${f.message}`) && !['CustomResourceDefinition', 'Prometheus'].includes(String(f.check))).map((f) => f.message)).toEqual([]);
  });

  test('a picker that does not admit the proxies, or replicas that do not admit the picker, are blocked flows', () => {
    const objects = output()
      .map((o) => (o.kind === 'NetworkPolicy' && o.metadata.name === 'chat-epp' ? { ...o, spec: { ...o.spec, ingress: o.spec.ingress.slice(0, 1) } } : o))
      .filter((o) => !(o.kind === 'NetworkPolicy' && JSON.stringify(o.spec.ingress ?? []).includes('"inferencepool":"chat-epp"')));
    const v = verify(objects);
    expect(pickerFlows(v).filter((f) => f.endsWith('blocked'))).toEqual([
      'Deployment team-a/chat-epp → Deployment team-a/chat TCP 8000: blocked',
      'Gateway model-gateway/model-gateway (Envoy proxies) → Deployment team-a/chat-epp TCP 9002: blocked',
    ]);
  });

  test('nothing else reaches the picker: every pod without a needed flow, probe pods in every namespace and outside addresses are denied', () => {
    // The data-service proof, with the picker's pod label as the mark.
    const v = verify(output(), { dataServiceLabel: 'inferencepool' });
    expect(v.flows.dataServices).toEqual(['team-a/chat-epp']);
    expect(v.flows.probesEvaluated).toBeGreaterThan(0);
    expect(v.flows.findings).toEqual([]);
    // With the team's default allow-within-namespace policy, the team's own pods reach it too: the team's choice.
    const open = verify(output(true), { dataServiceLabel: 'inferencepool' });
    expect(open.flows.findings.map((f) => `${f.kind} ${(f.from as any).podGroup?.id ?? (f.from as any).name} → ${f.ports.join(',')}`)).toEqual([
      'undeclared Deployment team-a/chat → TCP 9002,TCP 9003,TCP 9090',
      'undeclared Pod team-a/unlabelled-probe → TCP 9002,TCP 9003,TCP 9090',
    ]);
  });

  describe('the picker against the vendored v1.5.0 chart', () => {
    const check = (objects: any[]) => verifyEndpointPickers([{ file: 'out.yaml', content: content(objects) }]);
    const tamper = (kind: string, nameOf: string, f: (o: any) => any) => output()
      .map((o) => (o.kind === kind && o.metadata.name === nameOf ? f(JSON.parse(JSON.stringify(o))) : o));

    test('as generated: no finding', () => {
      expect(check(output())).toEqual([]);
    });

    test('a Role rule the chart does not grant', () => {
      const findings = check(tamper('Role', 'chat-epp-sa', (o) => ({ ...o, rules: [...o.rules, { apiGroups: [''], resources: ['secrets'], verbs: ['get'] }] })));
      expect(findings.map((f) => [f.check, f.path])).toEqual([[ReleaseCheck.GENERATED, 'rules[1]']]);
      expect(findings[0].message).toMatch(/^InferencePool team-a\/chat \(out.yaml#\d+\): grants get on secrets \(core\), more than the chart gateway-api-inference-extension\/v1.5.0's Roles$/);
    });

    test('a flag the chart does not pass, and a pool name that is not the pool', () => {
      const findings = check(tamper('Deployment', 'chat-epp', (o) => {
        const c = o.spec.template.spec.containers[0];
        c.args = c.args.map((a: string) => (a === 'chat' ? 'other' : a)).concat(['--secure-serving=false']);
        return o;
      }));
      expect(findings.map((f) => f.message.replace(/^.*\): /, ''))).toEqual([
        'flag --secure-serving is not one the chart gateway-api-inference-extension/v1.5.0 passes (its deployment template or inferenceExtension.flags)',
        '--pool-name other does not name the pool chat',
      ]);
    });

    test('an image whose chart is not vendored', () => {
      const findings = check(tamper('Deployment', 'chat-epp', (o) => {
        o.spec.template.spec.containers[0].image = 'registry.k8s.io/gateway-api-inference-extension/epp:v1.4.0';
        return o;
      }));
      expect(findings.map((f) => f.message.replace(/^.*\): /, ''))).toEqual([
        'no vendored chart of kubernetes-sigs/gateway-api-inference-extension at v1.4.0 (config/charts) to check the picker against. '
        + 'Fix: use a picker release whose chart is vendored (v1.5.0), or vendor its config/charts',
      ]);
    });

    test('a plugin type the chart\'s configuration does not use, and an ext-proc port that is not the chart\'s', () => {
      const objects = tamper('ConfigMap', 'chat-epp', (o) => {
        o.data['default-plugins.yaml'] = o.data['default-plugins.yaml'].replace('- type: queue-scorer', '- type: random-picker');
        return o;
      }).map((o) => (o.kind === 'InferencePool' ? { ...o, spec: { ...o.spec, endpointPickerRef: { ...o.spec.endpointPickerRef, port: { number: 9000 } } } } : o));
      expect(check(objects).map((f) => f.message.replace(/^.*\): /, ''))).toEqual([
        'port 9000 is not the chart gateway-api-inference-extension/v1.5.0\'s ext-proc port 9002',
        'plugin type random-picker is not one the chart gateway-api-inference-extension/v1.5.0\'s configuration uses '
        + '(queue-scorer, kv-cache-utilization-scorer, prefix-cache-scorer, metrics-data-source, core-metrics-extractor, predicted-latency-producer, '
        + 'latency-scorer, weighted-random-picker, slo-headroom-tier-filter, latency-slo-admitter)',
        'profile default refers to queue-scorer, which is not declared',
      ]);
    });

    test('the whole-platform verification reports them with the releases', () => {
      const v = verify(tamper('Role', 'chat-epp-sa', (o) => ({ ...o, rules: [...o.rules, { apiGroups: [''], resources: ['secrets'], verbs: ['get'] }] })));
      expect(v.valid).toBe(false);
      expect(v.releases.findings.map((f) => f.check)).toEqual([ReleaseCheck.GENERATED]);
    });
  });
});
