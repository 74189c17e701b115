import { ConfigValues, defineConfig } from '../config';

/**
 * `<ENV_PREFIX>_RATE_LIMIT_*`: the budget of each caller (token subject, else client IP), shared
 * by every replica through the service's redis plugin.
 * @publicApi
 */
export const rateLimitConfig = defineConfig('rate_limit', {
  ENABLED: {
    type: 'bool',
    default: true,
    description: 'Turns the rate_limit middleware on or off',
  },
  REQUESTS: {
    type: 'int',
    default: 100,
    min: 1,
    description: 'Requests each caller may make per window',
  },
  WINDOW: { type: 'duration', default: '1m', description: 'Length of the fixed counting window' },
});

/** Parsed `<ENV_PREFIX>_RATE_LIMIT_*` values. @publicApi */
export type RateLimitConfig = ConfigValues<typeof rateLimitConfig.fields>;
