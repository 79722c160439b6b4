import { createHash } from 'crypto';
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { restrictedContainerSecurityContext, restrictedPodSecurityContext, SYNC_WAVE_ANNOTATION, WORKLOADS_SYNC_WAVE } from '../pod-security';

/**
 * The one-shot Jobs the data services run after they start (the pgvector bootstrap, Qdrant's
 * collections, MLflow's users): each does one idempotent thing, then stops. Internal (not
 * exported from the library): the constructs that need such a Job build it with
 * {@link oneShotJob}, named with {@link contentHash} of what it runs.
 */

/** Props of {@link oneShotJob}. */
export interface OneShotJobProps {
  /**
   * Name of the Job. Job templates are immutable: name the Job after what it runs (a
   * {@link contentHash} suffix), so that a change is a new Job instead of a failed update.
   */
  readonly name: string;
  /** Namespace of the Job. */
  readonly namespace: string;
  /** Labels of the Job and of its pod (NetworkPolicies select the pod by them). */
  readonly labels: { [key: string]: string };
  /** User and group the pod runs as. */
  readonly uid: number;
  /** The container; its security context is the restricted one of `uid`. */
  readonly container: k8s.Container;
  /**
   * Volumes of the pod.
   * @default - none
   */
  readonly volumes?: k8s.Volume[];
}

/**
 * A Job that runs `container` to completion once, after the workloads it works on (the
 * workloads sync wave): restricted Pod Security (non-root, no privilege escalation, read-only
 * root filesystem, no capabilities), no service account token, retried on failure up to six
 * times.
 */
export function oneShotJob(scope: Construct, id: string, props: OneShotJobProps): k8s.KubeJob {
  const labels = props.labels;
  return new k8s.KubeJob(scope, id, {
    metadata: { name: props.name, namespace: props.namespace, labels, annotations: { [SYNC_WAVE_ANNOTATION]: String(WORKLOADS_SYNC_WAVE) } },
    spec: {
      backoffLimit: 6,
      template: {
        metadata: { labels },
        spec: {
          restartPolicy: 'OnFailure',
          automountServiceAccountToken: false,
          securityContext: restrictedPodSecurityContext(props.uid),
          containers: [{ ...props.container, securityContext: restrictedContainerSecurityContext(props.uid) }],
          volumes: props.volumes,
        },
      },
    },
  });
}

/** The first 8 hex digits of the SHA-256 of `content`: the suffix that names a Job after what it runs. */
export function contentHash(content: string): string {
  return createHash('sha256').update(content).digest('hex').slice(0, 8);
}
