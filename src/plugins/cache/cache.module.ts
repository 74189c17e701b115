import { DynamicModule, Logger, Module, OnApplicationShutdown, Provider } from '@nestjs/common';
import { RedisModule, RedisService } from '@liaoliaots/nestjs-redis';
import type { Redis } from 'ioredis';
import RedisMock from 'ioredis-mock';
import { envName } from '../../toolkit/config';
import { DependencyFailures } from '../../toolkit/errors';
import { PluginContext, PluginStatusRegistry } from '../../toolkit/plugins';
import type { ToolkitMetrics } from '../../toolkit/runtime/toolkit-metrics';
import { TOOLKIT_METRICS } from '../../toolkit/runtime/tokens';
import { assertEmbeddedAllowed, withTimeout } from '../shared';
import {
  isRedisUnavailable,
  logConnectionState,
  redisClientOptions,
  waitUntilReady,
} from './cache.client';
import { CacheConfig, cacheConfigSection } from './cache.config';
import { CacheMetrics } from './cache.metrics';
import { CachePlugin, RedisCachePlugin } from './cache.plugin';
import { getCacheToken } from './cache.tokens';

/** Everything {@link CacheModule.register} needs for one instance. @publicApi */
export interface CacheModuleOptions {
  /** Proto prefix, e.g. `cache`; also the @liaoliaots/nestjs-redis namespace. */
  prefix: string;
  serviceName: string;
  config: CacheConfig;
}

/**
 * One redis instance: an ioredis client from @liaoliaots/nestjs-redis (namespace = prefix), or,
 * with no HOST, an embedded in-process store (ioredis-mock: same commands, TTLs included), exposed
 * as {@link CachePlugin} under `getCacheToken(prefix)` with a readiness PING.
 *
 * The app starts even when Redis is down (the cache is optional by nature): the readiness probe
 * reports it, calls fail fast, and the client reconnects in the background.
 * @publicApi
 */
@Module({})
export class CacheModule {
  /** Builds the instance from `<ENV_PREFIX>_<PREFIX>_*` (the toolkit's plugin-kind entry point). */
  static forPlugin(context: PluginContext): DynamicModule {
    const config = context.config.load(cacheConfigSection(context.prefix, context.serviceName));
    if (!config.HOST) {
      const hostVariable = envName(context.envPrefix, context.prefix.toUpperCase(), 'HOST');
      assertEmbeddedAllowed(context, 'cache (in-process store)', hostVariable);
    }
    return CacheModule.register({
      prefix: context.prefix,
      serviceName: context.serviceName,
      config,
    });
  }

  /** Builds the instance from already-parsed options (tests, custom wiring). */
  static register(options: CacheModuleOptions): DynamicModule {
    return options.config.HOST ? registerRedis(options) : registerEmbedded(options);
  }
}

function registerRedis(options: CacheModuleOptions): DynamicModule {
  const { prefix, config } = options;
  const token = getCacheToken(prefix);
  const backend = `redis ${config.HOST}:${config.PORT}/${config.DATABASE} keys ${config.KEY_PREFIX}*`;
  const logger = new Logger(`${options.serviceName}:${prefix}`);
  const pluginProvider: Provider = {
    provide: token,
    inject: [RedisService, { token: TOOLKIT_METRICS, optional: true }],
    useFactory: async (
      redis: RedisService,
      metrics: ToolkitMetrics | undefined,
    ): Promise<CachePlugin> => {
      const client = redis.getOrThrow(prefix);
      if (!(await waitUntilReady(client, config.CONNECT_TIMEOUT))) {
        logger.warn(`${backend} not ready at start; cache calls fail fast until it is`);
      }
      return new RedisCachePlugin(client, cacheMetrics(metrics, prefix));
    },
  };
  return {
    module: CacheModule,
    global: true,
    imports: [
      // Not global and keyed by its options: each prefix gets its own RedisModule and client.
      RedisModule.forRoot(
        {
          closeClient: true,
          readyLog: false,
          errorLog: false,
          config: {
            ...redisClientOptions(config),
            namespace: prefix,
            onClientCreated: (client) => logConnectionState(client, logger, backend),
          },
        },
        false,
      ),
    ],
    providers: [pluginProvider, statusProvider(options, backend, false)],
    exports: [token],
  };
}

/** Closes the embedded store's client with the app. */
class EmbeddedCacheCloser implements OnApplicationShutdown {
  constructor(private readonly plugin: CachePlugin) {}

  onApplicationShutdown(): void {
    this.plugin.client.disconnect();
  }
}

function registerEmbedded(options: CacheModuleOptions): DynamicModule {
  const token = getCacheToken(options.prefix);
  const backend = `embedded in-process cache, keys ${options.config.KEY_PREFIX}*`;
  const pluginProvider: Provider = {
    provide: token,
    inject: [{ token: TOOLKIT_METRICS, optional: true }],
    useFactory: (metrics: ToolkitMetrics | undefined): CachePlugin => {
      const client: Redis = new RedisMock({ keyPrefix: options.config.KEY_PREFIX });
      return new RedisCachePlugin(client, cacheMetrics(metrics, options.prefix));
    },
  };
  const closer: Provider = {
    provide: `${token}:closer`,
    inject: [token],
    useFactory: (plugin: CachePlugin) => new EmbeddedCacheCloser(plugin),
  };
  return {
    module: CacheModule,
    global: true,
    providers: [pluginProvider, closer, statusProvider(options, backend, true)],
    exports: [token],
  };
}

function cacheMetrics(
  metrics: ToolkitMetrics | undefined,
  prefix: string,
): CacheMetrics | undefined {
  return metrics && new CacheMetrics(metrics.registry, prefix);
}

function statusProvider(options: CacheModuleOptions, backend: string, embedded: boolean): Provider {
  const token = getCacheToken(options.prefix);
  return {
    provide: `${token}:status`,
    inject: [PluginStatusRegistry, token, { token: DependencyFailures, optional: true }],
    useFactory: (
      registry: PluginStatusRegistry,
      plugin: CachePlugin,
      failures: DependencyFailures | undefined,
    ): true => {
      failures?.register({
        dependency: `Redis ${options.serviceName}/${options.prefix}`,
        matches: isRedisUnavailable,
      });
      registry.register({
        prefix: options.prefix,
        kind: 'redis',
        backend,
        embedded,
        // A cache is optional by nature: while Redis is down the service answers from its
        // database, so readiness says `degraded` instead of taking every replica out.
        required: false,
        check: async () => {
          const answer = await withTimeout(
            plugin.client.ping(),
            options.config.CONNECT_TIMEOUT,
            `no answer to PING within ${options.config.CONNECT_TIMEOUT}ms`,
          );
          if (answer !== 'PONG') throw new Error(`unexpected PING answer ${answer}`);
        },
      });
      return true;
    },
  };
}
