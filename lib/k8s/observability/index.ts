export * from './metrics-endpoint';
export * from './collector-components';
export * from './collector-config';
export * from './tracing';
export * from './telemetry-collector';
export * from './metrics-scraping';
export * from './promql';
export * from './platform-alerts';
