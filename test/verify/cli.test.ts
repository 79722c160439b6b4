import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { main, stackDirsUnder, yamlFilesUnder } from '../../lib/verify/cli';

const fixtures = path.join(__dirname, 'fixtures');

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('cnai-verify', () => {
  test('k8s: a folder of valid manifests exits 0 and counts objects per kind', async () => {
    const r = await run('k8s', path.join(fixtures, 'k8s', 'valid-workloads.yaml'));
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/objects in 1 files valid against Kubernetes v1\.36\.0/);
    expect(r.out).toMatch(/apps\/v1\/Deployment \d+/);
  });

  test('k8s: an invalid manifest exits 1 and names file, kind, path and reason', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cnai-cli-'));
    const file = path.join(dir, 'bad.yaml');
    fs.writeFileSync(file, [
      'apiVersion: v1',
      'kind: Service',
      'metadata: { name: web }',
      'spec:',
      '  ports: [{ port: "eighty" }]',
      '  selectr: { app: web }',
    ].join('\n'));
    try {
      const r = await run('k8s', dir);
      expect(r.code).toBe(1);
      expect(r.err).toContain('bad.yaml');
      expect(r.err).toMatch(/Service.*web/);
      expect(r.err).toContain('spec.selectr');
      expect(r.err).toContain('spec.ports[0].port');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('usage errors exit 2 with the usage text', async () => {
    const r = await run('k8s', path.join(fixtures, 'does-not-exist'));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/does not exist[\s\S]*usage:/);
    expect((await run('frobnicate')).code).toBe(2);
    expect((await run('terraform', '--bogus')).err).toContain('unknown option --bogus');
  });

  test('--help (anywhere) and help print the usage with the environment variables, exit 0', async () => {
    for (const argv of [['--help'], ['-h'], ['help'], ['k8s', '--help']]) {
      const r = await run(...argv);
      expect({ argv, code: r.code, err: r.err }).toEqual({ argv, code: 0, err: '' });
      expect(r.out).toMatch(/^usage:/);
      expect(r.out).toContain('CNAI_SCHEMA_DIR');
      expect(r.out).toContain('CNAI_TF_PROVIDER_MIRROR');
    }
  });

  test('terraform: a stack with an unknown attribute exits 1 with the diagnostic', async () => {
    const r = await run('terraform', '--no-plan', path.join(fixtures, 'terraform', 'unknown-attribute'));
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/terraform validate failed/);
  });

  test('paths: YAML files and stack folders are found under folders', () => {
    expect(yamlFilesUnder([path.join(fixtures, 'k8s')]).map((f) => path.basename(f))).toEqual(
      ['valid-ml.yaml', 'valid-operators.yaml', 'valid-workloads.yaml', 'widgets-crd.yaml']);
    expect(stackDirsUnder([path.join(fixtures, 'terraform')]).map((d) => path.basename(d))).toEqual(['data-source', 'unknown-attribute']);
  });
});
