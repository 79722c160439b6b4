/**
 * The feature store's vocabulary, shared by the spec and the Kubernetes layer: where the online
 * store and the registry live, the spec's `featureStore` section, the names both layers derive
 * (namespace, the service account the Feast operator makes, the prefix of the datasets bucket,
 * the credentials secret), and the checks of its settings with one problem per mistake, so that
 * the spec validation and the FeatureStore construct report the same messages.
 */
import { ProblemDetails } from './errors';
import { NAME_RULES } from './names';

/** Where a feature store keeps the latest feature values that models read at serving time. */
export enum OnlineStoreKind {
  /** Redis in the feature store's namespace: a StatefulSet with a password generated in the cluster. */
  REDIS = 'redis',
  /** The platform's PostgreSQL (the AWS layer's RDS): a database and a role of the feature store's own. */
  POSTGRES = 'postgres',
}

/** Where a feature store keeps its registry (the feature definitions). */
export enum FeatureRegistryKind {
  /** A file in the datasets bucket, under the feature store's prefix. */
  S3 = 's3',
  /** The feature store's database on the platform's PostgreSQL (the one a POSTGRES online store uses). */
  SQL = 'sql',
}

/** A feature repository (Feast's feature definitions and `feature_store.yaml`) in git. */
export interface FeatureRepositorySpec {
  /** HTTPS URL of the git repository. */
  readonly gitUrl: string;
  /** A tag or a commit: the definitions deployed do not change under the platform. */
  readonly ref: string;
  /**
   * Path of the feature repository inside the git repository.
   * @default - the repository root
   */
  readonly path?: string;
}

/** The spec's feature store (Feast, through its operator). */
export interface FeatureStoreSpec {
  /**
   * Name of the feature store (a DNS-1123 label of at most 40 characters), also its namespace.
   * @default "features"
   */
  readonly name?: string;
  /** The Feast project (letters, digits and underscores). */
  readonly project: string;
  /** The feature repository. */
  readonly repository: FeatureRepositorySpec;
  /**
   * Where the online store lives. Required: serving reads features from it.
   * @default - none: a spec without it is refused
   */
  readonly onlineStore?: OnlineStoreKind;
  /**
   * Where the registry lives.
   * @default FeatureRegistryKind.S3
   */
  readonly registry?: FeatureRegistryKind;
  /**
   * When features are materialized from the offline store into the online store (a cron schedule, UTC).
   * @default "0 * * * *" (hourly)
   */
  readonly materializationSchedule?: string;
  /**
   * Served models (names of `models`) that read features: they get the connection settings and the network flow.
   * @default - none
   */
  readonly clients?: string[];
}

/** Default materialization schedule: hourly, at the full hour. */
export const DEFAULT_MATERIALIZATION_SCHEDULE = '0 * * * *';

/** Default name (and namespace) of a feature store. */
export const DEFAULT_FEATURE_STORE_NAME = 'features';

/** Longest feature store name: the operator names Services `feast-<name>-registry-rest` (at most 63 characters). */
export const MAX_FEATURE_STORE_NAME = 40;

/** Names both layers derive for a feature store. */
export class FeatureStoreNaming {
  /** The spec's feature store name, its default resolved. */
  public static nameOf(spec: FeatureStoreSpec): string {
    return spec.name ?? DEFAULT_FEATURE_STORE_NAME;
  }

  /** The service account the Feast operator v0.66.0 makes for a FeatureStore's pods (`feast-<name>`). */
  public static serviceAccount(name: string): string {
    return `feast-${name}`;
  }

  /** Key prefix of a feature store in the datasets bucket (offline data and the S3 registry). */
  public static dataPrefix(name: string): string {
    return `features/${name}/`;
  }

  /** Path of a feature store's credentials secret below the platform prefix (`feature-store/<namespace>/<name>`). */
  public static secretService(namespace: string, name: string): string {
    return `feature-store/${namespace}/${name}`;
  }

  /** The database and role of a feature store on the platform's PostgreSQL (`feast_<name>`, dashes as underscores). */
  public static databaseName(name: string): string {
    return `feast_${name.replace(/-/g, '_')}`;
  }

  /** Whether a feature store needs the platform's PostgreSQL (a POSTGRES online store or a SQL registry). */
  public static needsDatabase(onlineStore: OnlineStoreKind | undefined, registry: FeatureRegistryKind | undefined): boolean {
    return onlineStore === OnlineStoreKind.POSTGRES || registry === FeatureRegistryKind.SQL;
  }

  private constructor() {}
}

/** Where the problems of a feature store's settings are reported. */
export interface FeatureStoreSite {
  /** Construct path or spec name. */
  readonly construct: string;
  /** Prefix of the props (`featureStore.` in the spec, empty for the construct). */
  readonly propPrefix: string;
}

