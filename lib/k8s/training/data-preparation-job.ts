import { ApiObject, Duration } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { DatasetSource } from './dataset-source';
import { QUEUE_NAME_LABEL, WORKLOAD_LABEL } from './labels';
import { ModelStoreReference } from './model-store-reference';
import { checkPinnedImage } from './pinned-image';
import { teamOf } from './team-binding';
import { EnvEntry, ensureServiceAccount, envList, workloadNetwork } from './workload-support';
import { GPU_RESOURCE, TRAINING } from '../../core/contract';
import { invalidProp } from '../../core/errors';
import { SecretKeyRef } from '../common/secret-key-ref';
import { INodePool } from '../node-pool';
import { restrictedContainerSecurityContext, restrictedPodSecurityContext } from '../pod-security';
import { TeamNamespace } from '../team-namespace';
import { INamespaceOwner } from '../workload-selector';

/** Language of a Spark application. */
export enum SparkApplicationLanguage {
  /** PySpark. */
  PYTHON = 'Python',
  /** Scala. */
  SCALA = 'Scala',
  /** Java. */
  JAVA = 'Java',
}

/** Running a data preparation job as a Spark application (needs the Spark operator). */
export interface SparkEngineOptions {
  /** Spark version of the image (e.g. "3.5.6"). */
  readonly sparkVersion: string;
  /** The application: a path in the image (`local:///opt/app/prepare.py`) or an `s3a://` URI. */
  readonly mainApplicationFile: string;
  /**
   * Language.
   * @default SparkApplicationLanguage.PYTHON
   */
  readonly language?: SparkApplicationLanguage;
  /**
   * Main class (Scala and Java).
   * @default - none
   */
  readonly mainClass?: string;
  /**
   * Executors.
   * @default 2
   */
  readonly executors?: number;
  /**
   * Cores per executor.
   * @default 2
   */
  readonly executorCores?: number;
  /**
   * Memory per executor in GiB.
   * @default 8
   */
  readonly executorMemoryGiB?: number;
  /**
   * Memory of the driver in GiB.
   * @default 4
   */
  readonly driverMemoryGiB?: number;
}

/** Props of {@link DataPreparationJob}. */
export interface DataPreparationJobProps {
  /**
   * Job name (a DNS-1123 label of at most 52 characters).
   * @default - the construct id
   */
  readonly name?: string;
  /** The team namespace: the job runs there, admitted by its Kueue LocalQueue. */
  readonly team: INamespaceOwner;
  /** The model store: input and output locations and the workload identity check. */
  readonly modelStore: ModelStoreReference;
  /** Image (pinned: a tag other than `latest`, or a digest). */
  readonly image: string;
  /**
   * What the job reads (passed as `INPUT_URI`).
   * @default - no input
   */
  readonly input?: DatasetSource;
  /**
   * Key prefix in the datasets bucket the job writes (passed as `OUTPUT_URI`).
   * @default - `prepared/<namespace>/<job>/`
   */
  readonly outputPrefix?: string;
  /**
   * Command (Kubernetes Job only).
   * @default - the image's entrypoint
   */
  readonly command?: string[];
  /**
   * Arguments (of the container, or of the Spark application).
   * @default - none
   */
  readonly args?: string[];
  /**
   * Environment variables.
   * @default - none
   */
  readonly env?: { [name: string]: string };
  /**
   * Environment variables from Secrets.
   * @default - none
   */
  readonly secretEnv?: { [name: string]: SecretKeyRef };
  /**
   * Pool the pods run on, e.g. a GPU pool for embedding (Kubernetes Job only).
   * @default - any node without GPUs
   */
  readonly pool?: INodePool;
  /**
   * GPUs per pod (Kubernetes Job only; at most the pool's GPUs per node).
   * @default 0
   */
  readonly gpus?: number;
  /**
   * vCPUs per pod (Kubernetes Job).
   * @default 2
   */
  readonly cpu?: number;
  /**
   * Memory per pod in GiB (Kubernetes Job).
   * @default 8
   */
  readonly memoryGiB?: number;
  /**
   * Pods running at once; with more than one, each pod gets its index as `JOB_COMPLETION_INDEX` (Kubernetes Job).
   * @default 1
   */
  readonly parallelism?: number;
  /**
   * Retries of failed pods (Kubernetes Job).
   * @default 2
   */
  readonly backoffLimit?: number;
  /**
   * Longest run time once admitted (Kubernetes Job).
   * @default - no limit
   */
  readonly maxRuntime?: Duration;
  /**
   * Run as a Spark application instead of a Kubernetes Job.
   * @default - a Kubernetes Job
   */
  readonly spark?: SparkEngineOptions;
  /**
   * Service account (its workload identity reads and writes the datasets bucket).
   * @default - TRAINING.serviceAccount for a Job, TRAINING.sparkServiceAccount for Spark
   */
  readonly serviceAccountName?: string;
}

