import { platformContract } from './fixtures';
import { DatasetSource, DatasetSourceKind, ModelStoreReference, SecretKeyRef } from '../../../lib/k8s';

describe('DatasetSource', () => {
  const store = ModelStoreReference.fromContract(platformContract([]));

  test('from the model store, S3 and the Hub', () => {
    const s = DatasetSource.fromModelStore(store, 'chat/v1');
    expect(s).toMatchObject({ kind: DatasetSourceKind.S3, storageUri: 's3://cnai-test-datasets/chat/v1/', region: 'us-west-2' });
    expect(s.modelStore).toBe(store);
    expect(s.usesWorkloadIdentity).toBe(true);
    expect(DatasetSource.s3('s3://other-bucket/x/', 'eu-west-1').region).toBe('eu-west-1');
    const hf = DatasetSource.huggingFace('tatsu-lab/alpaca', { tokenSecret: SecretKeyRef.fromName('hf', 'token') });
    expect(hf).toMatchObject({ kind: DatasetSourceKind.HUGGING_FACE, storageUri: 'hf://tatsu-lab/alpaca' });
    expect(hf.usesWorkloadIdentity).toBe(false);
  });

  describe('errors', () => {
    test('a Hugging Face token given as a string', () => {
      expect(() => DatasetSource.huggingFace('org/d', { tokenSecret: 'hf_secret_value' as any }))
        .toThrow(/invalid tokenSecret = "<string of 15 characters, not shown>": a plain string where a Secret reference is expected/);
    });

    test('a repository id that is none', () => {
      expect(() => DatasetSource.huggingFace('not a repo')).toThrow(/DatasetSource.huggingFace: invalid repoId = "not a repo"/);
    });

    test('an S3 URI that is none', () => {
      expect(() => DatasetSource.s3('https://bucket/x', 'us-west-2')).toThrow(/DatasetSource.s3: invalid uri = "https:\/\/bucket\/x": not an S3 URI/);
    });

    test('an S3 region that is none', () => {
      expect(() => DatasetSource.s3('s3://bucket/x', 'west')).toThrow(/DatasetSource.s3: invalid region = "west"/);
    });
  });
});
