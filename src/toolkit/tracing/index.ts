export * from './start-tracing';
export * from './trace-carrier';
export * from './tracing-variables';
