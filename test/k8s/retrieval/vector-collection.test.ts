import { CollectionRules, VectorDistance, resolveCollections } from '../../../lib/k8s/retrieval/vector-collection';

/** Rules of a test engine (literal, so the messages are known). */
const RULES: CollectionRules = {
  engine: 'TestDB',
  maxDimension: 2000,
  maxDimensionReason: 'its index stores vectors in 8 KiB pages',
  defaultEfConstruction: 64,
  mRange: [2, 100],
  efConstructionRange: [4, 1000],
  nameProblem: (name) => (/^[a-z_][a-z0-9_]*$/.test(name) ? undefined : 'it has characters other than a-z, 0-9 and "_"'),
  nameRule: 'lowercase letters, digits and "_"',
};

const resolve = (collections: object[], rules: CollectionRules = RULES) => resolveCollections('db', collections as any, rules);

describe('resolveCollections', () => {
  test('defaults: cosine, a million vectors, m 16, the engine\'s ef_construction', () => {
    expect(resolve([{ name: 'docs', dimension: 768 }])).toEqual([
      { name: 'docs', dimension: 768, distance: 'cosine', expectedVectors: 1000000, m: 16, efConstruction: 64 },
    ]);
  });

  test('values given are kept, in order; the bounds are accepted', () => {
    expect(resolve([
      { name: 'a', dimension: 1, distance: VectorDistance.DOT, expectedVectors: 0, hnsw: { m: 2, efConstruction: 4 } },
      { name: 'b', dimension: 2000, distance: VectorDistance.MANHATTAN, expectedVectors: 5000000, hnsw: { m: 100, efConstruction: 1000 } },
    ])).toEqual([
      { name: 'a', dimension: 1, distance: 'dot', expectedVectors: 0, m: 2, efConstruction: 4 },
      { name: 'b', dimension: 2000, distance: 'manhattan', expectedVectors: 5000000, m: 100, efConstruction: 1000 },
    ]);
    expect(resolve([])).toEqual([]);
  });

  test('a name the engine refuses (exact message)', () => {
    expect(() => resolve([{ name: 'Docs', dimension: 768 }])).toThrow(
      'db: invalid collections[0].name = "Docs": not a valid TestDB collection name: it has characters other than a-z, 0-9 and "_". Fix: choose a name of lowercase letters, digits and "_".');
  });

  test('two collections of one name (exact message)', () => {
    expect(() => resolve([{ name: 'docs', dimension: 768 }, { name: 'docs', dimension: 384 }])).toThrow(
      'db: invalid collections[1].name = "docs": two collections have the same name. Fix: give each collection its own name.');
  });

  test('a dimension above the engine\'s limit, with the hint to use Qdrant (exact message)', () => {
    expect(() => resolve([{ name: 'docs', dimension: 3072 }])).toThrow(
      'db: invalid collections[0].dimension = 3072: TestDB takes a whole number of dimensions from 1 to 2000 (its index stores vectors in 8 KiB pages). '
      + 'Fix: give the embedding model\'s output size, between 1 and 2000, or use a Qdrant database for larger vectors.');
  });

  test('an engine that indexes 65536 dimensions suggests no other engine', () => {
    expect(() => resolve([{ name: 'docs', dimension: 0 }], { ...RULES, engine: 'Qdrant', maxDimension: 65536, maxDimensionReason: 'its limit' })).toThrow(
      'db: invalid collections[0].dimension = 0: Qdrant takes a whole number of dimensions from 1 to 65536 (its limit). Fix: give the embedding model\'s output size, between 1 and 65536.');
    expect(() => resolve([{ name: 'docs', dimension: 1.5 }])).toThrow('invalid collections[0].dimension = 1.5');
  });

  test('a negative count of vectors (exact message)', () => {
    expect(() => resolve([{ name: 'docs', dimension: 768, expectedVectors: -1 }])).toThrow(
      'db: invalid collections[0].expectedVectors = -1: not a count of vectors. Fix: give a whole number, e.g. 5000000.');
  });

  test('m outside the engine\'s range (exact message)', () => {
    expect(() => resolve([{ name: 'docs', dimension: 768, hnsw: { m: 1 } }])).toThrow(
      'db: invalid collections[0].hnsw.m = 1: TestDB takes m from 2 to 100. Fix: keep the default 16, or 32 to 64 for high recall.');
  });

  test('ef_construction outside the engine\'s range (exact message)', () => {
    expect(() => resolve([{ name: 'docs', dimension: 768, hnsw: { efConstruction: 1001 } }])).toThrow(
      'db: invalid collections[0].hnsw.efConstruction = 1001: TestDB takes ef_construction from 4 to 1000. Fix: keep the default 64.');
  });
});
