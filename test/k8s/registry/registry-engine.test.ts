import { ModelRegistryKind } from '../../../lib/core/platform-spec';
import { SecretSource } from '../../../lib/k8s/common/secret-source';
import { RegistryEngine } from '../../../lib/k8s/registry/registry-engine';

describe('RegistryEngine', () => {
  test('MLflow: its options as given, no Kubeflow options', () => {
    expect(RegistryEngine.mlflow()).toMatchObject({ kind: ModelRegistryKind.MLFLOW, mlflowOptions: {}, kubeflowOptions: undefined });
    const credentials = SecretSource.secretsManager('cnai-dev/model-registry');
    const e = RegistryEngine.mlflow({ credentials, workers: 4, allowedHosts: ['mlflow.example.com'], metrics: false });
    expect(e.mlflowOptions).toEqual({ credentials, workers: 4, allowedHosts: ['mlflow.example.com'], metrics: false });
  });

  test('Kubeflow: its options as given, no MLflow options', () => {
    expect(RegistryEngine.kubeflow()).toMatchObject({ kind: ModelRegistryKind.KUBEFLOW, mlflowOptions: undefined, kubeflowOptions: {} });
    expect(RegistryEngine.kubeflow({ istioSidecar: true }).kubeflowOptions).toEqual({ istioSidecar: true });
  });
});
