export * from './env-spec';
export * from './config-loader';
export * from './startup-error';
export { parseDuration } from './parse-value';
export * from './repository-secrets';
