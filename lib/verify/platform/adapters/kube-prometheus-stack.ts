/**
 * The metrics backend of a kube-prometheus-stack (or standalone grafana) Helm release, built from
 * the release's effective values: the Prometheus and Alertmanager custom resources with the
 * selectors the chart writes, their Services and ServiceAccounts, and Grafana with its dashboard
 * and datasource sidecars, as far as the whole-platform checks need them. Objects the release's
 * render already has are kept; these fill the gaps (the Prometheus and Alertmanager resources are
 * always built from the values, since their selectors decide what is monitored).
 *
 * Read in prometheus-community/helm-charts@kube-prometheus-stack-88.3.0, charts/kube-prometheus-stack:
 * - templates/_helpers.tpl: fullname (fullnameOverride, or the release name when it contains the
 *   chart name, else `<release>-<chart>`, truncated to 26), `<fullname>-prometheus` and
 *   `<fullname>-alertmanager` resource names (plain fullname with cleanPrometheusOperatorObjectNames),
 *   the Prometheus ServiceAccount name;
 * - templates/prometheus/prometheus.yaml: a selector value that is set (non-empty) is used as is;
 *   otherwise `*SelectorNilUsesHelmValues: true` selects `release: <release name>` and false selects
 *   everything (`{}`); ruleSelector: unset and NilUsesHelmValues false leaves it nil (no rules);
 *   namespace selectors default to `{}` (all namespaces); alerting goes to `<fullname>-alertmanager`
 *   on port alertmanagerSpec.portName;
 * - templates/prometheus/service.yaml, templates/alertmanager/service.yaml: the Services' ports
 *   and selectors;
 * - templates/grafana/configmaps-datasources.yaml: the Prometheus datasource
 *   `http://<fullname>-prometheus.<namespace>:<port>/<routePrefix>`;
 * - values.yaml `grafana.sidecar`: dashboards sidecar enabled, label grafana_dashboard = "1",
 *   searchNamespace ALL.
 * Read in grafana-community/helm-charts@grafana-12.10.4, charts/grafana (the subchart's defaults):
 * - values.yaml: sidecar.dashboards and sidecar.datasources disabled, labels grafana_dashboard and
 *   grafana_datasource with any value, searchNamespace null (Grafana's own namespace), resource both;
 *   service port 80 → `grafana` (3000), ServiceAccount `<fullname>` when created;
 * - templates/_pod.tpl: sidecar containers `grafana-sc-dashboard` / `grafana-sc-datasources` with
 *   env LABEL, LABEL_VALUE (only when set), NAMESPACE (only when searchNamespace is set, joined by
 *   commas), RESOURCE; templates/_helpers.tpl: pod labels app.kubernetes.io/name=grafana,
 *   app.kubernetes.io/instance=<release>.
 */
import { KubeObject, ReleaseRender, ReleaseSourceType } from '../../upstream/types';
import { asArray, asObject, asString } from '../kinds';

export const KUBE_PROMETHEUS_STACK_SOURCE = 'prometheus-community/helm-charts@kube-prometheus-stack-88.3.0 (templates/_helpers.tpl, templates/prometheus/prometheus.yaml, templates/grafana/configmaps-datasources.yaml, values.yaml); grafana-community/helm-charts@grafana-12.10.4 (values.yaml, templates/_pod.tpl)';

/** Defaults of the grafana chart 12.10.4 that the checks read (values.yaml). */
const GRAFANA_CHART_DEFAULTS = {
  enabled: true,
  sidecar: {
    dashboards: { enabled: false, label: 'grafana_dashboard', labelValue: '', searchNamespace: null, resource: 'both', folder: '/tmp/dashboards' },
    datasources: { enabled: false, label: 'grafana_datasource', labelValue: '', searchNamespace: null, resource: 'both' },
  },
  service: { port: 80, targetPort: 3000, portName: 'service' },
  serviceAccount: { create: true, name: '' },
  podPortName: 'grafana',
};

type Values = { [key: string]: unknown };

function get(values: unknown, path: string): unknown {
  let cur = values;
  for (const p of path.split('.')) cur = asObject(cur)?.[p];
  return cur;
}

