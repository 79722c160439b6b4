import * as fs from 'fs';
import * as path from 'path';
import { Duration, Testing } from 'cdk8s';
import * as YAML from 'yaml';
import { METRICS_BACKEND, OPERATORS, PlatformContract, PROVIDES_ANNOTATION } from '../../../lib/core';
import {
  AlertReceiver, ArgoCdApplications, InstallPhase, KubePrometheusStack, OperatorCatalogue, PodSecurityLevel, syncWaveOf,
} from '../../../lib/k8s';
import { one } from '../helpers';

/** The vendored chart (../shared/upstream next to the project, or $CNAI_UPSTREAM_DIR). */
const UPSTREAM = process.env.CNAI_UPSTREAM_DIR ?? path.resolve(__dirname, '..', '..', '..', '..', 'shared', 'upstream');
const CHART = path.join(UPSTREAM, 'kube-prometheus-stack', '88.3.0', 'charts', 'kube-prometheus-stack');
const SUBCHARTS: { [key: string]: string } = {
  'grafana': path.join(UPSTREAM, 'grafana', '12.10.4', 'charts', 'grafana'),
  'kube-state-metrics': path.join(UPSTREAM, 'kube-state-metrics', '8.2.0', 'charts', 'kube-state-metrics'),
  'prometheus-node-exporter': path.join(UPSTREAM, 'prometheus-node-exporter', '4.56.1', 'charts', 'prometheus-node-exporter'),
};

function readYaml(file: string): any {
  if (!fs.existsSync(file)) {
    throw new Error(`${file} is missing: these tests read the vendored kube-prometheus-stack 88.3.0 chart and its dependencies; `
      + 'put the shared upstream folder next to the project or set CNAI_UPSTREAM_DIR (see ../shared/upstream/SOURCES.tsv to fetch them)');
  }
  return YAML.parse(fs.readFileSync(file, 'utf8'));
}

/** Paths of `ours` with no key in the chart's values (descending while the chart has sub-keys; an empty map or a value takes anything). */
function unknownKeys(ours: any, chart: any, at: string[] = []): string[] {
  if (!isMap(ours) || !isMap(chart) || Object.keys(chart).length === 0) return [];
  return Object.entries(ours).flatMap(([k, v]) => (k in chart ? unknownKeys(v, chart[k], [...at, k]) : [[...at, k].join('.')]));
}
const isMap = (x: any) => x !== null && typeof x === 'object' && !Array.isArray(x);

