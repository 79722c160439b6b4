/**
 * `cnai-verify policy`: the packs over a folder of manifests and a Terraform stack folder, as
 * text and JSON, failing on an unsuppressed finding unless --warn-only; usage errors exit 2.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { main } from '../../../lib/verify/cli';

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cnai-policy-cli-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A stack folder with one bucket: encrypted with a CMK or not, suppressed or not. */
function stackDir(name: string, bucket: { [key: string]: any }): string {
  const stack = path.join(dir, name, 'stacks', 'demo');
  fs.mkdirSync(stack, { recursive: true });
  fs.writeFileSync(path.join(stack, 'cdk.tf.json'), JSON.stringify({ resource: { aws_s3_bucket: { data: { bucket: 'demo-data', ...bucket } } } }));
  return path.join(dir, name);
}
const plain = stackDir('plain', { '//': { metadata: { path: 'demo/store/bucket' } } });
const suppressed = stackDir('suppressed', {
  '//': {
    metadata: { path: 'demo/store/bucket' },
    cnai_suppress: ['aws-s3-kms-encryption', 'aws-s3-public-access-block', 'aws-s3-tls-only', 'aws-s3-access-logging']
      .map((id) => ({ id, reason: 'a scratch bucket of the demo, deleted after the run' })),
  },
});

describe('cnai-verify policy', () => {
  test('an unsuppressed finding exits 1 and names rule, severity, resource, construct path and fix', async () => {
    const r = await run('policy', '--tf', plain, '--pack', 'aws-data-protection');
    expect(r.code).toBe(1);
    expect(r.err).toContain('FAILED');
    expect(r.err).toContain('FAIL aws-s3-kms-encryption [medium] aws_s3_bucket.data (demo/store/bucket)');
    expect(r.err).toMatch(/fix: /);
  });

  test('--warn-only reports the same findings as warnings and exits 0', async () => {
    const r = await run('policy', '--tf', plain, '--pack', 'aws-data-protection', '--warn-only');
    expect(r.code).toBe(0);
    expect(r.out).toContain('passed with warnings');
    expect(r.out).toContain('WARN aws-s3-kms-encryption [medium] aws_s3_bucket.data');
  });

  test('suppressions pass, each finding listed with its reason', async () => {
    const r = await run('policy', '--tf', suppressed, '--pack', 'aws-data-protection');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain('0 unsuppressed findings, 4 suppressed; passed');
    expect(r.out).toContain('aws-s3-kms-encryption (1 finding): a scratch bucket of the demo, deleted after the run');
  });

  test('--json prints the report for tools', async () => {
    const r = await run('policy', '--tf', plain, '--pack', 'aws-data-protection', '--json');
    expect(r.code).toBe(1);
    const report = JSON.parse(r.out);
    expect(report.passed).toBe(false);
    expect(report.findings.map((f: any) => f.ruleId)).toEqual(['aws-s3-kms-encryption', 'aws-s3-public-access-block', 'aws-s3-tls-only', 'aws-s3-access-logging']);
    expect(report.findings[0]).toMatchObject({ resource: 'aws_s3_bucket.data', constructPath: 'demo/store/bucket', severity: 'medium' });
  });

  test('manifests: a privileged pod fails the pod-security pack', async () => {
    const k8s = path.join(dir, 'dist');
    fs.mkdirSync(k8s, { recursive: true });
    fs.writeFileSync(path.join(k8s, 'pod.yaml'), [
      'apiVersion: v1', 'kind: Pod', 'metadata: { name: debug, namespace: default }',
      'spec:', '  containers: [{ name: shell, image: "busybox:1.36.1", securityContext: { privileged: true } }]',
    ].join('\n'));
    const r = await run('policy', '--pack', 'pod-security', k8s);
    expect(r.code).toBe(1);
    expect(r.err).toContain('FAIL pod-privileged [high] Pod default/debug container shell');
  });

  test('usage errors exit 2: nothing to check, an unknown pack', async () => {
    expect((await run('policy')).code).toBe(2);
    const r = await run('policy', '--tf', plain, '--pack', 'no-such-pack');
    expect(r.code).toBe(2);
    expect(r.err).toContain('--pack no-such-pack: not a pack (aws-data-protection, pod-security, network-isolation, ai-platform)');
  });
});
