// Parts every stage uses: NetworkPolicy rules and namespace isolation, the encrypted StorageClass.
export * from './egress';
export * from './namespace-isolation';
export * from './encrypted-storage-class';
export * from './suppressions';
