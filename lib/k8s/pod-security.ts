import { ApiObject } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { Construct, IConstruct } from 'constructs';
import { invalidProp } from '../core/errors';
import { EKS } from '../core/versions';

/** Pod Security Admission level of a namespace. */
export enum PodSecurityLevel {
  /** No restrictions (host access); only for node agents such as the device plugin. */
  PRIVILEGED = 'privileged',
  /** Blocks known privilege escalations. */
  BASELINE = 'baseline',
  /** Hardened pods (non-root, no capabilities, seccomp). */
  RESTRICTED = 'restricted',
}

/** Annotation that records why a namespace (or pod) is weaker than the secure default. */
export const REASON_ANNOTATION = 'cnai.io/pod-security-reason';

/** Annotation Argo CD reads to order objects. */
export const SYNC_WAVE_ANNOTATION = 'argocd.argoproj.io/sync-wave';

/** Sync wave of Namespaces: before everything that lives in them. */
export const NAMESPACE_SYNC_WAVE = -30;

/** Argo CD sync wave of the Secrets (and ExternalSecrets) that the platform's workloads read. */
export const SECRETS_SYNC_WAVE = -1;

/** Argo CD sync wave of the platform's workloads and jobs: after namespaces, quotas, secrets and custom resources. */
export const WORKLOADS_SYNC_WAVE = 1;

/**
 * The Pod Security Admission labels of a namespace: `level` enforced, `restricted`
 * always audited and warned about, each pinned to the cluster's Kubernetes version
 * (never `latest`, so a control plane upgrade cannot tighten rules under running pods).
 */
export function podSecurityLabels(level: PodSecurityLevel, kubernetesVersion: string = EKS.defaultKubernetesVersion): { [key: string]: string } {
  const version = `v${kubernetesVersion.replace(/^v/, '')}`;
  return {
    'pod-security.kubernetes.io/enforce': level,
    'pod-security.kubernetes.io/enforce-version': version,
    'pod-security.kubernetes.io/audit': PodSecurityLevel.RESTRICTED,
    'pod-security.kubernetes.io/audit-version': version,
    'pod-security.kubernetes.io/warn': PodSecurityLevel.RESTRICTED,
    'pod-security.kubernetes.io/warn-version': version,
  };
}

/**
 * The container security context of every container the library runs, except the NVIDIA
 * device plugin: non-root, read-only root filesystem, no privilege escalation, no
 * capabilities, RuntimeDefault seccomp. Satisfies the `restricted` Pod Security Standard.
 */
export function restrictedContainerSecurityContext(uid: number = 65532): k8s.SecurityContext {
  return {
    runAsNonRoot: true,
    runAsUser: uid,
    runAsGroup: uid,
    readOnlyRootFilesystem: true,
    allowPrivilegeEscalation: false,
    privileged: false,
    capabilities: { drop: ['ALL'] },
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

/** The pod security context that goes with {@link restrictedContainerSecurityContext}. */
export function restrictedPodSecurityContext(uid: number = 65532): k8s.PodSecurityContext {
  return {
    runAsNonRoot: true,
    runAsUser: uid,
    runAsGroup: uid,
    fsGroup: uid,
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

/** Props of {@link createNamespace}. */
export interface SecureNamespaceProps {
  /** Namespace name. */
  readonly name: string;
  /** Pod Security level enforced. */
  readonly level: PodSecurityLevel;
  /**
   * Why a level weaker than restricted is needed; required for weaker levels.
   * @default - none (restricted)
   */
  readonly reason?: string;
  /**
   * Kubernetes version the Pod Security labels pin.
   * @default - EKS.defaultKubernetesVersion
   */
  readonly kubernetesVersion?: string;
  /**
   * Extra labels.
   * @default - none
   */
  readonly labels?: { [key: string]: string };
  /**
   * Extra annotations.
   * @default - none
   */
  readonly annotations?: { [key: string]: string };
}

/** Creates a Namespace with Pod Security labels and, for weaker levels, the recorded reason. */
export function createNamespace(scope: Construct, id: string, props: SecureNamespaceProps): ApiObject {
  const annotations: { [key: string]: string } = { [SYNC_WAVE_ANNOTATION]: String(NAMESPACE_SYNC_WAVE), ...props.annotations };
  if (props.level !== PodSecurityLevel.RESTRICTED && props.reason) annotations[REASON_ANNOTATION] = props.reason;
  const ns = new k8s.KubeNamespace(scope, id, {
    metadata: {
      name: props.name,
      labels: { ...props.labels, ...podSecurityLabels(props.level, props.kubernetesVersion) },
      annotations,
    },
  });
  let declared = DECLARED_NAMESPACES.get(scope.node.root);
  if (!declared) DECLARED_NAMESPACES.set(scope.node.root, declared = new Set());
  declared.add(props.name);
  return ns;
}

/** Namespaces declared through createNamespace, per app: lets checks skip a scan of the whole app. */
const DECLARED_NAMESPACES = new WeakMap<IConstruct, Set<string>>();

/**
 * Whether a Namespace object named `name` is declared anywhere in the app of `scope`. Fast for
 * namespaces made by createNamespace; others are looked up in the whole app.
 */
export function namespaceDeclared(scope: Construct, name: string): boolean {
  return DECLARED_NAMESPACES.get(scope.node.root)?.has(name) === true || namespacesInApp(scope).has(name);
}

/**
 * Throws when one of `namespaces` is declared by no Namespace object of the app: a flow or
 * a client there would point at nothing.
 * @param problem what the namespace is used for, for the message
 */
export function assertNamespacesDeclared(scope: Construct, prop: string, namespaces: Iterable<string>, problem: string): void {
  for (const ns of namespaces) {
    if (!namespaceDeclared(scope, ns)) {
      throw invalidProp(scope.node.path, prop, ns, problem,
        `declare the namespace (a TeamNamespace, or a release's namespace) or use one of ${[...namespacesInApp(scope)].sort().join(', ')}`);
    }
  }
}

/** The objects of kind Namespace declared anywhere in the app that `scope` belongs to. */
export function namespacesInApp(scope: Construct): Set<string> {
  const names = new Set<string>();
  for (const c of scope.node.root.node.findAll()) {
    if (c instanceof ApiObject && c.kind === 'Namespace' && c.apiVersion === 'v1') names.add(c.name);
  }
  return names;
}
