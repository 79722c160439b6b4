import type { PlatformContract } from '../../core/contract';
import type { IMetricsBackend } from '../operators/metrics-backend';
import type { IPriorityClass } from '../priority-class';
import type { WorkloadSelector } from '../workload-selector';

/** What every served model's construct takes besides its model: its contract, callers, metrics and priority (LlmService, PredictiveService). */
export interface ServedModelCommonProps {
  /**
   * The platform contract: the model store's region, and a check that the AWS layer
   * associates a role with the service's ServiceAccount when the model is in S3.
   * @default - no check
   */
  readonly contract?: PlatformContract;
  /**
   * Workloads that may call the service (NetworkPolicy). Pods of the same TeamNamespace reach
   * it too while the namespace allows traffic within itself (TeamNamespace's
   * `allowWithinNamespace`, default true); turn that off for strict isolation.
   * @default - none besides the metrics scraper; add more with allowFrom()
   */
  readonly allowFrom?: WorkloadSelector[];
  /**
   * The metrics backend: its scraper is let in to the metrics port (and KEDA queries it for an autoscaled LLM).
   * @default KubePrometheusStack.platformDefault() (the platform's Prometheus in namespace monitoring)
   */
  readonly metricsBackend?: IMetricsBackend;
  /**
   * The PriorityClass of the server's pods (`KueueQueues.priorityClass(WorkloadPriority.HIGH)` for the platform's own).
   * @default - none: the cluster's default priority
   */
  readonly priorityClass?: IPriorityClass;
  /**
   * The pods that scrape the server.
   * @default - the metrics backend's scraper
   */
  readonly metricsScraper?: WorkloadSelector;
  /**
   * Create the server's monitor (a ServiceMonitor for vLLM's own Deployment, a PodMonitor for
   * KServe's pods). Turn off when the platform's MetricsScraping builds monitors from this
   * service (it implements IMetricsSource).
   * @default true
   */
  readonly monitoring?: boolean;
  /**
   * Labels on the monitor (for a Prometheus whose monitor selector needs them).
   * @default - none
   */
  readonly monitorLabels?: { [key: string]: string };
}
