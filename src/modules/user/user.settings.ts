import { ConfigValues, defineConfig } from '../../toolkit/config';

/**
 * user-service's own variables (`USER_SERVICE_<NAME>`). APP_NAME, ENVIRONMENT,
 * LOG_LEVEL, REQUEST_TIMEOUT and ENABLE_METRICS are the runtime's (every service has them), so
 * they are declared there, once.
 */
export const userSettingsSection = defineConfig('', {
  CACHE_TIMEOUT: {
    type: 'duration',
    default: '1h',
    description: 'How long a user stays in the cache',
  },
  ENABLE_USER_CACHE: {
    type: 'bool',
    default: true,
    description: 'Cache users in Redis (cache-aside `user:<id>`)',
  },
});

/** Parsed user-service settings (inject with `@InjectServiceSettings()`). */
export type UserSettings = ConfigValues<(typeof userSettingsSection)['fields']>;
