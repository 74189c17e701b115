export * from './plugin.types';
export * from './plugin-status.registry';
export * from './shutdown-sequence';
