import { dataContract, ofKind, one, synthValid, testChart } from './util';
import { VectorEngine } from '../../../lib/core';
import { TeamNamespace, VectorDatabase, VectorDistance, WorkloadSelector, VectorDatabaseEngine } from '../../../lib/k8s';

function pgvector(options = {}) {
  const { app, chart } = testChart();
  const team = new TeamNamespace(chart, 'team-rag');
  const plain = new TeamNamespace(chart, 'team-open', { allowWithinNamespace: true });
  const db = new VectorDatabase(chart, 'pgdocs', {
    contract: dataContract(),
    engine: VectorDatabaseEngine.pgvector(options),
    collections: [
      { name: 'docs', dimension: 1536, distance: VectorDistance.COSINE },
      { name: 'images', dimension: 512, distance: VectorDistance.EUCLIDEAN, hnsw: { m: 24, efConstruction: 128 } },
    ],
  });
  db.addClient(team.workloads({ app: 'rag-api' }));
  return { app, chart, team, plain, db };
}

describe('VectorDatabase (pgvector)', () => {
  test('the password comes from the RDS-managed secret of the contract\'s database through External Secrets', () => {
    const { chart, db } = pgvector();
    expect(db.engine).toBe(VectorEngine.PGVECTOR);
    const o = synthValid(chart);
    const es = one(o, 'ExternalSecret', 'pgdocs-postgres', 'pgdocs');
    expect(es.spec.data).toEqual([{
      secretKey: 'password',
      remoteRef: { key: 'arn:aws:secretsmanager:us-west-2:123456789012:secret:rds!db-0123-AbCdEf', property: 'password' },
    }]);
    expect(ofKind(o, 'Secret')).toEqual([]);
    // No StatefulSet, no Qdrant: the database is RDS.
    expect(ofKind(o, 'StatefulSet')).toEqual([]);
  });

  test('a bootstrap Job (psql of the pinned postgres image) runs the generated SQL in one transaction', () => {
    const { chart, db } = pgvector({ schema: 'rag' });
    const o = synthValid(chart);
    const job = ofKind(o, 'Job')[0];
    expect(job.metadata.name).toMatch(/^pgdocs-bootstrap-[0-9a-f]{8}$/);
    const c = job.spec.template.spec.containers[0];
    expect(c.image).toBe('docker.io/library/postgres:17.6');
    expect(c.command).toEqual(['psql', '--no-psqlrc', '--single-transaction', '-v', 'ON_ERROR_STOP=1', '-f', '/sql/bootstrap.sql']);
    const env = Object.fromEntries(c.env.map((e: any) => [e.name, e.value ?? e.valueFrom]));
    expect(env).toMatchObject({
      PGHOST: 'cnai-test-postgres.abcdefghijkl.us-west-2.rds.amazonaws.com',
      PGPORT: '5432',
      PGDATABASE: 'cnai',
      PGUSER: 'cnai_admin',
      PGPASSWORD: { secretKeyRef: { name: 'pgdocs-postgres', key: 'password' } },
      PGSSLMODE: 'require',
    });
    expect(c.securityContext).toMatchObject({ runAsNonRoot: true, readOnlyRootFilesystem: true });
    const sql = one(o, 'ConfigMap', job.metadata.name).data['bootstrap.sql'];
    expect(sql).toBe(db.pgvector!.bootstrapSql);
    expect(sql).toContain('CREATE EXTENSION IF NOT EXISTS vector;');
    expect(sql).toContain('CREATE TABLE IF NOT EXISTS "rag"."docs" (');
    expect(sql).toContain('embedding vector(1536) NOT NULL');
    expect(sql).toContain('CREATE INDEX IF NOT EXISTS "docs_embedding_hnsw" ON "rag"."docs" USING hnsw (embedding vector_cosine_ops) WITH (m = 16, ef_construction = 64);');
    expect(sql).toContain('USING hnsw (embedding vector_l2_ops) WITH (m = 24, ef_construction = 128);');
    // The job may reach DNS and the database, nothing else.
    const np = one(o, 'NetworkPolicy', 'pgdocs-bootstrap');
    expect(np.spec.egress[1]).toEqual({ to: [{ ipBlock: { cidr: '10.0.0.0/16' } }], ports: [{ protocol: 'TCP', port: 5432 }] });
  });

  test('clients get libpq settings and the password Secret in their namespace; a default-deny team gets egress to the database', () => {
    const { chart, db, team } = pgvector();
    const conn = db.connectionFor(team.workloads({ app: 'rag-api' }));
    expect(conn.env()).toEqual([
      { name: 'PGHOST', value: 'cnai-test-postgres.abcdefghijkl.us-west-2.rds.amazonaws.com' },
      { name: 'PGPORT', value: '5432' },
      { name: 'PGDATABASE', value: 'cnai' },
      { name: 'PGUSER', value: 'cnai_admin' },
      { name: 'PGPASSWORD', valueFrom: { secretKeyRef: { name: 'pgdocs-postgres', key: 'password' } } },
      { name: 'PGSSLMODE', value: 'require' },
      { name: 'PGVECTOR_SCHEMA', value: 'public' },
    ]);
    expect(conn.url).toBe('postgresql://cnai_admin@cnai-test-postgres.abcdefghijkl.us-west-2.rds.amazonaws.com:5432/cnai?sslmode=require');
    const o = synthValid(chart);
    one(o, 'ExternalSecret', 'pgdocs-postgres', 'team-rag');
    const egress = one(o, 'NetworkPolicy', 'pgdocs-postgres-egress-0', 'team-rag');
    expect(egress.spec).toEqual({
      podSelector: { matchLabels: { app: 'rag-api' } },
      policyTypes: ['Egress'],
      egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/16' } }], ports: [{ protocol: 'TCP', port: 5432 }] }],
    });
  });

  test('error: a dimension above the HNSW index limit of pgvector', () => {
    const { chart } = testChart();
    expect(() => new VectorDatabase(chart, 'pgdocs', { contract: dataContract(), engine: VectorDatabaseEngine.pgvector(), collections: [{ name: 'docs', dimension: 3072 }] }))
      .toThrow(/invalid collections\[0\]\.dimension = 3072: pgvector takes a whole number of dimensions from 1 to 2000 \(the most dimensions of a vector column an HNSW index accepts\).*or use a Qdrant database/);
  });

  test('error: a collection name PostgreSQL would truncate', () => {
    const { chart } = testChart();
    expect(() => new VectorDatabase(chart, 'pgdocs', { contract: dataContract(), engine: VectorDatabaseEngine.pgvector(), collections: [{ name: 'é'.repeat(32), dimension: 8 }] }))
      .toThrow(/not a valid pgvector collection name: 64 bytes long; PostgreSQL truncates identifiers to 63 bytes/);
  });

  test('error: ef_construction below 2 x m', () => {
    const { chart } = testChart();
    expect(() => new VectorDatabase(chart, 'pgdocs', {
      contract: dataContract(), engine: VectorDatabaseEngine.pgvector(), collections: [{ name: 'docs', dimension: 8, hnsw: { m: 48, efConstruction: 64 } }],
    })).toThrow(/invalid collections\[0\]\.hnsw\.efConstruction = 64: pgvector needs ef_construction of at least 2 x m \(96\)/);
  });

  test('error: pgvector without a database', () => {
    const { chart } = testChart();
    const contract = { ...dataContract(), database: undefined };
    expect(() => new VectorDatabase(chart, 'pgdocs', { contract, engine: VectorDatabaseEngine.pgvector() }))
      .toThrow(/invalid engine\.database = undefined: the pgvector engine needs a PostgreSQL database and the platform contract has none/);
  });

  test('error: a client that was not admitted', () => {
    const { db } = pgvector();
    expect(() => db.connectionFor(WorkloadSelector.inNamespace('team-open', { app: 'x' })))
      .toThrow(/the workload is not among the clients the database's network policy admits/);
  });
});
