import { Chart, Testing } from 'cdk8s';
import { GpuInstanceType, NetworkEndKind, NetworkEnds, ReleaseConnections, ReleaseNetwork } from '../../../lib/core';
import { ArgoCdApplications, IMetricsBackend, InstallPhase, NodePoolReference, ReleaseSource, OperatorCatalogue, OperatorRelease, PlatformOperators, WorkloadSelector } from '../../../lib/k8s';
import { gpuPoolContract } from '../helpers';

type Obj = { kind: string; metadata: { name: string; namespace?: string; annotations?: { [k: string]: string } }; spec: any };

function synthOperators(props: ConstructorParameters<typeof PlatformOperators>[2] = {}): Obj[] {
  const app = Testing.app();
  return Testing.synth(new PlatformOperators(app, 'operators', props)) as Obj[];
}

function policy(objects: Obj[], namespace: string, name: string): Obj {
  const p = objects.find((o) => o.kind === 'NetworkPolicy' && o.metadata.namespace === namespace && o.metadata.name === name);
  if (!p) throw new Error(`no NetworkPolicy ${namespace}/${name}; have ${objects.filter((o) => o.kind === 'NetworkPolicy' && o.metadata.namespace === namespace).map((o) => o.metadata.name).join(', ')}`);
  return p;
}

const PROMETHEUS = {
  namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } },
  podSelector: { matchLabels: { 'app.kubernetes.io/name': 'prometheus', 'operator.prometheus.io/name': 'kube-prometheus-stack-prometheus' } },
};

