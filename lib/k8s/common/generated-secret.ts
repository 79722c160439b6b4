import { createHash } from 'crypto';
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { apiServerEgress, DEFAULT_VPC_CIDR } from './egress';
import { shorten } from '../../core/names';
import { DATA_SERVICE_IMAGES, imageRef } from '../../core/versions';
import { restrictedContainerSecurityContext, restrictedPodSecurityContext, SECRETS_SYNC_WAVE, SYNC_WAVE_ANNOTATION } from '../pod-security';

/** Annotation on a generated Secret: the keys its job fills in. */
export const GENERATED_KEYS_ANNOTATION = 'cnai.io/generated-keys';
/** Label of the pods of secret generator jobs. */
export const SECRET_GENERATOR_LABEL = 'cnai.io/secret-generator';

const TOOLS_UID = 65532;

/** A Secret another generated Secret's keys are copied from. */
export interface GeneratedSecretOrigin {
  /** Namespace of the Secret. */
  readonly namespace: string;
  /** Name of the Secret. */
  readonly name: string;
}

/** Props of {@link GeneratedSecret}. */
export interface GeneratedSecretProps {
  /** Namespace of the Secret. */
  readonly namespace: string;
  /** Name of the Secret. */
  readonly name: string;
  /**
   * The Secret's keys, each mapped to the key of `copyFrom` it is copied from (ignored when
   * the values are generated).
   */
  readonly keys: { [secretKey: string]: string };
  /**
   * Copy the values from this Secret instead of generating them (a client's copy of a
   * service's credential). The job runs in this Secret's namespace.
   * @default - random values
   */
  readonly copyFrom?: GeneratedSecretOrigin;
  /**
   * Address block of the API server's endpoints (the VPC, for EKS's private endpoint).
   * @default "10.0.0.0/16"
   */
  readonly apiServerCidr?: string;
  /**
   * Length of each generated value, in characters of [A-Za-z0-9].
   * @default 40
   */
  readonly valueLength?: number;
}

/**
 * A Secret whose values are generated in the cluster, never written into the output: the
 * manifest declares the Secret without data, and a one-shot Job fills in each key that is
 * missing, with a random value (read from /dev/urandom) or copied from another Secret. Keys
 * that are set are never changed, so applying again (or the Job running again) keeps the
 * values; deleting a key from the Secret makes the next run generate it anew.
 *
 * The Job's service account may only read and patch this one Secret (and read the one it
 * copies from); its pods reach only the API server.
 */
export class GeneratedSecret extends Construct {
  /** Name of the Secret. */
  public readonly secretName: string;
  /** Namespace of the Secret. */
  public readonly namespace: string;
  /** The Secret (declared without data). */
  public readonly secret: k8s.KubeSecret;
  /** The Job filling in its values. */
  public readonly job: k8s.KubeJob;

  constructor(scope: Construct, id: string, props: GeneratedSecretProps) {
    super(scope, id);
    this.secretName = props.name;
    this.namespace = props.namespace;
    const keys = Object.keys(props.keys);
    const jobNamespace = props.copyFrom?.namespace ?? props.namespace;
    const length = props.valueLength ?? 40;
    const waves = { [SYNC_WAVE_ANNOTATION]: String(SECRETS_SYNC_WAVE) };
    const labels = { 'app.kubernetes.io/managed-by': 'cnai-constructs', 'app.kubernetes.io/component': 'generated-secret' };

    this.secret = new k8s.KubeSecret(this, 'Secret', {
      metadata: {
        name: props.name,
        namespace: props.namespace,
        labels,
        annotations: { ...waves, [GENERATED_KEYS_ANNOTATION]: keys.join(',') },
      },
      type: 'Opaque',
    });

    const image = imageRef(DATA_SERVICE_IMAGES.awsCli);
    const hash = createHash('sha256').update(JSON.stringify([props.namespace, props.name, props.keys, props.copyFrom ?? null, length, image])).digest('hex').slice(0, 8);
    // Named after what it does: a changed key list is a new Job (Job templates are immutable).
    const jobName = shorten(`${props.name}-${props.copyFrom ? 'copy' : 'generate'}-${hash}`, 63);
    const podLabels = { ...labels, [SECRET_GENERATOR_LABEL]: jobName };

    new k8s.KubeServiceAccount(this, 'ServiceAccount', {
      metadata: { name: jobName, namespace: jobNamespace, labels },
      automountServiceAccountToken: false,
    });
    const grant = (rid: string, namespace: string, resourceName: string, verbs: string[]) => {
      const name = shorten(`${jobName}-${rid}`, 63);
      new k8s.KubeRole(this, `Role-${rid}`, {
        metadata: { name, namespace, labels },
        rules: [{ apiGroups: [''], resources: ['secrets'], resourceNames: [resourceName], verbs }],
      });
      new k8s.KubeRoleBinding(this, `RoleBinding-${rid}`, {
        metadata: { name, namespace, labels },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name },
        subjects: [{ kind: 'ServiceAccount', name: jobName, namespace: jobNamespace }],
      });
    };
    grant('target', props.namespace, props.name, ['get', 'patch']);
    if (props.copyFrom) grant('source', props.copyFrom.namespace, props.copyFrom.name, ['get']);

