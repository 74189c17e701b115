import { ConfigValues, defineConfig } from '../config';

/**
 * `<ENV_PREFIX>_AUTH_*`: how bearer tokens are verified. Exactly one key source must be
 * set (secret, public key, or key set); the accepted algorithms are pinned from it.
 * @publicApi
 */
export const authConfig = defineConfig('auth', {
  JWT_SECRET: {
    type: 'string',
    secret: true,
    description: 'HMAC secret (HS256), at least 32 bytes; set this, JWT_PUBLIC_KEY or JWKS_FILE',
  },
  JWT_PUBLIC_KEY: {
    type: 'string',
    description: 'RS256 public key: PEM text (SPKI or certificate) or the path of a PEM file',
  },
  JWKS_FILE: {
    type: 'string',
    description: 'Path of a JSON Web Key Set file; the token header kid selects the key',
  },
  JWT_ALGORITHMS: {
    type: 'list',
    default: [],
    description:
      'Accepted algorithms; default HS256 with a secret, RS256 with a public key or key set',
  },
  JWT_ISSUER: { type: 'string', description: 'Required iss claim; not checked when unset' },
  JWT_AUDIENCE: {
    type: 'list',
    default: [],
    description: 'Accepted aud values (any one must match); not checked when unset',
  },
  JWT_CLOCK_TOLERANCE: {
    type: 'duration',
    default: '30s',
    description: 'Clock skew allowed when checking exp and nbf',
  },
  JWT_ROLES_CLAIM: {
    type: 'string',
    default: 'roles',
    description: 'Claim holding the caller roles (array of strings)',
  },
});

/** Parsed `<ENV_PREFIX>_AUTH_*` values. @publicApi */
export type AuthConfig = ConfigValues<typeof authConfig.fields>;
