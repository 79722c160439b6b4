import { dataContract, one, synthValid, testChart } from './util';
import { TeamNamespace, VectorDatabase, VectorDatabaseEngine } from '../../../lib/k8s';

/** A pgvector database of one collection with one client in a default-deny team namespace. */
function pgvector(contract = dataContract(), options = {}) {
  const { chart } = testChart();
  const team = new TeamNamespace(chart, 'team-rag');
  const db = new VectorDatabase(chart, 'pgdocs', { contract, engine: VectorDatabaseEngine.pgvector(options), collections: [{ name: 'docs', dimension: 768 }] });
  db.addClient(team.workloads({ app: 'rag-api' }));
  return { chart, db };
}

const make = (options: object) => () => pgvector(dataContract(), options);

describe('PgVectorCollections', () => {
  test('the database egress of the bootstrap job and of clients opens the contract\'s VPC block when it has one', () => {
    const { chart, db } = pgvector({ ...dataContract(), vpcCidr: '10.30.0.0/16' });
    expect(db.pgvector!.databaseCidr).toBe('10.30.0.0/16');
    const o = synthValid(chart);
    const toDb = { to: [{ ipBlock: { cidr: '10.30.0.0/16' } }], ports: [{ protocol: 'TCP', port: 5432 }] };
    expect(one(o, 'NetworkPolicy', 'pgdocs-bootstrap').spec.egress[1]).toEqual(toDb);
    expect(one(o, 'NetworkPolicy', 'pgdocs-postgres-egress-0', 'team-rag').spec.egress).toEqual([toDb]);
  });

  test('the block given wins over the contract\'s; without either, the AWS layer\'s default', () => {
    expect(pgvector({ ...dataContract(), vpcCidr: '10.30.0.0/16' }, { databaseCidr: '10.30.8.0/24' }).db.pgvector!.databaseCidr).toBe('10.30.8.0/24');
    expect(pgvector().db.pgvector!.databaseCidr).toBe('10.0.0.0/16');
  });

  test('the schema defaults to public', () => {
    expect(pgvector().db.pgvector!.schema).toBe('public');
  });

  test('a database block that is not one, octets above 255 too (exact message)', () => {
    expect(make({ databaseCidr: '10.0.0.256/16' })).toThrow(
      'test/pgdocs: invalid engine.databaseCidr = "10.0.0.256/16": not an IPv4 CIDR block. Fix: give the VPC block, e.g. "10.0.0.0/16".');
  });

  test('a schema name PostgreSQL would truncate (exact message)', () => {
    const schema = 's'.repeat(64);
    expect(make({ schema })).toThrow(
      `test/pgdocs: invalid engine.schema = "${schema}": not a PostgreSQL identifier: 64 bytes long; PostgreSQL truncates identifiers to 63 bytes. Fix: give a schema name of 1 to 63 bytes, e.g. "rag".`);
  });

  test('ef_construction below 2 x m (exact message)', () => {
    const { chart } = testChart();
    expect(() => new VectorDatabase(chart, 'pgdocs', {
      contract: dataContract(), engine: VectorDatabaseEngine.pgvector(), collections: [{ name: 'docs', dimension: 768, hnsw: { m: 40, efConstruction: 79 } }],
    })).toThrow('test/pgdocs: invalid collections[0].hnsw.efConstruction = 79: pgvector needs ef_construction of at least 2 x m (80). Fix: give efConstruction 80 or more, or a smaller m.');
  });

  test('no database in the contract nor the options (exact message)', () => {
    expect(() => pgvector({ ...dataContract(), database: undefined })).toThrow(
      'test/pgdocs: invalid engine.database = undefined: the pgvector engine needs a PostgreSQL database and the platform contract has none. '
      + 'Fix: create the AWS layer\'s PostgresDatabase (CnaiAwsStack database: true) and pass its contract, or give engine options { database }.');
  });
});
