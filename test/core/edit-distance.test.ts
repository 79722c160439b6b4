import { editDistance } from '../../lib/core/edit-distance';

describe('editDistance', () => {
  test.each([
    ['', '', 0],
    ['', 'abc', 3],
    ['kserve', 'kserve', 0],
    ['kitten', 'sitting', 3],
    ['g5.xlarge', 'g5.2xlarge', 1],
    ['p4d', 'p4de', 1],
    ['flaw', 'lawn', 2],
  ])('%j to %j is %d', (a, b, d) => {
    expect(editDistance(a, b)).toBe(d);
    expect(editDistance(b, a)).toBe(d);
  });
});
