export * from './errors';
export * from './names';
export * from './contract';
export * from './versions';
export * from './accelerators';
export * from './models';
export * from './sizing';
export * from './cidr';
