import { ConfigValues, defineConfig } from '../config';

/**
 * `<ENV_PREFIX>_AUTH_*`: how bearer tokens are verified. Exactly one key source must be
 * set (secret, public key, or key set); the accepted algorithms are pinned from it. Every token
 * must carry `exp`, `sub` and `jti` (a token without `jti` could never be revoked), and is
 * checked against the revocation deny-list in the service's redis plugin `cache`.
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
  JWT_ISSUER: {
    type: 'string',
    description:
      'Required iss claim: set, a token without this exact iss is refused; unset, not checked',
  },
  JWT_AUDIENCE: {
    type: 'list',
    default: [],
    description:
      'Required aud: set, a token must name one of these audiences; unset, aud is not checked',
  },
  JWT_MAX_LIFETIME: {
    type: 'duration',
    description:
      'Longest a token is accepted after its iat (tokens then need iat, not in the future); unset: exp alone bounds it',
  },
  SOCKET_RECHECK_INTERVAL: {
    type: 'duration',
    default: '5s',
    description:
      'How often an open WebSocket re-reads the deny-list (revoked: close 1008); sockets also close at token expiry',
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
