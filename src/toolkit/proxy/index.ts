export * from './resolver-endpoints';
export * from './forwarded-metadata';
export * from './backend-pool';
export * from './proxy-controller.factory';
export * from './proxy-sockets';
export * from './socket-authorizer';
export type { EventFrame } from './event-socket';
export * from './proxy.module';
