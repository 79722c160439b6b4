/**
 * Types shared by the release checks (this folder) and the whole-platform verification
 * (../platform): what each Argo CD Application of the output installs, as far as it can be
 * known offline from the upstream artifacts.
 */
import { ReleaseProvides } from '../../core/release-provides';

/** A Kubernetes object as parsed from YAML. */
export interface KubeObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: {
    readonly name?: string;
    readonly namespace?: string;
    readonly labels?: { [k: string]: string };
    readonly annotations?: { [k: string]: string };
    readonly [k: string]: unknown;
  };
  readonly [key: string]: unknown;
}

/** How a release's source is built. */
export enum ReleaseSourceType {
  /** A Helm chart (repository or OCI). */
  HELM = 'helm',
  /** A kustomization in a git repository. */
  KUSTOMIZE = 'kustomize',
  /** A directory of plain manifests in git (the root Application of an app of apps). */
  DIRECTORY = 'directory',
}

/** One Argo CD Application of the output and what it installs. */
export interface ReleaseRender {
  /** Application name. */
  readonly application: string;
  /** File and document index of the Application in the output (for messages). */
  readonly location: string;
  /** Destination namespace. */
  readonly namespace: string;
  /** Argo CD sync wave of the Application (0 when none). */
  readonly syncWave: number;
  /** Source type. */
  readonly sourceType: ReleaseSourceType;
  /** Repository URL, chart or path, and pinned revision, as the Application names them. */
  readonly repoUrl: string;
  readonly chartOrPath: string;
  readonly revision: string;
  /** The local upstream directory the source was checked against, when found. */
  readonly upstreamDir?: string;
  /**
   * What the release installs:
   * - kustomize: the objects of `kubectl kustomize` over the vendored tree with the Application's
   *   namespace, images and patches (`rendered` true);
   * - Helm: objects built from the Application's {@link ReleaseProvides} declaration after it
   *   was checked against the chart (`rendered` false): CRD stubs, Services, workloads as
   *   Deployments, named objects.
   */
  readonly objects: KubeObject[];
  /** Whether `objects` come from a real render. */
  readonly rendered: boolean;
  /** The release's own declaration (from its annotation), when present. */
  readonly provides?: ReleaseProvides;
  /** The Helm values the Application sets, merged over the chart's values.yaml (Helm sources). */
  readonly effectiveValues?: { [key: string]: unknown };
}

/** What a release finding is about. */
export enum ReleaseCheck {
  /** The Application's source has no upstream artifact to check against (or it is incomplete). */
  UPSTREAM_SOURCE = 'upstream-source',
  /** A Helm value the chart does not have. */
  HELM_VALUE = 'helm-value',
  /** The merged Helm values break the chart's values.schema.json. */
  HELM_SCHEMA = 'helm-schema',
  /** An image that is not pinned (latest, no tag, a placeholder). */
  IMAGE = 'image',
  /** The release's declaration (`cnai.io/provides`) does not match what upstream ships. */
  PROVIDES = 'provides',
  /** The release's network (`cnai.io/network`) names ports its pods in the render do not have. */
  NETWORK = 'network',
  /** A kustomize patch that matches nothing or changes nothing. */
  PATCH = 'patch',
  /** A remote resource inside a vendored kustomization with no vendored stand-in. */
  REMOTE_RESOURCE = 'remote-resource',
  /** `kubectl kustomize` failed. */
  RENDER = 'render',
  /** A rendered object breaks the schema of its kind (or a rule the API server enforces). */
  SCHEMA = 'schema',
  /** Configuration embedded in a ConfigMap has fields its Go type does not declare. */
  EMBEDDED_CONFIG = 'embedded-config',
  /** One object installed by two owners. */
  OWNERSHIP = 'ownership',
  /** Objects the library generates in place of an upstream chart (an InferencePool's endpoint picker) differ from what the chart renders. */
  GENERATED = 'generated',
}

/** One problem of a release, named from both ends (the Application and the upstream artifact). */
export interface ReleaseFinding {
  /** Application name (or `output` for the output's own objects). */
  readonly application: string;
  /** File and document index of the Application in the output (`dist/0000-x.k8s.yaml#12`). */
  readonly location: string;
  /** What kind of check found it. */
  readonly check: ReleaseCheck;
  /**
   * Where in the Application or the rendered object (a Helm value path, a patch index, a JSON path).
   * @default - the whole Application
   */
  readonly path?: string;
  /** What is wrong, where upstream says otherwise, and the fix. */
  readonly message: string;
}
