import { Testing } from 'cdk8s';
import {
  AlertReceiver, ArgoCdApplications, KubePrometheusStack, PlatformMonitoring, SecretSource, TeamNamespace, WorkloadSelector,
} from '../../../lib/k8s';
import { assertValidManifests } from '../../../lib/verify/k8s';
import { ofKind, one } from '../helpers';

const tcp = (...ports: number[]) => ports.map((port) => ({ protocol: 'TCP', port }));
const peer = (namespace: string, labels: { [k: string]: string }) => ({
  namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': namespace } },
  podSelector: { matchLabels: labels },
});
const PROMETHEUS = peer('monitoring', { 'app.kubernetes.io/name': 'prometheus', 'operator.prometheus.io/name': 'kube-prometheus-stack-prometheus' });
const GRAFANA = peer('monitoring', { 'app.kubernetes.io/name': 'grafana', 'app.kubernetes.io/instance': 'kube-prometheus-stack' });
const ALERTMANAGER = peer('monitoring', { 'app.kubernetes.io/name': 'alertmanager', 'alertmanager': 'kube-prometheus-stack-alertmanager' });
const KEDA = peer('keda', { 'app.kubernetes.io/name': 'keda-operator' });
const API_SERVER = { to: [{ ipBlock: { cidr: '10.0.0.0/16' } }], ports: tcp(443) };

function render(build: (chart: ReturnType<typeof Testing.chart>) => void) {
  const chart = Testing.chart();
  build(chart);
  const objects = Testing.synth(chart);
  const policies = ofKind(objects, 'NetworkPolicy').filter((p) => p.metadata.namespace === 'monitoring');
  const policy = (name: string) => policies.find((p) => p.metadata.name === name)!.spec;
  return { objects, policies, policy };
}

