import { find, fixture, objectsOf } from './fixtures';
import { TRAINING, TRAINING_IMAGES, imageRef } from '../../../lib/core';
import { IRegistryConnection, ModelRegistry, Notebook, NotebookImage, RegistryAccess, SecretKeyRef, WorkloadSelector } from '../../../lib/k8s';
import { assertValidManifests } from '../../../lib/verify/k8s';

describe('Notebook', () => {
  test('a GPU notebook on a pool: pinned image, GPU, placement, restricted pod', () => {
    const f = fixture();
    const nb = new Notebook(f.chart, 'alice', { team: f.team, pool: f.g5, modelStore: f.store });
    const objects = objectsOf(f.chart);
    const r = find(objects, 'Notebook', 'alice');
    expect(r.apiVersion).toBe('kubeflow.org/v1');
    const pod = r.spec.template.spec;
    const c = pod.containers[0];
    expect(c.image).toBe(imageRef(TRAINING_IMAGES.jupyterPytorchCuda));
    expect(nb.gpus).toBe(1);
    expect(c.resources.requests['nvidia.com/gpu']).toBe(1);
    expect(c.resources.limits['nvidia.com/gpu']).toBe(1);
    expect(c.ports).toEqual([{ name: 'notebook-port', containerPort: 8888, protocol: 'TCP' }]);
    expect(pod.nodeSelector).toEqual(f.g5.nodeSelector());
    expect(pod.tolerations).toEqual(f.g5.tolerations());
    expect(pod.serviceAccountName).toBe(TRAINING.serviceAccount);
    expect(pod.securityContext).toEqual({ runAsNonRoot: true, runAsUser: 1000, runAsGroup: 100, fsGroup: 100, seccompProfile: { type: 'RuntimeDefault' } });
    expect(c.securityContext).toMatchObject({ allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, runAsNonRoot: true });
    const env = Object.fromEntries(c.env.map((e: any) => [e.name, e.value]));
    expect(env).toMatchObject({ MODEL_STORE_URI: 's3://cnai-test-models/', DATASETS_URI: 's3://cnai-test-datasets/', AWS_REGION: 'us-west-2' });
    assertValidManifests(objects);
  });

  test('its policy exceptions travel with it, with their reasons: writable root, no probes, a GPU session outside Kueue (only with GPUs)', () => {
    const f = fixture();
    new Notebook(f.chart, 'alice', { team: f.team, pool: f.g5, modelStore: f.store });
    new Notebook(f.chart, 'bob', { team: f.team });
    const objects = objectsOf(f.chart);
    const suppressed = (name: string) => JSON.parse(find(objects, 'Notebook', name).metadata.annotations['cnai.io/suppress']).map((x: any) => `${x.id} ${x.appliesTo ?? '*'}`);
    expect(suppressed('alice')).toEqual(['pod-read-only-root-filesystem container alice', 'ai-gpu-kueue *', 'pod-probes container alice']);
    expect(suppressed('bob')).toEqual(['pod-read-only-root-filesystem container bob', 'pod-probes container bob']);
  });

  test('volumes: a persistent home that outlives the notebook and a memory-backed /dev/shm', () => {
    const f = fixture();
    const nb = new Notebook(f.chart, 'bob', { team: f.team, memoryGiB: 32, workspace: { sizeGiB: 100, storageClassName: 'gp3-encrypted' } });
    const objects = objectsOf(f.chart);
    const pvc = find(objects, 'PersistentVolumeClaim', 'bob-workspace');
    expect(nb.workspaceClaimName).toBe('bob-workspace');
    expect(pvc.metadata.namespace).toBe('team-a');
    expect(pvc.spec).toEqual({ accessModes: ['ReadWriteOnce'], storageClassName: 'gp3-encrypted', resources: { requests: { storage: '100Gi' } } });
    expect(pvc.metadata.annotations['argocd.argoproj.io/sync-options']).toBe('Prune=false,Delete=false');
    const pod = find(objects, 'Notebook', 'bob').spec.template.spec;
    expect(pod.volumes).toEqual([
      { name: 'workspace', persistentVolumeClaim: { claimName: 'bob-workspace' } },
      { name: 'dshm', emptyDir: { medium: 'Memory', sizeLimit: '8Gi' } },
    ]);
    expect(pod.containers[0].volumeMounts).toEqual([{ name: 'workspace', mountPath: '/home/jovyan' }, { name: 'dshm', mountPath: '/dev/shm' }]);
    // CPU only: the SciPy image, no GPU, no placement.
    expect(pod.containers[0].image).toBe(imageRef(TRAINING_IMAGES.jupyterScipy));
    expect(pod.containers[0].resources.requests['nvidia.com/gpu']).toBeUndefined();
    expect(pod.nodeSelector).toBeUndefined();
    assertValidManifests(objects);
  });

  test('culling: the notebook controller may probe the notebook\'s kernels', () => {
    const f = fixture();
    new Notebook(f.chart, 'alice', { team: f.team });
    const objects = objectsOf(f.chart);
    // Culling is switched on in the controller's install (see kubeflow-training.test.ts); the
    // controller decides idleness from Jupyter's /api/kernels, reached through this flow.
    const flow = objects.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name.startsWith('allow-from-'));
    expect(flow.spec.podSelector).toEqual({ matchLabels: { 'notebook-name': 'alice' } });
    expect(flow.spec.ingress).toEqual([{
      from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kubeflow' } }, podSelector: { matchLabels: { app: 'notebook-controller' } } }],
      ports: [{ protocol: 'TCP', port: 8888 }],
    }]);
    // Egress for packages, the Hub and S3.
    expect(find(objects, 'NetworkPolicy', 'notebook-alice-egress').spec.egress[0].ports).toEqual([{ protocol: 'TCP', port: 443 }]);
  });

  test('the platform\'s model registry admits the notebook', () => {
    const f = fixture();
    const registry = new ModelRegistry(f.chart, 'registry', { contract: f.contract });
    new Notebook(f.chart, 'alice', { team: f.team, registry });
    const objects = objectsOf(f.chart);
    const env = Object.fromEntries(find(objects, 'Notebook', 'alice').spec.template.spec.containers[0].env.map((e: any) => [e.name, e.value ?? e.valueFrom]));
    expect(env).toMatchObject({ MLFLOW_TRACKING_URI: registry.uri, MLFLOW_TRACKING_USERNAME: 'writer' });
    expect(registry.clients.map((c) => c.workload.podLabels)).toEqual([{ 'notebook-name': 'alice' }]);
    assertValidManifests(objects);
  });

  test('both a registry and a registry connection', () => {
    const f = fixture();
    const registry = new ModelRegistry(f.chart, 'registry', { contract: f.contract });
    const registryConnection = registry.addClient(f.team.workloads({ app: 'x' }), RegistryAccess.READ_WRITE);
    expect(() => new Notebook(f.chart, 'x', { team: f.team, registry, registryConnection })).toThrow(/invalid registryConnection = "mlflow": both a registry and a registry connection are given/);
  });

  test('registry environment and flow', () => {
    const f = fixture();
    const registry: IRegistryConnection = {
      environment: { MLFLOW_TRACKING_URI: 'http://mlflow.mlflow.svc:5000' },
      secretEnvironment: { MLFLOW_TRACKING_PASSWORD: SecretKeyRef.fromName('mlflow-reader', 'password') },
      server: WorkloadSelector.of(f.team, { app: 'fake-registry' }),
      port: 5000,
    };
    new Notebook(f.chart, 'alice', { team: f.team, registryConnection: registry });
    const objects = objectsOf(f.chart);
    const env = find(objects, 'Notebook', 'alice').spec.template.spec.containers[0].env;
    expect(env).toEqual([
      { name: 'MLFLOW_TRACKING_PASSWORD', valueFrom: { secretKeyRef: { name: 'mlflow-reader', key: 'password' } } },
      { name: 'MLFLOW_TRACKING_URI', value: 'http://mlflow.mlflow.svc:5000' },
    ]);
    const flow = objects.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name.startsWith('allow-to-'));
    expect(flow.spec.podSelector).toEqual({ matchLabels: { 'notebook-name': 'alice' } });
  });

  test('a custom image pinned by digest', () => {
    const f = fixture();
    const ref = `123456789012.dkr.ecr.us-west-2.amazonaws.com/notebooks/llm@sha256:${'a'.repeat(64)}`;
    const nb = new Notebook(f.chart, 'x', { team: f.team, image: NotebookImage.fromRegistry(ref) });
    expect(nb.image).toBe(ref);
  });

  describe('errors', () => {
    test('an image without a tag or digest', () => {
      const f = fixture();
      expect(() => new Notebook(f.chart, 'x', { team: f.team, image: NotebookImage.fromRegistry('ghcr.io/org/jupyter') }))
        .toThrow(/test\/x: invalid image = "ghcr.io\/org\/jupyter": the image is not pinned: it has neither a tag nor a digest/);
    });

    test('an image tagged latest', () => {
      const f = fixture();
      expect(() => new Notebook(f.chart, 'x', { team: f.team, image: NotebookImage.fromRegistry('registry.example.com:5000/org/jupyter:latest') }))
        .toThrow(/invalid image = "registry.example.com:5000\/org\/jupyter:latest": the image is not pinned: the tag "latest" changes/);
    });

    test('an image reference that is none', () => {
      const f = fixture();
      expect(() => new Notebook(f.chart, 'x', { team: f.team, image: NotebookImage.fromRegistry('Not An Image') })).toThrow(/not a container image reference/);
    });

    test('more GPUs than a node of the pool has', () => {
      const f = fixture();
      expect(() => new Notebook(f.chart, 'x', { team: f.team, pool: f.g5, gpus: 2 })).toThrow(/invalid gpus = 2: more GPUs than a node of pool gpu-g5-single has \(1\)/);
    });

    test('GPUs without a pool', () => {
      const f = fixture();
      expect(() => new Notebook(f.chart, 'x', { team: f.team, gpus: 1 })).toThrow(/invalid gpus = 1: GPUs without a pool/);
    });

    test('more GPUs than the team\'s quota', () => {
      const f = fixture({ a10g: 0, h100: 0, g5: 0 });
      expect(() => new Notebook(f.chart, 'x', { team: f.team, pool: f.g5 })).toThrow(/invalid gpus = 1: more GPUs than team team-a's quota \(0\)/);
    });

    test('namespace not a team namespace', () => {
      const f = fixture();
      expect(() => new Notebook(f.chart, 'x', { team: { namespaceName: 'kubeflow' } })).toThrow(/invalid team = "kubeflow": not a team namespace/);
    });

    test('a name that is too long', () => {
      const f = fixture();
      expect(() => new Notebook(f.chart, 'n'.repeat(53), { team: f.team })).toThrow(/not a DNS-1123 label of at most 52 characters/);
    });

    test('the service account has no workload identity for the model store', () => {
      const f = fixture();
      expect(() => new Notebook(f.chart, 'x', { team: f.team, modelStore: f.store, serviceAccountName: 'nb' })).toThrow(/invalid serviceAccountName = "team-a\/nb": the service account has no workload identity/);
    });

    test('a workspace size that is no whole number of GiB', () => {
      const f = fixture();
      expect(() => new Notebook(f.chart, 'x', { team: f.team, workspace: { sizeGiB: 0 } })).toThrow(/invalid workspace.sizeGiB = 0/);
    });

    test('non-positive memory', () => {
      const f = fixture();
      expect(() => new Notebook(f.chart, 'x', { team: f.team, memoryGiB: -1 })).toThrow(/invalid memoryGiB = -1: not a positive quantity/);
    });
  });
});
