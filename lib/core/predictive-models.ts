import { invalidProp } from './errors';

/**
 * Predictive (classical and deep-learning) models and the KServe runtimes that serve them: the
 * vocabulary the spec and the Kubernetes layer share. The table is KServe v0.20.0's
 * `config/runtimes` (the ClusterServingRuntimes the platform's `kserve-runtimes` release installs).
 */

/** The format of a predictive model: KServe's `modelFormat.name`. */
export enum PredictiveModelFormat {
  /** scikit-learn (`model.joblib` or `model.pkl`). */
  SKLEARN = 'sklearn',
  /** XGBoost (`model.bst` or `model.json`). */
  XGBOOST = 'xgboost',
  /** LightGBM (`model.bst`). */
  LIGHTGBM = 'lightgbm',
  /** ONNX (a Triton model repository: `<model>/1/model.onnx` and `config.pbtxt`). */
  ONNX = 'onnx',
  /** TensorFlow SavedModel. */
  TENSORFLOW = 'tensorflow',
  /** PyTorch (TorchServe model archive, or TorchScript in a Triton model repository). */
  PYTORCH = 'pytorch',
  /** TensorRT engine (Triton model repository). */
  TENSORRT = 'tensorrt',
  /** A Triton model repository of any backend. */
  TRITON = 'triton',
  /** PMML. */
  PMML = 'pmml',
  /** PaddlePaddle. */
  PADDLE = 'paddle',
  /** AutoGluon tabular predictor. */
  AUTOGLUON = 'autogluon',
  /** An MLflow model (MLServer's MLflow runtime). */
  MLFLOW = 'mlflow',
}

/** KServe's predictive ClusterServingRuntimes (config/runtimes at v0.20.0), by name. */
export enum PredictiveRuntime {
  /** `kserve-sklearnserver`: KServe's scikit-learn server. */
  SKLEARN_SERVER = 'kserve-sklearnserver',
  /** `kserve-xgbserver`: KServe's XGBoost server. */
  XGBOOST_SERVER = 'kserve-xgbserver',
  /** `kserve-lgbserver`: KServe's LightGBM server. */
  LIGHTGBM_SERVER = 'kserve-lgbserver',
  /** `kserve-predictiveserver`: one KServe server for sklearn, XGBoost and LightGBM. */
  PREDICTIVE_SERVER = 'kserve-predictiveserver',
  /** `kserve-mlserver`: Seldon MLServer (open inference protocol v2 only). */
  MLSERVER = 'kserve-mlserver',
  /** `kserve-tritonserver`: NVIDIA Triton (ONNX, TensorRT, TensorFlow, PyTorch; protocol v2 only). */
  TRITON = 'kserve-tritonserver',
  /** `kserve-tensorflow-serving`: TensorFlow Serving. */
  TENSORFLOW_SERVING = 'kserve-tensorflow-serving',
  /** `kserve-torchserve`: TorchServe. */
  TORCHSERVE = 'kserve-torchserve',
  /** `kserve-pmmlserver`: KServe's PMML server. */
  PMML_SERVER = 'kserve-pmmlserver',
  /** `kserve-paddleserver`: KServe's PaddlePaddle server. */
  PADDLE_SERVER = 'kserve-paddleserver',
  /** `kserve-autogluonserver`: KServe's AutoGluon server. */
  AUTOGLUON_SERVER = 'kserve-autogluonserver',
}

/** The inference protocol a runtime speaks. */
export enum InferenceProtocol {
  /** KServe's V1 protocol (`/v1/models/<name>:predict`). */
  V1 = 'v1',
  /** The open inference protocol (V2, `/v2/models/<name>/infer`). */
  V2 = 'v2',
}

/** What the platform knows of one runtime: the formats it serves and how to reach and probe it. */
export interface PredictiveRuntimeInfo {
  /** The ClusterServingRuntime. */
  readonly runtime: PredictiveRuntime;
  /** The model formats it declares in `supportedModelFormats`. */
  readonly formats: PredictiveModelFormat[];
  /** The protocol the InferenceService asks for (`protocolVersion`). */
  readonly protocol: InferenceProtocol;
  /** HTTP port of the server (the runtime's args or env). */
  readonly httpPort: number;
  /** Port of Prometheus metrics (the runtime's `prometheus.kserve.io/port`). */
  readonly metricsPort: number;
  /** Readiness path; `{name}` stands for the InferenceService's name. */
  readonly readyPath: string;
  /** Liveness path. */
  readonly livePath: string;
  /** Whether the runtime can use a GPU (CPU-only servers refuse a GPU request). */
  readonly gpuCapable: boolean;
  /**
   * The flag that sets the server's worker threads (the runtime passes `--nthread=1`): set to the
   * replica's whole vCPUs, so a larger replica uses them.
   * @default - none
   */
  readonly threadsFlag?: string;
}

const KSERVE_V1_READY = '/v1/models/{name}';
const V2_READY = '/v2/health/ready';
const V2_LIVE = '/v2/health/live';

