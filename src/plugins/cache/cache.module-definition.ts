import {
  ConfigurableModuleBuilder,
  ConfigurableModuleHost,
  DynamicModule,
  LoggerService,
  OnApplicationShutdown,
  Provider,
} from '@nestjs/common';
import Redis from 'ioredis';
import RedisMock from 'ioredis-mock';
import { DependencyFailures } from '../../toolkit/errors';
import { PluginStatusRegistry } from '../../toolkit/plugins';
import { getKeyValueStoreToken } from '../../toolkit/ports';
import { withTimeout } from '../../toolkit/runtime/settle-within';
import type { ToolkitMetrics } from '../../toolkit/runtime/toolkit-metrics';
import { TOOLKIT_METRICS } from '../../toolkit/runtime/tokens';
import {
  isRedisUnavailable,
  logConnectionState,
  redisClientOptions,
  waitUntilReady,
} from './cache.client';
import { CacheConfig } from './cache.config';
import { CacheMetrics } from './cache.metrics';
import { CachePlugin, RedisCachePlugin } from './cache.plugin';
import { DEFAULT_CACHE_PREFIX, getCacheToken } from './cache.tokens';

/** What `CacheModule.forRoot` takes besides the extras: the parsed `<ENV_PREFIX>_<PREFIX>_*`. @publicApi */
export interface CacheModuleOptions {
  serviceName: string;
  config: CacheConfig;
  /** The app's logger (`PluginContext.logger`), with the instance as its context. */
  logger: LoggerService;
}

/** Extras of `forRoot`: the instance prefix keys every exported token. */
interface CacheModuleExtras {
  prefix: string;
  isGlobal: boolean;
}

export const {
  ConfigurableModuleClass: CacheConfigurableModule,
  MODULE_OPTIONS_TOKEN: CACHE_MODULE_OPTIONS,
}: ConfigurableModuleHost<CacheModuleOptions, 'forRoot', 'create', CacheModuleExtras> =
  new ConfigurableModuleBuilder<CacheModuleOptions>()
    .setClassMethodName('forRoot')
    .setExtras<CacheModuleExtras>(
      { prefix: DEFAULT_CACHE_PREFIX, isGlobal: true },
      (definition, extras): DynamicModule => {
        const token = getCacheToken(extras.prefix);
        return {
          ...definition,
          global: extras.isGlobal,
          providers: [
            ...(definition.providers ?? []),
            {
              provide: token,
              inject: [CACHE_MODULE_OPTIONS, { token: TOOLKIT_METRICS, optional: true }],
              useFactory: (options: CacheModuleOptions, metrics: ToolkitMetrics | undefined) =>
                connectCache(
                  extras.prefix,
                  options,
                  metrics && new CacheMetrics(metrics.registry, extras.prefix),
                ),
            },
            // The instance is also the toolkit's key-value store of its prefix (deny-list, rate limits).
            { provide: getKeyValueStoreToken(extras.prefix), useExisting: token },
            {
              provide: `${token}:closer`,
              inject: [token],
              useFactory: (plugin: CachePlugin) => new CacheClientCloser(plugin),
            },
            statusProvider(extras.prefix),
          ],
          exports: [token, getKeyValueStoreToken(extras.prefix)],
        };
      },
    )
    .build();

/** Where the instance's keys live, as the start-up log and readiness name it. */
function describeBackend(config: CacheConfig): string {
  return config.HOST
    ? `redis ${config.HOST}:${config.PORT}/${config.DATABASE} keys ${config.KEY_PREFIX}*`
    : `embedded in-process cache, keys ${config.KEY_PREFIX}*`;
}

/**
 * An ioredis client for HOST, or with no HOST the embedded in-process store (ioredis-mock: same
 * commands, TTLs and scripts included). A Redis that is down at start does not fail the start:
 * calls fail fast until it answers, and the client reconnects in the background.
 */
async function connectCache(
  prefix: string,
  options: CacheModuleOptions,
  metrics: CacheMetrics | undefined,
): Promise<CachePlugin> {
  const { config } = options;
  if (!config.HOST) {
    return new RedisCachePlugin(new RedisMock({ keyPrefix: config.KEY_PREFIX }), metrics);
  }
  const backend = describeBackend(config);
  const { logger } = options;
  const client = new Redis(redisClientOptions(config));
  logConnectionState(client, logger, backend);
  if (!(await waitUntilReady(client, config.CONNECT_TIMEOUT))) {
    logger.warn(`${backend} not ready at start; cache calls fail fast until it is`);
  }
  return new RedisCachePlugin(client, metrics);
}

/** Closes the instance's client with the app (after the calls drained). */
class CacheClientCloser implements OnApplicationShutdown {
  constructor(private readonly plugin: CachePlugin) {}

  async onApplicationShutdown(): Promise<void> {
    // quit() lets the replies in flight arrive; a client that never connected just disconnects.
    if (this.plugin.client.status === 'ready') await this.plugin.client.quit();
    else this.plugin.client.disconnect();
  }
}

function statusProvider(prefix: string): Provider {
  const token = getCacheToken(prefix);
  return {
    provide: `${token}:status`,
    inject: [
      CACHE_MODULE_OPTIONS,
      PluginStatusRegistry,
      token,
      { token: DependencyFailures, optional: true },
    ],
    useFactory: (
      options: CacheModuleOptions,
      registry: PluginStatusRegistry,
      plugin: CachePlugin,
      failures: DependencyFailures | undefined,
    ): true => {
      failures?.register({
        dependency: `Redis ${options.serviceName}/${prefix}`,
        matches: isRedisUnavailable,
      });
      registry.register({
        prefix,
        kind: 'redis',
        backend: describeBackend(options.config),
        embedded: !options.config.HOST,
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
