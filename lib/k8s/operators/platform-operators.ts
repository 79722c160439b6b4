import { Chart, ChartProps } from 'cdk8s';
import { Construct } from 'constructs';
import { ArgoCdApplications } from './argo-cd-applications';
import { OperatorCatalogue } from './catalogue';
import { HelmReleases } from './helm-releases';
import { KubePrometheusStack } from './kube-prometheus-stack';
import { IMetricsBackend } from './metrics-backend';
import { OperatorRelease } from './release';
import { ReleaseNetworkContext } from './release-network-context';
import { invalidProp } from '../../core/errors';
import { rendersThroughSynthesizeChart, synthesizeChart } from '../common/chart-synthesis';
import { DEFAULT_VPC_CIDR, isIpv4Cidr } from '../common/egress';

/** How operator releases are turned into manifests. */
export enum OperatorRendering {
  /** Argo CD Applications: nothing needed at synth time; Argo CD installs the releases. */
  ARGO_CD = 'argo-cd',
  /** Inline manifests through `helm template`: needs helm (and chart access) at synth time. */
  HELM = 'helm',
}

/** Props of {@link PlatformOperators}. */
export interface PlatformOperatorsProps extends ChartProps {
  /**
   * The releases to install.
   * @default OperatorCatalogue.platformDefaults()
   */
  readonly releases?: OperatorRelease[];
  /**
   * How to render them.
   * @default OperatorRendering.ARGO_CD
   */
  readonly rendering?: OperatorRendering;
  /**
   * Kubernetes version of the cluster.
   * @default - EKS.defaultKubernetesVersion
   */
  readonly kubernetesVersion?: string;
  /**
   * Namespace of Argo CD (ARGO_CD rendering).
   * @default "argocd"
   */
  readonly argoCdNamespace?: string;
  /**
   * The helm executable (HELM rendering).
   * @default "helm"
   */
  readonly helmExecutable?: string;
  /**
   * The VPC's IPv4 block: the API server's private endpoint is there, and calls the releases'
   * webhooks from there (their namespaces' NetworkPolicies, see `OperatorReleaseProps.network`).
   * @default "10.0.0.0/16" (the AWS layer's default VPC block)
   */
  readonly vpcCidr?: string;
  /**
   * The metrics backend whose scraper reaches the releases' metrics ports and whose query API
   * their pods query (KEDA).
   * @default KubePrometheusStack.platformDefault()
   */
  readonly metricsBackend?: IMetricsBackend;
}

/**
 * A chart with the platform's third-party operators: the catalogue's pinned releases,
 * rendered as Argo CD Applications (default) or inline through helm. Apply it before the
 * charts that hold custom resources (the platform chart depends on it).
 */
export class PlatformOperators extends Chart {
  /** The releases. */
  public readonly releases: OperatorRelease[];
  /** How they were rendered. */
  public readonly rendering: OperatorRendering;
  /** The Argo CD Applications (ARGO_CD rendering). */
  public readonly argoCd?: ArgoCdApplications;
  /** The inline charts (HELM rendering). */
  public readonly helm?: HelmReleases;

  constructor(scope: Construct, id: string, props: PlatformOperatorsProps = {}) {
    super(scope, id, props);
    rendersThroughSynthesizeChart(this, PlatformOperators.prototype.toJson);
    this.releases = props.releases ?? OperatorCatalogue.platformDefaults();
    this.rendering = props.rendering ?? OperatorRendering.ARGO_CD;
    const vpcCidr = props.vpcCidr ?? DEFAULT_VPC_CIDR;
    if (!isIpv4Cidr(vpcCidr)) {
      throw invalidProp(this.node.path, 'vpcCidr', props.vpcCidr, 'not an IPv4 CIDR block', 'give the VPC block, e.g. "10.0.0.0/16" (the contract\'s vpcCidr)');
    }
    const network: ReleaseNetworkContext = { vpcCidr, metricsBackend: props.metricsBackend ?? KubePrometheusStack.platformDefault() };
    if (this.rendering === OperatorRendering.HELM) {
      this.helm = new HelmReleases(this, 'Helm', {
        releases: this.releases, helmExecutable: props.helmExecutable, kubernetesVersion: props.kubernetesVersion, network,
      });
    } else {
      this.argoCd = new ArgoCdApplications(this, 'ArgoCd', {
        releases: this.releases,
        argoCdNamespace: props.argoCdNamespace,
        kubernetesVersion: props.kubernetesVersion,
        network,
      });
    }
  }

  /** The chart's objects in apply order, as cdk8s renders a chart, in time linear in the app's constructs and dependencies. */
  public toJson(): any[] {
    return synthesizeChart(this);
  }

  /** The release of a given name, if installed. */
  public release(name: string): OperatorRelease | undefined {
    return this.releases.find((r) => r.name === name);
  }
}
