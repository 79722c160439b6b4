import { Construct } from 'constructs';
import { EncryptionKey } from './encryption-key';
import { ServiceSecret } from './service-secret';
import type { WorkloadIdentity } from './workload-identity';
import { FeatureStoreNaming } from '../core/feature-store-spec';
import { NAME_RULES, PlatformNaming, assertName } from '../core/names';

/** JSON key of a feature store's credentials secret: the password of its database role. */
export const FEATURE_STORE_PASSWORD_KEY = 'password';

/** Properties of {@link FeatureStoreAccess}. */
export interface FeatureStoreAccessProps {
  /** Platform naming (the secret is `<platform>-<environment>/feature-store/<namespace>/<name>`). */
  readonly naming: PlatformNaming;
  /** Namespace of the feature store (as in the Kubernetes layer's FeatureStore). */
  readonly namespace: string;
  /** Name of the feature store. */
  readonly name: string;
  /** The key that encrypts the secret (the data services' key). */
  readonly key: EncryptionKey;
  /** The External Secrets controller's identity: it may read the secret. */
  readonly secretsReader: WorkloadIdentity;
  /**
   * Generate the password at apply (write-only: never in plan, state or manifests). Off, the
   * secret is created empty and set once by hand.
   * @default true
   */
  readonly generateCredentials?: boolean;
  /**
   * Version of the generated password: bump it to rotate it at the next apply.
   * @default 1
   */
  readonly credentialsVersion?: number;
  /**
   * Days a deleted secret can be restored (7 to 30), or 0 to delete it at once.
   * @default 30
   */
  readonly secretRecoveryWindowDays?: number;
}

/**
 * The AWS side of a feature store whose online store or registry is on the platform's
 * PostgreSQL: the Secrets Manager secret of its database role's password (generated at apply
 * through a write-only attribute, so in neither plan nor state), readable by the External
 * Secrets controller only. The Kubernetes layer's FeatureStore copies it into its namespace, and
 * its database init Job creates the role and database with it. The feature server's own
 * identity (its prefix of the datasets bucket) comes from the spec's workload identities.
 */
export class FeatureStoreAccess extends Construct {
  /** The secret of the role's password (`password`). */
  public readonly secret: ServiceSecret;

  constructor(scope: Construct, id: string, props: FeatureStoreAccessProps) {
    super(scope, id);
    const ns = assertName(this.node.path, 'namespace', props.namespace, NAME_RULES.dns1123Label);
    const name = assertName(this.node.path, 'name', props.name, NAME_RULES.dns1123Label);
    this.secret = new ServiceSecret(this, 'secret', {
      naming: props.naming,
      service: FeatureStoreNaming.secretService(ns, name),
      key: props.key,
      description: `Feast feature store ${ns}/${name}: JSON with password (its PostgreSQL role ${FeatureStoreNaming.databaseName(name)})`,
      recoveryWindowDays: props.secretRecoveryWindowDays,
      generate: (props.generateCredentials ?? true)
        ? { randomKeys: [FEATURE_STORE_PASSWORD_KEY], version: props.credentialsVersion ?? 1 }
        : undefined,
    });
    this.secret.grantRead(props.secretsReader);
  }
}