describe('operator namespaces: default-deny and the flows each release declares', () => {
  const objects = synthOperators({ releases: [...OperatorCatalogue.platformDefaults(), ...OperatorCatalogue.modelGateway()], vpcCidr: '10.20.0.0/16' });

  test('every namespace of a release with a network gets default-deny, DNS and the API server, with its namespace\'s sync wave', () => {
    for (const ns of ['cert-manager', 'kueue-system', 'keda', 'kserve', 'external-secrets', 'opentelemetry-operator-system', 'kubeflow-system', 'kubeflow',
      'envoy-gateway-system', 'envoy-ai-gateway-system']) {
      expect(policy(objects, ns, 'default-deny').spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
      expect(policy(objects, ns, 'allow-dns').spec.egress[0].ports).toEqual([{ port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }]);
      expect(policy(objects, ns, 'allow-api-server').spec).toEqual({
        podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '10.20.0.0/16' } }], ports: [{ port: 443, protocol: 'TCP' }] }],
      });
      expect(policy(objects, ns, 'default-deny').metadata.annotations!['argocd.argoproj.io/sync-wave']).toBe('-30');
    }
  });

  test('the monitoring namespace is left to PlatformMonitoring (the stack declares no network)', () => {
    expect(objects.filter((o) => o.kind === 'NetworkPolicy' && o.metadata.namespace === 'monitoring')).toEqual([]);
  });

  test('cert-manager: the API server reaches the webhook on 10250, Prometheus the controller on 9402', () => {
    expect(policy(objects, 'cert-manager', 'cert-manager-webhook').spec).toEqual({
      podSelector: { matchLabels: { 'app.kubernetes.io/name': 'webhook', 'app.kubernetes.io/instance': 'cert-manager', 'app.kubernetes.io/component': 'webhook' } },
      policyTypes: ['Ingress'],
      ingress: [{ from: [{ ipBlock: { cidr: '10.20.0.0/16' } }], ports: [{ port: 10250, protocol: 'TCP' }] }],
    });
    expect(policy(objects, 'cert-manager', 'cert-manager').spec).toEqual({
      podSelector: { matchLabels: { 'app.kubernetes.io/name': 'cert-manager', 'app.kubernetes.io/instance': 'cert-manager', 'app.kubernetes.io/component': 'controller' } },
      policyTypes: ['Ingress'],
      ingress: [{ from: [PROMETHEUS], ports: [{ port: 9402, protocol: 'TCP' }] }],
    });
  });

  test('KEDA: webhooks and the external metrics API from the API server, the operator\'s gRPC from the metrics server, Prometheus both ways', () => {
    expect(policy(objects, 'keda', 'keda-operator-metrics-apiserver').spec).toEqual({
      podSelector: { matchLabels: { 'app': 'keda-operator-metrics-apiserver', 'app.kubernetes.io/name': 'keda-operator-metrics-apiserver' } },
      policyTypes: ['Ingress', 'Egress'],
      ingress: [{ from: [{ ipBlock: { cidr: '10.20.0.0/16' } }], ports: [{ port: 6443, protocol: 'TCP' }] }],
      egress: [{ to: [{ podSelector: { matchLabels: { 'app': 'keda-operator', 'name': 'keda-operator', 'app.kubernetes.io/name': 'keda-operator' } } }], ports: [{ port: 9666, protocol: 'TCP' }] }],
    });
    const operator = policy(objects, 'keda', 'keda-operator').spec;
    expect(operator.egress).toEqual([{ to: [PROMETHEUS], ports: [{ port: 9090, protocol: 'TCP' }] }]);
    expect(operator.ingress).toEqual([
      { from: [{ podSelector: { matchLabels: { 'app': 'keda-operator-metrics-apiserver', 'app.kubernetes.io/name': 'keda-operator-metrics-apiserver' } } }], ports: [{ port: 9666, protocol: 'TCP' }] },
      { from: [PROMETHEUS], ports: [{ port: 8080, protocol: 'TCP' }] },
    ]);
  });

  test('External Secrets: its controller reaches the Pod Identity agent and AWS over HTTPS only', () => {
    expect(policy(objects, 'external-secrets', 'external-secrets').spec.egress).toEqual([
      { to: [{ ipBlock: { cidr: '169.254.170.23/32' } }, { ipBlock: { cidr: 'fd00:ec2::23/128' } }], ports: [{ port: 80, protocol: 'TCP' }] },
      { to: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports: [{ port: 443, protocol: 'TCP' }] },
    ]);
  });

  test('Envoy Gateway: proxies to the controller\'s xDS port, the controller to the AI Gateway\'s extension server, which admits it', () => {
    expect(policy(objects, 'envoy-gateway-system', 'envoy-gateway-proxy').spec).toEqual({
      podSelector: { matchLabels: { 'app.kubernetes.io/name': 'envoy', 'app.kubernetes.io/component': 'proxy', 'app.kubernetes.io/managed-by': 'envoy-gateway' } },
      policyTypes: ['Egress'],
      egress: [{
        to: [{ podSelector: { matchLabels: { 'control-plane': 'envoy-gateway', 'app.kubernetes.io/name': 'gateway-helm', 'app.kubernetes.io/instance': 'envoy-gateway' } } }],
        ports: [{ port: 18000, protocol: 'TCP' }],
      }],
    });
    expect(policy(objects, 'envoy-ai-gateway-system', 'ai-gateway-controller').spec.ingress).toEqual([
      { from: [{ ipBlock: { cidr: '10.20.0.0/16' } }], ports: [{ port: 9443, protocol: 'TCP' }] },
      {
        from: [{
          namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'envoy-gateway-system' } },
          podSelector: { matchLabels: { 'control-plane': 'envoy-gateway', 'app.kubernetes.io/name': 'gateway-helm', 'app.kubernetes.io/instance': 'envoy-gateway' } },
        }],
        ports: [{ port: 1063, protocol: 'TCP' }],
      },
    ]);
  });

  test('Katib: trials in the platform\'s namespaces report to the DB manager, which alone reaches MySQL', () => {
    expect(policy(objects, 'kubeflow', 'katib-db-manager').spec.ingress).toContainEqual(
      { from: [{ namespaceSelector: { matchLabels: { 'app.kubernetes.io/part-of': 'cnai-platform' } } }], ports: [{ port: 6789, protocol: 'TCP' }] });
    expect(policy(objects, 'kubeflow', 'katib-mysql').spec).toEqual({
      podSelector: { matchLabels: { 'katib.kubeflow.org/component': 'mysql' } },
      policyTypes: ['Ingress'],
      ingress: [{ from: [{ podSelector: { matchLabels: { 'katib.kubeflow.org/component': 'db-manager' } } }], ports: [{ port: 3306, protocol: 'TCP' }] }],
    });
  });

  test('the Application carries the resolved declaration (cnai.io/network)', () => {
    const app = objects.find((o) => o.kind === 'Application' && o.metadata.name === 'kueue')!;
    expect(JSON.parse(app.metadata.annotations!['cnai.io/network'])).toEqual({
      namespace: 'kueue-system',
      apiServer: true,
      connections: [
        {
          from: { kind: 'api-server' },
          to: { kind: 'pods', namespace: 'kueue-system', podLabels: { 'app.kubernetes.io/name': 'kueue', 'app.kubernetes.io/instance': 'kueue', 'control-plane': 'controller-manager' } },
          ports: [{ port: 9443, protocol: 'TCP' }, { port: 8082, protocol: 'TCP' }],
          reason: 'admission webhooks and the visibility API (APIService), called by the API server',
        },
        {
          from: { kind: 'pods', namespace: 'monitoring', podLabels: PROMETHEUS.podSelector.matchLabels },
          to: { kind: 'pods', namespace: 'kueue-system', podLabels: { 'app.kubernetes.io/name': 'kueue', 'app.kubernetes.io/instance': 'kueue', 'control-plane': 'controller-manager' } },
          ports: [{ port: 8443, protocol: 'TCP' }],
          reason: 'metrics, scraped by the platform\'s Prometheus',
        },
      ],
    });
  });

  test('the EFA device plugin (host network) gets default-deny without the API server', () => {
    const pool = NodePoolReference.fromContract(gpuPoolContract('training-h100', GpuInstanceType.P5_48XLARGE, 2));
    const objs = synthOperators({ releases: [OperatorCatalogue.efaDevicePlugin({ pools: [pool] })] });
    expect(objs.filter((o) => o.kind === 'NetworkPolicy').map((o) => o.metadata.name)).toEqual(['default-deny', 'allow-dns']);
  });

  test('KEDA queries a managed Prometheus workspace through AWS, not the in-cluster Prometheus', () => {
    const prometheus = WorkloadSelector.inNamespace('monitoring', { app: 'prometheus' });
    const managed: IMetricsBackend = {
      backendName: 'Amazon Managed Service for Prometheus',
      queryUrl: 'http://prometheus.monitoring.svc:9090',
      queryPort: 9090,
      autoscalingQuery: { serverAddress: 'https://aps-workspaces.us-west-2.amazonaws.com/workspaces/ws-1', awsRegion: 'us-west-2' },
      queryServer: prometheus,
      scraper: prometheus,
      monitorNamespaceLabels: {},
      monitorLabels: {},
      ruleNamespace: 'monitoring',
      dashboardNamespace: 'monitoring',
      dashboardLabels: {},
    };
    const objs = synthOperators({ releases: [OperatorCatalogue.keda()], metricsBackend: managed });
    expect(policy(objs, 'keda', 'keda-operator').spec.egress).toEqual([
      { to: [{ ipBlock: { cidr: '169.254.170.23/32' } }, { ipBlock: { cidr: 'fd00:ec2::23/128' } }], ports: [{ port: 80, protocol: 'TCP' }] },
      { to: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports: [{ port: 443, protocol: 'TCP' }] },
    ]);
  });

  test('a namespace shared with a release that runs pods but declares no network stays open (the policy pack reports it)', () => {
    const objs = synthOperators({ releases: [OperatorCatalogue.katib(), OperatorCatalogue.notebookController(), OperatorCatalogue.pipelines()] });
    expect(objs.filter((o) => o.kind === 'NetworkPolicy' && o.metadata.namespace === 'kubeflow')).toEqual([]);
  });
});

