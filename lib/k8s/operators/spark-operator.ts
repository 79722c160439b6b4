import { OPERATOR_NAMESPACES } from './default-namespaces';
import { InstallPhase, OperatorRelease, ReleaseSource } from './release';
import { invalidProp } from '../../core/errors';
import { CHART_IMAGE_TAGS, OPERATOR_SOURCES } from '../../core/versions';

const SELECTOR = { 'app.kubernetes.io/name': 'spark-operator', 'app.kubernetes.io/instance': 'spark-operator' };

/** Props of the Spark operator release. */
export interface SparkOperatorReleaseProps {
  /** Namespaces whose SparkApplications the operator runs (e.g. the team namespaces). */
  readonly jobNamespaces: string[];
}

/**
 * Kubeflow Spark operator (optional): runs SparkApplications in the given namespaces. The
 * applications bring their own ServiceAccount and RBAC (for their workload identity).
 *
 * Source: the spark-operator chart 2.5.2 (kubeflow.github.io/spark-operator;
 * charts/spark-operator-chart at v2.5.2). The image tag defaults to the chart's appVersion; the
 * release sets it (`image.tag`, the controller's and the webhook's image).
 * @internal
 */
export function sparkOperatorRelease(props: SparkOperatorReleaseProps): OperatorRelease {
  if (!props.jobNamespaces || props.jobNamespaces.length === 0) {
    throw invalidProp('OperatorCatalogue.sparkOperator', 'jobNamespaces', props.jobNamespaces, 'no namespace given',
      'list the namespaces whose SparkApplications the operator runs, e.g. the team namespaces');
  }
  return new OperatorRelease({
    name: 'spark-operator',
    namespace: OPERATOR_NAMESPACES.spark,
    source: ReleaseSource.helmChart(OPERATOR_SOURCES.sparkOperator),
    values: {
      image: { tag: CHART_IMAGE_TAGS.sparkOperator },
      spark: { jobNamespaces: [...props.jobNamespaces], serviceAccount: { create: false }, rbac: { create: false } },
      webhook: { enable: true },
    },
    phase: InstallPhase.OPERATORS,
    description: 'Spark on Kubernetes (SparkApplication) for data preparation.',
    provides: {
      customResources: [{ group: 'sparkoperator.k8s.io', kinds: ['ScheduledSparkApplication', 'SparkApplication', 'SparkConnect'] }],
      services: [
        // The API server calls the webhooks (failurePolicy Fail) here: the service port is webhook.port (9443).
        {
          name: 'spark-operator-webhook-svc',
          ports: [{ name: 'webhook', port: 9443 }],
          selector: { ...SELECTOR, 'app.kubernetes.io/component': 'webhook' },
          template: 'templates/webhook/service.yaml',
        },
      ],
      workloads: [
        {
          name: 'spark-operator-controller',
          podLabels: { ...SELECTOR, 'app.kubernetes.io/component': 'controller' },
          ports: [{ name: 'metrics', containerPort: 8080 }],
          serviceAccount: 'spark-operator-controller',
          template: 'templates/controller/deployment.yaml',
        },
        {
          name: 'spark-operator-webhook',
          podLabels: { ...SELECTOR, 'app.kubernetes.io/component': 'webhook' },
          ports: [{ name: 'webhook', containerPort: 9443 }, { name: 'metrics', containerPort: 8080 }],
          serviceAccount: 'spark-operator-webhook',
          template: 'templates/webhook/deployment.yaml',
        },
      ],
    },
  });
}
