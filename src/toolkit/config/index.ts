export * from './env-spec';
export * from './config-loader';
export { parseDuration } from './parse-value';
