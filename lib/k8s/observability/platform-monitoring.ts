import { Lazy } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { invalidProp } from '../../core/errors';
import { API_SERVER_PORT, DEFAULT_VPC_CIDR, apiServerEgress, httpsEgress, isIpv4Cidr, tcpPorts } from '../common/egress';
import { DEFAULT_ENCRYPTED_STORAGE_CLASS, EncryptedStorageClass } from '../common/encrypted-storage-class';
import { NamespaceIsolation } from '../common/namespace-isolation';
import { SecretSource } from '../common/secret-source';
import { KUBE_PROMETHEUS_STACK, KubePrometheusStack, OPERATOR_NAMESPACES } from '../operators';
import { SECRETS_SYNC_WAVE } from '../pod-security';
import { TeamNamespace } from '../team-namespace';
import { WorkloadSelector } from '../workload-selector';

/**
 * KEDA's operator pods (the keda chart's templates/manager/deployment.yaml, release namespace
 * `keda`): its prometheus scalers query the metrics backend.
 */
export const KEDA_OPERATOR_PODS = WorkloadSelector.inNamespace(OPERATOR_NAMESPACES.keda, { 'app.kubernetes.io/name': 'keda-operator' });

/** Props of {@link PlatformMonitoring}. */
export interface PlatformMonitoringProps {
  /**
   * The installed stack (the same object whose release the operators chart installs).
   * @default KubePrometheusStack.platformDefault()
   */
  readonly stack?: KubePrometheusStack;
  /**
   * The VPC's address block: nodes (kubelet, node exporter) and the API server's private endpoint are in it.
   * @default "10.0.0.0/16" (the AWS layer's default VPC)
   */
  readonly vpcCidr?: string;
  /**
   * Workloads that query Prometheus besides Grafana; more with {@link PlatformMonitoring.allowQueryFrom}.
   * @default - KEDA's operator (the autoscalers of served models)
   */
  readonly queryClients?: WorkloadSelector[];
  /**
   * Where Grafana's admin credentials come from: with Secrets Manager, an ExternalSecret fills
   * the stack's `grafanaAdminSecret` from a JSON secret with `admin-user` and `admin-password`.
   * @default - the Secret exists already (created by the user)
   */
  readonly grafanaAdmin?: SecretSource;
}

/**
 * The platform's side of its kube-prometheus-stack: what the chart does not bring.
 *
 * - Namespace-wide default-deny in `monitoring` (NamespaceIsolation) and every flow the stack
 *   needs: Prometheus scrapes pods in every namespace (each target's own policy decides
 *   whether to let it in) and the nodes' kubelet and node exporter, and reaches the API server
 *   for service discovery; Grafana queries Prometheus and Alertmanager; Prometheus sends alerts
 *   to Alertmanager; KEDA's operator (and other query clients) query Prometheus; the operator,
 *   kube-state-metrics and Grafana's sidecars read the API server; Alertmanager replicas gossip,
 *   and reach their receiver over HTTPS when one is configured. Nothing else gets in or out.
 * - The encrypted StorageClass of Prometheus' and Alertmanager's volumes (when the stack uses
 *   the platform's default class).
 * - Grafana's admin Secret, when it comes from Secrets Manager.
 */
export class PlatformMonitoring extends Construct {
  /** The stack. */
  public readonly stack: KubePrometheusStack;
  /** The monitoring namespace's NetworkPolicies. */
  public readonly isolation: NamespaceIsolation;
  /** The StorageClass, when the stack uses the platform's default. */
  public readonly storageClass?: EncryptedStorageClass;
  private readonly queryClients: WorkloadSelector[] = [];

