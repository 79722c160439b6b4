export * from './registry-backend';
export * from './registry-engine';
export * from './registry-connection';
export * from './model-version';
export * from './database-init';
export * from './mlflow-server';
export * from './kubeflow-model-registry-server';
export * from './model-registry';
