import * as fs from 'fs';
import * as path from 'path';
import {
  DATA_SERVICES, KARPENTER, LOAD_BALANCER_CONTROLLER,
  karpenterInterruptionQueueName, KarpenterContract, NODE_LABELS, NodePoolContract, NodePoolProvisioner, NodeTaint,
  PlatformContract, serviceSecretName, TaintEffect, vectorSnapshotServiceAccount, WorkloadIdentityContract, GPU_RESOURCE,
} from './contract';
import { PlatformContractFile } from './contract-file';
import { invalidProp } from './errors';
import { gatewayNeedsLoadBalancer } from './gateway-spec';
import { ManagedPrometheusEndpoints, METRICS_BACKEND, MetricsBackendContract } from './metrics-backend';
import { assertName, NAME_RULES, PlatformNaming } from './names';
import { awsPartition, ecrRegistryHost } from './partition';
import { CapacityReservationKind, GpuPoolSpec, ModelRegistryKind, PlatformSpec, PoolCapacity, VectorEngine } from './platform-spec';
import { platformWorkloadIdentities, vectorDatabaseName } from './platform-spec-derivation';
import { validatePlatformSpec } from './platform-spec-validation';
import { EKS } from './versions';

/**
 * The platform contract of a spec before `terraform apply`, derived in core from the spec
 * alone: the Kubernetes layer can be synthesized without building (or loading) the AWS layer.
 * Every name, label and taint is the one the AWS layer derives (`CnaiAwsStack.fromSpec`, whose
 * `previewContract` equals this, which the contract tests prove); what only apply knows is a
 * marked preview value.
 */

/**
 * Marks a value that only `terraform apply` knows. Hosts use the reserved `.invalid` top
 * level domain, so a preview manifest applied by mistake cannot reach anything.
 */
export const PENDING_APPLY = 'pending-apply';

/** The file the applied contract is saved to next to an app: `terraform output -json platform_contract > platform-contract.json`. */
export const APPLIED_CONTRACT_FILE = 'platform-contract.json';

// What the AWS layer builds for a spec unless told otherwise (lib/aws: Network, ModelStore,
// SystemNodePool, GpuNodePool, PostgresDatabase, CnaiAwsStack.fromSpec); the contract tests
// compare the preview with the stack's, so a change there fails them.
const AWS_DEFAULTS = {
  vpcCidr: '10.0.0.0/16',
  repositories: ['serving'],
  systemPool: { name: 'system', instanceTypes: ['m7i.xlarge'], maxSize: 6 },
  cpuAcceleratorFamily: 'cpu',
  systemTaint: { key: 'CriticalAddonsOnly', value: 'true', effect: TaintEffect.NO_SCHEDULE } as NodeTaint,
  gpuTaint: { key: GPU_RESOURCE, value: 'true', effect: TaintEffect.NO_SCHEDULE } as NodeTaint,
  capacityType: { onDemand: 'ON_DEMAND', spot: 'SPOT', capacityBlock: 'CAPACITY_BLOCK' },
  database: { purpose: 'postgres', port: 5432, databaseName: 'cnai', username: 'cnai_admin' },
};

/** Self-managed Karpenter as the AWS layer prepares it (`karpenter` of `CnaiAwsStack.fromSpec`). */
export interface KarpenterPreviewOptions {
  /**
   * Namespace of the controller.
   * @default KARPENTER.namespace ("karpenter")
   */
  readonly namespace?: string;
  /**
   * Service account of the controller.
   * @default KARPENTER.serviceAccount ("karpenter")
   */
  readonly serviceAccount?: string;
  /**
   * Interruption handling (the interruption queue).
   * @default true
   */
  readonly interruptionHandling?: boolean;
}

/** The CPU system pool as the AWS layer creates it (`systemNodePool` of `CnaiAwsStack.fromSpec`). */
export interface SystemNodePoolPreviewOptions {
  /**
   * Pool name.
   * @default "system"
   */
  readonly name?: string;
  /**
   * Instance types.
   * @default ["m7i.xlarge"]
   */
  readonly instanceTypes?: string[];
  /**
   * Most nodes.
   * @default 6
   */
  readonly maxSize?: number;
  /**
   * Reserved for platform components (tainted `CriticalAddonsOnly=true:NoSchedule`).
   * @default false
   */
  readonly dedicated?: boolean;
}

/** The database as the AWS layer creates it (`databaseOptions` of `CnaiAwsStack.fromSpec`). */
export interface DatabasePreviewOptions {
  /**
   * Name of the initial database.
   * @default "cnai"
   */
  readonly databaseName?: string;
  /**
   * Master user name.
   * @default "cnai_admin"
   */
  readonly username?: string;
}

