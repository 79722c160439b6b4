/**
 * The network flows a third-party release needs: declared with the release (lib/k8s/operators,
 * `OperatorRelease` prop `network`, next to `provides`), rendered into NetworkPolicies of the
 * release's namespace (a namespace-wide default-deny, DNS, the API server, then exactly the
 * declared connections), and written onto the release's Argo CD Application as the
 * {@link NETWORK_ANNOTATION} annotation (compact JSON of {@link ResolvedReleaseNetwork}), so
 * that the whole-platform verifier (lib/verify) checks every declared connection against the
 * NetworkPolicies of both ends, and the ends against the upstream render.
 *
 * Plain data, shared by both sides: it imports nothing.
 */

/** Annotation of an Argo CD Application holding the JSON of its {@link ResolvedReleaseNetwork}. */
export const NETWORK_ANNOTATION = 'cnai.io/network';

/** What one end of a release's connection is. */
export enum NetworkEndKind {
  /** Pods of one of the release's own provided workloads (`workload` names it). */
  WORKLOAD = 'workload',
  /** Pods with given labels in a given namespace (`namespace`, `podLabels`): pods an operator starts, or pods of another release. */
  PODS = 'pods',
  /** Any pod of the platform's namespaces (its own and its teams', labelled `app.kubernetes.io/part-of: cnai-platform`). */
  PLATFORM_NAMESPACES = 'platform-namespaces',
  /** The Kubernetes API server: on EKS its private endpoint's network interfaces in the VPC (webhooks are called from there). */
  API_SERVER = 'api-server',
  /** The pods of the platform's metrics backend that scrape metrics endpoints (Prometheus). */
  METRICS_SCRAPER = 'metrics-scraper',
  /**
   * The metrics backend's query API (Prometheus; its port replaces the connection's ports), or AWS
   * when the backend is queried with SigV4 (Amazon Managed Service for Prometheus).
   */
  METRICS_QUERY = 'metrics-query',
  /** AWS APIs: the EKS Pod Identity agent (TCP 80) and HTTPS to any address (the connection's ports are not used). */
  AWS = 'aws',
}

/** One end of a connection. */
export interface NetworkEnd {
  /** What the end is. */
  readonly kind: NetworkEndKind;
  /**
   * For {@link NetworkEndKind.WORKLOAD}: the name of a workload of the release's `provides.workloads`.
   * @default - none
   */
  readonly workload?: string;
  /**
   * For {@link NetworkEndKind.PODS}: the namespace of the pods.
   * @default - the release's namespace
   */
  readonly namespace?: string;
  /**
   * For {@link NetworkEndKind.PODS}: the labels of the pods.
   * @default - every pod of the namespace
   */
  readonly podLabels?: { [key: string]: string };
}

/** A port of a connection (on the end that accepts it). */
export interface NetworkPort {
  /** Port number: the container port of the accepting pods (not a Service port). */
  readonly port: number;
  /**
   * Protocol.
   * @default "TCP"
   */
  readonly protocol?: string;
}

/** A connection a release's pods open or accept. */
export interface ReleaseConnection {
  /** Who opens the connection. */
  readonly from: NetworkEnd;
  /** Who accepts it. */
  readonly to: NetworkEnd;
  /**
   * Ports on the accepting end (its container ports).
   * @default - none: only for ends whose ports are fixed (AWS) or given by the metrics backend (METRICS_QUERY)
   */
  readonly ports?: NetworkPort[];
  /** Why the connection is needed (recorded in the policies and reports). */
  readonly reason: string;
}

/** The network a release's pods need besides DNS (see the module comment). */
export interface ReleaseNetwork {
  /**
   * Whether every pod of the release's namespace reaches the API server (TCP 443). Operators
   * watch and write the API; their hook Jobs (certificate generators, start-up checks) do too.
   * @default true
   */
  readonly apiServer?: boolean;
  /**
   * The connections besides DNS and the API server.
   * @default - none
   */
  readonly connections?: ReleaseConnection[];
}

