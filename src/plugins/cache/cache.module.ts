import { DynamicModule, Module } from '@nestjs/common';
import { envName } from '../../toolkit/config';
import { PluginContext } from '../../toolkit/plugins';
import { assertEmbeddedAllowed } from '../../toolkit/runtime/deployment-mode';
import { cacheConfigSection } from './cache.config';
import { CacheConfigurableModule } from './cache.module-definition';

/**
 * One redis instance: `CacheModule.forRoot({ serviceName, config, logger, prefix })` exports the
 * {@link CachePlugin} under `getCacheToken(prefix)` (and as the toolkit's `KeyValueStore` under
 * `getKeyValueStoreToken(prefix)`), with a readiness PING. An ioredis client for HOST, or with no
 * HOST an embedded in-process store (ioredis-mock: same commands, TTLs included).
 *
 * The app starts even when Redis is down (the cache is optional by nature): the readiness probe
 * reports it, calls fail fast, and the client reconnects in the background.
 * @publicApi
 */
@Module({})
export class CacheModule extends CacheConfigurableModule {
  /** Builds the instance from `<ENV_PREFIX>_<PREFIX>_*` (the toolkit's plugin-kind entry point). */
  static forPlugin(context: PluginContext): DynamicModule {
    const config = context.config.load(cacheConfigSection(context.prefix, context.serviceName));
    if (!config.HOST) {
      const hostVariable = envName(context.envPrefix, context.prefix.toUpperCase(), 'HOST');
      assertEmbeddedAllowed(context, 'cache (in-process store)', hostVariable);
    }
    return CacheModule.forRoot({
      serviceName: context.serviceName,
      config,
      logger: context.logger.forContext(`${context.serviceName}:${context.prefix}`),
      prefix: context.prefix,
      isGlobal: true,
    });
  }
}
