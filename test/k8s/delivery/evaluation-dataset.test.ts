import { PlatformContract } from '../../../lib/core/contract';
import { EvaluationDataset } from '../../../lib/k8s/delivery/evaluation-dataset';

const ERROR = (uri: string) => `EvaluationDataset.s3: invalid uri = ${JSON.stringify(uri)}: not the S3 URI of a file. `
  + 'Fix: give s3://<bucket>/<key>, e.g. s3://cnai-dev-datasets/evaluation/chat/golden-v1.jsonl.';

describe('EvaluationDataset', () => {
  test('an S3 URI: bucket, key and the URI back', () => {
    const d = EvaluationDataset.s3('s3://cnai-dev-datasets/evaluation/chat/golden-v1.jsonl');
    expect([d.bucket, d.key, d.uri]).toEqual(['cnai-dev-datasets', 'evaluation/chat/golden-v1.jsonl', 's3://cnai-dev-datasets/evaluation/chat/golden-v1.jsonl']);
  });

  test('a key of the contract\'s datasets bucket, leading slashes dropped', () => {
    const contract = { buckets: { models: 'cnai-dev-models', datasets: 'cnai-dev-datasets' } } as unknown as PlatformContract;
    expect(EvaluationDataset.fromDatasetsBucket(contract, '/eval/qa.jsonl').uri).toBe('s3://cnai-dev-datasets/eval/qa.jsonl');
    expect(EvaluationDataset.fromDatasetsBucket(contract, 'eval/qa.jsonl').key).toBe('eval/qa.jsonl');
  });

  test('keys with the characters S3 calls safe', () => {
    expect(EvaluationDataset.s3("s3://b.example-1/a/(b)_c!'d*.jsonl").key).toBe("a/(b)_c!'d*.jsonl");
  });

  test.each([
    ['another scheme', 'https://bucket/key.jsonl'],
    ['no key', 's3://bucket'],
    ['a bucket name with capitals', 's3://Bucket/key.jsonl'],
    ['a bucket name of two characters', 's3://ab/key.jsonl'],
    ['an empty path part', 's3://bucket/eval//x.jsonl'],
    ['a folder', 's3://bucket/eval/'],
    ['a space in the key', 's3://bucket/my file.jsonl'],
  ])('%s (exact message)', (_what, uri) => {
    expect(() => EvaluationDataset.s3(uri)).toThrow(ERROR(uri));
  });

  test('a key from the datasets bucket that is not a file key', () => {
    const contract = { buckets: { models: 'm', datasets: 'cnai-dev-datasets' } } as unknown as PlatformContract;
    expect(() => EvaluationDataset.fromDatasetsBucket(contract, 'eval/')).toThrow(ERROR('s3://cnai-dev-datasets/eval/'));
  });
});
