/**
 * The model of a synthesized platform that the whole-platform checks share: every object of
 * the output and of the releases it installs, the pods they run, the Services, the namespaces
 * with their labels, the NetworkPolicies, and the references between them.
 *
 * Built once by `buildPlatformModel` (model-builder.ts) from the output files and the release
 * renders (../upstream); read by the reference checks (references.ts) and the network flow
 * checks (flows.ts, network-policy.ts).
 */
import { KubeObject, ReleaseRender } from '../upstream/types';

/** Where a thing comes from: the platform's own output, or a release it installs. */
export interface Origin {
  /** `file#doc` of the output, or `release <application>`. */
  readonly location: string;
  /** The Application that installs it, for objects of a release. */
  readonly release?: string;
  /** Argo CD sync wave (of the object, or of its release). */
  readonly syncWave: number;
  /**
   * For objects nobody writes: the cluster or controller that creates them, and why
   * (e.g. `EKS: CoreDNS add-on`, `External Secrets operator: target of ExternalSecret mlflow/db`).
   */
  readonly providedBy?: string;
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

/** A pod group before the model builder gives it an origin (what the workload readers and the adapters find). */
export interface PodGroupDraft {
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
  /** JSON path of `podSpec` in the object the pods come from (e.g. `spec.template.spec`). */
  readonly podSpecPath?: string;
  /** Where the pods come from when an operator creates them: the controller and the upstream source it was read in. */
  readonly createdBy?: string;
}

/** Pods of one workload (or of a custom resource an operator turns into pods). */
export interface PodGroup extends PodGroupDraft {
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
  /** The Service's own labels (ServiceMonitors select Services by them). */
  readonly labels?: { [key: string]: string };
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
  /** ExternalSecret → SecretStore or ClusterSecretStore (`targetKind`). */
  SECRET_STORE = 'SecretStore',
  /** LocalQueue → ClusterQueue. */
  CLUSTER_QUEUE = 'ClusterQueue',
  /** ClusterQueue → ResourceFlavor. */
  RESOURCE_FLAVOR = 'ResourceFlavor',
  /** A namespaced object → its Namespace. */
  NAMESPACE = 'Namespace',
  /**
   * Pods reached directly, not through a Service (PodMonitor targets): `name` is the
   * {@link PodGroup.id}, `port` the container port; or, with `selector`, the pods a selector must match.
   */
  POD = 'Pod',
  /** A ServiceMonitor, PodMonitor or PrometheusRule → a Prometheus that selects it (`name` is `*`). */
  PROMETHEUS = 'Prometheus',
  /** A dashboard ConfigMap → a Grafana that loads it (`name` is `*`). */
  GRAFANA = 'Grafana',
  /** Any other named object (`targetKind`, `targetGroup`): scale targets, trigger authentications, issuers, roles. */
  OBJECT = 'Object',
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
  /** For Services and pods: the port asked for by name (ServiceMonitor and PodMonitor endpoints, Alertmanager endpoints). */
  readonly portName?: string;
  /** For Services and pods: the target is whatever this label selector matches (in `namespace`, or in `namespaces`). */
  readonly selector?: LabelSelector;
  /** For selector references: the namespaces searched (default: `namespace`). */
  readonly namespaces?: string[];
  /** For Services: the pod hostname of a headless Service's pod DNS name (`pod-0.svc.ns.svc`); `*` when templated. */
  readonly pod?: string;
  /** For Services: the text the host was found in (URL or `host:port`). */
  readonly text?: string;
  /** For Secrets and ConfigMaps: the key asked for. */
  readonly key?: string;
  /** Kind of the target when the reference kind allows several (e.g. `ClusterSecretStore`, `ClusterTrainingRuntime`, the custom kind of a CRD reference). */
  readonly targetKind?: string;
  /** API group of the target (CRD and object references). */
  readonly targetGroup?: string;
  /** For CRD references: the API version the object is written in. */
  readonly apiVersion?: string;
  /** For serving runtimes: the model format the runtime must support. */
  readonly modelFormat?: string;
  /**
   * For pod references with a client and a port: the client connects to the pods directly (a
   * network flow, e.g. a gateway's proxies to the replica an InferencePool's picker chose).
   */
  readonly connection?: boolean;
}

/** A Kubernetes label selector. */
export interface LabelSelector {
  readonly matchLabels?: { [key: string]: string };
  readonly matchExpressions?: { readonly key: string; readonly operator: string; readonly values?: string[] }[];
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
  /** The release renders the model was built from. */
  readonly releases?: ReleaseRender[];
}
