/** Every example folder is covered by a test file, and its CLI configs run the entry points it ships. */
import * as fs from 'fs';
import * as path from 'path';
import { parse as parseYaml } from 'yaml';
import { CASES, entryPoint } from './harness';

const EXAMPLES = path.resolve(__dirname, '..', '..', 'examples');
/** Folders of code the examples share, not examples themselves. */
const SHARED = ['shared'];

test('every example folder is covered, and its configs run the entry points it ships', () => {
  const folders = fs.readdirSync(EXAMPLES, { withFileTypes: true })
    .filter((d) => d.isDirectory() && !SHARED.includes(d.name)).map((d) => d.name).sort();
  expect(fs.existsSync(path.join(EXAMPLES, 'shared', 'cdk8s.yaml')) || fs.existsSync(path.join(EXAMPLES, 'shared', 'cdktf.json'))).toBe(false);
  expect(folders).toEqual(CASES.map((c) => c.name).sort());
  for (const c of CASES) {
    const dir = path.join(EXAMPLES, c.name);
    const hasCdktf = fs.existsSync(path.join(dir, 'cdktf.json'));
    const hasCdk8s = fs.existsSync(path.join(dir, 'cdk8s.yaml'));
    expect({ example: c.name, cdktf: hasCdktf, cdk8s: hasCdk8s }).toEqual({ example: c.name, cdktf: c.stacks !== undefined, cdk8s: c.k8s === true });
    if (hasCdktf) {
      const config = JSON.parse(fs.readFileSync(path.join(dir, 'cdktf.json'), 'utf8'));
      // Prebuilt @cdktf/provider-aws bindings: nothing for `cdktf get` to generate.
      expect(config).toMatchObject({ language: 'typescript', terraformProviders: [], terraformModules: [] });
      expect(fs.existsSync(path.join(dir, entryPoint(config.app)))).toBe(true);
    }
    if (hasCdk8s) {
      const config = parseYaml(fs.readFileSync(path.join(dir, 'cdk8s.yaml'), 'utf8'));
      expect(config.language).toBe('typescript');
      expect(fs.existsSync(path.join(dir, entryPoint(config.app)))).toBe(true);
    }
  }
});


test('each example has its own test file', () => {
  for (const c of CASES) expect(fs.existsSync(path.join(__dirname, `${c.name}.test.ts`))).toBe(true);
});
