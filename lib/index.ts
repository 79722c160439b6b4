/**
 * The package root: the shared vocabulary (GPU catalogue, model sizing, the platform spec and contract, names, pinned versions, errors). Loads no CDK.
 * @packageDocumentation
 * @module cnai-constructs
 */
// The package root (`cnai-constructs`) is the shared vocabulary: the GPU catalogue, model
// sizing, the platform spec and contract, names, pinned versions and errors. It loads no
// CDK. Each layer has its own entry point, so that a user of one layer does not load the
// other layer's CDK: `cnai-constructs/aws` (cdktf), `cnai-constructs/k8s` (cdk8s) and
// `cnai-constructs/verify` (the verifier, no CDK).
export * from './core';
/** The same vocabulary as one namespace (`import { core } from 'cnai-constructs'`). */
export * as core from './core';
