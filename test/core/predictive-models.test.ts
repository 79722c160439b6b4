import { PredictiveModelFormat, PredictiveRuntime, PredictiveRuntimes } from '../../lib/core/predictive-models';

describe('PredictiveRuntimes', () => {
  test('each format\'s default runtime, as KServe v0.20.0 names its ClusterServingRuntimes', () => {
    const defaults = Object.values(PredictiveModelFormat).map((f) => `${f} -> ${PredictiveRuntimes.forFormat(f).runtime}`);
    expect(defaults).toEqual([
      'sklearn -> kserve-sklearnserver',
      'xgboost -> kserve-xgbserver',
      'lightgbm -> kserve-lgbserver',
      'onnx -> kserve-tritonserver',
      'tensorflow -> kserve-tensorflow-serving',
      'pytorch -> kserve-torchserve',
      'tensorrt -> kserve-tritonserver',
      'triton -> kserve-tritonserver',
      'pmml -> kserve-pmmlserver',
      'paddle -> kserve-paddleserver',
      'autogluon -> kserve-autogluonserver',
      'mlflow -> kserve-mlserver',
    ]);
  });

  test('a runtime that serves the format is taken with its protocol, ports and health paths', () => {
    expect(PredictiveRuntimes.forFormat(PredictiveModelFormat.XGBOOST, PredictiveRuntime.MLSERVER)).toEqual({
      runtime: 'kserve-mlserver',
      formats: ['sklearn', 'xgboost', 'lightgbm', 'mlflow'],
      protocol: 'v2',
      httpPort: 8080,
      metricsPort: 8080,
      readyPath: '/v2/health/ready',
      livePath: '/v2/health/live',
      gpuCapable: false,
    });
    expect(PredictiveRuntimes.forFormat(PredictiveModelFormat.LIGHTGBM, PredictiveRuntime.PREDICTIVE_SERVER)).toMatchObject({ protocol: 'v1', threadsFlag: '--nthread' });
  });

  test('an unknown runtime for a model format is an error naming the runtimes that serve it', () => {
    expect(() => PredictiveRuntimes.forFormat(PredictiveModelFormat.ONNX, PredictiveRuntime.SKLEARN_SERVER, 'spec cnai', 'models[0].predictive.runtime'))
      .toThrow('spec cnai: invalid models[0].predictive.runtime = "kserve-sklearnserver": kserve-sklearnserver does not serve onnx models (it declares sklearn). '
        + 'Fix: use a runtime that serves onnx: kserve-tritonserver, or leave the runtime out for kserve-tritonserver.');
  });

  test('a runtime that is not one of KServe\'s is an error', () => {
    expect(() => PredictiveRuntimes.forFormat(PredictiveModelFormat.SKLEARN, 'kserve-openvino' as PredictiveRuntime))
      .toThrow(/runtime = "kserve-openvino": not a predictive ClusterServingRuntime of KServe v0.20.0/);
  });

  test('a format that is not one of KServe\'s is an error', () => {
    expect(() => PredictiveRuntimes.forFormat('catboost' as PredictiveModelFormat)).toThrow(/format = "catboost": not a model format of KServe's predictive runtimes/);
  });
});

test('what the runtimes\' templates read from the InferenceService', () => {
  const values = (format: PredictiveModelFormat, runtime?: PredictiveRuntime) =>
    PredictiveRuntimes.templateValues(PredictiveRuntimes.forFormat(format, runtime), format);
  expect(values(PredictiveModelFormat.XGBOOST, PredictiveRuntime.PREDICTIVE_SERVER)).toEqual({ labels: {}, annotations: { modelFormat: 'xgboost' } });
  expect(values(PredictiveModelFormat.MLFLOW)).toEqual({ labels: { modelClass: 'mlserver_mlflow.MLflowRuntime' }, annotations: {} });
  expect(values(PredictiveModelFormat.PYTORCH)).toEqual({ labels: { serviceEnvelope: 'kserve' }, annotations: {} });
  expect(values(PredictiveModelFormat.SKLEARN)).toEqual({ labels: {}, annotations: {} });
});
