/**
 * The model of a synthesized platform that the whole-platform checks share: every object of
 * the output and of the releases it installs, the pods they run, the Services, the namespaces
 * with their labels, the NetworkPolicies, and the references between them.
 *
 * Built once by `buildPlatformModel` (model-builder.ts) from the output files and the release
 * renders (../upstream); read by the reference checks (references.ts) and the network flow
 * checks (flows.ts, network-policy.ts).
 */
import { KubeObject } from '../upstream/types';

/** Where a thing comes from: the platform's own output, or a release it installs. */
export interface Origin {
  /** `file#doc` of the output, or `release <application>`. */
  readonly location: string;
  /** The Application that installs it, for objects of a release. */
  readonly release?: string;
  /** Argo CD sync wave (of the object, or of its release). */
  readonly syncWave: number;
}

/** An object of the model. */
export interface ModelObject {
  readonly object: KubeObject;
  readonly origin: Origin;
}

/** A port a pod listens on. */
export interface PodPort {
  readonly name?: string;
  readonly port: number;
  /** `TCP`, `UDP` or `SCTP`. */
  readonly protocol: string;
}

/** Pods of one workload (or of a custom resource an operator turns into pods). */
export interface PodGroup {
  /** `Kind namespace/name` of the workload (or custom resource). */
  readonly id: string;
  readonly namespace: string;
  readonly labels: { [key: string]: string };
  readonly ports: PodPort[];
  readonly serviceAccount: string;
  /** Pods on the node's network: NetworkPolicies do not select them. */
  readonly hostNetwork: boolean;
  /** The pod template (when known), for reference extraction. */
  readonly podSpec?: { [key: string]: unknown };
  readonly origin: Origin;
}

/** A port of a Service. */
export interface ServicePortInfo {
  readonly name?: string;
  readonly port: number;
  /** Number, or name of a container port. */
  readonly targetPort: number | string;
  readonly protocol: string;
}

/** A Service. */
export interface ServiceInfo {
  readonly namespace: string;
  readonly name: string;
  /** Pod selector (none: a Service without selector, e.g. for external endpoints). */
  readonly selector?: { [key: string]: string };
  /** Headless (`clusterIP: None`). */
  readonly headless: boolean;
  readonly ports: ServicePortInfo[];
  readonly origin: Origin;
}

/** What a reference points at. */
export enum ReferenceKind {
  SERVICE = 'Service',
  SECRET = 'Secret',
  CONFIG_MAP = 'ConfigMap',
  SERVICE_ACCOUNT = 'ServiceAccount',
  PVC = 'PersistentVolumeClaim',
  STORAGE_CLASS = 'StorageClass',
  PRIORITY_CLASS = 'PriorityClass',
  LOCAL_QUEUE = 'LocalQueue',
  SERVING_RUNTIME = 'ServingRuntime',
  TRAINING_RUNTIME = 'TrainingRuntime',
  CUSTOM_RESOURCE_DEFINITION = 'CustomResourceDefinition',
}

/** One reference from an object (or pod) of the model to something it needs. */
export interface Reference {
  readonly kind: ReferenceKind;
  /** The referring object, `Kind namespace/name`. */
  readonly from: string;
  /** JSON path in the referring object where the reference is. */
  readonly path: string;
  /** Namespace of the target (for namespaced targets). */
  readonly namespace?: string;
  /** Name of the target. */
  readonly name: string;
  /** For Services: the port (number) asked for. */
  readonly port?: number;
  /** For Services: the pods that open the connection (a network flow), when known. */
  readonly clientPodGroup?: string;
  /** Origin of the referring object. */
  readonly origin: Origin;
}

/** A NetworkPolicy of the model. */
export interface NetworkPolicyInfo {
  readonly namespace: string;
  readonly name: string;
  readonly spec: { [key: string]: unknown };
  readonly origin: Origin;
}

/** A namespace and its labels (including the automatic `kubernetes.io/metadata.name`). */
export interface NamespaceInfo {
  readonly name: string;
  readonly labels: { [key: string]: string };
  /** Declared by the output, by a release, or assumed to exist in every cluster (`default`, `kube-system`). */
  readonly origin: Origin;
}

/**
 * Addresses of the cluster that NetworkPolicies can match only by `ipBlock`: the nodes (and so
 * host-network pods and the kubelet) and the Kubernetes API server. On EKS both are in the
 * VPC's CIDR (the API server's private endpoint is a set of ENIs in the cluster's subnets).
 */
export interface ClusterAddresses {
  /**
   * CIDRs the nodes' addresses are in.
   * @default - any IPv4 address (`0.0.0.0/0`): a flow from or to a node must then be allowed for every address
   */
  readonly nodeCidrs?: string[];
  /**
   * CIDRs the API server's addresses are in.
   * @default - any IPv4 address (`0.0.0.0/0`)
   */
  readonly apiServerCidrs?: string[];
}

/** The whole model. */
export interface PlatformModel {
  readonly objects: ModelObject[];
  readonly namespaces: Map<string, NamespaceInfo>;
  readonly podGroups: PodGroup[];
  readonly services: ServiceInfo[];
  readonly networkPolicies: NetworkPolicyInfo[];
  readonly references: Reference[];
  /**
   * Node and API server addresses, for flows from or to them (network-policy.ts).
   * @default - any IPv4 address for both
   */
  readonly clusterAddresses?: ClusterAddresses;
}
