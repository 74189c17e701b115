export * from './pgsql.config';
export * from './pgsql.data-source';
export * from './pgsql.module';
export * from './pgsql.options';
export * from './pgsql.plugin';
export * from './pgsql.plugin-kind';
export * from './pgsql.tokens';
