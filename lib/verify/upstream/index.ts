// Releases checked against upstream: each Argo CD Application of the output against the
// upstream artifact it installs (Helm chart sources and kustomize trees at the pinned versions).
export * from './types';
export * from './sources';
export * from './chart-repositories';
export * from './locate';
export * from './applications';
export * from './images';
export * from './helm-templates';
export * from './helm-chart';
export * from './helm-check';
export * from './cache';
export * from './kustomize';
export * from './go-types';
export * from './embedded-config';
export * from './render-checks';
export * from './verify-releases';
export * from './format';
export * from './pinned';
export * from './bootstrap';
export * from './endpoint-pickers';
