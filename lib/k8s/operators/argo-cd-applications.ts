import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { createReleaseNamespaces } from './namespaces';
import { OperatorRelease, ReleaseSourceKind } from './release';
import { resolveReleaseNetwork } from './release-network';
import { ReleaseNetworkContext } from './release-network-context';
import { ReleaseNetworkPolicies } from './release-network-policies';
import { invalidProp } from '../../core/errors';
import { NETWORK_ANNOTATION } from '../../core/release-network';
import { PROVIDES_ANNOTATION } from '../../core/release-provides';
import { Application, ApplicationSpecSource } from '../../imports/argoproj.io';
import { DEFAULT_VPC_CIDR } from '../common/egress';
import { NAMESPACE_SYNC_WAVE, SYNC_WAVE_ANNOTATION } from '../pod-security';

/** Props of {@link ArgoCdApplications}. */
export interface ArgoCdApplicationsProps {
  /** The releases to install. */
  readonly releases: OperatorRelease[];
  /**
   * Namespace of Argo CD.
   * @default "argocd"
   */
  readonly argoCdNamespace?: string;
  /**
   * Argo CD project of the Applications.
   * @default "default"
   */
  readonly project?: string;
  /**
   * API server of the destination cluster.
   * @default "https://kubernetes.default.svc" (the cluster Argo CD runs in)
   */
  readonly destinationServer?: string;
  /**
   * Kubernetes version for the Pod Security labels of the release namespaces.
   * @default - EKS.defaultKubernetesVersion
   */
  readonly kubernetesVersion?: string;
  /**
   * The VPC block and metrics backend the releases' network declarations are resolved with
   * (their namespaces' NetworkPolicies and the `cnai.io/network` annotation, see `OperatorReleaseProps.network`).
   * @default - the AWS layer's default VPC block 10.0.0.0/16, no metrics backend
   */
  readonly network?: ReleaseNetworkContext;
}

const CASCADE_FINALIZER = 'resources-finalizer.argocd.argoproj.io';

/**
 * Renders operator releases as Argo CD Applications (argoproj.io/v1alpha1): one per
 * release, pinned to an exact chart version or tag, with a sync wave per install phase,
 * automated sync (prune off for releases that hold state), server-side apply where CRDs
 * are large, and the release namespaces declared with their Pod Security labels. Nothing
 * is needed at synth time.
 * @see https://argo-cd.readthedocs.io/en/stable/user-guide/sync-waves/
 */
export class ArgoCdApplications extends Construct {
  /** The Applications by release name. */
  public readonly applications: { [name: string]: Application } = {};
  /** The releases rendered. */
  public readonly releases: OperatorRelease[];
  /** Namespace of Argo CD. */
  public readonly argoCdNamespace: string;
  /** The NetworkPolicies of the releases' namespaces. */
  public readonly networkPolicies: ReleaseNetworkPolicies;

  constructor(scope: Construct, id: string, props: ArgoCdApplicationsProps) {
    super(scope, id);
    const where = this.node.path;
    this.releases = [...props.releases];
    this.argoCdNamespace = props.argoCdNamespace ?? 'argocd';
    const project = props.project ?? 'default';
    const server = props.destinationServer ?? 'https://kubernetes.default.svc';

    const names = new Set<string>();
    this.releases.forEach((r, i) => {
      if (names.has(r.name)) {
        throw invalidProp(where, `releases[${i}].name`, r.name, 'two releases have the same name', 'give each release its own name');
      }
      names.add(r.name);
      if (r.source.kind === ReleaseSourceKind.HELM_DIRECTORY) {
        throw invalidProp(where, `releases[${i}].source`, r.source.repoUrl, 'Argo CD cannot read a chart directory of this machine',
          'publish the chart to a Helm repository or git, or render it with OperatorRendering.HELM');
      }
    });

    createReleaseNamespaces(this, this.releases, props.kubernetesVersion);
    const network = props.network ?? { vpcCidr: DEFAULT_VPC_CIDR };
    this.networkPolicies = new ReleaseNetworkPolicies(this, 'Network', { releases: this.releases, context: network });

    // Argo CD reads OCI Helm registries only through a repository declared with enableOCI.
    const ociRepos = [...new Set(this.releases.filter((r) => r.source.isOci).map((r) => ociHost(r.source.repoUrl)))];
    ociRepos.forEach((url, i) => {
      new k8s.KubeSecret(this, `OciRepository${i}`, {
        metadata: {
          name: `oci-helm-${url.replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '')}`.slice(0, 63).replace(/-$/, ''),
          namespace: this.argoCdNamespace,
          labels: { 'argocd.argoproj.io/secret-type': 'repository' },
          annotations: { [SYNC_WAVE_ANNOTATION]: String(NAMESPACE_SYNC_WAVE) },
        },
        // Public registry: no credentials, only the repository declaration.
        stringData: { type: 'helm', name: url, url, enableOCI: 'true' },
      });
    });

    for (const r of this.releases) {
      const annotations: { [key: string]: string } = { [SYNC_WAVE_ANNOTATION]: String(r.syncWave) };
      if (r.description) annotations['cnai.io/description'] = r.description;
      if (Object.keys(r.provides).length > 0) annotations[PROVIDES_ANNOTATION] = JSON.stringify(r.provides);
      const resolved = resolveReleaseNetwork(r, network);
      if (resolved) annotations[NETWORK_ANNOTATION] = JSON.stringify(resolved);
      const syncOptions = ['CreateNamespace=false', 'PruneLast=true'];
      if (r.serverSideApply) syncOptions.push('ServerSideApply=true');
      this.applications[r.name] = new Application(this, `Application-${r.name}`, {
        metadata: {
          name: r.name,
          namespace: this.argoCdNamespace,
          annotations,
          // Deleting the Application deletes what it installed, except for releases that
          // hold state: there the objects stay until removed on purpose.
          finalizers: r.prune ? [CASCADE_FINALIZER] : undefined,
        },
        spec: {
          project,
          destination: { server, namespace: r.namespace },
          source: renderSource(r),
          syncPolicy: {
            automated: { prune: r.prune, selfHeal: true },
            syncOptions,
            retry: { limit: 10, backoff: { duration: '15s', factor: 2, maxDuration: '5m' } },
          },
        },
      });
    }
  }
}

function ociHost(repoUrl: string): string {
  return repoUrl.replace(/^oci:\/\//, '');
}

function renderSource(r: OperatorRelease): ApplicationSpecSource {
  const s = r.source;
  if (s.kind === ReleaseSourceKind.HELM_REPOSITORY) {
    return {
      repoUrl: s.isOci ? ociHost(s.repoUrl) : s.repoUrl,
      chart: s.chart,
      targetRevision: s.version,
      helm: {
        releaseName: r.name,
        ...(Object.keys(r.values).length > 0 ? { valuesObject: r.values } : {}),
      },
    };
  }
  const k = s.kustomize ?? {};
  return {
    repoUrl: s.repoUrl,
    path: s.path,
    targetRevision: s.version,
    kustomize: {
      namespace: k.namespace,
      images: k.images && k.images.length > 0 ? [...k.images] : undefined,
      patches: k.patches?.map((p) => ({ target: { kind: p.kind, name: p.name }, patch: p.patch })),
    },
  };
}
