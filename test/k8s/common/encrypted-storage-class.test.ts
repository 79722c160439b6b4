import { App, Chart, Testing } from 'cdk8s';
import { DEFAULT_ENCRYPTED_STORAGE_CLASS, EBS_CSI_PROVISIONER, EncryptedStorageClass } from '../../../lib/k8s/common/encrypted-storage-class';

describe('EncryptedStorageClass', () => {
  test('the default name and provisioner', () => {
    expect(DEFAULT_ENCRYPTED_STORAGE_CLASS).toBe('cnai-gp3-encrypted-retain');
    expect(EBS_CSI_PROVISIONER).toBe('ebs.csi.aws.com');
  });

  test('defaults: encrypted gp3 with the account key, retained, bound where the pod runs, expandable, in the namespaces\' wave', () => {
    const chart = Testing.chart();
    const sc = new EncryptedStorageClass(chart, 'sc');
    expect(sc.storageClassName).toBe('cnai-gp3-encrypted-retain');
    expect(sc.kmsKeyArn).toBeUndefined();
    expect(Testing.synth(chart)).toEqual([{
      apiVersion: 'storage.k8s.io/v1',
      kind: 'StorageClass',
      metadata: { name: 'cnai-gp3-encrypted-retain', annotations: { 'argocd.argoproj.io/sync-wave': '-30' } },
      provisioner: 'ebs.csi.aws.com',
      parameters: { 'type': 'gp3', 'encrypted': 'true', 'csi.storage.k8s.io/fstype': 'ext4' },
      reclaimPolicy: 'Retain',
      volumeBindingMode: 'WaitForFirstConsumer',
      allowVolumeExpansion: true,
    }]);
  });

  test('a KMS alias ARN is a key too', () => {
    const chart = Testing.chart();
    const alias = 'arn:aws-us-gov:kms:us-gov-west-1:123456789012:alias/cnai-ebs';
    new EncryptedStorageClass(chart, 'sc', { name: 'cnai-gov', kmsKeyArn: alias });
    const [sc] = Testing.synth(chart);
    expect(sc.metadata.name).toBe('cnai-gov');
    expect(sc.parameters).toEqual({ 'type': 'gp3', 'encrypted': 'true', 'csi.storage.k8s.io/fstype': 'ext4', 'kmsKeyId': alias });
  });

  test('ensure finds the class in another chart of the same app', () => {
    const app = new App();
    const a = EncryptedStorageClass.ensure(new Chart(app, 'data'));
    const second = new Chart(app, 'monitoring');
    expect(EncryptedStorageClass.ensure(second)).toBe(a);
    expect(Testing.synth(second)).toEqual([]);
  });

  test('ensure with a default-named class of another key (exact message)', () => {
    const chart = Testing.chart();
    EncryptedStorageClass.ensure(chart);
    expect(() => EncryptedStorageClass.ensure(chart, { kmsKeyArn: 'arn:aws:kms:us-west-2:123456789012:key/abc' })).toThrow(
      'test: invalid storageClass.kmsKeyArn = "arn:aws:kms:us-west-2:123456789012:key/abc": the app already declares StorageClass cnai-gp3-encrypted-retain with another key. '
      + 'Fix: give the class another name, or use the same key.');
  });

  test('a KMS ARN of another service (exact message)', () => {
    expect(() => new EncryptedStorageClass(Testing.chart(), 'sc', { kmsKeyArn: 'arn:aws:s3:::bucket' })).toThrow(
      'test/sc: invalid kmsKeyArn = "arn:aws:s3:::bucket": not a KMS key ARN. Fix: give arn:aws:kms:<region>:<account>:key/<id>.');
  });

  test('a name that is not a DNS-1123 subdomain', () => {
    expect(() => new EncryptedStorageClass(Testing.chart(), 'sc', { name: 'GP3_Encrypted' })).toThrow(/^test\/sc: invalid name = "GP3_Encrypted": not a valid DNS-1123 subdomain/);
  });
});
