export * from './types';
export * from './descriptor-set';
export * from './registry';
