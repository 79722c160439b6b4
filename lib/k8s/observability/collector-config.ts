/**
 * The collector config as a whole: pipelines over typed components, rendered to the YAML the
 * collector reads, and checked at synth time the way the collector would check it at start-up
 * (every pipeline's receivers, processors and exporters exist; pipelines are not empty; a
 * component supports its pipeline's signal; no two components listen on one port).
 */

import {
  CollectorComponent, CollectorExporter, CollectorExtension, CollectorPort, CollectorProcessor, CollectorReceiver, TelemetrySignal,
} from './collector-components';
import { ProblemCollector, formatValue } from '../../core/errors';

/** Props of {@link CollectorPipeline}. */
export interface CollectorPipelineProps {
  /** The signal. */
  readonly signal: TelemetrySignal;
  /**
   * Pipeline name (`<signal>/<name>`).
   * @default - the signal alone
   */
  readonly name?: string;
  /** Receivers feeding the pipeline. */
  readonly receivers: CollectorReceiver[];
  /**
   * Processors, in order.
   * @default - the collector's default processors (memory_limiter, k8s_attributes, batch)
   */
  readonly processors?: CollectorProcessor[];
  /** Exporters the pipeline sends to. */
  readonly exporters: CollectorExporter[];
}

/** One pipeline of the collector: receivers → processors → exporters for one signal. */
export class CollectorPipeline {
  /** Pipeline id (`traces`, `metrics/drift`, ...). */
  public readonly id: string;
  /** The signal. */
  public readonly signal: TelemetrySignal;
  /** Receivers. */
  public readonly receivers: CollectorReceiver[];
  /** Processors, or undefined for the collector's defaults. */
  public readonly processors?: CollectorProcessor[];
  /** Exporters. */
  public readonly exporters: CollectorExporter[];

  constructor(props: CollectorPipelineProps) {
    this.signal = props.signal;
    this.id = props.name ? `${props.signal}/${props.name}` : props.signal;
    this.receivers = [...props.receivers];
    this.processors = props.processors ? [...props.processors] : undefined;
    this.exporters = [...props.exporters];
  }
}

/** The telemetry (internal metrics) port of the collector. */
export const COLLECTOR_TELEMETRY_PORT: CollectorPort = { name: 'metrics', port: 8888, ingest: false };

/** A rendered collector config (the object written as YAML). */
export interface RenderedCollectorConfig {
  /** `receivers:` */
  readonly receivers: { [id: string]: any };
  /** `processors:` */
  readonly processors: { [id: string]: any };
  /** `exporters:` */
  readonly exporters: { [id: string]: any };
  /** `extensions:` */
  readonly extensions: { [id: string]: any };
  /** `service:` */
  readonly service: { [key: string]: any };
}

/** Renders components and pipelines into the collector's config object. */
export function renderCollectorConfig(
  receivers: CollectorReceiver[], processors: CollectorProcessor[], exporters: CollectorExporter[],
  extensions: CollectorExtension[], pipelines: CollectorPipeline[], defaultProcessors: CollectorProcessor[],
): RenderedCollectorConfig {
  const section = (items: CollectorComponent[]) => Object.fromEntries(items.map((c) => [c.id, c.config]));
  return {
    receivers: section(receivers),
    processors: section(processors),
    exporters: section(exporters),
    extensions: section(extensions),
    service: {
      extensions: extensions.map((e) => e.id),
      telemetry: {
        logs: { level: 'info', encoding: 'json' },
        metrics: {
          level: 'normal',
          readers: [{ pull: { exporter: { prometheus: { host: '0.0.0.0', port: COLLECTOR_TELEMETRY_PORT.port } } } }],
        },
      },
      pipelines: Object.fromEntries(pipelines.map((p) => [p.id, {
        receivers: p.receivers.map((c) => c.id),
        processors: (p.processors ?? defaultProcessors).map((c) => c.id),
        exporters: p.exporters.map((c) => c.id),
      }])),
    },
  };
}

/** Signals each known component type handles (unknown types are not checked). */
const TYPE_SIGNALS: { [type: string]: TelemetrySignal[] } = {
  otlp: [TelemetrySignal.TRACES, TelemetrySignal.METRICS, TelemetrySignal.LOGS],
  otlp_grpc: [TelemetrySignal.TRACES, TelemetrySignal.METRICS, TelemetrySignal.LOGS],
  otlp_http: [TelemetrySignal.TRACES, TelemetrySignal.METRICS, TelemetrySignal.LOGS],
  otlphttp: [TelemetrySignal.TRACES, TelemetrySignal.METRICS, TelemetrySignal.LOGS],
  prometheus: [TelemetrySignal.METRICS],
  prometheus_remote_write: [TelemetrySignal.METRICS],
  prometheusremotewrite: [TelemetrySignal.METRICS],
  awsxray: [TelemetrySignal.TRACES],
  awsemf: [TelemetrySignal.METRICS],
  webhookevent: [TelemetrySignal.LOGS],
  filter: [TelemetrySignal.TRACES, TelemetrySignal.METRICS, TelemetrySignal.LOGS],
};

const LISTENING_EXPORTER_TYPES = ['prometheus'];

/** `host:port` → port, for the endpoints a component listens on. */
function listenPort(endpoint: unknown): number | undefined {
  if (typeof endpoint !== 'string') return undefined;
  const m = /:(\d{1,5})$/.exec(endpoint);
  return m ? Number(m[1]) : undefined;
}

