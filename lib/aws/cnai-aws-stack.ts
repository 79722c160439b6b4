import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { Lazy, LocalBackend, S3Backend, TerraformOutput, TerraformResource, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { Cluster } from './cluster';
import { DataServicesAccess } from './data-services-access';
import { EncryptionKey } from './encryption-key';
import { FeatureStoreAccess } from './feature-store-access';
import { GpuNodePool, GpuNodePoolOptions } from './gpu-node-pool';
import { Karpenter, KarpenterOptions } from './karpenter';
import { LoadBalancerControllerAccess } from './load-balancer-controller-access';
import { CapacityType } from './managed-node-group';
import { MetricsBackendAccess, MetricsBackendAccessOptions } from './metrics-backend-access';
import { ModelStore, StoreBucket } from './model-store';
import { InterfaceEndpointService, NatGatewayMode, Network } from './network';
import { secretsManagerSecretArn } from './partition';
import { PostgresDatabase, PostgresDatabaseOptions } from './postgres-database';
import { SystemNodePoolOptions } from './system-node-pool';
import { WorkloadIdentity, WorkloadIdentityOptions } from './workload-identity';
import { ResolvedRetention, RetentionPolicy, PlatformAwsOptions } from '../core/aws-options';
import { PlatformContract } from '../core/contract';
import { invalidProp } from '../core/errors';
import { FeatureRegistryKind, FeatureStoreNaming } from '../core/feature-store-spec';
import { gatewayNeedsLoadBalancer } from '../core/gateway-spec';
import { PlatformNaming } from '../core/names';
import {
  BucketAccess, ModelRegistryKind, PlatformBucket, PlatformSpec, PoolCapacity, VectorEngine,
} from '../core/platform-spec';
import { platformRetention, platformWorkloadIdentities, vectorDatabaseName } from '../core/platform-spec-derivation';
import { validatePlatformSpec } from '../core/platform-spec-validation';
import { TERRAFORM } from '../core/versions';

/** How to tear a platform down (see {@link CnaiAwsStack.teardown}). */
export interface Teardown {
  /** Retention of each kind of stateful resource. */
  readonly retention: ResolvedRetention;
  /** Steps before `terraform destroy`, in order. */
  readonly beforeDestroy: string[];
  /** The destroy command. */
  readonly destroy: string;
  /** Addresses removed from the state before destroy, so destroy keeps them. */
  readonly keptOutOfDestroy: string[];
  /** What remains afterwards. */
  readonly afterDestroy: string[];
}

/** Where Terraform keeps the state in S3. */
export interface S3StateBackendOptions {
  /** State bucket (created beforehand, versioned and encrypted). */
  readonly bucket: string;
  /**
   * State object key.
   * @default "<platformName>-<environment>/terraform.tfstate"
   */
  readonly key?: string;
  /**
   * Region of the state bucket.
   * @default - the platform's region
   */
  readonly region?: string;
  /**
   * DynamoDB table for state locking.
   * @default - S3-native locking (`use_lockfile`, Terraform >= 1.10)
   */
  readonly dynamodbTable?: string;
  /**
   * KMS key for the state object.
   * @default - the bucket's default encryption
   */
  readonly kmsKeyId?: string;
}

/**
 * Properties of a {@link CnaiAwsStack}. The settings a platform spec carries too (admins, public
 * endpoint, Kubernetes version and support, retention, cost centre) come from {@link PlatformAwsOptions}.
 */
export interface CnaiAwsStackProps extends PlatformAwsOptions {
  /** Short platform name, a DNS-1123 label (e.g. `cnai`). */
  readonly platformName: string;
  /** Environment, a DNS-1123 label (e.g. `prod`). */
  readonly environment: string;
  /** AWS region (e.g. `us-west-2`). */
  readonly region: string;
  /** 12-digit AWS account id; the provider refuses to run against any other account. */
  readonly accountId: string;
  /** Availability zones of the region, at least two. */
  readonly availabilityZones: string[];
  /**
   * VPC block.
   * @default "10.0.0.0/16"
   */
  readonly vpcCidr?: string;
  /**
   * NAT gateways.
   * @default NatGatewayMode.ONE_PER_AZ
   */
  readonly natGateways?: NatGatewayMode;
  /**
   * Interface endpoints.
   * @default - none
   */
  readonly interfaceEndpoints?: InterfaceEndpointService[];
  /**
   * Look the admin principals up at plan time (see {@link ClusterProps.lookUpAdminPrincipals}).
   * @default true
   */
  readonly lookUpAdminPrincipals?: boolean;
  /**
   * Allow 0.0.0.0/0 on the public endpoint.
   * @default false
   */
  readonly allowPublicEndpointFromAnywhere?: boolean;
  /**
   * EKS Auto Mode instead of managed node groups and add-ons.
   * @default false
   */
  readonly autoMode?: boolean;
  /**
   * The CPU system pool.
   * @default - 2 to 6 m7i.xlarge nodes
   */
  readonly systemNodePool?: SystemNodePoolOptions;
  /**
   * GPU pools, each with a `name` (more can be added with {@link CnaiAwsStack.addGpuNodePool}).
   * @default - none
   */
  readonly gpuPools?: GpuNodePoolOptions[];
  /**
   * Workload identities (more with {@link CnaiAwsStack.addWorkloadIdentity}).
   * @default - none
   */
  readonly workloadIdentities?: WorkloadIdentityOptions[];
  /**
   * ECR repositories.
   * @default ["serving"]
   */
  readonly repositories?: string[];
  /**
   * Let `terraform destroy` delete the model and dataset buckets (the same as `retention.buckets: DESTROY`).
   * @default - as `retention.buckets`
   */
  readonly allowDestroyBuckets?: boolean;
  /**
   * S3 server access logs of the models and datasets buckets, to a dedicated log bucket
   * (see `ModelStoreProps.accessLogging`).
   * @default - on, unless the environment is disposable (`dev`, `test`, `sandbox`, `ci`)
   */
  readonly bucketAccessLogging?: boolean;
  /**
   * Create the PostgreSQL database.
   * @default true
   */
  readonly database?: boolean;
  /**
   * Options of the database.
   * @default - the PostgresDatabase defaults
   */
  readonly databaseOptions?: PostgresDatabaseOptions;
  /**
   * Keep state in S3.
   * @default - local state file `terraform.<stack id>.tfstate`
   */
  readonly s3Backend?: S3StateBackendOptions;
  /**
   * Retention of the VPC flow log and control-plane log groups, in days.
   * @default 365
   */
  readonly logRetentionDays?: number;
  /**
   * Prepare self-managed Karpenter (node role, controller identity, interruption queue): `{}`
   * for the defaults, or options. Not with `autoMode`, which brings its own.
   * @default - no Karpenter
   */
  readonly karpenter?: KarpenterOptions;
}

/**
 * Settings of {@link CnaiAwsStack.fromSpec} that the platform spec does not carry: how the
 * AWS side is run rather than what the platform is.
 */
export interface CnaiAwsStackSpecOptions {
  /**
   * NAT gateways.
   * @default NatGatewayMode.PER_AZ
   */
  readonly natGateways?: NatGatewayMode;
  /**
   * Interface endpoints.
   * @default - none
   */
  readonly interfaceEndpoints?: InterfaceEndpointService[];
  /**
   * CPU system node pool.
   * @default - the Cluster's default system pool
   */
  readonly systemNodePool?: SystemNodePoolOptions;
  /**
   * Database settings.
   * @default - the PostgresDatabase defaults (deletion protection on, 7-day backups)
   */
  readonly databaseOptions?: PostgresDatabaseOptions;
  /**
   * Terraform state in S3.
   * @default - local state
   */
  readonly s3Backend?: S3StateBackendOptions;
  /**
   * Let `terraform destroy` delete the buckets (the same as the spec's `retention.buckets: DESTROY`).
   * @default - as the spec's retention
   */
  readonly allowDestroyBuckets?: boolean;
  /**
   * Look the spec's admin principals up at plan time.
   * @default true
   */
  readonly lookUpAdminPrincipals?: boolean;
  /**
   * Generate the registry's and vector databases' credentials at apply (write-only; never in plan or state).
   * @default true
   */
  readonly generateCredentials?: boolean;
  /**
   * Version of the generated credentials: bump it to rotate them at the next apply.
   * @default 1
   */
  readonly credentialsVersion?: number;
  /**
   * Prepare self-managed Karpenter (see {@link CnaiAwsStackProps.karpenter}): `{}` for the defaults.
   * @default - no Karpenter
   */
  readonly karpenter?: KarpenterOptions;
}

/**
 * The AWS side of the platform in one Terraform stack: pinned provider with default tags
 * and an account guard, network, EKS cluster with its system pool, GPU pools, model store,
 * workload identities and PostgreSQL, and Terraform outputs forming the platform contract.
 */
export class CnaiAwsStack extends TerraformStack {
  /**
   * The AWS layer of a platform spec: network, cluster, one managed node group per GPU
   * pool, the model store, the database (when the registry or pgvector needs it), the
   * data services' identities and secrets (registry, vector database snapshots, External
   * Secrets), and one workload identity per served model and per team's training account,
   * each granted only its prefixes. The spec is validated as a whole first.
   */
  public static fromSpec(scope: Construct, id: string, spec: PlatformSpec, options: CnaiAwsStackSpecOptions = {}): CnaiAwsStack {
    validatePlatformSpec(spec);
    const registry = spec.modelRegistry ?? ModelRegistryKind.MLFLOW;
    const vectorEngine = spec.vectorDatabase ? spec.vectorDatabase.engine ?? VectorEngine.QDRANT : undefined;
    const stack = new CnaiAwsStack(scope, id, {
      platformName: spec.name,
      environment: spec.environment,
      region: spec.region,
      accountId: spec.accountId,
      availabilityZones: spec.availabilityZones,
      adminPrincipalArns: spec.adminPrincipalArns,
      lookUpAdminPrincipals: options.lookUpAdminPrincipals,
      publicEndpointCidrs: spec.publicEndpointCidrs,
      kubernetesVersion: spec.kubernetesVersion,
      kubernetesSupportType: spec.kubernetesSupportType,
      retention: spec.retention,
      costCentre: spec.costCentre,
      natGateways: options.natGateways,
      interfaceEndpoints: options.interfaceEndpoints,
      systemNodePool: options.systemNodePool,
      gpuPools: spec.gpuPools.map((p) => ({
        name: p.name,
        instanceTypes: p.instanceTypes,
        capacityType: (p.capacity ?? PoolCapacity.ON_DEMAND) === PoolCapacity.SPOT ? CapacityType.SPOT : CapacityType.ON_DEMAND,
        minSize: p.minNodes ?? 0,
        maxSize: p.maxNodes,
        efa: p.efa,
        availabilityZones: p.availabilityZones ?? (p.efa ? [spec.availabilityZones[0]] : undefined),
        capacityReservation: p.capacityReservation,
      })),
      // The model registry keeps its store there (MLflow's backend store, or the Kubeflow Model
      // Registry's metadata), and so do pgvector and a feature store on SQL: every spec has a registry.
      database: true,
      databaseOptions: options.databaseOptions,
      s3Backend: options.s3Backend,
      allowDestroyBuckets: options.allowDestroyBuckets,
      karpenter: options.karpenter,
    });
    stack.dataServices = new DataServicesAccess(stack, 'data-services', {
      cluster: stack.cluster,
      modelStore: stack.modelStore,
      database: stack.database,
      registry: registry === ModelRegistryKind.MLFLOW,
      generateCredentials: options.generateCredentials,
      credentialsVersion: options.credentialsVersion,
      secretRecoveryWindowDays: stack.retention.secrets === RetentionPolicy.DESTROY ? 0 : 30,
      vectorDatabases: vectorEngine === VectorEngine.QDRANT
        ? [{ namespace: vectorDatabaseName(spec.vectorDatabase!), name: vectorDatabaseName(spec.vectorDatabase!) }]
        : [],
    });
    const fs = spec.featureStore;
    if (fs && FeatureStoreNaming.needsDatabase(fs.onlineStore, fs.registry ?? FeatureRegistryKind.S3)) {
      // The feature store's database role: its password secret (the database grants the secrets reader its master secret already).
      const name = FeatureStoreNaming.nameOf(fs);
      stack.featureStoreAccess = new FeatureStoreAccess(stack, 'feature-store', {
        naming: stack.naming,
        namespace: name,
        name,
        key: stack.dataServices.key,
        secretsReader: stack.dataServices.secretsReader,
        generateCredentials: options.generateCredentials,
        credentialsVersion: options.credentialsVersion,
        secretRecoveryWindowDays: stack.retention.secrets === RetentionPolicy.DESTROY ? 0 : 30,
      });
    }
    // Grafana runs with every platform (kube-prometheus-stack), so its admin secret is always made.
    stack.addMetricsBackend({
      managedPrometheus: spec.metrics?.managedPrometheus,
      managedGrafana: spec.metrics?.managedGrafana,
      generateCredentials: options.generateCredentials,
      credentialsVersion: options.credentialsVersion,
      secretRecoveryWindowDays: stack.retention.secrets === RetentionPolicy.DESTROY ? 0 : 30,
    });
    // The chat front end's OIDC client secret, which you store in Secrets Manager: External Secrets may read it (and only it).
    const chatUi = spec.chatUi && spec.chatUi.enabled !== false ? spec.chatUi : undefined;
    if (chatUi) {
      const name = chatUi.oidc.clientSecretName;
      // Secrets Manager appends six random characters to a secret's name in its ARN.
      const arn = secretsManagerSecretArn(spec.region, spec.accountId, name);
      stack.dataServices.secretsReader.addToPolicy({ sid: 'ChatUiOidcClientSecret', actions: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'], resources: [arn] });
    }
    for (const w of platformWorkloadIdentities(spec)) {
      const identity = stack.addWorkloadIdentity(w.id, { namespace: w.namespace, serviceAccount: w.serviceAccount, purpose: w.id });
      for (const g of w.buckets) {
        const grant = { bucket: g.bucket === PlatformBucket.MODELS ? StoreBucket.MODELS : StoreBucket.DATASETS, prefix: g.prefix === '' ? undefined : g.prefix };
        if (g.access === BucketAccess.READ_WRITE) stack.modelStore.grantReadWrite(identity, grant);
        else stack.modelStore.grantRead(identity, grant);
      }
      if (w.xrayWrite) {
        // X-Ray has no resource-level permissions for these actions.
        identity.addToPolicy({ sid: 'XRayWrite', actions: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords', 'xray:GetSamplingRules', 'xray:GetSamplingTargets'], resources: ['*'] });
      }
    }
    // A gateway behind a load balancer: the AWS Load Balancer Controller's identity, and External Secrets may read the
    // listener's certificate when it is kept in Secrets Manager (and only it).
    if (gatewayNeedsLoadBalancer(spec.gateway)) {
      stack.addLoadBalancerController();
      const tls = spec.gateway!.tlsCertificateSecretName;
      if (tls !== undefined) {
        const arn = secretsManagerSecretArn(spec.region, spec.accountId, tls);
        stack.dataServices.secretsReader.addToPolicy({ sid: 'GatewayTlsCertificate', actions: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'], resources: [arn] });
      }
    }
    return stack;
  }

  /** Platform naming shared with the Kubernetes layer. */
  public readonly naming: PlatformNaming;
  /** Cost centre tag value. */
  public readonly costCentre: string;
  /** The provider. */
  public readonly provider: AwsProvider;
  /** Key of the log groups. */
  public readonly logsKey: EncryptionKey;
  /** Network. */
  public readonly network: Network;
  /** Cluster. */
  public readonly cluster: Cluster;
  /** Buckets and repositories. */
  public readonly modelStore: ModelStore;
  /** The database, when enabled. */
  public readonly database?: PostgresDatabase;
  /** Self-managed Karpenter's AWS resources, when enabled. */
  public readonly karpenter?: Karpenter;
  /** The data services' identities and secrets, when built from a spec. */
  public dataServices?: DataServicesAccess;
  /** The feature store's database credentials, when the spec's feature store uses the platform's PostgreSQL. */
  public featureStoreAccess?: FeatureStoreAccess;
  /** The metrics backend's AWS side (Grafana's admin secret, managed Prometheus and Grafana), when added. */
  public metricsBackend?: MetricsBackendAccess;
  /** The AWS Load Balancer Controller's identity, when added. */
  public loadBalancerController?: LoadBalancerControllerAccess;
  /** What `terraform destroy` keeps, defaults resolved. */
  public readonly retention: ResolvedRetention;

  constructor(scope: Construct, id: string, props: CnaiAwsStackProps) {
    super(scope, id);
    const path = this.node.path;
    this.naming = new PlatformNaming({
      platformName: props.platformName,
      environment: props.environment,
      region: props.region,
      accountId: props.accountId,
    }, path);
    const naming = this.naming;
    this.costCentre = props.costCentre ?? props.platformName;
    const resolved = platformRetention({ environment: props.environment, retention: props.retention });
    this.retention = props.allowDestroyBuckets === undefined ? resolved
      : { ...resolved, buckets: props.allowDestroyBuckets ? RetentionPolicy.DESTROY : RetentionPolicy.RETAIN };

    this.provider = new AwsProvider(this, 'aws', {
      region: naming.region,
      allowedAccountIds: [naming.accountId],
      defaultTags: [{ tags: { 'platform': naming.platformName, 'environment': naming.environment, 'cost-centre': this.costCentre, 'managed-by': 'cnai-constructs' } }],
    });
    // The bindings must be generated from the pinned provider, or the synthesized
    // arguments could be ones the pinned provider does not know.
    const generated = this.provider.terraformGeneratorMetadata?.providerVersion;
    if (generated !== TERRAFORM.awsProvider.version) {
      throw invalidProp(path, 'provider', generated, `@cdktf/provider-aws is generated from hashicorp/aws ${generated}, not the pinned ${TERRAFORM.awsProvider.version}`,
        'install the @cdktf/provider-aws release generated from the pinned version, or change TERRAFORM.awsProvider in lib/core/versions.ts');
    }
    // cdktf writes the provider's generated version with source "aws"; spell both out.
    this.addOverride('terraform.required_version', TERRAFORM.requiredVersion);
    this.addOverride('terraform.required_providers.aws.source', TERRAFORM.awsProvider.source);
    this.addOverride('terraform.required_providers.aws.version', TERRAFORM.awsProvider.version);

    if (props.s3Backend) {
      const b = props.s3Backend;
      new S3Backend(this, {
        bucket: b.bucket,
        key: b.key ?? `${naming.prefix}/terraform.tfstate`,
        region: b.region ?? naming.region,
        encrypt: true,
        kmsKeyId: b.kmsKeyId,
        dynamodbTable: b.dynamodbTable,
      });
      if (!b.dynamodbTable) this.addOverride('terraform.backend.s3.use_lockfile', true);
    } else {
      new LocalBackend(this, { path: `terraform.${id}.tfstate` });
    }

    this.logsKey = new EncryptionKey(this, 'logs-key', { naming, purpose: 'logs', allowCloudWatchLogs: true, description: `${naming.prefix} log groups` });
    this.network = new Network(this, 'network', {
      naming,
      availabilityZones: props.availabilityZones,
      cidrBlock: props.vpcCidr,
      natGateways: props.natGateways,
      interfaceEndpoints: props.interfaceEndpoints,
      flowLogRetentionDays: props.logRetentionDays,
      logsKey: this.logsKey,
    });
    this.cluster = new Cluster(this, 'cluster', {
      naming,
      network: this.network,
      kubernetesVersion: props.kubernetesVersion,
      supportType: props.kubernetesSupportType,
      adminPrincipalArns: props.adminPrincipalArns,
      lookUpAdminPrincipals: props.lookUpAdminPrincipals,
      publicEndpointCidrs: props.publicEndpointCidrs,
      allowPublicEndpointFromAnywhere: props.allowPublicEndpointFromAnywhere,
      autoMode: props.autoMode,
      systemNodePool: props.systemNodePool,
      logRetentionDays: props.logRetentionDays,
      logsKey: this.logsKey,
    });
    // `true` was the way to ask for the defaults before 0.2 (boolean | KarpenterOptions): still
    // accepted from JavaScript, where no type check catches it.
    const karpenter = props.karpenter as KarpenterOptions | boolean | undefined;
    if (karpenter) {
      this.karpenter = this.cluster.addKarpenter(karpenter === true ? {} : karpenter);
    }
    (props.gpuPools ?? []).forEach((pool, i) => {
      if (!pool.name) {
        throw invalidProp(path, `gpuPools[${i}].name`, pool.name, 'pools given in props need a name', 'give each pool a name, e.g. "gpu-l40s"');
      }
      this.addGpuNodePool(pool.name, pool);
    });
    this.modelStore = new ModelStore(this, 'model-store', {
      naming,
      repositories: props.repositories ?? ['serving'],
      accessLogging: props.bucketAccessLogging,
      allowDestroy: this.retention.buckets === RetentionPolicy.DESTROY,
      allowDestroyImages: this.retention.containerImages === RetentionPolicy.DESTROY,
    });
    if (props.database ?? true) {
      this.database = new PostgresDatabase(this, 'database', {
        retain: this.retention.database === RetentionPolicy.RETAIN, ...props.databaseOptions, cluster: this.cluster,
      });
    }
    (props.workloadIdentities ?? []).forEach((w) => this.addWorkloadIdentity(`${w.namespace}-${w.serviceAccount}`, w));

    // Rendered at synth, so pools and identities added after construction are included.
    const lazyContract = () => this.contract();
    new TerraformOutput(this, 'cluster_name', { value: this.cluster.name, description: 'EKS cluster name' });
    new TerraformOutput(this, 'cluster_endpoint', { value: this.cluster.endpoint, description: 'Kubernetes API endpoint' });
    new TerraformOutput(this, 'region', { value: naming.region });
    new TerraformOutput(this, 'models_bucket', { value: this.modelStore.models.bucketName });
    new TerraformOutput(this, 'datasets_bucket', { value: this.modelStore.datasets.bucketName });
    new TerraformOutput(this, 'ecr_repository_urls', { value: lazyMap(() => this.modelStore.repositoryUrls()) });
    new TerraformOutput(this, 'node_pools', {
      value: lazyString(() => JSON.stringify(this.cluster.nodePoolContracts())),
      description: 'Node pool labels and taints (JSON), for the Kubernetes layer',
    });
    new TerraformOutput(this, 'workload_identities', {
      value: lazyString(() => JSON.stringify(this.cluster.workloadIdentities.map((w) => w.contract()))),
      description: 'Pod Identity associations (JSON)',
    });
    if (this.database) {
      new TerraformOutput(this, 'database_endpoint', { value: this.database.host });
      new TerraformOutput(this, 'database_secret_arn', { value: this.database.masterSecretArn, description: 'Secrets Manager secret of the master password (the ARN, not the password)' });
    }
    new TerraformOutput(this, 'platform_contract', { value: lazyMap(lazyContract), description: 'The platform contract the Kubernetes layer takes as a prop' });
    new TerraformOutput(this, 'teardown', {
      value: lazyMap(() => this.teardown()),
      description: 'How to tear the platform down: what terraform destroy keeps, what to delete before it, and in which order',
    });
  }

  /**
   * Prepares the stack for synthesis, as cdktf's: with other stacks in the app, cdktf resolves
   * every element once to find references between stacks (each gets an output and a remote
   * state). An app whose only stack this is has none, so that pass (a third of synthesis) is
   * skipped; the output is the same.
   */
  public prepareStack(): void {
    const stacks = this.node.root.node.findAll().filter((c) => TerraformStack.isStack(c));
    if (stacks.length === 1) {
      this.ensureBackendExists();
      return;
    }
    super.prepareStack();
  }

  /**
   * How to tear this platform down (also the Terraform output `teardown`): the retention of each
   * stateful resource, the steps in order, the `terraform state rm` commands that keep retained
   * resources (and the keys they need to stay readable) out of `terraform destroy`, and what stays
   * behind. Resource addresses are those of the synthesized stack.
   */
  public teardown(): Teardown {
    const r = this.retention;
    const address = (res: TerraformResource) => `${res.terraformResourceType}.${this.getLogicalId(res)}`;
    const resourcesOf = (...scopes: Construct[]) => scopes.flatMap((c) => c.node.findAll())
      .filter((c): c is TerraformResource => c instanceof TerraformResource);
    const keep = new Set<string>();
    const store = this.modelStore;
    const logs = store.accessLogs ? [store.accessLogs] : [];
    if (r.buckets === RetentionPolicy.RETAIN) resourcesOf(store.models, store.datasets, store.key, ...logs).forEach((x) => keep.add(address(x)));
    const repos = Object.values(store.repositories);
    if (r.containerImages === RetentionPolicy.RETAIN && repos.length > 0) resourcesOf(...repos, store.key).forEach((x) => keep.add(address(x)));
    if (this.database && this.database.retain) resourcesOf(this.database.key).forEach((x) => keep.add(address(x)));

    const before: string[] = [
      'Delete the Kubernetes layer, newest first (dist/0004 to 0001, then the operators; or delete the root Argo CD Application): '
        + 'its controllers made AWS resources that Terraform does not know.',
      'Delete every Service of type LoadBalancer and every Ingress (kubectl get svc -A --field-selector spec.type=LoadBalancer; kubectl get ingress -A) '
        + 'and wait until their load balancers are gone: they and their security groups and network interfaces keep the VPC from being deleted.',
    ];
    if (this.karpenter) {
      before.push('Delete Karpenter\'s NodePools (kubectl delete nodepools --all) and wait until kubectl get nodeclaims is empty, then uninstall Karpenter: '
        + 'its instances, launch templates and instance profiles are not in Terraform and keep subnets and the node role in use.');
    }
    before.push('Delete the PersistentVolumeClaims whose data should go (the vector database\'s volumes use a Retain StorageClass: '
      + 'their EBS volumes outlive the cluster and are encrypted with the node volume key, which destroy schedules for deletion).');
    if (keep.size > 0) {
      before.push(`Keep the retained resources out of the destroy (prevent_destroy would stop it): terraform state rm ${[...keep].sort().join(' ')}`);
    }
    if (this.database?.retain && this.database.deletionProtection) {
      before.push(`Turn deletion protection off on purpose: aws rds modify-db-instance --db-instance-identifier ${this.database.identifier} `
        + `--no-deletion-protection --apply-immediately (destroy then takes the final snapshot ${this.database.finalSnapshotPrefix}<creation time>).`);
    }
    const after: string[] = [];
    if (r.buckets === RetentionPolicy.RETAIN) {
      after.push(`The buckets ${store.models.bucketName} and ${store.datasets.bucketName} and their key ${store.key.aliasName} remain (and cost).`);
      if (store.accessLogs) after.push(`The access log bucket ${store.accessLogs.bucketName} remains; its logs expire after ${store.accessLogs.retentionDays} days.`);
    }
    if (r.containerImages === RetentionPolicy.RETAIN && repos.length > 0) after.push(`The ECR repositories ${repos.map((x) => x.repositoryName).join(', ')} remain with their images.`);
    if (this.database?.retain) after.push(`The final snapshot and automated backups of ${this.database.identifier} remain, readable with the kept key ${this.database.key.aliasName}.`);
    if (r.secrets === RetentionPolicy.RETAIN && this.dataServices) {
      after.push('Deleted service secrets stay recoverable for 30 days, and no secret of the same name can be created meanwhile: '
        + 'to build the platform again sooner, aws secretsmanager delete-secret --force-delete-without-recovery --secret-id <name> for each.');
    }
    after.push('KMS keys not kept are scheduled for deletion (30 days); cancel with aws kms cancel-key-deletion if something they encrypt must be read again.');
    return {
      retention: { ...r },
      beforeDestroy: before,
      destroy: 'terraform destroy',
      keptOutOfDestroy: [...keep].sort(),
      afterDestroy: after,
    };
  }

  /**
   * Adds the metrics backend's AWS side (see {@link MetricsBackendAccess}): Grafana's generated admin
   * secret, and Amazon Managed Service for Prometheus and Grafana when asked for. The contract
   * gains `metrics`; the Terraform outputs gain the workspaces' id and URL.
   */
  public addMetricsBackend(options: MetricsBackendAccessOptions = {}): MetricsBackendAccess {
    if (this.metricsBackend) {
      throw invalidProp(this.node.path, 'metricsBackend', 'added', 'the stack has its metrics backend already', 'add it once, with all its options');
    }
    const access = this.metricsBackend = new MetricsBackendAccess(this, 'metrics-backend', { ...options, cluster: this.cluster });
    if (access.managedPrometheus) {
      new TerraformOutput(this, 'managed_prometheus_workspace_id', { value: access.managedPrometheus.workspaceId, description: 'Amazon Managed Service for Prometheus workspace' });
    }
    if (access.managedGrafana) {
      new TerraformOutput(this, 'managed_grafana_url', { value: access.managedGrafana.url, description: 'Amazon Managed Grafana workspace (reached through its VPC endpoint)' });
    }
    return access;
  }

  /**
   * Adds the AWS Load Balancer Controller's identity (see {@link LoadBalancerControllerAccess}), for
   * Services of type LoadBalancer such as a model gateway's. The contract gains `loadBalancerController`.
   */
  public addLoadBalancerController(): LoadBalancerControllerAccess {
    if (this.loadBalancerController) {
      throw invalidProp(this.node.path, 'loadBalancerController', 'added', 'the stack has the load balancer controller\'s identity already', 'add it once');
    }
    return this.loadBalancerController = new LoadBalancerControllerAccess(this, 'load-balancer-controller', { cluster: this.cluster });
  }

  /** Adds a GPU pool to the cluster. */
  public addGpuNodePool(id: string, options: GpuNodePoolOptions): GpuNodePool {
    return this.cluster.addGpuNodePool(id, options);
  }

  /** Adds a workload identity to the cluster. */
  public addWorkloadIdentity(id: string, options: WorkloadIdentityOptions): WorkloadIdentity {
    return this.cluster.addWorkloadIdentity(id, options);
  }

  /**
   * The platform contract: names, labels and taints are plain strings; the endpoint-like
   * values known only after apply (repository URLs, database host and secret) are tokens.
   */
  public contract(): PlatformContract {
    const repos = this.modelStore.repositoryUrls();
    const contract = this.cluster.platformContract({
      buckets: this.modelStore.contract(),
      ecrRepositories: Object.keys(repos).length > 0 ? repos : undefined,
      database: this.database?.contract(),
    });
    return {
      ...contract,
      ...(this.metricsBackend ? { metrics: this.metricsBackend.contract() } : {}),
      ...(this.loadBalancerController ? { loadBalancerController: this.loadBalancerController.contract() } : {}),
    };
  }
}

function lazyString(produce: () => string): string {
  return Lazy.stringValue({ produce });
}

function lazyMap(produce: () => object): any {
  return Lazy.anyValue({ produce });
}
