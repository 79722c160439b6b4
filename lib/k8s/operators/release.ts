import * as YAML from 'yaml';
import { invalidProp } from '../../core/errors';
import { NAME_RULES, assertName } from '../../core/names';
import { ReleaseNetwork } from '../../core/release-network';
import { ReleaseProvides } from '../../core/release-provides';
import { PinnedGitPath, PinnedHelmChart } from '../../core/versions';
import { PodSecurityLevel } from '../pod-security';
import { checkReleaseNetwork } from './release-network';

/** Kind of source a release is installed from. */
export enum ReleaseSourceKind {
  /** A chart of a Helm repository (HTTPS or OCI). */
  HELM_REPOSITORY = 'helm-repository',
  /** A chart directory on the local disk (vendored charts; Helm renderer only). */
  HELM_DIRECTORY = 'helm-directory',
  /** A kustomization in a git repository at a release tag (Argo CD renderer only). */
  GIT_KUSTOMIZE = 'git-kustomize',
}

/**
 * A patch applied to objects of a kustomize source (Argo CD's `kustomize.patches`: the target
 * selects the objects, the patch is a JSON 6902 patch as YAML or a strategic merge patch).
 */
export interface KustomizePatch {
  /** Kind of the target objects. */
  readonly kind: string;
  /**
   * Name of the target object.
   * @default - every object of the kind (for a name that upstream sets by a replacement only after patches apply)
   */
  readonly name?: string;
  /** The patch (a JSON 6902 patch as YAML, or a strategic merge patch). */
  readonly patch: string;
}

/** One operation of a JSON 6902 patch. */
export interface JsonPatchOperation {
  /** `add`, `replace` or `remove` (the operations the releases use). */
  readonly op: 'add' | 'replace' | 'remove';
  /** JSON pointer of the field. */
  readonly path: string;
  /**
   * The value (`add`, `replace`).
   * @default - none (`remove`)
   */
  readonly value?: any;
}

/** A JSON 6902 patch of one object of a kustomize source. */
export function jsonPatch(kind: string, name: string, operations: JsonPatchOperation[]): KustomizePatch {
  return { kind, name, patch: YAML.stringify(operations.map((o) => (o.op === 'remove' ? { op: o.op, path: o.path } : { op: o.op, path: o.path, value: o.value }))) };
}

/**
 * A strategic merge patch that deletes an object from a kustomize source's render: for objects
 * the platform declares itself (the release namespaces, with their Pod Security labels), so that
 * each object has exactly one owner.
 * @param name the object's name; omit to delete every object of the kind (one Namespace whose name upstream sets by a replacement)
 */
export function deleteObjectPatch(apiVersion: string, kind: string, name?: string): KustomizePatch {
  return {
    kind,
    name,
    patch: YAML.stringify({ $patch: 'delete', apiVersion, kind, metadata: { name: name ?? 'any' } }),
  };
}

/** Options of a git kustomize source. */
export interface GitKustomizeOptions {
  /**
   * Images to set (`repository:tag`), overriding the kustomization's tags.
   * @default - the tags of the kustomization at the pinned revision
   */
  readonly images?: string[];
  /**
   * Namespace kustomize sets on every namespaced object.
   * @default - the kustomization's own
   */
  readonly namespace?: string;
  /**
   * Patches.
   * @default - none
   */
  readonly patches?: KustomizePatch[];
}

const RANGE = /[\^~*<>=|]|\s|(^|\.)[xX](\.|$)|^$/;
const FLOATING = /^(HEAD|latest|main|master|stable)$/i;

/** True for an exact version or tag: not a range, a wildcard, a branch, `HEAD` or `latest`. */
export function isPinnedVersion(version: string): boolean {
  return typeof version === 'string' && !RANGE.test(version) && !FLOATING.test(version);
}

/** Where a release comes from, pinned to an exact version. */
export class ReleaseSource {
  /**
   * A chart of a Helm repository.
   * @param chart the pinned chart (repository, name, exact version)
   */
  public static helmChart(chart: PinnedHelmChart): ReleaseSource {
    return new ReleaseSource(ReleaseSourceKind.HELM_REPOSITORY, chart.repoUrl, chart.version, chart.chart, undefined, undefined);
  }

  /**
   * A chart directory on disk (e.g. a vendored chart). Rendered by the Helm renderer only.
   * @param directory path of the chart directory
   * @param version the chart's version, recorded for reviews
   */
  public static helmDirectory(directory: string, version: string): ReleaseSource {
    return new ReleaseSource(ReleaseSourceKind.HELM_DIRECTORY, directory, version, undefined, undefined, undefined);
  }

