import { ApiObject, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { invalidProp } from '../../core/errors';
import { NAME_RULES, assertName } from '../../core/names';
import { IMetricsSource, MetricsComponent, MetricsEndpoint, MetricsTargetKind } from '../common/metrics-endpoint';
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
  readonly endpoint: MetricsEndpoint;
  /** Its ServiceMonitor or PodMonitor (possibly one another construct created). */
  readonly monitor: ApiObject;
}

/**
 * The one place where the platform's metrics endpoints become ServiceMonitors or PodMonitors:
 * vLLM and KServe model servers, Qdrant, MLflow, the DCGM exporter and the TelemetryCollector,
 * each passed as an {@link IMetricsSource}. Every scraped series gets a `cnai_component`
 * label (and the endpoint's own labels) that alerts and dashboards select on. An endpoint that
 * another construct already scrapes (e.g. NvidiaGpuSupport's DCGM ServiceMonitor) is reused,
 * not scraped twice.
 */
export class MetricsScraping extends Construct {
  /**
   * The DCGM exporter of NvidiaGpuSupport as an endpoint (its ServiceMonitor is reused).
   * @param gpu the GPU support whose exporter to scrape
   */
  public static dcgmEndpoint(gpu: NvidiaGpuSupport): MetricsEndpoint {
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
  public endpointsOf(component: MetricsComponent): MetricsEndpoint[] {
    return this.scraped.filter((s) => s.endpoint.component === component).map((s) => s.endpoint);
  }

  /**
   * Scrapes an endpoint: a ServiceMonitor (Service port) or PodMonitor (pod port) in its
   * namespace, or the monitor that already scrapes it.
   */
  public add(source: IMetricsSource): ApiObject {
    const where = this.node.path;
    const endpoint = source.metricsEndpoint;
    const name = assertName(where, 'endpoint.name', endpoint.name, NAME_RULES.dns1123Label);
    assertName(where, 'endpoint.namespace', endpoint.namespace, NAME_RULES.dns1123Label);
    if (Object.keys(endpoint.selector).length === 0) {
      throw invalidProp(where, `${name}.selector`, {}, 'an empty selector would scrape every Service (or pod) of the namespace',
        'give the labels of the Service (or pods) that serve the metrics');
    }
    const existing = this.existingMonitor(endpoint);
    if (existing) {
      this.scraped.push({ endpoint, monitor: existing });
      return existing;
    }
    const clash = this.scraped.find((s) => s.endpoint.name === name && s.endpoint.namespace === endpoint.namespace);
    if (clash) {
      throw invalidProp(where, 'endpoint.name', name, `another endpoint in namespace ${endpoint.namespace} has this name`,
        'give each endpoint of a namespace its own name');
    }
    const monitor = endpoint.monitor(this, `${endpoint.namespace}-${name}`, {
      interval: this.interval,
      labels: this.monitorLabels,
      annotations: { [SYNC_WAVE_ANNOTATION]: String(syncWaveOf(InstallPhase.PLATFORM)) },
    });
    this.scraped.push({ endpoint, monitor });
    return monitor;
  }

  /** A monitor of the app that already scrapes the same port of the same selector in the same namespace. */
  private existingMonitor(endpoint: MetricsEndpoint): ApiObject | undefined {
    const wantKind = endpoint.targetKind === MetricsTargetKind.SERVICE ? 'ServiceMonitor' : 'PodMonitor';
    const key = (a: { [k: string]: string }) => JSON.stringify(Object.entries(a).sort());
    const same = (a: { [k: string]: string }, b: { [k: string]: string }) => key(a) === key(b);
    for (const c of this.node.root.node.findAll()) {
      if (!(c instanceof ApiObject) || c.kind !== wantKind || c.metadata.namespace !== endpoint.namespace) continue;
      if (c.node.scope === this) continue;
      const spec = c.toJson().spec ?? {};
      const ports = (spec.endpoints ?? spec.podMetricsEndpoints ?? []).map((e: any) => e.port);
      if (same(spec.selector?.matchLabels ?? {}, endpoint.selector) && ports.includes(endpoint.portName)) return c;
    }
    return undefined;
  }
}
