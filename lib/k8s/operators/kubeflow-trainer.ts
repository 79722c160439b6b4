import { OPERATOR_NAMESPACES } from './default-namespaces';
import { deleteObjectPatch, InstallPhase, OperatorRelease, ReleaseSource } from './release';
import { NetworkEnds, ReleaseConnections } from '../../core/release-network';
import { imageRef, OPERATOR_IMAGES, OPERATOR_SOURCES } from '../../core/versions';

/** The ClusterTrainingRuntimes of manifests/overlays/runtimes at the pinned tag. */
export const TRAINER_CLUSTER_TRAINING_RUNTIMES = [
  'deepspeed-distributed', 'jax-distributed', 'mlx-distributed', 'torch-distributed',
  'torchtune-llama3.2-1b', 'torchtune-llama3.2-3b', 'torchtune-qwen2.5-1.5b', 'xgboost-distributed',
];

const TRAINER_POD_LABELS = { 'app.kubernetes.io/component': 'manager', 'app.kubernetes.io/name': 'trainer', 'app.kubernetes.io/part-of': 'kubeflow' };
const JOBSET_POD_LABELS = {
  'app.kubernetes.io/instance': 'jobset',
  'app.kubernetes.io/managed-by': 'kustomize',
  'app.kubernetes.io/name': 'jobset',
  'control-plane': 'controller-manager',
};

/**
 * Kubeflow Trainer v2 controller with JobSet.
 *
 * Source: manifests/overlays/manager at the release tag, the install of Trainer's docs
 * (`kubectl apply --server-side -k ".../manifests/overlays/manager?ref=<tag>"`): CRDs, controller,
 * webhooks, and JobSet from its release asset (manifests/third-party/jobset, image pinned by
 * upstream to registry.k8s.io/jobset/jobset:v0.12.0).
 *
 * Patch: the Namespace `kubeflow-system` (overlays/manager/namespace.yaml) is deleted from the
 * render: the platform declares it with its Pod Security labels, so it has one owner.
 * @internal
 */
export function trainerRelease(): OperatorRelease {
  return new OperatorRelease({
    name: 'kubeflow-trainer',
    namespace: OPERATOR_NAMESPACES.kubeflowSystem,
    source: ReleaseSource.gitKustomize(OPERATOR_SOURCES.trainer, {
      namespace: OPERATOR_NAMESPACES.kubeflowSystem,
      images: [imageRef(OPERATOR_IMAGES.trainerController)],
      patches: [deleteObjectPatch('v1', 'Namespace', OPERATOR_NAMESPACES.kubeflowSystem)],
    }),
    phase: InstallPhase.OPERATORS,
    serverSideApply: true,
    description: 'Distributed training (TrainJob) and JobSet.',
    network: {
      connections: [
        ReleaseConnections.webhook('kubeflow-trainer-controller-manager', [9443]),
        ReleaseConnections.webhook('jobset-controller-manager', [9443]),
        ReleaseConnections.between(NetworkEnds.platformNamespaces(), NetworkEnds.workload('kubeflow-trainer-controller-manager'), [10443],
          'training pods in the teams\' namespaces report their progress to the status server'),
      ],
    },
    provides: {
      customResources: [
        { group: 'trainer.kubeflow.org', kinds: ['ClusterTrainingRuntime', 'TrainJob', 'TrainingRuntime'] },
        { group: 'jobset.x-k8s.io', kinds: ['JobSet'] },
      ],
      services: [
        // Webhooks (failurePolicy Fail) on 443; training pods report their progress to the status server.
        {
          name: 'kubeflow-trainer-controller-manager',
          ports: [
            { name: 'monitoring-port', port: 8443, targetPort: 8443 },
            { name: 'webhook-server', port: 443, targetPort: 9443 },
            { name: 'status-server', port: 10443, targetPort: 10443 },
          ],
          selector: { 'app.kubernetes.io/component': 'manager' },
        },
        { name: 'jobset-webhook-service', ports: [{ port: 443, targetPort: 9443 }], selector: JOBSET_POD_LABELS },
        { name: 'jobset-controller-manager-metrics-service', ports: [{ name: 'https', port: 8443, targetPort: 8443 }], selector: JOBSET_POD_LABELS },
      ],
      workloads: [
        {
          name: 'kubeflow-trainer-controller-manager',
          podLabels: TRAINER_POD_LABELS,
          ports: [
            { name: 'health', containerPort: 8081 }, { name: 'metrics', containerPort: 8443 },
            { name: 'webhook', containerPort: 9443 }, { name: 'status-server', containerPort: 10443 },
          ],
          serviceAccount: 'kubeflow-trainer-controller-manager',
        },
        {
          name: 'jobset-controller-manager',
          podLabels: JOBSET_POD_LABELS,
          ports: [{ name: 'metrics', containerPort: 8443 }, { name: 'webhook-server', containerPort: 9443 }],
          serviceAccount: 'jobset-controller-manager',
        },
      ],
    },
  });
}

/**
 * Kubeflow Trainer's ClusterTrainingRuntimes: custom resources, installed after the trainer's
 * CRDs and webhook (a later sync wave). Source: manifests/overlays/runtimes at the release tag
 * (the runtimes step of Trainer's install docs); every image is pinned by upstream's overlay.
 * @internal
 */
export function trainerRuntimesRelease(): OperatorRelease {
  return new OperatorRelease({
    name: 'kubeflow-trainer-runtimes',
    namespace: OPERATOR_NAMESPACES.kubeflowSystem,
    source: ReleaseSource.gitKustomize(OPERATOR_SOURCES.trainerRuntimes, { namespace: OPERATOR_NAMESPACES.kubeflowSystem }),
    phase: InstallPhase.OPERATOR_RESOURCES,
    serverSideApply: true,
    // Custom resources (CRDs) only: no pods of their own.
    network: {},
    description: 'Training runtimes (torch, DeepSpeed, ...) that TrainJobs reference.',
    provides: {
      objects: TRAINER_CLUSTER_TRAINING_RUNTIMES.map((name) => ({ apiVersion: 'trainer.kubeflow.org/v1alpha1', kind: 'ClusterTrainingRuntime', name })),
    },
  });
}
