import { InstallPhase, OperatorRelease, ReleaseSource } from './release';
import { NodePoolProvisioner, PlatformContract } from '../../core/contract';
import { invalidProp } from '../../core/errors';
import { ReleaseConnections } from '../../core/release-network';
import { OPERATOR_SOURCES } from '../../core/versions';
import { INodePool, NodePoolReference } from '../node-pool';
import { PodSecurityLevel } from '../pod-security';

/** Requests (equal to limits) of the Karpenter controller. */
export interface KarpenterControllerResources {
  /**
   * CPU of each controller replica.
   * @default "1"
   */
  readonly cpu?: string;
  /**
   * Memory of each controller replica.
   * @default "1Gi"
   */
  readonly memory?: string;
}

/** Props of the Karpenter release. */
export interface KarpenterReleaseProps {
  /**
   * The platform contract: the cluster name and Karpenter's names (namespace, service account
   * with its Pod Identity, interruption queue) come from its `karpenter` entry.
   */
  readonly contract: PlatformContract;
  /**
   * The pool the controller runs on: a managed node group, never a pool Karpenter provisions
   * (the controller must not run on the nodes it manages).
   * @default - the contract's first managed node group without GPUs (the AWS layer lists the system pool first)
   */
  readonly systemPool?: INodePool;
  /**
   * Controller replicas (one leads; the other takes over).
   * @default 2
   */
  readonly replicas?: number;
  /**
   * Controller requests and limits.
   * @default - 1 CPU and 1Gi, as in Karpenter's getting-started guide
   */
  readonly resources?: KarpenterControllerResources;
  /**
   * Create a ServiceMonitor for Karpenter's metrics.
   * @default true
   */
  readonly serviceMonitor?: boolean;
}

/** Labels of the controller's pods (templates/_helpers.tpl karpenter.selectorLabels; the release is named `karpenter`). */
const KARPENTER_POD_LABELS = { 'app.kubernetes.io/name': 'karpenter', 'app.kubernetes.io/instance': 'karpenter' };

/**
 * Karpenter (self-managed, v1): node autoscaling for GpuNodePools with an EC2NodeClass.
 * The AWS layer prepares it (`karpenter: {}` on CnaiAwsStack); the contract carries the
 * names, so the service account matches its Pod Identity association and the interruption
 * queue matches the one the EventBridge rules feed. Runs on the system pool.
 *
 * Source: the karpenter OCI chart 1.14.1 (charts/karpenter on branch release-v1.14.1, whose
 * values.yaml pins the controller image by tag and digest). Values, all in its values.yaml:
 * settings, serviceAccount, replicas, controller.resources, nodeSelector (merged with the chart's
 * `kubernetes.io/os: linux`), tolerations, serviceMonitor.
 * @internal
 */
export function karpenterRelease(props: KarpenterReleaseProps): OperatorRelease {
  const where = 'OperatorCatalogue.karpenter';
  const k = props.contract.karpenter;
  if (!k) {
    throw invalidProp(where, 'contract.karpenter', undefined, 'the AWS layer did not prepare Karpenter (no node role, controller identity or interruption queue)',
      'set karpenter: {} on CnaiAwsStack (or call cluster.addKarpenter()) and pass that stack\'s contract');
  }
  if (k.namespace === 'kube-system') {
    throw invalidProp(where, 'contract.karpenter.namespace', k.namespace, 'release namespaces are declared with a Pod Security level, which kube-system\'s privileged system pods would not pass',
      'install Karpenter into its own namespace (the default, KARPENTER.namespace)');
  }
  const pool = props.systemPool ?? defaultSystemPool(where, props.contract);
  if (pool.provisioner !== NodePoolProvisioner.MANAGED_NODE_GROUP) {
    throw invalidProp(where, 'systemPool', pool.poolName, `a ${pool.provisioner} pool; Karpenter would run on nodes it (or Auto Mode) may remove`,
      'run the controller on a managed node group, e.g. NodePoolReference.fromContract(<the system pool of the contract>)');
  }
  const replicas = props.replicas ?? 2;
  if (!Number.isInteger(replicas) || replicas < 1) {
    throw invalidProp(where, 'replicas', replicas, 'not a positive whole number', 'give 2 (one leader and a standby) or more');
  }
  const size = { cpu: props.resources?.cpu ?? '1', memory: props.resources?.memory ?? '1Gi' };
  return new OperatorRelease({
    name: 'karpenter',
    namespace: k.namespace,
    source: ReleaseSource.helmChart(OPERATOR_SOURCES.karpenter),
    values: {
      settings: {
        clusterName: props.contract.clusterName,
        ...(k.interruptionQueueName ? { interruptionQueue: k.interruptionQueueName } : {}),
      },
      serviceAccount: { create: true, name: k.serviceAccount },
      replicas,
      controller: { resources: { requests: { ...size }, limits: { ...size } } },
      nodeSelector: { 'kubernetes.io/os': 'linux', ...pool.nodeSelector() },
      tolerations: pool.tolerations(),
      serviceMonitor: { enabled: props.serviceMonitor ?? true },
    },
    phase: InstallPhase.OPERATORS,
    // The EC2NodeClass and NodePool CRDs ship in the chart.
    serverSideApply: true,
    podSecurity: PodSecurityLevel.RESTRICTED,
    description: `Node autoscaling of ${props.contract.clusterName} (Karpenter, on pool ${pool.poolName}).`,
    network: {
      connections: [
        ReleaseConnections.aws('karpenter', 'launches and terminates EC2 instances, reads interruptions from SQS, prices and SSM parameters'),
        ...((props.serviceMonitor ?? true) ? [ReleaseConnections.metrics('karpenter', [8080])] : []),
      ],
    },
    provides: {
      customResources: [
        { group: 'karpenter.sh', kinds: ['NodeClaim', 'NodeOverlay', 'NodePool'] },
        { group: 'karpenter.k8s.aws', kinds: ['EC2NodeClass'] },
        { group: 'autoscaling.x-k8s.io', kinds: ['CapacityBuffer'] },
      ],
      // Prometheus scrapes the controller here (the chart's ServiceMonitor).
      services: [{ name: 'karpenter', ports: [{ name: 'http-metrics', port: 8080 }], selector: KARPENTER_POD_LABELS, template: 'templates/service.yaml' }],
      workloads: [{
        // Calls EC2, SQS (interruptions), pricing and SSM through its Pod Identity.
        name: 'karpenter',
        podLabels: KARPENTER_POD_LABELS,
        ports: [{ name: 'http-metrics', containerPort: 8080 }, { name: 'http', containerPort: 8081 }],
        serviceAccount: k.serviceAccount,
        template: 'templates/deployment.yaml',
      }],
    },
  });
}

function defaultSystemPool(where: string, contract: PlatformContract): INodePool {
  const system = contract.nodePools.find((p) => p.provisioner === NodePoolProvisioner.MANAGED_NODE_GROUP && p.gpusPerNode === 0);
  if (!system) {
    throw invalidProp(where, 'systemPool', undefined, 'the contract has no managed node group without GPUs to run the controller on',
      'pass systemPool, a managed node group (NodePoolReference.fromContract(...))');
  }
  return NodePoolReference.fromContract(system);
}
