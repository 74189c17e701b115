export * from './cache.config';
export * from './cache.module';
export * from './cache.plugin';
export * from './cache.plugin-kind';
export * from './cache.tokens';
