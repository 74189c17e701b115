export * from './descriptor';
export * from './config';
export * from './plugins';
export * from './errors';
export * from './middlewares';
export * from './transport';
export * from './runtime';
export * from './grpc';
