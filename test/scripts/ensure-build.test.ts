import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { buildStaleness } from '../../scripts/ensure-build';

describe('buildStaleness', () => {
  let root: string;
  const write = (rel: string, mtimeS: number) => {
    const file = path.join(root, rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, '');
    fs.utimesSync(file, mtimeS, mtimeS);
  };
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'cnai-build-'));
    write('lib/index.ts', 1000);
    write('lib/verify/schema-sources.tsv', 1000);
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  test('missing build', () => {
    expect(buildStaleness(root)).toBe(`${path.join('build', 'index.js')} is missing`);
  });

  test('a source newer than the build', () => {
    write('build/index.js', 2000);
    write('build/verify/schema-sources.tsv', 2000);
    write('lib/k8s/x.ts', 3000);
    expect(buildStaleness(root)).toBe('lib/ changed since the last compile');
  });

  test('a data file the compile did not copy, or an older copy', () => {
    write('build/index.js', 2000);
    expect(buildStaleness(root)).toBe('build/verify/schema-sources.tsv is missing or older than lib/verify/schema-sources.tsv');
    write('build/verify/schema-sources.tsv', 500);
    expect(buildStaleness(root)).toBe('build/verify/schema-sources.tsv is missing or older than lib/verify/schema-sources.tsv');
  });

  test('current', () => {
    write('build/index.js', 2000);
    write('build/verify/schema-sources.tsv', 2000);
    expect(buildStaleness(root)).toBeUndefined();
  });
});