/** Read from config/runtimes/*.yaml at v0.20.0 (supportedModelFormats, args, env, annotations). */
const RUNTIMES: PredictiveRuntimeInfo[] = [
  { runtime: PredictiveRuntime.SKLEARN_SERVER, formats: [PredictiveModelFormat.SKLEARN], protocol: InferenceProtocol.V1, httpPort: 8080, metricsPort: 8080, readyPath: KSERVE_V1_READY, livePath: '/', gpuCapable: false },
  { runtime: PredictiveRuntime.XGBOOST_SERVER, formats: [PredictiveModelFormat.XGBOOST], protocol: InferenceProtocol.V1, httpPort: 8080, metricsPort: 8080, readyPath: KSERVE_V1_READY, livePath: '/', gpuCapable: false, threadsFlag: '--nthread' },
  { runtime: PredictiveRuntime.LIGHTGBM_SERVER, formats: [PredictiveModelFormat.LIGHTGBM], protocol: InferenceProtocol.V1, httpPort: 8080, metricsPort: 8080, readyPath: KSERVE_V1_READY, livePath: '/', gpuCapable: false, threadsFlag: '--nthread' },
  {
    runtime: PredictiveRuntime.PREDICTIVE_SERVER,
    formats: [PredictiveModelFormat.SKLEARN, PredictiveModelFormat.XGBOOST, PredictiveModelFormat.LIGHTGBM],
    protocol: InferenceProtocol.V1,
    httpPort: 8080,
    metricsPort: 8080,
    readyPath: KSERVE_V1_READY,
    livePath: '/',
    gpuCapable: false,
    threadsFlag: '--nthread',
  },
  {
    runtime: PredictiveRuntime.MLSERVER,
    formats: [PredictiveModelFormat.SKLEARN, PredictiveModelFormat.XGBOOST, PredictiveModelFormat.LIGHTGBM, PredictiveModelFormat.MLFLOW],
    protocol: InferenceProtocol.V2,
    httpPort: 8080,
    metricsPort: 8080,
    readyPath: V2_READY,
    livePath: V2_LIVE,
    gpuCapable: false,
  },
  {
    runtime: PredictiveRuntime.TRITON,
    formats: [
      PredictiveModelFormat.TENSORRT, PredictiveModelFormat.TENSORFLOW, PredictiveModelFormat.ONNX,
      PredictiveModelFormat.PYTORCH, PredictiveModelFormat.TRITON,
    ],
    protocol: InferenceProtocol.V2,
    httpPort: 8080,
    metricsPort: 8002,
    readyPath: V2_READY,
    livePath: V2_LIVE,
    gpuCapable: true,
  },
  {
    runtime: PredictiveRuntime.TENSORFLOW_SERVING,
    formats: [PredictiveModelFormat.TENSORFLOW],
    protocol: InferenceProtocol.V1,
    httpPort: 8080,
    metricsPort: 8080,
    readyPath: KSERVE_V1_READY,
    livePath: KSERVE_V1_READY,
    gpuCapable: true,
  },
  { runtime: PredictiveRuntime.TORCHSERVE, formats: [PredictiveModelFormat.PYTORCH], protocol: InferenceProtocol.V1, httpPort: 8080, metricsPort: 8082, readyPath: KSERVE_V1_READY, livePath: '/ping', gpuCapable: true },
  { runtime: PredictiveRuntime.PMML_SERVER, formats: [PredictiveModelFormat.PMML], protocol: InferenceProtocol.V1, httpPort: 8080, metricsPort: 8080, readyPath: KSERVE_V1_READY, livePath: '/', gpuCapable: false },
  { runtime: PredictiveRuntime.PADDLE_SERVER, formats: [PredictiveModelFormat.PADDLE], protocol: InferenceProtocol.V1, httpPort: 8080, metricsPort: 8080, readyPath: KSERVE_V1_READY, livePath: '/', gpuCapable: false },
  { runtime: PredictiveRuntime.AUTOGLUON_SERVER, formats: [PredictiveModelFormat.AUTOGLUON], protocol: InferenceProtocol.V1, httpPort: 8080, metricsPort: 8080, readyPath: KSERVE_V1_READY, livePath: '/', gpuCapable: false },
];

/** The runtime a format gets when none is named. */
const DEFAULT_RUNTIME: { [format: string]: PredictiveRuntime } = {
  [PredictiveModelFormat.SKLEARN]: PredictiveRuntime.SKLEARN_SERVER,
  [PredictiveModelFormat.XGBOOST]: PredictiveRuntime.XGBOOST_SERVER,
  [PredictiveModelFormat.LIGHTGBM]: PredictiveRuntime.LIGHTGBM_SERVER,
  [PredictiveModelFormat.ONNX]: PredictiveRuntime.TRITON,
  [PredictiveModelFormat.TENSORFLOW]: PredictiveRuntime.TENSORFLOW_SERVING,
  [PredictiveModelFormat.PYTORCH]: PredictiveRuntime.TORCHSERVE,
  [PredictiveModelFormat.TENSORRT]: PredictiveRuntime.TRITON,
  [PredictiveModelFormat.TRITON]: PredictiveRuntime.TRITON,
  [PredictiveModelFormat.PMML]: PredictiveRuntime.PMML_SERVER,
  [PredictiveModelFormat.PADDLE]: PredictiveRuntime.PADDLE_SERVER,
  [PredictiveModelFormat.AUTOGLUON]: PredictiveRuntime.AUTOGLUON_SERVER,
  [PredictiveModelFormat.MLFLOW]: PredictiveRuntime.MLSERVER,
};

