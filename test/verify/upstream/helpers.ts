/**
 * Literal Argo CD Applications for the release checks, pointing at real vendored upstream
 * directories (../shared/upstream, or $CNAI_UPSTREAM_DIR).
 */
import { PROVIDES_ANNOTATION, ReleaseProvides } from '../../../lib/core/release-provides';

/** The file name findings show for the objects of {@link output}. */
export const FILE = 'dist/test.k8s.yaml';

/** The source of an Application. */
export type Source = { [key: string]: unknown };

/** An Argo CD Application as the Argo CD renderer writes it. */
export function application(name: string, destination: string, source: { [key: string]: unknown }, provides?: ReleaseProvides, wave = -10): object {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: {
      name,
      namespace: 'argocd',
      annotations: { 'argocd.argoproj.io/sync-wave': String(wave), ...(provides ? { [PROVIDES_ANNOTATION]: JSON.stringify(provides) } : {}) },
    },
    spec: {
      project: 'default',
      destination: { server: 'https://kubernetes.default.svc', namespace: destination },
      source,
      syncPolicy: { automated: { prune: true, selfHeal: true }, syncOptions: ['CreateNamespace=false'] },
    },
  };
}

/** A Helm source. */
export function helmSource(repoURL: string, chart: string, targetRevision: string, valuesObject?: { [key: string]: unknown }): Source {
  return { repoURL, chart, targetRevision, helm: { releaseName: chart, ...(valuesObject ? { valuesObject } : {}) } };
}

/** A git kustomize source. */
export function kustomizeSource(repo: string, path: string, targetRevision: string, kustomize: { [key: string]: unknown } = {}): Source {
  return { repoURL: `https://github.com/${repo}`, path, targetRevision, kustomize };
}

/** The objects as one output file. */
export function output(...objects: object[]): Array<{ file: string; content: unknown[] }> {
  return [{ file: FILE, content: objects }];
}

/** A Namespace the platform declares with Pod Security labels. */
export function namespace(name: string): object {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { 'pod-security.kubernetes.io/enforce': 'baseline' } } };
}
