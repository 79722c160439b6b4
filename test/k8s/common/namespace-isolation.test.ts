import { Chart, Testing } from 'cdk8s';
import {
  NamespaceIsolation, TeamNamespace, apiServerEgress, defaultDenySpec, allowDnsSpec, isIpv4Cidr, PLATFORM_NAMESPACE_LABELS,
} from '../../../lib/k8s';
import { ofKind } from '../helpers';

describe('NamespaceIsolation', () => {
  test('default-deny for every pod of the namespace and DNS, once per namespace of the app', () => {
    const app = Testing.app();
    const a = new Chart(app, 'a');
    const b = new Chart(app, 'b');
    const first = NamespaceIsolation.ensure(a, 'data');
    expect(NamespaceIsolation.ensure(b, 'data')).toBe(first);
    expect(NamespaceIsolation.of(b, 'data')).toBe(first);
    expect(NamespaceIsolation.of(b, 'other')).toBeUndefined();
    first.allow('allow-metrics', { podSelector: { matchLabels: { app: 'db' } }, policyTypes: ['Ingress'], ingress: [{ from: [{ podSelector: {} }] }] });
    const policies = ofKind(Testing.synth(a), 'NetworkPolicy');
    expect(policies.map((p) => [p.metadata.namespace, p.metadata.name])).toEqual([['data', 'default-deny'], ['data', 'allow-dns'], ['data', 'allow-metrics']]);
    expect(policies[0].spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    expect(policies[1].spec).toEqual({
      podSelector: {},
      policyTypes: ['Egress'],
      egress: [{
        to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
        ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }],
      }],
    });
    expect(ofKind(Testing.synth(b), 'NetworkPolicy')).toHaveLength(0);
  });

  test('team namespaces deny the same way, and carry the platform\'s namespace labels', () => {
    const chart = Testing.chart();
    new TeamNamespace(chart, 'team-a');
    const objects = Testing.synth(chart);
    const policies = ofKind(objects, 'NetworkPolicy');
    expect(policies.find((p) => p.metadata.name === 'default-deny').spec).toEqual(defaultDenySpec());
    const other = Testing.chart();
    NamespaceIsolation.ensure(other, 'x');
    expect(policies.find((p) => p.metadata.name === 'allow-dns').spec).toEqual(Testing.synth(other).find((o) => o.metadata.name === 'allow-dns').spec);
    expect(allowDnsSpec().policyTypes).toEqual(['Egress']);
    expect(ofKind(objects, 'Namespace')[0].metadata.labels).toMatchObject({ 'app.kubernetes.io/part-of': 'cnai-platform', 'cnai.io/team': 'team-a' });
    expect(PLATFORM_NAMESPACE_LABELS).toEqual({ 'app.kubernetes.io/part-of': 'cnai-platform' });
  });

  test('the API server through the VPC block, on 443', () => {
    const api = apiServerEgress();
    expect(api.to).toEqual([{ ipBlock: { cidr: '10.0.0.0/16' } }]);
    expect(api.ports!.map((p) => [p.protocol, p.port!.value])).toEqual([['TCP', 443]]);
    expect(apiServerEgress('10.20.0.0/16').to).toEqual([{ ipBlock: { cidr: '10.20.0.0/16' } }]);
    expect(isIpv4Cidr('10.0.0.0/16')).toBe(true);
    expect(isIpv4Cidr('10.0.0.256/16')).toBe(false);
    expect(isIpv4Cidr('10.0.0.0/33')).toBe(false);
    expect(isIpv4Cidr('10.0.0.0')).toBe(false);
  });

  describe('errors', () => {
    test('a second isolation of one namespace', () => {
      const chart = Testing.chart();
      NamespaceIsolation.ensure(chart, 'data');
      expect(() => new NamespaceIsolation(chart, 'again', { namespace: 'data' }))
        .toThrow('invalid namespace = "data": the namespace is isolated already (a second default-deny would be a duplicate object)');
    });
    test('two policies of one name', () => {
      const iso = NamespaceIsolation.ensure(Testing.chart(), 'data');
      expect(() => iso.allow('default-deny', { podSelector: {} })).toThrow('invalid policy name = "default-deny": namespace data has a NetworkPolicy of this name already');
    });
    test('a namespace name that is not a label', () => {
      expect(() => NamespaceIsolation.ensure(Testing.chart(), 'Data')).toThrow(/invalid namespace = "Data"/);
    });
  });
});
