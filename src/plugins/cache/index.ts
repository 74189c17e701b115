export * from './cache.config';
export * from './cache.module';
export type { CacheModuleOptions } from './cache.module-definition';
export * from './cache.plugin';
export * from './cache.plugin-kind';
export * from './cache.tokens';
