import * as fs from 'fs';
import * as path from 'path';
import { Testing } from 'cdk8s';
import { assertProvidedTemplates, assertValuesInChart, crdKindsIn, declaredKinds, upstreamPath } from './upstream';
import { ASSISTANT_IMAGES, imageRef } from '../../../lib/core';
import { InstallPhase, OperatorCatalogue, PlatformOperators } from '../../../lib/k8s';
import { KMCP_CONTROLLER_POD_LABELS } from '../../../lib/k8s/operators/kmcp';

const kagentChart = () => upstreamPath('kagent', 'v0.9.12', 'helm/kagent');
const kagentCrdsChart = () => upstreamPath('kagent', 'v0.9.12', 'helm/kagent-crds');
const kmcpCrdsChart = () => upstreamPath('kmcp', 'v0.3.0', 'helm/kmcp-crds');
const k8sgptChart = () => upstreamPath('k8sgpt-operator', 'v0.2.27', 'chart/operator');

describe('the operations assistant\'s releases', () => {
  const [crds, kmcpCrds, kagent, k8sgpt] = OperatorCatalogue.operationsAssistant({ agentNamespaces: ['cnai-assistant'] });

  test('in order: kagent\'s CRDs and kmcp\'s before the controllers, never pruned', () => {
    expect([crds.name, kmcpCrds.name, kagent.name, k8sgpt.name]).toEqual(['kagent-crds', 'kmcp-crds', 'kagent', 'k8sgpt-operator']);
    expect([crds.phase, kmcpCrds.phase, kagent.phase, k8sgpt.phase])
      .toEqual([InstallPhase.FOUNDATION, InstallPhase.FOUNDATION, InstallPhase.OPERATORS, InstallPhase.OPERATORS]);
    expect([crds.prune, kmcpCrds.prune]).toEqual([false, false]);
    expect(crds.source).toMatchObject({ repoUrl: 'oci://ghcr.io/kagent-dev/kagent/helm', chart: 'kagent-crds', version: '0.9.12' });
    // kmcp's tag workflow publishes its charts (and images) as the tag without its `v`.
    expect(kmcpCrds.source).toMatchObject({ repoUrl: 'oci://ghcr.io/kagent-dev/kmcp/helm', chart: 'kmcp-crds', version: '0.3.0' });
    expect(imageRef(ASSISTANT_IMAGES.kmcpController)).toBe('ghcr.io/kagent-dev/kmcp/controller:0.3.0');
    expect(crds.values).toEqual({ kmcp: { enabled: false } });
    assertValuesInChart(crds.values, kagentCrdsChart());
    expect(declaredKinds(crds.provides)).toEqual(crdKindsIn(path.join(kagentCrdsChart(), 'templates')).filter((k) => !/^(AgentHarness|SandboxAgent)\./.test(k)));
    expect(declaredKinds(kmcpCrds.provides)).toEqual(crdKindsIn(path.join(kmcpCrdsChart(), 'templates')));
  });

  test('kagent: every image pinned, demo agents and the shared tool server off, Roles in its namespaces only', () => {
    expect(kagent.source).toMatchObject({ repoUrl: 'oci://ghcr.io/kagent-dev/kagent/helm', chart: 'kagent', version: '0.9.12' });
    expect(kagent.namespace).toBe('kagent');
    const v = kagent.values;
    expect(v.controller).toEqual({
      image: { registry: 'cr.kagent.dev', repository: 'kagent-dev/kagent/controller', tag: '0.9.12' },
      agentImage: { registry: 'cr.kagent.dev', repository: 'kagent-dev/kagent/app', tag: '0.9.12' },
      skillsInitImage: { registry: 'cr.kagent.dev', repository: 'kagent-dev/kagent/skills-init', tag: '0.9.12' },
    });
    expect(v.ui).toEqual({ image: { registry: 'cr.kagent.dev', repository: 'kagent-dev/kagent/ui', tag: '0.9.12' } });
    expect(v.database.postgres.bundled.image).toEqual({ registry: 'docker.io', repository: 'library', name: 'postgres', tag: '18.3-alpine' });
    expect(imageRef(ASSISTANT_IMAGES.kagentPostgres)).toBe('docker.io/library/postgres:18.3-alpine');
    expect(v.rbac).toEqual({ namespaces: ['kagent', 'cnai-assistant'] });
    // The chart's default ModelConfig (always rendered) names no key Secret: the chart creates `kagent-openai` only when given a key.
    expect(v.providers).toEqual({ openAI: { apiKeySecretRef: '', apiKeySecretKey: '' } });
    const modelConfig = fs.readFileSync(path.join(kagentChart(), 'templates', 'modelconfig.yaml'), 'utf8');
    expect(modelConfig).toContain('{{- if $model.apiKeySecretRef }}\n  apiKeySecret: {{.apiKeySecretRef}}');
    expect(fs.readFileSync(path.join(kagentChart(), 'templates', 'modelconfig-secret.yaml'), 'utf8')).toContain('{{- if and $model.apiKeySecretRef $model.apiKey }}');
    expect(v.kmcp).toEqual({ enabled: true });
    for (const off of ['kagent-tools', 'grafana-mcp', 'querydoc', 'k8s-agent', 'kgateway-agent', 'istio-agent', 'promql-agent', 'observability-agent',
      'argo-rollouts-agent', 'helm-agent', 'cilium-policy-agent', 'cilium-manager-agent', 'cilium-debug-agent']) {
      expect(v[off]).toEqual({ enabled: false });
    }
    assertValuesInChart(v, kagentChart());
    assertProvidedTemplates(kagent.provides, kagentChart());
  });

  test('k8sgpt-operator: its images pinned, its ServiceMonitor on (the alert reads its metrics)', () => {
    expect(k8sgpt.source).toMatchObject({ repoUrl: 'https://charts.k8sgpt.ai', chart: 'k8sgpt-operator', version: '0.2.27' });
    expect(k8sgpt.namespace).toBe('k8sgpt-operator-system');
    expect(k8sgpt.values).toEqual({
      serviceMonitor: { enabled: true, additionalLabels: {} },
      // The operator's per-K8sGPT ClusterRole reads Secrets everywhere: off, the analyzer runs as the platform's `k8sgpt` (ClusterAnalysis).
      dynamicRBAC: { enabled: false },
      controllerManager: {
        manager: { image: { repository: 'ghcr.io/k8sgpt-ai/k8sgpt-operator', tag: 'v0.2.27' } },
        kubeRbacProxy: { image: { repository: 'quay.io/brancz/kube-rbac-proxy', tag: 'v0.19.1' } },
      },
    });
    assertValuesInChart(k8sgpt.values, k8sgptChart());
    assertProvidedTemplates(k8sgpt.provides, k8sgptChart());
    expect(declaredKinds(k8sgpt.provides)).toEqual(crdKindsIn(path.join(k8sgptChart(), 'crds')));
  });

  test('k8sgpt-operator: the ServiceAccount its static RBAC binds to Secret reads everywhere is declared dormant', () => {
    // templates/k8sgpt-rbac.yaml renders (dynamicRBAC off) the ServiceAccount k8sgpt, a ClusterRole reading secrets, and their binding.
    const template = fs.readFileSync(path.join(k8sgptChart(), 'templates', 'k8sgpt-rbac.yaml'), 'utf8');
    expect(k8sgpt.values.dynamicRBAC).toEqual({ enabled: false });
    expect(template).toContain('{{- if not .Values.dynamicRBAC.enabled }}');
    expect(template).toMatch(/kind: ServiceAccount\nmetadata:\n {2}name: k8sgpt\n {2}namespace: \{\{ \.Release\.Namespace \}\}/);
    expect(template).toMatch(/kind: ClusterRole\nmetadata:\n {2}name: k8sgpt-clusterrole\n[\s\S]*?resources:\n(?: {2}- \w+\n)*? {2}- secrets\n/);
    expect(template).toMatch(/subjects:\n- kind: ServiceAccount\n {2}name: k8sgpt\n {2}namespace: \{\{ \.Release\.Namespace \}\}/);
    expect(k8sgpt.dormantServiceAccounts.map((d) => d.name)).toEqual(['k8sgpt']);
    expect(k8sgpt.dormantServiceAccounts[0].reason).toBe('the chart binds it to the ClusterRole k8sgpt-clusterrole, which reads Secrets in every namespace; '
      + 'no pod runs as it (the analyzers run in their own namespaces as the platform\'s service account, without Secret reads)');
    expect(kagent.dormantServiceAccounts).toEqual([]);
  });

  test('without agent namespaces only kagent\'s own is watched; the bundled database on a StorageClass given', () => {
    const plain = OperatorCatalogue.operationsAssistant({ databaseStorageClass: 'encrypted-gp3' })[2];
    expect(plain.values.rbac).toEqual({ namespaces: ['kagent'] });
    expect(plain.values.database.postgres.bundled.storageClassName).toBe('encrypted-gp3');
    assertValuesInChart(plain.values, kagentChart());
  });
});

