export * from './route-metadata';
export * from './route-path';
export * from './transcode';
export * from './request-validation.guard';
export * from './request-message.decorator';
export * from './toolkit-rpc.decorator';
export * from './websocket-upgrade';
