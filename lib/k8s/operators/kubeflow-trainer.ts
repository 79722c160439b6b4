import { OPERATOR_NAMESPACES } from './default-namespaces';
import { InstallPhase, OperatorRelease, ReleaseSource } from './release';
import { imageRef, OPERATOR_IMAGES, OPERATOR_SOURCES } from '../../core/versions';

/** Kubeflow Trainer v2 controller with JobSet. */
export function trainerRelease(): OperatorRelease {
  return new OperatorRelease({
    name: 'kubeflow-trainer',
    namespace: OPERATOR_NAMESPACES.kubeflowSystem,
    source: ReleaseSource.gitKustomize(OPERATOR_SOURCES.trainer, {
      namespace: OPERATOR_NAMESPACES.kubeflowSystem,
      images: [imageRef(OPERATOR_IMAGES.trainerController)],
    }),
    phase: InstallPhase.OPERATORS,
    serverSideApply: true,
    description: 'Distributed training (TrainJob) and JobSet.',
  });
}

/** Kubeflow Trainer's ClusterTrainingRuntimes: custom resources, installed after the trainer's CRDs and webhook. */
export function trainerRuntimesRelease(): OperatorRelease {
  return new OperatorRelease({
    name: 'kubeflow-trainer-runtimes',
    namespace: OPERATOR_NAMESPACES.kubeflowSystem,
    source: ReleaseSource.gitKustomize(OPERATOR_SOURCES.trainerRuntimes, { namespace: OPERATOR_NAMESPACES.kubeflowSystem }),
    phase: InstallPhase.OPERATOR_RESOURCES,
    serverSideApply: true,
    description: 'Training runtimes (torch, DeepSpeed, ...) that TrainJobs reference.',
  });
}
