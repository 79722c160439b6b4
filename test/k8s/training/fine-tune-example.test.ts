import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as YAML from 'yaml';
import { find } from './fixtures';
import { PREP_IMAGE, TEAM, TRAINER_IMAGE, buildFineTuneApp, fineTuneContract } from '../../../examples/fine-tune/main';
import { TRAINING } from '../../../lib/core';
import { KATIB_INJECTION_LABEL, QUEUE_NAME_LABEL } from '../../../lib/k8s';
import { assertValidManifests } from '../../../lib/verify/k8s';
import { synthApp } from '../helpers';

describe('example fine-tune', () => {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cnai-fine-tune-'));
  const app = buildFineTuneApp(outdir);
  app.synth();
  const files = fs.readdirSync(outdir).sort();
  const objects = synthApp(app);
  const contract = fineTuneContract();
  const models = contract.buckets.models;
  const datasets = contract.buckets.datasets;
  const env = (list: any[]) => Object.fromEntries(list.map((e) => [e.name, e.value ?? e.valueFrom]));

  test('synthesizes the operators, the platform, the registry, training and serving', () => {
    expect(files).toEqual([
      '0000-platform-operators.k8s.yaml', '0001-platform.k8s.yaml', '0002-data-services.k8s.yaml', '0003-training.k8s.yaml', '0004-serving.k8s.yaml',
    ]);
  });

  test('its entire output is schema-valid (core kinds at Kubernetes 1.34, custom kinds against the pinned CRDs)', () => {
    const report = assertValidManifests(files.map((f) => ({ file: path.join(outdir, f) })), { kubernetesVersion: '1.34' });
    expect(report.objectsChecked).toBe(objects.length);
    expect(report.objectsPerKind).toMatchObject({
      'trainer.kubeflow.org/v1alpha1/TrainJob': 1,
      'trainer.kubeflow.org/v1alpha1/ClusterTrainingRuntime': 1,
      'kubeflow.org/v1beta1/Experiment': 1,
      'kubeflow.org/v1/Notebook': 1,
      'batch/v1/Job': expect.any(Number),
      'apps/v1/Deployment': expect.any(Number),
    });
  });

  test('data preparation: a Job in the team\'s queue, suspended, from raw to prepared chats', () => {
    const job = find(objects, 'Job', 'prepare-chats');
    expect(job.metadata.labels[QUEUE_NAME_LABEL]).toBe(TEAM);
    expect(job.spec.suspend).toBe(true);
    const c = job.spec.template.spec.containers[0];
    expect(c.image).toBe(PREP_IMAGE);
    expect(env(c.env)).toMatchObject({ INPUT_URI: `s3://${datasets}/raw/support-chats/2026-11/`, OUTPUT_URI: `s3://${datasets}/prepared/${TEAM}/prepare-chats/` });
  });

  test('fine-tuning: a TrainJob under Kueue on one 4 x A10G node, from the prepared data and the stored base model, to the store and MLflow', () => {
    const tj = find(objects, 'TrainJob', 'support-bot-sft');
    expect(tj.metadata.labels[QUEUE_NAME_LABEL]).toBe(TEAM);
    expect(tj.spec.suspend).toBe(true);
    expect(tj.spec.runtimeRef.name).toBe('cnai-torch-sft');
    expect(tj.spec.trainer.image).toBe(TRAINER_IMAGE);
    expect(tj.spec.trainer.resourcesPerNode.limits['nvidia.com/gpu']).toBe(4);
    expect(tj.spec.initializer.dataset.storageUri).toBe(`s3://${datasets}/prepared/${TEAM}/prepare-chats/`);
    expect(tj.spec.initializer.model.storageUri).toBe(`s3://${models}/base/llama-3.1-8b-instruct/`);
    expect(env(tj.spec.trainer.env)).toMatchObject({
      MODEL_OUTPUT_URI: `s3://${models}/training/${TEAM}/support-bot-sft/`,
      MLFLOW_TRACKING_URI: 'http://mlflow.mlflow.svc.cluster.local:5000',
      MLFLOW_TRACKING_USERNAME: 'writer',
      MLFLOW_EXPERIMENT_NAME: 'support-bot-sft',
      REGISTERED_MODEL_NAME: 'support-bot',
    });
    const pod = tj.spec.runtimePatches[0].trainingRuntimeSpec.template.spec.replicatedJobs.find((j: any) => j.name === 'node').template.spec.template.spec;
    expect(pod.nodeSelector['cnai.io/pool']).toBe('gpu-a10g');
    expect(pod.serviceAccountName).toBe(TRAINING.serviceAccount);
  });

  test('tuning: Katib trials are the same TrainJob on one GPU each, four at a time', () => {
    const exp = find(objects, 'Experiment', 'support-bot-lr');
    expect(exp.spec).toMatchObject({ parallelTrialCount: 4, maxTrialCount: 16, algorithm: { algorithmName: 'tpe' } });
    const trial = exp.spec.trialTemplate.trialSpec;
    expect(trial.kind).toBe('TrainJob');
    expect(trial.spec.trainer.resourcesPerNode.limits['nvidia.com/gpu']).toBe(1);
    expect(trial.spec.trainer.args).toEqual(expect.arrayContaining(['${trialParameters.lora_rank}', '${trialParameters.learning_rate}']));
    assertValidManifests([{ ...trial, metadata: { ...trial.metadata, name: 'support-bot-lr-abcd1234', namespace: TEAM } }]);
    const ns = find(objects, 'Namespace', TEAM);
    expect(ns.metadata.labels[KATIB_INJECTION_LABEL]).toBe('enabled');
    expect(ns.metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
  });

  test('a GPU notebook, culled by the controller after two idle hours', () => {
    const nb = find(objects, 'Notebook', 'ds-alice');
    expect(nb.spec.template.spec.containers[0].resources.limits['nvidia.com/gpu']).toBe(1);
    const controller = find(objects, 'Application', 'notebook-controller');
    const patch = YAML.parse(controller.spec.source.kustomize.patches[0].patch);
    expect(patch).toContainEqual({ op: 'replace', path: '/data/CULL_IDLE_TIME', value: '120' });
  });

  test('the registry admits the training workloads read-write', () => {
    const writers = objects.filter((o) => o.kind === 'ExternalSecret' && o.metadata.namespace === TEAM && o.metadata.name === 'mlflow-writer');
    expect(writers).toHaveLength(1);
  });

  test('serving: the LlmService loads the model the job wrote', () => {
    const d = find(objects, 'Deployment', 'support-bot');
    expect(d.metadata.namespace).toBe(TEAM);
    expect(d.spec.template.spec.containers[0].args[0]).toBe(`s3://${models}/training/${TEAM}/support-bot-sft/`);
    expect(d.spec.template.spec.nodeSelector['cnai.io/pool']).toBe('gpu-a10g');
  });
});