/** An end after the platform's context is applied: pods, the API server, AWS or any pod of the platform's namespaces. */
export interface ResolvedNetworkEnd {
  /** `pods`, `platform-namespaces`, `api-server` or `aws` ({@link NetworkEndKind} values). */
  readonly kind: NetworkEndKind;
  /**
   * Namespace of the pods.
   * @default - none (not pods)
   */
  readonly namespace?: string;
  /**
   * Labels of the pods.
   * @default - every pod of the namespace
   */
  readonly podLabels?: { [key: string]: string };
}

/** A connection after the platform's context is applied. */
export interface ResolvedReleaseConnection {
  /** Who opens it. */
  readonly from: ResolvedNetworkEnd;
  /** Who accepts it. */
  readonly to: ResolvedNetworkEnd;
  /**
   * Ports on the accepting end.
   * @default - none (AWS: TCP 80 to the Pod Identity agent, TCP 443 to any address)
   */
  readonly ports?: NetworkPort[];
  /** Why it is needed. */
  readonly reason: string;
}

/** What the {@link NETWORK_ANNOTATION} annotation holds. */
export interface ResolvedReleaseNetwork {
  /** The release's namespace. */
  readonly namespace: string;
  /** Whether every pod of the namespace reaches the API server. */
  readonly apiServer: boolean;
  /** The connections, with ends resolved. */
  readonly connections: ResolvedReleaseConnection[];
}

/** Shorthands for the ends of {@link ReleaseConnection}s. */
export class NetworkEnds {
  /** Pods of the release's provided workload `name`. */
  public static workload(name: string): NetworkEnd {
    return { kind: NetworkEndKind.WORKLOAD, workload: name };
  }

  /**
   * Pods with `podLabels` in `namespace`.
   * @param namespace the pods' namespace
   * @param podLabels the pods' labels; empty for every pod of the namespace
   */
  public static pods(namespace: string, podLabels: { [key: string]: string } = {}): NetworkEnd {
    return { kind: NetworkEndKind.PODS, namespace, podLabels: { ...podLabels } };
  }

  /** Any pod of the platform's namespaces (team namespaces included). */
  public static platformNamespaces(): NetworkEnd {
    return { kind: NetworkEndKind.PLATFORM_NAMESPACES };
  }

  /** The Kubernetes API server. */
  public static apiServer(): NetworkEnd {
    return { kind: NetworkEndKind.API_SERVER };
  }

  /** The metrics backend's scraper (Prometheus). */
  public static metricsScraper(): NetworkEnd {
    return { kind: NetworkEndKind.METRICS_SCRAPER };
  }

  /** The metrics backend's query API (or AWS for a managed workspace). */
  public static metricsQuery(): NetworkEnd {
    return { kind: NetworkEndKind.METRICS_QUERY };
  }

  /** AWS APIs through EKS Pod Identity. */
  public static aws(): NetworkEnd {
    return { kind: NetworkEndKind.AWS };
  }

  private constructor() {}
}

/** Shorthands for the connections most releases declare. */
export class ReleaseConnections {
  /** The API server calls the admission (or conversion, or aggregated API) webhooks of `workload` on its container `ports`. */
  public static webhook(workload: string, ports: number[], reason: string = 'admission webhooks, called by the API server'): ReleaseConnection {
    return { from: NetworkEnds.apiServer(), to: NetworkEnds.workload(workload), ports: ports.map((port) => ({ port })), reason };
  }

  /** The metrics backend scrapes `workload` on its container `ports`. */
  public static metrics(workload: string, ports: number[], reason: string = 'metrics, scraped by the platform\'s Prometheus'): ReleaseConnection {
    return { from: NetworkEnds.metricsScraper(), to: NetworkEnds.workload(workload), ports: ports.map((port) => ({ port })), reason };
  }

  /** `workload` calls AWS APIs with its EKS Pod Identity. */
  public static aws(workload: string, reason: string): ReleaseConnection {
    return { from: NetworkEnds.workload(workload), to: NetworkEnds.aws(), reason };
  }

  /** Any other connection, on TCP `ports` of the accepting end. */
  public static between(from: NetworkEnd, to: NetworkEnd, ports: number[], reason: string): ReleaseConnection {
    return { from, to, ports: ports.map((port) => ({ port })), reason };
  }

  private constructor() {}
}
