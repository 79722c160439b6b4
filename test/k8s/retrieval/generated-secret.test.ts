import { spawnSync } from 'child_process';
import { Testing } from 'cdk8s';
import { dataContract, ofKind, one, synthValid, testChart } from './util';
import { ExistingClusterContract } from '../../../lib/core';
import { GENERATOR_SCRIPT, GeneratedSecret, QdrantSnapshotStorage, SecretSource, TeamNamespace, VectorDatabase, VectorDatabaseEngine } from '../../../lib/k8s';

const EXISTING = ExistingClusterContract.create({ clusterName: 'ml-prod', region: 'us-west-2', kubernetesVersion: '1.34', vpcCidr: '10.20.0.0/16', nodeGroups: [] });

describe('GeneratedSecret', () => {
  test('the Secret is declared without data; a Job that may only read and patch it fills in the keys, reaching only the API server', () => {
    const { chart } = testChart();
    new GeneratedSecret(chart, 'Keys', { namespace: 'docs', name: 'docs-api-keys', keys: { 'api-key': 'api-key' }, apiServerCidr: '10.20.0.0/16' });
    const objects = Testing.synth(chart);
    const secret = one(objects, 'Secret', 'docs-api-keys');
    expect(secret).toEqual({
      apiVersion: 'v1',
      kind: 'Secret',
      type: 'Opaque',
      metadata: {
        name: 'docs-api-keys',
        namespace: 'docs',
        labels: { 'app.kubernetes.io/managed-by': 'cnai-constructs', 'app.kubernetes.io/component': 'generated-secret' },
        annotations: { 'argocd.argoproj.io/sync-wave': '-1', 'cnai.io/generated-keys': 'api-key' },
      },
    });
    const job = ofKind(objects, 'Job')[0];
    expect(job.metadata.name).toMatch(/^docs-api-keys-generate-[0-9a-f]{8}$/);
    expect(ofKind(objects, 'Role').map((r) => [r.metadata.namespace, r.rules])).toEqual([
      ['docs', [{ apiGroups: [''], resources: ['secrets'], resourceNames: ['docs-api-keys'], verbs: ['get', 'patch'] }]],
    ]);
    expect(one(objects, 'NetworkPolicy', job.metadata.name).spec.egress).toEqual([
      { to: [{ ipBlock: { cidr: '10.20.0.0/16' } }], ports: [{ protocol: 'TCP', port: 443 }] },
    ]);
    const env = Object.fromEntries(job.spec.template.spec.containers[0].env.map((e: any) => [e.name, e.value]));
    expect(env).toEqual({ NAMESPACE: 'docs', NAME: 'docs-api-keys', KEYS: 'api-key=api-key', LENGTH: '40' });
  });

  test('a copy runs in the source\'s namespace and may read only the source', () => {
    const { chart } = testChart();
    new GeneratedSecret(chart, 'Copy', { namespace: 'team-a', name: 'docs-read-only-key', keys: { 'read-only-api-key': 'read-only-api-key' }, copyFrom: { namespace: 'docs', name: 'docs-api-keys' } });
    const objects = Testing.synth(chart);
    expect(ofKind(objects, 'Job')[0].metadata.namespace).toBe('docs');
    expect(ofKind(objects, 'Role').map((r) => [r.metadata.namespace, r.rules[0].resourceNames, r.rules[0].verbs])).toEqual([
      ['team-a', ['docs-read-only-key'], ['get', 'patch']],
      ['docs', ['docs-api-keys'], ['get']],
    ]);
  });

  test('the script is valid bash', () => {
    const r = spawnSync('bash', ['-n'], { input: GENERATOR_SCRIPT, encoding: 'utf8' });
    if (r.error) throw new Error(`bash is needed for this test (install bash): ${r.error.message}`);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  test('error: a generated value too short', () => {
    expect(() => SecretSource.generated({ valueLength: 8 })).toThrow(
      'SecretSource.generated: invalid valueLength = 8: a generated value needs 16 to 256 characters. Fix: give a whole number of characters, e.g. 40 (about 238 bits).');
  });

  test('error: templated keys cannot be generated', () => {
    const { chart } = testChart();
    expect(() => SecretSource.generated().materialize(chart, 'X', { namespace: 'a', name: 'b', keys: { k: 'k' }, templates: { uri: '{{ .k }}' } })).toThrow(
      'test: invalid templates = ["uri"]: a generated Secret has no templated keys. Fix: use SecretSource.secretsManager or an existing Secret for this service.');
  });
});

describe('Qdrant on a cluster without the AWS layer', () => {
  test('keys generated in the cluster (copied into client namespaces), snapshots on a volume, monitoring off', () => {
    const { chart } = testChart();
    const team = new TeamNamespace(chart, 'team', { name: 'team-a' });
    new VectorDatabase(chart, 'docs', {
      contract: EXISTING,
      collections: [{ name: 'docs', dimension: 768, expectedVectors: 100_000 }],
      clients: [{ workload: team.workloads({ app: 'rag' }), readOnly: true }],
      monitoring: false,
    });
    const objects = synthValid(chart);
    expect(ofKind(objects, 'ServiceMonitor')).toEqual([]);
    expect(ofKind(objects, 'ExternalSecret')).toEqual([]);
    expect(ofKind(objects, 'Secret').map((s) => `${s.metadata.namespace}/${s.metadata.name}: ${s.metadata.annotations['cnai.io/generated-keys']}`)).toEqual([
      'docs/docs-api-keys: api-key,read-only-api-key',
      'team-a/docs-read-only-key: read-only-api-key',
    ]);
    expect(one(objects, 'PersistentVolumeClaim', 'docs-snapshots').spec.resources).toEqual({ requests: { storage: '10Gi' } });
    // Nothing scrapes the database: only itself, its jobs and the client may connect.
    const ingress = one(objects, 'NetworkPolicy', 'docs-ingress').spec.ingress;
    expect(ingress).toHaveLength(3);
    expect(JSON.stringify(ingress)).not.toContain('prometheus');
  });

  test('snapshots: false leaves out the job and the volume', () => {
    const { chart } = testChart();
    new VectorDatabase(chart, 'docs', { contract: EXISTING, engine: VectorDatabaseEngine.qdrant({ snapshots: false }) });
    const objects = Testing.synth(chart);
    expect([ofKind(objects, 'CronJob'), ofKind(objects, 'PersistentVolumeClaim')]).toEqual([[], []]);
  });

  test('the AWS layer\'s contract keeps Secrets Manager and the bucket, and a ServiceMonitor', () => {
    const { chart } = testChart();
    const db = new VectorDatabase(chart, 'docs', { contract: dataContract() });
    expect([db.qdrant!.apiKeys.kind, db.qdrant!.snapshotStorage, db.qdrant!.serviceMonitor !== undefined]).toEqual(['secrets-manager', QdrantSnapshotStorage.BUCKET, true]);
  });

  test('error: bucket snapshots without a bucket', () => {
    const { chart } = testChart();
    expect(() => new VectorDatabase(chart, 'docs', { contract: EXISTING, engine: VectorDatabaseEngine.qdrant({ snapshotStorage: QdrantSnapshotStorage.BUCKET }) })).toThrow(
      'test/docs: invalid engine.snapshotStorage = "bucket": the platform contract has no models bucket to keep snapshots in. Fix: use QdrantSnapshotStorage.VOLUME, give buckets to ExistingClusterContract.create, or set snapshots: false.');
  });

  test('error: a snapshot volume of no size', () => {
    const { chart } = testChart();
    expect(() => new VectorDatabase(chart, 'docs', { contract: EXISTING, engine: VectorDatabaseEngine.qdrant({ snapshotVolumeGiB: 0 }) })).toThrow(
      'test/docs: invalid engine.snapshotVolumeGiB = 0: not a volume size from 1 to 16384 GiB. Fix: give whole GiB, e.g. 10 (7 sets of about 1 GiB).');
  });
});