/** Which engine runs a data preparation job. */
export enum DataPreparationEngine {
  /** A Kubernetes Job (batch/v1), queued by Kueue's batch/job integration. */
  KUBERNETES_JOB = 'job',
  /** A SparkApplication (sparkoperator.k8s.io/v1beta2); its pods are queued by Kueue's pod integration. */
  SPARK = 'spark',
}

const NAME = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

/**
 * A batch job that reads from the datasets bucket (or Hugging Face) and writes prepared
 * data or embeddings back to the model store, through the team's workload identity: a
 * Kubernetes Job created suspended in the team's Kueue LocalQueue, or a SparkApplication
 * (Spark operator) whose driver and executor pods carry the queue label. Its output is a
 * {@link DatasetSource} a TrainingJob can take as its dataset.
 */
export class DataPreparationJob extends Construct {
  /** Job name. */
  public readonly jobName: string;
  /** Namespace. */
  public readonly namespace: string;
  /** Engine. */
  public readonly engine: DataPreparationEngine;
  /** Where the job writes (`OUTPUT_URI`). */
  public readonly outputUri: string;
  /** The job's output, as a dataset for training. */
  public readonly output: DatasetSource;
  /** Service account. */
  public readonly serviceAccountName: string;
  /** The Job or SparkApplication. */
  public readonly apiObject: ApiObject;

  constructor(scope: Construct, id: string, props: DataPreparationJobProps) {
    super(scope, id);
    const where = this.node.path;
    const team = teamOf(where, 'team', props.team, true);
    this.namespace = team.namespaceName;
    this.jobName = props.name ?? id;
    if (!NAME.test(this.jobName) || this.jobName.length > 52) {
      throw invalidProp(where, 'name', this.jobName, 'not a DNS-1035 label of at most 52 characters', 'use lowercase letters, digits and "-", starting with a letter');
    }
    checkPinnedImage(where, 'image', props.image);
    this.engine = props.spark ? DataPreparationEngine.SPARK : DataPreparationEngine.KUBERNETES_JOB;
    const store = props.modelStore;
    const prefix = props.outputPrefix;
    this.outputUri = prefix !== undefined ? store.datasetsUri(prefix) : store.preparedDataUri(this.namespace, this.jobName);
    this.output = DatasetSource.fromModelStore(store, this.outputUri.replace(`s3://${store.datasetsBucket}/`, ''));
    this.serviceAccountName = props.serviceAccountName
      ?? (this.engine === DataPreparationEngine.SPARK ? TRAINING.sparkServiceAccount : TRAINING.serviceAccount);
    store._requireIdentity(where, 'serviceAccountName', this.namespace, this.serviceAccountName);

    const env = envList(where, [
      store.environment(),
      { OUTPUT_URI: this.outputUri, ...(props.input ? { INPUT_URI: props.input.storageUri } : {}) },
      props.env ?? {},
    ], [props.input?.tokenSecret ? { HF_TOKEN: props.input.tokenSecret } : {}, props.secretEnv ?? {}]);
    const labels = { [WORKLOAD_LABEL]: this.jobName, [QUEUE_NAME_LABEL]: team.localQueueName! };

    if (props.spark) {
      for (const p of ['pool', 'gpus', 'command', 'parallelism', 'cpu', 'memoryGiB'] as const) {
        if (props[p] !== undefined) {
          throw invalidProp(where, p, props[p], 'a Kubernetes Job setting given for a Spark application', `leave ${p} out, or size the application with spark.executors, executorCores and executorMemoryGiB`);
        }
      }
      ensureServiceAccount(this, this.namespace, this.serviceAccountName, true);
      sparkRbac(this, this.namespace, this.serviceAccountName);
      this.apiObject = this.sparkApplication(where, props, props.spark, env, labels);
    } else {
      ensureServiceAccount(this, this.namespace, this.serviceAccountName, false);
      this.apiObject = this.kubernetesJob(where, team, props, env, labels);
    }
    workloadNetwork(this, team, this.jobName, { https: true, podIdentity: true, peers: this.engine === DataPreparationEngine.SPARK });
  }

