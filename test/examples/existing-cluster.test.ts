// examples/existing-cluster through its CLI, verified (see harness.ts), and what it promises:
// pods select the labels the existing nodes carry, no monitor, no AWS, no secret value.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { exampleTests } from './harness';
import { buildExistingClusterApp, GPU_NODE_GROUP, TEAM } from '../../examples/existing-cluster/main';

exampleTests('existing-cluster');

describe('examples/existing-cluster output', () => {
  let objects: any[];
  beforeAll(() => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'cnai-existing-cluster-'));
    try {
      buildExistingClusterApp(out).synth();
      objects = fs.readdirSync(out).filter((f) => f.endsWith('.yaml')).sort()
        .flatMap((f) => parseAllDocuments(fs.readFileSync(path.join(out, f), 'utf8')).map((d) => d.toJSON()).filter((o) => o));
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  });
  const find = (kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata.name === name);

  test('the model server selects the existing GPU node group by its own labels and tolerates its own taint', () => {
    const pod = find('Deployment', 'chat').spec.template.spec;
    expect(pod.nodeSelector).toEqual({ 'eks.amazonaws.com/nodegroup': GPU_NODE_GROUP, 'workload-type': 'gpu' });
    expect(pod.tolerations).toEqual([{ key: 'nvidia.com/gpu', operator: 'Equal', value: 'present', effect: 'NoSchedule' }]);
    expect(pod.containers[0].resources.limits['nvidia.com/gpu']).toBe('1');
  });

  test('Kueue gets the pool with the real labels, and the team a quota of 4 GPUs', () => {
    expect(find('ResourceFlavor', GPU_NODE_GROUP).spec.nodeLabels).toEqual({ 'eks.amazonaws.com/nodegroup': GPU_NODE_GROUP, 'workload-type': 'gpu' });
    const queue = find('ClusterQueue', TEAM);
    const gpus = queue.spec.resourceGroups.flatMap((g: any) => g.flavors).find((f: any) => f.name === GPU_NODE_GROUP)
      .resources.find((r: any) => r.name === 'nvidia.com/gpu');
    expect(gpus.nominalQuota).toBe(4);
  });

  test('nothing needs the AWS layer or absent CRDs: no cnai.io/pool selector, no monitor, no ExternalSecret, no device plugin', () => {
    expect(JSON.stringify(objects)).not.toContain('cnai.io/pool');
    const kinds = new Set(objects.map((o) => o.kind));
    for (const kind of ['ServiceMonitor', 'PodMonitor', 'PrometheusRule', 'ExternalSecret', 'ClusterSecretStore', 'ScaledObject', 'DaemonSet']) {
      expect({ kind, present: kinds.has(kind) }).toEqual({ kind, present: false });
    }
    expect(objects.filter((o) => o.kind === 'Application').map((o) => o.metadata.name)).toEqual(['kueue']);
  });

  test('Qdrant\'s keys are generated in the cluster: Secrets declared without data, one Job each', () => {
    const secrets = objects.filter((o) => o.kind === 'Secret' && o.metadata.annotations?.['cnai.io/generated-keys'] !== undefined);
    expect(secrets.map((s) => `${s.metadata.namespace}/${s.metadata.name} ${s.metadata.annotations['cnai.io/generated-keys']}`).sort()).toEqual([
      `${TEAM}/knowledge-read-write-key api-key`,
      'knowledge/knowledge-api-keys api-key,read-only-api-key',
    ]);
    for (const s of secrets) expect([s.data, s.stringData]).toEqual([undefined, undefined]);
    const jobs = objects.filter((o) => o.kind === 'Job' && o.metadata.labels['app.kubernetes.io/component'] === 'generated-secret');
    expect(jobs.map((j) => j.spec.template.spec.containers[0].name).sort()).toEqual(['copy', 'generate']);
  });

  test('Qdrant keeps its snapshots on a volume of its own, sized for 7 sets', () => {
    // 1,000,000 x 1024 dimensions x 4 bytes = 3.81 GiB per set, x 1.5 headroom = 6 GiB, x 7 sets kept.
    expect(find('PersistentVolumeClaim', 'knowledge-snapshots').spec).toEqual({
      accessModes: ['ReadWriteOnce'], storageClassName: 'cnai-gp3-encrypted-retain', resources: { requests: { storage: '42Gi' } },
    });
    const job = find('CronJob', 'knowledge-snapshot').spec.jobTemplate.spec.template.spec;
    expect(job.volumes).toContainEqual({ name: 'snapshots', persistentVolumeClaim: { claimName: 'knowledge-snapshots' } });
    expect(job.containers[0].env.map((e: any) => e.name)).not.toContain('BUCKET');
  });
});
