// Parts every stage uses, so the stages (training, registry, retrieval, serving,
// observability) are siblings that import these instead of each other: NetworkPolicy rules
// and namespace isolation, the encrypted StorageClass, the namespaces of data services,
// secret references and sources (and the Secrets Manager store they read, and the restart of
// their consumers when they change), where a model's
// files come from, PostgreSQL quoting, and metrics endpoints. The one-shot Job and the psql
// client container are internal (one-shot-job.ts, psql-client.ts: not exported here).
export * from './egress';
export * from './namespace-isolation';
export * from './encrypted-storage-class';
export * from './suppressions';
export * from './data-service-namespace';
export * from './secret-key-ref';
export * from './secret-source';
export * from './generated-secret';
export * from './aws-secrets-manager-store';
export * from './model-source';
export * from './postgres-sql';
export * from './metrics-endpoint';
export * from './secret-rollout';
