/**
 * What a third-party release puts into the cluster that the platform's own objects refer to:
 * the kinds whose CRDs it installs, its Services, the pods it runs, and the named objects it
 * creates (serving and training runtimes, secrets, config maps, service accounts, classes).
 *
 * The operator catalogue (lib/k8s/operators) declares this for each release, and the Argo CD
 * renderer writes it onto the release's Application as the {@link PROVIDES_ANNOTATION}
 * annotation (compact JSON of {@link ReleaseProvides}). The whole-platform verifier
 * (lib/verify) reads it from the synthesized output: references from the platform's objects
 * resolve against it, network flows to and from its pods are checked against it, and the
 * declaration itself is checked against the upstream artifacts of the release (a kustomize
 * source is rendered, so every declared object must be in the render; a Helm chart is
 * checked for the CRDs and the template each declared object comes from).
 *
 * Plain data, shared by both sides: it imports nothing.
 */

/** Annotation of an Argo CD Application holding the JSON of its {@link ReleaseProvides}. */
export const PROVIDES_ANNOTATION = 'cnai.io/provides';

/** A port of a provided Service. */
export interface ProvidedServicePort {
  /**
   * Port name.
   * @default - unnamed
   */
  readonly name?: string;
  /** Service port. */
  readonly port: number;
  /**
   * Container port the Service forwards to (a number; named target ports are resolved by the declaration).
   * @default - the same as `port`
   */
  readonly targetPort?: number;
  /**
   * Protocol.
   * @default "TCP"
   */
  readonly protocol?: string;
}

/** A Service a release creates. */
export interface ProvidedService {
  /** Service name. */
  readonly name: string;
  /**
   * Namespace.
   * @default - the release's namespace
   */
  readonly namespace?: string;
  /** Ports. */
  readonly ports: ProvidedServicePort[];
  /** Pod labels the Service selects (must match one of the release's {@link ProvidedWorkload}s). */
  readonly selector: { [key: string]: string };
  /**
   * For Helm charts: the chart template the Service comes from (relative to the chart root),
   * checked to exist and to define a Service.
   * @default - none (kustomize sources are rendered instead)
   */
  readonly template?: string;
}

/** A container port of a provided workload. */
export interface ProvidedContainerPort {
  /**
   * Port name.
   * @default - unnamed
   */
  readonly name?: string;
  /** Container port. */
  readonly containerPort: number;
  /**
   * Protocol.
   * @default "TCP"
   */
  readonly protocol?: string;
}

/** Pods a release runs (a Deployment, StatefulSet or DaemonSet, or pods an operator starts for a custom resource of the release). */
export interface ProvidedWorkload {
  /** Name of the workload (for reports). */
  readonly name: string;
  /**
   * Namespace.
   * @default - the release's namespace
   */
  readonly namespace?: string;
  /** Labels of its pods. */
  readonly podLabels: { [key: string]: string };
  /**
   * Container ports.
   * @default - none
   */
  readonly ports?: ProvidedContainerPort[];
  /**
   * Service account of its pods.
   * @default - none declared
   */
  readonly serviceAccount?: string;
  /**
   * Whether the pods use the node's network (node agents): NetworkPolicies do not apply to them.
   * @default false
   */
  readonly hostNetwork?: boolean;
  /**
   * For Helm charts: the chart template the workload comes from (relative to the chart root).
   * @default - none
   */
  readonly template?: string;
  /**
   * In-cluster URLs (or `host:port`) its pods connect to, as the release's values configure them
   * (a chart is not rendered, so the verification cannot read them from the pod spec): each is a
   * reference and a network flow the verification checks, like an address in a pod's environment.
   * @default - none
   */
  readonly connectsTo?: string[];
}

/** A named object a release creates (runtimes, secrets, config maps, classes). */
export interface ProvidedObject {
  /** API version, e.g. `serving.kserve.io/v1alpha1`. */
  readonly apiVersion: string;
  /** Kind, e.g. `ClusterServingRuntime`. */
  readonly kind: string;
  /** Name. */
  readonly name: string;
  /**
   * Namespace of a namespaced object.
   * @default - the release's namespace for namespaced kinds; none for cluster-scoped kinds
   */
  readonly namespace?: string;
  /**
   * For Helm charts: the chart template it comes from (relative to the chart root).
   * @default - none
   */
  readonly template?: string;
}

/** Kinds whose CRDs a release installs. */
export interface ProvidedApiGroup {
  /** API group, e.g. `monitoring.coreos.com`. */
  readonly group: string;
  /** Kinds of that group, e.g. `ServiceMonitor`. */
  readonly kinds: string[];
}

/** Everything a release provides (see the module comment). */
export interface ReleaseProvides {
  /**
   * Kinds whose CRDs the release installs.
   * @default - none
   */
  readonly customResources?: ProvidedApiGroup[];
  /**
   * Services.
   * @default - none
   */
  readonly services?: ProvidedService[];
  /**
   * Pods it runs.
   * @default - none
   */
  readonly workloads?: ProvidedWorkload[];
  /**
   * Named objects others refer to.
   * @default - none
   */
  readonly objects?: ProvidedObject[];
}
