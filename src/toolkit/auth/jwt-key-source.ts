import { createPublicKey, KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createLocalJWKSet, JSONWebKeySet, JWTVerifyGetKey } from 'jose';
import { envName } from '../config';
import { AuthConfig } from './auth.config';

const HMAC_ALGORITHMS: ReadonlySet<string> = new Set(['HS256', 'HS384', 'HS512']);
const ASYMMETRIC_ALGORITHMS: ReadonlySet<string> = new Set([
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
]);
/** RFC 7518 §3.2: an HMAC key must be at least as long as the hash output. */
const MIN_SECRET_BYTES = 32;

/** Everything `JwtVerifier` needs, resolved once at start-up. @publicApi */
export interface JwtVerifierOptions {
  /** Resolves the verification key from the token's protected header (fixed key or key set). */
  key: JWTVerifyGetKey;
  /** Pinned: a token signed with any other algorithm (or `none`) is rejected before its signature is checked. */
  algorithms: readonly string[];
  issuer?: string;
  audience?: readonly string[];
  clockToleranceSeconds: number;
  rolesClaim: string;
  /** Longest a token is accepted after its `iat`; undefined: only `exp` bounds it. */
  maxLifetimeSeconds?: number;
  /**
   * Set when `key` never changes after start-up (a secret, a PEM key, a key-set file): a token's
   * verdict then depends on the clock only, so a verified token is remembered until it expires.
   */
  keyIsFixed?: boolean;
}

/**
 * Builds verifier options from `<ENV_PREFIX>_AUTH_*`: reads the PEM or key-set file, checks that
 * exactly one key source is set and that the pinned algorithms fit it (an HMAC algorithm with a
 * public key, or the reverse, is the classic algorithm-confusion hole).
 * Throws an Error naming the variables to fix.
 * @publicApi
 */
export function resolveJwtVerifierOptions(
  config: AuthConfig,
  envPrefix: string,
): JwtVerifierOptions {
  const name = (field: string) => envName(envPrefix, 'AUTH', field);
  const sources = [config.JWT_SECRET, config.JWT_PUBLIC_KEY, config.JWKS_FILE].filter(
    (value) => value !== undefined && value.trim().length > 0,
  );
  if (sources.length !== 1) {
    throw new Error(
      `auth needs exactly one of ${name('JWT_SECRET')}, ${name('JWT_PUBLIC_KEY')}, ${name('JWKS_FILE')} (${sources.length} set)`,
    );
  }
  const symmetric = config.JWT_SECRET !== undefined && config.JWT_SECRET.trim().length > 0;
  const algorithms =
    config.JWT_ALGORITHMS.length > 0 ? config.JWT_ALGORITHMS : [symmetric ? 'HS256' : 'RS256'];
  const allowed = symmetric ? HMAC_ALGORITHMS : ASYMMETRIC_ALGORITHMS;
  const misfit = algorithms.filter((algorithm) => !allowed.has(algorithm));
  if (misfit.length > 0) {
    throw new Error(
      `${name('JWT_ALGORITHMS')}: ${misfit.join(', ')} cannot be used with ${symmetric ? 'a shared secret' : 'a public key'}; allowed: ${[...allowed].join(', ')}`,
    );
  }
  return {
    key: symmetric
      ? fixedKey(secretKey(config.JWT_SECRET ?? '', name('JWT_SECRET')))
      : config.JWKS_FILE !== undefined && config.JWKS_FILE.trim().length > 0
        ? keySetFromFile(config.JWKS_FILE.trim(), name('JWKS_FILE'))
        : fixedKey(publicKey(config.JWT_PUBLIC_KEY ?? '', name('JWT_PUBLIC_KEY'))),
    algorithms,
    issuer: config.JWT_ISSUER,
    audience: config.JWT_AUDIENCE.length > 0 ? config.JWT_AUDIENCE : undefined,
    clockToleranceSeconds: Math.floor(config.JWT_CLOCK_TOLERANCE / 1000),
    rolesClaim: config.JWT_ROLES_CLAIM,
    maxLifetimeSeconds: maxLifetime(config.JWT_MAX_LIFETIME, name('JWT_MAX_LIFETIME')),
    // Every source above is read once, here.
    keyIsFixed: true,
  };
}

function maxLifetime(ms: number | undefined, variable: string): number | undefined {
  if (ms === undefined) return undefined;
  if (ms < 1000) throw new Error(`${variable} must be at least 1s`);
  return Math.floor(ms / 1000);
}

function fixedKey(key: KeyObject | Uint8Array): JWTVerifyGetKey {
  return () => key;
}

function secretKey(secret: string, variable: string): Uint8Array {
  const bytes = new TextEncoder().encode(secret);
  if (bytes.length < MIN_SECRET_BYTES) {
    throw new Error(`${variable} must be at least ${MIN_SECRET_BYTES} bytes long`);
  }
  return bytes;
}

function publicKey(value: string, variable: string): KeyObject {
  const pem = value.trim().startsWith('-----BEGIN') ? value : readText(value.trim(), variable);
  try {
    return createPublicKey(pem);
  } catch (error) {
    throw new Error(`${variable}: not a PEM public key or certificate (${describe(error)})`);
  }
}

function keySetFromFile(path: string, variable: string): JWTVerifyGetKey {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readText(path, variable));
  } catch (error) {
    throw new Error(`${variable}: ${path} is not JSON (${describe(error)})`);
  }
  if (!isKeySet(parsed)) throw new Error(`${variable}: ${path} is not a JWKS ({"keys": [...]})`);
  return createLocalJWKSet(parsed);
}

function isKeySet(value: unknown): value is JSONWebKeySet {
  return (
    typeof value === 'object' &&
    value !== null &&
    'keys' in value &&
    Array.isArray(value.keys) &&
    value.keys.every((key: unknown) => typeof key === 'object' && key !== null)
  );
}

function readText(path: string, variable: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new Error(`${variable}: cannot read ${path} (${describe(error)})`);
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
