import { IMetricsBackend } from './metrics-backend';

/** What the renderers know of the platform when they resolve a release's network. */
export interface ReleaseNetworkContext {
  /** The VPC's IPv4 block: where the API server's private endpoint is (EKS), and where it calls webhooks from. */
  readonly vpcCidr: string;
  /**
   * The metrics backend: its scraper and query API.
   * @default - none: connections with the metrics scraper or query API are left out
   */
  readonly metricsBackend?: IMetricsBackend;
}
