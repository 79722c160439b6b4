import { Lazy } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { assertKnownMetrics } from './promql';
import { invalidProp } from '../../core/errors';
import { MetricDefinition, knownMetricOf } from '../../core/metrics';
import { NAME_RULES, assertName } from '../../core/names';
import { GRAFANA_DASHBOARD_LABEL, GRAFANA_FOLDER_ANNOTATION, IMetricsBackend, InstallPhase, KubePrometheusStack, syncWaveOf } from '../operators';
import { SYNC_WAVE_ANNOTATION } from '../pod-security';

/** Grafana panel type. */
export enum PanelKind {
  /** Lines over time. */
  TIME_SERIES = 'timeseries',
  /** One big number. */
  STAT = 'stat',
  /** A gauge between min and max. */
  GAUGE = 'gauge',
  /** A table of the last values. */
  TABLE = 'table',
}

/** Grafana unit of a panel's values. */
export enum PanelUnit {
  /** Plain number. */
  NONE = 'short',
  /** 0-100. */
  PERCENT = 'percent',
  /** 0-1 shown as percent. */
  PERCENT_UNIT = 'percentunit',
  /** Seconds. */
  SECONDS = 's',
  /** Mebibytes. */
  MEBIBYTES = 'mbytes',
  /** Requests per second. */
  REQUESTS_PER_SECOND = 'reqps',
  /** Operations (e.g. tokens) per second. */
  PER_SECOND = 'ops',
  /** Degrees Celsius. */
  CELSIUS = 'celsius',
  /** Watts. */
  WATTS = 'watt',
  /** Joules. */
  JOULES = 'joule',
  /** Kilowatt-hours. */
  KILOWATT_HOURS = 'kwatth',
}

/** One query of a panel. */
export interface PanelQuery {
  /** PromQL, built from the metric constants of lib/core/metrics.ts (may use the dashboard's `$variables`). */
  readonly expr: string;
  /**
   * Legend (Grafana template, e.g. `{{pool}}`).
   * @default - Grafana's default (the series labels)
   */
  readonly legend?: string;
}

/** A panel of a dashboard. */
export interface DashboardPanel {
  /** Title. */
  readonly title: string;
  /** Queries. */
  readonly queries: PanelQuery[];
  /**
   * Panel type.
   * @default PanelKind.TIME_SERIES
   */
  readonly kind?: PanelKind;
  /**
   * Unit.
   * @default PanelUnit.NONE
   */
  readonly unit?: PanelUnit;
  /**
   * What the panel shows.
   * @default - none
   */
  readonly description?: string;
  /**
   * Width in grid columns (1-24).
   * @default 12
   */
  readonly width?: number;
  /**
   * Height in grid rows.
   * @default 8
   */
  readonly height?: number;
  /**
   * Largest value of the axis or gauge.
   * @default - automatic
   */
  readonly max?: number;
}

/** A dashboard variable whose values are the values of a label of a metric. */
export interface DashboardVariable {
  /** Variable name (used as `$name` in queries). */
  readonly name: string;
  /** The metric whose label values are offered. */
  readonly metric: MetricDefinition;
  /** The label. */
  readonly label: string;
  /**
   * Title shown above the selector.
   * @default - the name
   */
  readonly title?: string;
}

/** Props of {@link GrafanaDashboard}. */
export interface GrafanaDashboardProps {
  /** Title. */
  readonly title: string;
  /** Unique id (a DNS-1123 label; also the ConfigMap name's suffix). */
  readonly uid: string;
  /** Panels, laid out left to right, top to bottom. */
  readonly panels: DashboardPanel[];
  /**
   * Variables (selectors at the top of the dashboard).
   * @default - only the data source
   */
  readonly variables?: DashboardVariable[];
  /**
   * The metrics backend whose Grafana loads the dashboard: the ConfigMap goes to the namespace
   * its dashboard sidecar watches, with the label it selects.
   * @default KubePrometheusStack.platformDefault() (namespace "monitoring", label grafana_dashboard: "1")
   */
  readonly metricsBackend?: IMetricsBackend;
  /**
   * Grafana folder (the sidecar's folder annotation).
   * @default "CNAI platform"
   */
  readonly folder?: string;
  /**
   * Tags.
   * @default ["cnai"]
   */
  readonly tags?: string[];
}

export { GRAFANA_DASHBOARD_LABEL, GRAFANA_FOLDER_ANNOTATION };

const DATASOURCE = { type: 'prometheus', uid: '${datasource}' };

/**
 * A Grafana dashboard built from typed panels and delivered as a ConfigMap for the Grafana
 * dashboard sidecar of the metrics backend (kube-prometheus-stack's Grafana loads ConfigMaps
 * labelled `grafana_dashboard: "1"` in the monitoring namespace). Every query and variable is checked at
 * synth time to read only metrics of lib/core/metrics.ts, the same constants the alerts use.
 */
