import { Construct } from 'constructs';
import { invalidProp } from '../../core/errors';
import { NAME_RULES, assertName } from '../../core/names';
import {
  ExternalSecret, ExternalSecretSpecSecretStoreRefKind, ExternalSecretSpecTargetCreationPolicy,
  ExternalSecretSpecTargetDeletionPolicy, ExternalSecretSpecTargetTemplateEngineVersion, ExternalSecretSpecTargetTemplateMergePolicy,
} from '../../imports/external-secrets.io';
import { SYNC_WAVE_ANNOTATION } from '../pod-security';

/** Where a credential the platform's data services use comes from. */
export enum SecretSourceKind {
  /** A Kubernetes Secret that exists already (created out of band) in every namespace that uses it. */
  EXISTING_SECRET = 'existing-secret',
  /** An AWS Secrets Manager secret, copied into Kubernetes Secrets by External Secrets. */
  SECRETS_MANAGER = 'secrets-manager',
}

/** Options of {@link SecretSource.secretsManager}. */
export interface SecretsManagerSourceOptions {
  /**
   * Name of the External Secrets ClusterSecretStore that reads AWS Secrets Manager.
   * @default "aws-secrets-manager"
   */
  readonly store?: string;
  /**
   * How often External Secrets reads the secret again (a Go duration).
   * @default "1h"
   */
  readonly refreshInterval?: string;
}

/** What one Kubernetes Secret built from a {@link SecretSource} holds. */
export interface SecretMaterialization {
  /** Namespace of the Secret. */
  readonly namespace: string;
  /** Name of the Secret (and of its ExternalSecret). */
  readonly name: string;
  /** Keys of the Secret, each copied from a property of the JSON secret in Secrets Manager. */
  readonly keys: { [secretKey: string]: string };
  /**
   * Keys computed from the copied ones with an External Secrets template (e.g. a database
   * URI with the URL-escaped password); the template sees the copied keys as `.<key>`.
   * @default - none
   */
  readonly templates?: { [secretKey: string]: string };
  /**
   * Sync wave of the ExternalSecret.
   * @default - none
   */
  readonly syncWave?: number;
}

const DURATION = /^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$/;

/**
 * Where a data service's credentials come from. The constructs never write a secret value
 * into their output: they either reference a Secret that exists, or emit an External
 * Secrets `ExternalSecret` that copies the value from AWS Secrets Manager into a Secret of
 * the namespace that needs it (the reference platform's way: the AWS layer creates the
 * Secrets Manager secret and grants the External Secrets controller's identity read access).
 */
export class SecretSource {
  /**
   * A Secret that exists already in each namespace that uses it (the construct's own and,
   * for clients, the client's), holding the keys the construct documents.
   * @param secretName name of the Secret
   */
  public static existingSecret(secretName: string): SecretSource {
    assertName('SecretSource.existingSecret', 'secretName', secretName, NAME_RULES.dns1123Subdomain,
      'give the name of the Secret, never the secret value');
    return new SecretSource(SecretSourceKind.EXISTING_SECRET, secretName, undefined, undefined, undefined);
  }

  /**
   * A JSON secret in AWS Secrets Manager, copied by External Secrets into a Secret of each
   * namespace that needs it (only the keys that namespace needs).
   * @param secretId name or ARN of the Secrets Manager secret
   */
  public static secretsManager(secretId: string, options: SecretsManagerSourceOptions = {}): SecretSource {
    const where = 'SecretSource.secretsManager';
    if (typeof secretId !== 'string' || secretId.length === 0 || secretId.length > 2048 || /\s/.test(secretId)) {
      throw invalidProp(where, 'secretId', secretId, 'not a Secrets Manager secret name or ARN', 'give the secret\'s name (e.g. "cnai-prod/qdrant") or its ARN');
    }
    const store = assertName(where, 'store', options.store ?? 'aws-secrets-manager', NAME_RULES.dns1123Subdomain);
    const refresh = options.refreshInterval ?? '1h';
    if (!DURATION.test(refresh)) {
      throw invalidProp(where, 'refreshInterval', refresh, 'not a Go duration', 'write it like "1h", "30m" or "1h30m"');
    }
    return new SecretSource(SecretSourceKind.SECRETS_MANAGER, undefined, secretId, store, refresh);
  }

  /** Kind of source. */
  public readonly kind: SecretSourceKind;
  /** Name of the existing Secret (EXISTING_SECRET only). */
  public readonly secretName?: string;
  /** Name or ARN of the Secrets Manager secret (SECRETS_MANAGER only). */
  public readonly secretId?: string;
  /** ClusterSecretStore (SECRETS_MANAGER only). */
  public readonly store?: string;
  /** Refresh interval (SECRETS_MANAGER only). */
  public readonly refreshInterval?: string;

  private constructor(kind: SecretSourceKind, secretName?: string, secretId?: string, store?: string, refreshInterval?: string) {
    this.kind = kind;
    this.secretName = secretName;
    this.secretId = secretId;
    this.store = store;
    this.refreshInterval = refreshInterval;
  }

  /** True when the construct emits ExternalSecrets for this source. */
  public get managedByExternalSecrets(): boolean {
    return this.kind === SecretSourceKind.SECRETS_MANAGER;
  }

  /**
   * The Secret that holds `m.keys` in `m.namespace`: for Secrets Manager an ExternalSecret
   * named `m.name` is emitted under `scope` and its name returned; for an existing Secret,
   * nothing is emitted and the existing Secret's name is returned.
   */
  public materialize(scope: Construct, id: string, m: SecretMaterialization): string {
    if (this.kind === SecretSourceKind.EXISTING_SECRET) return this.secretName!;
    const data = Object.entries(m.keys).map(([secretKey, property]) => ({ secretKey, remoteRef: { key: this.secretId!, property } }));
    const templates = m.templates ?? {};
    const hasTemplates = Object.keys(templates).length > 0;
    new ExternalSecret(scope, id, {
      metadata: {
        name: m.name,
        namespace: m.namespace,
        annotations: m.syncWave === undefined ? undefined : { [SYNC_WAVE_ANNOTATION]: String(m.syncWave) },
      },
      spec: {
        refreshInterval: this.refreshInterval,
        secretStoreRef: { kind: ExternalSecretSpecSecretStoreRefKind.CLUSTER_SECRET_STORE, name: this.store },
        target: {
          name: m.name,
          creationPolicy: ExternalSecretSpecTargetCreationPolicy.OWNER,
          // A value removed from Secrets Manager by mistake must not take running services down.
          deletionPolicy: ExternalSecretSpecTargetDeletionPolicy.RETAIN,
          template: hasTemplates
            ? {
              engineVersion: ExternalSecretSpecTargetTemplateEngineVersion.V2,
              mergePolicy: ExternalSecretSpecTargetTemplateMergePolicy.MERGE,
              data: { ...templates },
            }
            : undefined,
        },
        data,
      },
    });
    return m.name;
  }
}
