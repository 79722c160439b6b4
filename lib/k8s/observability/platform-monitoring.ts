import { ApiObject, Lazy } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { PlatformContract } from '../../core/contract';
import { invalidProp } from '../../core/errors';
import { METRICS_BACKEND } from '../../core/metrics-backend';
import {
  ExternalSecret, ExternalSecretSpecSecretStoreRefKind, ExternalSecretSpecTargetCreationPolicy, ExternalSecretSpecTargetDeletionPolicy,
} from '../../imports/external-secrets.io';
import { API_SERVER_PORT, DEFAULT_VPC_CIDR, apiServerEgress, httpsEgress, isIpv4Cidr, podIdentityEgress, tcpPorts } from '../common/egress';
import { DEFAULT_ENCRYPTED_STORAGE_CLASS, EncryptedStorageClass } from '../common/encrypted-storage-class';
import { NamespaceIsolation } from '../common/namespace-isolation';
import { SecretKeyRef } from '../common/secret-key-ref';
import { RolloutWorkloadKind, SecretRollout, SecretRolloutOptions } from '../common/secret-rollout';
import { SecretSource } from '../common/secret-source';
import { KUBE_PROMETHEUS_STACK, KubePrometheusStack, OPERATOR_NAMESPACES } from '../operators';
import { SECRETS_SYNC_WAVE, SYNC_WAVE_ANNOTATION } from '../pod-security';
import { TeamNamespace } from '../team-namespace';
import { WorkloadSelector } from '../workload-selector';

/**
 * KEDA's operator pods (the keda chart's templates/manager/deployment.yaml, release namespace
 * `keda`): its prometheus scalers query the metrics backend.
 */
export const KEDA_OPERATOR_PODS = WorkloadSelector.inNamespace(OPERATOR_NAMESPACES.keda, { 'app.kubernetes.io/name': 'keda-operator' });

/**
 * Name of the monitoring namespace's own SecretStore (AWS Secrets Manager, read with the External
 * Secrets controller's identity), from which Grafana's generated admin credentials are copied.
 */
export const MONITORING_SECRET_STORE = 'aws-secrets-manager';

/** Props of {@link PlatformMonitoring}. */
export interface PlatformMonitoringProps {
  /**
   * The platform contract: the VPC block, and the Grafana admin secret the AWS layer generated
   * (`metrics.grafanaAdminSecretName`), which is then copied into the stack's `grafanaAdminSecret`
   * through External Secrets unless `grafanaAdmin` says otherwise.
   * @default - none: vpcCidr and grafanaAdmin as given
   */
  readonly contract?: PlatformContract;
  /**
   * The installed stack (the same object whose release the operators chart installs).
   * @default KubePrometheusStack.platformDefault()
   */
  readonly stack?: KubePrometheusStack;
  /**
   * The VPC's address block: nodes (kubelet, node exporter) and the API server's private endpoint are in it.
   * @default - the contract's vpcCidr, else "10.0.0.0/16" (the AWS layer's default VPC)
   */
  readonly vpcCidr?: string;
  /**
   * Workloads that query Prometheus besides Grafana; more with {@link PlatformMonitoring.allowQueryFrom}.
   * @default - KEDA's operator (the autoscalers of served models), unless KEDA queries the managed Prometheus workspace
   */
  readonly queryClients?: WorkloadSelector[];
  /**
   * Where Grafana's admin credentials come from: with Secrets Manager, an ExternalSecret fills
   * the stack's `grafanaAdminSecret` from a JSON secret with `admin-user` and `admin-password`.
   * @default - the contract's generated secret (through the namespace's own SecretStore), else a Secret the user creates
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
 *   to Alertmanager; KEDA's operator (and other query clients) query Prometheus, unless KEDA
 *   queries the managed Prometheus workspace; the operator, kube-state-metrics and Grafana's
 *   sidecars read the API server; Alertmanager replicas gossip, and reach their receiver over
 *   HTTPS when one is configured; with remote write to Amazon Managed Service for Prometheus,
 *   Prometheus reaches the EKS Pod Identity agent and AWS over HTTPS. Nothing else gets in or out.
 * - The encrypted StorageClass of Prometheus' and Alertmanager's volumes (when the stack uses
 *   the platform's default class).
 * - Grafana's admin Secret: from the secret the AWS layer generated when the contract names one
 *   (a SecretStore of the monitoring namespace and an ExternalSecret), or from a given source.
 */
export class PlatformMonitoring extends Construct {
  /** The stack. */
  public readonly stack: KubePrometheusStack;
  /** The monitoring namespace's NetworkPolicies. */
  public readonly isolation: NamespaceIsolation;
  /** The StorageClass, when the stack uses the platform's default. */
  public readonly storageClass?: EncryptedStorageClass;
  /** The ExternalSecret that fills Grafana's admin Secret from the contract's generated secret, when it does. */
  public readonly grafanaAdminSecret?: ExternalSecret;
  /** The monitoring namespace's SecretStore that ExternalSecret reads through. */
  public readonly secretStore?: ApiObject;
  private readonly queryClients: WorkloadSelector[] = [];