describe('release network errors', () => {
  const base = {
    name: 'op',
    namespace: 'op-system',
    source: ReleaseSource.helmChart({ repoUrl: 'https://charts.example.com', chart: 'op', version: '1.0.0', chosen: '2026-12-06' }),
    phase: InstallPhase.OPERATORS,
    provides: { workloads: [{ name: 'op', podLabels: { app: 'op' }, ports: [{ containerPort: 9443 }] }] },
  };
  const release = (network: ReleaseNetwork) => new OperatorRelease({ ...base, network });

  test('a workload end names a workload the release does not provide', () => {
    expect(() => release({ connections: [ReleaseConnections.webhook('other', [9443])] }))
      .toThrow(/OperatorRelease\(op\).*network\.connections\[0\]\.to\.workload.*"other".*not a workload of the release's provides\.workloads.*name one of op/s);
  });

  test('a port the workload does not declare as a container port', () => {
    expect(() => release({ connections: [ReleaseConnections.webhook('op', [443])] }))
      .toThrow(/network\.connections\[0\]\.ports.*443.*not a container port of workload op \(it declares TCP 9443\)/s);
  });

  test('a connection without ports to pods', () => {
    expect(() => release({ connections: [{ from: NetworkEnds.apiServer(), to: NetworkEnds.workload('op'), reason: 'webhook' }] }))
      .toThrow(/network\.connections\[0\]\.ports.*no port given/s);
  });

  test('neither end in the release\'s namespace', () => {
    expect(() => release({ connections: [ReleaseConnections.between(NetworkEnds.apiServer(), NetworkEnds.pods('elsewhere', { app: 'x' }), [80], 'x')] }))
      .toThrow(/network\.connections\[0\].*api-server -> pods.*neither end is pods of the release's namespace op-system/s);
  });

  test('AWS as the opening end', () => {
    expect(() => release({ connections: [{ from: NetworkEnds.aws(), to: NetworkEnds.workload('op'), ports: [{ port: 9443 }], reason: 'x' }] }))
      .toThrow(/network\.connections\[0\]\.from\.kind.*aws.*only accept connections/s);
  });

  test('a network declared for a release in kube-system', () => {
    expect(() => new OperatorRelease({ ...base, namespace: 'kube-system', network: {} }))
      .toThrow(/OperatorRelease\(op\).*network.*"kube-system".*runs the cluster's own pods.*install the release into a namespace of its own/s);
  });

  test('PlatformOperators: a vpcCidr that is not an IPv4 block', () => {
    expect(() => synthOperators({ releases: [OperatorCatalogue.kueue()], vpcCidr: '10.0.0.0' }))
      .toThrow(/operators.*vpcCidr.*"10\.0\.0\.0".*not an IPv4 CIDR block/s);
  });

  test('ArgoCdApplications without a context resolves the API server to the default VPC block and leaves metrics out', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'c');
    new ArgoCdApplications(chart, 'a', { releases: [OperatorCatalogue.kueue()] });
    const objs = Testing.synth(chart) as Obj[];
    const p = policy(objs, 'kueue-system', 'kueue-controller-manager');
    expect(p.spec.ingress).toEqual([{ from: [{ ipBlock: { cidr: '10.0.0.0/16' } }], ports: [{ port: 9443, protocol: 'TCP' }, { port: 8082, protocol: 'TCP' }] }]);
    expect(NetworkEndKind.METRICS_SCRAPER).toBe('metrics-scraper');
  });
});
