// Checks of synthesized output, for the project's tests and for users (library API and
// the `cnai-verify` command). Imports neither CDK: it reads files and plain objects.
export * from './schemas';
export * from './k8s';
export * from './terraform';
export * from './upstream';
export * from './platform/model';
export * from './platform/model-builder';
export * from './platform/verify-references';
export * from './platform/reference-report';
export * from './platform/verify-platform';
export * from './policy';
