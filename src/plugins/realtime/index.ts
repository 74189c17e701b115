export * from './realtime.types';
export * from './realtime.errors';
export * from './realtime.tokens';
export * from './realtime.config';
export { RealtimeModule } from './realtime.module';
export { realtimePluginKind } from './realtime.plugin-kind';
export type { RealtimeModuleOptions } from './realtime.module-definition';
