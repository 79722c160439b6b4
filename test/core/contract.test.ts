import {
  DATA_SERVICES, hasAwsLayer, KARPENTER, karpenterInterruptionQueueName, LOAD_BALANCER_CONTROLLER, OBSERVABILITY, PlatformContract,
  serviceSecretName, TRAINING, trainingOutputPrefix, vectorSnapshotPrefix, vectorSnapshotServiceAccount,
} from '../../lib/core/contract';

describe('names both layers share', () => {
  test('data services', () => {
    expect(DATA_SERVICES).toEqual({
      registryArtifactPrefix: 'mlflow/',
      registryNamespace: 'mlflow',
      registryServiceAccount: 'mlflow',
      vectorSnapshotPrefix: 'vector-snapshots/',
      secretsReader: { namespace: 'external-secrets', serviceAccount: 'external-secrets' },
    });
    expect(vectorSnapshotServiceAccount('docs')).toBe('docs-snapshots');
    expect(vectorSnapshotPrefix('rag', 'docs')).toBe('vector-snapshots/rag/docs/');
    expect(serviceSecretName('cnai', 'prod', 'vector-db/rag/docs')).toBe('cnai-prod/vector-db/rag/docs');
  });

  test('training: a team\'s prefix, or one job\'s under it', () => {
    expect(TRAINING).toEqual({ serviceAccount: 'ml-training', sparkServiceAccount: 'ml-training-spark', outputPrefix: 'training/', preparedDataPrefix: 'prepared/' });
    expect(trainingOutputPrefix('team-a')).toBe('training/team-a/');
    expect(trainingOutputPrefix('team-a', 'llama-ft')).toBe('training/team-a/llama-ft/');
    expect(trainingOutputPrefix('team-a', '')).toBe('training/team-a/');
  });

  test('observability, Karpenter and the load balancer controller', () => {
    expect(OBSERVABILITY).toEqual({ namespace: 'observability', collectorServiceAccount: 'otel-collector' });
    expect(KARPENTER).toEqual({
      namespace: 'karpenter',
      serviceAccount: 'karpenter',
      nodeRolePurpose: 'karpenter-node',
      controllerRolePurpose: 'karpenter-controller',
      discoveryTag: 'karpenter.sh/discovery',
    });
    expect(LOAD_BALANCER_CONTROLLER).toEqual({
      namespace: 'aws-load-balancer-controller', serviceAccount: 'aws-load-balancer-controller', rolePurpose: 'load-balancer-controller',
    });
  });
});

describe('karpenterInterruptionQueueName', () => {
  test('"<cluster>-karpenter" up to the 80 characters SQS allows', () => {
    expect(karpenterInterruptionQueueName('cnai-prod')).toBe('cnai-prod-karpenter');
    const longest = 'a'.repeat(70);
    expect(karpenterInterruptionQueueName(longest)).toBe(`${longest}-karpenter`);
  });

  test('longer: shortened deterministically to 80 characters with a hash', () => {
    const name = karpenterInterruptionQueueName('a'.repeat(71));
    expect(name).toBe(`${'a'.repeat(71)}-7539624b`);
    expect(name).toHaveLength(80);
    expect(karpenterInterruptionQueueName('c'.repeat(100))).toBe(`${'c'.repeat(71)}-58667758`);
  });
});

describe('hasAwsLayer', () => {
  test('true unless the contract says awsLayer: false', () => {
    const c = { clusterName: 'x' } as unknown as PlatformContract;
    expect(hasAwsLayer(c)).toBe(true);
    expect(hasAwsLayer({ ...c, awsLayer: true })).toBe(true);
    expect(hasAwsLayer({ ...c, awsLayer: false })).toBe(false);
  });
});