describe('kube-prometheus-stack release', () => {
  const stack = new KubePrometheusStack();
  const release = stack.release;

  test('the chart at 88.3.0 in monitoring, first (foundation), with server-side apply for its large CRDs', () => {
    expect(release.name).toBe('kube-prometheus-stack');
    expect(release.namespace).toBe('monitoring');
    expect(release.source.repoUrl).toBe('https://prometheus-community.github.io/helm-charts');
    expect(release.source.chart).toBe('kube-prometheus-stack');
    expect(release.source.version).toBe('88.3.0');
    expect(release.phase).toBe(InstallPhase.FOUNDATION);
    expect(release.syncWave).toBe(-20);
    expect(release.syncWave).toBeLessThan(OperatorCatalogue.keda().syncWave);
    expect(release.serverSideApply).toBe(true);
    expect(release.podSecurity).toBe(PodSecurityLevel.PRIVILEGED);
    expect(release.podSecurityReason).toMatch(/^prometheus-node-exporter reads node metrics through the host network/);
    expect(OperatorCatalogue.platformDefaults().filter((r) => r.name === 'kube-prometheus-stack')).toHaveLength(1);
    expect(OperatorCatalogue.platformDefaults().map((r) => r.name)).not.toContain('prometheus-operator');
  });

  test('Grafana runs as the Deployment kube-prometheus-stack-grafana, with no persisted data (the name the secret rollout patches)', () => {
    const grafana = SUBCHARTS.grafana;
    const deployment = fs.readFileSync(path.join(grafana, 'templates', 'deployment.yaml'), 'utf8');
    // A Deployment unless useStatefulSet or non-PVC persistence; named grafana.fullname.
    expect(deployment.split('\n')[0]).toBe('{{- if (and (not .Values.useStatefulSet) (or (not .Values.persistence.enabled) (eq .Values.persistence.type "pvc"))) }}');
    expect(deployment).toContain('kind: Deployment\nmetadata:\n  name: {{ include "grafana.fullname" . }}');
    // grafana.fullname: "<release>-grafana" when the release name does not contain the chart's name and nothing overrides it.
    const helpers = fs.readFileSync(path.join(grafana, 'templates', '_helpers.tpl'), 'utf8');
    expect(helpers).toContain('{{- $name := default .Chart.Name .Values.nameOverride }}\n{{- if contains $name .Release.Name }}');
    expect(helpers).toContain('{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}');
    const values = readYaml(path.join(grafana, 'values.yaml'));
    expect([values.persistence.enabled, values.useStatefulSet ?? false]).toEqual([false, false]);
    const ours = release.values.grafana as any;
    expect([ours.persistence, ours.useStatefulSet, ours.fullnameOverride, ours.nameOverride]).toEqual([undefined, undefined, undefined, undefined]);
    expect(release.name.includes('grafana')).toBe(false);
    expect(stack.grafanaDeploymentName).toBe('kube-prometheus-stack-grafana');
    expect(stack.grafanaDeploymentName).toBe(`${release.name}-grafana`);
  });

  test('the vendored chart is the one whose operator and CRDs the verifier checks', () => {
    const chart = readYaml(path.join(CHART, 'Chart.yaml'));
    expect(chart.version).toBe(release.source.version);
    expect(chart.appVersion).toBe(OPERATORS.prometheusOperator.version);
    expect(chart.appVersion).toBe('v0.93.0');
    const deps = Object.fromEntries(chart.dependencies.map((d: any) => [d.name, d.version]));
    expect(deps).toMatchObject({ 'grafana': '12.10.4', 'kube-state-metrics': '8.2.0', 'prometheus-node-exporter': '4.56.1' });
  });

  test('the values, literally', () => {
    const volume = (size: string) => ({
      volumeClaimTemplate: { spec: { storageClassName: 'cnai-gp3-encrypted-retain', accessModes: ['ReadWriteOnce'], resources: { requests: { storage: size } } } },
    });
    const platform = { matchLabels: { 'app.kubernetes.io/part-of': 'cnai-platform' } };
    expect(release.values).toEqual({
      'fullnameOverride': 'kube-prometheus-stack',
      'crds': { enabled: true },
      'kubeControllerManager': { enabled: false },
      'kubeScheduler': { enabled: false },
      'kubeEtcd': { enabled: false },
      'kubeProxy': { enabled: false },
      'prometheusOperator': {
        admissionWebhooks: { enabled: false },
        tls: { enabled: false },
        resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '512Mi' } },
      },
      'prometheus': {
        prometheusSpec: {
          replicas: 1,
          retention: '15d',
          retentionSize: '40GiB',
          storageSpec: volume('50Gi'),
          persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' },
          resources: { requests: { cpu: '500m', memory: '2Gi' }, limits: { memory: '4Gi' } },
          serviceMonitorSelectorNilUsesHelmValues: false,
          serviceMonitorNamespaceSelector: platform,
          podMonitorSelectorNilUsesHelmValues: false,
          podMonitorNamespaceSelector: platform,
          probeSelectorNilUsesHelmValues: false,
          probeNamespaceSelector: platform,
          scrapeConfigSelectorNilUsesHelmValues: false,
          scrapeConfigNamespaceSelector: platform,
          ruleSelectorNilUsesHelmValues: false,
          ruleNamespaceSelector: platform,
        },
      },
      'alertmanager': {
        alertmanagerSpec: {
          replicas: 1,
          storage: volume('2Gi'),
          resources: { requests: { cpu: '50m', memory: '128Mi' }, limits: { memory: '256Mi' } },
          automountServiceAccountToken: false,
        },
      },
      'grafana': {
        'admin': { existingSecret: 'grafana-admin', userKey: 'admin-user', passwordKey: 'admin-password' },
        'rbac': { namespaced: true },
        'sidecar': {
          dashboards: {
            enabled: true,
            label: 'grafana_dashboard',
            labelValue: '1',
            searchNamespace: 'monitoring',
            folderAnnotation: 'grafana_folder',
            provider: { foldersFromFilesStructure: true },
          },
        },
        'grafana.ini': { analytics: { check_for_updates: false } },
        'resources': { requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '512Mi' } },
        'testFramework': { enabled: false },
      },
      'kube-state-metrics': { metricLabelsAllowlist: ['pods=[cnai.io/llm-service]'], resources: { requests: { cpu: '50m', memory: '128Mi' }, limits: { memory: '256Mi' } } },
      'prometheus-node-exporter': { resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { memory: '128Mi' } } },
    });
  });

  test('every value exists in the chart (kube-prometheus-stack values.yaml, or a subchart\'s for its section)', () => {
    const values = readYaml(path.join(CHART, 'values.yaml'));
    const subcharts = Object.fromEntries(Object.entries(SUBCHARTS).map(([k, dir]) => [k, readYaml(path.join(dir, 'values.yaml'))]));
    const receivers = [
      AlertReceiver.webhook({ secretName: 'alert-webhook', key: 'url' }),
      AlertReceiver.slack({ secretName: 'slack', key: 'webhook-url' }, { channel: '#platform' }),
      AlertReceiver.configSecret(),
    ];
    for (const r of [release, ...receivers.map((alertReceiver) => new KubePrometheusStack({ alertReceiver }).release)]) {
      const unknown = Object.entries(r.values).flatMap(([k, v]) => {
        const inParent = unknownKeys({ [k]: v }, values);
        if (!(k in subcharts)) return inParent;
        // A subchart's section: a key the parent does not list must be in the subchart's own values.
        const inSubchart = new Set(unknownKeys(v, subcharts[k], [k]));
        return inParent.filter((p) => inSubchart.has(p));
      });
      expect(unknown).toEqual([]);
    }
    // The checker itself finds an unknown key.
    expect(unknownKeys({ prometheus: { prometheusSpec: { retentionn: '1d' } } }, values)).toEqual(['prometheus.prometheusSpec.retentionn']);
  });

  test('provides: the CRDs, the Services with their ports and the pods they select, from templates that exist', () => {
    const p = release.provides;
    expect(p.customResources).toEqual([{
      group: 'monitoring.coreos.com',
      kinds: ['Alertmanager', 'AlertmanagerConfig', 'PodMonitor', 'Probe', 'Prometheus', 'PrometheusAgent', 'PrometheusRule', 'ScrapeConfig', 'ServiceMonitor', 'ThanosRuler'],
    }]);
    const crds = fs.readdirSync(path.join(CHART, 'charts', 'crds', 'crds')).map((f) => readYaml(path.join(CHART, 'charts', 'crds', 'crds', f)).spec.names.kind).sort();
    expect(crds).toEqual(p.customResources![0].kinds);
    expect(p.services!.map((s) => [s.name, s.namespace, s.ports.map((x) => x.port)])).toEqual([
      ['kube-prometheus-stack-prometheus', 'monitoring', [9090, 8080]],
      ['kube-prometheus-stack-alertmanager', 'monitoring', [9093, 8080]],
      ['kube-prometheus-stack-grafana', 'monitoring', [80]],
      ['kube-prometheus-stack-operator', 'monitoring', [8080]],
      ['kube-prometheus-stack-kube-state-metrics', 'monitoring', [8080]],
      ['kube-prometheus-stack-prometheus-node-exporter', 'monitoring', [9100]],
    ]);
    expect(p.workloads!.find((w) => w.name === 'prometheus-kube-prometheus-stack-prometheus')!.podLabels).toEqual({
      'app.kubernetes.io/managed-by': 'prometheus-operator',
      'app.kubernetes.io/name': 'prometheus',
      'app.kubernetes.io/instance': 'kube-prometheus-stack-prometheus',
      'operator.prometheus.io/name': 'kube-prometheus-stack-prometheus',
      'operator.prometheus.io/shard': '0',
      'prometheus': 'kube-prometheus-stack-prometheus',
    });
    expect(p.workloads!.find((w) => w.hostNetwork)!.name).toBe('kube-prometheus-stack-prometheus-node-exporter');
    for (const s of p.services!) {
      // Each Service selects the pods of one declared workload, which listens on the Service's target ports.
      const pods = p.workloads!.filter((w) => Object.entries(s.selector).every(([k, v]) => w.podLabels[k] === v));
      expect([s.name, pods.length]).toEqual([s.name, 1]);
      for (const port of s.ports) expect(pods[0].ports!.map((x) => x.containerPort)).toContain(port.targetPort ?? port.port);
    }
    const templates = [...p.services!, ...p.workloads!, ...p.objects!].map((x) => x.template!);
    const fileOf = (t: string) => {
      const sub = /^charts\/([^/]+)\/(.*)$/.exec(t);
      return sub ? path.join(SUBCHARTS[sub[1]], sub[2]) : path.join(CHART, t);
    };
    for (const t of templates) expect([t, fs.existsSync(fileOf(t))]).toEqual([t, true]);
    // The Service templates name the ports and selectors declared.
    const prometheusService = fs.readFileSync(path.join(CHART, 'templates', 'prometheus', 'service.yaml'), 'utf8');
    expect(prometheusService).toContain('name: {{ template "kube-prometheus-stack.fullname" . }}-prometheus');
    expect(prometheusService).toContain('operator.prometheus.io/name: {{ template "kube-prometheus-stack.prometheus.crname" . }}');
  });

  test('the handle: Prometheus URL, pods, and how monitors, rules and dashboards are selected', () => {
    expect(stack.queryUrl).toBe('http://kube-prometheus-stack-prometheus.monitoring.svc:9090');
    expect(stack.queryPort).toBe(9090);
    expect(stack.scraper.namespace).toBe('monitoring');
    expect(stack.scraper.podLabels).toEqual({ 'app.kubernetes.io/name': 'prometheus', 'operator.prometheus.io/name': 'kube-prometheus-stack-prometheus' });
    expect(stack.queryServer).toBe(stack.scraper);
    expect(stack.grafanaPods.podLabels).toEqual({ 'app.kubernetes.io/name': 'grafana', 'app.kubernetes.io/instance': 'kube-prometheus-stack' });
    expect(stack.alertmanagerPods.podLabels).toEqual({ 'app.kubernetes.io/name': 'alertmanager', 'alertmanager': 'kube-prometheus-stack-alertmanager' });
    expect(stack.monitorNamespaceLabels).toEqual({ 'app.kubernetes.io/part-of': 'cnai-platform' });
    expect(stack.monitorLabels).toEqual({});
    expect(stack.ruleNamespace).toBe('monitoring');
    expect(stack.dashboardNamespace).toBe('monitoring');
    expect(stack.dashboardLabels).toEqual({ grafana_dashboard: '1' });
    // Every handle's selectors match the pods the release declares.
    for (const sel of [stack.prometheusPods, stack.alertmanagerPods, stack.grafanaPods, stack.operatorPods, stack.kubeStateMetricsPods]) {
      expect(release.provides.workloads!.filter((w) => Object.entries(sel.podLabels).every(([k, v]) => w.podLabels[k] === v))).toHaveLength(1);
    }
    expect(KubePrometheusStack.platformDefault()).toBe(KubePrometheusStack.platformDefault());
  });

  test('retention, volume and replicas from the props', () => {
    const r = new KubePrometheusStack({ retention: Duration.hours(36), storageGiB: 200, prometheusReplicas: 2, storageClassName: 'gp3-fast' });
    expect(r.release.values.prometheus.prometheusSpec).toMatchObject({
      replicas: 2,
      retention: '36h',
      retentionSize: '160GiB',
      storageSpec: { volumeClaimTemplate: { spec: { storageClassName: 'gp3-fast', resources: { requests: { storage: '200Gi' } } } } },
    });
    expect(new KubePrometheusStack({ retention: Duration.minutes(150), retentionSizeGiB: 30 }).release.values.prometheus.prometheusSpec)
      .toMatchObject({ retention: '150m', retentionSize: '30GiB' });
  });

  describe('the alert receiver hook', () => {
    test('none: the chart\'s "null" receiver, no Secret mounted, no way out for Alertmanager', () => {
      expect(stack.alertReceiver).toBeUndefined();
      expect(release.values.alertmanager.config).toBeUndefined();
      expect(release.values.alertmanager.alertmanagerSpec.secrets).toBeUndefined();
    });

    test('a webhook: the URL is read from the mounted Secret, every alert but Watchdog goes there', () => {
      const r = new KubePrometheusStack({ alertReceiver: AlertReceiver.webhook({ secretName: 'alert-webhook', key: 'url' }) }).release;
      expect(r.values.alertmanager.alertmanagerSpec).toMatchObject({ replicas: 1, automountServiceAccountToken: false, secrets: ['alert-webhook'] });
      expect(r.values.alertmanager.config).toEqual({
        route: { receiver: 'platform', routes: [{ receiver: 'null', matchers: ['alertname = "Watchdog"'] }] },
        receivers: [{ name: 'null' }, { name: 'platform', webhook_configs: [{ url_file: '/etc/alertmanager/secrets/alert-webhook/url', send_resolved: true }] }],
      });
      expect(JSON.stringify(r.values)).not.toMatch(/https?:\/\//);
    });

    test('Slack: the incoming webhook from the mounted Secret, with a channel', () => {
      const r = new KubePrometheusStack({ alertReceiver: AlertReceiver.slack({ secretName: 'slack', key: 'webhook-url' }, { channel: '#platform-alerts' }) }).release;
      expect(r.values.alertmanager.config.receivers[1]).toEqual({
        name: 'platform',
        slack_configs: [{ api_url_file: '/etc/alertmanager/secrets/slack/webhook-url', send_resolved: true, channel: '#platform-alerts' }],
      });
    });

    test('a whole configuration in a Secret the user provides', () => {
      const receiver = AlertReceiver.configSecret();
      expect(receiver.secret).toEqual({ secretName: 'alertmanager-kube-prometheus-stack-alertmanager', key: 'alertmanager.yaml' });
      const r = new KubePrometheusStack({ alertReceiver: receiver }).release;
      expect(r.values.alertmanager.alertmanagerSpec.useExistingSecret).toBe(true);
      expect(r.values.alertmanager.config).toBeUndefined();
    });
  });

  describe('errors', () => {
    test.each<[string, () => unknown, RegExp]>([
      ['a retention under one block', () => new KubePrometheusStack({ retention: Duration.hours(1) }),
        /invalid retention = "3600s": Prometheus keeps whole minutes, and at least one 2-hour block/],
      ['a retention of part of a minute', () => new KubePrometheusStack({ retention: Duration.seconds(7230) }),
        /invalid retention = "7230s": Prometheus keeps whole minutes/],
      ['a volume under 10 GiB', () => new KubePrometheusStack({ storageGiB: 5 }), /invalid storageGiB = 5: not a volume size from 10 to 16384 GiB/],
      ['a retention size as large as the volume', () => new KubePrometheusStack({ storageGiB: 50, retentionSizeGiB: 50 }),
        /invalid retentionSizeGiB = 50: must be a whole number of GiB below the volume size \(50 GiB\).*Fix: give at most 40/],
      ['no Prometheus replica', () => new KubePrometheusStack({ prometheusReplicas: 0 }), /invalid prometheusReplicas = 0: not 1 to 3 replicas/],
      ['a Grafana Secret name that is not a name', () => new KubePrometheusStack({ grafanaAdminSecret: 'Grafana Admin' }), /invalid grafanaAdminSecret = "Grafana Admin"/],
      ['a receiver URL instead of a Secret name', () => AlertReceiver.webhook({ secretName: 'https://hooks.example.com/x', key: 'url' }),
        /invalid secretName = "https:\/\/hooks.example.com\/x".*never the URL itself/],
      ['a receiver Secret key that is not a key', () => AlertReceiver.webhook({ secretName: 'hook', key: 'a/b' }), /invalid key = "a\/b": not a Secret key/],
      ['a Slack channel that is not a channel', () => AlertReceiver.slack({ secretName: 'slack', key: 'url' }, { channel: 'Platform Alerts' }),
        /invalid channel = "Platform Alerts": not a Slack channel name/],
    ])('%s', (_name, build, message) => {
      expect(build).toThrow(message);
    });
  });
});

