import { Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { ModelSource, ModelSourceKind, SecretKeyRef } from '../../../lib/k8s';
import { contract } from '../helpers';

describe('ModelSource', () => {
  test('s3: bucket, prefix, storage URI with one trailing slash, workload identity', () => {
    const s = ModelSource.s3('s3://cnai-dev-models/llama-3.1-8b-instruct', { region: 'us-west-2' });
    expect(s.kind).toBe(ModelSourceKind.S3);
    expect(s.bucket).toBe('cnai-dev-models');
    expect(s.prefix).toBe('llama-3.1-8b-instruct');
    expect(s.storageUri).toBe('s3://cnai-dev-models/llama-3.1-8b-instruct/');
    expect(s.region).toBe('us-west-2');
    expect(s.usesWorkloadIdentity).toBe(true);
    expect(s.downloadsAtStartup).toBe(true);
    expect(ModelSource.s3Bucket('b-1', '/a/b/').storageUri).toBe('s3://b-1/a/b/');
  });

  test('fromModelStore: the contract\'s models bucket and region', () => {
    const c = { ...contract([]), buckets: { models: 'cnai-test-models', datasets: 'cnai-test-datasets' } };
    const s = ModelSource.fromModelStore(c, 'llama');
    expect(s.storageUri).toBe('s3://cnai-test-models/llama/');
    expect(s.region).toBe('us-west-2');
  });

  test('huggingFace: repo, revision and the token as a Secret reference', () => {
    const chart = Testing.chart();
    const secret = kplus.Secret.fromSecretName(chart, 'Tok', 'hf-token');
    const s = ModelSource.huggingFace('meta-llama/Llama-3.1-8B-Instruct', {
      tokenSecret: SecretKeyRef.fromSecret(secret, 'HF_TOKEN'),
      revision: '0e9e39f249a16976918f6564b8830bc894c89659',
    });
    expect(s.kind).toBe(ModelSourceKind.HUGGING_FACE);
    expect(s.storageUri).toBe('hf://meta-llama/Llama-3.1-8B-Instruct:0e9e39f249a16976918f6564b8830bc894c89659');
    expect(s.tokenSecret!.toEnvVarSource()).toEqual({ secretKeyRef: { name: 'hf-token', key: 'HF_TOKEN' } });
    expect(s.usesWorkloadIdentity).toBe(false);
  });

  test('oci: image with tag or digest, model path, no download at start-up', () => {
    const s = ModelSource.oci('123456789012.dkr.ecr.us-west-2.amazonaws.com/models/bge:1.5');
    expect(s.storageUri).toBe('oci://123456789012.dkr.ecr.us-west-2.amazonaws.com/models/bge:1.5');
    expect(s.modelPath).toBe('/models');
    expect(s.downloadsAtStartup).toBe(false);
    const d = `sha256:${'a'.repeat(64)}`;
    expect(ModelSource.oci(`oci://registry.example.com/m@${d}`).image).toBe(`registry.example.com/m@${d}`);
  });

  test('fromArtifact: a registered version is served by its storage URI, and keeps the artifact', () => {
    const artifact = { storageUri: 's3://cnai-dev-models/registry/chat/3', modelName: 'chat', modelVersion: '3' };
    const s = ModelSource.fromArtifact(artifact, { region: 'eu-west-1' });
    expect(s.kind).toBe(ModelSourceKind.S3);
    expect(s.storageUri).toBe('s3://cnai-dev-models/registry/chat/3/');
    expect(s.artifact).toBe(artifact);
    expect(ModelSource.fromArtifact({ storageUri: 'hf://BAAI/bge-large-en-v1.5' }).repoId).toBe('BAAI/bge-large-en-v1.5');
    expect(ModelSource.fromArtifact({ storageUri: 'oci://r.example.com/m:1' }).kind).toBe(ModelSourceKind.OCI);
  });

  describe('errors', () => {
    test('a Hugging Face token given as a plain string is refused, and never echoed', () => {
      const token = 'hf_abcdefghijklmnopqrstuvwxyz0123456789';
      const call = () => ModelSource.huggingFace('meta-llama/Llama-3.1-8B-Instruct', { tokenSecret: token as unknown as SecretKeyRef });
      expect(call).toThrow(/ModelSource\.huggingFace: invalid tokenSecret = .*a plain string where a Secret reference is expected.*Fix: store the token in a Secret/);
      expect(call).not.toThrow(new RegExp(token));
    });

    test('an inline token prop does not exist', () => {
      expect(() => ModelSource.huggingFace('org/model', { token: 'hf_x' } as never))
        .toThrow(/invalid token = .*cannot be given inline.*Fix: store it in a Secret/);
    });

    test('an S3 URI must name a bucket', () => {
      expect(() => ModelSource.s3('https://bucket.s3.amazonaws.com/x')).toThrow(/ModelSource\.s3: invalid uri = .*not an S3 URI.*Fix: give s3:\/\/<bucket>\/<prefix>/);
    });

    test('an S3 region must be a region name', () => {
      expect(() => ModelSource.s3('s3://bucket/x', { region: 'Oregon' })).toThrow(/invalid region = "Oregon": not an AWS region name/);
    });

    test('a repository id must be <org>/<name>', () => {
      expect(() => ModelSource.huggingFace('https://huggingface.co/org/model')).toThrow(/invalid repoId = .*not a Hugging Face repository id/);
    });

    test('a revision must be a branch, tag or commit', () => {
      expect(() => ModelSource.huggingFace('org/model', { revision: 'a b' })).toThrow(/invalid revision = "a b": not a branch, tag or commit/);
    });

    test('an OCI image needs a tag or digest', () => {
      expect(() => ModelSource.oci('registry.example.com/models/bge')).toThrow(/ModelSource\.oci: invalid image = .*not an image reference with a tag or digest/);
    });

    test('an OCI image may not be latest', () => {
      expect(() => ModelSource.oci('registry.example.com/models/bge:latest')).toThrow(/the tag latest is not reproducible.*Fix: pin a version tag or a digest/);
    });

    test('an OCI model path must be absolute', () => {
      expect(() => ModelSource.oci('r.example.com/m:1', { modelPath: 'models' })).toThrow(/invalid modelPath = "models": not an absolute path/);
    });

    test('an artifact needs a storage URI', () => {
      expect(() => ModelSource.fromArtifact({} as never)).toThrow(/ModelSource\.fromArtifact: invalid artifact\.storageUri = undefined: the artifact has no storage URI/);
    });

    test('an artifact in an unsupported store is refused', () => {
      expect(() => ModelSource.fromArtifact({ storageUri: 'gs://bucket/model' })).toThrow(/a storage scheme the model servers cannot load/);
    });
  });
});
