import { Construct } from 'constructs';
import { KATIB_GRPC_PORT, KubeflowTraining } from './kubeflow-training';
import { WORKLOAD_LABEL } from './labels';
import { SearchParameter } from './search-parameter';
import { teamOf } from './team-binding';
import { TrainJobOptions } from './train-job-options';
import { TrainJobPlan } from './train-job-plan';
import { ensureServiceAccount, workloadNetwork } from './workload-support';
import { invalidProp } from '../../core/errors';
import { Experiment } from '../../imports/kubeflow.org';
import { TrainJob } from '../../imports/trainer.kubeflow.org';
import { FeatureAccess } from '../features/feature-store-connection';
import { INamespaceOwner } from '../workload-selector';

/** Search algorithm of a hyperparameter search (Katib suggestion services of the pinned release). */
export enum SearchAlgorithm {
  /** Random sampling (hyperopt). */
  RANDOM = 'random',
  /** Tree-structured Parzen estimator (hyperopt). */
  TPE = 'tpe',
  /** Bayesian optimisation with Gaussian processes (scikit-optimize). */
  BAYESIAN_OPTIMIZATION = 'bayesianoptimization',
  /** Every point of a grid (optuna); every parameter needs a step. */
  GRID = 'grid',
}

/** Whether the objective metric should go down or up. */
export enum ObjectiveDirection {
  /** Lower is better (loss, perplexity). */
  MINIMIZE = 'minimize',
  /** Higher is better (accuracy, F1). */
  MAXIMIZE = 'maximize',
}

/** What a search optimises. */
export interface SearchObjective {
  /** Metric name, as the training code prints it (`<name>=<value>` on stdout). */
  readonly metric: string;
  /** Direction. */
  readonly direction: ObjectiveDirection;
  /**
   * Value at which the search stops early.
   * @default - no goal (run maxTrials)
   */
  readonly goal?: number;
  /**
   * Other metrics to record per trial.
   * @default - none
   */
  readonly additionalMetrics?: string[];
}

/** Props of {@link HyperparameterSearch}. */
export interface HyperparameterSearchProps {
  /**
   * Name of the Experiment (a DNS-1035 label of at most 54 characters: trials are named
   * `<name>-<8 characters>` and become TrainJob names).
   * @default - the construct id
   */
  readonly name?: string;
  /** The team namespace: trials run there and wait in its Kueue LocalQueue. */
  readonly team: INamespaceOwner;
  /** What each trial runs: a TrainJob like TrainingJob's. */
  readonly trial: TrainJobOptions;
  /** What to optimise. */
  readonly objective: SearchObjective;
  /** The search space. */
  readonly parameters: SearchParameter[];
  /**
   * Search algorithm.
   * @default SearchAlgorithm.TPE
   */
  readonly algorithm?: SearchAlgorithm;
  /**
   * Most trials in total.
   * @default 12
   */
  readonly maxTrials?: number;
  /**
   * Trials running at the same time (each holds its GPUs).
   * @default 2
   */
  readonly parallelTrials?: number;
  /**
   * Failed trials after which the search stops.
   * @default 3
   */
  readonly maxFailedTrials?: number;
}

const NAME = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

/** The trial parameter that carries each trial's name (Katib's `${trialSpec.Name}` metadata reference). */
const TRIAL_NAME = 'trialName';

/**
 * A hyperparameter search: a Katib Experiment (kubeflow.org/v1beta1) whose trial template is
 * a TrainJob in the team's Kueue queue, built exactly like a {@link TrainingJob}. Parallel and
 * total trials are checked against the team's GPU quota; the search space is checked for
 * empty ranges and, for a grid, against the trial budget. The team namespace is labelled for
 * Katib's metrics collector, and the flows between Katib and the trials are opened.
 * @see https://www.kubeflow.org/docs/components/katib/
 */
export class HyperparameterSearch extends Construct {
  /** Experiment name. */
  public readonly experimentName: string;
  /** Namespace. */
  public readonly namespace: string;
  /** Algorithm. */
  public readonly algorithm: SearchAlgorithm;
  /** Most trials. */
  public readonly maxTrials: number;
  /** Trials at once. */
  public readonly parallelTrials: number;
  /** Failed trials tolerated. */
  public readonly maxFailedTrials: number;
  /** GPUs one trial holds. */
  public readonly gpusPerTrial: number;
  /** Points of the grid (grid search only). */
  public readonly gridSize?: number;
  /** The trial template (a TrainJob manifest without name; Katib names each trial). */
  public readonly trialSpec: any;
  /** The Experiment object. */
  public readonly apiObject: Experiment;

