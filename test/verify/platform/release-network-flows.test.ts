/**
 * What a release declares about its network (`cnai.io/network` on its Argo CD Application)
 * becomes needed flows, checked against the NetworkPolicies like the derived ones; the API
 * server's calls to webhooks, APIServices and conversion webhooks are derived from those
 * objects; declared ports are checked against the release's render.
 */
import * as YAML from 'yaml';
import { checkFlows, FlowKind, neededFlows } from '../../../lib/verify/platform/flows';
import { ModelObject, NetworkPolicyInfo, PlatformModel, PodGroup, ReferenceKind } from '../../../lib/verify/platform/model';
import { buildPlatformModel } from '../../../lib/verify/platform/model-builder';
import { endpointName } from '../../../lib/verify/platform/network-policy';
import { networkProblems } from '../../../lib/verify/upstream/render-checks';

const origin = { location: 'test', syncWave: 0 };

function pods(id: string, labels: { [key: string]: string }, ports: number[] = []): PodGroup {
  return {
    id,
    namespace: id.split(' ')[1].split('/')[0],
    labels,
    ports: ports.map((port) => ({ port, protocol: 'TCP' })),
    serviceAccount: 'default',
    hostNetwork: false,
    podSpec: { containers: [{ name: 'main', image: 'example' }] },
    origin,
  };
}

function policies(yaml: string): NetworkPolicyInfo[] {
  return YAML.parseAllDocuments(yaml).map((d) => d.toJS()).filter((o) => o)
    .map((o) => ({ namespace: o.metadata.namespace, name: o.metadata.name, spec: o.spec, origin }));
}

const OPERATOR = { app: 'keda-operator' };
const METRICS_SERVER = { app: 'keda-operator-metrics-apiserver' };
const PROMETHEUS = { 'app.kubernetes.io/name': 'prometheus' };

const NETWORK = {
  namespace: 'keda',
  apiServer: true,
  connections: [
    { from: { kind: 'api-server' }, to: { kind: 'pods', namespace: 'keda', podLabels: METRICS_SERVER }, ports: [{ port: 6443, protocol: 'TCP' }], reason: 'external metrics API' },
    { from: { kind: 'pods', namespace: 'keda', podLabels: METRICS_SERVER }, to: { kind: 'pods', namespace: 'keda', podLabels: OPERATOR }, ports: [{ port: 9666, protocol: 'TCP' }], reason: 'scaler metrics' },
    { from: { kind: 'pods', namespace: 'monitoring', podLabels: PROMETHEUS }, to: { kind: 'pods', namespace: 'keda', podLabels: OPERATOR }, ports: [{ port: 8080, protocol: 'TCP' }], reason: 'metrics' },
    { from: { kind: 'pods', namespace: 'keda', podLabels: OPERATOR }, to: { kind: 'aws' }, reason: 'managed Prometheus' },
    { from: { kind: 'platform-namespaces' }, to: { kind: 'pods', namespace: 'keda', podLabels: OPERATOR }, ports: [{ port: 9666, protocol: 'TCP' }], reason: 'any team pod' },
    { from: { kind: 'pods', namespace: 'keda', podLabels: { app: 'gone' } }, to: { kind: 'api-server' }, ports: [{ port: 443, protocol: 'TCP' }], reason: 'nobody' },
  ],
};

const APPLICATION: ModelObject = {
  object: { apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: { name: 'keda', namespace: 'argocd', annotations: { 'cnai.io/network': JSON.stringify(NETWORK) } } },
  origin,
};