/** The settings of a feature store that the spec and the construct share. */
export interface FeatureStoreSettings {
  /** Name. */
  readonly name: string;
  /** Feast project. */
  readonly project: string;
  /** Repository. */
  readonly repository: FeatureRepositorySpec;
  /** Online store (undefined: missing). */
  readonly onlineStore?: OnlineStoreKind;
  /** Registry. */
  readonly registry: FeatureRegistryKind;
  /** Materialization schedule. */
  readonly materializationSchedule: string;
}

const FLOATING_REFS = /^(HEAD|latest|main|master|trunk|develop|stable)$/i;
const PROJECT = /^[A-Za-z0-9_]+$/;
const CRON_FIELD = /^(\*|[0-9]+(-[0-9]+)?)(\/[0-9]+)?(,(\*|[0-9]+(-[0-9]+)?)(\/[0-9]+)?)*$/;

/** Checks of a feature store's settings, shared by the spec validation and FeatureStore. */
export class FeatureStoreChecks {
  /** Every problem of `s`, one per mistake. */
  public static problems(site: FeatureStoreSite, s: FeatureStoreSettings): ProblemDetails[] {
    const out: ProblemDetails[] = [];
    const p = (prop: string, value: unknown, problem: string, fix: string) => out.push({ construct: site.construct, prop: `${site.propPrefix}${prop}`, value, problem, fix });
    if (typeof s.name !== 'string' || !new RegExp(NAME_RULES.dns1123Label.pattern).test(s.name) || s.name.length > MAX_FEATURE_STORE_NAME) {
      p('name', s.name, `not a DNS-1123 label of at most ${MAX_FEATURE_STORE_NAME} characters (the Feast operator names its Services feast-<name>-registry-rest)`,
        'use lowercase letters, digits and dashes, e.g. "features"');
    }
    if (typeof s.project !== 'string' || !PROJECT.test(s.project)) {
      p('project', s.project, 'not a Feast project name (letters, digits and underscores)', 'give the project of the feature repository\'s feature_store.yaml, e.g. "churn_features"');
    }
    if (s.onlineStore === undefined) {
      p('onlineStore', s.onlineStore, 'the feature store has no online store: served models read their features from it, and materialization writes there',
        'set onlineStore: OnlineStoreKind.REDIS (in the cluster) or OnlineStoreKind.POSTGRES (the platform\'s database)');
    } else if (!Object.values(OnlineStoreKind).includes(s.onlineStore)) {
      p('onlineStore', s.onlineStore, 'not an online store the platform builds', `use one of ${Object.values(OnlineStoreKind).join(', ')} (OnlineStoreKind)`);
    }
    if (!Object.values(FeatureRegistryKind).includes(s.registry)) {
      p('registry', s.registry, 'not a registry the platform builds', `use one of ${Object.values(FeatureRegistryKind).join(', ')} (FeatureRegistryKind)`);
    }
    const repo = s.repository ?? ({} as FeatureRepositorySpec);
    if (typeof repo.gitUrl !== 'string' || !/^https:\/\/[^\s/]+\/\S+$/.test(repo.gitUrl)) {
      p('repository.gitUrl', repo.gitUrl, 'not an HTTPS git URL (the feature server clones it at start; no SSH keys are mounted)', 'give e.g. "https://github.com/my-org/features.git"');
    }
    if (typeof repo.ref !== 'string' || repo.ref.trim() === '' || FLOATING_REFS.test(repo.ref) || /\s/.test(repo.ref)) {
      p('repository.ref', repo.ref, 'not a tag or a commit: a branch moves, so the deployed feature definitions would change without a change to the platform',
        'give a release tag (e.g. "v1.4.0") or a commit SHA');
    }
    if (repo.path !== undefined && (typeof repo.path !== 'string' || repo.path.startsWith('/') || repo.path.split('/').includes('..') || /\s/.test(repo.path))) {
      p('repository.path', repo.path, 'not a relative path inside the repository', 'give e.g. "feature_repo", or leave it out for the repository root');
    }
    const fields = typeof s.materializationSchedule === 'string' ? s.materializationSchedule.trim().split(/\s+/) : [];
    if (fields.length !== 5 || !fields.every((f) => CRON_FIELD.test(f))) {
      p('materializationSchedule', s.materializationSchedule, 'not a five-field cron schedule (minute hour day-of-month month day-of-week, numbers only)',
        'give e.g. "0 * * * *" (hourly) or "15 2 * * *" (daily at 02:15 UTC)');
    }
    return out;
  }

  private constructor() {}
}
