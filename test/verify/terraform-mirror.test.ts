import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import {
  findProviderMirror,
  mirroredAwsProviderVersions,
  mirroredProviders,
  PROVIDER_MIRROR_ENV,
  terraformPlatform,
  writeCliConfig,
} from '../../lib/verify/terraform-mirror';

/** A mirror laid out like Terraform's unpacked filesystem mirror, with empty "binaries". */
function fakeMirror(providers: Array<[string, string]>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'cnai-fake-mirror-'));
  for (const [type, version] of providers) {
    const dir = path.join(root, 'registry.terraform.io', 'hashicorp', type, version, terraformPlatform());
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, `terraform-provider-${type}_v${version}_x5`), '');
  }
  return root;
}

describe('provider mirror discovery', () => {
  const saved = process.env[PROVIDER_MIRROR_ENV];
  const made: string[] = [];
  afterEach(() => {
    if (saved === undefined) delete process.env[PROVIDER_MIRROR_ENV];
    else process.env[PROVIDER_MIRROR_ENV] = saved;
  });
  afterAll(() => made.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

  test('terraformPlatform is <os>_<arch> as Terraform names it', () => {
    expect(terraformPlatform()).toMatch(/^(linux|darwin|windows|freebsd|openbsd)_(amd64|arm64|386|arm)$/);
  });

  test(`${PROVIDER_MIRROR_ENV} wins and lists its providers`, () => {
    const root = fakeMirror([['aws', '5.100.0'], ['aws', '5.9.0'], ['random', '3.7.2']]);
    made.push(root);
    // a version dir without a binary for this platform does not count
    fs.mkdirSync(path.join(root, 'registry.terraform.io', 'hashicorp', 'tls', '4.0.0', terraformPlatform()), { recursive: true });
    process.env[PROVIDER_MIRROR_ENV] = root;
    expect(findProviderMirror()).toBe(root);
    expect(mirroredAwsProviderVersions(root)).toEqual(['5.100.0', '5.9.0']);
    expect(mirroredProviders(root)).toEqual(['registry.terraform.io/hashicorp/aws', 'registry.terraform.io/hashicorp/random']);
  });

  test(`${PROVIDER_MIRROR_ENV} without an AWS provider is an error, not a silent fall back to the network`, () => {
    const root = fakeMirror([['random', '3.7.2']]);
    made.push(root);
    process.env[PROVIDER_MIRROR_ENV] = root;
    expect(() => findProviderMirror()).toThrow(new RegExp(`${PROVIDER_MIRROR_ENV}=.*: no unpacked hashicorp/aws provider for ${terraformPlatform()} there .*Fix: point ${PROVIDER_MIRROR_ENV} at the mirror root`));
  });

  test('without the variable, a mirror found on the machine holds the AWS provider', () => {
    delete process.env[PROVIDER_MIRROR_ENV];
    const found = findProviderMirror();
    if (found !== undefined) expect(mirroredAwsProviderVersions(found).length).toBeGreaterThan(0);
  });

  test('the CLI config sends mirrored providers to the mirror and everything else to the registry', () => {
    const root = fakeMirror([['aws', '5.100.0']]);
    made.push(root);
    const file = writeCliConfig(root);
    made.push(file);
    const text = fs.readFileSync(file, 'utf8');
    expect(text).toContain(`filesystem_mirror {\n    path    = ${JSON.stringify(root)}\n    include = ["registry.terraform.io/hashicorp/aws"]\n  }`);
    expect(text).toContain('direct {\n    exclude = ["registry.terraform.io/hashicorp/aws"]\n  }');
    expect(text).not.toContain('plugin_cache_dir');
  });

  test('without a mirror the CLI config uses the registry only, through a plugin cache', () => {
    const cacheHome = fs.mkdtempSync(path.join(os.tmpdir(), 'cnai-cache-home-'));
    made.push(cacheHome);
    const savedCache = [process.env.XDG_CACHE_HOME, process.env.TF_PLUGIN_CACHE_DIR];
    process.env.XDG_CACHE_HOME = cacheHome;
    delete process.env.TF_PLUGIN_CACHE_DIR;
    let text: string;
    try {
      const file = writeCliConfig(undefined);
      made.push(file);
      text = fs.readFileSync(file, 'utf8');
    } finally {
      if (savedCache[0] === undefined) delete process.env.XDG_CACHE_HOME;
      else process.env.XDG_CACHE_HOME = savedCache[0];
      if (savedCache[1] !== undefined) process.env.TF_PLUGIN_CACHE_DIR = savedCache[1];
    }
    expect(text).toContain(`plugin_cache_dir = ${JSON.stringify(path.join(cacheHome, 'cnai-constructs', 'terraform-plugin-cache'))}`);
    expect(text).not.toContain('filesystem_mirror');
    expect(text).toContain('  direct {}');
  });
});