const DENY_KEDA = `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: default-deny, namespace: keda }
spec: { podSelector: {}, policyTypes: [Ingress, Egress] }
`;
const KEDA_FLOWS = `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: api, namespace: keda }
spec:
  podSelector: {}
  policyTypes: [Egress]
  egress: [{ to: [{ ipBlock: { cidr: 10.0.0.0/16 } }], ports: [{ port: 443 }] }]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: metrics-server, namespace: keda }
spec:
  podSelector: { matchLabels: { app: keda-operator-metrics-apiserver } }
  policyTypes: [Ingress, Egress]
  ingress: [{ from: [{ ipBlock: { cidr: 10.0.0.0/16 } }], ports: [{ port: 6443 }] }]
  egress: [{ to: [{ podSelector: { matchLabels: { app: keda-operator } } }], ports: [{ port: 9666 }] }]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: operator, namespace: keda }
spec:
  podSelector: { matchLabels: { app: keda-operator } }
  policyTypes: [Ingress, Egress]
  ingress:
    - { from: [{ podSelector: { matchLabels: { app: keda-operator-metrics-apiserver } } }], ports: [{ port: 9666 }] }
    - { from: [{ namespaceSelector: { matchLabels: { kubernetes.io/metadata.name: monitoring } }, podSelector: { matchLabels: { app.kubernetes.io/name: prometheus } } }], ports: [{ port: 8080 }] }
  egress:
    - { to: [{ ipBlock: { cidr: 169.254.170.23/32 } }], ports: [{ port: 80 }] }
    - { to: [{ ipBlock: { cidr: 0.0.0.0/0 } }], ports: [{ port: 443 }] }
`;

function model(policyYaml: string): PlatformModel {
  return {
    objects: [APPLICATION],
    namespaces: new Map(['keda', 'monitoring'].map((name) => [name, { name, labels: { 'kubernetes.io/metadata.name': name }, origin }])),
    podGroups: [
      pods('Deployment keda/keda-operator', OPERATOR, [8080, 9666]),
      pods('Deployment keda/keda-operator-metrics-apiserver', METRICS_SERVER, [6443]),
      pods('StatefulSet monitoring/prometheus', PROMETHEUS, [9090]),
    ],
    services: [],
    networkPolicies: policies(policyYaml),
    references: [],
    clusterAddresses: { apiServerCidrs: ['10.0.0.0/16'], nodeCidrs: ['10.0.0.0/16'] },
  };
}

describe('flows a release declares (cnai.io/network)', () => {
  const line = (f: { kind: FlowKind; from: any; to: any; protocol: string; port: number }) => `${f.kind} ${endpointName(f.from)} -> ${endpointName(f.to)} ${f.protocol} ${f.port}`;

  test('each connection between the pod groups its ends select, AWS as agent and HTTPS, the API server for every pod of the namespace', () => {
    const { flows, unresolved } = neededFlows(model(''));
    expect(flows.filter((f) => f.kind === FlowKind.RELEASE || f.kind === FlowKind.API_SERVER).map(line).sort()).toEqual([
      'api-server keda/keda-operator -> kube-apiserver TCP 443',
      'api-server keda/keda-operator-metrics-apiserver -> kube-apiserver TCP 443',
      'release keda/keda-operator -> AWS services TCP 443',
      'release keda/keda-operator -> EKS Pod Identity agent TCP 80',
      'release keda/keda-operator-metrics-apiserver -> keda/keda-operator TCP 9666',
      'release kube-apiserver -> keda/keda-operator-metrics-apiserver TCP 6443',
      'release monitoring/prometheus -> keda/keda-operator TCP 8080',
    ]);
    // An end that selects no pods of the model is reported, not dropped silently; "any platform namespace" names no pod group.
    expect(unresolved.filter((u) => !u.startsWith('DNS'))).toEqual([expect.stringMatching(/Application keda \(cnai\.io\/network\): connection 5 \(nobody\): from pods \{"app":"gone"\} in keda selects no pod group/)]);
  });

  test('allowed when the namespace\'s policies open exactly the declared connections', () => {
    const check = checkFlows(model(DENY_KEDA + '---' + KEDA_FLOWS));
    expect(check.findings.map((f) => f.message)).toEqual([]);
  });

  test('a declared connection the policies do not open is a blocked flow naming the release', () => {
    const check = checkFlows(model(DENY_KEDA + '---' + KEDA_FLOWS.replace('ports: [{ port: 8080 }]', 'ports: [{ port: 8081 }]')));
    expect(check.findings.map((f) => f.message)).toEqual([
      expect.stringMatching(/^blocked flow monitoring\/prometheus → keda\/keda-operator TCP 8080, needed for metrics \(declared by Application keda \(cnai\.io\/network\), connection 2\)/),
    ]);
  });
});

