export * from './with-timeout';
export * from './embedded-guard';
