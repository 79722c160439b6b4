/**
 * The package as a stranger gets it: `npm pack`, the tarball installed into a new app
 * outside the repository (offline, from the local npm cache), an app that imports the
 * library by package name, type-checked by the app's own TypeScript, synthesized with the
 * stock `cdk8s` and `cdktf` CLIs, and the output checked with the package's `cnai-verify`.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { consumerLock } from './consumer-lock';
import { ensureBuild } from '../../scripts/ensure-build';

const ROOT = path.resolve(__dirname, '..', '..');
const PKG = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const SCHEMAS = path.resolve(ROOT, '..', 'shared', 'schemas');
const QUIET = { ...process.env, CHECKPOINT_DISABLE: '1', CDK8S_CHECK_UPGRADE: 'false', DISABLE_VERSION_CHECK: '1', CI: '1', npm_config_update_notifier: 'false' };

/** The versions this repository builds and tests against (its pinned dev dependencies). */
const APP_DEPENDENCIES = Object.fromEntries(['cdk8s', 'cdk8s-plus-27', 'constructs', 'cdktf', '@cdktf/provider-aws']
  .map((name) => [name, PKG.devDependencies[name]]));
const APP_DEV_DEPENDENCIES = { 'cdk8s-cli': PKG.devDependencies['cdk8s-cli'], 'cdktf-cli': PKG.devDependencies['cdktf-cli'], 'typescript': '5.9.3' };

function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = QUIET): string {
  try {
    return execFileSync(cmd, args, { cwd, env, encoding: 'utf8', stdio: 'pipe', timeout: 240_000 });
  } catch (e: any) {
    throw new Error(`${cmd} ${args.join(' ')} failed in ${cwd} (exit ${e.status ?? e.signal}):\n${String(e.stdout ?? '').slice(-3000)}\n${String(e.stderr ?? '').slice(-3000)}`);
  }
}

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'cnai-consumer-'));
const app = path.join(work, 'app');
let tarball = '';
let packedFiles: string[] = [];

beforeAll(() => {
  // CI compiles before testing; a stale or missing build is compiled here, so the test never packs old code.
  // ensureBuild holds the compile lock the example tests' workers share, so none rewrites build/ while it is packed.
  ensureBuild(ROOT);
  const packed = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', work], ROOT));
  tarball = packed[0].filename;
  packedFiles = packed[0].files.map((f: any) => f.path);
  fs.mkdirSync(app);
  fs.copyFileSync(path.join(work, tarball), path.join(app, tarball));
  const lock: any = consumerLock(path.join(ROOT, 'package-lock.json'), app, tarball, APP_DEPENDENCIES, APP_DEV_DEPENDENCIES);
  fs.writeFileSync(path.join(app, 'package-lock.json'), JSON.stringify(lock, null, 2));
  fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({
    name: 'consumer-app',
    version: '1.0.0',
    private: true,
    dependencies: lock.packages[''].dependencies,
    devDependencies: APP_DEV_DEPENDENCIES,
  }, null, 2));
  run('npm', ['ci', '--offline', '--no-audit', '--no-fund', '--ignore-scripts'], app);
}, 600_000);

afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

test('the tarball holds the compiled library and its docs only', () => {
  const top = [...new Set(packedFiles.map((f) => f.split('/')[0]))].sort();
  expect(top).toEqual(['CHANGELOG.md', 'LICENSE', 'README.md', 'build', 'package.json']);
  expect(packedFiles).toContain('build/index.d.ts');
  expect(packedFiles).toContain('build/verify/cli.js');
  expect(packedFiles).toContain('build/verify/schema-sources.tsv');
  expect(packedFiles.filter((f) => /\.test\.|\/test\/|\.ts$/.test(f) && !f.endsWith('.d.ts'))).toEqual([]);
});

test('the entry points resolve by package name, each loading only its own CDK', () => {
  const probe = (entry: string) => JSON.parse(run('node', ['-e', `
    const loaded = () => Object.keys(require.cache).map((p) => p.includes('/node_modules/cdktf/') ? 'cdktf' : p.includes('/node_modules/cdk8s/') ? 'cdk8s' : undefined).filter(Boolean);
    const m = require(${JSON.stringify(entry)});
    console.log(JSON.stringify({ exports: Object.keys(m).length, cdks: [...new Set(loaded())].sort() }));
  `], app));
  expect(probe('cnai-constructs')).toMatchObject({ cdks: [] });
  expect(probe('cnai-constructs/verify')).toMatchObject({ cdks: [] });
  expect(probe('cnai-constructs/k8s')).toMatchObject({ cdks: ['cdk8s'] });
  expect(probe('cnai-constructs/aws')).toMatchObject({ cdks: ['cdktf'] });
  expect(probe('cnai-constructs').exports).toBeGreaterThan(20);
  // Deep imports of the build folder are not part of the API.
  expect(() => run('node', ['-e', 'require("cnai-constructs/build/k8s")'], app)).toThrow(/ERR_PACKAGE_PATH_NOT_EXPORTED/);
});

