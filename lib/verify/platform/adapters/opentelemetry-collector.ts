/**
 * OpenTelemetryCollector, as the OpenTelemetry operator v0.158.0 builds it.
 *
 * Read in open-telemetry/opentelemetry-operator@v0.158.0:
 * - internal/naming/main.go: workload, Service and ServiceAccount `<name>-collector`, headless
 *   `<name>-collector-headless`, monitoring `<name>-collector-monitoring`;
 * - internal/manifests/manifestutils/labels.go: selector labels (managed-by opentelemetry-operator,
 *   instance `<namespace>.<name>`, part-of opentelemetry, component opentelemetry-collector), plus
 *   the instance's labels and `app.kubernetes.io/name: <name>-collector` unless set;
 * - internal/manifests/collector/service.go: the Service's ports are those of the enabled
 *   receivers and exporters (internal/otelconfig/config.go getPortsForComponentKinds, sorted by
 *   name) plus `spec.ports`; the monitoring Service has port `monitoring` (the telemetry port);
 * - internal/manifests/collector/container.go: container ports are receivers, exporters and
 *   extensions, plus `metrics` (8888 unless the telemetry config says otherwise);
 * - internal/components/receivers/helpers.go, exporters/helpers.go, multi_endpoint.go,
 *   single_endpoint.go, internal/naming/port.go: default ports per component type, the port of
 *   an `endpoint` overriding it, port names `<component>` or `<component>-<protocol>` with `/`
 *   and `_` turned into `-` (`port-<n>` when longer than 15 characters).
 */
import * as YAML from 'yaml';
import { asArray, asObject, asPort, asString, asStringMap } from '../kinds';
import { PodPort } from '../model';
import { AdapterOutput, CreatedObject, CustomResourceAdapter } from './adapter';

const SOURCE = 'open-telemetry/opentelemetry-operator@v0.158.0: internal/manifests/collector/{service.go,container.go,deployment.go}, internal/manifests/manifestutils/labels.go, internal/components/{receivers,exporters}/helpers.go, internal/naming/{main.go,port.go}';

interface ComponentPort { readonly protocolSuffix?: string; readonly port: number; readonly protocol?: string }

/** Receivers with a known default port (receivers/helpers.go); others only have the port of their endpoint. */
const RECEIVER_PORTS: { [type: string]: ComponentPort[] } = {
  otlp: [{ protocolSuffix: 'grpc', port: 4317 }, { protocolSuffix: 'http', port: 4318 }],
  skywalking: [{ protocolSuffix: 'grpc', port: 11800 }, { protocolSuffix: 'http', port: 12800 }],
  jaeger: [{ protocolSuffix: 'grpc', port: 14250 }, { protocolSuffix: 'thrift_http', port: 14268 }, { protocolSuffix: 'thrift_compact', port: 6831, protocol: 'UDP' }, { protocolSuffix: 'thrift_binary', port: 6832, protocol: 'UDP' }],
  loki: [{ protocolSuffix: 'grpc', port: 9095 }, { protocolSuffix: 'http', port: 3100 }],
  awsxray: [{ port: 2000, protocol: 'UDP' }],
  carbon: [{ port: 2003 }],
  collectd: [{ port: 8081 }],
  fluent_forward: [{ port: 8006 }],
  fluentforward: [{ port: 8006 }],
  influxdb: [{ port: 8086 }],
  sapm: [{ port: 7276 }],
  signalfx: [{ port: 9943 }],
  splunk_hec: [{ port: 8088 }],
  statsd: [{ port: 8125, protocol: 'UDP' }],
  wavefront: [{ port: 2003 }],
  zipkin: [{ port: 9411 }],
};
const MULTI_PROTOCOL = new Set(['otlp', 'skywalking', 'jaeger', 'loki']);
/** Exporters with a port (exporters/helpers.go). */
const EXPORTER_PORTS: { [type: string]: ComponentPort[] } = { prometheus: [{ port: 8888 }] };

