import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { entryPoint, moduleRecorderScript, ProcessRecord } from '../../bench/cli-run';
import { providerModulesOf } from '../../bench/load-floor';

const ROOT = path.resolve(__dirname, '..', '..');

describe('entryPoint', () => {
  test('the file an app command runs with sucrase (transpiled, not type-checked)', () => {
    expect(entryPoint('node -r sucrase/register/ts k8s.ts')).toBe('k8s.ts');
  });

  test('refuses app commands that would type-check or compile the library', () => {
    expect(() => entryPoint('npx ts-node main.ts')).toThrow('app "npx ts-node main.ts" is not "node -r sucrase/register/ts <file>.ts"');
  });
});

describe('moduleRecorderScript', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cnai-recorder-'));
  const recorder = path.join(dir, 'record.js');
  fs.writeFileSync(recorder, moduleRecorderScript(ROOT));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  function record(code: string): ProcessRecord {
    const logDir = fs.mkdtempSync(path.join(dir, 'log-'));
    const run = spawnSync(process.execPath, ['--require', recorder, '-e', code], { cwd: ROOT, env: { ...process.env, CNAI_MODULE_LOG_DIR: logDir }, encoding: 'utf8' });
    expect(run.status).toBe(0);
    const files = fs.readdirSync(logDir);
    expect(files).toHaveLength(1);
    return JSON.parse(fs.readFileSync(path.join(logDir, files[0]), 'utf8'));
  }

  test('records the cdktf modules a process loaded, its CPU time and peak RSS', () => {
    const r = record('require("cdktf")');
    expect(r.cdktf.some((f) => f.endsWith(path.join('node_modules', 'cdktf', 'lib', 'index.js')))).toBe(true);
    expect(r.librarySources).toEqual([]);
    expect(r.maxRssMB).toBeGreaterThan(10);
    expect(r.argv).toHaveLength(1);
  });

  test('records nothing of cdktf for a process that does not load it', () => {
    const r = record('require("cdk8s")');
    expect(r.cdktf).toEqual([]);
    expect(r.buildFiles).toBe(0);
  });
});

describe('providerModulesOf', () => {
  test('the provider resource modules compiled code requires, each once, sorted', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cnai-floor-'));
    try {
      fs.mkdirSync(path.join(dir, 'sub'));
      fs.writeFileSync(path.join(dir, 'a.js'), 'const x = require("@cdktf/provider-aws/lib/s3-bucket");\nconst y = require("cdktf");');
      fs.writeFileSync(path.join(dir, 'sub', 'b.js'), 'require("@cdktf/provider-aws/lib/iam-role"); require("@cdktf/provider-aws/lib/s3-bucket");');
      fs.writeFileSync(path.join(dir, 'sub', 'b.d.ts'), 'import "@cdktf/provider-aws/lib/kms-key";');
      expect(providerModulesOf(dir)).toEqual(['@cdktf/provider-aws/lib/iam-role', '@cdktf/provider-aws/lib/s3-bucket']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
