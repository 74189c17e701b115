export * from './route-metadata';
export * from './path-template';
export * from './http-router';
export * from './http-routing';
export * from './transcode';
export * from './request-message.decorator';
export * from './toolkit-rpc.decorator';
export * from './websocket-upgrade';