    const env: k8s.EnvVar[] = [
      { name: 'NAMESPACE', value: props.namespace },
      { name: 'NAME', value: props.name },
      // "<key>=<source key>" pairs; both are Secret keys ([-._a-zA-Z0-9]), so the list splits on spaces.
      { name: 'KEYS', value: Object.entries(props.keys).map(([k, from]) => `${k}=${from}`).join(' ') },
      { name: 'LENGTH', value: String(length) },
    ];
    if (props.copyFrom) {
      env.push({ name: 'SOURCE_NAMESPACE', value: props.copyFrom.namespace }, { name: 'SOURCE_NAME', value: props.copyFrom.name });
    }
    this.job = new k8s.KubeJob(this, 'Job', {
      metadata: { name: jobName, namespace: jobNamespace, labels, annotations: waves },
      spec: {
        backoffLimit: 6,
        activeDeadlineSeconds: 1800,
        template: {
          metadata: { labels: podLabels },
          spec: {
            serviceAccountName: jobName,
            // The job talks to the API server with its own token, and may touch only its Secrets.
            automountServiceAccountToken: true,
            restartPolicy: 'OnFailure',
            securityContext: restrictedPodSecurityContext(TOOLS_UID),
            containers: [{
              name: props.copyFrom ? 'copy' : 'generate',
              image,
              command: ['/bin/bash', '-c', GENERATOR_SCRIPT],
              env,
              resources: {
                requests: { cpu: k8s.Quantity.fromString('10m'), memory: k8s.Quantity.fromString('32Mi') },
                limits: { memory: k8s.Quantity.fromString('64Mi') },
              },
              securityContext: restrictedContainerSecurityContext(TOOLS_UID),
              volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
            }],
            volumes: [{ name: 'tmp', emptyDir: { sizeLimit: k8s.Quantity.fromString('16Mi') } }],
          },
        },
      },
    });
    // Only the API server: its Service address is translated to the endpoint's, in the VPC.
    new k8s.KubeNetworkPolicy(this, 'NetworkPolicy', {
      metadata: { name: jobName, namespace: jobNamespace, labels },
      spec: {
        podSelector: { matchLabels: { [SECRET_GENERATOR_LABEL]: jobName } },
        policyTypes: ['Ingress', 'Egress'],
        ingress: [],
        egress: [apiServerEgress(props.apiServerCidr ?? DEFAULT_VPC_CIDR)],
      },
    });
  }
}

/**
 * The job's script: bash and curl against the API server with the pod's token. Values never
 * reach the log; names come from the environment, never from the script text.
 */
export const GENERATOR_SCRIPT = [
  'set -euo pipefail',
  'sa=/var/run/secrets/kubernetes.io/serviceaccount',
  'api="https://${KUBERNETES_SERVICE_HOST}:${KUBERNETES_SERVICE_PORT}"',
  'call() { curl -sS --fail-with-body --cacert "${sa}/ca.crt" -H "Authorization: Bearer $(cat "${sa}/token")" "$@"; }',
  'url() { printf \'%s/api/v1/namespaces/%s/secrets/%s\' "${api}" "$1" "$2"; }',
  // A key of the Secret's data with a non-empty value (managedFields name keys as "f:<key>").
  'pattern() { printf \'"%s"[[:space:]]*:[[:space:]]*"[A-Za-z0-9+/=]+"\' "$1"; }',
  'has_key() { printf \'%s\' "$1" | grep -E "$(pattern "$2")" > /dev/null; }',
  'value_of() { printf \'%s\' "$1" | grep -oE "$(pattern "$2")" | head -n 1 | sed -E \'s/.*"([A-Za-z0-9+\\/=]+)"$/\\1/\'; }',
  'random() { local b=""; while [ "${#b}" -lt "${LENGTH}" ]; do b+="$(head -c 48 /dev/urandom | base64 -w 0)"; b="${b//[^A-Za-z0-9]/}"; done; printf \'%s\' "${b:0:${LENGTH}}" | base64 -w 0; }',
  'until target="$(call "$(url "${NAMESPACE}" "${NAME}")")"; do echo "waiting for Secret ${NAMESPACE}/${NAME}"; sleep 5; done',
  'patch=""',
  'for pair in ${KEYS}; do',
  '  key="${pair%%=*}"; from="${pair#*=}"',
  '  if has_key "${target}" "${key}"; then echo "${NAMESPACE}/${NAME}: ${key} is set, kept"; continue; fi',
  '  if [ -n "${SOURCE_NAME:-}" ]; then',
  '    until source="$(call "$(url "${SOURCE_NAMESPACE}" "${SOURCE_NAME}")")" && has_key "${source}" "${from}"; do',
  '      echo "waiting for ${SOURCE_NAMESPACE}/${SOURCE_NAME} key ${from}"; sleep 5',
  '    done',
  '    value="$(value_of "${source}" "${from}")"',
  '    echo "${NAMESPACE}/${NAME}: ${key} copied from ${SOURCE_NAMESPACE}/${SOURCE_NAME} ${from}"',
  '  else',
  '    value="$(random)"',
  '    echo "${NAMESPACE}/${NAME}: ${key} generated"',
  '  fi',
  '  patch="${patch:+${patch},}\\"${key}\\":\\"${value}\\""',
  'done',
  // A merge patch adds the missing keys and leaves the others as they are.
  'if [ -n "${patch}" ]; then',
  '  call -X PATCH -H "Content-Type: application/merge-patch+json" --data-binary "{\\"data\\":{${patch}}}" "$(url "${NAMESPACE}" "${NAME}")" > /dev/null',
  'fi',
].join('\n');
