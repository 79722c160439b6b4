import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { App, Chart } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import * as YAML from 'yaml';
import { GitDirectory, checkGitDirectory } from './git-directory';
import { invalidProp } from '../../core/errors';
import { NAME_RULES, assertName } from '../../core/names';
import { ARGO_CD_INSTALL, BOOTSTRAP_IMAGES, EKS, PinnedUpstreamFile, imageRef, rawGitHubUrl } from '../../core/versions';
import { Application } from '../../imports/argoproj.io';
import { PodSecurityLevel, createNamespace, restrictedContainerSecurityContext, restrictedPodSecurityContext } from '../pod-security';

/** Which of Argo CD's upstream installs the bootstrap applies. */
export enum ArgoCdInstallVariant {
  /** `manifests/install.yaml`: one replica per component. Runs on any cluster. */
  STANDARD = 'standard',
  /**
   * `manifests/ha/install.yaml`: two API servers and repo servers, Redis HA with sentinels.
   * Needs at least three schedulable nodes (its anti-affinity is required, not preferred).
   */
  HIGH_AVAILABILITY = 'high-availability',
}

/** Options of the bootstrap, as platforms pass them through. */
export interface ArgoCdBootstrapOptions {
  /** Where the synthesized manifests are committed; the root Application syncs them. */
  readonly gitRepository: GitDirectory;
  /**
   * Which upstream install of Argo CD.
   * @default ArgoCdInstallVariant.STANDARD
   */
  readonly install?: ArgoCdInstallVariant;
  /**
   * Name of the root Application (app of apps).
   * @default "cnai-platform"
   */
  readonly rootApplicationName?: string;
  /**
   * Argo CD project of the root Application.
   * @default "default"
   */
  readonly project?: string;
}

/** Props of {@link ArgoCdBootstrap}. */
export interface ArgoCdBootstrapProps extends ArgoCdBootstrapOptions {
  /**
   * Namespace of Argo CD: the one the operators' Applications live in.
   * @default "argocd"
   */
  readonly argoCdNamespace?: string;
  /**
   * Kubernetes version the namespace's Pod Security labels pin.
   * @default - EKS.defaultKubernetesVersion
   */
  readonly kubernetesVersion?: string;
}

/** Folder of the output the bootstrap is written to; the root Application leaves it out. */
export const BOOTSTRAP_FOLDER = 'bootstrap';
/** The kustomization of the bootstrap (`kubectl apply --server-side -k <outdir>/bootstrap`). */
export const BOOTSTRAP_KUSTOMIZATION_FILE = 'kustomization.yaml';
/** The bootstrap's own objects (namespace, the root Application's installer Job and its RBAC). */
export const BOOTSTRAP_OBJECTS_FILE = 'argo-cd-bootstrap.k8s.yaml';
/** Key of the ConfigMap that carries the root Application. */
export const ROOT_APPLICATION_KEY = 'root-application.yaml';

/**
 * Health of `argoproj.io/Application`, verbatim from Argo CD's health documentation ("Argocd
 * App"). Argo CD 1.8 removed the built-in check, so without it an app of apps does not wait for
 * a child Application to be healthy before its next sync wave.
 * @see https://argo-cd.readthedocs.io/en/stable/operator-manual/health/#argocd-app
 */
export const APPLICATION_HEALTH_LUA = [
  'hs = {}',
  'hs.status = "Progressing"',
  'hs.message = ""',
  'if obj.status ~= nil then',
  '  if obj.status.health ~= nil then',
  '    hs.status = obj.status.health.status',
  '    if obj.status.health.message ~= nil then',
  '      hs.message = obj.status.health.message',
  '    end',
  '  end',
  'end',
  'return hs',
].join('\n');

/** The objects a kustomize patch applies to. */
export interface KustomizeTarget {
  /**
   * API version of the targets.
   * @default - any
   */
  readonly version?: string;
  /** Kind of the targets. */
  readonly kind: string;
  /**
   * Name of the target.
   * @default - any name
   */
  readonly name?: string;
  /**
   * Label selector of the targets.
   * @default - any labels
   */
  readonly labelSelector?: string;
}

