import { spawnSync } from 'child_process';
import { ApiObject, Helm } from 'cdk8s';
import { Construct } from 'constructs';
import { createReleaseNamespaces } from './namespaces';
import { OperatorRelease, ReleaseSourceKind } from './release';
import { ReleaseNetworkContext } from './release-network-context';
import { ReleaseNetworkPolicies } from './release-network-policies';
import { invalidProp } from '../../core/errors';
import { DEFAULT_VPC_CIDR } from '../common/egress';
import { SYNC_WAVE_ANNOTATION } from '../pod-security';

/** Props of {@link HelmReleases}. */
export interface HelmReleasesProps {
  /** The releases to render; each must come from a Helm repository or a chart directory. */
  readonly releases: OperatorRelease[];
  /**
   * The helm executable.
   * @default "helm" (found on PATH)
   */
  readonly helmExecutable?: string;
  /**
   * Kubernetes version the charts render for (`--kube-version`) and the Pod Security labels pin.
   * @default - EKS.defaultKubernetesVersion
   */
  readonly kubernetesVersion?: string;
  /**
   * The VPC block and metrics backend the releases' network declarations are resolved with
   * (their namespaces' NetworkPolicies, see `OperatorReleaseProps.network`).
   * @default - the AWS layer's default VPC block 10.0.0.0/16, no metrics backend
   */
  readonly network?: ReleaseNetworkContext;
}

/**
 * Renders operator releases inline, as plain manifests, with cdk8s's Helm support
 * (`helm template --include-crds`). Needs helm 3 on PATH at synth time, and network
 * access to the chart repositories unless the charts are directories on disk. Every
 * rendered object carries the sync wave of its release, so the install order is stated
 * in the output. Kustomize sources are not supported (use the Argo CD renderer).
 */
export class HelmReleases extends Construct {
  /** Rendered charts by release name. */
  public readonly charts: { [name: string]: Helm } = {};
  /** The helm executable used. */
  public readonly helmExecutable: string;
  /** The NetworkPolicies of the releases' namespaces. */
  public readonly networkPolicies: ReleaseNetworkPolicies;

  constructor(scope: Construct, id: string, props: HelmReleasesProps) {
    super(scope, id);
    const where = this.node.path;
    this.helmExecutable = props.helmExecutable ?? 'helm';
    props.releases.forEach((r, i) => {
      if (r.source.kind === ReleaseSourceKind.GIT_KUSTOMIZE) {
        throw invalidProp(where, `releases[${i}].source`, `${r.source.repoUrl}/${r.source.path}@${r.source.version}`,
          `release ${r.name} is a kustomize source, which helm cannot render`,
          'render it with OperatorRendering.ARGO_CD, or leave it out of the Helm-rendered releases');
      }
    });
    assertHelmAvailable(where, this.helmExecutable);

    createReleaseNamespaces(this, props.releases, props.kubernetesVersion);
    this.networkPolicies = new ReleaseNetworkPolicies(this, 'Network', { releases: props.releases, context: props.network ?? { vpcCidr: DEFAULT_VPC_CIDR } });
    const kubeVersion = props.kubernetesVersion;
    for (const r of props.releases) {
      const s = r.source;
      const chart = s.kind === ReleaseSourceKind.HELM_DIRECTORY ? s.repoUrl
        : s.isOci ? `${s.repoUrl}/${s.chart}` : s.chart!;
      const helm = new Helm(this, `Release-${r.name}`, {
        chart,
        repo: s.kind === ReleaseSourceKind.HELM_REPOSITORY && !s.isOci ? s.repoUrl : undefined,
        version: s.kind === ReleaseSourceKind.HELM_REPOSITORY ? s.version : undefined,
        namespace: r.namespace,
        releaseName: r.name,
        values: r.values,
        helmExecutable: this.helmExecutable,
        helmFlags: ['--include-crds', ...(kubeVersion ? ['--kube-version', kubeVersion] : [])],
      });
      for (const obj of helm.apiObjects) stampWave(obj, r.syncWave);
      this.charts[r.name] = helm;
    }
  }
}

function stampWave(obj: ApiObject, wave: number): void {
  // CRDs first within a release, as helm and Argo CD do.
  const w = obj.kind === 'CustomResourceDefinition' ? wave - 1 : wave;
  obj.metadata.addAnnotation(SYNC_WAVE_ANNOTATION, String(w));
}

/**
 * Throws a clear error when helm cannot be run.
 * @throws CnaiError "helm not found" when the executable is missing
 */
export function assertHelmAvailable(construct: string, executable: string = 'helm'): string {
  const r = spawnSync(executable, ['version', '--short'], { encoding: 'utf8', timeout: 30_000 });
  if (r.error || r.status !== 0) {
    const why = r.error ? (r.error as NodeJS.ErrnoException).code ?? r.error.message : `exit ${r.status}: ${(r.stderr || '').trim()}`;
    throw invalidProp(construct, 'helmExecutable', executable, `helm not found or not runnable (${why}); OperatorRendering.HELM runs "helm template" at synth time`,
      'install helm 3 and put it on PATH, or render the releases with OperatorRendering.ARGO_CD, which needs no tool at synth time');
  }
  return r.stdout.trim();
}