const WORKSPACE = {
  workspaceId: 'ws-0123abcd-4567-89ef-0123-456789abcdef',
  region: 'us-west-2',
  remoteWriteUrl: 'https://aps-workspaces.us-west-2.amazonaws.com/workspaces/ws-0123abcd-4567-89ef-0123-456789abcdef/api/v1/remote_write',
  queryUrl: 'https://aps-workspaces.us-west-2.amazonaws.com/workspaces/ws-0123abcd-4567-89ef-0123-456789abcdef',
};
const KEDA_IDENTITY = { namespace: 'keda', serviceAccount: 'keda-operator', roleName: 'cnai-test-keda-operator' };
const PROMETHEUS_IDENTITY = { namespace: 'monitoring', serviceAccount: 'kube-prometheus-stack-prometheus', roleName: 'cnai-test-prometheus-remote-write' };
/** A contract as `terraform output -json platform_contract` gives it (only what the stack reads). */
function contractWith(metrics: PlatformContract['metrics'], identities = [PROMETHEUS_IDENTITY, KEDA_IDENTITY]): PlatformContract {
  return {
    platformName: 'cnai',
    environment: 'test',
    region: 'us-west-2',
    accountId: '123456789012',
    clusterName: 'cnai-test',
    kubernetesVersion: '1.34',
    buckets: { models: 'm', datasets: 'd' },
    nodePools: [],
    workloadIdentities: identities,
    metrics,
  };
}