export class GrafanaDashboard extends Construct {
  /** Dashboard uid. */
  public readonly uid: string;
  /** Title. */
  public readonly title: string;
  /** The ConfigMap. */
  public readonly configMap: k8s.KubeConfigMap;
  /** Namespace of the ConfigMap. */
  public readonly namespace: string;
  private readonly panels: DashboardPanel[];
  private readonly variables: DashboardVariable[];
  private readonly tags: string[];

  constructor(scope: Construct, id: string, props: GrafanaDashboardProps) {
    super(scope, id);
    const where = this.node.path;
    this.uid = assertName(where, 'uid', props.uid, NAME_RULES.dns1123Label);
    this.title = props.title;
    this.tags = props.tags ?? ['cnai'];
    this.panels = [];
    this.variables = [];
    (props.variables ?? []).forEach((v) => this.addVariable(v));
    props.panels.forEach((p) => this.addPanel(p));
    const backend = props.metricsBackend ?? KubePrometheusStack.platformDefault();
    this.namespace = backend.dashboardNamespace;
    this.configMap = new k8s.KubeConfigMap(this, 'ConfigMap', {
      metadata: {
        name: `grafana-dashboard-${this.uid}`.slice(0, 63).replace(/-$/, ''),
        namespace: this.namespace,
        labels: { ...backend.dashboardLabels },
        annotations: { [GRAFANA_FOLDER_ANNOTATION]: props.folder ?? 'CNAI platform', [SYNC_WAVE_ANNOTATION]: String(syncWaveOf(InstallPhase.PLATFORM)) },
      },
      data: { [`${this.uid}.json`]: Lazy.any({ produce: () => JSON.stringify(this.toJson(), undefined, 2) }) },
    });
  }

  /** Adds a panel (after the others). */
  public addPanel(panel: DashboardPanel): void {
    const where = this.node.path;
    const i = this.panels.length;
    if (panel.queries.length === 0) {
      throw invalidProp(where, `panels[${i}].queries`, [], `panel "${panel.title}" has no query`, 'give at least one query');
    }
    const width = panel.width ?? 12;
    if (!Number.isInteger(width) || width < 1 || width > 24) {
      throw invalidProp(where, `panels[${i}].width`, width, 'Grafana\'s grid is 24 columns wide', 'give a width from 1 to 24');
    }
    panel.queries.forEach((q, j) => assertKnownMetrics(where, `panels[${i}].queries[${j}].expr`, q.expr));
    this.panels.push(panel);
  }

  /** Adds a variable. */
  public addVariable(variable: DashboardVariable): void {
    if (!knownMetricOf(variable.metric.name)) {
      throw invalidProp(this.node.path, `variables.${variable.name}.metric`, variable.metric.name, 'not a metric of lib/core/metrics.ts', 'use a metric constant');
    }
    if (!/^[a-z_][a-z0-9_]*$/.test(variable.name)) {
      throw invalidProp(this.node.path, 'variables.name', variable.name, 'not a variable name', 'use lowercase letters, digits and "_"');
    }
    this.variables.push(variable);
  }

  /** The dashboard model (Grafana's JSON). */
  public toJson(): any {
    let x = 0;
    let y = 0;
    let rowHeight = 0;
    const panels = this.panels.map((p, i) => {
      const w = p.width ?? 12;
      const h = p.height ?? 8;
      if (x + w > 24) {
        x = 0;
        y += rowHeight;
        rowHeight = 0;
      }
      const gridPos = { x, y, w, h };
      x += w;
      rowHeight = Math.max(rowHeight, h);
      return {
        id: i + 1,
        type: p.kind ?? PanelKind.TIME_SERIES,
        title: p.title,
        ...(p.description ? { description: p.description } : {}),
        gridPos,
        datasource: DATASOURCE,
        targets: p.queries.map((q, j) => ({
          refId: String.fromCharCode(65 + j),
          datasource: DATASOURCE,
          expr: q.expr,
          ...(q.legend ? { legendFormat: q.legend } : {}),
          ...(p.kind === PanelKind.TABLE ? { instant: true, format: 'table' } : {}),
        })),
        fieldConfig: { defaults: { unit: p.unit ?? PanelUnit.NONE, ...(p.max !== undefined ? { max: p.max, min: 0 } : {}) }, overrides: [] },
        options: {},
      };
    });
    return {
      uid: this.uid,
      title: this.title,
      tags: this.tags,
      editable: false,
      schemaVersion: 39,
      version: 1,
      refresh: '30s',
      time: { from: 'now-6h', to: 'now' },
      timezone: 'browser',
      templating: {
        list: [
          { name: 'datasource', label: 'Data source', type: 'datasource', query: 'prometheus', hide: 0 },
          ...this.variables.map((v) => {
            const query = `label_values(${v.metric.name}, ${v.label})`;
            return {
              name: v.name,
              label: v.title ?? v.name,
              type: 'query',
              datasource: DATASOURCE,
              definition: query,
              query: { query, refId: `${v.name}-values` },
              includeAll: true,
              multi: true,
              allValue: '.*',
              current: { selected: true, text: ['All'], value: ['$__all'] },
              refresh: 2,
              sort: 1,
            };
          }),
        ],
      },
      panels,
    };
  }
}
