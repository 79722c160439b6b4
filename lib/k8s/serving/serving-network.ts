import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { invalidProp } from '../../core/errors';
import { dnsEgress, httpsEgress, podIdentityEgress, tcpPorts } from '../common/egress';
import { ModelSource, ModelSourceKind } from '../common/model-source';
import { KubePrometheusStack } from '../operators';
import { TeamNamespace } from '../team-namespace';
import { INamespaceOwner, WorkloadSelector } from '../workload-selector';
import { ServedModelCommonProps } from './serving-props';

/**
 * The network rules of a model server, shared by LlmService and PredictiveService: on top of
 * the namespace's default deny, named clients and the metrics scraper in, and out only DNS and
 * what the model download needs. Internal to the serving constructs (not exported from the
 * library's index).
 */
export interface ServingNetworkProps {
  /** Name of the service (policy names are `<name>-<suffix>`). */
  readonly name: string;
  /** Namespace of the server. */
  readonly namespace: string;
  /** The namespace's owner (a TeamNamespace opens both sides of a flow). */
  readonly owner: INamespaceOwner;
  /** Labels that select the server pods. */
  readonly selectorLabels: { [key: string]: string };
  /** Labels of the policies. */
  readonly labels: { [key: string]: string };
  /** Annotations of the policies. */
  readonly annotations: { [key: string]: string };
  /** The port clients call. */
  readonly port: number;
}

/** NetworkPolicies of one model server. */
export class ServingNetwork {
  /** The policies made so far, by name. */
  public readonly policies: { [name: string]: k8s.KubeNetworkPolicy } = {};
  private clientFlows = 0;

  constructor(private readonly scope: Construct, private readonly props: ServingNetworkProps) {}

  /** The server pods as a network peer. */
  public workloads(): WorkloadSelector {
    return WorkloadSelector.inNamespace(this.props.namespace, this.props.selectorLabels);
  }

  /** Lets `peers` in on `ports` (default: the server's port), as policy `<name>-<suffix>`. */
  public ingress(suffix: string, peers: WorkloadSelector[], ports: number[] = [this.props.port]): void {
    const policyName = `${this.props.name}-${suffix}`;
    this.policies[policyName] = new k8s.KubeNetworkPolicy(this.scope, `NetworkPolicy-${suffix}`, {
      metadata: { name: policyName, namespace: this.props.namespace, labels: { ...this.props.labels }, annotations: { ...this.props.annotations } },
      spec: {
        podSelector: { matchLabels: { ...this.props.selectorLabels } },
        policyTypes: ['Ingress'],
        ingress: [{ from: peers.map((p) => p.toPeer()), ports: tcpPorts(...[...new Set(ports)]) }],
      },
    });
  }

  /**
   * Lets `client` call the server's port. When the server's namespace is a TeamNamespace, it
   * opens both sides; else an ingress policy here, and the client's egress when the client's
   * namespace is a TeamNamespace.
   */
  public allowFrom(where: string, client: WorkloadSelector): void {
    if (!(client instanceof WorkloadSelector)) {
      throw invalidProp(where, 'allowFrom', client, 'not a WorkloadSelector', 'use team.workloads({ app: "..." }) or WorkloadSelector.inNamespace(...)');
    }
    const team = this.props.owner instanceof TeamNamespace ? this.props.owner : undefined;
    if (team) {
      team.allowFrom(client, this.props.port, team.workloads(this.props.selectorLabels));
      return;
    }
    this.ingress(`clients-${++this.clientFlows}`, [client]);
    if (client.owner instanceof TeamNamespace) {
      client.owner.allowTo(this.workloads(), this.props.port, client);
    }
  }

  /**
   * The server's own flows: its metrics scraper in on `metricsPort` (the given scraper, else
   * the metrics backend's, else the platform's Prometheus), and out what {@link egress} opens.
   * Clients are added with {@link allowFrom}.
   */
  public openServerFlows(common: ServedModelCommonProps, source: ModelSource, metricsPort: number = this.props.port,
    extraEgress: k8s.NetworkPolicyEgressRule[] = []): void {
    const scraper = common.metricsScraper ?? (common.metricsBackend ?? KubePrometheusStack.platformDefault()).scraper;
    this.ingress('metrics', [scraper], [metricsPort]);
    this.egress(source, extraEgress);
  }

  /**
   * Out: DNS, and what the model download needs (S3 and the Pod Identity agent, or the Hugging
   * Face Hub), and the `extra` rules (a feature store the server reads).
   */
  public egress(source: ModelSource, extra: k8s.NetworkPolicyEgressRule[] = []): void {
    const egress: k8s.NetworkPolicyEgressRule[] = [dnsEgress(), ...extra];
    if (source.kind === ModelSourceKind.S3) egress.push(podIdentityEgress());
    // S3 and the Hub have no fixed addresses: any address, HTTPS only.
    if (source.downloadsAtStartup) egress.push(httpsEgress());
    const policyName = `${this.props.name}-egress`;
    this.policies[policyName] = new k8s.KubeNetworkPolicy(this.scope, 'NetworkPolicy-egress', {
      metadata: { name: policyName, namespace: this.props.namespace, labels: { ...this.props.labels }, annotations: { ...this.props.annotations } },
      spec: { podSelector: { matchLabels: { ...this.props.selectorLabels } }, policyTypes: ['Egress'], egress },
    });
  }
}
