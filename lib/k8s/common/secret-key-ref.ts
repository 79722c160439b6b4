import * as kplus from 'cdk8s-plus-27';
import { invalidProp } from '../../core/errors';

/** A key of a Secret, as an env var source names it (`secretKeyRef`). */
export interface SecretKeySelector {
  /** Name of the Secret. */
  readonly name: string;
  /** Key inside the Secret. */
  readonly key: string;
}

/** An env var source that reads one key of a Secret (the `valueFrom` of a container's env var). */
export interface SecretEnvVarSource {
  /** The Secret's key. */
  readonly secretKeyRef: SecretKeySelector;
}

/**
 * A key of a Kubernetes Secret. The only way to hand a credential (such as a Hugging Face
 * token) to a model server: the value never appears in synthesized YAML.
 */
export class SecretKeyRef {
  /**
   * A key of a cdk8s-plus Secret (or `kplus.Secret.fromSecretName(...)`).
   * @param secret the Secret
   * @param key the key holding the value
   */
  public static fromSecret(secret: kplus.ISecret, key: string): SecretKeyRef {
    if (!secret || typeof secret !== 'object' || typeof (secret as kplus.ISecret).name !== 'string') {
      throw invalidProp('SecretKeyRef.fromSecret', 'secret', secret, 'not a Secret object',
        'pass a cdk8s-plus Secret, e.g. kplus.Secret.fromSecretName(scope, "HfToken", "hf-token")');
    }
    return new SecretKeyRef(secret.name, key, 'SecretKeyRef.fromSecret');
  }

  /**
   * A key of a Secret that exists in the workload's namespace under this name (e.g. one that
   * an ExternalSecret keeps in sync with AWS Secrets Manager).
   * @param secretName name of the Secret
   * @param key the key holding the value
   */
  public static fromName(secretName: string, key: string): SecretKeyRef {
    return new SecretKeyRef(secretName, key, 'SecretKeyRef.fromName');
  }

  /** Name of the Secret. */
  public readonly secretName: string;
  /** Key inside the Secret. */
  public readonly key: string;

  private constructor(secretName: string, key: string, where: string) {
    if (typeof secretName !== 'string' || !/^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/.test(secretName)) {
      // A pasted token must not end up in a log: anything token-like is not shown.
      const shown = typeof secretName === 'string' && /^(hf_|sk-|ghp_|github_pat_)|^\S{41,}$/.test(secretName) ? redactedValue(secretName) : secretName;
      throw invalidProp(where, 'secretName', shown, 'not a Secret name (a DNS-1123 subdomain)',
        'give the name of the Secret, never the secret value itself');
    }
    if (typeof key !== 'string' || !/^[-._a-zA-Z0-9]{1,253}$/.test(key)) {
      throw invalidProp(where, 'key', key, 'not a Secret key (letters, digits, "-", "_" and ".")',
        'give the key inside the Secret that holds the value, e.g. "HF_TOKEN"');
    }
    this.secretName = secretName;
    this.key = key;
  }

  /** The env var source that reads this key. */
  public toEnvVarSource(): SecretEnvVarSource {
    return { secretKeyRef: { name: this.secretName, key: this.key } };
  }
}

/**
 * Validates a Secret reference: a string (a token pasted where a reference belongs) or any
 * other object is an error, and the message never repeats the value.
 */
export function checkTokenSecret(where: string, prop: string, value: unknown): SecretKeyRef | undefined {
  if (value === undefined) return undefined;
  if (value instanceof SecretKeyRef) return value;
  const problem = typeof value === 'string'
    ? 'a plain string where a Secret reference is expected (a token in props ends up in Git and in the rendered YAML)'
    : 'not a SecretKeyRef';
  throw invalidProp(where, prop, redactedValue(value), problem,
    'store the token in a Secret and pass SecretKeyRef.fromName("<secret>", "<key>") or SecretKeyRef.fromSecret(secret, "<key>")');
}

/**
 * What an error message shows instead of a value that may be a credential.
 * @internal
 */
export function redactedValue(value: unknown): string {
  if (typeof value === 'string') return `<string of ${value.length} characters, not shown>`;
  return `<${typeof value}, not shown>`;
}
