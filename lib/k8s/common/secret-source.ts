import { Construct } from 'constructs';
import { GeneratedSecret } from './generated-secret';
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
  /** Random values generated in the cluster by a one-shot Job (no AWS needed). */
  GENERATED = 'generated',
}

/** Options of {@link SecretSource.generated}. */
export interface GeneratedSecretSourceOptions {
  /**
   * Length of each generated value, in characters of [A-Za-z0-9] (40 characters are about 238 bits).
   * @default 40
   */
  readonly valueLength?: number;
}

/** A Secret materialized earlier from the same source, that others copy their values from. */
export interface SecretMaterializationOrigin {
  /** Namespace of the Secret. */
  readonly namespace: string;
  /** Name of the Secret. */
  readonly name: string;
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
   * Type of the Secret External Secrets writes (e.g. `kubernetes.io/tls`).
   * @default - Opaque
   */
  readonly secretType?: string;
  /**
   * Sync wave of the ExternalSecret.
   * @default - none
   */
  readonly syncWave?: number;
  /**
   * The service's own Secret, materialized first from this source: a generated source copies
   * the values of this Secret (`keys` then maps each key to the origin's key) instead of
   * generating new ones. Other sources read Secrets Manager again.
   * @default - the service's own Secret (generated values)
   */
  readonly copyOf?: SecretMaterializationOrigin;
  /**
   * Address block of the API server's endpoints, for the NetworkPolicy of a generator job.
   * @default "10.0.0.0/16" (the AWS layer's default VPC block)
   */
  readonly apiServerCidr?: string;
}

const DURATION = /^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$/;

/**
 * Where a data service's credentials come from. The constructs never write a secret value
 * into their output: they either reference a Secret that exists, or emit an External
 * Secrets `ExternalSecret` that copies the value from AWS Secrets Manager into a Secret of
 * the namespace that needs it (the reference platform's way: the AWS layer creates the
 * Secrets Manager secret and grants the External Secrets controller's identity read access),
 * or declare the Secret without data and let a one-shot Job generate the values in the
 * cluster (a cluster without the AWS layer).
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

  /**
   * Random values generated in the cluster: the Secret is declared without data and a
   * one-shot Job (GeneratedSecret) fills in each missing key; clients in other namespaces get
   * copies of the keys they need. Nothing about AWS is needed, and no value is in the output.
   */
  public static generated(options: GeneratedSecretSourceOptions = {}): SecretSource {
    const length = options.valueLength ?? 40;
    if (!Number.isInteger(length) || length < 16 || length > 256) {
      throw invalidProp('SecretSource.generated', 'valueLength', options.valueLength, 'a generated value needs 16 to 256 characters',
        'give a whole number of characters, e.g. 40 (about 238 bits)');
    }
    return new SecretSource(SecretSourceKind.GENERATED, undefined, undefined, undefined, undefined, length);
  }

  /** Kind of source. */
  public readonly kind: SecretSourceKind;
  /** Length of generated values (GENERATED only). */
  public readonly valueLength?: number;
  /** Name of the existing Secret (EXISTING_SECRET only). */
  public readonly secretName?: string;
  /** Name or ARN of the Secrets Manager secret (SECRETS_MANAGER only). */
  public readonly secretId?: string;
  /** ClusterSecretStore (SECRETS_MANAGER only). */
  public readonly store?: string;
  /** Refresh interval (SECRETS_MANAGER only). */
  public readonly refreshInterval?: string;

  private constructor(
    kind: SecretSourceKind, secretName?: string, secretId?: string, store?: string, refreshInterval?: string, valueLength?: number,
  ) {
    this.kind = kind;
    this.valueLength = valueLength;
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
   * True when each namespace that uses the credential gets a Secret of its own from the
   * construct (Secrets Manager, generated); false for an existing Secret, which the user puts
   * in every namespace.
   */
  public get materializedPerNamespace(): boolean {
    return this.kind !== SecretSourceKind.EXISTING_SECRET;
  }

  /**
   * The Secret that holds `m.keys` in `m.namespace`: for Secrets Manager an ExternalSecret
   * named `m.name` is emitted under `scope` and its name returned; for an existing Secret,
   * nothing is emitted and the existing Secret's name is returned.
   */
  public materialize(scope: Construct, id: string, m: SecretMaterialization): string {
    if (this.kind === SecretSourceKind.EXISTING_SECRET) return this.secretName!;
    if (this.kind === SecretSourceKind.GENERATED) {
      if (m.templates && Object.keys(m.templates).length > 0) {
        throw invalidProp(scope.node.path, 'templates', Object.keys(m.templates), 'a generated Secret has no templated keys',
          'use SecretSource.secretsManager or an existing Secret for this service');
      }
      return new GeneratedSecret(scope, id, {
        namespace: m.namespace,
        name: m.name,
        keys: m.keys,
        copyFrom: m.copyOf,
        apiServerCidr: m.apiServerCidr,
        valueLength: this.valueLength,
      }).secretName;
    }
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
          template: hasTemplates || m.secretType !== undefined
            ? {
              engineVersion: ExternalSecretSpecTargetTemplateEngineVersion.V2,
              mergePolicy: ExternalSecretSpecTargetTemplateMergePolicy.MERGE,
              ...(m.secretType !== undefined ? { type: m.secretType } : {}),
              ...(hasTemplates ? { data: { ...templates } } : {}),
            }
            : undefined,
        },
        data,
      },
    });
    return m.name;
  }
}
