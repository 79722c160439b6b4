import { ApiObject, Lazy } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { Construct, IConstruct } from 'constructs';
import { apiServerEgress } from './egress';
import { SecretKeyRef } from './secret-key-ref';
import { resolveSecretRollout } from './secret-rollout-settings';
import { invalidProp } from '../../core/errors';
import { NAME_RULES, assertName } from '../../core/names';
import { DATA_SERVICE_IMAGES, imageRef } from '../../core/versions';
import { restrictedContainerSecurityContext, restrictedPodSecurityContext, SYNC_WAVE_ANNOTATION, WORKLOADS_SYNC_WAVE } from '../pod-security';
import type { IPriorityClass } from '../priority-class';

/** Annotation prefix on a restarted workload's metadata: the hash of a Secret's data its pods were last checked against. */
export const SECRET_SEEN_ANNOTATION_PREFIX = 'secret-seen.cnai.io/';
/** Annotation prefix on a restarted workload's pod template: a change of it is the rolling restart. */
export const SECRET_HASH_ANNOTATION_PREFIX = 'secret-hash.cnai.io/';
/** Name of the CronJob (and of its service account, Role, RoleBinding and NetworkPolicy) in each namespace. */
export const SECRET_ROLLOUT_NAME = 'secret-rollout';

export { DEFAULT_SECRET_CHECK_MINUTES, DEFAULT_SECRET_REFRESH_INTERVAL } from './secret-rollout-settings';

const UID = 65532;

/**
 * How a data service restarts the workloads that read a credential once the credential
 * changes. A new value reaches a pod that reads it from its environment only when the pod
 * starts again; with these options the service's workloads restart on their own, at most
 * `refreshInterval` + `checkIntervalMinutes` (plus the rollout itself) after the value changed in
 * AWS Secrets Manager.
 */
export interface SecretRolloutOptions {
  /**
   * How often External Secrets reads the service's Secrets Manager secrets again (a Go duration),
   * for the sources the service makes itself (a source you pass keeps its own interval). With
   * `checkIntervalMinutes` it bounds how long a rotated value waits before the pods use it.
   * @default "5m"
   */
  readonly refreshInterval?: string;
  /**
   * Minutes between two checks of the Secrets (the CronJob runs every N minutes), 1 to 59.
   * @default 5
   */
  readonly checkIntervalMinutes?: number;
  /**
   * Address block of the API server's endpoints (the VPC, for EKS's private endpoint), for
   * the check's egress NetworkPolicy.
   * @default "10.0.0.0/16"
   */
  readonly apiServerCidr?: string;
  /**
   * PriorityClass of the check's pods.
   * @default - none: the cluster's default priority
   */
  readonly priorityClass?: IPriorityClass;
}

/** Settings of {@link SecretRolloutOptions} with the defaults applied. */
export interface ResolvedSecretRollout {
  /** External Secrets' refresh interval of the service's own sources. */
  readonly refreshInterval: string;
  /** Minutes between two checks. */
  readonly checkIntervalMinutes: number;
  /** Address block of the API server. */
  readonly apiServerCidr: string;
  /**
   * PriorityClass name, if any.
   * @default - none
   */
  readonly priorityClassName?: string;
}

/** A Secret and a workload that restarts when the Secret's data changes. */
export interface SecretRolloutWatch {
  /** Name of the Secret. */
  readonly secretName: string;
  /** Resource of the workload: `deployments` or `statefulsets`. */
  readonly resource: string;
  /** Name of the workload. */
  readonly workloadName: string;
}

const RESOURCES: { [kind: string]: string } = { Deployment: 'deployments', StatefulSet: 'statefulsets' };

/** The kind of a workload a {@link SecretRollout} restarts. */
export enum RolloutWorkloadKind {
  /** An apps/v1 Deployment. */
  DEPLOYMENT = 'Deployment',
  /** An apps/v1 StatefulSet. */
  STATEFUL_SET = 'StatefulSet',
}

