import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import {
  analyseStack,
  copiedFromStack,
  DEFAULT_PROVIDER_FILE,
  MOCK_TEST_FILE,
  OVERRIDE_FILE,
  stackFiles,
  writeVerifyFiles,
} from '../../lib/verify/terraform-workdir';

function stackDir(doc: object, extra: { [file: string]: string } = {}): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cnai-workdir-'));
  fs.writeFileSync(path.join(dir, 'cdk.tf.json'), JSON.stringify(doc));
  for (const [f, text] of Object.entries(extra)) fs.writeFileSync(path.join(dir, f), text);
  return dir;
}

const read = (dir: string, f: string) => JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8'));

describe('work dir preparation', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

  test('state, lock files and .terraform are not copied', () => {
    expect(['.terraform', '.terraform.lock.hcl', 'terraform.x.tfstate', 'terraform.tfstate.backup', OVERRIDE_FILE].filter(copiedFromStack)).toEqual([]);
    expect(['cdk.tf.json', 'assets', 'main.tf'].every(copiedFromStack)).toBe(true);
    const dir = stackDir({}, { 'terraform.tfstate': '{}' });
    dirs.push(dir);
    expect(stackFiles(dir)).toEqual(['cdk.tf.json']);
  });

  test('every aws provider block gets mock credentials; roles and profiles are neutralised only where set; the backend becomes local', () => {
    const dir = stackDir({
      terraform: { required_providers: { aws: { source: 'aws', version: '5.100.0' } }, backend: { s3: { bucket: 'b', key: 'k', region: 'us-east-1' } } },
      provider: { aws: [{ region: 'us-east-1', profile: 'prod', assume_role: [{ role_arn: 'arn:aws:iam::1:role/x' }] }, { alias: 'replica', region: 'eu-west-1' }] },
      resource: { aws_s3_bucket: { b: {} } },
    });
    dirs.push(dir);
    const analysis = analyseStack(dir, stackFiles(dir));
    expect(analysis).toMatchObject({ awsLocalNames: ['aws'], usesAws: true, hasBackend: true });
    const written = writeVerifyFiles(dir, analysis, { mockCredentials: true, mockProviders: false });
    expect(written.notes).toEqual([]);
    const override = read(dir, OVERRIDE_FILE);
    expect(override.terraform).toEqual({ backend: { local: { path: 'cnai-verify.tfstate' } } });
    const [main, replica] = override.provider.aws;
    for (const block of [main, replica]) {
      expect(block).toMatchObject({
        access_key: 'mock-access-key',
        secret_key: 'mock-secret-key',
        skip_credentials_validation: true,
        skip_requesting_account_id: true,
        skip_metadata_api_check: true,
        skip_region_validation: true,
        max_retries: 1,
      });
    }
    expect(main).toMatchObject({ profile: '', assume_role: [{ role_arn: '' }] });
    expect(main.alias).toBeUndefined();
    expect(replica.alias).toBe('replica');
    expect(replica.assume_role).toBeUndefined();
    expect(fs.existsSync(path.join(dir, DEFAULT_PROVIDER_FILE))).toBe(false);
  });

  test('a stack using AWS without a default provider block gets one, and says so', () => {
    const dir = stackDir({ resource: { aws_s3_bucket: { b: {} } } });
    dirs.push(dir);
    const written = writeVerifyFiles(dir, analyseStack(dir, stackFiles(dir)), { mockCredentials: true, mockProviders: false });
    expect(written.notes).toEqual(['the stack has no default aws provider block; verified with one in us-east-1']);
    expect(read(dir, DEFAULT_PROVIDER_FILE).provider.aws[0]).toMatchObject({ region: 'us-east-1', access_key: 'mock-access-key' });
    expect(fs.existsSync(path.join(dir, OVERRIDE_FILE))).toBe(false);
  });

  test('terraform test mode mocks every aws provider block, under its local name', () => {
    const dir = stackDir({
      terraform: { required_providers: { amazon: { source: 'hashicorp/aws' } } },
      provider: { amazon: [{ region: 'us-east-1' }, { alias: 'replica', region: 'eu-west-1' }] },
    });
    dirs.push(dir);
    writeVerifyFiles(dir, analyseStack(dir, stackFiles(dir)), { mockCredentials: false, mockProviders: true });
    expect(fs.readFileSync(path.join(dir, MOCK_TEST_FILE), 'utf8')).toBe([
      'mock_provider "amazon" {', '}',
      'mock_provider "amazon" {', '  alias = "replica"', '}',
      '', 'run "cnai_verify_plan" {', '  command = plan', '}', '',
    ].join('\n'));
    expect(fs.existsSync(path.join(dir, OVERRIDE_FILE))).toBe(false);
  });
});
