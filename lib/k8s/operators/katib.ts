import * as YAML from 'yaml';
import { OPERATOR_NAMESPACES } from './default-namespaces';
import { deleteObjectPatch, InstallPhase, jsonPatch, OperatorRelease, ReleaseSource } from './release';
import { NetworkEnds, ReleaseConnections } from '../../core/release-network';
import { imageRef, OPERATOR_IMAGES, OPERATOR_SOURCES, PinnedImage } from '../../core/versions';

/** Props of the Katib release. */
export interface KatibReleaseProps {
  /**
   * Replace Katib's runtime config (katib-config) with upstream's plus what restricted team
   * namespaces need: `init.controller.injectSecurityContext: true` (the injected metrics
   * collector sidecar copies the trial container's security context) and a restricted container
   * security context on the suggestion containers. Off: upstream's config, whose collector
   * sidecars and suggestion containers have no security context (restricted namespaces reject
   * their pods).
   * @default true
   */
  readonly restrictedRuntime?: boolean;
}

/**
 * Port of Katib's gRPC services: the DB manager, and the suggestion Services Katib creates per Experiment.
 * @internal
 */
export const KATIB_SERVICES_GRPC_PORT = 6789;

/** Pod labels of Katib's components (manifests/v1beta1/components/<component>). */
export const KATIB_POD_LABELS = {
  controller: { 'katib.kubeflow.org/component': 'controller' },
  dbManager: { 'katib.kubeflow.org/component': 'db-manager' },
  mysql: { 'katib.kubeflow.org/component': 'mysql' },
};

/** Container security context of the suggestion containers (restricted Pod Security; the images run as root without it). */
export const KATIB_SUGGESTION_SECURITY_CONTEXT = {
  allowPrivilegeEscalation: false,
  runAsNonRoot: true,
  // The suggestion images set no USER (they run as root by default) and give group 0 write
  // access to /opt/katib (`chgrp -R 0 ... && chmod -R g+rwX`), so any non-root uid works.
  runAsUser: 1000,
  capabilities: { drop: ['ALL'] },
  seccompProfile: { type: 'RuntimeDefault' },
};

/**
 * Katib: hyperparameter tuning. Never pruned: it runs a MySQL database.
 *
 * Source: manifests/v1beta1/installs/katib-standalone at the release tag (the standalone install
 * of Katib's docs: controller, CRDs, webhooks with the controller's own certificate generator,
 * DB manager, MySQL, UI); its images are pinned to the release by upstream's kustomization and
 * again here.
 *
 * Patches, each checked against the render:
 * - the Namespace `kubeflow` (components/namespace) is deleted from the render: the platform
 *   declares it with its Pod Security labels, so it has one owner;
 * - `katib-config` (with {@link KatibReleaseProps.restrictedRuntime}): upstream's
 *   installs/katib-standalone/katib-config.yaml with `init.controller.injectSecurityContext: true`
 *   and a security context on each suggestion. KatibConfig v0.19.0 (pkg/apis/config/v1beta1/types.go)
 *   has no securityContext on metrics collectors or early stopping and no podSecurityContext on
 *   suggestions (its decoder drops unknown fields); a suggestion inlines corev1.Container, so its
 *   `securityContext` is a container security context, which is all restricted Pod Security needs.
 *   The early-stopping container (medianstop) cannot be given one in v0.19.0
 *   (pkg/controller.v1beta1/suggestion/composer/composer.go builds it from image, pull policy,
 *   port and resources only): Experiments with early stopping do not run in restricted namespaces.
 * @internal
 */
