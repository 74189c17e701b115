export * from './http-server-stream';
export * from './websocket-stream';