  constructor(scope: Construct, id: string, props: PlatformMonitoringProps = {}) {
    super(scope, id);
    const where = this.node.path;
    const stack = this.stack = props.stack ?? KubePrometheusStack.platformDefault();
    const K = KUBE_PROMETHEUS_STACK;
    const contract = props.contract;
    const vpcCidr = props.vpcCidr ?? contract?.vpcCidr ?? DEFAULT_VPC_CIDR;
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
    } else if (contract?.metrics?.grafanaAdminSecretName) {
      const generated = this.grafanaAdminFromContract(contract, contract.metrics.grafanaAdminSecretName);
      this.secretStore = generated.store;
      this.grafanaAdminSecret = generated.externalSecret;
    }
    (props.queryClients ?? (stack.autoscalingQuery ? [] : [KEDA_OPERATOR_PODS])).forEach((c) => this.allowQueryFrom(c));

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
        // Remote write to the managed workspace: credentials from the Pod Identity agent, then HTTPS to AWS.
        ...(stack.managedPrometheus ? [podIdentityEgress(), httpsEgress()] : []),
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

  /**
   * Grafana's admin Secret from the AWS layer's generated secret: a SecretStore of the monitoring
   * namespace (AWS Secrets Manager, read with the External Secrets controller's identity, which the
   * AWS layer allows to read that secret) and an ExternalSecret that copies the two keys.
   */
  private grafanaAdminFromContract(contract: PlatformContract, secretId: string): { store: ApiObject; externalSecret: ExternalSecret } {
    const ns = this.stack.namespace;
    const store = new ApiObject(this, 'SecretStore', {
      apiVersion: 'external-secrets.io/v1',
      kind: 'SecretStore',
      // Before the ExternalSecret that reads through it.
      metadata: { name: MONITORING_SECRET_STORE, namespace: ns, annotations: { [SYNC_WAVE_ANNOTATION]: String(SECRETS_SYNC_WAVE - 1) } },
      spec: { provider: { aws: { service: 'SecretsManager', region: contract.region } } },
    });
    const keys = METRICS_BACKEND.grafanaAdminKeys;
    const externalSecret = new ExternalSecret(this, 'GrafanaAdmin', {
      metadata: { name: this.stack.grafanaAdminSecret, namespace: ns, annotations: { [SYNC_WAVE_ANNOTATION]: String(SECRETS_SYNC_WAVE) } },
      spec: {
        refreshInterval: '1h',
        secretStoreRef: { kind: ExternalSecretSpecSecretStoreRefKind.SECRET_STORE, name: MONITORING_SECRET_STORE },
        target: {
          name: this.stack.grafanaAdminSecret,
          creationPolicy: ExternalSecretSpecTargetCreationPolicy.OWNER,
          // A value removed from Secrets Manager by mistake must not lock the admin out.
          deletionPolicy: ExternalSecretSpecTargetDeletionPolicy.RETAIN,
        },
        data: [keys.user, keys.password].map((key) => ({ secretKey: key, remoteRef: { key: secretId, property: key } })),
      },
    });
    return { store, externalSecret };
  }

  /**
   * Restarts Grafana when its admin Secret changes (a rotated or replaced password that External
   * Secrets copied): Grafana and its sidecars read the password at start, and Grafana, which
   * keeps no data, sets its admin's password from it then. A {@link SecretRollout} of the
   * monitoring namespace watches the Secret (`CnaiPlatform` does this unless
   * `restartOnSecretChange` is false).
   * @param options the rollout's settings (the API server's block: the contract's VPC block)
   */
  public restartGrafanaOnSecretChange(options: SecretRolloutOptions = {}): SecretRollout {
    const rollout = SecretRollout.ensure(this, this.stack.namespace, options);
    rollout.restartChartWorkloadOnChange(SecretKeyRef.fromName(this.stack.grafanaAdminSecret, METRICS_BACKEND.grafanaAdminKeys.password),
      RolloutWorkloadKind.DEPLOYMENT, this.stack.grafanaDeploymentName);
    return rollout;
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