/**
 * Restarts the workloads of one namespace when a Secret they read changes (a credential that
 * External Secrets refreshed after a rotation): a CronJob reads each watched Secret, hashes its
 * data and compares the hash with the one recorded on the workload. The first check only records
 * it; a different hash later is written into the pod template's annotations, which rolls the
 * workload (maxUnavailable and PodDisruptionBudgets apply as for any rollout), and recorded.
 *
 * Nothing but the platform's pinned tool image runs (bash and curl against the API server, as
 * GeneratedSecret does; the Kubernetes project's kubectl image has no shell to compare hashes
 * in). Its service account may read only the watched Secrets and read and patch only the
 * watched Deployments and StatefulSets; its pods reach only the API server, run as non-root
 * with a read-only root filesystem and no capabilities, and never print a value. The recorded
 * hash is the first 16 hex digits of the SHA-256 of the Secret's base64 data.
 *
 * Argo CD does not undo the restart: the two annotations are fields its manifests do not set
 * (as `kubectl rollout restart`'s annotation), so they are no drift.
 *
 * One per namespace ({@link SecretRollout.ensure}); watches are added with
 * {@link SecretRollout.restartOnChange}.
 */
export class SecretRollout extends Construct {
  /**
   * The rollout of `namespace` in the app of `scope`: the existing one (its settings stay those
   * it was made with), or a new one under `scope`.
   */
  public static ensure(scope: Construct, namespace: string, options: SecretRolloutOptions = {}): SecretRollout {
    return SecretRollout.of(scope, namespace) ?? new SecretRollout(scope, `SecretRollout-${namespace}`, namespace, options);
  }

  /** The rollout of `namespace` in the app of `scope`, if any. */
  public static of(scope: Construct, namespace: string): SecretRollout | undefined {
    return ROLLOUTS.get(scope.node.root)?.get(namespace);
  }

  /** The namespace. */
  public readonly namespaceName: string;
  /** Settings, with defaults applied. */
  public readonly settings: ResolvedSecretRollout;
  /** The CronJob's schedule. */
  public readonly schedule: string;
  /** The CronJob. */
  public readonly cronJob: k8s.KubeCronJob;
  /** The Role of its service account. */
  public readonly role: k8s.KubeRole;
  /** Its NetworkPolicy (egress to the API server only). */
  public readonly networkPolicy: k8s.KubeNetworkPolicy;
  private readonly entries: SecretRolloutWatch[] = [];

  private constructor(scope: Construct, id: string, namespace: string, options: SecretRolloutOptions) {
    super(scope, id);
    const where = this.node.path;
    this.namespaceName = assertName(where, 'namespace', namespace, NAME_RULES.dns1123Label);
    this.settings = resolveSecretRollout(where, options);
    let byNamespace = ROLLOUTS.get(this.node.root);
    if (!byNamespace) ROLLOUTS.set(this.node.root, byNamespace = new Map());
    byNamespace.set(this.namespaceName, this);

    const ns = this.namespaceName;
    const name = SECRET_ROLLOUT_NAME;
    const labels = { 'app.kubernetes.io/name': name, 'app.kubernetes.io/component': 'secret-rollout', 'app.kubernetes.io/managed-by': 'cnai-constructs' };
    this.schedule = `*/${this.settings.checkIntervalMinutes} * * * *`;

    new k8s.KubeServiceAccount(this, 'ServiceAccount', {
      metadata: { name, namespace: ns, labels },
      automountServiceAccountToken: false,
    });
    this.role = new k8s.KubeRole(this, 'Role', {
      metadata: { name, namespace: ns, labels },
      rules: Lazy.any({ produce: () => this.rules() }),
    });
    new k8s.KubeRoleBinding(this, 'RoleBinding', {
      metadata: { name, namespace: ns, labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name },
      subjects: [{ kind: 'ServiceAccount', name, namespace: ns }],
    });
    this.cronJob = new k8s.KubeCronJob(this, 'CronJob', {
      metadata: { name, namespace: ns, labels, annotations: { [SYNC_WAVE_ANNOTATION]: String(WORKLOADS_SYNC_WAVE) } },
      spec: {
        schedule: this.schedule,
        // One check at a time; a missed one is not made up (the next one sees the same change).
        concurrencyPolicy: 'Forbid',
        startingDeadlineSeconds: this.settings.checkIntervalMinutes * 60,
        successfulJobsHistoryLimit: 1,
        failedJobsHistoryLimit: 3,
        jobTemplate: {
          spec: {
            backoffLimit: 1,
            activeDeadlineSeconds: 300,
            template: {
              metadata: { labels },
              spec: {
                serviceAccountName: name,
                // Its own token, to read the watched Secrets and patch the watched workloads.
                automountServiceAccountToken: true,
                restartPolicy: 'Never',
                priorityClassName: this.settings.priorityClassName,
                securityContext: restrictedPodSecurityContext(UID),
                containers: [{
                  name: 'check',
                  image: imageRef(DATA_SERVICE_IMAGES.awsCli),
                  command: ['/bin/bash', '-c', ROLLOUT_SCRIPT],
                  env: [
                    { name: 'NAMESPACE', value: ns },
                    // "<secret>=<resource>/<workload>" pairs: names have no spaces, "=" or "/".
                    { name: 'WATCHES', value: Lazy.any({ produce: () => this.entries.map((w) => `${w.secretName}=${w.resource}/${w.workloadName}`).join(' ') }) as unknown as string },
                  ],
                  resources: {
                    requests: { cpu: k8s.Quantity.fromString('10m'), memory: k8s.Quantity.fromString('32Mi') },
                    limits: { memory: k8s.Quantity.fromString('64Mi') },
                  },
                  securityContext: restrictedContainerSecurityContext(UID),
                  volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
                }],
                volumes: [{ name: 'tmp', emptyDir: { sizeLimit: k8s.Quantity.fromString('16Mi') } }],
              },
            },
          },
        },
      },
    });
    // Only the API server: its Service address is translated to the endpoint's, in the VPC.
    this.networkPolicy = new k8s.KubeNetworkPolicy(this, 'NetworkPolicy', {
      metadata: { name, namespace: ns, labels },
      spec: {
        podSelector: { matchLabels: labels },
        policyTypes: ['Ingress', 'Egress'],
        ingress: [],
        egress: [apiServerEgress(this.settings.apiServerCidr)],
      },
    });
    this.node.addValidation({ validate: () => (this.entries.length === 0 ? [`${where}: no workload is watched (restartOnChange was never called)`] : []) });
  }