/** One entry of a kustomization's `patches`. */
export interface KustomizePatchEntry {
  /** The objects patched. */
  readonly target: KustomizeTarget;
  /** The patch (strategic merge or JSON 6902, as YAML). */
  readonly patch: string;
}

/** A kustomize patch of the bootstrap, with the reason it is there. */
export interface BootstrapPatch extends KustomizePatchEntry {
  /** Why (for reviews; not written to the kustomization). */
  readonly reason: string;
}

/** The kustomization the bootstrap writes. */
export interface BootstrapKustomization {
  /** `kustomize.config.k8s.io/v1beta1`. */
  readonly apiVersion: string;
  /** `Kustomization`. */
  readonly kind: string;
  /** Namespace of Argo CD, set on every namespaced object. */
  readonly namespace: string;
  /** The upstream install (a URL) and the bootstrap's own objects. */
  readonly resources: string[];
  /** The patches of the upstream install. */
  readonly patches: KustomizePatchEntry[];
}

const NAME = 'cnai-bootstrap';
const LABELS = { 'app.kubernetes.io/name': NAME, 'app.kubernetes.io/part-of': 'cnai-platform' };
const APPLICATION_CRD = 'applications.argoproj.io';
const UID = 65532;

/**
 * The patches of Argo CD's install: the health check of child Applications (sync waves of an
 * app of apps wait for them), the API server kept off the network outside the cluster, and,
 * for a namespace other than `argocd`, the ClusterRoleBindings' subjects (the install names
 * `argocd` in them; Argo CD's docs give this patch for custom namespaces).
 */
export function argoCdInstallPatches(argoCdNamespace: string): BootstrapPatch[] {
  const patches: BootstrapPatch[] = [
    {
      target: { version: 'v1', kind: 'ConfigMap', name: 'argocd-cm' },
      patch: toYaml({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'argocd-cm' },
        data: { 'resource.customizations.health.argoproj.io_Application': APPLICATION_HEALTH_LUA },
      }),
      reason: 'child Applications get a health status, so the root Application waits for each wave of operators',
    },
    {
      target: { version: 'v1', kind: 'Service', name: 'argocd-server' },
      patch: toYaml([{ op: 'add', path: '/spec/type', value: 'ClusterIP' }]),
      reason: 'the API server and UI stay inside the cluster (port-forward to reach them), even if upstream changes its Service type',
    },
  ];
  if (argoCdNamespace !== 'argocd') {
    patches.push({
      target: { kind: 'ClusterRoleBinding', labelSelector: 'app.kubernetes.io/part-of=argocd' },
      patch: toYaml([{ op: 'replace', path: '/subjects/0/namespace', value: argoCdNamespace }]),
      reason: `the install binds its cluster roles to service accounts of namespace argocd; Argo CD runs in ${argoCdNamespace}`,
    });
  }
  return patches;
}

/** The kustomization: the pinned upstream install, the bootstrap's own objects, the patches. */
export function bootstrapKustomization(installUrl: string, argoCdNamespace: string, patches: BootstrapPatch[]): BootstrapKustomization {
  return {
    apiVersion: 'kustomize.config.k8s.io/v1beta1',
    kind: 'Kustomization',
    namespace: argoCdNamespace,
    resources: [installUrl, BOOTSTRAP_OBJECTS_FILE],
    patches: patches.map((p) => ({ target: p.target, patch: p.patch })),
  };
}

/**
 * What a user applies once, after `terraform apply`, to bring up the whole platform from git:
 * a kustomization (written to `<outdir>/bootstrap/` by {@link ArgoCdBootstrap.synth}) with
 *
 * - Argo CD's upstream install at the pinned tag, by URL (no network at synth time), in its
 *   own namespace with the `restricted` Pod Security level (every Argo CD pod complies);
 * - patches: the health check of child Applications, so the sync waves of the app of apps
 *   order the operators; the API server's Service kept ClusterIP;
 * - the root Application (app of apps) on the user's repository, revision and path: it syncs
 *   every file of the output except this folder, in sync-wave order, and waits for each wave;
 * - a Job that creates the root Application once Argo CD's Application CRD is established.
 *
 * The Job solves a race of the single apply: the Application CRD arrives in the same apply,
 * and kubectl cannot create an Application before the CRD is established ("ensure CRDs are
 * installed first"). Argo CD v3.5.1 has no setting that declares an Application outside its
 * CRD (an ApplicationSet is a custom resource too), so a pinned kubectl first waits for the
 * CRD (`kubectl wait --for=condition=Established`), then server-side applies the root
 * Application from a ConfigMap. Its service account may read that one CRD and create or patch
 * that one Application, nothing else. The Job's name carries a hash of what it applies, so
 * applying a changed bootstrap (a new revision) runs it again.
 *
 *   kubectl apply --server-side --force-conflicts -k dist/bootstrap
 */