  constructor(scope: Construct, id: string, props: PlatformMonitoringProps = {}) {
    super(scope, id);
    const where = this.node.path;
    const stack = this.stack = props.stack ?? KubePrometheusStack.platformDefault();
    const K = KUBE_PROMETHEUS_STACK;
    const vpcCidr = props.vpcCidr ?? DEFAULT_VPC_CIDR;
    if (!isIpv4Cidr(vpcCidr)) {
      throw invalidProp(where, 'vpcCidr', props.vpcCidr, 'not an IPv4 CIDR block', 'give the VPC block, e.g. "10.0.0.0/16"');
    }
    if (stack.storageClassName === DEFAULT_ENCRYPTED_STORAGE_CLASS) this.storageClass = EncryptedStorageClass.ensure(this);
    if (props.grafanaAdmin) {
      props.grafanaAdmin.materialize(this, 'GrafanaAdmin', {
        namespace: stack.namespace,
        name: stack.grafanaAdminSecret,
        keys: { 'admin-user': 'admin-user', 'admin-password': 'admin-password' },
        syncWave: SECRETS_SYNC_WAVE,
      });
    }
    (props.queryClients ?? [KEDA_OPERATOR_PODS]).forEach((c) => this.allowQueryFrom(c));

    const prometheus = stack.prometheusPods.toPeer();
    const grafana = stack.grafanaPods.toPeer();
    const alertmanager = stack.alertmanagerPods.toPeer();
    const mesh: k8s.NetworkPolicyPort[] = [
      { protocol: 'TCP', port: k8s.IntOrString.fromNumber(K.alertmanagerMeshPort) },
      { protocol: 'UDP', port: k8s.IntOrString.fromNumber(K.alertmanagerMeshPort) },
    ];
    const api = apiServerEgress(vpcCidr);
    const isolation = this.isolation = NamespaceIsolation.ensure(this, stack.namespace);

    isolation.allow('prometheus', {
      podSelector: { matchLabels: { ...stack.prometheusPods.podLabels } },
      policyTypes: ['Ingress', 'Egress'],
      ingress: Lazy.any({
        produce: () => [
          // Its own metrics (the self-monitor scrapes the Service) and the config reloader's.
          { from: [prometheus], ports: tcpPorts(K.prometheusPort, K.reloaderPort) },
          { from: [grafana, ...this.queryClients.map((c) => c.toPeer())], ports: tcpPorts(K.prometheusPort) },
        ],
      }),
      egress: [
        // Scrapes: pods of every namespace on any port; each target's policy admits it on its metrics port only.
        { to: [{ namespaceSelector: {} }] },
        // The nodes: kubelet (metrics, cAdvisor) and node exporter (host network); the API server (service discovery).
        { to: [{ ipBlock: { cidr: vpcCidr } }], ports: tcpPorts(K.kubeletPort, K.nodeExporterPort, API_SERVER_PORT) },
      ],
    });
    isolation.allow('alertmanager', {
      podSelector: { matchLabels: { ...stack.alertmanagerPods.podLabels } },
      policyTypes: ['Ingress', 'Egress'],
      ingress: [
        { from: [prometheus], ports: tcpPorts(K.alertmanagerPort, K.reloaderPort) },
        { from: [grafana], ports: tcpPorts(K.alertmanagerPort) },
        { from: [alertmanager], ports: mesh },
      ],
      // The receiver's URL is a secret: any address, HTTPS only.
      egress: [{ to: [alertmanager], ports: mesh }, ...(stack.alertReceiver ? [httpsEgress()] : [])],
    });
    isolation.allow('grafana', {
      podSelector: { matchLabels: { ...stack.grafanaPods.podLabels } },
      policyTypes: ['Ingress', 'Egress'],
      ingress: [{ from: [prometheus], ports: tcpPorts(K.grafanaPort) }],
      egress: [
        { to: [prometheus], ports: tcpPorts(K.prometheusPort) },
        { to: [alertmanager], ports: tcpPorts(K.alertmanagerPort) },
        // The dashboard and data source sidecars watch ConfigMaps.
        api,
      ],
    });
    isolation.allow('prometheus-operator', {
      podSelector: { matchLabels: { ...stack.operatorPods.podLabels } },
      policyTypes: ['Ingress', 'Egress'],
      ingress: [{ from: [prometheus], ports: tcpPorts(K.operatorPort) }],
      egress: [api],
    });
    isolation.allow('kube-state-metrics', {
      podSelector: { matchLabels: { ...stack.kubeStateMetricsPods.podLabels } },
      policyTypes: ['Ingress', 'Egress'],
      ingress: [{ from: [prometheus], ports: tcpPorts(K.kubeStateMetricsPort, K.kubeStateMetricsTelemetryPort) }],
      egress: [api],
    });
  }

  /** The workloads allowed to query Prometheus besides Grafana. */
  public get clients(): WorkloadSelector[] {
    return [...this.queryClients];
  }

  /**
   * Lets a workload query Prometheus (its HTTP API). When the workload is in a TeamNamespace,
   * its egress to Prometheus is opened too.
   */
  public allowQueryFrom(client: WorkloadSelector): void {
    if (!(client instanceof WorkloadSelector)) {
      throw invalidProp(this.node.path, 'queryClients', client, 'not a WorkloadSelector', 'select the client\'s pods with team.workloads({ app: "..." }) or WorkloadSelector.inNamespace(...)');
    }
    const key = (s: WorkloadSelector) => `${s.namespace}/${JSON.stringify(Object.entries(s.podLabels).sort())}`;
    if (this.queryClients.some((c) => key(c) === key(client))) return;
    this.queryClients.push(client);
    if (client.owner instanceof TeamNamespace) client.owner.allowTo(this.stack.queryServer, this.stack.queryPort, client);
  }
}