describe('the API server\'s calls are references with the API server as client', () => {
  const objects = [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'op' } },
    { apiVersion: 'v1', kind: 'Service', metadata: { name: 'op-webhook', namespace: 'op' }, spec: { selector: { app: 'op' }, ports: [{ port: 443, targetPort: 9443 }] } },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'op', namespace: 'op' },
      spec: { selector: { matchLabels: { app: 'op' } }, template: { metadata: { labels: { app: 'op' } }, spec: { containers: [{ name: 'op', image: 'op:1', ports: [{ containerPort: 9443 }] }] } } },
    },
    { apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingWebhookConfiguration', metadata: { name: 'op' }, webhooks: [{ name: 'v.op.io', clientConfig: { service: { name: 'op-webhook', namespace: 'op' } } }] },
    { apiVersion: 'apiregistration.k8s.io/v1', kind: 'APIService', metadata: { name: 'v1.op.io' }, spec: { service: { name: 'op-webhook', namespace: 'op', port: 443 } } },
  ];
  const m = buildPlatformModel([{ file: 'out.yaml', content: objects }], [], { argoCdNamespace: false, clusterAddresses: { apiServerCidrs: ['10.0.0.0/16'] } });

  test('webhooks and APIServices name their Service and port (443 by default), client kube-apiserver', () => {
    const refs = m.references.filter((r) => r.kind === ReferenceKind.SERVICE).map((r) => `${r.from} ${r.path} -> ${r.namespace}/${r.name}:${r.port} by ${r.clientPodGroup}`);
    expect(refs).toEqual([
      'ValidatingWebhookConfiguration op webhooks[0].clientConfig.service -> op/op-webhook:443 by kube-apiserver',
      'APIService v1.op.io spec.service -> op/op-webhook:443 by kube-apiserver',
    ]);
  });

  test('so a default-deny namespace without ingress from the API server\'s addresses blocks the webhook', () => {
    const deny = { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'default-deny', namespace: 'op' }, spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] } };
    const denied = buildPlatformModel([{ file: 'out.yaml', content: [...objects, deny] }], [], { argoCdNamespace: false, clusterAddresses: { apiServerCidrs: ['10.0.0.0/16'] } });
    expect(checkFlows(denied).findings.map((f) => f.message)).toContainEqual(expect.stringMatching(/^blocked flow kube-apiserver → op\/op TCP 9443/));
  });
});

describe('declared ports against the release\'s render', () => {
  const render = [{
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'katib-controller', namespace: 'kubeflow' },
    spec: { template: { metadata: { labels: { 'katib.kubeflow.org/component': 'controller' } }, spec: { containers: [{ name: 'c', ports: [{ containerPort: 8443 }, { containerPort: 8080 }] }] } } },
  }];
  const network = (port: number) => ({
    namespace: 'kubeflow',
    apiServer: true,
    connections: [{ from: { kind: 'api-server' as any }, to: { kind: 'pods' as any, namespace: 'kubeflow', podLabels: { 'katib.kubeflow.org/component': 'controller' } }, ports: [{ port }], reason: 'webhooks' }],
  });

  test('a port the selected pods listen on passes', () => {
    expect(networkProblems(render, network(8443), 'kubeflow')).toEqual([]);
  });

  test('a port they do not listen on is a finding naming the workload and its ports', () => {
    expect(networkProblems(render, network(9443), 'kubeflow')).toEqual([{
      path: 'network.connections[0].ports',
      message: 'declares that pods {"katib.kubeflow.org/component":"controller"} accept TCP 9443 (webhooks), but Deployment kubeflow/katib-controller of the render, '
        + 'whose pods those labels select, has container ports TCP 8443, TCP 8080; declare the port upstream\'s pods listen on',
    }]);
  });
});
