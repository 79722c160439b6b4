import * as path from 'path';
import { assertProvidedTemplates, assertValuesInChart, crdKindsIn, declaredKinds, upstreamPath } from './upstream';
import { ASSISTANT_IMAGES, imageRef } from '../../../lib/core';
import { InstallPhase, OperatorCatalogue } from '../../../lib/k8s';

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
    expect(kmcpCrds.source).toMatchObject({ repoUrl: 'oci://ghcr.io/kagent-dev/kmcp/helm', chart: 'kmcp-crds', version: 'v0.3.0' });
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
    // The chart's default ModelConfig is left as shipped (its key Secret is never created): the platform's agents use their own.
    expect(v.providers).toBeUndefined();
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
      controllerManager: {
        manager: { image: { repository: 'ghcr.io/k8sgpt-ai/k8sgpt-operator', tag: 'v0.2.27' } },
        kubeRbacProxy: { image: { repository: 'quay.io/brancz/kube-rbac-proxy', tag: 'v0.19.1' } },
      },
    });
    assertValuesInChart(k8sgpt.values, k8sgptChart());
    assertProvidedTemplates(k8sgpt.provides, k8sgptChart());
    expect(declaredKinds(k8sgpt.provides)).toEqual(crdKindsIn(path.join(k8sgptChart(), 'crds')));
  });

  test('without agent namespaces only kagent\'s own is watched; the bundled database on a StorageClass given', () => {
    const plain = OperatorCatalogue.operationsAssistant({ databaseStorageClass: 'encrypted-gp3' })[2];
    expect(plain.values.rbac).toEqual({ namespaces: ['kagent'] });
    expect(plain.values.database.postgres.bundled.storageClassName).toBe('encrypted-gp3');
    assertValuesInChart(plain.values, kagentChart());
  });
});