export function katibRelease(props: KatibReleaseProps = {}): OperatorRelease {
  const restricted = props.restrictedRuntime ?? true;
  return new OperatorRelease({
    name: 'katib',
    namespace: OPERATOR_NAMESPACES.kubeflow,
    source: ReleaseSource.gitKustomize(OPERATOR_SOURCES.katib, {
      namespace: OPERATOR_NAMESPACES.kubeflow,
      images: [
        imageRef(OPERATOR_IMAGES.katibController),
        imageRef(OPERATOR_IMAGES.katibDbManager),
        imageRef(OPERATOR_IMAGES.katibUi),
      ],
      patches: [
        deleteObjectPatch('v1', 'Namespace', OPERATOR_NAMESPACES.kubeflow),
        ...(restricted ? [jsonPatch('ConfigMap', 'katib-config', [
          { op: 'replace', path: '/data/katib-config.yaml', value: YAML.stringify(restrictedKatibConfig()) },
        ])] : []),
      ],
    }),
    phase: InstallPhase.OPERATORS,
    prune: false,
    description: 'Hyperparameter tuning (Experiment); holds its results in MySQL.',
    network: {
      connections: [
        ReleaseConnections.webhook('katib-controller', [8443], 'experiment validation and defaulting, metrics collector injection: webhooks called by the API server'),
        ReleaseConnections.between(NetworkEnds.workload('katib-controller'), NetworkEnds.workload('katib-db-manager'), [KATIB_SERVICES_GRPC_PORT],
          'the controller reads the trials\' observation logs'),
        ReleaseConnections.between(NetworkEnds.workload('katib-controller'), NetworkEnds.platformNamespaces(), [KATIB_SERVICES_GRPC_PORT],
          'the controller calls the suggestion services it creates in the experiments\' namespaces (gRPC)'),
        ReleaseConnections.between(NetworkEnds.platformNamespaces(), NetworkEnds.workload('katib-db-manager'), [KATIB_SERVICES_GRPC_PORT],
          'the trials\' metrics collectors (in the teams\' namespaces) report their observations'),
        ReleaseConnections.between(NetworkEnds.workload('katib-db-manager'), NetworkEnds.workload('katib-mysql'), [3306], 'the DB manager stores observations in MySQL'),
        ReleaseConnections.between(NetworkEnds.pods(OPERATOR_NAMESPACES.kubeflow, { 'katib.kubeflow.org/component': 'ui' }), NetworkEnds.workload('katib-db-manager'),
          [KATIB_SERVICES_GRPC_PORT], 'the UI reads the trials\' observation logs'),
      ],
    },
    provides: {
      customResources: [{ group: 'kubeflow.org', kinds: ['Experiment', 'Suggestion', 'Trial'] }],
      services: [
        // The API server calls the webhooks (experiment validation and defaulting, metrics
        // collector injection into trial pods) here.
        {
          name: 'katib-controller',
          ports: [{ name: 'webhook', port: 443, targetPort: 8443 }, { name: 'metrics', port: 8080 }, { name: 'healthz', port: 18080 }],
          selector: KATIB_POD_LABELS.controller,
        },
        // The metrics collectors of trials (in team namespaces) report here.
        { name: 'katib-db-manager', ports: [{ name: 'api', port: KATIB_SERVICES_GRPC_PORT }], selector: KATIB_POD_LABELS.dbManager },
        { name: 'katib-mysql', ports: [{ name: 'dbapi', port: 3306 }], selector: KATIB_POD_LABELS.mysql },
      ],
      workloads: [
        // Calls the suggestion Services it creates in the Experiments' namespaces (gRPC 6789).
        {
          name: 'katib-controller',
          podLabels: KATIB_POD_LABELS.controller,
          ports: [{ name: 'webhook', containerPort: 8443 }, { name: 'metrics', containerPort: 8080 }, { name: 'healthz', containerPort: 18080 }],
          serviceAccount: 'katib-controller',
        },
        { name: 'katib-db-manager', podLabels: KATIB_POD_LABELS.dbManager, ports: [{ name: 'api', containerPort: KATIB_SERVICES_GRPC_PORT }] },
        { name: 'katib-mysql', podLabels: KATIB_POD_LABELS.mysql, ports: [{ name: 'dbapi', containerPort: 3306 }] },
      ],
      objects: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'katib-config' }],
    },
  });
}

/**
 * Katib's runtime config (katib-config.yaml) for restricted namespaces: upstream's
 * installs/katib-standalone/katib-config.yaml at the pinned tag (the same trial resources,
 * collectors, suggestions and early stopping, images pinned to the release), plus
 * `init.controller.injectSecurityContext` and the suggestions' container security context:
 * only fields KatibConfig v0.19.0 declares.
 * @internal
 */
export function restrictedKatibConfig(): any {
  const suggestion = (algorithmName: string, image: PinnedImage, extra: object = {}) => ({
    // A copy each, so the YAML has no anchors and aliases.
    algorithmName, image: imageRef(image), ...extra, securityContext: structuredClone(KATIB_SUGGESTION_SECURITY_CONTEXT),
  });
  const i = OPERATOR_IMAGES;
  return {
    apiVersion: 'config.kubeflow.org/v1beta1',
    kind: 'KatibConfig',
    init: {
      certGenerator: { enable: true },
      controller: {
        webhookPort: 8443,
        // The injected metrics collector copies the security context of the trial pod's first
        // container (pkg/webhook/v1beta1/pod/inject_webhook.go); the training constructs give
        // every trial container a restricted one.
        injectSecurityContext: true,
        trialResources: [
          'TrainJob.v1alpha1.trainer.kubeflow.org',
          'Job.v1.batch',
          'TFJob.v1.kubeflow.org',
          'PyTorchJob.v1.kubeflow.org',
          'MPIJob.v1.kubeflow.org',
          'XGBoostJob.v1.kubeflow.org',
        ],
      },
    },
    runtime: {
      metricsCollectors: [
        { kind: 'StdOut', image: imageRef(i.katibFileMetricsCollector) },
        { kind: 'File', image: imageRef(i.katibFileMetricsCollector) },
        { kind: 'TensorFlowEvent', image: imageRef(i.katibTfEventMetricsCollector), resources: { limits: { memory: '1Gi' } } },
      ],
      suggestions: [
        suggestion('random', i.katibSuggestionHyperopt),
        suggestion('tpe', i.katibSuggestionHyperopt),
        suggestion('grid', i.katibSuggestionOptuna),
        suggestion('hyperband', i.katibSuggestionHyperband),
        suggestion('bayesianoptimization', i.katibSuggestionSkopt),
        suggestion('cmaes', i.katibSuggestionGoptuna),
        suggestion('sobol', i.katibSuggestionGoptuna),
        suggestion('multivariate-tpe', i.katibSuggestionOptuna),
        suggestion('enas', i.katibSuggestionEnas, { resources: { limits: { memory: '400Mi' } } }),
        suggestion('darts', i.katibSuggestionDarts),
        suggestion('pbt', i.katibSuggestionPbt, {
          persistentVolumeClaimSpec: { accessModes: ['ReadWriteMany'], resources: { requests: { storage: '5Gi' } } },
        }),
      ],
      earlyStoppings: [
        { algorithmName: 'medianstop', image: imageRef(i.katibEarlyStoppingMedianstop) },
      ],
    },
  };
}
