export * from './grpc-status';
export * from './status-table';
export * from './toolkit-error';
export * from './status-details';
export * from './dependency-failures';
export * from './to-toolkit-error';
export * from './render-http-error';
export * from './toolkit-exception.filter';
