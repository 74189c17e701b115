export * from './realtime.types';
export * from './realtime.errors';
export * from './realtime.tokens';
export * from './realtime.config';
export { RealtimeModule, realtimePluginKind } from './realtime.module';
export type { RealtimeModuleOptions } from './realtime.module-definition';
