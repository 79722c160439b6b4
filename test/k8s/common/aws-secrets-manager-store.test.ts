import { Testing } from 'cdk8s';
import { AwsSecretsManagerStore, SecretSource } from '../../../lib/k8s';
import { contract } from '../helpers';

describe('AwsSecretsManagerStore', () => {
  test('a ClusterSecretStore for Secrets Manager in the platform\'s region, before the ExternalSecrets that read it', () => {
    const chart = Testing.chart();
    const store = new AwsSecretsManagerStore(chart, 'store', { contract: contract([]) });
    expect(store.storeName).toBe('aws-secrets-manager');
    // The store SecretSource.secretsManager() reads by default.
    expect(SecretSource.secretsManager('cnai-test/x').store).toBe(store.storeName);
    const [obj] = Testing.synth(chart);
    expect(obj).toEqual({
      apiVersion: 'external-secrets.io/v1',
      kind: 'ClusterSecretStore',
      metadata: { name: 'aws-secrets-manager', annotations: { 'argocd.argoproj.io/sync-wave': '-2' } },
      spec: { provider: { aws: { service: 'SecretsManager', region: 'us-west-2' } } },
    });
  });

  test('a store name that is not a DNS-1123 subdomain', () => {
    expect(() => new AwsSecretsManagerStore(Testing.chart(), 'store', { contract: contract([]), name: 'AWS' })).toThrow(/invalid name = "AWS"/);
  });
});
