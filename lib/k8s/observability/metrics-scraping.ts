import { ApiObject, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { COMPONENT_TARGET_LABEL, IMetricsEndpoint, MetricsComponent, MetricsEndpoint, MetricsTargetKind } from './metrics-endpoint';
import { invalidProp } from '../../core/errors';
import { NAME_RULES, assertName } from '../../core/names';
import {
  PodMonitor, PodMonitorSpecPodMetricsEndpointsRelabelingsAction, ServiceMonitor, ServiceMonitorSpecEndpointsRelabelingsAction,
} from '../../imports/monitoring.coreos.com';
import { NvidiaGpuSupport } from '../nvidia-gpu-support';
import { IMetricsBackend, InstallPhase, KubePrometheusStack, syncWaveOf } from '../operators';
import { SYNC_WAVE_ANNOTATION } from '../pod-security';

/** Props of {@link MetricsScraping}. */
export interface MetricsScrapingProps {
  /**
   * The metrics backend that scrapes the endpoints: its monitor labels go on every monitor.
   * (kube-prometheus-stack selects the monitors of the platform's namespaces whatever their labels.)
   * @default KubePrometheusStack.platformDefault()
   */
  readonly metricsBackend?: IMetricsBackend;
  /**
   * Extra labels on every monitor.
   * @default - none
   */
  readonly monitorLabels?: { [key: string]: string };
  /**
   * Scrape interval.
   * @default Duration.seconds(30)
   */
  readonly interval?: Duration;
}

/** An endpoint together with the monitor that scrapes it. */
export interface ScrapedEndpoint {
  /** The endpoint. */
  readonly endpoint: IMetricsEndpoint;
  /** Its ServiceMonitor or PodMonitor (possibly one another construct created). */
  readonly monitor: ApiObject;
}

/**
 * The one place where the platform's metrics endpoints become ServiceMonitors or PodMonitors:
 * vLLM and KServe model servers, Qdrant, MLflow, the DCGM exporter and the TelemetryCollector,
 * each passed as an {@link IMetricsEndpoint}. Every scraped series gets a `cnai_component`
 * label (and the endpoint's own labels) that alerts and dashboards select on. An endpoint that
 * another construct already scrapes (e.g. NvidiaGpuSupport's DCGM ServiceMonitor) is reused,
 * not scraped twice.
 */
export class MetricsScraping extends Construct {
  /**
   * The DCGM exporter of NvidiaGpuSupport as an endpoint (its ServiceMonitor is reused).
   * @param gpu the GPU support whose exporter to scrape
   */
  public static dcgmEndpoint(gpu: NvidiaGpuSupport): IMetricsEndpoint {
    if (!gpu.serviceMonitor) {
      throw invalidProp(gpu.node.path, 'dcgmExporter', false, 'the DCGM exporter is turned off', 'leave dcgmExporter on (the default) to get GPU metrics');
    }
    const spec = gpu.serviceMonitor.toJson().spec;
    return MetricsEndpoint.service({
      name: gpu.serviceMonitor.name,
      namespace: gpu.namespace,
      selector: spec.selector.matchLabels,
      portName: spec.endpoints[0].port,
      component: MetricsComponent.DCGM,
    });
  }

  /** Scrape interval. */
  public readonly interval: Duration;
  /** Labels on every monitor. */
  public readonly monitorLabels: { [key: string]: string };
  private readonly scraped: ScrapedEndpoint[] = [];

  constructor(scope: Construct, id: string, props: MetricsScrapingProps = {}) {
    super(scope, id);
    this.interval = props.interval ?? Duration.seconds(30);
    this.monitorLabels = { ...(props.metricsBackend ?? KubePrometheusStack.platformDefault()).monitorLabels, ...props.monitorLabels };
  }

  /** The endpoints scraped so far. */
  public get endpoints(): ScrapedEndpoint[] {
    return [...this.scraped];
  }

  /** The endpoints of one component. */
  public endpointsOf(component: MetricsComponent): IMetricsEndpoint[] {
    return this.scraped.filter((s) => (s.endpoint.metricsComponent ?? MetricsComponent.OTHER) === component).map((s) => s.endpoint);
  }

  /**
   * Scrapes an endpoint: a ServiceMonitor (Service port) or PodMonitor (pod port) in its
   * namespace, or the monitor that already scrapes it.
   */
  public add(endpoint: IMetricsEndpoint): ApiObject {
    const where = this.node.path;
    const name = assertName(where, 'endpoint.metricsName', endpoint.metricsName, NAME_RULES.dns1123Label);
    assertName(where, 'endpoint.metricsNamespace', endpoint.metricsNamespace, NAME_RULES.dns1123Label);
    if (Object.keys(endpoint.metricsSelector).length === 0) {
      throw invalidProp(where, `${name}.metricsSelector`, {}, 'an empty selector would scrape every Service (or pod) of the namespace',
        'give the labels of the Service (or pods) that serve the metrics');
    }
    const kind = endpoint.metricsTargetKind ?? MetricsTargetKind.SERVICE;
    const existing = this.existingMonitor(endpoint, kind);
    if (existing) {
      this.scraped.push({ endpoint, monitor: existing });
      return existing;
    }
    const clash = this.scraped.find((s) => s.endpoint.metricsName === name && s.endpoint.metricsNamespace === endpoint.metricsNamespace);
    if (clash) {
      throw invalidProp(where, 'endpoint.metricsName', name, `another endpoint in namespace ${endpoint.metricsNamespace} has this name`,
        'give each endpoint of a namespace its own name');
    }
    const component = endpoint.metricsComponent ?? MetricsComponent.OTHER;
    const labels: { [k: string]: string } = { [COMPONENT_TARGET_LABEL]: component, ...endpoint.metricsLabels };
    const metadata = {
      name,
      namespace: endpoint.metricsNamespace,
      labels: { ...this.monitorLabels },
      annotations: { [SYNC_WAVE_ANNOTATION]: String(syncWaveOf(InstallPhase.PLATFORM)) },
    };
    const interval = `${this.interval.toSeconds()}s`;
    const token = endpoint.metricsBearerToken;
    const id = `${endpoint.metricsNamespace}-${name}`;
    let monitor: ApiObject;
    if (kind === MetricsTargetKind.SERVICE) {
      monitor = new ServiceMonitor(this, id, {
        metadata,
        spec: {
          selector: { matchLabels: { ...endpoint.metricsSelector } },
          endpoints: [{
            port: endpoint.metricsPortName,
            path: endpoint.metricsPath ?? '/metrics',
            interval,
            relabelings: Object.entries(labels).map(([targetLabel, replacement]) => ({
              targetLabel, replacement, action: ServiceMonitorSpecEndpointsRelabelingsAction.REPLACE,
            })),
            ...(token ? { authorization: { type: 'Bearer', credentials: { name: token.secretName, key: token.secretKey } } } : {}),
          }],
        },
      });
    } else {
      monitor = new PodMonitor(this, id, {
        metadata,
        spec: {
          selector: { matchLabels: { ...endpoint.metricsSelector } },
          podMetricsEndpoints: [{
            port: endpoint.metricsPortName,
            path: endpoint.metricsPath ?? '/metrics',
            interval,
            relabelings: Object.entries(labels).map(([targetLabel, replacement]) => ({
              targetLabel, replacement, action: PodMonitorSpecPodMetricsEndpointsRelabelingsAction.REPLACE,
            })),
            ...(token ? { authorization: { type: 'Bearer', credentials: { name: token.secretName, key: token.secretKey } } } : {}),
          }],
        },
      });
    }
    this.scraped.push({ endpoint, monitor });
    return monitor;
  }

  /** A monitor of the app that already scrapes the same port of the same selector in the same namespace. */
  private existingMonitor(endpoint: IMetricsEndpoint, kind: MetricsTargetKind): ApiObject | undefined {
    const wantKind = kind === MetricsTargetKind.SERVICE ? 'ServiceMonitor' : 'PodMonitor';
    const key = (a: { [k: string]: string }) => JSON.stringify(Object.entries(a).sort());
    const same = (a: { [k: string]: string }, b: { [k: string]: string }) => key(a) === key(b);
    for (const c of this.node.root.node.findAll()) {
      if (!(c instanceof ApiObject) || c.kind !== wantKind || c.metadata.namespace !== endpoint.metricsNamespace) continue;
      if (c.node.scope === this) continue;
      const spec = c.toJson().spec ?? {};
      const ports = (spec.endpoints ?? spec.podMetricsEndpoints ?? []).map((e: any) => e.port);
      if (same(spec.selector?.matchLabels ?? {}, endpoint.metricsSelector) && ports.includes(endpoint.metricsPortName)) return c;
    }
    return undefined;
  }
}
