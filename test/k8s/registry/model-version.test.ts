import { ModelVersion } from '../../../lib/k8s/registry/model-version';

const PROPS = {
  modelName: 'chat',
  modelVersion: '3',
  storageUri: 's3://cnai-dev-models/mlflow/artifacts/1/abc/artifacts/model/',
  bucket: 'cnai-dev-models',
  prefix: 'mlflow/artifacts/1/abc/artifacts/model/',
  readPrefix: 'mlflow/artifacts/',
};

describe('ModelVersion', () => {
  test('the props as given; no registry URI by default', () => {
    const v = new ModelVersion(PROPS);
    expect({ ...v }).toEqual({ ...PROPS, registryUri: undefined });
  });

  test('with the registry\'s URI', () => {
    expect(new ModelVersion({ ...PROPS, registryUri: 'models:/chat/3' }).registryUri).toBe('models:/chat/3');
    expect(new ModelVersion({ ...PROPS, modelVersion: '120' }).modelVersion).toBe('120');
  });

  test('version 0 (exact message)', () => {
    expect(() => new ModelVersion({ ...PROPS, modelVersion: '0' })).toThrow(
      'ModelVersion(chat): invalid version = "0": a registry version is a positive whole number. Fix: give the version number the registry shows, e.g. 3.');
  });

  test('versions that are not whole positive numbers', () => {
    for (const v of ['03', 'v3', '3.1', '', 'latest', '-1']) expect(() => new ModelVersion({ ...PROPS, modelVersion: v })).toThrow(`invalid version = ${JSON.stringify(v)}`);
  });
});