/** Every `endpoint` value inside a component config (the OTLP receiver has one per protocol). */
function endpointsIn(config: unknown): string[] {
  if (config === null || typeof config !== 'object') return [];
  const found: string[] = [];
  for (const [k, v] of Object.entries(config as { [k: string]: unknown })) {
    if (k === 'endpoint' && typeof v === 'string') found.push(v);
    else if (typeof v === 'object') found.push(...endpointsIn(v));
  }
  return found;
}

/**
 * Checks a rendered collector config and records every problem found, with the construct path
 * and the pipeline or component it concerns. Works on the plain object, so it also checks
 * configs written by hand.
 */
export function checkCollectorConfig(where: string, config: RenderedCollectorConfig, problems: ProblemCollector): void {
  const pipelines = (config.service?.pipelines ?? {}) as { [id: string]: { receivers?: string[]; processors?: string[]; exporters?: string[] } };
  const ids = Object.keys(pipelines);
  problems.check(ids.length > 0, {
    construct: where,
    prop: 'pipelines',
    value: [],
    problem: 'the collector has no pipeline',
    fix: 'give at least one exporter (pipelines are derived from the exporters), or pipelines explicitly',
  });
  const sections: { [kind: string]: { [id: string]: any } } = {
    receivers: config.receivers ?? {}, processors: config.processors ?? {}, exporters: config.exporters ?? {},
  };
  const singular: { [kind: string]: string } = { receivers: 'receiver', processors: 'processor', exporters: 'exporter' };
  for (const id of ids) {
    const signal = id.split('/')[0];
    problems.check(['traces', 'metrics', 'logs'].includes(signal), {
      construct: where, prop: `pipelines.${id}`, value: id, problem: `"${signal}" is not a signal`, fix: 'name pipelines traces[/name], metrics[/name] or logs[/name]',
    });
    const p = pipelines[id];
    for (const kind of ['receivers', 'exporters']) {
      problems.check((p[kind as 'receivers'] ?? []).length > 0, {
        construct: where,
        prop: `pipelines.${id}.${kind}`,
        value: [],
        problem: `pipeline ${id} has no ${kind}`,
        fix: `give the pipeline at least one ${singular[kind]}, or remove it`,
      });
    }
    for (const kind of ['receivers', 'processors', 'exporters']) {
      for (const name of p[kind as 'receivers'] ?? []) {
        const defined = Object.keys(sections[kind]);
        if (!problems.check(defined.includes(name), {
          construct: where,
          prop: `pipelines.${id}.${kind}`,
          value: name,
          problem: `pipeline ${id} names ${singular[kind]} ${name}, which the collector does not define`,
          fix: `add the ${singular[kind]} to the collector's ${kind} (defined: ${defined.join(', ') || 'none'})`,
        })) continue;
        const type = name.split('/')[0];
        const supported = TYPE_SIGNALS[type];
        if (supported && ['traces', 'metrics', 'logs'].includes(signal)) {
          problems.check(supported.includes(signal as TelemetrySignal), {
            construct: where,
            prop: `pipelines.${id}.${kind}`,
            value: name,
            problem: `${singular[kind]} ${name} does not handle ${signal} (only ${supported.join(', ')})`,
            fix: `use it in a ${supported.join(' or ')} pipeline`,
          });
        }
      }
    }
  }
  for (const ext of (config.service?.extensions ?? []) as string[]) {
    problems.check(ext in (config.extensions ?? {}), {
      construct: where, prop: 'service.extensions', value: ext, problem: `extension ${ext} is enabled but not defined`, fix: 'define it under extensions',
    });
  }

  // Listening ports: every receiver and extension endpoint, the Prometheus exporters, and telemetry.
  const listeners: Array<{ owner: string; port: number }> = [];
  for (const [id, c] of Object.entries(config.receivers ?? {})) {
    for (const e of endpointsIn(c)) {
      const port = listenPort(e);
      if (port !== undefined) listeners.push({ owner: `receiver ${id}`, port });
    }
  }
  for (const [id, c] of Object.entries(config.exporters ?? {})) {
    if (!LISTENING_EXPORTER_TYPES.includes(id.split('/')[0])) continue;
    const port = listenPort(c?.endpoint);
    if (port !== undefined) listeners.push({ owner: `exporter ${id}`, port });
  }
  for (const [id, c] of Object.entries(config.extensions ?? {})) {
    const port = listenPort(c?.endpoint);
    if (port !== undefined) listeners.push({ owner: `extension ${id}`, port });
  }
  for (const r of config.service?.telemetry?.metrics?.readers ?? []) {
    const port = r?.pull?.exporter?.prometheus?.port;
    if (typeof port === 'number') listeners.push({ owner: 'service telemetry metrics', port });
  }
  const byPort = new Map<number, string[]>();
  for (const l of listeners) byPort.set(l.port, [...(byPort.get(l.port) ?? []), l.owner]);
  for (const [port, owners] of byPort) {
    problems.check(owners.length === 1, {
      construct: where,
      prop: 'ports',
      value: port,
      problem: `port ${port} is used by ${owners.join(' and ')}`,
      fix: 'give each receiver, exporter and extension its own port',
    });
  }
}

/** The listening ports of components, checked for uniqueness of names too. */
export function collectorPorts(components: CollectorComponent[]): CollectorPort[] {
  const ports: CollectorPort[] = [COLLECTOR_TELEMETRY_PORT];
  for (const c of components) ports.push(...c.ports);
  return ports;
}

/** Short description of components, for error messages. */
export function describeComponents(components: CollectorComponent[]): string {
  return formatValue(components.map((c) => c.id));
}