  /** The Secrets and workloads watched so far. */
  public get watches(): SecretRolloutWatch[] {
    return [...this.entries];
  }

  /**
   * Restarts `workload` (a Deployment or StatefulSet of this namespace) when the data of the
   * Secret that `secret` names changes (any key of it, not only `secret.key`).
   * @param secret a key of a Secret of this namespace that the workload's pods read (e.g. a connection's `credential`)
   * @param workload the Deployment or StatefulSet (the cdk8s object, e.g. `KubeDeployment` or a cdk8s-plus workload's `apiObject`)
   */
  public restartOnChange(secret: SecretKeyRef, workload: ApiObject): void {
    const where = this.node.path;
    const secretName = this.secretNameOf(secret);
    if (!(workload instanceof ApiObject) || workload.apiVersion !== 'apps/v1' || RESOURCES[workload.kind] === undefined) {
      const shown = workload instanceof ApiObject ? `${workload.apiVersion}/${workload.kind}` : workload;
      throw invalidProp(where, 'workload', shown, 'not a Deployment or StatefulSet (apps/v1): only those roll out when their pod template changes',
        'pass the KubeDeployment or KubeStatefulSet (for a cdk8s-plus workload, its apiObject)');
    }
    const workloadNamespace = workload.metadata.namespace;
    if (workloadNamespace !== this.namespaceName) {
      throw invalidProp(where, 'workload', `${workloadNamespace ?? '(no namespace)'}/${workload.name}`,
        `not in namespace ${this.namespaceName}: the Secret and the workload must be in the rollout's namespace`,
        `use SecretRollout.ensure(scope, "${workloadNamespace ?? '<namespace>'}") for a workload of another namespace`);
    }
    this.watch(secretName, RESOURCES[workload.kind], workload.name);
  }

  /**
   * Restarts a workload of this namespace that the app has no object for (one a chart renders,
   * such as Grafana's Deployment in kube-prometheus-stack) when the data of the Secret that
   * `secret` names changes. The name must be the one the chart gives it (read in the chart).
   * @param secret a key of a Secret of this namespace that the workload's pods read
   * @param kind Deployment or StatefulSet
   * @param name the workload's name
   */
  public restartChartWorkloadOnChange(secret: SecretKeyRef, kind: RolloutWorkloadKind, name: string): void {
    const where = this.node.path;
    const secretName = this.secretNameOf(secret);
    if (RESOURCES[kind] === undefined) {
      throw invalidProp(where, 'kind', kind, 'not a Deployment or StatefulSet: only those roll out when their pod template changes', 'use RolloutWorkloadKind');
    }
    assertName(where, 'name', name, NAME_RULES.dns1123Subdomain);
    this.watch(secretName, RESOURCES[kind], name);
  }

  /** The name of the Secret `secret` names, checked. */
  private secretNameOf(secret: SecretKeyRef): string {
    if (!(secret instanceof SecretKeyRef)) {
      throw invalidProp(this.node.path, 'secret', secret, 'not a SecretKeyRef',
        'pass the key the workload reads, e.g. connection.credential or SecretKeyRef.fromName("my-secret", "password")');
    }
    if (secret.secretName.length > 63) {
      throw invalidProp(this.node.path, 'secretName', secret.secretName, 'longer than 63 characters: it names the annotations that record its hash',
        'give the Secret a name of at most 63 characters');
    }
    return secret.secretName;
  }

