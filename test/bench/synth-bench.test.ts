/** The benchmark transpiles every file its children load: each relative import of them is in the list. */
import * as fs from 'fs';
import * as path from 'path';
import { transpiledSources } from '../../bench/synth-bench';

const ROOT = path.resolve(__dirname, '..', '..');

test('every relative import of the transpiled files is transpiled too (or is the library, build/ through the package name)', () => {
  const sources = transpiledSources(ROOT);
  const listed = new Set(sources);
  const missing: string[] = [];
  for (const rel of sources) {
    const text = fs.readFileSync(path.join(ROOT, rel), 'utf8');
    for (const m of text.matchAll(/from '(\.{1,2}\/[^']+)'/g)) {
      const target = path.posix.normalize(path.posix.join(path.posix.dirname(rel), m[1]));
      if (!listed.has(`${target}.ts`) && !listed.has(`${target}/index.ts`)) missing.push(`${rel} imports ${m[1]}`);
    }
  }
  expect(missing).toEqual([]);
  expect(sources).toContain('examples/shared/accepted-findings-aws.ts');
});
