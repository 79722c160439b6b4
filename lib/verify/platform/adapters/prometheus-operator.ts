/**
 * Prometheus and Alertmanager, as the Prometheus operator v0.93.0 runs them.
 *
 * Read in prometheus-operator/prometheus-operator@v0.93.0:
 * - pkg/prometheus/server/operator.go (makeSelectorLabels): Prometheus pods carry
 *   app.kubernetes.io/managed-by=prometheus-operator, app.kubernetes.io/name=prometheus,
 *   app.kubernetes.io/instance=<name>, operator.prometheus.io/name=<name>, prometheus=<name>, and
 *   operator.prometheus.io/shard (pkg/prometheus/server/statefulset.go), plus spec.podMetadata.labels
 *   (pkg/prometheus/promcfg.go BuildPodMetadata);
 * - pkg/prometheus/common.go: container port `web` (spec.portName) 9090 unless listenLocal;
 *   BuildStatefulSetService: the headless governing Service `prometheus-operated` (port `web` 9090,
 *   selector app.kubernetes.io/name=prometheus) when spec.serviceName is unset;
 * - pkg/operator/config_reloader.go: the config reloader's port `reloader-web` 8080;
 * - pkg/alertmanager/operator.go, statefulset.go: Alertmanager pods carry app.kubernetes.io/name=alertmanager,
 *   managed-by, instance=<name>, alertmanager=<name>; ports web 9093, mesh-tcp 9094, mesh-udp 9094/UDP;
 *   the headless Service `alertmanager-operated` (web 9093, tcp-mesh 9094, udp-mesh 9094/UDP);
 * - pkg/prometheus/resource_selector.go, pkg/operator/operator.go (SelectNamespacesFromCache):
 *   a nil monitor or rule selector selects nothing, an empty one everything; a nil namespace
 *   selector means the Prometheus's own namespace, an empty one all namespaces.
 */
import { asArray, asObject, asString, asStringMap } from '../kinds';
import { PodPort } from '../model';
import { AdapterOutput, CustomResourceAdapter } from './adapter';

const SOURCE = 'prometheus-operator/prometheus-operator@v0.93.0: pkg/prometheus/{common.go,server/operator.go,server/statefulset.go,promcfg.go}, pkg/alertmanager/{operator.go,statefulset.go}, pkg/operator/config_reloader.go';
const MANAGED_BY = { 'app.kubernetes.io/managed-by': 'prometheus-operator' };
const RELOADER: PodPort = { name: 'reloader-web', port: 8080, protocol: 'TCP' };

function podSpecOf(spec: { [key: string]: unknown }, serviceAccount: string): { [key: string]: unknown } {
  const volumes = [
    ...asArray(spec.volumes),
    ...asArray(spec.secrets).map((s) => ({ name: `secret-${s}`, secret: { secretName: s } })),
    ...asArray(spec.configMaps).map((c) => ({ name: `configmap-${c}`, configMap: { name: c } })),
  ];
  return {
    serviceAccountName: serviceAccount,
    containers: asArray(spec.containers),
    initContainers: asArray(spec.initContainers),
    volumes,
    ...(spec.imagePullSecrets ? { imagePullSecrets: spec.imagePullSecrets } : {}),
    ...(asString(spec.priorityClassName) ? { priorityClassName: spec.priorityClassName } : {}),
  };
}

/**
 * What the operator reads the same way from a Prometheus and an Alertmanager: name, spec, web
 * port name, ServiceAccount, and the pods' labels (the podMetadata labels, the operator's, the
 * app's name and instance, then `extra` for the name).
 */
function operated(obj: { metadata: { name?: string }; spec?: unknown }, app: string, extra: (name: string) => { [key: string]: string }) {
  const name = obj.metadata.name ?? '';
  const spec = asObject(obj.spec) ?? {};
  return {
    name,
    spec,
    portName: asString(spec.portName) || 'web',
    serviceAccount: asString(spec.serviceAccountName) || 'default',
    labels: {
      ...asStringMap(asObject(spec.podMetadata)?.labels),
      ...MANAGED_BY,
      'app.kubernetes.io/name': app,
      'app.kubernetes.io/instance': name,
      ...extra(name),
    },
  };
}

/** Prometheus (monitoring.coreos.com/v1). */
export const PROMETHEUS_ADAPTER: CustomResourceAdapter = {
  group: 'monitoring.coreos.com',
  kind: 'Prometheus',
  source: SOURCE,
  expand(obj, namespace): AdapterOutput {
    const { name, spec, portName, serviceAccount, labels } = operated(obj, 'prometheus',
      (n) => ({ 'operator.prometheus.io/name': n, 'prometheus': n, 'operator.prometheus.io/shard': '0' }));
    const ports: PodPort[] = [...(spec.listenLocal === true ? [] : [{ name: portName, port: 9090, protocol: 'TCP' }]), RELOADER];
    const by = `Prometheus operator (Prometheus ${namespace}/${name})`;
    return {
      objects: asString(spec.serviceName) ? [] : [{
        object: {
          apiVersion: 'v1',
          kind: 'Service',
          metadata: { name: 'prometheus-operated', namespace, labels: { 'operated-prometheus': 'true' } },
          spec: { clusterIP: 'None', selector: { 'app.kubernetes.io/name': 'prometheus' }, ports: [{ name: portName, port: 9090, targetPort: portName, protocol: 'TCP' }] },
        },
        providedBy: by,
      }],
      podGroups: [{
        id: `Prometheus ${namespace}/${name}`,
        namespace,
        labels,
        ports,
        serviceAccount,
        hostNetwork: spec.hostNetwork === true,
        podSpec: podSpecOf(spec, serviceAccount),
        podSpecPath: 'spec',
        createdBy: `Prometheus operator (${SOURCE})`,
      }],
    };
  },
};

/** Alertmanager (monitoring.coreos.com/v1). */
export const ALERTMANAGER_ADAPTER: CustomResourceAdapter = {
  group: 'monitoring.coreos.com',
  kind: 'Alertmanager',
  source: SOURCE,
  expand(obj, namespace): AdapterOutput {
    const { name, spec, portName, serviceAccount, labels } = operated(obj, 'alertmanager', (n) => ({ alertmanager: n }));
    return {
      objects: [{
        object: {
          apiVersion: 'v1',
          kind: 'Service',
          metadata: { name: 'alertmanager-operated', namespace, labels: { 'operated-alertmanager': 'true' } },
          spec: {
            clusterIP: 'None',
            selector: { 'app.kubernetes.io/name': 'alertmanager' },
            ports: [
              { name: portName, port: 9093, targetPort: portName, protocol: 'TCP' },
              { name: 'tcp-mesh', port: 9094, targetPort: 'mesh-tcp', protocol: 'TCP' },
              { name: 'udp-mesh', port: 9094, targetPort: 'mesh-udp', protocol: 'UDP' },
            ],
          },
        },
        providedBy: `Prometheus operator (Alertmanager ${namespace}/${name})`,
      }],
      podGroups: [{
        id: `Alertmanager ${namespace}/${name}`,
        namespace,
        labels,
        ports: [
          { name: portName, port: 9093, protocol: 'TCP' },
          { name: 'mesh-tcp', port: 9094, protocol: 'TCP' },
          { name: 'mesh-udp', port: 9094, protocol: 'UDP' },
          RELOADER,
        ],
        serviceAccount,
        hostNetwork: false,
        podSpec: podSpecOf(spec, serviceAccount),
        podSpecPath: 'spec',
        createdBy: `Prometheus operator (${SOURCE})`,
      }],
    };
  },
};