/** MLServer's implementation class per format (`MLSERVER_MODEL_IMPLEMENTATION`, from the InferenceService's `modelClass` label). */
const MLSERVER_MODEL_CLASS: { [format: string]: string } = {
  [PredictiveModelFormat.SKLEARN]: 'mlserver_sklearn.SKLearnModel',
  [PredictiveModelFormat.XGBOOST]: 'mlserver_xgboost.XGBoostModel',
  [PredictiveModelFormat.LIGHTGBM]: 'mlserver_lightgbm.LightGBMModel',
  [PredictiveModelFormat.MLFLOW]: 'mlserver_mlflow.MLflowRuntime',
};

/**
 * Labels and annotations of an InferenceService that a runtime's templates read: the
 * predictive server's `--framework={{.Annotations.modelFormat}}`, MLServer's
 * `{{.Labels.modelClass}}` and TorchServe's `{{.Labels.serviceEnvelope}}`.
 */
export interface RuntimeTemplateValues {
  /** Labels of the InferenceService. */
  readonly labels: { [key: string]: string };
  /** Annotations of the InferenceService. */
  readonly annotations: { [key: string]: string };
}

/** Defaults of a predictive model's pod. */
export const PREDICTIVE_DEFAULTS = {
  /** vCPUs per replica (requests = limits). */
  cpu: 1,
  /** Memory per replica in GiB (requests = limits). */
  memoryGiB: 2,
  /** Startup budget in seconds (storage initializer download, then load). */
  startupTimeoutSeconds: 300,
  /** Target CPU utilisation (%) of KServe's HPA. */
  targetCpuUtilization: 70,
};

/** The runtimes of predictive models: which serves a format, and what the platform knows of each. */
export class PredictiveRuntimes {
  /** Every predictive runtime the platform installs. */
  public static all(): PredictiveRuntimeInfo[] {
    return RUNTIMES.map((r) => ({ ...r, formats: [...r.formats] }));
  }

  /**
   * What the runtime's templates read from the InferenceService for a model of `format`.
   * @param runtime the runtime (from {@link PredictiveRuntimes.forFormat})
   * @param format the model's format
   */
  public static templateValues(runtime: PredictiveRuntimeInfo, format: PredictiveModelFormat): RuntimeTemplateValues {
    switch (runtime.runtime) {
      case PredictiveRuntime.PREDICTIVE_SERVER: return { labels: {}, annotations: { modelFormat: format } };
      case PredictiveRuntime.MLSERVER: return { labels: { modelClass: MLSERVER_MODEL_CLASS[format] }, annotations: {} };
      case PredictiveRuntime.TORCHSERVE: return { labels: { serviceEnvelope: runtime.protocol === InferenceProtocol.V2 ? 'kservev2' : 'kserve' }, annotations: {} };
      default: return { labels: {}, annotations: {} };
    }
  }

  /**
   * The runtime that serves `format`: `runtime` when given (it must declare the format), else
   * the format's default (sklearn → kserve-sklearnserver, xgboost → kserve-xgbserver, onnx →
   * kserve-tritonserver, ...).
   * @param format the model's format
   * @param runtime the runtime asked for
   * @param construct construct path for the error message
   * @param prop prop name for the error message
   */
  public static forFormat(format: PredictiveModelFormat, runtime?: PredictiveRuntime, construct = 'PredictiveRuntimes', prop = 'runtime'): PredictiveRuntimeInfo {
    if (!Object.values(PredictiveModelFormat).includes(format)) {
      throw invalidProp(construct, 'format', format, 'not a model format of KServe\'s predictive runtimes',
        `use one of PredictiveModelFormat: ${Object.values(PredictiveModelFormat).join(', ')}`);
    }
    const name = runtime ?? DEFAULT_RUNTIME[format];
    const info = RUNTIMES.find((r) => r.runtime === name);
    if (!info) {
      throw invalidProp(construct, prop, name, 'not a predictive ClusterServingRuntime of KServe v0.20.0',
        `use one of PredictiveRuntime: ${RUNTIMES.map((r) => r.runtime).join(', ')}`);
    }
    if (!info.formats.includes(format)) {
      const serving = RUNTIMES.filter((r) => r.formats.includes(format)).map((r) => r.runtime);
      throw invalidProp(construct, prop, name, `${name} does not serve ${format} models (it declares ${info.formats.join(', ')})`,
        `use a runtime that serves ${format}: ${serving.join(', ')}, or leave the runtime out for ${DEFAULT_RUNTIME[format]}`);
    }
    return { ...info, formats: [...info.formats] };
  }
}
