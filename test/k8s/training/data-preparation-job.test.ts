import { Duration } from 'cdk8s';
import { find, fixture, objectsOf } from './fixtures';
import { TRAINING } from '../../../lib/core';
import {
  DataPreparationEngine, DataPreparationJob, DatasetSource, QUEUE_NAME_LABEL, SecretKeyRef, SparkApplicationLanguage, TrainingJob,
  TrainingRuntime, WORKLOAD_LABEL,
} from '../../../lib/k8s';
import { assertValidManifests } from '../../../lib/verify/k8s';

const IMAGE = '123456789012.dkr.ecr.us-west-2.amazonaws.com/cnai/prep:1.4.0';

function env(list: any[]): { [name: string]: any } {
  return Object.fromEntries(list.map((e) => [e.name, e.value ?? e.valueFrom]));
}

describe('DataPreparationJob', () => {
  test('a Kubernetes Job in the team\'s queue, suspended, reading and writing the store through the workload identity', () => {
    const f = fixture();
    const token = SecretKeyRef.fromName('hf-token', 'HF_TOKEN');
    const job = new DataPreparationJob(f.chart, 'clean-chats', {
      team: f.team,
      modelStore: f.store,
      image: IMAGE,
      input: DatasetSource.huggingFace('org/raw-chats', { tokenSecret: token }),
      args: ['--dedupe'],
      maxRuntime: Duration.hours(2),
    });
    const objects = objectsOf(f.chart);
    const j = find(objects, 'Job', 'clean-chats');
    expect(job.engine).toBe(DataPreparationEngine.KUBERNETES_JOB);
    expect(j.metadata.labels[QUEUE_NAME_LABEL]).toBe('team-a');
    expect(j.spec.suspend).toBe(true);
    expect(j.spec.activeDeadlineSeconds).toBe(7200);
    const pod = j.spec.template.spec;
    expect(pod.serviceAccountName).toBe(TRAINING.serviceAccount);
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    expect(pod.containers[0].securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
    expect(env(pod.containers[0].env)).toMatchObject({
      INPUT_URI: 'hf://org/raw-chats',
      OUTPUT_URI: 's3://cnai-test-datasets/prepared/team-a/clean-chats/',
      HF_TOKEN: { secretKeyRef: { name: 'hf-token', key: 'HF_TOKEN' } },
    });
    expect(job.outputUri).toBe('s3://cnai-test-datasets/prepared/team-a/clean-chats/');
    expect(find(objects, 'NetworkPolicy', 'clean-chats-egress').spec.podSelector).toEqual({ matchLabels: { [WORKLOAD_LABEL]: 'clean-chats' } });
    assertValidManifests(objects);
  });

  test('its output is the dataset of a training job', () => {
    const f = fixture();
    const prep = new DataPreparationJob(f.chart, 'prep', { team: f.team, modelStore: f.store, image: IMAGE, input: DatasetSource.fromModelStore(f.store, 'raw/chats') });
    const runtime = new TrainingRuntime(f.chart, 'rt', { modelInitializer: false });
    new TrainingJob(f.chart, 'sft', { team: f.team, pool: f.a10g, runtime, dataset: prep.output });
    const tj = find(objectsOf(f.chart), 'TrainJob', 'sft');
    expect(tj.spec.initializer.dataset.storageUri).toBe('s3://cnai-test-datasets/prepared/team-a/prep/');
  });

  test('embeddings on a GPU pool, in parallel', () => {
    const f = fixture();
    new DataPreparationJob(f.chart, 'embed', { team: f.team, modelStore: f.store, image: IMAGE, pool: f.g5, gpus: 1, parallelism: 4, outputPrefix: 'embeddings/docs-v2' });
    const objects = objectsOf(f.chart);
    const j = find(objects, 'Job', 'embed');
    expect(j.spec).toMatchObject({ parallelism: 4, completions: 4, completionMode: 'Indexed' });
    const pod = j.spec.template.spec;
    expect(pod.nodeSelector).toEqual(f.g5.nodeSelector());
    expect(pod.tolerations).toEqual(f.g5.tolerations());
    expect(pod.containers[0].resources.limits['nvidia.com/gpu']).toBe(1);
    expect(env(pod.containers[0].env).OUTPUT_URI).toBe('s3://cnai-test-datasets/embeddings/docs-v2/');
    assertValidManifests(objects);
  });

  test('a SparkApplication when the Spark operator is used', () => {
    const f = fixture({}, [['team-a', TRAINING.serviceAccount], ['team-a', TRAINING.sparkServiceAccount]]);
    const job = new DataPreparationJob(f.chart, 'dedupe', {
      team: f.team,
      modelStore: f.store,
      image: 'docker.io/library/spark:3.5.6-scala2.12-java17-python3-ubuntu',
      input: DatasetSource.fromModelStore(f.store, 'raw/web'),
      spark: { sparkVersion: '3.5.6', mainApplicationFile: 'local:///opt/app/dedupe.py', executors: 4, executorMemoryGiB: 16 },
    });
    const objects = objectsOf(f.chart);
    const app = find(objects, 'SparkApplication', 'dedupe');
    expect(job.engine).toBe(DataPreparationEngine.SPARK);
    expect(app.apiVersion).toBe('sparkoperator.k8s.io/v1beta2');
    expect(app.spec).toMatchObject({ type: SparkApplicationLanguage.PYTHON, mode: 'cluster', sparkVersion: '3.5.6', mainApplicationFile: 'local:///opt/app/dedupe.py' });
    // Kueue's pod integration admits each Spark pod through the team's queue.
    for (const role of ['driver', 'executor']) {
      expect(app.spec[role].labels).toEqual({ [WORKLOAD_LABEL]: 'dedupe', [QUEUE_NAME_LABEL]: 'team-a' });
      expect(app.spec[role].serviceAccount).toBe(TRAINING.sparkServiceAccount);
      expect(app.spec[role].securityContext).toMatchObject({ runAsNonRoot: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
    }
    expect(app.spec.executor).toMatchObject({ instances: 4, memory: '16g', cores: 2 });
    // The driver starts executors with its API token.
    const sa = find(objects, 'ServiceAccount', TRAINING.sparkServiceAccount);
    expect(sa.automountServiceAccountToken).toBe(true);
    expect(find(objects, 'RoleBinding', `${TRAINING.sparkServiceAccount}-driver`).subjects).toEqual([{ kind: 'ServiceAccount', name: TRAINING.sparkServiceAccount, namespace: 'team-a' }]);
    expect(find(objects, 'NetworkPolicy', 'dedupe-peers')).toBeDefined();
    assertValidManifests(objects);
  });

  describe('errors', () => {
    test('an image that is not pinned', () => {
      const f = fixture();
      expect(() => new DataPreparationJob(f.chart, 'x', { team: f.team, modelStore: f.store, image: 'python' })).toThrow(/invalid image = "python": the image is not pinned/);
    });

    test('namespace not a team namespace', () => {
      const f = fixture();
      expect(() => new DataPreparationJob(f.chart, 'x', { team: { namespaceName: 'default' }, modelStore: f.store, image: IMAGE })).toThrow(/not a team namespace/);
    });

    test('no workload identity for its service account', () => {
      const f = fixture();
      expect(() => new DataPreparationJob(f.chart, 'x', { team: f.team, modelStore: f.store, image: IMAGE, spark: { sparkVersion: '3.5.6', mainApplicationFile: 'local:///a.py' } }))
        .toThrow(/invalid serviceAccountName = "team-a\/ml-training-spark": the service account has no workload identity/);
    });

    test('a Job setting on a Spark application', () => {
      const f = fixture({}, [['team-a', TRAINING.sparkServiceAccount]]);
      expect(() => new DataPreparationJob(f.chart, 'x', { team: f.team, modelStore: f.store, image: IMAGE, pool: f.g5, spark: { sparkVersion: '3.5.6', mainApplicationFile: 'local:///a.py' } }))
        .toThrow(/invalid pool = .*a Kubernetes Job setting given for a Spark application/);
    });

    test('a Spark version that is none', () => {
      const f = fixture({}, [['team-a', TRAINING.sparkServiceAccount]]);
      expect(() => new DataPreparationJob(f.chart, 'x', { team: f.team, modelStore: f.store, image: IMAGE, spark: { sparkVersion: 'latest', mainApplicationFile: 'local:///a.py' } }))
        .toThrow(/invalid spark.sparkVersion = "latest": not a Spark version/);
    });

    test('a Spark application file that is none', () => {
      const f = fixture({}, [['team-a', TRAINING.sparkServiceAccount]]);
      expect(() => new DataPreparationJob(f.chart, 'x', { team: f.team, modelStore: f.store, image: IMAGE, spark: { sparkVersion: '3.5.6', mainApplicationFile: '/a.py' } }))
        .toThrow(/invalid spark.mainApplicationFile = "\/a.py"/);
    });

    test('more GPUs per pod than a node has', () => {
      const f = fixture();
      expect(() => new DataPreparationJob(f.chart, 'x', { team: f.team, modelStore: f.store, image: IMAGE, pool: f.g5, gpus: 2 })).toThrow(/invalid gpus = 2: more GPUs per pod than a node of pool gpu-g5-single has \(1\)/);
    });

    test('GPUs without a pool', () => {
      const f = fixture();
      expect(() => new DataPreparationJob(f.chart, 'x', { team: f.team, modelStore: f.store, image: IMAGE, gpus: 1 })).toThrow(/invalid gpus = 1: GPUs without a pool/);
    });

    test('parallel GPU pods beyond the team\'s quota', () => {
      const f = fixture({ a10g: 0, h100: 0, g5: 2 });
      expect(() => new DataPreparationJob(f.chart, 'x', { team: f.team, modelStore: f.store, image: IMAGE, pool: f.g5, gpus: 1, parallelism: 5 }))
        .toThrow(/invalid parallelism = 5: 5 pods x 1 GPUs exceed team team-a's quota of 4/);
    });

    test('a name that is no DNS-1035 label', () => {
      const f = fixture();
      expect(() => new DataPreparationJob(f.chart, 'Prep', { team: f.team, modelStore: f.store, image: IMAGE })).toThrow(/invalid name = "Prep"/);
    });
  });
});
