export * from './registered-metrics';
export * from './websocket-metrics';
export * from './backend-call-metrics';
export * from './default-metrics';
