import { TerraformOutput } from 'cdktf';
import { only, resources, synth, testCluster, testNaming, testStack } from './util';
import { ContainerRepository, ContainerRepositoryProps } from '../../lib/aws';
import { EncryptionKey } from '../../lib/aws/encryption-key';

function repo(props: Partial<ContainerRepositoryProps> = {}) {
  const stack = testStack();
  const key = new EncryptionKey(stack, 'key', { naming: testNaming(), purpose: 'images' });
  const repository = new ContainerRepository(stack, 'repo', { naming: testNaming(), name: 'serving', key, ...props });
  return { stack, repository };
}

describe('ContainerRepository', () => {
  test('defaults: "<prefix>/<name>", untagged images expire after 14 days, destroy fails while it holds images', () => {
    const { stack, repository } = repo();
    expect(repository.repositoryName).toBe('cnai-test/serving');
    expect(repository.untaggedImageExpiryDays).toBe(14);
    const json = synth(stack);
    expect(only(json, 'aws_ecr_repository').force_delete).toBe(false);
    const [[repoId]] = resources(json, 'aws_ecr_repository');
    const lifecycle = only(json, 'aws_ecr_lifecycle_policy');
    expect(lifecycle.repository).toBe(`\${aws_ecr_repository.${repoId}.name}`);
    expect(JSON.parse(lifecycle.policy)).toEqual({
      rules: [{
        rulePriority: 1,
        description: 'Expire untagged images',
        selection: { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 14 },
        action: { type: 'expire' },
      }],
    });
  });

  test('KMS encryption with the given key', () => {
    const { stack } = repo();
    const json = synth(stack);
    const [[keyId]] = resources(json, 'aws_kms_key');
    expect(only(json, 'aws_ecr_repository').encryption_configuration).toEqual([{ encryption_type: 'KMS', kms_key: `\${aws_kms_key.${keyId}.arn}` }]);
  });

  test('expiry days and forceDelete as given', () => {
    const { stack, repository } = repo({ untaggedImageExpiryDays: 3, forceDelete: true });
    expect(repository.untaggedImageExpiryDays).toBe(3);
    const json = synth(stack);
    expect(only(json, 'aws_ecr_repository').force_delete).toBe(true);
    expect(JSON.parse(only(json, 'aws_ecr_lifecycle_policy').policy).rules[0].selection.countNumber).toBe(3);
  });

  test('repositoryUrl and repositoryArn are the repository\'s attributes', () => {
    const { stack, repository } = repo();
    new TerraformOutput(stack, 'url', { value: repository.repositoryUrl });
    new TerraformOutput(stack, 'arn', { value: repository.repositoryArn });
    const json = synth(stack);
    const [[repoId]] = resources(json, 'aws_ecr_repository');
    expect(json.output.url.value).toBe(`\${aws_ecr_repository.${repoId}.repository_url}`);
    expect(json.output.arn.value).toBe(`\${aws_ecr_repository.${repoId}.arn}`);
  });

  test('grantPull: statement ids numbered by position after earlier grants', () => {
    const stack = testStack();
    const cluster = testCluster(stack);
    const key = new EncryptionKey(stack, 'key', { naming: cluster.naming, purpose: 'images' });
    const a = new ContainerRepository(stack, 'a', { naming: cluster.naming, name: 'a', key });
    const b = new ContainerRepository(stack, 'b', { naming: cluster.naming, name: 'b', key });
    const identity = cluster.addWorkloadIdentity('puller', { namespace: 'serving', serviceAccount: 'vllm' });
    a.grantPull(identity);
    b.grantPull(identity);
    expect(identity.grantedStatements.map((s) => s.sid)).toEqual(['EcrAuth0', 'EcrPull1', 'EcrAuth2', 'EcrPull3']);
  });

  describe('errors', () => {
    test.each([0, 1.5])('untaggedImageExpiryDays %p', (days) => {
      expect(() => repo({ untaggedImageExpiryDays: days })).toThrow(
        `test/repo: invalid untaggedImageExpiryDays = ${days}: ECR lifecycle rules count whole days, at least 1. Fix: give a whole number of days >= 1.`);
    });

    test('a name ECR rejects', () => {
      expect(() => repo({ name: 'Bad!' })).toThrow(
        'test/repo: invalid name = "cnai-test/Bad!": not a valid ECR repository name (14 characters); it must be 2 to 256 lowercase letters and digits, '
        + 'separated by single ".", "_", "-" or "/". Fix: choose a name of 2 to 256 lowercase letters and digits, separated by single ".", "_", "-" or "/".');
    });
  });
});