describe('an app using both layers, synthesized with the stock CLIs', () => {
  beforeAll(() => {
    fs.writeFileSync(path.join(app, 'spec.ts'), `
import { GpuInstanceType, ModelPresets, PlatformSpec, PoolCapacity } from 'cnai-constructs';
export const SPEC: PlatformSpec = {
  name: 'shop', environment: 'dev', region: 'eu-west-1', accountId: '111122223333',
  availabilityZones: ['eu-west-1a', 'eu-west-1b'],
  adminPrincipalArns: ['arn:aws:iam::111122223333:role/admins'],
  gpuPools: [{ name: 'inference', instanceTypes: [GpuInstanceType.G6E_XLARGE], capacity: PoolCapacity.SPOT, maxNodes: 2 }],
  teams: [{ name: 'search', quotas: [{ pool: 'inference', gpus: 2 }] }],
  models: [{ name: 'chat', team: 'search', model: ModelPresets.LLAMA_3_1_8B_INSTRUCT, pools: ['inference'], maxModelLen: 8192 }],
  kubeflow: false,
};
`);
    fs.writeFileSync(path.join(app, 'aws.ts'), `
import * as fs from 'fs';
import { App } from 'cdktf';
import { CnaiAwsStack, previewContract } from 'cnai-constructs/aws';
import { SPEC } from './spec';
const app = new App();
const stack = CnaiAwsStack.fromSpec(app, 'shop', SPEC);
app.synth();
fs.writeFileSync('contract.json', JSON.stringify(previewContract(stack), null, 2));
`);
    fs.writeFileSync(path.join(app, 'k8s.ts'), `
import * as fs from 'fs';
import { YamlOutputType } from 'cdk8s';
import { PlatformContract } from 'cnai-constructs';
import { CnaiApp, CnaiPlatform, crds } from 'cnai-constructs/k8s';
import { SPEC } from './spec';
const app = new CnaiApp({ yamlOutputType: YamlOutputType.FILE_PER_CHART });
const contract: PlatformContract = JSON.parse(fs.readFileSync('contract.json', 'utf8'));
new CnaiPlatform(app, 'shop', { spec: SPEC, contract });
// The generated CRD bindings the constructs expose are reachable from the entry point.
const kinds: string[] = [crds.kueue.ClusterQueue.GVK.kind, crds.kserve.InferenceService.GVK.kind];
if (kinds.join() !== 'ClusterQueue,InferenceService') throw new Error('crds: ' + kinds.join());
app.synth();
`);
    fs.writeFileSync(path.join(app, 'tsconfig.json'), JSON.stringify({
      compilerOptions: { target: 'ES2022', module: 'node16', moduleResolution: 'node16', strict: true, outDir: 'out', skipLibCheck: true },
      include: ['*.ts'],
    }));
    fs.writeFileSync(path.join(app, 'cdktf.json'), JSON.stringify({ language: 'typescript', app: 'node out/aws.js', terraformProviders: [], terraformModules: [], sendCrashReports: 'false' }));
    fs.writeFileSync(path.join(app, 'cdk8s.yaml'), 'language: typescript\napp: node out/k8s.js\noutput: dist\n');
  });

  test('the app type-checks against the published types (node16 and classic node resolution)', () => {
    run(path.join(app, 'node_modules', '.bin', 'tsc'), ['-p', '.'], app);
    run(path.join(app, 'node_modules', '.bin', 'tsc'), ['-p', '.', '--noEmit', '--module', 'commonjs', '--moduleResolution', 'node'], app);
    expect(fs.existsSync(path.join(app, 'out', 'k8s.js'))).toBe(true);
  });

  test('cdktf synth and cdk8s synth write both layers, and cnai-verify passes them', () => {
    run('npx', ['cdktf', 'synth'], app);
    run('npx', ['cdk8s', 'synth'], app);
    const stackDir = path.join(app, 'cdktf.out', 'stacks', 'shop');
    expect(fs.existsSync(path.join(stackDir, 'cdk.tf.json'))).toBe(true);
    const files = fs.readdirSync(path.join(app, 'dist')).filter((f) => f.endsWith('.yaml'));
    expect(files.length).toBeGreaterThan(2);
    // CnaiApp numbers the charts in apply order, operators first, as cdk8s's App does.
    expect(files.sort()[0]).toBe('0000-shop-platform-operators.k8s.yaml');
    const env = { ...QUIET, CNAI_SCHEMA_DIR: SCHEMAS };
    expect(run('npx', ['cnai-verify', 'k8s', 'dist'], app, env)).toMatch(/^k8s: \d+ objects in \d+ files valid against Kubernetes/m);
    expect(run('npx', ['cnai-verify', 'terraform', '--no-plan', 'cdktf.out'], app, env)).toMatch(/valid/i);
  });
});
