import { ModelRegistryKind } from '../../core/platform-spec';
import { SecretSource } from '../common/secret-source';

/** Options of {@link RegistryEngine.mlflow}. */
export interface MlflowEngineOptions {
  /**
   * The server's credentials: a JSON secret (or a Secret) with `admin-username`,
   * `admin-password`, `flask-secret-key` (CSRF key of the auth app), `reader-password` and
   * `writer-password` (the passwords of the `reader` and `writer` users clients get).
   * @default - SecretSource.secretsManager("<platform>-<env>/model-registry"), the secret the
   * AWS layer's DataServicesAccess creates
   */
  readonly credentials?: SecretSource;
  /**
   * Server worker processes per replica.
   * @default 2
   */
  readonly workers?: number;
  /**
   * More host names the server answers to (e.g. an ingress host), besides its Service names and
   * localhost (port-forward).
   * @default - none
   */
  readonly allowedHosts?: string[];
  /**
   * Expose Prometheus metrics (`--expose-prometheus`) and emit a ServiceMonitor that scrapes
   * them as the `reader` user (the credentials Secret's `metrics-username` and `reader-password`).
   * @default true
   */
  readonly metrics?: boolean;
}

/** Options of {@link RegistryEngine.kubeflow}. */
export interface KubeflowRegistryEngineOptions {
  /**
   * Add the `sidecar.istio.io/inject` label, so the Kubeflow mesh authenticates callers (the
   * server itself has no authentication). Needs a namespace whose Pod Security allows the
   * sidecar (or Istio CNI).
   * @default false
   */
  readonly istioSidecar?: boolean;
}

/**
 * The registry server behind a {@link ModelRegistry}, as a static factory per engine.
 *
 * ```ts
 * RegistryEngine.mlflow()                  // the default
 * RegistryEngine.kubeflow()                // with Kubeflow
 * ```
 */
export class RegistryEngine {
  /** MLflow: authentication on, artifacts proxied to the models bucket. */
  public static mlflow(options: MlflowEngineOptions = {}): RegistryEngine {
    return new RegistryEngine(ModelRegistryKind.MLFLOW, options, undefined);
  }

  /** Kubeflow Model Registry. */
  public static kubeflow(options: KubeflowRegistryEngineOptions = {}): RegistryEngine {
    return new RegistryEngine(ModelRegistryKind.KUBEFLOW, undefined, options);
  }

  /** Which engine. */
  public readonly kind: ModelRegistryKind;
  /** MLflow options. */
  public readonly mlflowOptions?: MlflowEngineOptions;
  /** Kubeflow options. */
  public readonly kubeflowOptions?: KubeflowRegistryEngineOptions;

  private constructor(kind: ModelRegistryKind, mlflow?: MlflowEngineOptions, kubeflow?: KubeflowRegistryEngineOptions) {
    this.kind = kind;
    this.mlflowOptions = mlflow;
    this.kubeflowOptions = kubeflow;
  }
}