describe('the operations assistant\'s namespaces: default-deny and exactly the flows kagent and k8sgpt-operator need', () => {
  type Obj = { kind: string; metadata: { name: string; namespace?: string }; spec: any };
  const objects = Testing.synth(new PlatformOperators(Testing.app(), 'operators', {
    releases: OperatorCatalogue.operationsAssistant({ agentNamespaces: ['cnai-assistant'] }, { analysisNamespaces: ['cnai-analysis'] }),
    vpcCidr: '10.20.0.0/16',
  })) as Obj[];
  const policies = (ns: string) => objects.filter((o) => o.kind === 'NetworkPolicy' && o.metadata.namespace === ns);
  const policy = (ns: string, name: string) => {
    const p = policies(ns).find((o) => o.metadata.name === name);
    if (!p) throw new Error(`no NetworkPolicy ${ns}/${name}; have ${policies(ns).map((o) => o.metadata.name).join(', ')}`);
    return p.spec;
  };
  const tcp = (port: number) => [{ protocol: 'TCP', port }];
  const CONTROLLER = { 'app.kubernetes.io/name': 'kagent', 'app.kubernetes.io/instance': 'kagent', 'app.kubernetes.io/component': 'controller' };
  const UI = { 'app.kubernetes.io/name': 'kagent', 'app.kubernetes.io/instance': 'kagent', 'app.kubernetes.io/component': 'ui' };
  const POSTGRES = { 'app.kubernetes.io/name': 'kagent', 'app.kubernetes.io/instance': 'kagent', 'app.kubernetes.io/component': 'database' };
  const inAssistant = (labels: { [k: string]: string }) => ({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'cnai-assistant' } }, podSelector: { matchLabels: labels } });

  test('both namespaces: default-deny, DNS, the API server for every pod', () => {
    for (const ns of ['kagent', 'k8sgpt-operator-system']) {
      expect(policy(ns, 'default-deny')).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
      expect(policy(ns, 'allow-api-server')).toEqual({
        podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '10.20.0.0/16' } }], ports: [{ port: 443, protocol: 'TCP' }] }],
      });
    }
    expect(policies('kagent').map((p) => p.metadata.name).sort())
      .toEqual(['allow-api-server', 'allow-dns', 'default-deny', 'kagent-controller', 'kagent-postgresql', 'kagent-ui']);
    expect(policies('k8sgpt-operator-system').map((p) => p.metadata.name).sort())
      .toEqual(['allow-api-server', 'allow-dns', 'default-deny', 'k8sgpt-operator-controller-manager']);
  });

  test('kagent\'s controller: called by its UI and the agents, calls its database, the agents (A2A) and the MCP servers kmcp runs', () => {
    expect(policy('kagent', 'kagent-controller')).toEqual({
      podSelector: { matchLabels: CONTROLLER },
      policyTypes: ['Ingress', 'Egress'],
      ingress: [
        { from: [{ podSelector: { matchLabels: UI } }], ports: tcp(8083) },
        { from: [inAssistant({ app: 'kagent' })], ports: tcp(8083) },
      ],
      egress: [
        { to: [{ podSelector: { matchLabels: POSTGRES } }], ports: tcp(5432) },
        { to: [inAssistant({ app: 'kagent' })], ports: tcp(8080) },
        { to: [inAssistant({ 'app.kubernetes.io/managed-by': 'kmcp' })], ports: tcp(8084) },
      ],
    });
  });

  test('kagent\'s UI calls the controller only, and nothing calls it; the database takes the controller only', () => {
    expect(policy('kagent', 'kagent-ui')).toEqual({
      podSelector: { matchLabels: UI }, policyTypes: ['Egress'], egress: [{ to: [{ podSelector: { matchLabels: CONTROLLER } }], ports: tcp(8083) }],
    });
    expect(policy('kagent', 'kagent-postgresql')).toEqual({
      podSelector: { matchLabels: POSTGRES }, policyTypes: ['Ingress'], ingress: [{ from: [{ podSelector: { matchLabels: CONTROLLER } }], ports: tcp(5432) }],
    });
  });

  test('kmcp\'s controller (labels read in kagent-dev/kmcp@v0.3.0, not vendored) gets DNS and the API server only', () => {
    expect(KMCP_CONTROLLER_POD_LABELS).toEqual({ 'app.kubernetes.io/name': 'kmcp', 'app.kubernetes.io/instance': 'kagent', 'control-plane': 'controller-manager' });
    const selecting = policies('kagent').filter((p) => Object.entries(p.spec.podSelector.matchLabels ?? {})
      .every(([k, v]) => (KMCP_CONTROLLER_POD_LABELS as { [key: string]: string })[k] === v));
    expect(selecting.map((p) => p.metadata.name).sort()).toEqual(['allow-api-server', 'allow-dns', 'default-deny']);
  });

  test('k8sgpt-operator: Prometheus scrapes its metrics; it calls the analyzers in the analysis namespace (gRPC)', () => {
    expect(policy('k8sgpt-operator-system', 'k8sgpt-operator-controller-manager')).toEqual({
      podSelector: { matchLabels: { 'control-plane': 'controller-manager', 'app.kubernetes.io/name': 'k8sgpt-operator', 'app.kubernetes.io/instance': 'k8sgpt-operator' } },
      policyTypes: ['Ingress', 'Egress'],
      ingress: [{
        from: [{
          namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } },
          podSelector: { matchLabels: { 'app.kubernetes.io/name': 'prometheus', 'operator.prometheus.io/name': 'kube-prometheus-stack-prometheus' } },
        }],
        ports: tcp(8443),
      }],
      egress: [{ to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'cnai-analysis' } }, podSelector: { matchLabels: {} } }], ports: tcp(8080) }],
    });
  });

  test('without agent or analysis namespaces, no flow leaves either namespace but the API server and DNS', () => {
    const bare = Testing.synth(new PlatformOperators(Testing.app(), 'operators', { releases: OperatorCatalogue.operationsAssistant(), vpcCidr: '10.20.0.0/16' })) as Obj[];
    const controller = bare.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'kagent-controller')!.spec;
    expect(controller.egress).toEqual([{ to: [{ podSelector: { matchLabels: POSTGRES } }], ports: tcp(5432) }]);
    expect(bare.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'k8sgpt-operator-controller-manager')!.spec.policyTypes).toEqual(['Ingress']);
  });
});

test('an analysis namespace that is the operator\'s own is refused: the chart binds its ServiceAccount k8sgpt there to Secret reads', () => {
  expect(() => OperatorCatalogue.operationsAssistant({}, { analysisNamespaces: ['k8sgpt-operator-system'] }))
    .toThrow('OperatorCatalogue.operationsAssistant: invalid k8sgpt.analysisNamespaces = ["k8sgpt-operator-system"]: an analyzer in k8sgpt-operator-system would run as '
      + 'its ServiceAccount k8sgpt, which the chart\'s static RBAC binds to a ClusterRole that reads Secrets in every namespace');
});
