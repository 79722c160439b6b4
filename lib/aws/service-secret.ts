import { SecretsmanagerSecret } from '@cdktf/provider-aws/lib/secretsmanager-secret';
import { Construct } from 'constructs';
import { EncryptionKey } from './encryption-key';
import type { WorkloadIdentity } from './workload-identity';
import { serviceSecretName } from '../core/contract';
import { invalidProp } from '../core/errors';
import { PlatformNaming } from '../core/names';

/** Properties of a {@link ServiceSecret}. */
export interface ServiceSecretProps {
  /** Platform naming: the secret is `<platform>-<environment>/<service>`. */
  readonly naming: PlatformNaming;
  /** Path of the secret below the platform prefix, e.g. `model-registry` or `vector-db/rag/docs`. */
  readonly service: string;
  /** The key that encrypts the secret. */
  readonly key: EncryptionKey;
  /** What the secret holds and how to set its value (shown in the console). */
  readonly description: string;
  /**
   * Days a deleted secret can be restored.
   * @default 30
   */
  readonly recoveryWindowDays?: number;
}

/**
 * A Secrets Manager secret for a platform service's credentials, encrypted with a
 * customer-managed key. Terraform creates the secret but never its value (so no value is in
 * the state): an operator sets it once (`aws secretsmanager put-secret-value`), External
 * Secrets copies it into the cluster.
 */
export class ServiceSecret extends Construct {
  /** Name of the secret. */
  public readonly secretName: string;
  /** The secret. */
  public readonly secret: SecretsmanagerSecret;
  private readonly key: EncryptionKey;

  constructor(scope: Construct, id: string, props: ServiceSecretProps) {
    super(scope, id);
    if (!/^[A-Za-z0-9/_+=.@-]{1,400}$/.test(props.service) || props.service.startsWith('/') || props.service.endsWith('/')) {
      throw invalidProp(this.node.path, 'service', props.service, 'not a secret path (letters, digits and /_+=.@-, no leading or trailing "/")', 'give e.g. "model-registry"');
    }
    const days = props.recoveryWindowDays ?? 30;
    if (!Number.isInteger(days) || days < 7 || days > 30) {
      throw invalidProp(this.node.path, 'recoveryWindowDays', days, 'Secrets Manager keeps a deleted secret 7 to 30 days', 'give a whole number from 7 to 30');
    }
    this.key = props.key;
    this.secretName = serviceSecretName(props.naming.platformName, props.naming.environment, props.service);
    this.secret = new SecretsmanagerSecret(this, 'secret', {
      name: this.secretName,
      description: props.description,
      kmsKeyId: props.key.keyArn,
      recoveryWindowInDays: days,
    });
  }

  /** ARN of the secret. */
  public get secretArn(): string {
    return this.secret.arn;
  }

  /** Lets an identity read the secret (e.g. the External Secrets controller). */
  public grantRead(identity: WorkloadIdentity): void {
    const n = identity.grantedStatements.length;
    identity.addToPolicy({ sid: `ServiceSecret${n}`, actions: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'], resources: [this.secretArn] });
    identity.addToPolicy({ sid: `ServiceSecretKey${n + 1}`, actions: ['kms:Decrypt'], resources: [this.key.keyArn] });
  }
}