/** A workload identity the AWS code adds after `CnaiAwsStack.fromSpec` (`stack.addWorkloadIdentity`). */
export interface WorkloadIdentityPreviewOptions {
  /** Namespace of the service account. */
  readonly namespace: string;
  /** Name of the service account. */
  readonly serviceAccount: string;
  /**
   * What the role is for: the IAM role is `<platform>-<environment>-<purpose>`.
   * @default "<namespace>-<serviceAccount>"
   */
  readonly purpose?: string;
}

/**
 * What the AWS layer is built with beyond the spec, where it changes the contract. The
 * properties carry the names of `CnaiAwsStackSpecOptions`, so one object can describe both.
 */
export interface ContractPreviewOptions {
  /**
   * Self-managed Karpenter prepared by the AWS layer.
   * @default - no self-managed Karpenter
   */
  readonly karpenter?: KarpenterPreviewOptions;
  /**
   * The CPU system pool.
   * @default - the AWS layer's default system pool
   */
  readonly systemNodePool?: SystemNodePoolPreviewOptions;
  /**
   * The database.
   * @default - the AWS layer's default database names
   */
  readonly databaseOptions?: DatabasePreviewOptions;
  /**
   * Workload identities the AWS code adds after `CnaiAwsStack.fromSpec`, in the order it adds them.
   * @default - none
   */
  readonly workloadIdentities?: WorkloadIdentityPreviewOptions[];
}

/**
 * The platform contract for the Kubernetes layer without the AWS layer: from the spec before
 * apply, or from the file the applied contract was saved to.
 */
