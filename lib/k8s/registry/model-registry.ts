import { Construct } from 'constructs';
import { KUBEFLOW_REGISTRY_PORT, KubeflowModelRegistryServer } from './kubeflow-model-registry-server';
import { AdmittedRegistryClient, MLFLOW_PORT, MlflowServer } from './mlflow-server';
import { ModelVersion } from './model-version';
import { RegistryBackend } from './registry-backend';
import { IModelRegistry, RegistryAccess, RegistryConnection } from './registry-connection';
import { RegistryEngine } from './registry-engine';
import { DATA_SERVICES, PlatformContract } from '../../core/contract';
import { invalidProp } from '../../core/errors';
import { ModelRegistryKind } from '../../core/platform-spec';
import { DataServiceNamespace } from '../common/data-service-namespace';
import { SecretRolloutOptions } from '../common/secret-rollout';
import { resolveSecretRollout } from '../common/secret-rollout-settings';
import { SecretSource } from '../common/secret-source';
import { IMetricsBackend, KubePrometheusStack } from '../operators';
import { assertNamespacesDeclared } from '../pod-security';
import type { IPriorityClass } from '../priority-class';
import { INamespaceOwner, WorkloadSelector } from '../workload-selector';

/** A workload allowed to use the registry. */
export interface RegistryClient {
  /** The client's pods. */
  readonly workload: WorkloadSelector;
  /** What it may do. */
  readonly access: RegistryAccess;
}

/** Props of {@link ModelRegistry}. */
export interface ModelRegistryProps {
  /** The platform contract (models bucket, region, database, workload identities). */
  readonly contract: PlatformContract;
  /**
   * The registry server.
   * @default RegistryEngine.mlflow()
   */
  readonly engine?: RegistryEngine;
  /**
   * Where the registry keeps its metadata. A registry without a backend is an error: a
   * file in the pod would lose every model version with the pod.
   * @default - RegistryBackend.postgres(contract.database) when the contract has a database
   */
  readonly backend?: RegistryBackend;
  /**
   * Namespace of the registry.
   * @default - a restricted namespace "mlflow" (MLflow) or "kubeflow" (Kubeflow Model Registry)
   */
  readonly namespace?: INamespaceOwner;
  /**
   * Server replicas.
   * @default 2
   */
  readonly replicas?: number;
  /**
   * Workloads allowed to connect; more with {@link ModelRegistry.addClient}.
   * @default - none
   */
  readonly clients?: RegistryClient[];
  /**
   * The Prometheus pods that scrape the registry's metrics (MLflow).
   * @default - the metrics backend's scraper
   */
  readonly metricsScraper?: WorkloadSelector;
  /**
   * The metrics backend that scrapes the registry's metrics.
   * @default KubePrometheusStack.platformDefault() (the platform's Prometheus in namespace monitoring)
   */
  readonly metricsBackend?: IMetricsBackend;
  /**
   * The PriorityClass of the registry server's pods (`KueueQueues.priorityClass(WorkloadPriority.HIGH)` for the platform's own).
   * @default - none: the cluster's default priority
   */
  readonly priorityClass?: IPriorityClass;
  /**
   * Restart the registry server when its credentials or its database password change (the
   * password RDS rotates, the credentials a `credentialsVersion` bump replaces): a CronJob of its
   * namespace compares the Secrets with what the server started with and rolls it (SecretRollout).
   * Its `refreshInterval` also applies to the Secrets Manager sources the registry makes itself
   * (the default backend's password and MLflow's default credentials).
   * @default - none: restart the server yourself after a credential changed
   */
  readonly secretRollout?: SecretRolloutOptions;
}

/** Where a registered model version's files are, as the registry reports it. */
export interface ModelVersionLocation {
  /** Registered model name. */
  readonly name: string;
  /** Version number. */
  readonly version: number;
  /**
   * The version's storage location as the registry shows it: for MLflow the artifact location
   * (`mlflow-artifacts:/<experiment>/models/<model id>/artifacts` or a path relative to the
   * artifact root), for the Kubeflow Model Registry the version's artifact URI
   * (`s3://<models bucket>/...`). Only the part below the registry's root is typed: the bucket
   * and prefix come from the registry.
   */
  readonly storageLocation: string;
}

/**
 * The platform's model registry: MLflow (the default) or the Kubeflow Model Registry, with
 * its metadata in PostgreSQL and its artifacts in the models bucket. Training jobs get a
 * read-write connection, serving a read-only one, and a registered model version resolves to
 * the storage location an LlmService serves from:
 *
 * ```ts
 * const registry = new ModelRegistry(chart, 'registry', { contract });
 * trainer.env = registry.addClient(team.workloads({ app: 'finetune' }), RegistryAccess.READ_WRITE).env();
 * const version = registry.modelVersion({ name: 'support-bot', version: 3,
 *   storageLocation: 'mlflow-artifacts:/1/models/m-0a1b2c/artifacts' });
 * ModelSource.fromArtifact(version); // s3://<models bucket>/mlflow/1/models/m-0a1b2c/artifacts/
 * ```
 */
