import { k8s } from 'cdk8s-plus-27';
import { WorkloadSelector } from '../workload-selector';

/*
 * The feature store's face to the other stages (serving, training): what a client needs, with
 * no import of the FeatureStore construct itself.
 */

/** What a client reads from a feature store: only those servers' endpoints and ports are given and opened. */
export enum FeatureAccess {
  /** Serving: the online server (latest feature values) and the registry. */
  ONLINE = 'online',
  /** Training: the offline server (historical features, point-in-time joins) and the registry. */
  OFFLINE = 'offline',
  /** Both. */
  ALL = 'all',
}

/** What a client of the feature store needs: its endpoints, and a way to open the network flow. */
export interface IFeatureStore {
  /** Name of the FeatureStore. */
  readonly name: string;
  /** Namespace. */
  readonly namespaceName: string;
  /** Feast project. */
  readonly project: string;
  /** URL of the online feature server (HTTP: `POST <url>/get-online-features`). */
  readonly onlineUrl: string;
  /** Address (`host:port`) of the registry server (gRPC), for a remote registry in a client's feature_store.yaml. */
  readonly registryAddress: string;
  /** Address (`host:port`) of the offline server (Arrow Flight), for historical features in training. */
  readonly offlineAddress: string;
  /**
   * Environment variables that give a client the endpoints of `access` (`FEAST_FEATURE_SERVER_URL`
   * for ONLINE, `FEAST_OFFLINE_SERVER` for OFFLINE, and `FEAST_REGISTRY` and `FEAST_PROJECT`).
   * @param access what the client reads (default FeatureAccess.ALL)
   */
  clientEnv(access?: FeatureAccess): k8s.EnvVar[];
  /**
   * The server ports a client of `access` connects to.
   * @param access what the client reads (default FeatureAccess.ALL)
   */
  clientPorts(access?: FeatureAccess): number[];
  /** The feature server pods, as a network peer. */
  workloads(): WorkloadSelector;
  /**
   * Lets `client` connect to the servers of `access` (the feature store's side of the flow).
   * @param access what the client reads (default FeatureAccess.ALL)
   */
  allowFrom(client: WorkloadSelector, access?: FeatureAccess): void;
}
