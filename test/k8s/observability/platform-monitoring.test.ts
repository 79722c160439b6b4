import { Testing } from 'cdk8s';
import { PlatformContract } from '../../../lib/core';
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

  describe('with the AWS layer\'s metrics backend (the contract)', () => {
    const WORKSPACE = {
      workspaceId: 'ws-1',
      region: 'us-west-2',
      remoteWriteUrl: 'https://aps-workspaces.us-west-2.amazonaws.com/workspaces/ws-1/api/v1/remote_write',
      queryUrl: 'https://aps-workspaces.us-west-2.amazonaws.com/workspaces/ws-1',
    };
    const contract = (metrics: PlatformContract['metrics']): PlatformContract => ({
      platformName: 'cnai',
      environment: 'prod',
      region: 'eu-west-1',
      accountId: '123456789012',
      clusterName: 'cnai-prod',
      kubernetesVersion: '1.34',
      vpcCidr: '10.30.0.0/16',
      buckets: { models: 'm', datasets: 'd' },
      nodePools: [],
      workloadIdentities: [],
      metrics,
    });

    test('Grafana\'s generated admin secret is copied in through the namespace\'s own SecretStore, keys literally', () => {
      const { objects: o, policy: p } = render((chart) => new PlatformMonitoring(chart, 'm', { contract: contract({ grafanaAdminSecretName: 'cnai-prod/grafana-admin' }) }));
      expect(one(o, 'SecretStore', 'aws-secrets-manager')).toEqual({
        apiVersion: 'external-secrets.io/v1',
        kind: 'SecretStore',
        metadata: { name: 'aws-secrets-manager', namespace: 'monitoring', annotations: { 'argocd.argoproj.io/sync-wave': '-2' } },
        spec: { provider: { aws: { service: 'SecretsManager', region: 'eu-west-1' } } },
      });
      expect(one(o, 'ExternalSecret', 'grafana-admin')).toEqual({
        apiVersion: 'external-secrets.io/v1',
        kind: 'ExternalSecret',
        metadata: { name: 'grafana-admin', namespace: 'monitoring', annotations: { 'argocd.argoproj.io/sync-wave': '-1' } },
        spec: {
          refreshInterval: '1h',
          secretStoreRef: { kind: 'SecretStore', name: 'aws-secrets-manager' },
          target: { name: 'grafana-admin', creationPolicy: 'Owner', deletionPolicy: 'Retain' },
          data: [
            { secretKey: 'admin-user', remoteRef: { key: 'cnai-prod/grafana-admin', property: 'admin-user' } },
            { secretKey: 'admin-password', remoteRef: { key: 'cnai-prod/grafana-admin', property: 'admin-password' } },
          ],
        },
      });
      // The Secret's name and keys are those Grafana reads.
      const grafana = KubePrometheusStack.platformDefault().release.values.grafana.admin;
      expect(grafana).toEqual({ existingSecret: 'grafana-admin', userKey: 'admin-user', passwordKey: 'admin-password' });
      // The contract's VPC block.
      expect(p('grafana').egress[2]).toEqual({ to: [{ ipBlock: { cidr: '10.30.0.0/16' } }], ports: tcp(443) });
      assertValidManifests(o, { kubernetesVersion: '1.34' });
    });

    test('a source given explicitly wins; a contract without the secret leaves it to the user', () => {
      const explicit = render((chart) => new PlatformMonitoring(chart, 'm', {
        contract: contract({ grafanaAdminSecretName: 'cnai-prod/grafana-admin' }), grafanaAdmin: SecretSource.existingSecret('grafana-admin'),
      })).objects;
      expect([ofKind(explicit, 'ExternalSecret'), ofKind(explicit, 'SecretStore')]).toEqual([[], []]);
      const none = render((chart) => new PlatformMonitoring(chart, 'm', { contract: contract(undefined) })).objects;
      expect([ofKind(none, 'ExternalSecret'), ofKind(none, 'SecretStore')]).toEqual([[], []]);
    });

    test('remote write: Prometheus may reach the Pod Identity agent and AWS over HTTPS; KEDA querying the workspace no longer needs Prometheus', () => {
      const stack = new KubePrometheusStack({ managedPrometheus: WORKSPACE, kedaQueriesManagedPrometheus: true });
      const { policy: p } = render((chart) => new PlatformMonitoring(chart, 'm', { stack }));
      expect(p('prometheus').egress).toEqual([
        { to: [{ namespaceSelector: {} }] },
        { to: [{ ipBlock: { cidr: '10.0.0.0/16' } }], ports: tcp(10250, 9100, 443) },
        { to: [{ ipBlock: { cidr: '169.254.170.23/32' } }, { ipBlock: { cidr: 'fd00:ec2::23/128' } }], ports: tcp(80) },
        { to: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports: tcp(443) },
      ]);
      expect(p('prometheus').ingress[1]).toEqual({ from: [GRAFANA], ports: tcp(9090) });
      // Remote write alone: KEDA still queries the in-cluster Prometheus.
      const writeOnly = render((chart) => new PlatformMonitoring(chart, 'm', { stack: new KubePrometheusStack({ managedPrometheus: WORKSPACE }) })).policy;
      expect(writeOnly('prometheus').ingress[1]).toEqual({ from: [GRAFANA, KEDA], ports: tcp(9090) });
    });
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

describe('PlatformMonitoring.restartGrafanaOnSecretChange', () => {
  test('a rollout of the monitoring namespace restarts Grafana\'s Deployment when its admin Secret changes', () => {
    const { objects } = render((chart) => {
      const monitoring = new PlatformMonitoring(chart, 'monitoring');
      const rollout = monitoring.restartGrafanaOnSecretChange({ apiServerCidr: '10.30.0.0/16' });
      expect(rollout.namespaceName).toBe('monitoring');
      expect(rollout.watches).toEqual([{ secretName: 'grafana-admin', resource: 'deployments', workloadName: 'kube-prometheus-stack-grafana' }]);
    });
    expect(one(objects, 'Role', 'secret-rollout').rules).toEqual([
      { apiGroups: [''], resources: ['secrets'], resourceNames: ['grafana-admin'], verbs: ['get'] },
      { apiGroups: ['apps'], resources: ['deployments'], resourceNames: ['kube-prometheus-stack-grafana'], verbs: ['get', 'patch'] },
    ]);
    expect(one(objects, 'NetworkPolicy', 'secret-rollout').spec.egress).toEqual([{ to: [{ ipBlock: { cidr: '10.30.0.0/16' } }], ports: tcp(443) }]);
    assertValidManifests(objects);
  });
});
