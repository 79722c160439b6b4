// Every rule of the packs (lib/verify/policy/packs.ts groups them).
export * from './aws';
export * from './pod';
export * from './network';
export * from './ai';
