export * from './model-source';
