import { ConfigValues, defineConfig } from '../../toolkit/config';

/**
 * The variables of one cache instance: `<ENV_PREFIX>_<PREFIX>_*`, e.g. `USER_SERVICE_CACHE_HOST`.
 * HOST unset → embedded in-process store.
 * @publicApi
 */
export function cacheConfigSection(prefix: string, serviceName: string) {
  return defineConfig(prefix, {
    HOST: {
      type: 'string',
      description: 'Redis host; unset → an embedded in-process store with TTLs',
    },
    PORT: { type: 'port', default: 6379, description: 'Redis port' },
    PASSWORD: { type: 'string', secret: true, description: 'Redis password (AUTH)' },
    DATABASE: { type: 'int', default: 0, min: 0, max: 255, description: 'Redis logical database' },
    KEY_PREFIX: {
      type: 'string',
      default: `${serviceName}:${prefix}:`,
      description: 'Prepended to every key, so services sharing a Redis never share keys',
    },
    CONNECT_TIMEOUT: {
      type: 'duration',
      default: '2s',
      description: 'Time allowed to connect (also bounds the readiness PING)',
    },
    COMMAND_TIMEOUT: {
      type: 'duration',
      default: '1s',
      description: 'A command without an answer by then fails instead of waiting',
    },
  });
}

/** Parsed values of {@link cacheConfigSection}. @publicApi */
export type CacheConfig = ConfigValues<ReturnType<typeof cacheConfigSection>['fields']>;