  private kubernetesJob(where: string, team: TeamNamespace, props: DataPreparationJobProps, env: EnvEntry[],
    labels: { [k: string]: string }): ApiObject {
    const gpus = props.gpus ?? 0;
    const pool = props.pool;
    if (!Number.isInteger(gpus) || gpus < 0) throw invalidProp(where, 'gpus', gpus, 'not a whole number of GPUs', 'give 0 or more');
    if (gpus > 0 && !pool) throw invalidProp(where, 'gpus', gpus, 'GPUs without a pool to take them from', 'give pool (a GPU pool)');
    if (pool && gpus > pool.gpusPerNode) {
      throw invalidProp(where, 'gpus', gpus, `more GPUs per pod than a node of pool ${pool.poolName} has (${pool.gpusPerNode})`, `ask for at most ${pool.gpusPerNode}`);
    }
    const parallelism = props.parallelism ?? 1;
    const backoffLimit = props.backoffLimit ?? 2;
    for (const [prop, v, min] of [['parallelism', parallelism, 1], ['backoffLimit', backoffLimit, 0]] as [string, number, number][]) {
      if (!Number.isInteger(v) || v < min) throw invalidProp(where, prop, v, 'not a whole number in range', `give ${min} or more`);
    }
    if (gpus * parallelism > team.quota.gpus) {
      throw invalidProp(where, 'parallelism', parallelism, `${parallelism} pods x ${gpus} GPUs exceed team ${team.team}'s quota of ${team.quota.gpus}`, 'run fewer pods at once, or give each fewer GPUs');
    }
    const cpu = props.cpu ?? 2;
    const memory = `${props.memoryGiB ?? 8}Gi`;
    const requests: { [k: string]: k8s.Quantity } = { cpu: k8s.Quantity.fromString(String(cpu)), memory: k8s.Quantity.fromString(memory) };
    const limits: { [k: string]: k8s.Quantity } = { memory: k8s.Quantity.fromString(memory) };
    if (gpus > 0) {
      requests[GPU_RESOURCE] = k8s.Quantity.fromNumber(gpus);
      limits[GPU_RESOURCE] = k8s.Quantity.fromNumber(gpus);
    }
    return new k8s.KubeJob(this, 'Resource', {
      metadata: { name: this.jobName, namespace: this.namespace, labels },
      spec: {
        // Created suspended: Kueue starts it once the team's quota admits it.
        suspend: true,
        parallelism,
        completions: parallelism,
        completionMode: parallelism > 1 ? 'Indexed' : 'NonIndexed',
        backoffLimit,
        activeDeadlineSeconds: props.maxRuntime ? Math.max(1, Math.round(props.maxRuntime.toSeconds())) : undefined,
        ttlSecondsAfterFinished: 7 * 24 * 3600,
        template: {
          metadata: { labels: { [WORKLOAD_LABEL]: this.jobName } },
          spec: {
            restartPolicy: 'Never',
            serviceAccountName: this.serviceAccountName,
            securityContext: restrictedPodSecurityContext(1000),
            ...(pool ? { nodeSelector: pool.nodeSelector(), tolerations: pool.tolerations() } : {}),
            containers: [{
              name: 'prepare',
              image: props.image,
              command: props.command,
              args: props.args,
              env: env.length > 0 ? env as k8s.EnvVar[] : undefined,
              resources: { requests, limits },
              securityContext: restrictedContainerSecurityContext(1000),
              volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
            }],
            volumes: [{ name: 'tmp', emptyDir: {} }],
          },
        },
      },
    });
  }

