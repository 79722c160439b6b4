import { Chart, Testing } from 'cdk8s';
import { find } from './fixtures';
import { TRAINING_IMAGES, imageRef } from '../../../lib/core';
import { TrainingFramework, TrainingRuntime, UpstreamTrainingRuntime, WorkspaceAccess } from '../../../lib/k8s';
import { assertValidManifests } from '../../../lib/verify/k8s';

function chart(): Chart {
  return new Chart(Testing.app(), 'c');
}

describe('TrainingRuntime', () => {
  test('a hardened PyTorch runtime: initializers, then the trainer, on a per-job workspace', () => {
    const c = chart();
    const rt = new TrainingRuntime(c, 'cnai-torch');
    const objects = Testing.synth(c);
    const r = find(objects, 'ClusterTrainingRuntime', 'cnai-torch');
    expect(r.metadata.labels).toEqual({ 'trainer.kubeflow.org/framework': 'torch' });
    expect(r.spec.mlPolicy).toEqual({ numNodes: 1, torch: {} });
    const jobs = r.spec.template.spec.replicatedJobs;
    expect(jobs.map((j: any) => [j.name, j.dependsOn?.[0]?.name])).toEqual([
      ['dataset-initializer', undefined], ['model-initializer', 'dataset-initializer'], ['node', 'model-initializer'],
    ]);
    expect(jobs.map((j: any) => j.template.spec.template.spec.containers[0].image)).toEqual([
      imageRef(TRAINING_IMAGES.datasetInitializer), imageRef(TRAINING_IMAGES.modelInitializer), imageRef(TRAINING_IMAGES.pytorch),
    ]);
    expect(jobs[2].template.metadata.labels).toEqual({ 'trainer.kubeflow.org/trainjob-ancestor-step': 'trainer' });
    for (const j of jobs) {
      const pod = j.template.spec.template.spec;
      expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000, fsGroup: 1000, seccompProfile: { type: 'RuntimeDefault' } });
      expect(pod.containers[0].securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
      expect(pod.containers[0].volumeMounts[0]).toEqual({ name: 'workspace', mountPath: '/workspace' });
    }
    const claims = r.spec.template.spec.volumeClaimPolicies[0];
    expect(claims.templates[0]).toEqual({ metadata: { name: 'workspace' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '200Gi' } } } });
    expect(claims.retentionPolicy).toEqual({ whenDeleted: 'Delete' });
    expect(rt.replicatedJobs.map((j) => j.runsTraining)).toEqual([false, false, true]);
    expect(rt.workspaceSharedAcrossNodes).toBe(false);
    assertValidManifests(objects);
  });

  test('without initializers, on a shared workspace', () => {
    const c = chart();
    const rt = new TrainingRuntime(c, 'plain', { datasetInitializer: false, modelInitializer: false, workspace: { access: WorkspaceAccess.SHARED, storageClassName: 'efs-sc', sizeGiB: 500 } });
    const r = find(Testing.synth(c), 'ClusterTrainingRuntime', 'plain');
    expect(r.spec.template.spec.replicatedJobs.map((j: any) => j.name)).toEqual(['node']);
    expect(r.spec.template.spec.replicatedJobs[0].dependsOn).toBeUndefined();
    expect(r.spec.template.spec.volumeClaimPolicies[0].templates[0].spec).toEqual({ accessModes: ['ReadWriteMany'], storageClassName: 'efs-sc', resources: { requests: { storage: '500Gi' } } });
    expect(rt.workspaceSharedAcrossNodes).toBe(true);
  });

  test('upstream runtimes', () => {
    expect(TrainingRuntime.upstream(UpstreamTrainingRuntime.TORCH_DISTRIBUTED).runtimeName).toBe('torch-distributed');
    expect(UpstreamTrainingRuntime.DEEPSPEED_DISTRIBUTED.framework).toBe(TrainingFramework.DEEPSPEED);
    expect(UpstreamTrainingRuntime.DEEPSPEED_DISTRIBUTED.replicatedJobs.map((j) => j.name)).toEqual(['launcher', 'node']);
  });

  describe('errors', () => {
    test('an image that is not pinned', () => {
      expect(() => new TrainingRuntime(chart(), 'x', { image: 'pytorch/pytorch' })).toThrow(/c\/x: invalid image = "pytorch\/pytorch": the image is not pinned/);
    });

    test('a workspace that is no whole number of GiB', () => {
      expect(() => new TrainingRuntime(chart(), 'x', { workspace: { sizeGiB: 0.5 } })).toThrow(/invalid workspace.sizeGiB = 0.5/);
    });

    test('a root user', () => {
      expect(() => new TrainingRuntime(chart(), 'x', { runAsUser: 0 })).toThrow(/invalid runAsUser = 0: not a non-root user id/);
    });

    test('a name that is no DNS-1123 subdomain', () => {
      expect(() => new TrainingRuntime(chart(), 'Torch')).toThrow(/invalid name = "Torch"/);
    });
  });
});
