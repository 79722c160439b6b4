import { WorkloadSelector } from '../workload-selector';

/** A Prometheus query API that KEDA reaches with AWS SigV4 (Amazon Managed Service for Prometheus). */
export interface AutoscalingQueryEndpoint {
  /** The scaler's `serverAddress` (the workspace's query URL; the scaler appends `/api/v1/query`). */
  readonly serverAddress: string;
  /** The scaler's `awsRegion`: the SigV4 signing region. */
  readonly awsRegion: string;
}

/**
 * Where the platform's metrics go and how its parts find them: the one object that monitors,
 * alerts, dashboards, autoscalers and NetworkPolicies take instead of URLs, label values and
 * namespaces typed by hand.
 *
 * The in-cluster backend is {@link KubePrometheusStack} (the default). A managed backend (e.g.
 * Amazon Managed Service for Prometheus with a managed Grafana) implements the same interface:
 * its scraper, query endpoint and dashboard home differ, the constructs that use it do not.
 */
export interface IMetricsBackend {
  /** What the backend is (for messages and reports). */
  readonly backendName: string;
  /**
   * Base URL of the Prometheus HTTP API that answers queries: KEDA's prometheus scaler
   * `serverAddress`, Grafana's data source.
   */
  readonly queryUrl: string;
  /**
   * Where KEDA's prometheus scalers query, when not at {@link IMetricsBackend.queryUrl} without
   * authentication: Amazon Managed Service for Prometheus, signed with the KEDA operator's identity.
   * @default - queryUrl, unauthenticated
   */
  readonly autoscalingQuery?: AutoscalingQueryEndpoint;
  /** The pods that answer queries at {@link IMetricsBackend.queryUrl} (for the egress rules of their clients). */
  readonly queryServer: WorkloadSelector;
  /** The port of the query API on {@link IMetricsBackend.queryServer}'s pods. */
  readonly queryPort: number;
  /** The pods that scrape metrics endpoints: every metrics port must admit them. */
  readonly scraper: WorkloadSelector;
  /**
   * Labels a namespace needs for the backend to select the ServiceMonitors, PodMonitors and
   * PrometheusRules in it.
   */
  readonly monitorNamespaceLabels: { [key: string]: string };
  /** Labels a ServiceMonitor, PodMonitor or PrometheusRule needs itself (none when the namespace decides). */
  readonly monitorLabels: { [key: string]: string };
  /** Namespace of the platform's own PrometheusRules. */
  readonly ruleNamespace: string;
  /** Namespace Grafana loads dashboard ConfigMaps from. */
  readonly dashboardNamespace: string;
  /** Labels that make Grafana load a dashboard ConfigMap. */
  readonly dashboardLabels: { [key: string]: string };
}
