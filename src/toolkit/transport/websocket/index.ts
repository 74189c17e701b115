export * from './websocket.types';
export * from './upgrade-host';
export * from './upgrade-route';
export * from './upgrade-dispatcher';
export * from './upgrade-response';
export * from './frames';
