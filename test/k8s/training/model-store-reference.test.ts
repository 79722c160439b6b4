import { platformContract } from './fixtures';
import { TRAINING } from '../../../lib/core';
import { ModelStoreReference } from '../../../lib/k8s';

describe('ModelStoreReference', () => {
  const store = ModelStoreReference.fromContract(platformContract([]));

  test('locations and environment from the contract', () => {
    expect(store.modelsUri('/base/llama/')).toBe('s3://cnai-test-models/base/llama/');
    expect(store.datasetsUri('chat')).toBe('s3://cnai-test-datasets/chat/');
    expect(store.trainingOutputUri('team-a', 'sft')).toBe('s3://cnai-test-models/training/team-a/sft/');
    expect(store.preparedDataUri('team-a', 'prep')).toBe('s3://cnai-test-datasets/prepared/team-a/prep/');
    expect(store.environment()).toEqual({
      AWS_REGION: 'us-west-2', AWS_DEFAULT_REGION: 'us-west-2', MODEL_STORE_URI: 's3://cnai-test-models/', DATASETS_URI: 's3://cnai-test-datasets/',
    });
    expect(store.hasIdentity('team-a', TRAINING.serviceAccount)).toBe(true);
    expect(store.hasIdentity('team-b', TRAINING.serviceAccount)).toBe(false);
  });

  describe('errors', () => {
    test('a prefix that leaves the bucket', () => {
      expect(() => store.modelsUri('../other')).toThrow(/ModelStoreReference.modelsUri: invalid prefix = "..\/other": not an S3 key prefix of safe characters/);
    });

    test('a region that is none', () => {
      expect(() => new ModelStoreReference({ buckets: { models: 'cnai-m', datasets: 'cnai-d' }, region: 'mars' })).toThrow(/invalid region = "mars": not an AWS region name/);
    });

    test('a bucket name that is none', () => {
      expect(() => new ModelStoreReference({ buckets: { models: 'Models', datasets: 'cnai-d' }, region: 'us-west-2' })).toThrow(/invalid buckets.models = "Models"/);
    });
  });
});
