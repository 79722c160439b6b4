export * from './labels';
export * from './model-store-reference';
export * from './dataset-source';
export * from './registry-client';
export * from './training-runtime';
export * from './train-job-options';
export * from './training-job';