export class ContractPreview {
  /**
   * The contract the AWS layer of `spec` will have: the names, labels, taints, identities and
   * buckets `CnaiAwsStack.fromSpec(scope, id, spec, options)` derives, with the values only
   * apply knows (the database host and its secret's ARN, the managed Prometheus workspace id and
   * the URLs made from it) marked {@link PENDING_APPLY}. The
   * spec is validated first, as the AWS layer does.
   */
  public static fromSpec(spec: PlatformSpec, options: ContractPreviewOptions = {}): PlatformContract {
    validatePlatformSpec(spec);
    const where = `spec ${spec.name}`;
    const identityOfSpec = { platformName: spec.name, environment: spec.environment, region: spec.region, accountId: spec.accountId };
    const naming = new PlatformNaming(identityOfSpec, where);
    const registry = (spec.modelRegistry ?? ModelRegistryKind.MLFLOW) === ModelRegistryKind.MLFLOW;
    const vectorEngine = spec.vectorDatabase ? spec.vectorDatabase.engine ?? VectorEngine.QDRANT : undefined;

    // Identities in the order the AWS layer adds them: Karpenter's controller, the data
    // services' (External Secrets, registry, vector snapshots), the spec's workloads, the app's.
    const identities: WorkloadIdentityContract[] = [];
    const bound = new Map<string, WorkloadIdentityContract>();
    const identity = (at: string, namespace: string, serviceAccount: string, purpose: string) => {
      assertName(where, `${at}.namespace`, namespace, NAME_RULES.dns1123Label);
      assertName(where, `${at}.serviceAccount`, serviceAccount, NAME_RULES.dns1123Subdomain);
      const key = `${namespace}/${serviceAccount}`;
      const same = bound.get(key);
      if (same) {
        throw invalidProp(where, `${at}.serviceAccount`, key,
          `already bound to the role ${same.roleName}; a service account has one Pod Identity association`, 'grant the other identity instead of adding a second one');
      }
      const w = { namespace, serviceAccount, roleName: assertName(where, `${at}.purpose`, naming.roleName(purpose), NAME_RULES.iamRole) };
      bound.set(key, w);
      identities.push(w);
    };

    let karpenter: KarpenterContract | undefined;
    if (options.karpenter) {
      const k = options.karpenter;
      const namespace = assertName(where, 'karpenter.namespace', k.namespace ?? KARPENTER.namespace, NAME_RULES.dns1123Label);
      const serviceAccount = assertName(where, 'karpenter.serviceAccount', k.serviceAccount ?? KARPENTER.serviceAccount, NAME_RULES.dns1123Subdomain);
      karpenter = {
        namespace,
        serviceAccount,
        nodeRoleName: assertName(where, 'karpenter', naming.roleName(KARPENTER.nodeRolePurpose), NAME_RULES.iamRole),
        ...(k.interruptionHandling ?? true ? { interruptionQueueName: karpenterInterruptionQueueName(naming.clusterName) } : {}),
      };
      identity('karpenter', namespace, serviceAccount, KARPENTER.controllerRolePurpose);
    }
    const reader = DATA_SERVICES.secretsReader;
    identity('secretsReader', reader.namespace, reader.serviceAccount, 'external-secrets');
    if (registry) identity('modelRegistry', DATA_SERVICES.registryNamespace, DATA_SERVICES.registryServiceAccount, 'model-registry');
    if (vectorEngine === VectorEngine.QDRANT) {
      const name = vectorDatabaseName(spec.vectorDatabase!);
      identity('vectorDatabase', name, vectorSnapshotServiceAccount(name), `vector-snapshots-${name}-${name}`);
    }
    // The metrics backend (always: Grafana's generated admin secret; with spec.metrics.managedPrometheus
    // the workspace, Prometheus' remote-write identity and, for KEDA's queries, the KEDA operator's).
    const amp = spec.metrics?.managedPrometheus;
    if (amp) {
      identity('metrics.managedPrometheus', METRICS_BACKEND.namespace, METRICS_BACKEND.prometheusServiceAccount, 'prometheus-remote-write');
      if (amp.kedaQueries ?? true) identity('metrics.managedPrometheus.kedaQueries', METRICS_BACKEND.kedaNamespace, METRICS_BACKEND.kedaServiceAccount, 'keda-operator');
    }
    const metrics: MetricsBackendContract = {
      grafanaAdminSecretName: serviceSecretName(naming.platformName, naming.environment, METRICS_BACKEND.grafanaAdminSecretService),
      ...(amp ? {
        managedPrometheus: {
          workspaceId: PENDING_APPLY,
          region: naming.region,
          remoteWriteUrl: ManagedPrometheusEndpoints.remoteWriteUrl(naming.region, PENDING_APPLY),
          queryUrl: ManagedPrometheusEndpoints.queryUrl(naming.region, PENDING_APPLY),
        },
      } : {}),
    };
    for (const w of platformWorkloadIdentities(spec)) identity(w.id, w.namespace, w.serviceAccount, w.id);
    // The AWS Load Balancer Controller, for a gateway behind a load balancer (its VPC id is known after apply).
    const lbc = LOAD_BALANCER_CONTROLLER;
    const loadBalanced = gatewayNeedsLoadBalancer(spec.gateway);
    if (loadBalanced) identity('gateway.exposure', lbc.namespace, lbc.serviceAccount, lbc.rolePurpose);
    (options.workloadIdentities ?? []).forEach((w, i) =>
      identity(`workloadIdentities[${i}]`, w.namespace, w.serviceAccount, w.purpose ?? `${w.namespace}-${w.serviceAccount}`));

    const db = options.databaseOptions ?? {};
    const repositories = AWS_DEFAULTS.repositories;
    return {
      platformName: naming.platformName,
      environment: naming.environment,
      region: naming.region,
      accountId: naming.accountId,
      clusterName: assertName(where, 'clusterName', naming.clusterName, NAME_RULES.eksCluster),
      kubernetesVersion: spec.kubernetesVersion ?? EKS.defaultKubernetesVersion,
      vpcCidr: AWS_DEFAULTS.vpcCidr,
      buckets: {
        models: assertName(where, 'buckets.models', naming.bucketName('models'), NAME_RULES.s3Bucket),
        datasets: assertName(where, 'buckets.datasets', naming.bucketName('datasets'), NAME_RULES.s3Bucket),
      },
      ecrRepositories: Object.fromEntries(repositories.map((name) => [name, previewEcrRepositoryUrl(naming, name)])),
      nodePools: [systemPoolContract(options.systemNodePool ?? {}), ...spec.gpuPools.map(gpuPoolContract)],
      workloadIdentities: identities,
      // Every spec has a model registry, which keeps its store in the database (as the AWS layer creates it).
      database: {
        host: pendingDatabaseHost(naming),
        port: AWS_DEFAULTS.database.port,
        databaseName: db.databaseName ?? AWS_DEFAULTS.database.databaseName,
        username: db.username ?? AWS_DEFAULTS.database.username,
        masterSecretArn: pendingDatabaseSecretArn(naming),
      },
      ...(karpenter ? { karpenter } : {}),
      metrics,
      ...(loadBalanced ? { loadBalancerController: { namespace: lbc.namespace, serviceAccount: lbc.serviceAccount, vpcId: PENDING_APPLY } } : {}),
    };
  }

