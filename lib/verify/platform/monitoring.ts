/**
 * Who picks up monitors, rules, dashboards and datasources: the Prometheus custom resources of
 * the model with their selectors (semantics of the Prometheus operator v0.93.0, see
 * ./adapters/prometheus-operator.ts), and the Grafana sidecars (kiwigrid k8s-sidecar, as the
 * grafana chart 12.10.4 configures it, see ./adapters/kube-prometheus-stack.ts) that load
 * ConfigMaps by label.
 */
import { asArray, asObject, asString, asStringMap, groupOf } from './kinds';
import { formatSelector, matchesSelector, toSelector } from './label-selectors';
import { LabelSelector, ModelObject, Origin, PlatformModel, PodGroup } from './model';
import { KubeObject } from '../upstream/types';

/** Kinds a Prometheus selects. */
export type MonitorKind = 'ServiceMonitor' | 'PodMonitor' | 'PrometheusRule';

const SELECTOR_FIELDS: { [k in MonitorKind]: { selector: string; namespaceSelector: string } } = {
  ServiceMonitor: { selector: 'serviceMonitorSelector', namespaceSelector: 'serviceMonitorNamespaceSelector' },
  PodMonitor: { selector: 'podMonitorSelector', namespaceSelector: 'podMonitorNamespaceSelector' },
  PrometheusRule: { selector: 'ruleSelector', namespaceSelector: 'ruleNamespaceSelector' },
};

/** A Prometheus of the model. */
export interface PrometheusInstance {
  readonly namespace: string;
  readonly name: string;
  /** Its pod group id (`Prometheus namespace/name`). */
  readonly podGroup: string;
  readonly spec: { [key: string]: unknown };
  readonly origin: Origin;
}

/** The Prometheus custom resources of the model. */
export function prometheusInstances(model: PlatformModel): PrometheusInstance[] {
  return model.objects
    .filter((o) => o.object.kind === 'Prometheus' && groupOf(o.object.apiVersion) === 'monitoring.coreos.com')
    .map((o) => {
      const namespace = o.object.metadata.namespace ?? 'default';
      const name = o.object.metadata.name ?? '';
      return { namespace, name, podGroup: `Prometheus ${namespace}/${name}`, spec: asObject(o.object.spec) ?? {}, origin: o.origin };
    });
}

function namespaceLabels(model: PlatformModel, namespace: string): { [key: string]: string } {
  return model.namespaces.get(namespace)?.labels ?? { 'kubernetes.io/metadata.name': namespace };
}

/** Whether `prometheus` selects an object of `kind` with `labels` in `namespace`. */
export function prometheusSelects(
  model: PlatformModel, prometheus: PrometheusInstance, kind: MonitorKind, labels: { [key: string]: string }, namespace: string,
): boolean {
  const fields = SELECTOR_FIELDS[kind];
  const selector = toSelector(prometheus.spec[fields.selector]);
  if (!selector) return false; // nil: selects nothing
  if (!matchesSelector(labels, selector)) return false;
  const nsSelector = toSelector(prometheus.spec[fields.namespaceSelector]);
  if (!nsSelector) return namespace === prometheus.namespace; // nil: its own namespace
  return matchesSelector(namespaceLabels(model, namespace), nsSelector);
}

/** What a Prometheus selects, for messages: `serviceMonitorSelector release=kps in all namespaces`. */
export function describePrometheusSelection(prometheus: PrometheusInstance, kind: MonitorKind): string {
  const fields = SELECTOR_FIELDS[kind];
  const selector = toSelector(prometheus.spec[fields.selector]);
  const ns = toSelector(prometheus.spec[fields.namespaceSelector]);
  const where = !ns ? `namespace ${prometheus.namespace} only` : formatSelector(ns) === '(all)' ? 'all namespaces' : `namespaces ${formatSelector(ns)}`;
  return `Prometheus ${prometheus.namespace}/${prometheus.name}: ${fields.selector} ${selector ? formatSelector(selector) : 'unset (selects none)'}, ${where}`;
}

/** The namespaces a ServiceMonitor or PodMonitor looks for targets in (its `namespaceSelector`). */
export function monitorTargetNamespaces(model: PlatformModel, monitor: KubeObject): string[] {
  const own = monitor.metadata.namespace ?? 'default';
  const ns = asObject(asObject(monitor.spec)?.namespaceSelector);
  if (ns?.any === true) return [...model.namespaces.keys()];
  const names = asArray(ns?.matchNames).filter((n): n is string => typeof n === 'string');
  return names.length > 0 ? names : [own];
}

