import { VectorDistance, sizeQdrant } from '../../../lib/k8s';

const col = (expectedVectors: number, dimension: number) => ({ name: 'c', dimension, distance: VectorDistance.COSINE, expectedVectors, m: 16, efConstruction: 100 });

describe('sizeQdrant', () => {
  test('the documented formula', () => {
    const r = sizeQdrant([col(1_000_000, 768), col(2_000_000, 384)], 3, 2);
    const raw = (1_000_000 * 768 + 2_000_000 * 384) * 4;
    expect(r.rawVectorBytes).toBe(raw);
    expect(r.bytesPerReplica).toBeCloseTo(raw * 2 / 3);
    expect(r.memoryGiB).toBe(Math.ceil(raw * 2 / 3 * 1.5 / 1024 ** 3 + 1));
    expect(r.storageGiB).toBe(Math.max(10, Math.ceil(raw * 2 / 3 * 1.5 * 2 / 1024 ** 3)));
  });

  test('no collections: the process baseline and the smallest volume', () => {
    expect(sizeQdrant([], 1, 1)).toEqual({ rawVectorBytes: 0, bytesPerReplica: 0, memoryGiB: 1, storageGiB: 10 });
  });

  test('more replicas share the shards', () => {
    expect(sizeQdrant([col(50_000_000, 1024)], 6, 2).memoryGiB).toBeLessThan(sizeQdrant([col(50_000_000, 1024)], 3, 2).memoryGiB);
  });
});