  constructor(scope: Construct, id: string, props: HyperparameterSearchProps) {
    super(scope, id);
    const where = this.node.path;
    const team = teamOf(where, 'team', props.team, true);
    this.namespace = team.namespaceName;
    this.experimentName = props.name ?? id;
    if (!NAME.test(this.experimentName) || this.experimentName.length > 54) {
      throw invalidProp(where, 'name', this.experimentName, 'not a DNS-1035 label of at most 54 characters (trial TrainJobs are named <name>-<8 characters>)',
        'use lowercase letters, digits and "-", starting with a letter, e.g. "lr-sweep"');
    }
    this.algorithm = props.algorithm ?? SearchAlgorithm.TPE;
    this.maxTrials = props.maxTrials ?? 12;
    this.parallelTrials = props.parallelTrials ?? 2;
    this.maxFailedTrials = props.maxFailedTrials ?? 3;
    for (const [prop, v] of [['maxTrials', this.maxTrials], ['parallelTrials', this.parallelTrials], ['maxFailedTrials', this.maxFailedTrials]] as [string, number][]) {
      if (!Number.isInteger(v) || v < (prop === 'maxFailedTrials' ? 0 : 1)) {
        throw invalidProp(where, prop, v, 'not a whole number of trials', prop === 'maxFailedTrials' ? 'give 0 or more' : 'give 1 or more');
      }
    }
    if (this.parallelTrials > this.maxTrials) {
      throw invalidProp(where, 'parallelTrials', this.parallelTrials, `more trials at once than trials in total (${this.maxTrials})`, `give at most ${this.maxTrials}`);
    }
    checkObjective(where, props.objective);

    // The search space.
    if (!props.parameters || props.parameters.length === 0) {
      throw invalidProp(where, 'parameters', props.parameters, 'no parameter to search', 'give at least one SearchParameter');
    }
    const seen = new Set<string>();
    const sizes = props.parameters.map((p, i) => {
      if (!(p instanceof SearchParameter)) {
        throw invalidProp(where, `parameters[${i}]`, p, 'not a SearchParameter', 'build it with SearchParameter.double/integer/categorical');
      }
      const size = p._check(where, `parameters[${i}]`);
      if (seen.has(p.name)) throw invalidProp(where, `parameters[${i}].name`, p.name, 'two parameters have the same name', 'give each parameter its own name');
      seen.add(p.name);
      return { p, size };
    });
    if (this.algorithm === SearchAlgorithm.GRID) {
      const stepless = sizes.find((s) => s.size === undefined);
      if (stepless) {
        throw invalidProp(where, 'parameters', stepless.p.name, `grid search needs a step for every real-valued parameter, and ${stepless.p.name} has none`,
          'give the parameter a step, or use SearchAlgorithm.TPE or RANDOM');
      }
      this.gridSize = sizes.reduce((a, s) => a * s.size!, 1);
      if (this.gridSize > this.maxTrials) {
        throw invalidProp(where, 'maxTrials', this.maxTrials, `the grid has ${this.gridSize} points (${sizes.map((s) => `${s.p.name}: ${s.size}`).join(' x ')}), more than the ${this.maxTrials} trials allowed, so the search would stop part way through it`,
          `raise maxTrials to ${this.gridSize}, use coarser steps or fewer values, or use SearchAlgorithm.TPE`);
      }
    }

    // The trial: a TrainJob like a TrainingJob's, with the parameters in its environment.
    if (seen.has(TRIAL_NAME)) {
      throw invalidProp(where, 'parameters', TRIAL_NAME, `the name ${TRIAL_NAME} is taken by the trial's own name`, 'rename the parameter');
    }
    const trialName = `\${trialParameters.${TRIAL_NAME}}`;
    const hpEnv: { [name: string]: string } = { TRIAL_NAME: trialName };
    for (const p of props.parameters) hpEnv[p.envName] = p.placeholder;
    // Each trial writes under its own name, so trials never overwrite each other's model.
    const plan = new TrainJobPlan(where, team, this.experimentName, props.trial, hpEnv, `${trialName}/`);
    this.gpusPerTrial = plan.numNodes * plan.gpusPerNode;
    const parallelGpus = this.parallelTrials * this.gpusPerTrial;
    if (parallelGpus > team.quota.gpus) {
      throw invalidProp(where, 'parallelTrials', this.parallelTrials,
        `${this.parallelTrials} trials at once x ${this.gpusPerTrial} GPUs per trial = ${parallelGpus} GPUs, more than team ${team.team}'s quota of ${team.quota.gpus}, so Kueue could never run them together`,
        `run at most ${Math.max(1, Math.floor(team.quota.gpus / Math.max(1, this.gpusPerTrial)))} trials at once, give each fewer GPUs, or raise the team's quota`);
    }
    const manifest = TrainJob.manifest(plan.props(undefined));
    // Katib sets each trial's name and namespace.
    delete manifest.metadata.namespace;
    delete manifest.metadata.name;
    this.trialSpec = manifest;
    const primary = plan.runtime.replicatedJobs.find((j) => j.runsTraining)!;

    KubeflowTraining.enableHyperparameterSearch(team);
    ensureServiceAccount(this, this.namespace, plan.serviceAccountName, false);

    this.apiObject = new Experiment(this, 'Resource', {
      metadata: { name: this.experimentName, namespace: this.namespace },
      spec: {
        objective: {
          type: props.objective.direction,
          goal: props.objective.goal,
          objectiveMetricName: props.objective.metric,
          additionalMetricNames: (props.objective.additionalMetrics ?? []).length > 0 ? [...props.objective.additionalMetrics!] : undefined,
        },
        algorithm: { algorithmName: this.algorithm },
        parallelTrialCount: this.parallelTrials,
        maxTrialCount: this.maxTrials,
        maxFailedTrialCount: this.maxFailedTrials,
        // The suggestion service stops with the experiment instead of holding a pod.
        resumePolicy: 'Never',
        metricsCollectorSpec: { collector: { kind: 'StdOut' } },
        parameters: props.parameters.map((p) => p._render()),
        trialTemplate: {
          primaryContainerName: primary.containers[0],
          // The first pod of the first training job is the one whose output Katib reads.
          primaryPodLabels: { 'jobset.sigs.k8s.io/replicatedjob-name': primary.name, 'batch.kubernetes.io/job-completion-index': '0' },
          successCondition: 'status.conditions.#(type=="Complete")#|#(status=="True")#',
          failureCondition: 'status.conditions.#(type=="Failed")#|#(status=="True")#',
          retain: false,
          trialParameters: [
            ...props.parameters.map((p) => ({ name: p.name, reference: p.name, description: `${p.type} hyperparameter ${p.name}` })),
            { name: TRIAL_NAME, reference: '${trialSpec.Name}', description: 'name of the trial' },
          ],
          trialSpec: manifest,
        },
      },
    });

    // Katib's controller calls the suggestion service; the trials' metrics collector reports to the DB manager.
    team.allowFrom(KubeflowTraining.katibController(), KATIB_GRPC_PORT, team.workloads({ 'katib.kubeflow.org/experiment': this.experimentName }));
    team.allowTo(KubeflowTraining.katibDbManager(), KATIB_GRPC_PORT, team.workloads({ [WORKLOAD_LABEL]: this.experimentName }));
    workloadNetwork(this, team, this.experimentName, {
      https: plan.downloads,
      podIdentity: plan.usesS3,
      peers: plan.numNodes > 1 || plan.runtime.replicatedJobs.filter((j) => j.runsTraining).length > 1,
    }, plan.registryFlowNeeded ? plan.registry : undefined);
    // The trials read historical features from the feature store, when given.
    props.trial.featureStore?.allowFrom(team.workloads({ [WORKLOAD_LABEL]: this.experimentName }), FeatureAccess.OFFLINE);
  }
}

function checkObjective(where: string, o: SearchObjective): void {
  const metric = /^[A-Za-z_][A-Za-z0-9_.\-/]*$/;
  if (!o || typeof o.metric !== 'string' || !metric.test(o.metric)) {
    throw invalidProp(where, 'objective.metric', o?.metric, 'not a metric name', 'give the name the training code prints, e.g. "eval_loss"');
  }
  if (o.goal !== undefined && !Number.isFinite(o.goal)) {
    throw invalidProp(where, 'objective.goal', o.goal, 'not a number', 'give the metric value at which to stop, or no goal');
  }
  for (const [i, m] of (o.additionalMetrics ?? []).entries()) {
    if (!metric.test(m) || m === o.metric) {
      throw invalidProp(where, `objective.additionalMetrics[${i}]`, m, 'not a metric name other than the objective', 'give another metric the training code prints');
    }
  }
}