function merge(base: unknown, over: unknown): unknown {
  const b = asObject(base);
  const o = asObject(over);
  if (!b || !o) return over === undefined ? base : over;
  const out: Values = { ...b };
  for (const [k, v] of Object.entries(o)) out[k] = merge(b[k], v);
  return out;
}

/** Go template truthiness of a value (`{{ if .x }}`): empty maps, lists and strings, 0, false and nil are false. */
function truthy(v: unknown): boolean {
  if (v === undefined || v === null || v === false || v === 0 || v === '') return false;
  if (Array.isArray(v)) return v.length > 0;
  if (typeof v === 'object') return Object.keys(v as object).length > 0;
  return true;
}

function trunc(s: string, n: number): string {
  return s.slice(0, n).replace(/-+$/, '');
}

function chartFullname(releaseName: string, values: unknown, chart: string, limit: number): string {
  const override = asString(get(values, 'fullnameOverride'));
  if (override) return trunc(override, limit);
  const name = asString(get(values, 'nameOverride')) || chart;
  return trunc(releaseName.includes(name) ? releaseName : `${releaseName}-${name}`, limit);
}

/** The Helm release name of a release: the Application's `helm.releaseName`, or the Application's name. */
export function helmReleaseName(release: ReleaseRender, application: KubeObject | undefined): string {
  const sources = [asObject(asObject(application?.spec)?.source), ...asArray(asObject(application?.spec)?.sources).map(asObject)];
  for (const s of sources) {
    const name = asString(asObject(s?.helm)?.releaseName);
    if (name) return name;
  }
  return release.application;
}

function monitorSelector(spec: Values, key: string, releaseName: string): unknown {
  const value = spec[key];
  if (truthy(value)) return value;
  return spec[`${key}NilUsesHelmValues`] !== false ? { matchLabels: { release: releaseName } } : {};
}