export class ModelRegistry extends Construct implements IModelRegistry {
  /** Engine. */
  public readonly engine: ModelRegistryKind;
  /** Namespace. */
  public readonly namespace: string;
  /** Backend. */
  public readonly backend: RegistryBackend;
  /** Replicas. */
  public readonly replicas: number;
  /** Cluster DNS name of the registry. */
  public readonly host: string;
  /** Port. */
  public readonly port: number;
  /** `http://<host>:<port>`. */
  public readonly uri: string;
  /** Bucket of the artifacts (the models bucket). */
  public readonly artifactBucket: string;
  /** Key prefix of the artifacts in the bucket (`mlflow/`). */
  public readonly artifactPrefix: string;
  /** The MLflow server (MLflow engine). */
  public readonly mlflow?: MlflowServer;
  /** The Kubeflow Model Registry server (Kubeflow engine). */
  public readonly kubeflow?: KubeflowModelRegistryServer;
  private readonly admitted: AdmittedRegistryClient[] = [];

  constructor(scope: Construct, id: string, props: ModelRegistryProps) {
    super(scope, id);
    const where = this.node.path;
    const engine = props.engine ?? RegistryEngine.mlflow();
    this.engine = engine.kind;
    if (props.backend === undefined && props.contract.database === undefined) {
      throw invalidProp(where, 'backend', undefined,
        'the registry has no backend and the platform contract has no database; a registry on a file in its pod loses every model version with the pod',
        'create the AWS layer\'s PostgresDatabase (CnaiAwsStack database: true) and pass its contract, or give backend: RegistryBackend.postgres(...) / RegistryBackend.existingSecret(...)');
    }
    const rollout = props.secretRollout ? resolveSecretRollout(where, props.secretRollout) : undefined;
    const rolloutOptions = props.secretRollout
      ? { ...props.secretRollout, apiServerCidr: props.secretRollout.apiServerCidr ?? props.contract.vpcCidr }
      : undefined;
    // The database is in the contract's VPC: its block, not the AWS layer's default, is what the egress policy must open.
    this.backend = props.backend ?? RegistryBackend.postgres(props.contract.database!, {
      ...(rollout
        ? { password: SecretSource.secretsManager(props.contract.database!.masterSecretArn, { refreshInterval: rollout.refreshInterval }) }
        : {}),
      ...(props.contract.vpcCidr ? { databaseCidr: props.contract.vpcCidr } : {}),
    });
    this.replicas = props.replicas ?? 2;
    if (!Number.isInteger(this.replicas) || this.replicas < 1 || this.replicas > 10) {
      throw invalidProp(where, 'replicas', props.replicas, 'not a number of replicas', 'give 1 to 10 (2 keeps the registry up during node drains)');
    }
    const defaultNamespace = engine.kind === ModelRegistryKind.KUBEFLOW ? 'kubeflow' : DATA_SERVICES.registryNamespace;
    const owner = props.namespace ?? DataServiceNamespace.ensure(this, defaultNamespace, props.contract.kubernetesVersion);
    this.namespace = owner.namespaceName;
    this.artifactBucket = props.contract.buckets.models;
    this.artifactPrefix = DATA_SERVICES.registryArtifactPrefix;

    if (engine.kind === ModelRegistryKind.KUBEFLOW) {
      this.kubeflow = new KubeflowModelRegistryServer(this, 'Kubeflow', {
        namespace: owner,
        backend: this.backend,
        options: engine.kubeflowOptions ?? {},
        replicas: this.replicas,
        priorityClassName: props.priorityClass?.priorityClassName,
        secretRollout: rolloutOptions,
      });
      this.host = this.kubeflow.host;
      this.port = KUBEFLOW_REGISTRY_PORT;
    } else {
      this.mlflow = new MlflowServer(this, 'Mlflow', {
        contract: props.contract,
        namespace: owner,
        backend: this.backend,
        options: engine.mlflowOptions ?? {},
        replicas: this.replicas,
        priorityClassName: props.priorityClass?.priorityClassName,
        secretRollout: rolloutOptions,
        metricsScraper: props.metricsScraper ?? (props.metricsBackend ?? KubePrometheusStack.platformDefault()).scraper,
      });
      this.host = this.mlflow.host;
      this.port = MLFLOW_PORT;
    }
    this.uri = `http://${this.host}:${this.port}`;
    (props.clients ?? []).forEach((c) => this.addClient(c.workload, c.access));
    this.node.addValidation({ validate: () => this.checkClientNamespaces() });
  }

  /** The clients admitted so far. */
  public get clients(): AdmittedRegistryClient[] {
    return [...this.admitted];
  }