  private watch(secretName: string, resource: string, workloadName: string): void {
    if (!this.entries.some((w) => w.secretName === secretName && w.resource === resource && w.workloadName === workloadName)) {
      this.entries.push({ secretName, resource, workloadName });
    }
  }

  private rules(): k8s.PolicyRule[] {
    const unique = (xs: string[]) => [...new Set(xs)].sort();
    const rules: k8s.PolicyRule[] = [{ apiGroups: [''], resources: ['secrets'], resourceNames: unique(this.entries.map((w) => w.secretName)), verbs: ['get'] }];
    for (const resource of Object.values(RESOURCES)) {
      const names = unique(this.entries.filter((w) => w.resource === resource).map((w) => w.workloadName));
      if (names.length > 0) rules.push({ apiGroups: ['apps'], resources: [resource], resourceNames: names, verbs: ['get', 'patch'] });
    }
    return rules;
  }
}

const ROLLOUTS = new WeakMap<IConstruct, Map<string, SecretRollout>>();

/**
 * The check's script: bash and curl against the API server with the pod's token. The Secret's
 * data object is taken from the compact JSON (`"data":{...}`: keys and base64 values, which hold
 * no braces; annotations that quote JSON escape their quotes, so they never match) and hashed;
 * values never reach the log.
 */
export const ROLLOUT_SCRIPT = [
  'set -uo pipefail',
  'sa=/var/run/secrets/kubernetes.io/serviceaccount',
  'api="https://${KUBERNETES_SERVICE_HOST}:${KUBERNETES_SERVICE_PORT}"',
  'call() { curl -sS --fail-with-body --max-time 30 --cacert "${sa}/ca.crt" -H "Authorization: Bearer $(cat "${sa}/token")" "$@"; }',
  'status=0',
  'for watch in ${WATCHES}; do',
  '  secret="${watch%%=*}"; target="${watch#*=}"; resource="${target%%/*}"; name="${target#*/}"',
  '  if ! body="$(call "${api}/api/v1/namespaces/${NAMESPACE}/secrets/${secret}?pretty=false")"; then',
  '    echo "Secret ${secret}: not read; ${resource}/${name} left as it is"; status=1; continue',
  '  fi',
  '  hash="$(printf \'%s\' "${body}" | grep -oE \'"data":\\{[^}]*\\}\' | head -n 1 | sha256sum | cut -c1-16)"',
  '  body=""',
  '  url="${api}/apis/apps/v1/namespaces/${NAMESPACE}/${resource}/${name}"',
  '  if ! workload="$(call "${url}?pretty=false")"; then',
  '    echo "${resource}/${name}: not read; Secret ${secret} not compared"; status=1; continue',
  '  fi',
  '  seen="$(printf \'%s\' "${workload}" | grep -oE "\\"secret-seen\\.cnai\\.io/${secret}\\":\\"[0-9a-f]*\\"" | head -n 1 | sed -E \'s/.*:"([0-9a-f]*)"$/\\1/\')"',
  '  record="\\"secret-seen.cnai.io/${secret}\\":\\"${hash}\\""',
  '  if [ "${seen}" = "${hash}" ]; then echo "${resource}/${name}: Secret ${secret} unchanged"; continue; fi',
  '  if [ -z "${seen}" ]; then',
  // The first check records the hash: the pods started with the Secret as it is.
  '    patch="{\\"metadata\\":{\\"annotations\\":{${record}}}}"; what="recorded (first check, no restart)"',
  '  else',
  '    patch="{\\"metadata\\":{\\"annotations\\":{${record}}},\\"spec\\":{\\"template\\":{\\"metadata\\":{\\"annotations\\":{\\"secret-hash.cnai.io/${secret}\\":\\"${hash}\\"}}}}}"',
  '    what="changed: rolling restart"',
  '  fi',
  '  if call -X PATCH -H "Content-Type: application/merge-patch+json" --data-binary "${patch}" "${url}?fieldManager=cnai-secret-rollout" > /dev/null; then',
  '    echo "${resource}/${name}: Secret ${secret} ${what}"',
  '  else',
  '    echo "${resource}/${name}: patch failed"; status=1',
  '  fi',
  'done',
  'exit "${status}"',
].join('\n');