export class ArgoCdBootstrap extends Construct {
  /**
   * Writes the bootstrap of every {@link ArgoCdBootstrap} of `app` under the app's outdir
   * (`<outdir>/bootstrap/`). Call it after `app.synth()` of a plain cdk8s `App`; a `CnaiApp`
   * calls it in its own `synth()`.
   * @returns the files written
   */
  public static synthAll(app: App): string[] {
    const all = app.node.findAll().filter((c): c is ArgoCdBootstrap => c instanceof ArgoCdBootstrap);
    if (all.length > 1) {
      throw invalidProp(all[1].node.path, 'ArgoCdBootstrap', all.map((b) => b.node.path), `every bootstrap of an app is written to ${BOOTSTRAP_FOLDER}/`,
        'keep one ArgoCdBootstrap per app (one root Application syncs the whole output)');
    }
    return all.flatMap((b) => b.synth(app.outdir));
  }

  /** The git folder the root Application syncs (path normalised). */
  public readonly gitRepository: GitDirectory;
  /** Namespace of Argo CD. */
  public readonly argoCdNamespace: string;
  /** The upstream install applied. */
  public readonly install: ArgoCdInstallVariant;
  /** URL of the pinned upstream install in the kustomization. */
  public readonly installUrl: string;
  /** The kustomization. */
  public readonly kustomization: BootstrapKustomization;
  /** The patches of the upstream install, with their reasons. */
  public readonly patches: BootstrapPatch[];
  /** The root Application (in a chart of its own: it is applied by the Job, not by kubectl directly). */
  public readonly rootApplication: Application;
  /** Name of the Job that applies the root Application. */
  public readonly jobName: string;
  /** The bootstrap's own objects: namespace, ConfigMap, Job, its service account, RBAC and NetworkPolicy. */
  public readonly objects: Chart;

