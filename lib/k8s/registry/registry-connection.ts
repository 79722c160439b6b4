import { k8s } from 'cdk8s-plus-27';

import { ModelRegistryKind } from '../../core/platform-spec';
import { SecretKeyRef } from '../common/secret-key-ref';
import { WorkloadSelector } from '../workload-selector';

// The registry stage's face to the other stages (training jobs and notebooks log runs and
// register models): they import RegistryAccess, IRegistryConnection, IModelRegistry and
// RegistryConnection from this file, and nothing else of lib/k8s/registry.

/** What a client may do in the registry. */
export enum RegistryAccess {
  /** Read experiments, runs and models (serving, evaluation). */
  READ_ONLY = 'read-only',
  /** Also create experiments and runs, log and register models (training). */
  READ_WRITE = 'read-write',
}

/**
 * How a client reaches a model registry: its environment and the registry server as a
 * network peer. Implemented by {@link RegistryConnection} (what {@link IModelRegistry.addClient}
 * returns); any object with these members works, e.g. for a registry outside the cluster.
 */
export interface IRegistryConnection {
  /** Environment variables with literal values (e.g. `MLFLOW_TRACKING_URI`). */
  readonly environment: { [name: string]: string };
  /**
   * Environment variables read from Secrets (e.g. the tracking credentials).
   * @default - none
   */
  readonly secretEnvironment?: { [name: string]: SecretKeyRef };
  /** The registry server's pods, which the client's pods are allowed to reach. */
  readonly server: WorkloadSelector;
  /** TCP port of the registry server. */
  readonly port: number;
}

/** What a {@link RegistryConnection} is built from. */
export interface RegistryConnectionProps {
  /** Engine. */
  readonly engine: ModelRegistryKind;
  /** Namespace of the client. */
  readonly namespace: string;
  /** Access granted. */
  readonly access: RegistryAccess;
  /** Cluster DNS name of the registry. */
  readonly host: string;
  /** Port. */
  readonly port: number;
  /** The registry server's pods (the client's network peer). */
  readonly server: WorkloadSelector;
  /**
   * User name (MLflow).
   * @default - none (the server has no users)
   */
  readonly username?: string;
  /**
   * The Secret key holding the user's password, in the client's namespace (MLflow).
   * @default - none
   */
  readonly password?: SecretKeyRef;
}

/**
 * How one client workload reaches the model registry: URI, user and the Secret key of its
 * password (in the client's namespace), to hand to the workload as an object.
 *
 * ```ts
 * container.env = registry.connectionFor(trainer).env(); // MLFLOW_TRACKING_URI, _USERNAME, _PASSWORD
 * ```
 */
export class RegistryConnection implements IRegistryConnection {
  /** Engine. */
  public readonly engine: ModelRegistryKind;
  /** Namespace of the client. */
  public readonly namespace: string;
  /** Access granted. */
  public readonly access: RegistryAccess;
  /** Host name. */
  public readonly host: string;
  /** Port. */
  public readonly port: number;
  /** URI of the registry (`http://<host>:<port>`): MLflow's tracking and registry URI. */
  public readonly uri: string;
  /** User name (MLflow). */
  public readonly username?: string;
  /** The Secret key holding the password (MLflow). */
  public readonly password?: SecretKeyRef;
  /** The registry server's pods, which the client is allowed to reach. */
  public readonly server: WorkloadSelector;

  constructor(props: RegistryConnectionProps) {
    this.engine = props.engine;
    this.namespace = props.namespace;
    this.access = props.access;
    this.host = props.host;
    this.port = props.port;
    this.uri = `http://${props.host}:${props.port}`;
    this.username = props.username;
    this.password = props.password;
    this.server = props.server;
  }

  /** The literal environment variables of {@link RegistryConnection.env}, by name (for TrainingJob and Notebook). */
  public get environment(): { [name: string]: string } {
    const out: { [name: string]: string } = {};
    for (const e of this.env()) if (e.value !== undefined) out[e.name] = e.value;
    return out;
  }

  /** The environment variables read from Secrets, by name. */
  public get secretEnvironment(): { [name: string]: SecretKeyRef } | undefined {
    return this.password ? { MLFLOW_TRACKING_PASSWORD: this.password } : {};
  }

  /**
   * Environment variables for the client: MLflow's `MLFLOW_TRACKING_URI`,
   * `MLFLOW_REGISTRY_URI`, `MLFLOW_TRACKING_USERNAME` and `MLFLOW_TRACKING_PASSWORD` (from the
   * Secret); for the Kubeflow Model Registry `MODEL_REGISTRY_URL`, `MODEL_REGISTRY_HOST` and
   * `MODEL_REGISTRY_PORT`.
   */
  public env(): k8s.EnvVar[] {
    if (this.engine === ModelRegistryKind.KUBEFLOW) {
      return [
        { name: 'MODEL_REGISTRY_URL', value: this.uri },
        { name: 'MODEL_REGISTRY_HOST', value: this.host },
        { name: 'MODEL_REGISTRY_PORT', value: String(this.port) },
      ];
    }
    return [
      { name: 'MLFLOW_TRACKING_URI', value: this.uri },
      { name: 'MLFLOW_REGISTRY_URI', value: this.uri },
      ...(this.username ? [{ name: 'MLFLOW_TRACKING_USERNAME', value: this.username }] : []),
      ...(this.password ? [{ name: 'MLFLOW_TRACKING_PASSWORD', valueFrom: this.password.toEnvVarSource() }] : []),
    ];
  }

  /** The Secret keys the client's pods must be able to read. */
  public secretRefs(): SecretKeyRef[] {
    return this.password ? [this.password] : [];
  }
}

/** A model registry that admits clients (implemented by ModelRegistry). */
export interface IModelRegistry {
  /**
   * Admits a workload: opens its network path to the server, provisions its credential in its
   * namespace, and returns its connection settings.
   */
  addClient(workload: WorkloadSelector, access: RegistryAccess): RegistryConnection;
}
