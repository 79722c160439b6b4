// Model delivery: a new model version evaluated, rolled out in canary steps under gates, and
// recorded as live in the registry (Argo Rollouts, Kueue, MLflow).
export * from './evaluation-dataset';
export * from './model-delivery';
