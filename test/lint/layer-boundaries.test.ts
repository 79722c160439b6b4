/**
 * The layer rules of .eslintrc.json (generated from .projenrc.ts) reject what they should:
 * cdktf outside lib/aws, cdk8s outside lib/k8s, the provider package's root, and one layer
 * importing the other. Lints in-memory sources placed at paths of each layer.
 */
import * as path from 'path';
import { Linter, loadESLint } from 'eslint';

const root = path.resolve(__dirname, '..', '..');

/**
 * The no-restricted-imports messages for `code` at `file`: the rule's options are the ones
 * the project's eslint configuration resolves for that path (overrides included); the probe
 * files do not exist, so they are linted without type information, which this rule needs not.
 */
async function messages(file: string, code: string, ruleNames: string[] = ['no-restricted-imports']): Promise<string[]> {
  const ESLint = await loadESLint({ useFlatConfig: false });
  const config = await new ESLint({ cwd: root }).calculateConfigForFile(path.join(root, file));
  const linter = new Linter({ configType: 'eslintrc', cwd: root });
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  (linter as any).defineParser('typescript', require('@typescript-eslint/parser'));
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  (linter as any).defineRule('import/no-restricted-paths', require('eslint-plugin-import').rules['no-restricted-paths']);
  return linter.verify(code, {
    parser: 'typescript',
    parserOptions: { ecmaVersion: 2022, sourceType: 'module' },
    settings: config.settings,
    rules: Object.fromEntries(ruleNames.filter((r) => config.rules[r]).map((r) => [r, config.rules[r]])),
  } as any, path.join(root, file)).map((m) => m.message);
}

describe('layer boundaries (eslint)', () => {
  test('lib/core imports neither CDK', async () => {
    const found = await messages('lib/core/probe.ts', "import { App } from 'cdktf';\nimport { Chart } from 'cdk8s';\nexport const x = [App, Chart];\n");
    expect(found).toEqual([
      expect.stringContaining('Only lib/aws may import cdktf'),
      expect.stringContaining('Only lib/k8s and lib/imports may import cdk8s'),
    ]);
  });

  test('the provider package is imported per resource, never from its root', async () => {
    const providerRoot = ['@cdktf', 'provider-aws'].join('/');
    expect(await messages('lib/aws/probe.ts', `import { S3Bucket } from '${providerRoot}';\nexport const x = S3Bucket;\n`))
      .toEqual([expect.stringContaining('never the package root')]);
    expect(await messages('lib/aws/probe.ts', "import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';\nexport const x = S3Bucket;\n")).toEqual([]);
  });

  test('lib/k8s does not import lib/aws, nor cdktf; lib/aws does not import lib/k8s, nor cdk8s', async () => {
    expect(await messages('lib/k8s/probe.ts', "import { Cluster } from '../aws/cluster';\nimport { App } from 'cdktf';\nexport const x = [Cluster, App];\n")).toEqual([
      expect.stringContaining('never on each other'),
      expect.stringContaining('Only lib/aws may import cdktf'),
    ]);
    expect(await messages('lib/aws/probe.ts', "import { LlmService } from '../k8s/serving';\nimport { Chart } from 'cdk8s';\nexport const x = [LlmService, Chart];\n")).toEqual([
      expect.stringContaining('never on each other'),
      expect.stringContaining('Only lib/k8s and lib/imports may import cdk8s'),
    ]);
  });

  test('lib/verify imports neither layer (by path: its own k8s/ folder, the manifest validator, is allowed)', async () => {
    const rules = ['no-restricted-imports', 'import/no-restricted-paths'];
    expect(await messages('lib/verify/upstream/probe.ts', "import { LlmService } from '../../k8s/serving';\nexport const x = LlmService;\n", rules))
      .toEqual([expect.stringContaining('it never imports lib/k8s')]);
    expect(await messages('lib/verify/probe.ts', "import { Cluster } from '../aws/cluster';\nexport const x = Cluster;\n", rules))
      .toEqual([expect.stringContaining('it never imports lib/aws')]);
    expect(await messages('lib/verify/upstream/probe.ts', "import { validateManifests } from '../k8s';\nexport const x = validateManifests;\n", rules)).toEqual([]);
  });
});
