// Literal release renders and helpers for the platform model tests.
import * as fs from 'fs';
import * as path from 'path';
import { buildPlatformModel, BuildPlatformModelOptions, verifyPlatformReferences } from '../../../lib/verify';
import { PlatformModel } from '../../../lib/verify/platform/model';
import { ReleaseRender, ReleaseSourceType } from '../../../lib/verify/upstream/types';

export const PLATFORM_FILE = 'out/platform.yaml';
export const PLATFORM = fs.readFileSync(path.join(__dirname, 'fixtures', 'platform.yaml'), 'utf8');

/** kube-prometheus-stack 88.3.0 with the values of its values.yaml the checks read (as effectiveValues holds them). */
export const KUBE_PROMETHEUS_STACK: ReleaseRender = {
  application: 'kube-prometheus-stack',
  location: 'out/platform.yaml#2',
  namespace: 'monitoring',
  syncWave: -20,
  sourceType: ReleaseSourceType.HELM,
  repoUrl: 'https://prometheus-community.github.io/helm-charts',
  chartOrPath: 'kube-prometheus-stack',
  revision: '88.3.0',
  objects: [],
  rendered: false,
  provides: {
    customResources: [{ group: 'monitoring.coreos.com', kinds: ['Prometheus', 'Alertmanager', 'ServiceMonitor', 'PodMonitor', 'PrometheusRule'] }],
  },
  effectiveValues: {
    nameOverride: '',
    fullnameOverride: '',
    alertmanager: { enabled: true, service: { port: 9093, targetPort: 9093 }, alertmanagerSpec: { portName: 'http-web', routePrefix: '/' } },
    prometheus: {
      enabled: true,
      serviceAccount: { create: true, name: '' },
      service: { enabled: true, port: 9090, targetPort: 9090, reloaderWebPort: 8080 },
      prometheusSpec: {
        portName: 'http-web',
        routePrefix: '/',
        serviceMonitorSelectorNilUsesHelmValues: true,
        serviceMonitorSelector: {},
        serviceMonitorNamespaceSelector: {},
        podMonitorSelectorNilUsesHelmValues: true,
        podMonitorSelector: {},
        podMonitorNamespaceSelector: {},
        ruleSelectorNilUsesHelmValues: true,
        ruleSelector: {},
        ruleNamespaceSelector: {},
      },
    },
    grafana: {
      enabled: true,
      sidecar: {
        dashboards: { enabled: true, label: 'grafana_dashboard', labelValue: '1', searchNamespace: 'ALL' },
        datasources: { enabled: true, defaultDatasourceEnabled: true, label: 'grafana_datasource', labelValue: '1', alertmanager: { enabled: true } },
      },
      service: { portName: 'http-web' },
    },
  },
};

export const KEDA: ReleaseRender = {
  application: 'keda',
  location: 'out/platform.yaml#90',
  namespace: 'keda',
  syncWave: -10,
  sourceType: ReleaseSourceType.HELM,
  repoUrl: 'https://kedacore.github.io/charts',
  chartOrPath: 'keda',
  revision: '2.20.2',
  objects: [],
  rendered: false,
  provides: {
    customResources: [{ group: 'keda.sh', kinds: ['ScaledObject', 'ScaledJob', 'TriggerAuthentication'] }],
    workloads: [{ name: 'keda-operator', podLabels: { 'app': 'keda-operator', 'app.kubernetes.io/name': 'keda-operator' }, serviceAccount: 'keda-operator' }],
  },
};

export const KUEUE: ReleaseRender = {
  application: 'kueue',
  location: 'out/platform.yaml#91',
  namespace: 'kueue-system',
  syncWave: -10,
  sourceType: ReleaseSourceType.HELM,
  repoUrl: 'registry.k8s.io/kueue/charts',
  chartOrPath: 'kueue',
  revision: '0.19.2',
  objects: [],
  rendered: false,
  provides: { customResources: [{ group: 'kueue.x-k8s.io', kinds: ['ResourceFlavor', 'ClusterQueue', 'LocalQueue', 'Workload'] }] },
};

export const EXTERNAL_SECRETS: ReleaseRender = {
  application: 'external-secrets',
  location: 'out/platform.yaml#92',
  namespace: 'external-secrets',
  syncWave: -10,
  sourceType: ReleaseSourceType.HELM,
  repoUrl: 'https://charts.external-secrets.io',
  chartOrPath: 'external-secrets',
  revision: '2.9.0',
  objects: [],
  rendered: false,
  provides: { customResources: [{ group: 'external-secrets.io', kinds: ['ExternalSecret', 'ClusterSecretStore', 'SecretStore'] }] },
};

/** KServe rendered: its CRD (served versions) and a ClusterServingRuntime for Hugging Face models. */
export const KSERVE: ReleaseRender = {
  application: 'kserve',
  location: 'out/platform.yaml#93',
  namespace: 'kserve',
  syncWave: -10,
  sourceType: ReleaseSourceType.KUSTOMIZE,
  repoUrl: 'https://github.com/kserve/kserve',
  chartOrPath: 'config/overlays/standalone/kserve',
  revision: 'v0.20.0',
  objects: [
    {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'inferenceservices.serving.kserve.io' },
      spec: { group: 'serving.kserve.io', names: { kind: 'InferenceService', plural: 'inferenceservices' }, scope: 'Namespaced', versions: [{ name: 'v1beta1', served: true, storage: true }] },
    },
    {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'clusterservingruntimes.serving.kserve.io' },
      spec: { group: 'serving.kserve.io', names: { kind: 'ClusterServingRuntime', plural: 'clusterservingruntimes' }, scope: 'Cluster', versions: [{ name: 'v1alpha1', served: true, storage: true }] },
    },
    {
      apiVersion: 'serving.kserve.io/v1alpha1',
      kind: 'ClusterServingRuntime',
      metadata: { name: 'kserve-huggingfaceserver' },
      spec: {
        supportedModelFormats: [{ name: 'huggingface', version: '1', autoSelect: true, priority: 1 }],
        containers: [{ name: 'kserve-container', image: 'kserve/huggingfaceserver:v0.20.0' }],
      },
    },
  ],
  rendered: true,
};

export const RELEASES = [KUBE_PROMETHEUS_STACK, KEDA, KUEUE, EXTERNAL_SECRETS, KSERVE];

/** The model of `yaml` (the output) with `releases`. */
export function modelOf(yaml: string, releases: ReleaseRender[] = RELEASES, options?: BuildPlatformModelOptions): PlatformModel {
  return buildPlatformModel([{ file: PLATFORM_FILE, content: yaml }], releases, options);
}

/** The messages of the reference findings of `yaml` with `releases`. */
export function findingsOf(yaml: string, releases: ReleaseRender[] = RELEASES): string[] {
  return verifyPlatformReferences(modelOf(yaml, releases)).findings.map((f) => f.message);
}

/** `PLATFORM` with `from` replaced by `to` (which must occur). */
export function platformWith(from: string, to: string): string {
  if (!PLATFORM.includes(from)) throw new Error(`fixture has no ${JSON.stringify(from)}`);
  return PLATFORM.replace(from, to);
}

/** `PLATFORM` plus more documents. */
export function platformPlus(yaml: string): string {
  return `${PLATFORM}---\n${yaml}`;
}