  constructor(scope: Construct, id: string, props: ArgoCdBootstrapProps) {
    super(scope, id);
    const where = this.node.path;
    this.gitRepository = checkGitDirectory(where, 'gitRepository', props.gitRepository);
    this.argoCdNamespace = props.argoCdNamespace ?? 'argocd';
    assertName(where, 'argoCdNamespace', this.argoCdNamespace, NAME_RULES.dns1123Label);
    const rootName = props.rootApplicationName ?? 'cnai-platform';
    assertName(where, 'rootApplicationName', rootName, NAME_RULES.dns1123Subdomain);
    this.install = props.install ?? ArgoCdInstallVariant.STANDARD;
    this.installUrl = rawGitHubUrl(installFile(this.install));
    this.patches = argoCdInstallPatches(this.argoCdNamespace);
    this.kustomization = bootstrapKustomization(this.installUrl, this.argoCdNamespace, this.patches);

    // The bootstrap's objects are not part of the platform's charts: they live in an app of
    // their own, so they land in the bootstrap folder and the root Application never syncs them.
    const app = new App();
    const rootChart = new Chart(app, 'root-application');
    this.rootApplication = new Application(rootChart, 'Root', {
      metadata: {
        name: rootName,
        namespace: this.argoCdNamespace,
        labels: { 'app.kubernetes.io/part-of': 'cnai-platform' },
        annotations: { 'cnai.io/description': 'The platform (app of apps): every object of the synthesized output, in sync-wave order.' },
      },
      spec: {
        project: props.project ?? 'default',
        destination: { server: 'https://kubernetes.default.svc', namespace: this.argoCdNamespace },
        source: {
          repoUrl: this.gitRepository.repoUrl,
          targetRevision: this.gitRepository.revision,
          path: this.gitRepository.path,
          // Every file of the output, except this folder (its kustomization is no manifest).
          directory: { recurse: true, exclude: `${BOOTSTRAP_FOLDER}/*` },
        },
        syncPolicy: {
          // No prune: removing a file from git must not delete a data service. No finalizer
          // either: deleting the root Application leaves the platform running.
          automated: { prune: false, selfHeal: true },
          // Custom resources of later waves use CRDs that earlier waves' Applications install.
          syncOptions: ['ServerSideApply=true', 'SkipDryRunOnMissingResource=true'],
          // Unlimited: automated sync does not retry a revision whose sync failed for good,
          // and the first sync outlives webhooks that are not ready yet.
          retry: { limit: -1, backoff: { duration: '15s', factor: 2, maxDuration: '5m' } },
        },
      },
    });
    const rootYaml = toYaml(rootChart.toJson()[0]);
    const kubectl = imageRef(BOOTSTRAP_IMAGES.kubectl);
    this.jobName = `${NAME}-${crypto.createHash('sha256').update(rootYaml).update(kubectl).digest('hex').slice(0, 10)}`;

    this.objects = new Chart(app, 'argo-cd-bootstrap');
    const ns = this.argoCdNamespace;
    createNamespace(this.objects, 'Namespace', {
      name: ns,
      level: PodSecurityLevel.RESTRICTED,
      kubernetesVersion: props.kubernetesVersion ?? EKS.defaultKubernetesVersion,
      labels: { 'app.kubernetes.io/part-of': 'cnai-platform' },
    });
    new k8s.KubeServiceAccount(this.objects, 'ServiceAccount', {
      metadata: { name: NAME, namespace: ns, labels: LABELS },
      automountServiceAccountToken: false,
    });
    // Server-side apply of a new object is a PATCH that the API server also authorizes as
    // "create" of that name, so both verbs can be limited to the one Application.
    new k8s.KubeRole(this.objects, 'Role', {
      metadata: { name: NAME, namespace: ns, labels: LABELS },
      rules: [{ apiGroups: ['argoproj.io'], resources: ['applications'], resourceNames: [rootName], verbs: ['create', 'patch'] }],
    });
    new k8s.KubeRoleBinding(this.objects, 'RoleBinding', {
      metadata: { name: NAME, namespace: ns, labels: LABELS },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: NAME },
      subjects: [{ kind: 'ServiceAccount', name: NAME, namespace: ns }],
    });
    // kubectl wait gets the CRD, then lists and watches it with a metadata.name field
    // selector, which RBAC matches against resourceNames.
    new k8s.KubeClusterRole(this.objects, 'ClusterRole', {
      metadata: { name: `${NAME}-${ns}`, labels: LABELS },
      rules: [{ apiGroups: ['apiextensions.k8s.io'], resources: ['customresourcedefinitions'], resourceNames: [APPLICATION_CRD], verbs: ['get', 'list', 'watch'] }],
    });
    new k8s.KubeClusterRoleBinding(this.objects, 'ClusterRoleBinding', {
      metadata: { name: `${NAME}-${ns}`, labels: LABELS },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: `${NAME}-${ns}` },
      subjects: [{ kind: 'ServiceAccount', name: NAME, namespace: ns }],
    });
    new k8s.KubeConfigMap(this.objects, 'RootApplication', {
      metadata: { name: `${NAME}-root-application`, namespace: ns, labels: LABELS },
      data: { [ROOT_APPLICATION_KEY]: rootYaml },
    });
    const container = (name: string, args: string[], cache: string): k8s.Container => ({
      name,
      image: kubectl,
      command: ['/bin/kubectl'],
      args,
      // kubectl keeps its discovery cache under $HOME; each container gets its own, so the
      // apply never reads a cache made before the CRD existed.
      env: [{ name: 'HOME', value: '/home/kubectl' }],
      securityContext: restrictedContainerSecurityContext(UID),
      resources: {
        requests: { cpu: k8s.Quantity.fromString('50m'), memory: k8s.Quantity.fromString('64Mi') },
        limits: { memory: k8s.Quantity.fromString('256Mi') },
      },
      volumeMounts: [
        { name: cache, mountPath: '/home/kubectl' },
        ...(name === 'apply-root-application' ? [{ name: 'root-application', mountPath: '/bootstrap', readOnly: true }] : []),
      ],
    });
    new k8s.KubeJob(this.objects, 'Job', {
      metadata: { name: this.jobName, namespace: ns, labels: LABELS },
      spec: {
        backoffLimit: 10,
        // Finished Jobs go after a day; applying the bootstrap again re-creates and re-runs it (idempotent).
        ttlSecondsAfterFinished: 86400,
        template: {
          metadata: { labels: LABELS },
          spec: {
            serviceAccountName: NAME,
            automountServiceAccountToken: true,
            restartPolicy: 'Never',
            securityContext: restrictedPodSecurityContext(UID),
            nodeSelector: { 'kubernetes.io/os': 'linux' },
            initContainers: [container('wait-for-application-crd',
              ['wait', '--for=condition=Established', '--timeout=600s', `customresourcedefinitions.apiextensions.k8s.io/${APPLICATION_CRD}`], 'kube-cache-wait')],
            containers: [container('apply-root-application',
              ['apply', '--server-side', '--force-conflicts', `--field-manager=${NAME}`, '-f', `/bootstrap/${ROOT_APPLICATION_KEY}`], 'kube-cache-apply')],
            volumes: [
              { name: 'root-application', configMap: { name: `${NAME}-root-application` } },
              { name: 'kube-cache-wait', emptyDir: { sizeLimit: k8s.Quantity.fromString('64Mi') } },
              { name: 'kube-cache-apply', emptyDir: { sizeLimit: k8s.Quantity.fromString('64Mi') } },
            ],
          },
        },
      },
    });
    // Nothing connects to the Job; it talks only to the API server (443 on EKS), whose
    // addresses are the cluster's and not known here.
    new k8s.KubeNetworkPolicy(this.objects, 'NetworkPolicy', {
      metadata: { name: NAME, namespace: ns, labels: LABELS },
      spec: {
        podSelector: { matchLabels: LABELS },
        policyTypes: ['Ingress', 'Egress'],
        ingress: [],
        egress: [{ ports: [{ protocol: 'TCP', port: k8s.IntOrString.fromNumber(443) }] }],
      },
    });
  }

  /** The files of the bootstrap folder by name. */
  public files(): { [file: string]: string } {
    const header = [
      '# Generated by cnai-constructs (ArgoCdBootstrap). Apply once, after terraform apply:',
      '#   kubectl apply --server-side --force-conflicts -k .',
      `# Installs Argo CD ${installFile(this.install).revision} (${installFile(this.install).path}) and a root Application that syncs`,
      `# ${this.gitRepository.repoUrl} at ${this.gitRepository.revision}, path ${this.gitRepository.path}.`,
      '',
    ].join('\n');
    return {
      [BOOTSTRAP_KUSTOMIZATION_FILE]: header + toYaml(this.kustomization),
      [BOOTSTRAP_OBJECTS_FILE]: this.objects.toJson().map((o) => toYaml(o)).join('---\n'),
    };
  }

  /**
   * Writes the bootstrap folder under `outdir` (`<outdir>/bootstrap/`).
   * @returns the files written
   */
  public synth(outdir: string): string[] {
    const dir = path.join(outdir, BOOTSTRAP_FOLDER);
    fs.mkdirSync(dir, { recursive: true });
    return Object.entries(this.files()).map(([name, content]) => {
      const file = path.join(dir, name);
      fs.writeFileSync(file, content);
      return file;
    });
  }
}

/** YAML without folded lines (a folded description or patch is harder to review). */
function toYaml(value: unknown): string {
  return YAML.stringify(value, { lineWidth: 0 });
}

function installFile(variant: ArgoCdInstallVariant): PinnedUpstreamFile {
  return variant === ArgoCdInstallVariant.HIGH_AVAILABILITY ? ARGO_CD_INSTALL.highAvailability : ARGO_CD_INSTALL.standard;
}
