export * from './http-server-stream';
export * from './websocket-stream';
export * from './stream-observation';