/** Objects of a kube-prometheus-stack release, from its values. */
export function kubePrometheusStackObjects(release: ReleaseRender, releaseName: string): KubeObject[] {
  const values = release.effectiveValues ?? {};
  const fullname = chartFullname(releaseName, values, 'kube-prometheus-stack', 26);
  const namespace = asString(values.namespaceOverride) || release.namespace;
  const clean = values.cleanPrometheusOperatorObjectNames === true;
  const out: KubeObject[] = [];
  const alertmanagerEnabled = get(values, 'alertmanager.enabled') !== false;
  const amSpec = asObject(get(values, 'alertmanager.alertmanagerSpec')) ?? {};
  const amPortName = asString(amSpec.portName) || 'http-web';
  if (get(values, 'prometheus.enabled') !== false && get(values, 'prometheus.agentMode') !== true) {
    const ps = asObject(get(values, 'prometheus.prometheusSpec')) ?? {};
    const crName = clean ? fullname : `${fullname}-prometheus`;
    const saCreate = get(values, 'prometheus.serviceAccount.create') !== false;
    const saName = asString(get(values, 'prometheus.serviceAccount.name')) || (saCreate ? `${fullname}-prometheus` : 'default');
    const portName = asString(ps.portName) || 'http-web';
    const ruleSelector = truthy(ps.ruleSelector) ? ps.ruleSelector
      : ps.ruleSelectorNilUsesHelmValues !== false ? { matchLabels: { release: releaseName } }
        : ps.ruleSelector !== undefined && ps.ruleSelector !== null ? {} : undefined;
    const alerting = ps.disableAlerting === true ? undefined
      : truthy(ps.alertingEndpoints) ? { alertmanagers: ps.alertingEndpoints }
        : alertmanagerEnabled ? { alertmanagers: [{ namespace, name: `${fullname}-alertmanager`, port: amPortName }] } : undefined;
    out.push({
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'Prometheus',
      metadata: { name: crName, namespace, labels: { release: releaseName } },
      spec: {
        serviceAccountName: saName,
        portName,
        serviceMonitorSelector: monitorSelector(ps, 'serviceMonitorSelector', releaseName),
        serviceMonitorNamespaceSelector: truthy(ps.serviceMonitorNamespaceSelector) ? ps.serviceMonitorNamespaceSelector : {},
        podMonitorSelector: monitorSelector(ps, 'podMonitorSelector', releaseName),
        podMonitorNamespaceSelector: truthy(ps.podMonitorNamespaceSelector) ? ps.podMonitorNamespaceSelector : {},
        ...(ruleSelector !== undefined ? { ruleSelector } : {}),
        ruleNamespaceSelector: truthy(ps.ruleNamespaceSelector) ? ps.ruleNamespaceSelector : {},
        ...(alerting ? { alerting } : {}),
        ...(truthy(ps.podMetadata) ? { podMetadata: ps.podMetadata } : {}),
        ...(truthy(ps.remoteWrite) ? { remoteWrite: ps.remoteWrite } : {}),
        ...(truthy(ps.storageSpec) ? { storage: ps.storageSpec } : {}),
        ...(truthy(ps.secrets) ? { secrets: ps.secrets } : {}),
        ...(truthy(ps.configMaps) ? { configMaps: ps.configMaps } : {}),
        ...(truthy(ps.priorityClassName) ? { priorityClassName: ps.priorityClassName } : {}),
        ...(ps.listenLocal === true ? { listenLocal: true } : {}),
      },
    });
    if (saCreate) out.push({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: saName, namespace } });
    if (get(values, 'prometheus.service.enabled') !== false) {
      out.push({
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: `${fullname}-prometheus`, namespace },
        spec: {
          selector: { 'app.kubernetes.io/name': 'prometheus', 'operator.prometheus.io/name': crName },
          ports: [
            { name: portName, port: get(values, 'prometheus.service.port') ?? 9090, targetPort: get(values, 'prometheus.service.targetPort') ?? 9090, protocol: 'TCP' },
            { name: 'reloader-web', port: get(values, 'prometheus.service.reloaderWebPort') ?? 8080, targetPort: 'reloader-web', protocol: 'TCP' },
          ],
        },
      });
    }
  }
  if (alertmanagerEnabled) {
    const crName = clean ? fullname : `${fullname}-alertmanager`;
    const saCreate = get(values, 'alertmanager.serviceAccount.create') !== false;
    const saName = asString(get(values, 'alertmanager.serviceAccount.name')) || (saCreate ? `${fullname}-alertmanager` : 'default');
    out.push({
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'Alertmanager',
      metadata: { name: crName, namespace },
      spec: { serviceAccountName: saName, portName: amPortName, ...(truthy(amSpec.podMetadata) ? { podMetadata: amSpec.podMetadata } : {}) },
    });
    if (saCreate) out.push({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: saName, namespace } });
    out.push({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: `${fullname}-alertmanager`, namespace },
      spec: {
        selector: { 'app.kubernetes.io/name': 'alertmanager', 'alertmanager': crName },
        ports: [
          { name: amPortName, port: get(values, 'alertmanager.service.port') ?? 9093, targetPort: get(values, 'alertmanager.service.targetPort') ?? 9093, protocol: 'TCP' },
          { name: 'reloader-web', port: 8080, targetPort: 'reloader-web', protocol: 'TCP' },
        ],
      },
    });
  }
  const grafanaValues = asObject(merge(GRAFANA_CHART_DEFAULTS, get(values, 'grafana'))) ?? {};
  if (grafanaValues.enabled !== false) {
    const grafanaNamespace = asString(grafanaValues.namespaceOverride) || namespace;
    const datasources: Values[] = [];
    if (get(grafanaValues, 'sidecar.datasources.defaultDatasourceEnabled') !== false && get(values, 'prometheus.enabled') !== false) {
      const url = asString(get(grafanaValues, 'sidecar.datasources.url'))
        ?? `http://${fullname}-prometheus.${namespace}:${get(values, 'prometheus.service.port') ?? 9090}/${(asString(get(values, 'prometheus.prometheusSpec.routePrefix')) ?? '/').replace(/^\//, '')}`;
      datasources.push({ name: asString(get(grafanaValues, 'sidecar.datasources.name')) ?? 'Prometheus', type: 'prometheus', url });
    }
    if (get(grafanaValues, 'sidecar.datasources.alertmanager.enabled') !== false && alertmanagerEnabled) {
      const url = asString(get(grafanaValues, 'sidecar.datasources.alertmanager.url'))
        ?? `http://${fullname}-alertmanager.${namespace}:${get(values, 'alertmanager.service.port') ?? 9093}/${(asString(amSpec.routePrefix) ?? '/').replace(/^\//, '')}`;
      datasources.push({ name: 'Alertmanager', type: 'alertmanager', url });
    }
    datasources.push(...asArray(grafanaValues.additionalDataSources).map((d) => asObject(d) ?? {}));
    out.push(...grafanaObjects(releaseName, grafanaValues, grafanaNamespace, datasources, `${fullname}-grafana-datasource`));
  }
  return out;
}

