import { ToolkitPluginKind } from '../../toolkit/plugins';
import { CacheModule } from './cache.module';

/** The `redis` plugin kind: Redis through ioredis, in-process store by default. @publicApi */
export const cachePluginKind: ToolkitPluginKind = {
  kind: 'redis',
  module: (context) => CacheModule.forPlugin(context),
};
