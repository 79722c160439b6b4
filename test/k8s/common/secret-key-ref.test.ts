import { Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { SecretKeyRef, checkTokenSecret } from '../../../lib/k8s';

describe('SecretKeyRef', () => {
  test('a key of a named Secret, or of a Secret object, read as an env var source', () => {
    expect(SecretKeyRef.fromName('hf-token', 'HF_TOKEN').toEnvVarSource()).toEqual({ secretKeyRef: { name: 'hf-token', key: 'HF_TOKEN' } });
    const secret = kplus.Secret.fromSecretName(Testing.chart(), 'Tok', 'db-credentials');
    const ref = SecretKeyRef.fromSecret(secret, 'password');
    expect([ref.secretName, ref.key]).toEqual(['db-credentials', 'password']);
  });

  test('checkTokenSecret passes a reference and refuses a plain string without echoing it', () => {
    const ref = SecretKeyRef.fromName('hf-token', 'HF_TOKEN');
    expect(checkTokenSecret('x', 'tokenSecret', ref)).toBe(ref);
    expect(checkTokenSecret('x', 'tokenSecret', undefined)).toBeUndefined();
    expect(() => checkTokenSecret('x', 'tokenSecret', 'hf_abcdef')).toThrow(
      'x: invalid tokenSecret = "<string of 9 characters, not shown>": a plain string where a Secret reference is expected');
  });

  describe('errors', () => {
    test('a Secret reference names a Secret, not a value', () => {
      const call = () => SecretKeyRef.fromName('hf_SECRETVALUE', 'HF_TOKEN');
      expect(call).toThrow(/SecretKeyRef\.fromName: invalid secretName = "<string of 14 characters, not shown>": not a Secret name/);
      expect(() => SecretKeyRef.fromName('Hf-Token', 'HF_TOKEN')).toThrow(/invalid secretName = "Hf-Token"/);
    });

    test('a Secret key must be a key', () => {
      expect(() => SecretKeyRef.fromName('hf-token', 'my key')).toThrow(/invalid key = "my key": not a Secret key/);
    });

    test('fromSecret needs a Secret object', () => {
      expect(() => SecretKeyRef.fromSecret('hf-token' as never, 'HF_TOKEN')).toThrow(/SecretKeyRef\.fromSecret: invalid secret = "hf-token": not a Secret object/);
    });
  });
});