  /**
   * A kustomization in a git repository at a release tag. Rendered by the Argo CD renderer only.
   * @param source the pinned repository, path and tag
   */
  public static gitKustomize(source: PinnedGitPath, options: GitKustomizeOptions = {}): ReleaseSource {
    return new ReleaseSource(ReleaseSourceKind.GIT_KUSTOMIZE, source.repoUrl, source.revision, undefined, source.path, options);
  }

  /** Kind of source. */
  public readonly kind: ReleaseSourceKind;
  /** Repository URL (Helm repository, OCI registry path with `oci://`, git URL) or chart directory. */
  public readonly repoUrl: string;
  /** Exact version: chart version or git tag. */
  public readonly version: string;
  /** Chart name (Helm repositories). */
  public readonly chart?: string;
  /** Path in the git repository (kustomize). */
  public readonly path?: string;
  /** Kustomize options. */
  public readonly kustomize?: GitKustomizeOptions;

  private constructor(kind: ReleaseSourceKind, repoUrl: string, version: string, chart?: string, path?: string, kustomize?: GitKustomizeOptions) {
    if (!isPinnedVersion(version)) {
      throw invalidProp(`ReleaseSource(${chart ?? path ?? repoUrl})`, 'version', version, 'not an exact version (ranges, branches, HEAD and latest change under you)',
        'pin an exact chart version or release tag, e.g. "v1.20.2", in lib/core/versions.ts');
    }
    this.kind = kind;
    this.repoUrl = repoUrl;
    this.version = version;
    this.chart = chart;
    this.path = path;
    this.kustomize = kustomize;
  }

  /** True for an OCI Helm registry. */
  public get isOci(): boolean {
    return this.repoUrl.startsWith('oci://');
  }
}

/**
 * When a release is installed relative to the others. Argo CD applies lower waves first
 * and waits for them to be healthy; the same order applies to a manual install.
 */
export enum InstallPhase {
  /** CRDs and webhooks others depend on: cert-manager, the Prometheus operator's CRDs. */
  FOUNDATION = 'foundation',
  /** Operators (their CRDs, controllers and webhooks). */
  OPERATORS = 'operators',
  /** Custom resources shipped with operators (e.g. training runtimes). */
  OPERATOR_RESOURCES = 'operator-resources',
  /** The platform's own custom resources (queues, node pools, monitors). */
  PLATFORM = 'platform',
}

/** The Argo CD sync wave of an install phase. */
export function syncWaveOf(phase: InstallPhase): number {
  switch (phase) {
    case InstallPhase.FOUNDATION: return -20;
    case InstallPhase.OPERATORS: return -10;
    case InstallPhase.OPERATOR_RESOURCES: return -5;
    case InstallPhase.PLATFORM: return 0;
    default: throw new Error(`internal: unknown phase ${phase}`);
  }
}

/** A service account upstream creates with rights that none of the release's pods runs as. */
export interface DormantServiceAccount {
  /** Its name, in the release's namespace. */
  readonly name: string;
  /** What upstream grants it and why nothing runs as it (at least 10 characters; written on the policy). */
  readonly reason: string;
}

