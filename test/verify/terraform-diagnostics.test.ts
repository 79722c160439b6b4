import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { formatDiagnostic, jsonPathAt, locateDiagnostic, StackFiles } from '../../lib/verify/terraform-diagnostics';

const STACK = {
  provider: { aws: [{ region: 'us-east-1' }, { alias: 'replica', region: 'eu-west-1', max_retries: 'many' }] },
  resource: {
    aws_kms_key: { key: { '//': { metadata: { path: 'stack/key', uniqueId: 'key' } }, 'description': 'clé «données»', 'key_usage': 'BOGUS' } },
    aws_s3_bucket_versioning: { v: { bucket: '${aws_s3_bucket.b.id}', versioning_configuration: [{ status: 'Maybe' }] } },
  },
};

describe('terraform diagnostics', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cnai-diag-'));
  const text = JSON.stringify(STACK, null, 2);
  fs.writeFileSync(path.join(dir, 'cdk.tf.json'), text);
  const buf = Buffer.from(text, 'utf8');
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** Byte offset of the n-th occurrence of `needle` (Terraform reports bytes, not characters). */
  const byteOf = (needle: string) => buf.indexOf(Buffer.from(needle, 'utf8'));
  const raw = (needle: string, extra: object = {}) => ({
    severity: 'error',
    summary: 'summary',
    detail: 'line one\n  line two',
    ...extra,
    range: { filename: 'cdk.tf.json', start: { line: 3, column: 5, byte: byteOf(needle) } },
  });

  test('jsonPathAt finds the member at a byte offset, after multi-byte characters too', () => {
    expect(jsonPathAt(buf, byteOf('"BOGUS"'))).toEqual(['resource', 'aws_kms_key', 'key', 'key_usage']);
    expect(jsonPathAt(buf, byteOf('"key_usage"'))).toEqual(['resource', 'aws_kms_key', 'key', 'key_usage']);
    expect(jsonPathAt(buf, byteOf('"Maybe"'))).toEqual(['resource', 'aws_s3_bucket_versioning', 'v', 'versioning_configuration', 0, 'status']);
    expect(jsonPathAt(Buffer.from('{ not json'), 3)).toBeUndefined();
  });

  test('a resource attribute is reported with construct path, address, attribute and value', () => {
    const d = locateDiagnostic(raw('"BOGUS"'), new StackFiles(dir));
    expect(d).toMatchObject({ address: 'aws_kms_key.key', constructPath: 'stack/key', attribute: 'key_usage', value: 'BOGUS', file: 'cdk.tf.json', line: 3, column: 5 });
    expect(formatDiagnostic(d)).toBe('stack/key (aws_kms_key.key): invalid key_usage = "BOGUS": summary: line one line two [cdk.tf.json:3:5]');
  });

  test('nested blocks and provider aliases are named', () => {
    const files = new StackFiles(dir);
    expect(locateDiagnostic(raw('"Maybe"'), files)).toMatchObject({ address: 'aws_s3_bucket_versioning.v', attribute: 'versioning_configuration[0].status' });
    const p = locateDiagnostic(raw('"many"'), files);
    expect(formatDiagnostic(p)).toBe('provider.aws.replica: invalid max_retries = "many": summary: line one line two [cdk.tf.json:3:5]');
  });

  test('a diagnostic without a range keeps Terraform\'s address; warnings are marked', () => {
    const d = locateDiagnostic({ severity: 'warning', summary: 'Deprecated', detail: '', address: 'aws_s3_bucket.b' }, new StackFiles(dir));
    expect(formatDiagnostic(d)).toBe('warning: aws_s3_bucket.b: Deprecated');
    expect(formatDiagnostic(locateDiagnostic({ summary: 'Odd', detail: 'very' }, new StackFiles(dir)))).toBe('Odd: very');
  });
});
