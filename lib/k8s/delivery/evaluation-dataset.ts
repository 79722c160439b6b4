import { PlatformContract } from '../../core/contract';
import { invalidProp } from '../../core/errors';

const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const KEY = /^[A-Za-z0-9!_.*'()-][A-Za-z0-9!_.*'()/-]*$/;

/**
 * An evaluation dataset in S3: a JSON Lines file, one `{"prompt": "...", "expected": "..."}` per
 * line, which a delivery's evaluation Job reads with its own read-only identity.
 */
export class EvaluationDataset {
  /**
   * A file of the platform's datasets bucket (the contract's).
   * @param contract the platform contract
   * @param key the file's key, e.g. `evaluation/chat/golden-v1.jsonl`
   */
  public static fromDatasetsBucket(contract: PlatformContract, key: string): EvaluationDataset {
    return EvaluationDataset.s3(`s3://${contract.buckets.datasets}/${typeof key === 'string' ? key.replace(/^\/+/, '') : key}`);
  }

  /**
   * A file in S3.
   * @param uri `s3://<bucket>/<key>`
   */
  public static s3(uri: string): EvaluationDataset {
    const m = typeof uri === 'string' ? /^s3:\/\/([^/]+)\/(.+)$/.exec(uri) : null;
    if (!m || !BUCKET.test(m[1]) || !KEY.test(m[2]) || m[2].endsWith('/') || m[2].includes('//')) {
      throw invalidProp('EvaluationDataset.s3', 'uri', uri, 'not the S3 URI of a file', 'give s3://<bucket>/<key>, e.g. s3://cnai-dev-datasets/evaluation/chat/golden-v1.jsonl');
    }
    return new EvaluationDataset(m[1], m[2]);
  }

  /** `s3://<bucket>/<key>`. */
  public readonly uri: string;

  private constructor(
    /** The bucket. */
    public readonly bucket: string,
    /** The file's key. */
    public readonly key: string,
  ) {
    this.uri = `s3://${bucket}/${key}`;
  }
}