  /**
   * The contract for synthesizing the Kubernetes layer of `spec` in an app folder: the applied
   * one when `dir` holds {@link APPLIED_CONTRACT_FILE} (`terraform output -json platform_contract`
   * saved there after apply), else {@link ContractPreview.fromSpec}. An applied contract that
   * does not come from `spec` (another platform or environment, a pool missing or with other
   * instance types: the spec changed since the apply) is an error saying to apply and re-export.
   */
  public static appliedOrPreview(dir: string, spec: PlatformSpec, options: ContractPreviewOptions = {}): PlatformContract {
    const file = path.join(dir, APPLIED_CONTRACT_FILE);
    if (fs.existsSync(file)) {
      const applied = PlatformContractFile.read(file);
      PlatformContractFile.checkMatchesSpec(spec, applied, `spec ${spec.name}`, file);
      return applied;
    }
    return ContractPreview.fromSpec(spec, options);
  }

  /** True when a contract still holds preview values (see {@link ContractPreview.fromSpec}). */
  public static isPreview(contract: PlatformContract): boolean {
    return JSON.stringify(contract).includes(PENDING_APPLY);
  }
}

/**
 * The database host a preview contract carries: `<prefix>-postgres.pending-apply.invalid`.
 * @internal
 */
export function pendingDatabaseHost(naming: PlatformNaming): string {
  return `${naming.resourceName(AWS_DEFAULTS.database.purpose)}.${PENDING_APPLY}.invalid`;
}

/**
 * The ARN of the database's master secret a preview contract carries.
 * @internal
 */
export function pendingDatabaseSecretArn(naming: PlatformNaming): string {
  return `arn:${awsPartition(naming.region)}:secretsmanager:${naming.region}:${naming.accountId}:secret:${PENDING_APPLY}-${naming.resourceName(AWS_DEFAULTS.database.purpose)}`;
}

/**
 * The URL of an ECR repository of the platform: deterministic, so a preview carries the real one.
 * @internal
 */
export function previewEcrRepositoryUrl(naming: PlatformNaming, name: string): string {
  return `${ecrRegistryHost(naming.region, naming.accountId)}/${naming.prefix}/${name}`;
}

function systemPoolContract(o: SystemNodePoolPreviewOptions): NodePoolContract {
  const name = o.name ?? AWS_DEFAULTS.systemPool.name;
  return {
    name,
    provisioner: NodePoolProvisioner.MANAGED_NODE_GROUP,
    instanceTypes: [...(o.instanceTypes ?? AWS_DEFAULTS.systemPool.instanceTypes)],
    labels: {
      [NODE_LABELS.pool]: name,
      [NODE_LABELS.acceleratorFamily]: AWS_DEFAULTS.cpuAcceleratorFamily,
      [NODE_LABELS.capacityType]: AWS_DEFAULTS.capacityType.onDemand,
    },
    taints: o.dedicated ? [{ ...AWS_DEFAULTS.systemTaint }] : [],
    gpusPerNode: 0,
    gpuMemoryGiB: 0,
    efa: false,
    maxNodes: o.maxSize ?? AWS_DEFAULTS.systemPool.maxSize,
  };
}

function gpuPoolContract(p: GpuPoolSpec): NodePoolContract {
  const first = p.instanceTypes[0];
  const counts = new Set(p.instanceTypes.map((t) => t.gpuCount));
  const capacityType = p.capacityReservation?.kind === CapacityReservationKind.CAPACITY_BLOCK ? AWS_DEFAULTS.capacityType.capacityBlock
    : (p.capacity ?? PoolCapacity.ON_DEMAND) === PoolCapacity.SPOT ? AWS_DEFAULTS.capacityType.spot : AWS_DEFAULTS.capacityType.onDemand;
  return {
    name: p.name,
    provisioner: NodePoolProvisioner.MANAGED_NODE_GROUP,
    instanceTypes: p.instanceTypes.map(String),
    labels: {
      [NODE_LABELS.pool]: p.name,
      [NODE_LABELS.acceleratorFamily]: first.family,
      [NODE_LABELS.gpuProduct]: first.gpuProduct,
      // A count label only when every type of the pool has the same number of GPUs.
      ...(counts.size === 1 ? { [NODE_LABELS.gpuCount]: String(first.gpuCount) } : {}),
      [NODE_LABELS.capacityType]: capacityType,
    },
    taints: [{ ...AWS_DEFAULTS.gpuTaint }],
    gpusPerNode: Math.min(...p.instanceTypes.map((t) => t.gpuCount)),
    gpuMemoryGiB: Math.min(...p.instanceTypes.map((t) => t.gpuMemoryGiB)),
    efa: p.efa ?? false,
    maxNodes: p.maxNodes,
  };
}
