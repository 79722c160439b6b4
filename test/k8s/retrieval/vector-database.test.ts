import { dataContract, ofKind, one, synthValid, testChart } from './util';
import { CnaiError, VectorEngine } from '../../../lib/core';
import { QDRANT_GRPC_PORT, QDRANT_HTTP_PORT, SecretSource, TeamNamespace, VectorDatabase, VectorDistance, WorkloadSelector, VectorDatabaseEngine } from '../../../lib/k8s';

const DOCS = { name: 'docs', dimension: 1024, expectedVectors: 5_000_000 };

function qdrant(engine = VectorDatabaseEngine.qdrant(), extra: { clients?: boolean } = {}) {
  const { app, chart } = testChart();
  const team = new TeamNamespace(chart, 'team-rag');
  const db = new VectorDatabase(chart, 'docs', { contract: dataContract(), engine, collections: [DOCS] });
  if (extra.clients ?? true) {
    db.addClient(team.workloads({ app: 'rag-api' }), { readOnly: true });
    db.addClient(team.workloads({ app: 'indexer' }));
  }
  return { app, chart, team, db, objects: () => synthValid(chart) };
}

function env(container: any): { [name: string]: any } {
  return Object.fromEntries((container.env ?? []).map((e: any) => [e.name, e.value ?? e.valueFrom]));
}

