import * as YAML from 'yaml';
import { OPERATOR_NAMESPACES } from './default-namespaces';
import { InstallPhase, OperatorRelease, ReleaseSource } from './release';
import { imageRef, OPERATOR_IMAGES, OPERATOR_SOURCES, PinnedImage } from '../../core/versions';

/** Props of the Katib release. */
export interface KatibReleaseProps {
  /**
   * Replace Katib's runtime config (katib-config) with one whose metrics collectors,
   * suggestion and early-stopping containers satisfy the restricted Pod Security Standard
   * and whose images are pinned to the release, so Experiments run in restricted team
   * namespaces. Off: upstream's config, whose suggestion containers lack a container
   * security context (restricted namespaces reject them).
   * @default true
   */
  readonly restrictedRuntime?: boolean;
}

/**
 * Katib: hyperparameter tuning. Never pruned: it runs a MySQL database. By default its
 * runtime config is replaced by a hardened one (see {@link KatibReleaseProps.restrictedRuntime}).
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
        imageRef(OPERATOR_IMAGES.katibCertGenerator),
      ],
      patches: restricted ? [{
        kind: 'ConfigMap',
        name: 'katib-config',
        patch: YAML.stringify([{ op: 'replace', path: '/data/katib-config.yaml', value: YAML.stringify(restrictedKatibConfig()) }]),
      }] : undefined,
    }),
    phase: InstallPhase.OPERATORS,
    prune: false,
    description: 'Hyperparameter tuning (Experiment); holds its results in MySQL.',
  });
}

/**
 * Katib's runtime config (katib-config.yaml) for restricted namespaces: upstream's
 * trial resources (including Trainer v2 TrainJobs), collectors, suggestions and early
 * stopping, with images pinned to the release and a restricted container security context
 * on every container Katib starts in team namespaces. Population-based training, ENAS and
 * DARTS are left out (PBT needs a ReadWriteMany volume; the others are NAS).
 */
function restrictedKatibConfig(): any {
  const container = {
    allowPrivilegeEscalation: false,
    runAsNonRoot: true,
    capabilities: { drop: ['ALL'] },
    seccompProfile: { type: 'RuntimeDefault' },
  };
  const pod = { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } };
  const suggestion = (algorithmName: string, image: PinnedImage) => ({
    algorithmName, image: imageRef(image), podSecurityContext: pod, securityContext: container,
  });
  return {
    apiVersion: 'config.kubeflow.org/v1beta1',
    kind: 'KatibConfig',
    init: {
      certGenerator: { enable: true },
      controller: {
        webhookPort: 8443,
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
        { kind: 'StdOut', image: imageRef(OPERATOR_IMAGES.katibFileMetricsCollector), securityContext: container },
        { kind: 'File', image: imageRef(OPERATOR_IMAGES.katibFileMetricsCollector), securityContext: container },
        {
          kind: 'TensorFlowEvent',
          image: imageRef(OPERATOR_IMAGES.katibTfEventMetricsCollector),
          resources: { limits: { memory: '1Gi' } },
          securityContext: container,
        },
      ],
      suggestions: [
        suggestion('random', OPERATOR_IMAGES.katibSuggestionHyperopt),
        suggestion('tpe', OPERATOR_IMAGES.katibSuggestionHyperopt),
        suggestion('grid', OPERATOR_IMAGES.katibSuggestionOptuna),
        suggestion('multivariate-tpe', OPERATOR_IMAGES.katibSuggestionOptuna),
        suggestion('hyperband', OPERATOR_IMAGES.katibSuggestionHyperband),
        suggestion('bayesianoptimization', OPERATOR_IMAGES.katibSuggestionSkopt),
        suggestion('cmaes', OPERATOR_IMAGES.katibSuggestionGoptuna),
        suggestion('sobol', OPERATOR_IMAGES.katibSuggestionGoptuna),
      ],
      earlyStoppings: [
        { algorithmName: 'medianstop', image: imageRef(OPERATOR_IMAGES.katibEarlyStoppingMedianstop), securityContext: container },
      ],
    },
  };
}