describe('Amazon Managed Service for Prometheus', () => {
  const managed = KubePrometheusStack.fromContract(contractWith({ grafanaAdminSecretName: 'cnai-test/grafana-admin', managedPrometheus: WORKSPACE }));
  const spec = managed.release.values.prometheus.prometheusSpec;

  test('Prometheus remote-writes every sample to the contract\'s workspace, SigV4 with the region only (credentials from Pod Identity)', () => {
    expect(spec.remoteWrite).toEqual([{
      name: 'amazon-managed-prometheus',
      url: 'https://aps-workspaces.us-west-2.amazonaws.com/workspaces/ws-0123abcd-4567-89ef-0123-456789abcdef/api/v1/remote_write',
      sigv4: { region: 'us-west-2' },
      queueConfig: { capacity: 2500, maxShards: 200, maxSamplesPerSend: 1000 },
    }]);
    // It keeps scraping and answering queries: selection, retention and volume as without the workspace.
    const local = new KubePrometheusStack().release.values.prometheus.prometheusSpec;
    expect({ ...spec, remoteWrite: undefined }).toEqual({ ...local, remoteWrite: undefined });
    expect(managed.queryUrl).toBe('http://kube-prometheus-stack-prometheus.monitoring.svc:9090');
    expect(managed.managedPrometheus).toEqual(WORKSPACE);
  });

  test('KEDA queries the workspace with its own identity when the contract lists it', () => {
    expect(managed.autoscalingQuery).toEqual({ serverAddress: WORKSPACE.queryUrl, awsRegion: 'us-west-2' });
    const withoutKeda = KubePrometheusStack.fromContract(contractWith({ managedPrometheus: WORKSPACE }, [PROMETHEUS_IDENTITY]));
    expect(withoutKeda.autoscalingQuery).toBeUndefined();
    expect(withoutKeda.release.values.prometheus.prometheusSpec.remoteWrite).toHaveLength(1);
    const kedaOff = KubePrometheusStack.fromContract(contractWith({ managedPrometheus: WORKSPACE }), { kedaQueriesManagedPrometheus: false });
    expect(kedaOff.autoscalingQuery).toBeUndefined();
    // Without a workspace (and without props), the platform default.
    expect(KubePrometheusStack.fromContract(contractWith({ grafanaAdminSecretName: 'cnai-test/grafana-admin' }))).toBe(KubePrometheusStack.platformDefault());
    expect(KubePrometheusStack.platformDefault().autoscalingQuery).toBeUndefined();
  });

  test('replicas carry __replica__ and one cluster label, so the workspace keeps one copy of each series', () => {
    const ha = KubePrometheusStack.fromContract(contractWith({ managedPrometheus: WORKSPACE }), { prometheusReplicas: 2 })
      .release.values.prometheus.prometheusSpec;
    expect(ha).toMatchObject({ replicas: 2, replicaExternalLabelName: '__replica__', externalLabels: { cluster: 'kube-prometheus-stack-prometheus' } });
    expect(spec.replicaExternalLabelName).toBeUndefined();
  });

  test('every value exists in the chart, and the remote write entry in the Prometheus CRD of the chart (RemoteWriteSpec)', () => {
    const values = readYaml(path.join(CHART, 'values.yaml'));
    const ha = KubePrometheusStack.fromContract(contractWith({ managedPrometheus: WORKSPACE }), { prometheusReplicas: 2 });
    for (const r of [managed.release, ha.release]) expect(unknownKeys({ prometheus: r.values.prometheus }, values)).toEqual([]);
    const crd = readYaml(path.join(CHART, 'charts', 'crds', 'crds', 'crd-prometheuses.yaml'));
    const remoteWrite = crd.spec.versions.find((v: any) => v.name === 'v1').schema.openAPIV3Schema.properties.spec.properties.remoteWrite.items;
    const unknownInSchema = (obj: any, schema: any, at: string): string[] => Object.entries(obj).flatMap(([k, v]) => {
      const sub = schema.properties?.[k];
      if (!sub) return [`${at}.${k}`];
      return isMap(v) ? unknownInSchema(v, sub, `${at}.${k}`) : [];
    });
    expect(unknownInSchema(spec.remoteWrite[0], remoteWrite, 'remoteWrite[0]')).toEqual([]);
    expect(remoteWrite.required).toEqual(['url']);
    expect(unknownInSchema({ sigv4: { regionn: 'x' } }, remoteWrite, 'remoteWrite[0]')).toEqual(['remoteWrite[0].sigv4.regionn']);
  });

  test('the service account the AWS layer associates is the one the chart gives Prometheus', () => {
    const helpers = fs.readFileSync(path.join(CHART, 'templates', '_helpers.tpl'), 'utf8');
    expect(helpers).toContain('{{ default (print (include "kube-prometheus-stack.fullname" .) "-prometheus") .Values.prometheus.serviceAccount.name }}');
    expect(managed.release.values.fullnameOverride).toBe('kube-prometheus-stack');
    const prometheus = managed.release.provides.workloads!.find((w) => w.podLabels['app.kubernetes.io/name'] === 'prometheus')!;
    expect([prometheus.namespace, prometheus.serviceAccount]).toEqual([METRICS_BACKEND.namespace, METRICS_BACKEND.prometheusServiceAccount]);
  });

  describe('errors', () => {
    test('KEDA asked to query the workspace, and the contract has no KEDA identity', () => {
      const withoutKeda = contractWith({ managedPrometheus: WORKSPACE }, [PROMETHEUS_IDENTITY]);
      expect(() => KubePrometheusStack.fromContract(withoutKeda, { kedaQueriesManagedPrometheus: true }))
        .toThrow('KubePrometheusStack.fromContract: invalid kedaQueriesManagedPrometheus = true: the contract has no workload identity for keda/keda-operator: '
          + 'KEDA could not sign its queries, and the workspace refuses unsigned ones. Fix: create the workspace in the AWS layer with kedaQueries on (the default) '
          + 'and take the contract from that stack, or set kedaQueriesManagedPrometheus: false to query the in-cluster Prometheus.');
    });

    test('KEDA asked to query a workspace the contract does not have', () => {
      expect(() => KubePrometheusStack.fromContract(contractWith(undefined), { kedaQueriesManagedPrometheus: true }))
        .toThrow(/invalid kedaQueriesManagedPrometheus = true: the contract has no managed Prometheus workspace \(metrics.managedPrometheus\)/);
      expect(() => new KubePrometheusStack({ kedaQueriesManagedPrometheus: true }))
        .toThrow('KubePrometheusStack: invalid kedaQueriesManagedPrometheus = true: there is no managed Prometheus workspace to query.');
    });

    test('a workspace that is not one', () => {
      expect(() => new KubePrometheusStack({ managedPrometheus: { ...WORKSPACE, remoteWriteUrl: 'http://aps-workspaces/x' } }))
        .toThrow('KubePrometheusStack: invalid managedPrometheus.remoteWriteUrl = "http://aps-workspaces/x": not an https URL.');
      expect(() => new KubePrometheusStack({ managedPrometheus: { ...WORKSPACE, region: 'Oregon' } }))
        .toThrow(/invalid managedPrometheus.region = "Oregon": not an AWS region/);
    });
  });
});

test('the operators chart installs the stack and labels the monitoring namespace for Prometheus\' selection', () => {
  const chart = Testing.chart();
  new ArgoCdApplications(chart, 'apps', { releases: OperatorCatalogue.platformDefaults() });
  const objects = Testing.synth(chart);
  const app = one(objects, 'Application', 'kube-prometheus-stack');
  expect(app.spec.source).toMatchObject({ repoURL: 'https://prometheus-community.github.io/helm-charts', chart: 'kube-prometheus-stack', targetRevision: '88.3.0' });
  // The Application carries what the release provides, for the whole-platform verification.
  expect(JSON.parse(app.metadata.annotations[PROVIDES_ANNOTATION])).toEqual(JSON.parse(JSON.stringify(KubePrometheusStack.provides())));
  expect(app.spec.syncPolicy.syncOptions).toContain('ServerSideApply=true');
  expect(app.metadata.annotations['argocd.argoproj.io/sync-wave']).toBe(String(syncWaveOf(InstallPhase.FOUNDATION)));
  const ns = one(objects, 'Namespace', 'monitoring');
  expect(ns.metadata.labels).toMatchObject({ 'app.kubernetes.io/part-of': 'cnai-platform', 'pod-security.kubernetes.io/enforce': 'privileged' });
});
