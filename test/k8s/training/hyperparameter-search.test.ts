import { find, fixture, objectsOf } from './fixtures';
import {
  DatasetSource, HyperparameterSearch, HyperparameterSearchProps, KATIB_INJECTION_LABEL, ModelSource, ObjectiveDirection, QUEUE_NAME_LABEL,
  SearchAlgorithm, SearchParameter, TrainingRuntime, WORKLOAD_LABEL,
} from '../../../lib/k8s';
import { assertValidManifests } from '../../../lib/verify/k8s';

type Props = Omit<HyperparameterSearchProps, 'team' | 'trial'>;

function search(f: ReturnType<typeof fixture>, id: string, props: Partial<Props> = {}, trial: any = {}): HyperparameterSearch {
  return new HyperparameterSearch(f.chart, id, {
    team: f.team,
    trial: { pool: f.g5, command: ['python', '/app/train.py'], ...trial },
    objective: { metric: 'eval_loss', direction: ObjectiveDirection.MINIMIZE },
    parameters: [SearchParameter.double('learning_rate', 1e-5, 1e-3, { logScale: true }), SearchParameter.categorical('optimizer', ['adamw', 'sgd'])],
    ...props,
  });
}

describe('HyperparameterSearch', () => {
  test('a Katib Experiment with objective, algorithm, search space and budget', () => {
    const f = fixture();
    const s = search(f, 'lr-sweep', { algorithm: SearchAlgorithm.BAYESIAN_OPTIMIZATION, maxTrials: 20, parallelTrials: 4, objective: { metric: 'eval_loss', direction: ObjectiveDirection.MINIMIZE, goal: 0.2, additionalMetrics: ['train_loss'] } });
    const objects = objectsOf(f.chart);
    const exp = find(objects, 'Experiment', 'lr-sweep');
    expect(exp.apiVersion).toBe('kubeflow.org/v1beta1');
    expect(exp.metadata.namespace).toBe('team-a');
    expect(exp.spec).toMatchObject({
      objective: { type: 'minimize', goal: 0.2, objectiveMetricName: 'eval_loss', additionalMetricNames: ['train_loss'] },
      algorithm: { algorithmName: 'bayesianoptimization' },
      maxTrialCount: 20,
      parallelTrialCount: 4,
      maxFailedTrialCount: 3,
      resumePolicy: 'Never',
      metricsCollectorSpec: { collector: { kind: 'StdOut' } },
    });
    expect(exp.spec.parameters).toEqual([
      { name: 'learning_rate', parameterType: 'double', feasibleSpace: { min: '0.00001', max: '0.001', distribution: 'logUniform' } },
      { name: 'optimizer', parameterType: 'categorical', feasibleSpace: { list: ['adamw', 'sgd'] } },
    ]);
    expect(s.gpusPerTrial).toBe(1);
    assertValidManifests(objects);
  });

  test('the trial template is a valid TrainJob in the team\'s queue, suspended, with the parameters substituted', () => {
    const f = fixture();
    const runtime = new TrainingRuntime(f.chart, 'rt', { modelInitializer: false });
    const s = search(f, 'sweep', {}, { runtime, dataset: DatasetSource.fromModelStore(f.store, 'chat/v3'), outputs: { modelStore: f.store } });
    const exp = find(objectsOf(f.chart), 'Experiment', 'sweep');
    const t = exp.spec.trialTemplate;
    expect(t.trialSpec).toBe(exp.spec.trialTemplate.trialSpec);
    expect(t.trialSpec.apiVersion).toBe('trainer.kubeflow.org/v1alpha1');
    expect(t.trialSpec.kind).toBe('TrainJob');
    expect(t.trialSpec.metadata.labels).toEqual({ [QUEUE_NAME_LABEL]: 'team-a', [WORKLOAD_LABEL]: 'sweep' });
    expect(t.trialSpec.spec.suspend).toBe(true);
    expect(t.primaryContainerName).toBe('node');
    expect(t.primaryPodLabels).toEqual({ 'jobset.sigs.k8s.io/replicatedjob-name': 'node', 'batch.kubernetes.io/job-completion-index': '0' });
    expect(t.successCondition).toBe('status.conditions.#(type=="Complete")#|#(status=="True")#');
    expect(t.failureCondition).toBe('status.conditions.#(type=="Failed")#|#(status=="True")#');
    expect(t.trialParameters).toEqual([
      { name: 'learning_rate', reference: 'learning_rate', description: 'double hyperparameter learning_rate' },
      { name: 'optimizer', reference: 'optimizer', description: 'categorical hyperparameter optimizer' },
      { name: 'trialName', reference: '${trialSpec.Name}', description: 'name of the trial' },
    ]);
    const env = Object.fromEntries(t.trialSpec.spec.trainer.env.map((e: any) => [e.name, e.value]));
    expect(env).toMatchObject({
      HP_LEARNING_RATE: '${trialParameters.learning_rate}',
      HP_OPTIMIZER: '${trialParameters.optimizer}',
      TRIAL_NAME: '${trialParameters.trialName}',
      // Every trial writes its own model.
      MODEL_OUTPUT_URI: 's3://cnai-test-models/training/team-a/sweep/${trialParameters.trialName}/',
    });
    expect(s.trialSpec).toEqual(t.trialSpec);
    // As Katib creates it: the template with the trial's name and namespace, values substituted.
    const trial = JSON.parse(JSON.stringify(t.trialSpec)
      .replace(/\$\{trialParameters\.learning_rate\}/g, '0.0003').replace(/\$\{trialParameters\.optimizer\}/g, 'adamw')
      .replace(/\$\{trialParameters\.trialName\}/g, 'sweep-x7k2p9qd'));
    assertValidManifests([{ ...trial, metadata: { ...trial.metadata, name: 'sweep-x7k2p9qd', namespace: 'team-a' } }]);
  });

  test('labels the team namespace for Katib and opens the flows between Katib and the trials', () => {
    const f = fixture();
    search(f, 'sweep');
    const objects = objectsOf(f.chart);
    expect(find(objects, 'Namespace', 'team-a').metadata.labels[KATIB_INJECTION_LABEL]).toBe('enabled');
    // Restricted stays: Katib's containers get a restricted context from the catalogue's config.
    expect(find(objects, 'Namespace', 'team-a').metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
    const flows = objects.filter((o) => o.kind === 'NetworkPolicy' && /^allow-(from|to)-/.test(o.metadata.name));
    const fromController = flows.find((p) => p.spec.ingress)!;
    expect(fromController.spec.podSelector).toEqual({ matchLabels: { 'katib.kubeflow.org/experiment': 'sweep' } });
    expect(fromController.spec.ingress[0]).toEqual({
      from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kubeflow' } }, podSelector: { matchLabels: { 'katib.kubeflow.org/component': 'controller' } } }],
      ports: [{ protocol: 'TCP', port: 6789 }],
    });
    const toDb = flows.find((p) => p.spec.egress)!;
    expect(toDb.spec.podSelector).toEqual({ matchLabels: { [WORKLOAD_LABEL]: 'sweep' } });
    expect(toDb.spec.egress[0].to[0].podSelector).toEqual({ matchLabels: { 'katib.kubeflow.org/component': 'db-manager' } });
    assertValidManifests(objects);
  });

  test('a grid that fits its budget', () => {
    const f = fixture();
    const s = search(f, 'grid', {
      algorithm: SearchAlgorithm.GRID,
      maxTrials: 12,
      parameters: [SearchParameter.double('lr', 0.0001, 0.0003, { step: 0.0001 }), SearchParameter.integer('rank', 8, 32, { step: 8 })],
    });
    expect(s.gridSize).toBe(12);
    const exp = find(objectsOf(f.chart), 'Experiment', 'grid');
    expect(exp.spec.parameters[1]).toEqual({ name: 'rank', parameterType: 'int', feasibleSpace: { min: '8', max: '32', step: '8' } });
  });

  test('a base model for every trial', () => {
    const f = fixture();
    const runtime = new TrainingRuntime(f.chart, 'rt', { datasetInitializer: false });
    search(f, 'sweep', {}, { runtime, baseModel: ModelSource.s3('s3://cnai-test-models/base/llama/') });
    const t = find(objectsOf(f.chart), 'Experiment', 'sweep').spec.trialTemplate.trialSpec;
    expect(t.spec.initializer.model.storageUri).toBe('s3://cnai-test-models/base/llama/');
  });

  describe('errors', () => {
    test('a search space with an empty range', () => {
      const f = fixture();
      expect(() => search(f, 'x', { parameters: [SearchParameter.double('lr', 0.01, 0.01)] }))
        .toThrow(/test\/x: invalid parameters\[0\].max = 0.01: the search space of lr is an empty range \(min 0.01 is not below max 0.01\)/);
    });

    test('a categorical parameter without values', () => {
      const f = fixture();
      expect(() => search(f, 'x', { parameters: [SearchParameter.categorical('opt', [])] })).toThrow(/invalid parameters\[0\].values = \[\]: the search space of opt is empty/);
    });

    test('a grid too large for its max trials', () => {
      const f = fixture();
      expect(() => search(f, 'x', {
        algorithm: SearchAlgorithm.GRID,
        maxTrials: 10,
        parameters: [SearchParameter.integer('rank', 8, 64, { step: 8 }), SearchParameter.categorical('opt', ['adamw', 'sgd'])],
      })).toThrow(/invalid maxTrials = 10: the grid has 16 points \(rank: 8 x opt: 2\), more than the 10 trials allowed.*Fix: raise maxTrials to 16/);
    });

    test('a grid over a real parameter without a step', () => {
      const f = fixture();
      expect(() => search(f, 'x', { algorithm: SearchAlgorithm.GRID })).toThrow(/invalid parameters = "learning_rate": grid search needs a step for every real-valued parameter/);
    });

    test('parallel trials x GPUs per trial exceeding the team\'s GPU quota', () => {
      const f = fixture({ a10g: 2, h100: 8, g5: 2 });
      // 4 trials x 4 A10G GPUs = 16 fit the team's 24; 4 trials x 8 H100 GPUs = 32 do not.
      search(f, 'fits', { parallelTrials: 4, maxTrials: 8 }, { pool: f.a10g });
      expect(() => search(f, 'y', { parallelTrials: 4, maxTrials: 8 }, { pool: f.h100 }))
        .toThrow(/invalid parallelTrials = 4: 4 trials at once x 8 GPUs per trial = 32 GPUs, more than team team-a's quota of 24, so Kueue could never run them together.*Fix: run at most 3 trials at once/);
    });

    test('more parallel trials than trials', () => {
      const f = fixture();
      expect(() => search(f, 'x', { parallelTrials: 5, maxTrials: 4 })).toThrow(/invalid parallelTrials = 5: more trials at once than trials in total \(4\)/);
    });

    test('not a whole number of trials', () => {
      const f = fixture();
      expect(() => search(f, 'x', { maxTrials: 0 })).toThrow(/invalid maxTrials = 0: not a whole number of trials/);
    });

    test('a name too long for trial names', () => {
      const f = fixture();
      expect(() => search(f, 'a'.repeat(55))).toThrow(/not a DNS-1035 label of at most 54 characters/);
    });

    test('no parameter', () => {
      const f = fixture();
      expect(() => search(f, 'x', { parameters: [] })).toThrow(/invalid parameters = \[\]: no parameter to search/);
    });

    test('two parameters with the same name', () => {
      const f = fixture();
      expect(() => search(f, 'x', { parameters: [SearchParameter.integer('a', 1, 2), SearchParameter.integer('a', 1, 3)] }))
        .toThrow(/invalid parameters\[1\].name = "a": two parameters have the same name/);
    });

    test('a parameter named like the trial name', () => {
      const f = fixture();
      expect(() => search(f, 'x', { parameters: [SearchParameter.categorical('trialName', ['a'])] })).toThrow(/the name trialName is taken by the trial's own name/);
    });

    test('an objective metric that is no name', () => {
      const f = fixture();
      expect(() => search(f, 'x', { objective: { metric: 'eval loss', direction: ObjectiveDirection.MAXIMIZE } })).toThrow(/invalid objective.metric = "eval loss": not a metric name/);
    });

    test('an additional metric equal to the objective', () => {
      const f = fixture();
      expect(() => search(f, 'x', { objective: { metric: 'loss', direction: ObjectiveDirection.MINIMIZE, additionalMetrics: ['loss'] } }))
        .toThrow(/invalid objective.additionalMetrics\[0\] = "loss": not a metric name other than the objective/);
    });

    test('namespace not a team namespace', () => {
      const f = fixture();
      expect(() => new HyperparameterSearch(f.chart, 'x', {
        team: { namespaceName: 'default' },
        trial: { pool: f.g5 },
        objective: { metric: 'loss', direction: ObjectiveDirection.MINIMIZE },
        parameters: [SearchParameter.integer('a', 1, 2)],
      })).toThrow(/invalid team = "default": not a team namespace/);
    });
  });
});
