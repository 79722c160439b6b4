// The feature store: Feast through its operator.
export * from './feature-store';
export * from './feature-store-connection';