describe('VectorDatabase (Qdrant)', () => {
  test('Qdrant is the default engine; all output is schema-valid; no Secret object is written', () => {
    const { chart } = testChart();
    const db = new VectorDatabase(chart, 'docs', { contract: dataContract() });
    expect(db.engine).toBe(VectorEngine.QDRANT);
    const objects = synthValid(chart);
    expect(ofKind(objects, 'Secret')).toEqual([]);
  });

  test('API key and read-only API key come from a Secret that External Secrets fills from Secrets Manager', () => {
    const { db, objects } = qdrant();
    const o = objects();
    const es = one(o, 'ExternalSecret', 'docs-api-keys', 'docs');
    expect(es.spec.secretStoreRef).toEqual({ kind: 'ClusterSecretStore', name: 'aws-secrets-manager' });
    expect(es.spec.data).toEqual([
      { secretKey: 'api-key', remoteRef: { key: 'cnai-test/vector-db/docs/docs', property: 'api-key' } },
      { secretKey: 'read-only-api-key', remoteRef: { key: 'cnai-test/vector-db/docs/docs', property: 'read-only-api-key' } },
    ]);
    expect(es.spec.target).toMatchObject({ name: 'docs-api-keys', deletionPolicy: 'Retain' });
    const c = one(o, 'StatefulSet', 'docs').spec.template.spec.containers[0];
    expect(env(c).QDRANT__SERVICE__API_KEY).toEqual({ secretKeyRef: { name: 'docs-api-keys', key: 'api-key' } });
    expect(env(c).QDRANT__SERVICE__READ_ONLY_API_KEY).toEqual({ secretKeyRef: { name: 'docs-api-keys', key: 'read-only-api-key' } });
    expect(db.qdrant!.apiKeySecretName).toBe('docs-api-keys');
  });

  test('an existing Secret can hold the keys instead (nothing emitted for it)', () => {
    const { objects } = qdrant(VectorDatabaseEngine.qdrant({ apiKeys: SecretSource.existingSecret('qdrant-keys') }));
    const o = objects();
    expect(ofKind(o, 'ExternalSecret')).toEqual([]);
    const c = one(o, 'StatefulSet', 'docs').spec.template.spec.containers[0];
    expect(env(c).QDRANT__SERVICE__API_KEY).toEqual({ secretKeyRef: { name: 'qdrant-keys', key: 'api-key' } });
  });

  test('pinned image, HTTP 6333 and gRPC 6334, non-root with a read-only root filesystem, no service account token', () => {
    const o = qdrant().objects();
    const pod = one(o, 'StatefulSet', 'docs').spec.template.spec;
    const c = pod.containers[0];
    expect(c.image).toBe('docker.io/qdrant/qdrant:v1.19.0-unprivileged');
    expect(c.ports).toEqual([
      { name: 'http', containerPort: QDRANT_HTTP_PORT, protocol: 'TCP' },
      { name: 'grpc', containerPort: QDRANT_GRPC_PORT, protocol: 'TCP' },
      { name: 'p2p', containerPort: 6335, protocol: 'TCP' },
    ]);
    expect(c.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, fsGroup: 1000, seccompProfile: { type: 'RuntimeDefault' } });
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(c.readinessProbe.httpGet.path).toBe('/readyz');
    expect(c.livenessProbe.httpGet.path).toBe('/livez');
    expect(env(c).QDRANT__TELEMETRY_DISABLED).toBe('true');
    const svc = one(o, 'Service', 'docs', 'docs');
    expect(svc.spec.ports.map((p: any) => p.port)).toEqual([6333, 6334]);
    expect(one(o, 'Service', 'docs-headless').spec).toMatchObject({ clusterIP: 'None', publishNotReadyAddresses: true });
  });

  test('volumes on an encrypted gp3 class, retained on delete and scale-down', () => {
    const o = qdrant().objects();
    const sts = one(o, 'StatefulSet', 'docs');
    expect(sts.spec.persistentVolumeClaimRetentionPolicy).toEqual({ whenDeleted: 'Retain', whenScaled: 'Retain' });
    const c = sts.spec.template.spec.containers[0];
    // The whole volume, no subPath (kubelet-made subPath directories are not writable by a non-root user).
    expect(c.volumeMounts.filter((m: any) => m.name === 'data')).toEqual([{ name: 'data', mountPath: '/qdrant/data' }]);
    expect(env(c).QDRANT__STORAGE__STORAGE_PATH).toBe('/qdrant/data/storage');
    expect(env(c).QDRANT__STORAGE__SNAPSHOTS_PATH).toBe('/qdrant/data/snapshots');
    const claim = sts.spec.volumeClaimTemplates[0];
    expect(claim.spec.storageClassName).toBe('cnai-gp3-encrypted-retain');
    const sc = one(o, 'StorageClass', 'cnai-gp3-encrypted-retain');
    expect(sc).toMatchObject({
      provisioner: 'ebs.csi.aws.com',
      parameters: { type: 'gp3', encrypted: 'true' },
      reclaimPolicy: 'Retain',
      volumeBindingMode: 'WaitForFirstConsumer',
      allowVolumeExpansion: true,
    });
  });

  test('resources are sized from vectors x dimension x replication factor / replicas', () => {
    const { db, objects } = qdrant();
    // 5e6 x 1024 x 4 B = 19.07 GiB; x1.5 + 1 = 29.6 -> 30 GiB; disk x1.5 x2 = 57.2 -> 58 GiB.
    expect(db.qdrant!.memoryGiB).toBe(30);
    expect(db.qdrant!.storageGiB).toBe(58);
    const sts = one(objects(), 'StatefulSet', 'docs');
    expect(sts.spec.template.spec.containers[0].resources).toEqual({ requests: { cpu: '1', memory: '30Gi' }, limits: { memory: '30Gi' } });
    expect(sts.spec.volumeClaimTemplates[0].spec.resources.requests.storage).toBe('58Gi');

    // HA: 3 replicas, every shard on 2 of them: each holds 2/3 of the vectors.
    const ha = qdrant(VectorDatabaseEngine.qdrant({ highAvailability: true }));
    expect(ha.db.qdrant!.replicas).toBe(3);
    expect(ha.db.qdrant!.replicationFactor).toBe(2);
    expect(ha.db.qdrant!.memoryGiB).toBe(Math.ceil(5e6 * 1024 * 4 * 2 / 3 * 1.5 / 1024 ** 3 + 1));
  });

  test('a sizing that does not fit the memory ceiling fails with the numbers and the fix', () => {
    const { chart } = testChart();
    expect(() => new VectorDatabase(chart, 'docs', {
      contract: dataContract(),
      engine: VectorDatabaseEngine.qdrant({ maxMemoryGiB: 16 }),
      collections: [DOCS],
    })).toThrow(/one replica needs 30 GiB of memory .*over maxMemoryGiB = 16.*Fix: add replicas/);
  });

  test('HA preset: 3 replicas, PodDisruptionBudget, required anti-affinity per node, spread over zones', () => {
    const { db, objects } = qdrant(VectorDatabaseEngine.qdrant({ highAvailability: true }));
    expect(db.qdrant!.highAvailability).toBe(true);
    const o = objects();
    const sts = one(o, 'StatefulSet', 'docs');
    expect(sts.spec.replicas).toBe(3);
    const selector = { 'app.kubernetes.io/name': 'qdrant', 'app.kubernetes.io/instance': 'docs' };
    expect(sts.spec.template.spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution)
      .toEqual([{ labelSelector: { matchLabels: selector }, topologyKey: 'kubernetes.io/hostname' }]);
    expect(sts.spec.template.spec.topologySpreadConstraints[0]).toMatchObject({ topologyKey: 'topology.kubernetes.io/zone', maxSkew: 1 });
    expect(one(o, 'PodDisruptionBudget', 'docs').spec).toEqual({ maxUnavailable: 1, selector: { matchLabels: selector }, unhealthyPodEvictionPolicy: 'AlwaysAllow' });
    // Pod 0 starts the cluster, the others join it.
    expect(sts.spec.template.spec.containers[0].command[2]).toContain('--bootstrap "http://docs-0.docs-headless.docs.svc.cluster.local:6335"');
  });

  test('a single replica has no PodDisruptionBudget and no anti-affinity', () => {
    const o = qdrant().objects();
    expect(ofKind(o, 'PodDisruptionBudget')).toEqual([]);
    expect(one(o, 'StatefulSet', 'docs').spec.template.spec.affinity).toBeUndefined();
  });

  test('error: the HA preset with fewer than 3 replicas', () => {
    const { chart } = testChart();
    expect(() => new VectorDatabase(chart, 'docs', { contract: dataContract(), engine: VectorDatabaseEngine.qdrant({ highAvailability: true, replicas: 2 }) }))
      .toThrow(/test\/docs: invalid engine\.replicas = 2: the high-availability preset needs at least 3 replicas.*Fix: give replicas: 3 or more/);
  });

  test('snapshots: daily CronJob to the models bucket under the database prefix, through the snapshot workload identity', () => {
    const { db, objects } = qdrant();
    const o = objects();
    const cron = one(o, 'CronJob', 'docs-snapshot');
    expect(cron.spec).toMatchObject({ schedule: '0 3 * * *', timeZone: 'Etc/UTC', concurrencyPolicy: 'Forbid' });
    const pod = cron.spec.jobTemplate.spec.template.spec;
    expect(pod.serviceAccountName).toBe('docs-snapshots');
    one(o, 'ServiceAccount', 'docs-snapshots');
    const e = env(pod.containers[0]);
    expect(e.BUCKET).toBe('cnai-test-models-123456789012-us-west-2');
    expect(e.PREFIX).toBe('vector-snapshots/docs/docs/');
    expect(e.KEEP).toBe('7');
    expect(e.QDRANT_API_KEY).toEqual({ secretKeyRef: { name: 'docs-api-keys', key: 'api-key' } });
    expect(pod.containers[0].image).toBe('docker.io/amazon/aws-cli:2.37.5');
    expect(pod.containers[0].command[2]).toContain('aws s3 cp - "${dest}/node-${i}/${col}/${file}"');
    expect(db.qdrant!.snapshotDestination).toBe('s3://cnai-test-models-123456789012-us-west-2/vector-snapshots/docs/docs/');
  });

  test('error: a snapshot schedule that is not valid cron', () => {
    const { chart } = testChart();
    expect(() => new VectorDatabase(chart, 'docs', { contract: dataContract(), engine: VectorDatabaseEngine.qdrant({ snapshotSchedule: '0 25 * * *' }) }))
      .toThrow(/invalid engine\.snapshotSchedule = "0 25 \* \* \*": not a valid cron schedule: hour field "25".*Fix: write five fields/);
  });

  test('error: snapshots need the snapshot job\'s workload identity in the contract', () => {
    const { chart } = testChart();
    expect(() => new VectorDatabase(chart, 'other', { contract: dataContract() }))
      .toThrow(/no workload identity for other\/other-snapshots.*Fix: add it on the AWS side \(DataServicesAccess\.addVectorDatabase/);
    expect(() => new VectorDatabase(chart, 'other2', { contract: dataContract(), engine: VectorDatabaseEngine.qdrant({ snapshots: false }) })).not.toThrow();
  });

  test('declared collections are created by a Job from typed JSON, idempotently', () => {
    const o = qdrant(VectorDatabaseEngine.qdrant({ highAvailability: true })).objects();
    const job = ofKind(o, 'Job')[0];
    expect(job.metadata.name).toMatch(/^docs-collections-[0-9a-f]{8}$/);
    expect(job.metadata.annotations['argocd.argoproj.io/sync-wave']).toBe('1');
    const cm = one(o, 'ConfigMap', job.metadata.name);
    expect(JSON.parse(cm.data['collection-0.json'])).toEqual({
      vectors: { size: 1024, distance: 'Cosine' }, hnsw_config: { m: 16, ef_construct: 100 }, shard_number: 3, replication_factor: 2,
    });
    expect(cm.data['create-collections.sh']).toContain("create 'docs' 'collection-0.json'");
    expect(cm.data['create-collections.sh']).toContain('/exists');
  });

  test('ServiceMonitor scrapes /metrics with the read-only key and labels the target as Qdrant', () => {
    const o = qdrant().objects();
    const sm = one(o, 'ServiceMonitor', 'docs');
    expect(sm.spec.selector.matchLabels).toEqual({ 'app.kubernetes.io/instance': 'docs', 'cnai.io/metrics': 'qdrant' });
    expect(sm.spec.endpoints[0]).toMatchObject({
      port: 'http',
      path: '/metrics',
      authorization: { type: 'Bearer', credentials: { name: 'docs-api-keys', key: 'read-only-api-key' } },
      relabelings: [{ targetLabel: 'cnai_component', replacement: 'qdrant', action: 'replace' }],
    });
    // Only the client Service carries the metrics label: each node is scraped once.
    expect(one(o, 'Service', 'docs-headless').metadata.labels['cnai.io/metrics']).toBeUndefined();
  });

  test('NetworkPolicy admits only the named clients (plus its peers, its jobs and Prometheus)', () => {
    const o = qdrant().objects();
    const ingress = one(o, 'NetworkPolicy', 'docs-ingress').spec.ingress;
    const froms = ingress.map((r: any) => r.from[0]);
    expect(froms).toContainEqual({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'team-rag' } }, podSelector: { matchLabels: { app: 'rag-api' } } });
    expect(froms).toContainEqual({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'team-rag' } }, podSelector: { matchLabels: { app: 'indexer' } } });
    expect(froms).toContainEqual({
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } },
      podSelector: { matchLabels: { 'app.kubernetes.io/name': 'prometheus', 'operator.prometheus.io/name': 'kube-prometheus-stack-prometheus' } },
    });
    expect(ingress.every((r: any) => r.from.length > 0)).toBe(true); // an empty "from" would admit everyone
    expect(ingress).toHaveLength(5);
    // The client's default-deny team namespace gets its egress opened to the database.
    const teamEgress = ofKind(o, 'NetworkPolicy').filter((p) => p.metadata.namespace === 'team-rag' && p.metadata.name.startsWith('allow-to-'));
    expect(teamEgress.map((p) => p.spec.egress[0].ports[0].port).sort()).toEqual([6333, 6333, 6334, 6334]);
  });

  test('its own namespace: default-deny for every pod but DNS, labelled so Prometheus selects its ServiceMonitor', () => {
    const o = qdrant().objects();
    const ns = one(o, 'Namespace', 'docs');
    expect(ns.metadata.labels).toMatchObject({ 'app.kubernetes.io/part-of': 'cnai-platform', 'pod-security.kubernetes.io/enforce': 'restricted' });
    const policies = ofKind(o, 'NetworkPolicy').filter((p) => p.metadata.namespace === 'docs');
    expect(policies.map((p) => p.metadata.name)).toEqual(['default-deny', 'allow-dns', 'docs-ingress', 'docs-egress', 'docs-jobs-egress']);
    expect(policies[0].spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    expect(policies[1].spec.egress[0].ports).toEqual([{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }]);
    // Prometheus scrapes the metrics port (6333) only.
    const scrape = one(o, 'NetworkPolicy', 'docs-ingress', 'docs').spec.ingress.find((r: any) => r.from[0].namespaceSelector?.matchLabels['kubernetes.io/metadata.name'] === 'monitoring');
    expect(scrape.ports).toEqual([{ protocol: 'TCP', port: QDRANT_HTTP_PORT }]);
    expect(one(o, 'ServiceMonitor', 'docs', 'docs').spec.endpoints[0].port).toBe('http');
  });

  test('a namespace of the user\'s (a TeamNamespace) is used as it is: no second default-deny', () => {
    const { chart } = testChart();
    const team = new TeamNamespace(chart, 'team-rag');
    new VectorDatabase(chart, 'docs', { contract: dataContract(), collections: [DOCS], namespace: team, engine: VectorDatabaseEngine.qdrant({ snapshots: false }) });
    const policies = ofKind(synthValid(chart), 'NetworkPolicy').filter((p) => p.metadata.namespace === 'team-rag' && p.metadata.name === 'default-deny');
    expect(policies).toHaveLength(1);
  });

  test('a database without clients admits none of them', () => {
    const o = qdrant(VectorDatabaseEngine.qdrant(), { clients: false }).objects();
    expect(one(o, 'NetworkPolicy', 'docs-ingress').spec.ingress).toHaveLength(3);
  });

  test('clients get connection settings as an object, with only the key they need in their namespace', () => {
    const { db, team, objects } = qdrant();
    const reader = db.connectionFor(team.workloads({ app: 'rag-api', tier: 'web' }));
    expect(reader.readOnly).toBe(true);
    expect(reader.url).toBe('http://docs.docs.svc.cluster.local:6333');
    expect(reader.credential.secretName).toBe('docs-read-only-key');
    expect(reader.credential.key).toBe('read-only-api-key');
    expect(reader.env()).toEqual([
      { name: 'QDRANT_URL', value: 'http://docs.docs.svc.cluster.local:6333' },
      { name: 'QDRANT_HOST', value: 'docs.docs.svc.cluster.local' },
      { name: 'QDRANT_PORT', value: '6333' },
      { name: 'QDRANT_GRPC_PORT', value: '6334' },
      { name: 'QDRANT_API_KEY', valueFrom: { secretKeyRef: { name: 'docs-read-only-key', key: 'read-only-api-key' } } },
    ]);
    expect(reader.collections).toEqual(['docs']);
    const writer = db.connectionFor(team.workloads({ app: 'indexer' }));
    expect(writer.credential.key).toBe('api-key');
    const o = objects();
    const ro = one(o, 'ExternalSecret', 'docs-read-only-key', 'team-rag');
    expect(ro.spec.data.map((d: any) => d.secretKey)).toEqual(['read-only-api-key']);
    expect(one(o, 'ExternalSecret', 'docs-read-write-key', 'team-rag').spec.data.map((d: any) => d.secretKey)).toEqual(['api-key']);
  });

  test('error: a client that is not in the database\'s network policy', () => {
    const { db, team } = qdrant();
    expect(() => db.connectionFor(team.workloads({ app: 'chat' })))
      .toThrow(/invalid client = "team-rag\/\{\\"app\\":\\"chat\\"\}": the workload is not among the clients the database's network policy admits.*Fix: admit it first with addClient/);
  });

  test('error: a client in a namespace the app does not declare', () => {
    const { app, chart } = testChart();
    const db = new VectorDatabase(chart, 'docs', { contract: dataContract() });
    db.addClient(WorkloadSelector.inNamespace('nowhere', { app: 'x' }));
    expect(() => app.synth()).toThrow(/invalid clients\.workload\.namespace = "nowhere": a client is in a namespace that no Namespace object of the app declares/);
  });

  test('error: vector dimension 0', () => {
    const { chart } = testChart();
    expect(() => new VectorDatabase(chart, 'docs', { contract: dataContract(), collections: [{ name: 'docs', dimension: 0 }] }))
      .toThrow(/invalid collections\[0\]\.dimension = 0: Qdrant takes a whole number of dimensions from 1 to 65536/);
  });

  test('error: vector dimension above Qdrant\'s limit', () => {
    const { chart } = testChart();
    expect(() => new VectorDatabase(chart, 'docs', { contract: dataContract(), collections: [{ name: 'docs', dimension: 65537 }] }))
      .toThrow(/invalid collections\[0\]\.dimension = 65537: Qdrant takes a whole number of dimensions from 1 to 65536/);
  });

  test('error: a collection name that breaks Qdrant\'s rules', () => {
    const { chart } = testChart();
    expect(() => new VectorDatabase(chart, 'docs', { contract: dataContract(), collections: [{ name: 'team/docs', dimension: 8 }] }))
      .toThrow(/invalid collections\[0\]\.name = "team\/docs": not a valid Qdrant collection name: contains "\/"/);
    expect(() => new VectorDatabase(chart, 'docs2', { contract: dataContract(), collections: [{ name: '..', dimension: 8 }] }))
      .toThrow(/not a valid Qdrant collection name: a relative path/);
  });

  test('distances map to Qdrant\'s names; names outside [A-Za-z0-9._~-] are URL-encoded in the job', () => {
    const { chart } = testChart();
    new VectorDatabase(chart, 'docs', {
      contract: dataContract(),
      collections: [{ name: "docs 'v2' $(x)", dimension: 8, distance: VectorDistance.DOT, hnsw: { m: 32, efConstruction: 200 } }],
    });
    const o = synthValid(chart);
    const cm = ofKind(o, 'ConfigMap')[0];
    expect(JSON.parse(cm.data['collection-0.json']).vectors.distance).toBe('Dot');
    expect(JSON.parse(cm.data['collection-0.json']).hnsw_config).toEqual({ m: 32, ef_construct: 200 });
    expect(cm.data['create-collections.sh']).toContain("create 'docs%20%27v2%27%20%24%28x%29' 'collection-0.json'");
  });

  test('errors are CnaiErrors naming construct, prop and value', () => {
    const { chart } = testChart();
    try {
      new VectorDatabase(chart, 'docs', { contract: dataContract(), collections: [{ name: 'docs', dimension: -3 }] });
      fail('expected an error');
    } catch (e) {
      expect(e).toBeInstanceOf(CnaiError);
      expect((e as CnaiError).prop).toBe('collections[0].dimension');
    }
  });
});
