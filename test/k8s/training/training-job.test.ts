import { Duration } from 'cdk8s';
import { find, fixture, objectsOf } from './fixtures';
import { GpuInstanceType, TRAINING } from '../../../lib/core';
import {
  DatasetSource, EFA_RESOURCE, IRegistryConnection, ModelRegistry, ModelSource, QUEUE_NAME_LABEL, RegistryAccess, SecretKeyRef, TeamNamespace,
  TrainingJob,
  TrainingRuntime, UpstreamTrainingRuntime, WORKLOAD_LABEL, WorkloadSelector, WorkspaceAccess,
} from '../../../lib/k8s';
import { assertValidManifests } from '../../../lib/verify/k8s';

function nodePatch(trainJob: any, job = 'node'): any {
  return trainJob.spec.runtimePatches[0].trainingRuntimeSpec.template.spec.replicatedJobs.find((j: any) => j.name === job).template.spec.template;
}

function env(list: any[] | undefined): { [name: string]: any } {
  return Object.fromEntries((list ?? []).map((e) => [e.name, e.value ?? e.valueFrom]));
}

describe('TrainingJob', () => {
  test('lands in its team\'s LocalQueue, created suspended, with the runtime referenced', () => {
    const f = fixture();
    const job = new TrainingJob(f.chart, 'pretrain', { team: f.team, pool: f.a10g });
    const objects = objectsOf(f.chart);
    const tj = find(objects, 'TrainJob', 'pretrain');
    expect(tj.apiVersion).toBe('trainer.kubeflow.org/v1alpha1');
    expect(tj.metadata.namespace).toBe('team-a');
    expect(tj.metadata.labels[QUEUE_NAME_LABEL]).toBe(f.team.localQueueName);
    expect(find(objects, 'LocalQueue', f.team.localQueueName!).metadata.namespace).toBe('team-a');
    expect(tj.spec.suspend).toBe(true);
    expect(tj.spec.runtimeRef).toEqual({ apiGroup: 'trainer.kubeflow.org', kind: 'ClusterTrainingRuntime', name: 'torch-distributed' });
    expect(job.queueName).toBe('team-a');
    expect(job.runtime).toBe(UpstreamTrainingRuntime.TORCH_DISTRIBUTED);
    assertValidManifests(objects);
  });

  test('GPU requests per node match the pool, with its node selector and tolerations', () => {
    const f = fixture();
    const job = new TrainingJob(f.chart, 'sft', { team: f.team, pool: f.a10g, numNodes: 2 });
    const tj = find(objectsOf(f.chart), 'TrainJob', 'sft');
    const r = tj.spec.trainer.resourcesPerNode;
    // g5.12xlarge: 4 x A10G, 48 vCPUs, 192 GiB.
    expect(job.gpusPerNode).toBe(GpuInstanceType.G5_12XLARGE.gpuCount);
    expect(r.requests['nvidia.com/gpu']).toBe(4);
    expect(r.limits['nvidia.com/gpu']).toBe(4);
    expect(r.requests.cpu).toBe('38');
    expect(r.requests.memory).toBe('153Gi');
    expect(r.limits.memory).toBe('153Gi');
    expect(tj.spec.trainer.numNodes).toBe(2);
    expect(tj.spec.trainer.numProcPerNode).toBe(4);
    const pod = nodePatch(tj);
    expect(pod.spec.nodeSelector).toEqual(f.a10g.nodeSelector());
    expect(pod.spec.tolerations).toEqual(f.a10g.tolerations());
    // The A10G pool has no EFA: TCP between nodes, no EFA resources.
    expect(r.requests[EFA_RESOURCE]).toBeUndefined();
    expect(job.efaInterfaces).toBe(0);
  });

  test('fewer GPUs than a node has, sized from the instance type', () => {
    const f = fixture();
    const job = new TrainingJob(f.chart, 'small', { team: f.team, pool: f.a10g, gpusPerNode: 1 });
    const r = find(objectsOf(f.chart), 'TrainJob', 'small').spec.trainer.resourcesPerNode;
    expect(r.requests).toEqual({ 'cpu': '9', 'memory': '38Gi', 'nvidia.com/gpu': 1 });
    expect(job.cpuPerNode).toBe(9);
  });

  test('multi-node on an EFA pool requests EFA and sets the libfabric and NCCL environment', () => {
    const f = fixture();
    const job = new TrainingJob(f.chart, 'pretrain', { team: f.team, pool: f.h100, numNodes: 2 });
    const objects = objectsOf(f.chart);
    const tj = find(objects, 'TrainJob', 'pretrain');
    const r = tj.spec.trainer.resourcesPerNode;
    expect(job.efaInterfaces).toBe(GpuInstanceType.P5_48XLARGE.maxEfaInterfaces);
    expect(r.requests[EFA_RESOURCE]).toBe(32);
    expect(r.limits[EFA_RESOURCE]).toBe(32);
    expect(r.requests['nvidia.com/gpu']).toBe(8);
    expect(env(tj.spec.trainer.env)).toMatchObject({
      FI_PROVIDER: 'efa', FI_EFA_USE_DEVICE_RDMA: '1', FI_EFA_FORK_SAFE: '1', NCCL_SOCKET_IFNAME: '^lo,docker',
    });
    // Pods of a multi-node job reach each other even if the namespace does not allow it.
    expect(find(objects, 'NetworkPolicy', 'pretrain-peers').spec.podSelector).toEqual({ matchLabels: { [WORKLOAD_LABEL]: 'pretrain' } });
    assertValidManifests(objects);
  });

  test('a single-node job on an EFA pool needs no EFA', () => {
    const f = fixture();
    new TrainingJob(f.chart, 'one', { team: f.team, pool: f.h100 });
    const tj = find(objectsOf(f.chart), 'TrainJob', 'one');
    expect(tj.spec.trainer.resourcesPerNode.requests[EFA_RESOURCE]).toBeUndefined();
    expect(env(tj.spec.trainer.env).FI_PROVIDER).toBeUndefined();
  });

  test('every pod of the runtime runs restricted, as the runtime\'s user, with scratch volumes', () => {
    const f = fixture();
    new TrainingJob(f.chart, 'sft', { team: f.team, pool: f.a10g });
    const pod = nodePatch(find(objectsOf(f.chart), 'TrainJob', 'sft'));
    expect(pod.metadata.labels).toEqual({ [WORKLOAD_LABEL]: 'sft' });
    expect(pod.spec.serviceAccountName).toBe(TRAINING.serviceAccount);
    expect(pod.spec.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: 'RuntimeDefault' } });
    expect(pod.spec.containers[0]).toMatchObject({
      name: 'node',
      securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] }, runAsNonRoot: true },
      volumeMounts: [{ name: 'cnai-tmp', mountPath: '/tmp' }, { name: 'cnai-shm', mountPath: '/dev/shm' }],
    });
    expect(pod.spec.volumes[1]).toEqual({ name: 'cnai-shm', emptyDir: { medium: 'Memory', sizeLimit: '16Gi' } });
  });

  test('DeepSpeed patches launcher and node, keeps a writable root for sshd', () => {
    const f = fixture();
    new TrainingJob(f.chart, 'ds', { team: f.team, pool: f.a10g, runtime: UpstreamTrainingRuntime.DEEPSPEED_DISTRIBUTED, numNodes: 2 });
    const objects = objectsOf(f.chart);
    const tj = find(objects, 'TrainJob', 'ds');
    for (const j of ['launcher', 'node']) {
      const pod = nodePatch(tj, j);
      expect(pod.spec.nodeSelector).toEqual(f.a10g.nodeSelector());
      expect(pod.spec.containers[0].securityContext.readOnlyRootFilesystem).toBe(false);
    }
    expect(tj.spec.trainer.numProcPerNode).toBeUndefined();
    assertValidManifests(objects);
  });

  test('dataset and base model from the model store and Hugging Face; output to the store', () => {
    const f = fixture();
    const runtime = new TrainingRuntime(f.chart, 'cnai-torch');
    const token = SecretKeyRef.fromName('hf-token', 'HF_TOKEN');
    const job = new TrainingJob(f.chart, 'sft', {
      team: f.team,
      pool: f.a10g,
      runtime,
      dataset: DatasetSource.fromModelStore(f.store, 'chat/instructions-v3'),
      baseModel: ModelSource.huggingFace('meta-llama/Llama-3.2-1B-Instruct', { tokenSecret: token }),
      outputs: { modelStore: f.store },
      command: ['torchrun', '/app/train.py'],
    });
    const objects = objectsOf(f.chart);
    const tj = find(objects, 'TrainJob', 'sft');
    expect(tj.spec.initializer.dataset).toEqual({ storageUri: 's3://cnai-test-datasets/chat/instructions-v3/', env: [{ name: 'REGION', value: 'us-west-2' }] });
    expect(tj.spec.initializer.model).toEqual({
      storageUri: 'hf://meta-llama/Llama-3.2-1B-Instruct',
      env: [{ name: 'ACCESS_TOKEN', valueFrom: { secretKeyRef: { name: 'hf-token', key: 'HF_TOKEN' } } }],
    });
    expect(JSON.stringify(tj)).not.toMatch(/hf_[A-Za-z]{10}/);
    expect(env(tj.spec.trainer.env)).toMatchObject({ MODEL_OUTPUT_URI: 's3://cnai-test-models/training/team-a/sft/', AWS_REGION: 'us-west-2' });
    expect(job.output?.storageUri).toBe('s3://cnai-test-models/training/team-a/sft/');
    // The output is an artifact a model server can load.
    expect(ModelSource.fromArtifact(job.output!).storageUri).toBe('s3://cnai-test-models/training/team-a/sft/');
    // Initializers and trainer all get the workload identity; S3 and the Hub are reachable.
    for (const j of ['dataset-initializer', 'model-initializer', 'node']) expect(nodePatch(tj, j).spec.serviceAccountName).toBe('ml-training');
    const egress = find(objects, 'NetworkPolicy', 'sft-egress').spec.egress;
    expect(egress.map((e: any) => e.ports[0].port)).toEqual([443, 80]);
    expect(egress[1].to[0].ipBlock.cidr).toBe('169.254.170.23/32');
    // The service account is created once per namespace.
    const sas = objects.filter((o) => o.kind === 'ServiceAccount' && o.metadata.name === 'ml-training');
    expect(sas).toHaveLength(1);
    expect(sas[0].automountServiceAccountToken).toBe(false);
    assertValidManifests(objects);
  });

  test('the platform\'s model registry admits the job: credentials, network path, run and model names', () => {
    const f = fixture();
    const registry = new ModelRegistry(f.chart, 'registry', { contract: f.contract });
    const job = new TrainingJob(f.chart, 'sft', { team: f.team, pool: f.a10g, outputs: { modelStore: f.store, registry } });
    const objects = objectsOf(f.chart);
    const e = env(find(objects, 'TrainJob', 'sft').spec.trainer.env);
    expect(e).toMatchObject({
      MLFLOW_TRACKING_URI: registry.uri,
      MLFLOW_TRACKING_USERNAME: 'writer',
      MLFLOW_TRACKING_PASSWORD: { secretKeyRef: { name: 'mlflow-writer', key: 'writer-password' } },
      MLFLOW_EXPERIMENT_NAME: 'sft',
      REGISTERED_MODEL_NAME: 'sft',
    });
    // Only the pods that train (JobSet labels them with their replicated job, "node") are admitted, not the initializers.
    // Compared by namespace and labels: a WorkloadSelector holds its team's construct tree, too big for a failure's diff.
    const trainers = { [WORKLOAD_LABEL]: 'sft', 'jobset.sigs.k8s.io/replicatedjob-name': 'node' };
    expect(registry.clients.map((c) => ({ namespace: c.workload.namespace, podLabels: c.workload.podLabels, access: c.access })))
      .toEqual([{ namespace: 'team-a', podLabels: trainers, access: RegistryAccess.READ_WRITE }]);
    expect(registry.connectionFor(f.team.workloads(trainers)).access).toBe(RegistryAccess.READ_WRITE);
    // The registry opened the team's egress to it; the job adds no second flow.
    const flows = objects.filter((o) => o.kind === 'NetworkPolicy' && o.metadata.namespace === 'team-a' && o.metadata.name.startsWith('allow-to-'));
    expect(flows).toHaveLength(1);
    expect(flows[0].spec.podSelector).toEqual({ matchLabels: trainers });
    expect(flows[0].spec.egress[0].ports).toEqual([{ protocol: 'TCP', port: registry.port }]);
    expect(job.output).toEqual({ storageUri: 's3://cnai-test-models/training/team-a/sft/', modelName: 'sft', modelVersion: undefined });
    assertValidManifests(objects);
  });

  test('logs to another registry through a connection and opens the flow to it', () => {
    const f = fixture();
    const registry: IRegistryConnection = {
      environment: { MLFLOW_TRACKING_URI: 'http://mlflow.mlflow.svc:5000' },
      secretEnvironment: { MLFLOW_TRACKING_PASSWORD: SecretKeyRef.fromName('mlflow-writer', 'password') },
      server: WorkloadSelector.of(f.team, { app: 'fake-registry' }),
      port: 5000,
    };
    const job = new TrainingJob(f.chart, 'sft', { team: f.team, pool: f.a10g, outputs: { modelStore: f.store, registryConnection: registry, registeredModelName: 'support-bot' } });
    const objects = objectsOf(f.chart);
    const e = env(find(objects, 'TrainJob', 'sft').spec.trainer.env);
    expect(e).toMatchObject({
      MLFLOW_TRACKING_URI: 'http://mlflow.mlflow.svc:5000',
      MLFLOW_TRACKING_PASSWORD: { secretKeyRef: { name: 'mlflow-writer', key: 'password' } },
      MLFLOW_EXPERIMENT_NAME: 'sft',
      REGISTERED_MODEL_NAME: 'support-bot',
    });
    expect(job.output?.modelName).toBe('support-bot');
    const flow = objects.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name.startsWith('allow-to-'));
    expect(flow.spec.podSelector).toEqual({ matchLabels: { [WORKLOAD_LABEL]: 'sft' } });
    expect(flow.spec.egress[0].ports).toEqual([{ protocol: 'TCP', port: 5000 }]);
  });

  test('max runtime and user environment', () => {
    const f = fixture();
    new TrainingJob(f.chart, 'sft', { team: f.team, pool: f.a10g, maxRuntime: Duration.hours(6), env: { EPOCHS: '3' }, image: 'docker.io/pytorch/pytorch:2.9.1-cuda12.8-cudnn9-runtime' });
    const tj = find(objectsOf(f.chart), 'TrainJob', 'sft');
    expect(tj.spec.activeDeadlineSeconds).toBe(21600);
    expect(env(tj.spec.trainer.env)).toEqual({ EPOCHS: '3' });
  });

  describe('errors', () => {
    test('more GPUs per node than the pool\'s instance type has', () => {
      const f = fixture();
      expect(() => new TrainingJob(f.chart, 'big', { team: f.team, pool: f.a10g, gpusPerNode: 8 }))
        .toThrow(/test\/big: invalid gpusPerNode = 8: more GPUs per node than pool gpu-a10g's instance type has \(4 on g5.12xlarge\).*Fix: ask for at most 4 GPUs per node/);
    });

    test('multi-node EFA on a pool without EFA', () => {
      const f = fixture();
      expect(() => new TrainingJob(f.chart, 'efa', { team: f.team, pool: f.a10g, numNodes: 2, efa: true }))
        .toThrow(/invalid efa = true: pool gpu-a10g has no Elastic Fabric Adapter interfaces.*Fix: use a pool created with efa: true/);
    });

    test('namespace not a team namespace', () => {
      const f = fixture();
      expect(() => new TrainingJob(f.chart, 'x', { team: { namespaceName: 'default' }, pool: f.a10g }))
        .toThrow(/invalid team = "default": not a team namespace.*Fix: pass the TeamNamespace object/);
    });

    test('team namespace without a LocalQueue', () => {
      const f = fixture();
      const loose = new TeamNamespace(f.chart, 'loose');
      expect(() => new TrainingJob(f.chart, 'x', { team: loose, pool: f.a10g })).toThrow(/invalid team = "loose": the team namespace has no Kueue LocalQueue/);
    });

    test('more GPUs than the team may ever use', () => {
      // The team's ceiling is nominal plus borrowing: A10G 2 + 2, H100 8 + 8, g5 2 + 2 = 24 GPUs.
      const f = fixture({ a10g: 2, h100: 8, g5: 2 });
      expect(f.team.quota.gpus).toBe(24);
      expect(() => new TrainingJob(f.chart, 'x', { team: f.team, pool: f.h100, numNodes: 4 }))
        .toThrow(/invalid numNodes = 4: the job needs 32 GPUs at once but team team-a may never use more than 24, so Kueue would never admit it/);
    });

    test('more GPUs than the pool can hold', () => {
      const f = fixture();
      expect(() => new TrainingJob(f.chart, 'x', { team: f.team, pool: f.a10g, numNodes: 5 })).toThrow(/needs 20 GPUs at once but pool gpu-a10g can never hold more than 16/);
    });

    test('not a whole number of nodes', () => {
      const f = fixture();
      expect(() => new TrainingJob(f.chart, 'x', { team: f.team, pool: f.a10g, numNodes: 0 })).toThrow(/invalid numNodes = 0: not a whole number of nodes/);
    });

    test('not a whole number of GPUs', () => {
      const f = fixture();
      expect(() => new TrainingJob(f.chart, 'y', { team: f.team, pool: f.a10g, gpusPerNode: 1.5 })).toThrow(/invalid gpusPerNode = 1.5: not a whole number of GPUs/);
    });

    test('a name that is no DNS-1035 label', () => {
      const f = fixture();
      expect(() => new TrainingJob(f.chart, '1st', { team: f.team, pool: f.a10g })).toThrow(/invalid name = "1st": not a DNS-1035 label/);
    });

    test('a dataset for a runtime without dataset initializer', () => {
      const f = fixture();
      expect(() => new TrainingJob(f.chart, 'x', { team: f.team, pool: f.a10g, dataset: DatasetSource.huggingFace('tatsu-lab/alpaca') }))
        .toThrow(/invalid dataset = "hf:\/\/tatsu-lab\/alpaca": runtime torch-distributed has no dataset initializer/);
    });

    test('a base model for a runtime without model initializer', () => {
      const f = fixture();
      expect(() => new TrainingJob(f.chart, 'x', { team: f.team, pool: f.a10g, baseModel: ModelSource.huggingFace('org/m') }))
        .toThrow(/invalid baseModel = "hf:\/\/org\/m": runtime torch-distributed has no model initializer/);
    });

    test('a runtime dataset initializer without a dataset', () => {
      const f = fixture();
      const runtime = new TrainingRuntime(f.chart, 'rt');
      expect(() => new TrainingJob(f.chart, 'x', { team: f.team, pool: f.a10g, runtime, baseModel: ModelSource.huggingFace('org/m') }))
        .toThrow(/invalid dataset = undefined: runtime rt runs a dataset initializer, which fails without a dataset/);
    });

    test('a runtime model initializer without a model', () => {
      const f = fixture();
      const runtime = new TrainingRuntime(f.chart, 'rt');
      expect(() => new TrainingJob(f.chart, 'y', { team: f.team, pool: f.a10g, runtime, dataset: DatasetSource.huggingFace('org/d') }))
        .toThrow(/invalid baseModel = undefined: runtime rt runs a model initializer/);
    });

    test('a base model in an OCI image', () => {
      const f = fixture();
      const runtime = new TrainingRuntime(f.chart, 'rt', { datasetInitializer: false });
      expect(() => new TrainingJob(f.chart, 'x', { team: f.team, pool: f.a10g, runtime, baseModel: ModelSource.oci('ghcr.io/org/model:1.0') }))
        .toThrow(/Trainer's model initializer downloads from S3 or Hugging Face/);
    });

    test('a base model revision', () => {
      const f = fixture();
      const runtime = new TrainingRuntime(f.chart, 'rt', { datasetInitializer: false });
      expect(() => new TrainingJob(f.chart, 'y', { team: f.team, pool: f.a10g, runtime, baseModel: ModelSource.huggingFace('org/m', { revision: 'abc' }) }))
        .toThrow(/invalid baseModel.revision = "abc": Trainer's model initializer downloads the default branch/);
    });

    test('multi-node with initializers on a single-node workspace', () => {
      const f = fixture();
      const runtime = new TrainingRuntime(f.chart, 'rt', { modelInitializer: false });
      expect(() => new TrainingJob(f.chart, 'x', { team: f.team, pool: f.a10g, runtime, numNodes: 2, dataset: DatasetSource.huggingFace('org/d') }))
        .toThrow(/invalid numNodes = 2: the initializers download into runtime rt's workspace, which only one node can mount/);
      const shared = new TrainingRuntime(f.chart, 'shared', { modelInitializer: false, workspace: { access: WorkspaceAccess.SHARED, storageClassName: 'efs' } });
      new TrainingJob(f.chart, 'ok', { team: f.team, pool: f.a10g, runtime: shared, numNodes: 2, dataset: DatasetSource.huggingFace('org/d') });
    });

    test('an image that is not pinned', () => {
      const f = fixture();
      expect(() => new TrainingJob(f.chart, 'x', { team: f.team, pool: f.a10g, image: 'docker.io/pytorch/pytorch:latest' })).toThrow(/invalid image = .*the tag "latest"/);
    });

    test('the service account has no workload identity', () => {
      const f = fixture();
      expect(() => new TrainingJob(f.chart, 'x', { team: f.team, pool: f.a10g, outputs: { modelStore: f.store }, serviceAccountName: 'other' }))
        .toThrow(/invalid serviceAccountName = "team-a\/other": the service account has no workload identity.*cluster.addWorkloadIdentity/);
    });

    test('both a registry and a registry connection', () => {
      const f = fixture();
      const registry = new ModelRegistry(f.chart, 'registry', { contract: f.contract });
      const registryConnection = registry.addClient(f.team.workloads({ app: 'x' }), RegistryAccess.READ_WRITE);
      expect(() => new TrainingJob(f.chart, 'x', { team: f.team, pool: f.a10g, outputs: { modelStore: f.store, registry, registryConnection } }))
        .toThrow(/invalid outputs.registryConnection = "mlflow": both a registry and a registry connection are given/);
    });

    test('a model name without a registry', () => {
      const f = fixture();
      expect(() => new TrainingJob(f.chart, 'x', { team: f.team, pool: f.a10g, outputs: { modelStore: f.store, registeredModelName: 'm' } }))
        .toThrow(/invalid outputs.registeredModelName = "m": a model name without a registry/);
    });

    test('a bad environment variable name', () => {
      const f = fixture();
      expect(() => new TrainingJob(f.chart, 'x', { team: f.team, pool: f.a10g, env: { 'BAD-NAME': '1' } })).toThrow(/invalid env.BAD-NAME = "1": not an environment variable name/);
    });

    test('a secret environment variable that is no Secret reference', () => {
      const f = fixture();
      expect(() => new TrainingJob(f.chart, 'y', { team: f.team, pool: f.a10g, secretEnv: { TOKEN: 'hf_abc' as any } })).toThrow(/invalid secretEnv.TOKEN = "<not shown>": not a SecretKeyRef/);
    });
  });

  test('documented defaults', () => {
    const f = fixture();
    const job = new TrainingJob(f.chart, 'd', { team: f.team, pool: f.g5 });
    expect(job.numNodes).toBe(1);
    expect(job.gpusPerNode).toBe(1);
    expect(job.serviceAccountName).toBe(TRAINING.serviceAccount);
    expect(job.output).toBeUndefined();
    expect(job.runtime.runtimeName).toBe('torch-distributed');
  });
});
