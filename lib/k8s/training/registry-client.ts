import { SecretKeyRef } from '../common/secret-key-ref';
import { WorkloadSelector } from '../workload-selector';

/**
 * What a training workload needs from a model registry (e.g. MLflow) to log its runs and
 * register the model it produces: the client environment and the registry server as a
 * network peer. Implemented by the registry constructs; any object with these members works.
 */
export interface ITrainingRegistryClient {
  /** Environment variables with literal values (e.g. `MLFLOW_TRACKING_URI`). */
  readonly environment: { [name: string]: string };
  /**
   * Environment variables read from Secrets (e.g. the tracking credentials).
   * @default - none
   */
  readonly secretEnvironment?: { [name: string]: SecretKeyRef };
  /** The registry server's pods, which training pods are allowed to reach. */
  readonly server: WorkloadSelector;
  /** TCP port of the registry server. */
  readonly port: number;
}
