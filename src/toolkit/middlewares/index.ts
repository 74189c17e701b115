export * from './middleware.types';
export * from './middleware.registry';
export * from './toolkit-middleware.decorator';
export * from './builtin.middlewares';
export * from './route-middlewares.guard';
export * from './run-http-guards';
