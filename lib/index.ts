// The package root re-exports the shared vocabulary. Each layer is imported from its
// own entry point (`cnai-constructs/build/aws`, `.../k8s`, `.../verify`) so that a user of
// one layer does not load the other layer's CDK.
export * as core from './core';