describe('PlatformMonitoring', () => {
  const { objects, policies, policy } = render((chart) => new PlatformMonitoring(chart, 'monitoring'));

  test('the monitoring namespace denies everything but DNS and the stack\'s flows', () => {
    expect(policies.map((p) => p.metadata.name)).toEqual(['default-deny', 'allow-dns', 'prometheus', 'alertmanager', 'grafana', 'prometheus-operator', 'kube-state-metrics']);
    expect(policy('default-deny')).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    expect(policy('allow-dns')).toEqual({
      podSelector: {},
      policyTypes: ['Egress'],
      egress: [{ to: [peer('kube-system', { 'k8s-app': 'kube-dns' })], ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }] }],
    });
    for (const p of policies) expect(p.metadata.annotations['argocd.argoproj.io/sync-wave']).toBe('0');
  });

  test('Prometheus: scraped by itself, queried by Grafana and KEDA; scrapes every namespace\'s pods and the nodes, reads the API server', () => {
    expect(policy('prometheus')).toEqual({
      podSelector: { matchLabels: { 'app.kubernetes.io/name': 'prometheus', 'operator.prometheus.io/name': 'kube-prometheus-stack-prometheus' } },
      policyTypes: ['Ingress', 'Egress'],
      ingress: [
        { from: [PROMETHEUS], ports: tcp(9090, 8080) },
        { from: [GRAFANA, KEDA], ports: tcp(9090) },
      ],
      egress: [
        { to: [{ namespaceSelector: {} }] },
        { to: [{ ipBlock: { cidr: '10.0.0.0/16' } }], ports: tcp(10250, 9100, 443) },
      ],
    });
  });

  test('Alertmanager: alerts and scrapes from Prometheus, queries from Grafana, gossip between replicas; no way out without a receiver', () => {
    const mesh = [{ protocol: 'TCP', port: 9094 }, { protocol: 'UDP', port: 9094 }];
    expect(policy('alertmanager')).toEqual({
      podSelector: { matchLabels: { 'app.kubernetes.io/name': 'alertmanager', 'alertmanager': 'kube-prometheus-stack-alertmanager' } },
      policyTypes: ['Ingress', 'Egress'],
      ingress: [
        { from: [PROMETHEUS], ports: tcp(9093, 8080) },
        { from: [GRAFANA], ports: tcp(9093) },
        { from: [ALERTMANAGER], ports: mesh },
      ],
      egress: [{ to: [ALERTMANAGER], ports: mesh }],
    });
  });

  test('Grafana, the operator and kube-state-metrics', () => {
    expect(policy('grafana')).toEqual({
      podSelector: { matchLabels: { 'app.kubernetes.io/name': 'grafana', 'app.kubernetes.io/instance': 'kube-prometheus-stack' } },
      policyTypes: ['Ingress', 'Egress'],
      ingress: [{ from: [PROMETHEUS], ports: tcp(3000) }],
      egress: [{ to: [PROMETHEUS], ports: tcp(9090) }, { to: [ALERTMANAGER], ports: tcp(9093) }, API_SERVER],
    });
    expect(policy('prometheus-operator')).toEqual({
      podSelector: { matchLabels: { app: 'kube-prometheus-stack-operator', release: 'kube-prometheus-stack' } },
      policyTypes: ['Ingress', 'Egress'],
      ingress: [{ from: [PROMETHEUS], ports: tcp(8080) }],
      egress: [API_SERVER],
    });
    expect(policy('kube-state-metrics')).toEqual({
      podSelector: { matchLabels: { 'app.kubernetes.io/name': 'kube-state-metrics', 'app.kubernetes.io/instance': 'kube-prometheus-stack' } },
      policyTypes: ['Ingress', 'Egress'],
      ingress: [{ from: [PROMETHEUS], ports: tcp(8080, 8081) }],
      egress: [API_SERVER],
    });
  });

  test('the platform\'s encrypted StorageClass for the volumes, before anything claims one; valid manifests', () => {
    const sc = one(objects, 'StorageClass', 'cnai-gp3-encrypted-retain');
    expect(sc.parameters).toMatchObject({ type: 'gp3', encrypted: 'true' });
    expect(sc.reclaimPolicy).toBe('Retain');
    expect(sc.metadata.annotations['argocd.argoproj.io/sync-wave']).toBe('-30');
    expect(ofKind(objects, 'ExternalSecret')).toHaveLength(0);
    assertValidManifests(objects, { kubernetesVersion: '1.34' });
  });

  test('with a receiver, Alertmanager may reach it over HTTPS', () => {
    const stack = new KubePrometheusStack({ alertReceiver: AlertReceiver.webhook({ secretName: 'hook', key: 'url' }) });
    const { policy: p } = render((chart) => new PlatformMonitoring(chart, 'm', { stack }));
    expect(p('alertmanager').egress[1]).toEqual({ to: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports: tcp(443) });
  });

  test('Grafana\'s admin from Secrets Manager; a StorageClass of the user\'s is not created; another VPC block', () => {
    const stack = new KubePrometheusStack({ storageClassName: 'gp3-fast' });
    const { objects: o, policy: p } = render((chart) => new PlatformMonitoring(chart, 'm', {
      stack, grafanaAdmin: SecretSource.secretsManager('cnai-prod/grafana'), vpcCidr: '10.20.0.0/16',
    }));
    expect(ofKind(o, 'StorageClass')).toHaveLength(0);
    const es = one(o, 'ExternalSecret', 'grafana-admin');
    expect(es.metadata.namespace).toBe('monitoring');
    expect(es.spec.data).toEqual([
      { secretKey: 'admin-user', remoteRef: { key: 'cnai-prod/grafana', property: 'admin-user' } },
      { secretKey: 'admin-password', remoteRef: { key: 'cnai-prod/grafana', property: 'admin-password' } },
    ]);
    expect(p('grafana').egress[2]).toEqual({ to: [{ ipBlock: { cidr: '10.20.0.0/16' } }], ports: tcp(443) });
  });

  test('a team\'s workload may query Prometheus: both sides are opened', () => {
    const { objects: o, policy: p } = render((chart) => {
      // The release declares the monitoring namespace the team's flow names.
      new ArgoCdApplications(chart, 'operators', { releases: [KubePrometheusStack.platformDefault().release] });
      const team = new TeamNamespace(chart, 'team-a');
      const m = new PlatformMonitoring(chart, 'm', { queryClients: [] });
      m.allowQueryFrom(team.workloads({ app: 'autoscaler' }));
      m.allowQueryFrom(team.workloads({ app: 'autoscaler' })); // twice: one rule
      expect(m.clients).toHaveLength(1);
    });
    expect(p('prometheus').ingress[1]).toEqual({ from: [GRAFANA, peer('team-a', { app: 'autoscaler' })], ports: tcp(9090) });
    const egress = ofKind(o, 'NetworkPolicy').find((x) => x.metadata.namespace === 'team-a' && x.metadata.name === 'allow-to-1');
    expect(egress.spec).toEqual({ podSelector: { matchLabels: { app: 'autoscaler' } }, policyTypes: ['Egress'], egress: [{ to: [PROMETHEUS], ports: tcp(9090) }] });
  });

  describe('errors', () => {
    test('a VPC block that is not a CIDR', () => {
      expect(() => new PlatformMonitoring(Testing.chart(), 'm', { vpcCidr: '10.0.0.0' })).toThrow('invalid vpcCidr = "10.0.0.0": not an IPv4 CIDR block');
    });
    test('a query client that is not a workload selector', () => {
      expect(() => new PlatformMonitoring(Testing.chart(), 'm', { queryClients: ['keda' as unknown as WorkloadSelector] }))
        .toThrow('invalid queryClients = "keda": not a WorkloadSelector');
    });
  });
});
