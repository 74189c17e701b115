import { ConfigValues, defineConfig } from '../config';

/**
 * The embedded development key of internal caller tokens: every service of a development setup
 * shares it, so `npm start` works without configuration. Production refuses to start with it.
 * @publicApi
 */
export const DEVELOPMENT_INTERNAL_AUTH_SECRET =
  'development-internal-auth-secret-not-for-production';

/**
 * `<ENV_PREFIX>_INTERNAL_AUTH_*`: the key of the internal caller tokens a gateway signs for each
 * backend call and a backend verifies before it trusts the caller identity. Every service of one
 * deployment must have the same secret.
 * @publicApi
 */
export const internalAuthConfig = defineConfig('internal_auth', {
  SECRET: {
    type: 'string',
    secret: true,
    default: DEVELOPMENT_INTERNAL_AUTH_SECRET,
    description:
      'Caller-token key (HS256, 32+ bytes), same in every service; default refused in production',
  },
  AUDIENCE: {
    type: 'string',
    description:
      'aud its caller tokens must carry (how gateways name it); default the service name',
  },
});

/** Parsed `<ENV_PREFIX>_INTERNAL_AUTH_*` values. @publicApi */
export type InternalAuthConfig = ConfigValues<typeof internalAuthConfig.fields>;

/** Why `config` cannot be used, or undefined when it can. @internal */
export function internalAuthProblem(
  envPrefix: string,
  config: InternalAuthConfig,
  production: boolean,
): string | undefined {
  const name = `${envPrefix}_INTERNAL_AUTH_SECRET`;
  if (Buffer.byteLength(config.SECRET, 'utf8') < 32) return `${name} must be at least 32 bytes`;
  if (production && config.SECRET === DEVELOPMENT_INTERNAL_AUTH_SECRET) {
    return `${name} is the embedded development key; set a deployment secret (NODE_ENV=production)`;
  }
  return undefined;
}