/** naming.PortName. */
function portName(component: string, port: number): string {
  if (component.length > 15) return `port-${port}`;
  const candidate = component.replace(/\//g, '-').replace(/_/g, '-');
  return /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/.test(candidate) ? candidate : `port-${port}`;
}

function endpointPort(config: unknown): number | undefined {
  const o = asObject(config);
  const endpoint = asString(o?.endpoint) ?? asString(o?.listen_address);
  const m = endpoint ? /:(\d+)$/.exec(endpoint) : null;
  return m ? Number(m[1]) : undefined;
}

function componentPorts(name: string, config: unknown, defaults: { [type: string]: ComponentPort[] }): PodPort[] {
  const type = name.split('/')[0];
  if (MULTI_PROTOCOL.has(type)) {
    const protocols = asObject(asObject(config)?.protocols) ?? {};
    return Object.entries(protocols).flatMap(([protocol, pc]) => {
      const known = (defaults[type] ?? []).find((d) => d.protocolSuffix === protocol);
      const port = endpointPort(pc) ?? known?.port;
      return port === undefined ? [] : [{ name: portName(`${name}-${protocol}`, port), port, protocol: known?.protocol ?? 'TCP' }];
    });
  }
  const known = (defaults[type] ?? [])[0];
  const port = endpointPort(config) ?? known?.port;
  return port === undefined ? [] : [{ name: portName(name, port), port, protocol: known?.protocol ?? 'TCP' }];
}

/** The collector configuration as an object (v1beta1 holds an object, v1alpha1 a YAML string). */
export function collectorConfig(spec: { [key: string]: unknown }): { [key: string]: unknown } {
  const raw = spec.config;
  if (typeof raw === 'string') {
    try {
      return asObject(YAML.parse(raw)) ?? {};
    } catch {
      return {};
    }
  }
  return asObject(raw) ?? {};
}

/** Enabled components: those a pipeline (or `service.extensions`) uses (otelconfig GetEnabledComponents). */
function enabled(config: { [key: string]: unknown }, kind: 'receivers' | 'exporters'): Set<string> {
  const names = new Set<string>();
  for (const pipeline of Object.values(asObject(asObject(config.service)?.pipelines) ?? {})) {
    for (const n of asArray(asObject(pipeline)?.[kind])) if (typeof n === 'string') names.add(n);
  }
  return names;
}

function telemetryPort(config: { [key: string]: unknown }): number {
  const metrics = asObject(asObject(asObject(config.service)?.telemetry)?.metrics);
  const address = asString(metrics?.address);
  const m = address ? /:(\d+)$/.exec(address) : null;
  if (m) return Number(m[1]);
  for (const reader of asArray(metrics?.readers)) {
    const port = asPort(asObject(asObject(asObject(asObject(reader)?.pull)?.exporter)?.prometheus)?.port);
    if (port !== undefined) return port;
  }
  return 8888;
}

/** OpenTelemetryCollector (opentelemetry.io/v1beta1 and v1alpha1). */
export const OPENTELEMETRY_COLLECTOR_ADAPTER: CustomResourceAdapter = {
  group: 'opentelemetry.io',
  kind: 'OpenTelemetryCollector',
  source: SOURCE,
  expand(obj, namespace): AdapterOutput {
    const spec = asObject(obj.spec) ?? {};
    const mode = asString(spec.mode) ?? 'deployment';
    const crName = obj.metadata.name ?? '';
    const name = `${crName}-collector`;
    const config = collectorConfig(spec);
    const receivers = asObject(config.receivers) ?? {};
    const exporters = asObject(config.exporters) ?? {};
    const servicePorts: PodPort[] = [
      ...[...enabled(config, 'receivers')].flatMap((r) => componentPorts(r, receivers[r], RECEIVER_PORTS)),
      ...[...enabled(config, 'exporters')].flatMap((e) => componentPorts(e, exporters[e], EXPORTER_PORTS)),
    ].sort((a, b) => (a.name ?? '').localeCompare(b.name ?? ''));
    const extra: PodPort[] = asArray(spec.ports).flatMap((raw) => {
      const p = asObject(raw);
      const port = asPort(p?.port);
      return p && port !== undefined ? [{ ...(asString(p.name) ? { name: asString(p.name) } : {}), port, protocol: asString(p.protocol) ?? 'TCP' }] : [];
    });
    const ports = [...extra, ...servicePorts.filter((p) => !extra.some((e) => e.port === p.port && e.protocol === p.protocol))];
    const metricsPort = telemetryPort(config);
    const selector = {
      'app.kubernetes.io/managed-by': 'opentelemetry-operator',
      'app.kubernetes.io/instance': `${namespace}.${crName}`,
      'app.kubernetes.io/part-of': 'opentelemetry',
      'app.kubernetes.io/component': 'opentelemetry-collector',
    };
    const instanceLabels = asStringMap(obj.metadata.labels);
    const labels = { 'app.kubernetes.io/name': name, ...instanceLabels, ...selector, ...asStringMap(spec.podLabels) };
    const serviceAccount = asString(spec.serviceAccount) || name;
    const by = `OpenTelemetry operator (OpenTelemetryCollector ${namespace}/${crName})`;
    const toServicePorts = (ps: PodPort[]) => ps.map((p) => ({
      ...(p.name ? { name: p.name } : {}), port: p.port, targetPort: p.port, protocol: p.protocol,
    }));
    const objects: CreatedObject[] = [
      ...(asString(spec.serviceAccount) ? [] : [{ object: { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace } }, providedBy: by }]),
      { object: { apiVersion: 'v1', kind: 'Service', metadata: { name: `${name}-monitoring`, namespace }, spec: { selector, ports: [{ name: 'monitoring', port: metricsPort, targetPort: metricsPort, protocol: 'TCP' }] } }, providedBy: by },
    ];
    if (ports.length > 0) {
      objects.push(
        { object: { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace }, spec: { selector, ports: toServicePorts(ports) } }, providedBy: by },
        { object: { apiVersion: 'v1', kind: 'Service', metadata: { name: `${name}-headless`, namespace }, spec: { clusterIP: 'None', selector, ports: toServicePorts(ports) } }, providedBy: by },
      );
    }
    if (mode === 'sidecar') return { objects: [], podGroups: [] };
    const extensions = asObject(config.extensions) ?? {};
    const extensionPorts = asArray(asObject(config.service)?.extensions)
      .filter((e): e is string => typeof e === 'string')
      .flatMap((e) => componentPorts(e, extensions[e], {}));
    const containerPorts = [...ports, ...extensionPorts, { name: 'metrics', port: metricsPort, protocol: 'TCP' }]
      .map((p) => ({ ...p, name: p.name && p.name.length > 15 ? p.name.slice(0, 15) : p.name }));
    const container: { [key: string]: unknown } = { name: 'otc-container' };
    for (const k of ['env', 'envFrom', 'volumeMounts']) if (spec[k] !== undefined) container[k] = spec[k];
    const podSpec: { [key: string]: unknown } = {
      serviceAccountName: serviceAccount,
      containers: [container, ...asArray(spec.additionalContainers)],
    };
    for (const k of ['initContainers', 'volumes', 'priorityClassName', 'hostNetwork', 'imagePullSecrets']) if (spec[k] !== undefined) podSpec[k] = spec[k];
    return {
      objects,
      podGroups: [{
        id: `OpenTelemetryCollector ${namespace}/${crName}`,
        namespace,
        labels,
        ports: containerPorts,
        serviceAccount,
        hostNetwork: spec.hostNetwork === true,
        podSpec,
        podSpecPath: 'spec',
        createdBy: `OpenTelemetry operator, mode ${mode} (${SOURCE})`,
      }],
    };
  },
};
