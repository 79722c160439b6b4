import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { PrometheusWorkspace } from '@cdktf/provider-aws/lib/prometheus-workspace';
import { Construct } from 'constructs';
import type { Cluster } from './cluster';
import { EncryptionKey } from './encryption-key';
import { awsPartition } from './partition';
import type { WorkloadIdentity } from './workload-identity';
import { invalidProp } from '../core/errors';
import {
  ManagedPrometheusContract, METRICS_BACKEND, ManagedPrometheusEndpoints,
} from '../core/metrics-backend';

/** Props of {@link ManagedPrometheus}. */
export interface ManagedPrometheusProps {
  /** The cluster whose Prometheus writes to the workspace and whose KEDA queries it. */
  readonly cluster: Cluster;
  /**
   * The key that encrypts the workspace's data; its policy must let Amazon Managed Service for
   * Prometheus use it (EncryptionKey `allowManagedPrometheus`).
   * @default - a key of its own (`<prefix>-managed-prometheus`)
   */
  readonly key?: EncryptionKey;
  /**
   * Give KEDA's operator (`keda/keda-operator`) an identity that may query the workspace, so the
   * served models' autoscalers query it instead of the in-cluster Prometheus.
   * @default true
   */
  readonly kedaQueries?: boolean;
}

/**
 * An Amazon Managed Service for Prometheus workspace that the in-cluster Prometheus
 * (kube-prometheus-stack) remote-writes to and KEDA queries:
 *
 * - the workspace (alias `<prefix>`), its data encrypted with a customer-managed key, its
 *   rule and alerting logs in a KMS-encrypted log group (`/aws/vendedlogs/prometheus/<prefix>`);
 * - Prometheus' workload identity (`monitoring/kube-prometheus-stack-prometheus`, the service
 *   account the chart creates) allowed `aps:RemoteWrite` on this workspace only: Prometheus signs
 *   its remote write with SigV4 and gets the credentials from EKS Pod Identity;
 * - with `kedaQueries`, KEDA's operator identity (`keda/keda-operator`) allowed
 *   `aps:QueryMetrics` on this workspace only (a TriggerAuthentication with
 *   `podIdentity.provider: aws` makes the prometheus scaler sign with it).
 *
 * The names come from lib/core METRICS_BACKEND, the URLs from the workspace id and region
 * ({@link ManagedPrometheus.contract}), so the Kubernetes layer writes and queries exactly here.
 */
export class ManagedPrometheus extends Construct {
  /** The workspace. */
  public readonly workspace: PrometheusWorkspace;
  /** The workspace's log group. */
  public readonly logGroup: CloudwatchLogGroup;
  /** The key of the workspace's data. */
  public readonly key: EncryptionKey;
  /** Alias of the workspace (`<prefix>`). */
  public readonly alias: string;
  /** Region of the workspace. */
  public readonly region: string;
  /** Prometheus' identity (remote write). */
  public readonly writer: WorkloadIdentity;
  /** KEDA's operator identity (queries), when `kedaQueries`. */
  public readonly kedaIdentity?: WorkloadIdentity;
  private readonly account: string;
  private readonly partition: string;

  constructor(scope: Construct, id: string, props: ManagedPrometheusProps) {
    super(scope, id);
    const cluster = props.cluster;
    const naming = cluster.naming;
    this.region = naming.region;
    this.account = naming.accountId;
    this.partition = awsPartition(naming.region);
    this.alias = naming.prefix;
    this.key = props.key ?? new EncryptionKey(this, 'key', {
      naming, purpose: 'managed-prometheus', allowManagedPrometheus: true, description: `${naming.prefix} Amazon Managed Service for Prometheus workspace`,
    });
    this.logGroup = new CloudwatchLogGroup(this, 'logs', {
      // AMP delivers its logs as vended logs; this prefix keeps the log group's resource policy small.
      name: `/aws/vendedlogs/prometheus/${naming.prefix}`,
      retentionInDays: cluster.logRetentionDays,
      kmsKeyId: cluster.logsKey.keyArn,
    });
    this.workspace = new PrometheusWorkspace(this, 'workspace', {
      alias: this.alias,
      kmsKeyArn: this.key.keyArn,
      loggingConfiguration: { logGroupArn: `${this.logGroup.arn}:*` },
    });

    const find = (namespace: string, serviceAccount: string) =>
      cluster.workloadIdentities.find((w) => w.namespace === namespace && w.serviceAccount === serviceAccount);
    const M = METRICS_BACKEND;
    this.writer = find(M.namespace, M.prometheusServiceAccount)
      ?? cluster.addWorkloadIdentity('prometheus-remote-write', { namespace: M.namespace, serviceAccount: M.prometheusServiceAccount, purpose: 'prometheus-remote-write' });
    this.grantRemoteWrite(this.writer);
    if (props.kedaQueries ?? true) {
      this.kedaIdentity = find(M.kedaNamespace, M.kedaServiceAccount)
        ?? cluster.addWorkloadIdentity('keda-operator', { namespace: M.kedaNamespace, serviceAccount: M.kedaServiceAccount, purpose: 'keda-operator' });
      this.grantQuery(this.kedaIdentity);
    }
  }

  /** Id of the workspace (`ws-...`, known after apply). */
  public get workspaceId(): string {
    return this.workspace.id;
  }

  /** ARN of the workspace, from its id (no reference to the resource's ARN attribute needed). */
  public get workspaceArn(): string {
    return `arn:${this.partition}:aps:${this.region}:${this.account}:workspace/${this.workspace.id}`;
  }

  /** Lets an identity write samples to this workspace (and nothing else of it). */
  public grantRemoteWrite(identity: WorkloadIdentity): void {
    checkIdentity(this.node.path, identity);
    identity.addToPolicy({ sid: `ManagedPrometheusRemoteWrite${identity.grantedStatements.length}`, actions: ['aps:RemoteWrite'], resources: [this.workspaceArn] });
  }

  /** Lets an identity run PromQL queries on this workspace (instant and range queries; not labels, series or metadata). */
  public grantQuery(identity: WorkloadIdentity): void {
    checkIdentity(this.node.path, identity);
    identity.addToPolicy({ sid: `ManagedPrometheusQuery${identity.grantedStatements.length}`, actions: ['aps:QueryMetrics'], resources: [this.workspaceArn] });
  }

  /** The workspace as the Kubernetes layer sees it (the id is a token until apply). */
  public contract(): ManagedPrometheusContract {
    return {
      workspaceId: this.workspaceId,
      region: this.region,
      remoteWriteUrl: ManagedPrometheusEndpoints.remoteWriteUrl(this.region, this.workspaceId),
      queryUrl: ManagedPrometheusEndpoints.queryUrl(this.region, this.workspaceId),
    };
  }
}

function checkIdentity(where: string, identity: WorkloadIdentity): void {
  if (!identity || typeof identity.addToPolicy !== 'function') {
    throw invalidProp(where, 'identity', identity, 'not a WorkloadIdentity', 'pass an identity from cluster.addWorkloadIdentity(...)');
  }
}
