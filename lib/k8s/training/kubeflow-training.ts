import { KATIB_INJECTION_LABEL } from './labels';
import { teamOf } from './team-binding';
import { INodePool } from '../node-pool';
import {
  KATIB_POD_LABELS, NOTEBOOK_CONTROLLER_POD_LABELS, NotebookControllerReleaseProps, OperatorCatalogue, OperatorRelease, SparkOperatorReleaseProps,
} from '../operators';
import { KATIB_SERVICES_GRPC_PORT } from '../operators/katib';
import { PodSecurityLevel } from '../pod-security';
import { TeamNamespace } from '../team-namespace';
import { INamespaceOwner, WorkloadSelector } from '../workload-selector';

/** Props of {@link KubeflowTraining.releases}. */
export interface KubeflowTrainingReleasesProps {
  /**
   * Notebook controller settings (culling of idle notebooks).
   * @default - culling on, 60 idle minutes
   */
  readonly notebooks?: NotebookControllerReleaseProps;
  /**
   * Install Kubeflow Pipelines (standalone, single user).
   * @default false
   */
  readonly pipelines?: boolean;
  /**
   * Install the Spark operator for these namespaces (DataPreparationJob with Spark).
   * @default - no Spark operator
   */
  readonly sparkOperator?: SparkOperatorReleaseProps;
  /**
   * Pools with EFA interfaces: installs the AWS EFA device plugin on them, which multi-node
   * training jobs need for their `vpc.amazonaws.com/efa` requests.
   * @default - no EFA device plugin
   */
  readonly efaPools?: INodePool[];
}

/** Labels of the pods of Katib and the notebook controller (for network flows from and to team namespaces), as their releases declare them. */
const KATIB_CONTROLLER = KATIB_POD_LABELS.controller;
const KATIB_DB_MANAGER = KATIB_POD_LABELS.dbManager;
const NOTEBOOK_CONTROLLER = { app: NOTEBOOK_CONTROLLER_POD_LABELS.app };

/** Port of Katib's gRPC services (suggestions and the DB manager). */
export const KATIB_GRPC_PORT = KATIB_SERVICES_GRPC_PORT;

/**
 * Kubeflow for training and experimentation: the pinned releases (Trainer v2 with JobSet
 * and its ClusterTrainingRuntimes, Katib, the notebook controller, optionally Pipelines and
 * the Spark operator) from the operator catalogue, and what team namespaces need to run them.
 *
 * Pod Security: team namespaces stay `restricted`. Every pod the training constructs define
 * is restricted-compliant, and the catalogue's Katib config makes the containers Katib adds
 * restricted too: the metrics collector sidecar copies the trial container's security context
 * (`injectSecurityContext`), and suggestion containers get their own. (Katib v0.19.0 cannot give
 * the early-stopping container one: Experiments with early stopping do not run in restricted
 * namespaces.) The only namespace label these components need is Katib's
 * `katib.kubeflow.org/metrics-collector-injection: enabled`, without which Katib's webhook
 * does not inject the metrics collector into trial pods.
 */
export class KubeflowTraining {
  /** Pod Security level team namespaces keep with these components. */
  public static readonly TEAM_POD_SECURITY = PodSecurityLevel.RESTRICTED;

  /** Why team namespaces can stay restricted. */
  public static readonly TEAM_POD_SECURITY_REASON = 'Trainer, Katib trial, notebook and data preparation pods of the training constructs are restricted-compliant, '
    + 'and the catalogue\'s katib-config makes Katib\'s metrics collector sidecars copy the trial container\'s security context and gives suggestion containers a restricted security context';

  /** The training releases (Trainer, its runtimes, Katib, notebook controller; Pipelines, Spark and the EFA device plugin when asked for). */
  public static releases(props: KubeflowTrainingReleasesProps = {}): OperatorRelease[] {
    return [
      OperatorCatalogue.trainer(),
      OperatorCatalogue.trainerRuntimes(),
      OperatorCatalogue.katib(),
      OperatorCatalogue.notebookController(props.notebooks),
      ...(props.pipelines ? [OperatorCatalogue.pipelinesClusterResources(), OperatorCatalogue.pipelines()] : []),
      ...(props.sparkOperator ? [OperatorCatalogue.sparkOperator(props.sparkOperator)] : []),
      ...(props.efaPools ? [OperatorCatalogue.efaDevicePlugin({ pools: props.efaPools })] : []),
    ];
  }

  /**
   * The platform's default releases with the training releases configured by `props` in
   * place of the defaults (pass to CnaiKubernetesPlatform's `operatorReleases`).
   */
  public static platformReleases(props: KubeflowTrainingReleasesProps = {}): OperatorRelease[] {
    const training = KubeflowTraining.releases(props);
    const replaced = new Set(training.map((r) => r.name));
    return [...OperatorCatalogue.platformDefaults().filter((r) => !replaced.has(r.name)), ...training];
  }

  /** Namespace of Katib and the notebook controller. */
  public static get kubeflowNamespace(): string {
    return OperatorCatalogue.katib().namespace;
  }

  /**
   * Labels a team namespace for Katib's metrics collector injection. Idempotent; done by
   * every HyperparameterSearch for its namespace.
   */
  public static enableHyperparameterSearch(team: INamespaceOwner): void {
    const t: TeamNamespace = teamOf('KubeflowTraining.enableHyperparameterSearch', 'team', team, false);
    t.namespace.metadata.addLabel(KATIB_INJECTION_LABEL, 'enabled');
  }

  /** Katib's controller pods (they call the suggestion services in team namespaces). */
  public static katibController(): WorkloadSelector {
    return WorkloadSelector.inNamespace(KubeflowTraining.kubeflowNamespace, KATIB_CONTROLLER);
  }

  /** Katib's DB manager pods (the metrics collectors of trials report to them). */
  public static katibDbManager(): WorkloadSelector {
    return WorkloadSelector.inNamespace(KubeflowTraining.kubeflowNamespace, KATIB_DB_MANAGER);
  }

  /** The notebook controller's pods (they probe notebooks' kernels for culling). */
  public static notebookController(): WorkloadSelector {
    return WorkloadSelector.inNamespace(KubeflowTraining.kubeflowNamespace, NOTEBOOK_CONTROLLER);
  }

  private constructor() {}
}
