import { ConfigValues, defineConfig } from '../config';

/** `<ENV_PREFIX>_CORS_*`: which browser origins may call the service, and how. @publicApi */
export const corsConfig = defineConfig('cors', {
  ALLOWED_ORIGINS: {
    type: 'list',
    default: [],
    description:
      'Origins allowed from browsers, exactly (https://app.example.com); * allows any; empty allows none',
  },
  ALLOWED_METHODS: {
    type: 'list',
    default: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
    description: 'Methods a preflight may ask for',
  },
  ALLOWED_HEADERS: {
    type: 'list',
    default: ['Authorization', 'Content-Type', 'X-Request-Id', 'Grpc-Timeout'],
    description: 'Request headers a preflight may ask for',
  },
  EXPOSED_HEADERS: {
    type: 'list',
    default: [
      'X-Request-Id',
      'RateLimit-Limit',
      'RateLimit-Remaining',
      'RateLimit-Reset',
      'Retry-After',
      'WWW-Authenticate',
    ],
    description: 'Response headers browser scripts may read',
  },
  MAX_AGE: {
    type: 'duration',
    default: '10m',
    description: 'How long browsers may cache a preflight answer',
  },
  ALLOW_CREDENTIALS: {
    type: 'bool',
    default: false,
    description: 'Allow cookies and HTTP auth on cross-origin calls (not with *)',
  },
});

/** Parsed `<ENV_PREFIX>_CORS_*` values. @publicApi */
export type CorsConfig = ConfigValues<typeof corsConfig.fields>;