/** Objects of a standalone grafana release, from its values. */
export function grafanaReleaseObjects(release: ReleaseRender, releaseName: string): KubeObject[] {
  const values = asObject(merge(GRAFANA_CHART_DEFAULTS, release.effectiveValues ?? {})) ?? {};
  return grafanaObjects(releaseName, values, asString(values.namespaceOverride) || release.namespace, [], undefined);
}

function sidecarEnv(values: Values, kind: 'dashboards' | 'datasources'): { name: string; value: string }[] {
  const sc = asObject(get(values, `sidecar.${kind}`)) ?? {};
  const env = [{ name: 'LABEL', value: asString(sc.label) ?? '' }];
  if (truthy(sc.labelValue)) env.push({ name: 'LABEL_VALUE', value: String(sc.labelValue) });
  if (kind === 'dashboards') env.push({ name: 'FOLDER', value: asString(sc.folder) ?? '/tmp/dashboards' });
  env.push({ name: 'RESOURCE', value: asString(sc.resource) ?? 'both' });
  const search = sc.searchNamespace;
  if (truthy(search)) env.push({ name: 'NAMESPACE', value: Array.isArray(search) ? search.join(',') : String(search) });
  return env;
}

function grafanaObjects(
  releaseName: string, values: Values, namespace: string, datasources: Values[], datasourceConfigMap: string | undefined,
): KubeObject[] {
  const fullname = chartFullname(releaseName, values, 'grafana', 63);
  const labels = { 'app.kubernetes.io/name': 'grafana', 'app.kubernetes.io/instance': releaseName };
  const saCreate = get(values, 'serviceAccount.create') !== false;
  const saName = asString(get(values, 'serviceAccount.name')) || (saCreate ? fullname : 'default');
  const podPortName = asString(values.podPortName) ?? 'grafana';
  const containers: Values[] = [{ name: 'grafana', ports: [{ name: podPortName, containerPort: 3000, protocol: 'TCP' }] }];
  if (get(values, 'sidecar.dashboards.enabled') === true) containers.push({ name: 'grafana-sc-dashboard', env: sidecarEnv(values, 'dashboards') });
  if (get(values, 'sidecar.datasources.enabled') === true) containers.push({ name: 'grafana-sc-datasources', env: sidecarEnv(values, 'datasources') });
  const out: KubeObject[] = [
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: fullname, namespace, labels },
      spec: { selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { serviceAccountName: saName, containers } } },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: fullname, namespace, labels },
      spec: { selector: labels, ports: [{ name: asString(get(values, 'service.portName')) ?? 'service', port: get(values, 'service.port') ?? 80, targetPort: podPortName, protocol: 'TCP' }] },
    },
  ];
  if (saCreate) out.push({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: saName, namespace } });
  if (datasourceConfigMap && datasources.length > 0 && get(values, 'sidecar.datasources.enabled') === true) {
    const label = asString(get(values, 'sidecar.datasources.label')) ?? 'grafana_datasource';
    const labelValue = asString(get(values, 'sidecar.datasources.labelValue')) || '1';
    out.push({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: datasourceConfigMap, namespace, labels: { [label]: labelValue } },
      data: { 'datasource.yaml': JSON.stringify({ apiVersion: 1, datasources }, undefined, 2) },
    });
  }
  return out;
}

/** Whether a release is a chart this module knows how to expand. */
export function metricsBackendChart(release: ReleaseRender): 'kube-prometheus-stack' | 'grafana' | undefined {
  if (release.sourceType !== ReleaseSourceType.HELM) return undefined;
  const chart = release.chartOrPath.split('/').pop();
  return chart === 'kube-prometheus-stack' || chart === 'grafana' ? chart : undefined;
}
