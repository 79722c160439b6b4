// The network isolation pack's rules, one per file.
export * from './default-deny';
export * from './no-public-load-balancer';
export * from './no-node-port';
export * from './flows-declared';