  private sparkApplication(where: string, props: DataPreparationJobProps, s: SparkEngineOptions, env: EnvEntry[],
    labels: { [k: string]: string }): ApiObject {
    if (!/^\d+\.\d+\.\d+$/.test(s.sparkVersion ?? '')) {
      throw invalidProp(where, 'spark.sparkVersion', s.sparkVersion, 'not a Spark version', 'give the version of Spark in the image, e.g. "3.5.6"');
    }
    if (!/^(local|s3a|s3):\/\/\S+$/.test(s.mainApplicationFile ?? '')) {
      throw invalidProp(where, 'spark.mainApplicationFile', s.mainApplicationFile, 'not a local:// path in the image or an s3a:// URI', 'give e.g. "local:///opt/app/prepare.py"');
    }
    const executors = s.executors ?? 2;
    const cores = s.executorCores ?? 2;
    if (!Number.isInteger(executors) || executors < 1 || !Number.isInteger(cores) || cores < 1) {
      throw invalidProp(where, 'spark.executors', executors, 'not a whole number of executors and cores', 'give 1 or more of each');
    }
    const pod = (memoryGiB: number, podCores: number) => ({
      cores: podCores,
      memory: `${memoryGiB}g`,
      labels,
      serviceAccount: this.serviceAccountName,
      env,
      podSecurityContext: restrictedPodSecurityContext(185),
      // Spark images run as uid 185 and write to their work and local directories.
      securityContext: { ...restrictedContainerSecurityContext(185), readOnlyRootFilesystem: false },
    });
    return new ApiObject(this, 'Resource', {
      apiVersion: 'sparkoperator.k8s.io/v1beta2',
      kind: 'SparkApplication',
      metadata: { name: this.jobName, namespace: this.namespace, labels: { [WORKLOAD_LABEL]: this.jobName } },
      spec: {
        type: s.language ?? SparkApplicationLanguage.PYTHON,
        mode: 'cluster',
        image: props.image,
        imagePullPolicy: 'IfNotPresent',
        sparkVersion: s.sparkVersion,
        mainApplicationFile: s.mainApplicationFile,
        mainClass: s.mainClass,
        arguments: props.args,
        // S3 through the pods' workload identity (EKS Pod Identity is in the default credential chain).
        sparkConf: {
          'spark.hadoop.fs.s3a.aws.credentials.provider': 'software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider',
          'spark.hadoop.fs.s3a.endpoint.region': props.modelStore.region,
        },
        restartPolicy: { type: 'OnFailure', onFailureRetries: 2, onFailureRetryInterval: 30, onSubmissionFailureRetries: 2, onSubmissionFailureRetryInterval: 30 },
        driver: pod(s.driverMemoryGiB ?? 4, 1),
        executor: { ...pod(s.executorMemoryGiB ?? 8, cores), instances: executors, deleteOnTermination: true },
      },
    });
  }
}

/** The Role the Spark driver needs to run its executors, once per namespace and service account. */
function sparkRbac(scope: Construct, namespace: string, serviceAccount: string): void {
  const name = `${serviceAccount}-driver`;
  for (const c of scope.node.root.node.findAll()) {
    if (c instanceof ApiObject && c.kind === 'Role' && c.metadata.namespace === namespace && c.name === name) return;
  }
  new k8s.KubeRole(scope, 'SparkDriverRole', {
    metadata: { name, namespace },
    rules: [
      { apiGroups: [''], resources: ['pods', 'services', 'configmaps', 'persistentvolumeclaims'], verbs: ['create', 'get', 'list', 'watch', 'update', 'patch', 'delete', 'deletecollection'] },
    ],
  });
  new k8s.KubeRoleBinding(scope, 'SparkDriverRoleBinding', {
    metadata: { name, namespace },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name },
    subjects: [{ kind: 'ServiceAccount', name: serviceAccount, namespace }],
  });
}