/** Props of {@link OperatorRelease}. */
export interface OperatorReleaseProps {
  /** Release name (a DNS-1123 label): the Argo CD Application name and Helm release name. */
  readonly name: string;
  /** Namespace the release installs into. */
  readonly namespace: string;
  /** Source, pinned. */
  readonly source: ReleaseSource;
  /**
   * Helm values, built from typed props by the catalogue.
   * @default - the chart's defaults
   */
  readonly values?: { [key: string]: any };
  /** Install phase. */
  readonly phase: InstallPhase;
  /**
   * Whether Argo CD deletes objects that disappear from the source. Off for releases
   * that hold state (certificates, databases), so an upstream rename never deletes data.
   * @default true
   */
  readonly prune?: boolean;
  /**
   * Server-side apply: needed where CRDs exceed the 256 KiB annotation of client-side apply.
   * @default false
   */
  readonly serverSideApply?: boolean;
  /**
   * Pod Security Admission level enforced on the release's namespace.
   * @default PodSecurityLevel.BASELINE
   */
  readonly podSecurity?: PodSecurityLevel;
  /**
   * Why the namespace needs a level weaker than restricted (recorded as an annotation).
   * @default - "upstream pods of <name> are not all restricted-compliant"
   */
  readonly podSecurityReason?: string;
  /**
   * What the release is for (recorded as an annotation).
   * @default - none
   */
  readonly description?: string;
  /**
   * Service accounts of the release's namespace that upstream creates with rights and that none
   * of its pods runs as (the platform's configuration leaves them unused). The platform's
   * admission policies keep them unused: no pod runs as them and no token is issued for them
   * (`cnai-dormant-identities`).
   * @default - none
   */
  readonly dormantServiceAccounts?: DormantServiceAccount[];
  /**
   * What the release puts into the cluster that the platform's objects refer to (CRDs,
   * Services, pods, runtimes, ...). Recorded on the Argo CD Application, so the verifier can
   * resolve references to it and check the declaration against the upstream artifacts.
   * @default - nothing declared
   */
  readonly provides?: ReleaseProvides;
  /**
   * The network the release's pods need besides DNS: whether they reach the API server, and
   * each connection they open or accept (webhooks the API server calls, metrics the platform's
   * Prometheus scrapes, AWS APIs, flows between its own pods and to or from other namespaces),
   * by its ends (`NetworkEndKind`: a workload of `provides.workloads`, pods by namespace and
   * labels, the API server, the metrics scraper or query API, AWS) and the accepting end's
   * container ports.
   *
   * The renderers turn it into NetworkPolicies of the release's namespace: a namespace-wide
   * default-deny, DNS, the API server (unless `apiServer: false`), then one policy per local pod
   * selector with exactly the declared connections; the Argo CD renderer also writes the
   * resolved declaration onto the Application (`cnai.io/network`), so the whole-platform
   * verifier checks each connection against the NetworkPolicies of both ends and the upstream
   * render. A namespace is isolated only when every release installed into it declares its
   * network (a release that runs no pods, CRDs or custom resources only, declares `network: {}`);
   * otherwise it stays open, and the policy packs report it (`net-default-deny`).
   *
   * ```ts
   * network: {
   *   connections: [
   *     { from: { kind: NetworkEndKind.API_SERVER }, to: { kind: NetworkEndKind.WORKLOAD, workload: 'my-operator' },
   *       ports: [{ port: 9443 }], reason: 'admission webhooks' },
   *     { from: { kind: NetworkEndKind.METRICS_SCRAPER }, to: { kind: NetworkEndKind.WORKLOAD, workload: 'my-operator' },
   *       ports: [{ port: 8080 }], reason: 'metrics' },
   *   ],
   * }
   * ```
   * @default - none declared: the namespace gets no NetworkPolicies from the renderers
   */
  readonly network?: ReleaseNetwork;
}

/** One pinned third-party release: what to install, where, how and when. */
export class OperatorRelease {
  public readonly name: string;
  public readonly namespace: string;
  public readonly source: ReleaseSource;
  public readonly values: { [key: string]: any };
  public readonly phase: InstallPhase;
  public readonly prune: boolean;
  public readonly serverSideApply: boolean;
  public readonly podSecurity: PodSecurityLevel;
  public readonly podSecurityReason?: string;
  public readonly description?: string;
  /** Unused service accounts with rights (see {@link OperatorReleaseProps.dormantServiceAccounts}). */
  public readonly dormantServiceAccounts: DormantServiceAccount[];
  public readonly provides: ReleaseProvides;
  /** The release's network, when declared (see {@link OperatorReleaseProps.network}). */
  public readonly network?: ReleaseNetwork;

  constructor(props: OperatorReleaseProps) {
    const where = `OperatorRelease(${props.name})`;
    this.name = assertName(where, 'name', props.name, NAME_RULES.dns1123Label);
    this.namespace = assertName(where, 'namespace', props.namespace, NAME_RULES.dns1123Label);
    this.source = props.source;
    this.values = props.values ?? {};
    this.phase = props.phase;
    this.prune = props.prune ?? true;
    this.serverSideApply = props.serverSideApply ?? false;
    this.podSecurity = props.podSecurity ?? PodSecurityLevel.BASELINE;
    this.podSecurityReason = this.podSecurity === PodSecurityLevel.RESTRICTED
      ? undefined
      : props.podSecurityReason ?? `upstream pods of ${props.name} are not all restricted-compliant`;
    this.description = props.description;
    this.dormantServiceAccounts = props.dormantServiceAccounts ?? [];
    this.dormantServiceAccounts.forEach((d, i) => {
      assertName(where, `dormantServiceAccounts[${i}].name`, d.name, NAME_RULES.dns1123Subdomain);
      if (typeof d.reason !== 'string' || d.reason.trim().length < 10) {
        throw invalidProp(where, `dormantServiceAccounts[${i}].reason`, d.reason, 'a dormant service account needs a stated reason',
          'say what upstream grants it and why nothing runs as it (at least 10 characters); the reason is written on the policy');
      }
    });
    this.provides = props.provides ?? {};
    this.network = props.network;
    if (this.network) checkReleaseNetwork(where, this.network, this.namespace, this.provides);
    if (Object.keys(this.values).length > 0 && this.source.kind === ReleaseSourceKind.GIT_KUSTOMIZE) {
      throw invalidProp(where, 'values', this.values, 'a kustomize source takes no Helm values',
        'express the change as source options (images, namespace, patches) of ReleaseSource.gitKustomize');
    }
  }

  /** The Argo CD sync wave of this release. */
  public get syncWave(): number {
    return syncWaveOf(this.phase);
  }
}
