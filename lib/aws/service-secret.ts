import { SecretsmanagerSecret } from '@cdktf/provider-aws/lib/secretsmanager-secret';
import { SecretsmanagerSecretVersion } from '@cdktf/provider-aws/lib/secretsmanager-secret-version';
import { TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { EncryptionKey } from './encryption-key';
import type { WorkloadIdentity } from './workload-identity';
import { serviceSecretName } from '../core/contract';
import { invalidProp } from '../core/errors';
import { PlatformNaming } from '../core/names';

/** The Terraform type of the ephemeral resource that draws the random values (hashicorp/aws 5.100.0). */
export const RANDOM_PASSWORD_EPHEMERAL = 'aws_secretsmanager_random_password';

/**
 * The value Terraform generates for a secret at apply: a JSON object of fixed entries and random
 * passwords. The passwords come from Secrets Manager's GetRandomPassword through an ephemeral
 * resource and reach the secret through the write-only `secret_string_wo`, so they are in neither
 * the plan nor the state; only the version number is.
 */
export interface GeneratedSecretValue {
  /** JSON keys that get a random password each. */
  readonly randomKeys: string[];
  /**
   * JSON keys with a fixed value (e.g. a user name).
   * @default - none
   */
  readonly fixed?: { [key: string]: string };
  /**
   * Length of each password; letters and digits only (they end up in URLs, headers and config files).
   * @default 40
   */
  readonly passwordLength?: number;
  /**
   * Version of the generated value: bump it to rotate (the next apply writes new passwords, and
   * External Secrets copies them into the cluster at its next refresh).
   * @default 1
   */
  readonly version?: number;
}

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
   * Days a deleted secret can be restored (7 to 30), or 0 to delete it at once. While a deleted
   * secret waits, no secret of the same name can be created: a platform destroyed and created again
   * under the same name (a dev environment) needs 0.
   * @default 30
   */
  readonly recoveryWindowDays?: number;
  /**
   * Generate the value at apply (write-only, so never in plan or state).
   * @default - no value: set it once with `aws secretsmanager put-secret-value`
   */
  readonly generate?: GeneratedSecretValue;
}

/**
 * A Secrets Manager secret for a platform service's credentials, encrypted with a
 * customer-managed key. With `generate`, Terraform writes a generated value at apply through a
 * write-only attribute fed by an ephemeral random password, so no value is in the plan or the
 * state; without it, an operator sets the value (`aws secretsmanager put-secret-value`). External
 * Secrets copies it into the cluster.
 */
export class ServiceSecret extends Construct {
  /** Name of the secret. */
  public readonly secretName: string;
  /** The secret. */
  public readonly secret: SecretsmanagerSecret;
  /** Days a deleted secret can be restored (0: deleted at once). */
  public readonly recoveryWindowDays: number;
  /** The version Terraform writes the generated value with (absent without `generate`). */
  public readonly secretVersion?: SecretsmanagerSecretVersion;
  /** Names of the ephemeral random password blocks (`ephemeral.<type>.<name>`), one per random key. */
  public readonly ephemeralPasswords: string[] = [];
  private readonly key: EncryptionKey;

  constructor(scope: Construct, id: string, props: ServiceSecretProps) {
    super(scope, id);
    if (!/^[A-Za-z0-9/_+=.@-]{1,400}$/.test(props.service) || props.service.startsWith('/') || props.service.endsWith('/')) {
      throw invalidProp(this.node.path, 'service', props.service, 'not a secret path (letters, digits and /_+=.@-, no leading or trailing "/")', 'give e.g. "model-registry"');
    }
    const days = props.recoveryWindowDays ?? 30;
    if (!Number.isInteger(days) || (days !== 0 && (days < 7 || days > 30))) {
      throw invalidProp(this.node.path, 'recoveryWindowDays', days, 'Secrets Manager keeps a deleted secret 7 to 30 days, or deletes it at once with 0',
        'give a whole number from 7 to 30, or 0 for disposable environments');
    }
    this.recoveryWindowDays = days;
    this.key = props.key;
    this.secretName = serviceSecretName(props.naming.platformName, props.naming.environment, props.service);
    this.secret = new SecretsmanagerSecret(this, 'secret', {
      name: this.secretName,
      description: props.description,
      kmsKeyId: props.key.keyArn,
      recoveryWindowInDays: days,
    });
    if (props.generate) this.secretVersion = this.generateValue(props.generate);
  }

  private generateValue(g: GeneratedSecretValue): SecretsmanagerSecretVersion {
    const path = this.node.path;
    const length = g.passwordLength ?? 40;
    const version = g.version ?? 1;
    if (!Number.isInteger(length) || length < 20 || length > 4096) {
      throw invalidProp(path, 'generate.passwordLength', length, 'too short for a service credential (GetRandomPassword allows up to 4096)', 'give 20 to 4096; 40 letters and digits carry about 238 bits');
    }
    if (!Number.isInteger(version) || version < 1) {
      throw invalidProp(path, 'generate.version', version, 'the version of a write-only value is a whole number from 1', 'give 1, and bump it to rotate');
    }
    const keys = [...g.randomKeys, ...Object.keys(g.fixed ?? {})];
    const dup = keys.find((k, i) => keys.indexOf(k) !== i);
    if (g.randomKeys.length === 0 || dup !== undefined) {
      throw invalidProp(path, 'generate.randomKeys', g.randomKeys, dup ? `the key "${dup}" is given twice` : 'nothing to generate',
        'list each JSON key once, random or fixed');
    }
    const stack = TerraformStack.of(this);
    const base = stack.getLogicalId(this.secret).replace(/[^A-Za-z0-9_-]/g, '_');
    const entries: string[] = Object.entries(g.fixed ?? {}).map(([k, v]) => `${JSON.stringify(k)} = ${JSON.stringify(v)}`);
    g.randomKeys.forEach((key, i) => {
      const name = `${base}_${i}`;
      // cdktf 0.21 has no ephemeral resource classes: the block goes in through an override.
      stack.addOverride(`ephemeral.${RANDOM_PASSWORD_EPHEMERAL}.${name}`, {
        password_length: length,
        exclude_punctuation: true,
        include_space: false,
        require_each_included_type: true,
      });
      this.ephemeralPasswords.push(name);
      entries.push(`${JSON.stringify(key)} = ephemeral.${RANDOM_PASSWORD_EPHEMERAL}.${name}.random_password`);
    });
    return new SecretsmanagerSecretVersion(this, 'generated', {
      secretId: this.secret.id,
      secretStringWo: `\${jsonencode({ ${entries.join(', ')} })}`,
      secretStringWoVersion: version,
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