/** A Grafana sidecar that loads ConfigMaps by label. */
export interface SidecarLoader {
  /** Pod group of the Grafana. */
  readonly podGroup: PodGroup;
  readonly container: string;
  readonly loads: 'dashboards' | 'datasources';
  readonly label: string;
  /** Required value (any value when undefined). */
  readonly labelValue?: string;
  /** Namespaces searched: `ALL`, a list, or the Grafana's own. */
  readonly namespaces: 'ALL' | string[];
  /** `both`, `configmap` or `secret`. */
  readonly resource: string;
}

/** The dashboard and datasource sidecars of the model's pods (env LABEL, LABEL_VALUE, NAMESPACE, RESOURCE). */
export function sidecarLoaders(model: PlatformModel): SidecarLoader[] {
  const out: SidecarLoader[] = [];
  for (const pg of model.podGroups) {
    const spec = pg.podSpec;
    if (!spec) continue;
    for (const raw of [...asArray(spec.containers), ...asArray(spec.initContainers)]) {
      const c = asObject(raw);
      const name = asString(c?.name) ?? '';
      const env: { [key: string]: string } = {};
      for (const e of asArray(c?.env)) {
        const n = asString(asObject(e)?.name);
        const v = asString(asObject(e)?.value);
        if (n && v !== undefined) env[n] = v;
      }
      if (env.LABEL === undefined) continue;
      const loads = /sc-dashboard/.test(name) || /dashboard/i.test(env.FOLDER ?? '') ? 'dashboards' : /sc-datasources/.test(name) ? 'datasources' : undefined;
      if (!loads) continue;
      const ns = env.NAMESPACE;
      out.push({
        podGroup: pg,
        container: name,
        loads,
        label: env.LABEL,
        ...(env.LABEL_VALUE ? { labelValue: env.LABEL_VALUE } : {}),
        namespaces: ns === undefined ? [pg.namespace] : ns.split(',').map((s) => s.trim()).includes('ALL') ? 'ALL' : ns.split(',').map((s) => s.trim()),
        resource: env.RESOURCE ?? 'both',
      });
    }
  }
  return out;
}

/** Whether a sidecar loads a ConfigMap with `labels` in `namespace`. */
export function loaderLoads(loader: SidecarLoader, labels: { [key: string]: string }, namespace: string): boolean {
  if (loader.resource === 'secret') return false;
  if (!Object.prototype.hasOwnProperty.call(labels, loader.label)) return false;
  if (loader.labelValue !== undefined && labels[loader.label] !== loader.labelValue) return false;
  return loader.namespaces === 'ALL' || loader.namespaces.includes(namespace);
}

/** `label grafana_dashboard=1 in ALL namespaces (Deployment monitoring/kps-grafana)`. */
export function describeLoader(loader: SidecarLoader): string {
  const where = loader.namespaces === 'ALL' ? 'all namespaces' : `namespace${loader.namespaces.length > 1 ? 's' : ''} ${loader.namespaces.join(',')}`;
  return `${loader.podGroup.id} ${loader.container}: label ${loader.label}${loader.labelValue !== undefined ? `=${loader.labelValue}` : ''} in ${where}`;
}

/** Whether a ConfigMap data value holds a Grafana dashboard (a JSON object with panels or rows). */
export function isGrafanaDashboard(key: string, value: unknown): boolean {
  if (!key.endsWith('.json') || typeof value !== 'string') return false;
  try {
    const parsed = asObject(JSON.parse(value));
    const dashboard = asObject(parsed?.dashboard) ?? parsed;
    return !!dashboard && (Array.isArray(dashboard.panels) || Array.isArray(dashboard.rows));
  } catch {
    return false;
  }
}

/** A label selector of a monitor (`spec.selector`), empty when unset. */
export function monitorSelector(monitor: ModelObject): LabelSelector {
  return toSelector(asObject(monitor.object.spec)?.selector) ?? {};
}

/** Labels of an object. */
export function labelsOf(obj: KubeObject): { [key: string]: string } {
  return asStringMap(obj.metadata.labels);
}
