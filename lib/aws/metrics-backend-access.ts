import { Construct } from 'constructs';
import type { Cluster } from './cluster';
import { EncryptionKey } from './encryption-key';
import { ManagedGrafana } from './managed-grafana';
import { ManagedPrometheus } from './managed-prometheus';
import { ServiceSecret } from './service-secret';
import type { WorkloadIdentity } from './workload-identity';
import { DATA_SERVICES } from '../core/contract';
import { MetricsBackendContract, METRICS_BACKEND } from '../core/metrics-backend';
import { ManagedGrafanaSpec, ManagedPrometheusSpec, MetricsBackendSpecValidator } from '../core/metrics-backend-spec';

/** Options of {@link MetricsBackendAccess} (and of `CnaiAwsStack.addMetricsBackend`). */
export interface MetricsBackendAccessOptions {
  /**
   * Amazon Managed Service for Prometheus: a workspace the in-cluster Prometheus remote-writes to.
   * @default - none: metrics stay in the cluster
   */
  readonly managedPrometheus?: ManagedPrometheusSpec;
  /**
   * Amazon Managed Grafana over that workspace (needs `managedPrometheus`).
   * @default - none
   */
  readonly managedGrafana?: ManagedGrafanaSpec;
  /**
   * Generate Grafana's admin password at apply (write-only: never in plan, state or manifests).
   * Off, the secret is created empty and set once by hand.
   * @default true
   */
  readonly generateCredentials?: boolean;
  /**
   * Version of the generated credentials: bump it to rotate them at the next apply.
   * @default 1
   */
  readonly credentialsVersion?: number;
  /**
   * Days a deleted secret can be restored (7 to 30), or 0 to delete it at once.
   * @default 30
   */
  readonly secretRecoveryWindowDays?: number;
}

/** Props of {@link MetricsBackendAccess}. */
export interface MetricsBackendAccessProps extends MetricsBackendAccessOptions {
  /** The cluster whose metrics backend this serves. */
  readonly cluster: Cluster;
  /**
   * The identity that reads Secrets Manager for the cluster (the External Secrets controller).
   * @default - the cluster's identity of DATA_SERVICES.secretsReader, created when missing
   */
  readonly secretsReader?: WorkloadIdentity;
}

/**
 * The AWS side of the platform's metrics backend:
 *
 * - Grafana's admin credentials as a Secrets Manager secret (`<prefix>/grafana-admin`, JSON
 *   `admin-user` = `admin` and a random `admin-password`), generated at apply through a write-only
 *   attribute fed by an ephemeral random password (never in plan or state; bump
 *   `credentialsVersion` to rotate), readable by the External Secrets controller only;
 * - optionally Amazon Managed Service for Prometheus ({@link ManagedPrometheus}: the workspace,
 *   Prometheus' remote-write identity, KEDA's query identity) and Amazon Managed Grafana
 *   ({@link ManagedGrafana}).
 *
 * The secret and the workspace's data share one customer-managed key (`<prefix>-metrics`).
 * {@link MetricsBackendAccess.contract} is the contract's `metrics` field.
 */
export class MetricsBackendAccess extends Construct {
  /** The key of the secret (and of the Prometheus workspace's data). */
  public readonly key: EncryptionKey;
  /** Grafana's admin credentials. */
  public readonly grafanaAdmin: ServiceSecret;
  /** The External Secrets controller's identity. */
  public readonly secretsReader: WorkloadIdentity;
  /** The Prometheus workspace, when asked for. */
  public readonly managedPrometheus?: ManagedPrometheus;
  /** The Grafana workspace, when asked for. */
  public readonly managedGrafana?: ManagedGrafana;

  constructor(scope: Construct, id: string, props: MetricsBackendAccessProps) {
    super(scope, id);
    MetricsBackendSpecValidator.validate(this.node.path, { managedPrometheus: props.managedPrometheus, managedGrafana: props.managedGrafana }, true, 'props');
    const cluster = props.cluster;
    const naming = cluster.naming;
    this.key = new EncryptionKey(this, 'key', {
      naming,
      purpose: 'metrics',
      allowManagedPrometheus: props.managedPrometheus !== undefined,
      description: `${naming.prefix} metrics backend: Grafana admin credentials${props.managedPrometheus ? ', managed Prometheus workspace' : ''}`,
    });
    const reader = DATA_SERVICES.secretsReader;
    this.secretsReader = props.secretsReader
      ?? cluster.workloadIdentities.find((w) => w.namespace === reader.namespace && w.serviceAccount === reader.serviceAccount)
      ?? cluster.addWorkloadIdentity('external-secrets', { namespace: reader.namespace, serviceAccount: reader.serviceAccount, purpose: 'external-secrets' });

    const keys = METRICS_BACKEND.grafanaAdminKeys;
    this.grafanaAdmin = new ServiceSecret(this, 'grafana-admin', {
      naming,
      service: METRICS_BACKEND.grafanaAdminSecretService,
      key: this.key,
      description: `Grafana admin credentials: JSON with ${keys.user} and ${keys.password}`,
      recoveryWindowDays: props.secretRecoveryWindowDays,
      generate: (props.generateCredentials ?? true)
        ? { fixed: { [keys.user]: METRICS_BACKEND.grafanaAdminUser }, randomKeys: [keys.password], version: props.credentialsVersion ?? 1 }
        : undefined,
    });
    this.grafanaAdmin.grantRead(this.secretsReader);

    if (props.managedPrometheus) {
      this.managedPrometheus = new ManagedPrometheus(this, 'managed-prometheus', {
        cluster, key: this.key, kedaQueries: props.managedPrometheus.kedaQueries,
      });
    }
    if (props.managedGrafana) {
      this.managedGrafana = new ManagedGrafana(this, 'managed-grafana', { ...props.managedGrafana, cluster, prometheus: this.managedPrometheus! });
    }
  }

  /** The contract's `metrics` field (the workspace id is a token until apply). */
  public contract(): MetricsBackendContract {
    return {
      grafanaAdminSecretName: this.grafanaAdmin.secretName,
      ...(this.managedPrometheus ? { managedPrometheus: this.managedPrometheus.contract() } : {}),
    };
  }
}
