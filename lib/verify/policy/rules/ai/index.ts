// The AI platform pack's rules, one per file.
export * from './gpu-kueue';
export * from './model-source';
export * from './tracing-content-off';
export * from './drift-payload-opt-in';