  /**
   * Admits a workload: its pods may connect, its namespace gets the password of the user of
   * its access (MLflow `reader` or `writer`) and, for a default-deny TeamNamespace, the egress.
   * @returns the client's connection settings (env vars and Secret references)
   */
  public addClient(workload: WorkloadSelector, access: RegistryAccess): RegistryConnection {
    if (!(workload instanceof WorkloadSelector)) {
      throw invalidProp(this.node.path, 'clients.workload', workload, 'not a WorkloadSelector', 'select the client\'s pods with team.workloads({ app: "..." })');
    }
    if (!Object.values(RegistryAccess).includes(access)) {
      throw invalidProp(this.node.path, 'clients.access', access, 'not a RegistryAccess', 'give RegistryAccess.READ_ONLY or RegistryAccess.READ_WRITE');
    }
    const client = { workload, access };
    const known = this.admitted.find((c) => c.workload.namespace === workload.namespace && c.access === access
      && JSON.stringify(c.workload.podLabels) === JSON.stringify(workload.podLabels));
    if (!known) {
      this.admitted.push(client);
      if (this.mlflow) this.mlflow.admit(client); else this.kubeflow!.admit(client);
    }
    return this.connect(client);
  }

  /**
   * The connection settings of an admitted client (the read-write ones when the workload was
   * admitted with both): what a training job or a serving workload puts in its environment.
   */
  public connectionFor(workload: WorkloadSelector): RegistryConnection {
    const matches = this.admitted.filter((c) => c.workload.namespace === workload.namespace
      && Object.entries(c.workload.podLabels).every(([k, v]) => workload.podLabels[k] === v));
    if (matches.length === 0) {
      const admitted = this.admitted.map((c) => `${c.workload.namespace}/${JSON.stringify(c.workload.podLabels)}`).join(', ') || 'none';
      throw invalidProp(this.node.path, 'client', `${workload.namespace}/${JSON.stringify(workload.podLabels)}`,
        `the workload is not among the clients the registry's network policy admits (admitted: ${admitted})`,
        'admit it first with addClient(workload, access) (or the clients prop), then ask for its connection');
    }
    return this.connect(matches.find((c) => c.access === RegistryAccess.READ_WRITE) ?? matches[0]);
  }

  /**
   * A registered model version, resolved to where its files are in the models bucket: pass it
   * to `ModelSource.fromArtifact(...)` of an LlmService. The serving identity needs read access
   * to {@link ModelRegistry.artifactPrefix} (AWS side: `DataServicesAccess.grantRegistryRead`).
   */
  public modelVersion(location: ModelVersionLocation): ModelVersion {
    const where = `${this.node.path}.modelVersion(${location.name})`;
    if (typeof location.name !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9._ -]{0,255}$/.test(location.name)) {
      throw invalidProp(where, 'name', location.name, 'not a registered model name', 'give the name the registry shows, e.g. "support-bot"');
    }
    const version = String(location.version);
    const loc = location.storageLocation;
    const root = `s3://${this.artifactBucket}/${this.artifactPrefix}`;
    let relative: string | undefined;
    if (typeof loc === 'string') {
      if (this.engine === ModelRegistryKind.MLFLOW && loc.startsWith('mlflow-artifacts:')) relative = loc.replace(/^mlflow-artifacts:\/*/, '');
      else if (loc.startsWith(root)) relative = loc.slice(root.length);
      else if (this.engine === ModelRegistryKind.MLFLOW && !/^[a-z][a-z0-9+.-]*:/.test(loc)) relative = loc.replace(/^\/+/, '');
    }
    if (relative === undefined || relative === '' || relative.split('/').some((p) => p === '..' || p === '.') || /[\s?#]/.test(relative)) {
      throw invalidProp(where, 'storageLocation', loc,
        `not a location inside the registry's artifact root ${root} (models:/ and runs:/ URIs need the registry to resolve them, which synthesis cannot ask)`,
        this.engine === ModelRegistryKind.MLFLOW
          ? 'give the version\'s artifact location as MLflow shows it, e.g. "mlflow-artifacts:/1/models/m-0a1b2c/artifacts"'
          : `give the version's artifact URI, under ${root}`);
    }
    const prefix = `${this.artifactPrefix}${relative.replace(/\/+$/, '')}/`;
    return new ModelVersion({
      modelName: location.name,
      modelVersion: version,
      storageUri: `s3://${this.artifactBucket}/${prefix}`,
      bucket: this.artifactBucket,
      prefix,
      readPrefix: this.artifactPrefix,
      registryUri: this.engine === ModelRegistryKind.MLFLOW ? `models:/${location.name}/${version}` : undefined,
    });
  }

  private connect(client: AdmittedRegistryClient): RegistryConnection {
    return this.mlflow ? this.mlflow.connection(client) : this.kubeflow!.connection(client);
  }

  private checkClientNamespaces(): string[] {
    assertNamespacesDeclared(this, 'clients.workload.namespace', this.admitted.map((c) => c.workload.namespace),
      'a client is in a namespace that no Namespace object of the app declares');
    return [];
  }
}
