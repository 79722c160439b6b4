import { Testing } from 'cdk8s';
import { EncryptedStorageClass, SecretSource, SecretSourceKind } from '../../../lib/k8s';
import { assertValidManifests } from '../../../lib/verify/k8s';
import { testChart } from '../retrieval/util';

describe('SecretSource', () => {
  test('Secrets Manager: an ExternalSecret per materialization, with templates merged and the Secret kept if the source disappears', () => {
    const { chart } = testChart();
    const src = SecretSource.secretsManager('cnai-test/x', { store: 'aws', refreshInterval: '15m' });
    expect(src.kind).toBe(SecretSourceKind.SECRETS_MANAGER);
    const name = src.materialize(chart, 'S', { namespace: 'ns', name: 'x-db', keys: { password: 'password' }, templates: { uri: 'postgresql://u:{{ .password | urlquery }}@h/db' }, syncWave: -1 });
    expect(name).toBe('x-db');
    const [es] = Testing.synth(chart);
    assertValidManifests([es], { kubernetesVersion: '1.34' });
    expect(es.metadata.annotations['argocd.argoproj.io/sync-wave']).toBe('-1');
    expect(es.spec).toEqual({
      refreshInterval: '15m',
      secretStoreRef: { kind: 'ClusterSecretStore', name: 'aws' },
      target: {
        name: 'x-db',
        creationPolicy: 'Owner',
        deletionPolicy: 'Retain',
        template: { engineVersion: 'v2', mergePolicy: 'Merge', data: { uri: 'postgresql://u:{{ .password | urlquery }}@h/db' } },
      },
      data: [{ secretKey: 'password', remoteRef: { key: 'cnai-test/x', property: 'password' } }],
    });
  });

  test('Secrets Manager: a Secret of a given type (a TLS certificate), without templates', () => {
    const { chart } = testChart();
    SecretSource.secretsManager('cnai-test/tls').materialize(chart, 'S', { namespace: 'ns', name: 'tls', keys: { 'tls.crt': 'tls.crt', 'tls.key': 'tls.key' }, secretType: 'kubernetes.io/tls' });
    const [es] = Testing.synth(chart);
    assertValidManifests([es], { kubernetesVersion: '1.34' });
    expect(es.spec.target.template).toEqual({ engineVersion: 'v2', mergePolicy: 'Merge', type: 'kubernetes.io/tls' });
  });

  test('an existing Secret: nothing emitted, its name returned', () => {
    const { chart } = testChart();
    expect(SecretSource.existingSecret('keys').materialize(chart, 'S', { namespace: 'ns', name: 'ignored', keys: { a: 'a' } })).toBe('keys');
    expect(Testing.synth(chart)).toEqual([]);
  });

  test('errors: a secret value where a name belongs, a bad store, a bad interval', () => {
    expect(() => SecretSource.existingSecret('hunter2 is my password')).toThrow(/SecretSource\.existingSecret: invalid secretName/);
    expect(() => SecretSource.secretsManager('')).toThrow(/invalid secretId = "": not a Secrets Manager secret name or ARN/);
    expect(() => SecretSource.secretsManager('x', { store: 'Bad_Store' })).toThrow(/invalid store = "Bad_Store"/);
    expect(() => SecretSource.secretsManager('x', { refreshInterval: 'hourly' })).toThrow(/invalid refreshInterval = "hourly": not a Go duration/);
  });
});

describe('EncryptedStorageClass', () => {
  test('one class per app, reused by every database; a customer key when given', () => {
    const { chart } = testChart();
    const a = EncryptedStorageClass.ensure(chart);
    expect(EncryptedStorageClass.ensure(chart)).toBe(a);
    const b = EncryptedStorageClass.ensure(chart, { name: 'cmk', kmsKeyArn: 'arn:aws:kms:us-west-2:123456789012:key/abc' });
    const objects = Testing.synth(chart);
    assertValidManifests(objects, { kubernetesVersion: '1.34' });
    expect(objects).toHaveLength(2);
    expect(objects[1].parameters.kmsKeyId).toBe('arn:aws:kms:us-west-2:123456789012:key/abc');
    expect(b.storageClassName).toBe('cmk');
    expect(() => EncryptedStorageClass.ensure(chart, { name: 'cmk' })).toThrow(/already declares StorageClass cmk with another key/);
    expect(() => new EncryptedStorageClass(chart, 'x', { kmsKeyArn: 'alias/x' })).toThrow(/invalid kmsKeyArn = "alias\/x": not a KMS key ARN/);
  });
});
