import { errors, jwtVerify, SignJWT } from 'jose';
import { CallerIdentity } from './caller-identity';
import { InvalidTokenError } from './invalid-token.error';

/** Lifetime of a caller token: long enough for one call's retries, too short to be worth stealing. */
const TOKEN_LIFETIME_SECONDS = 60;
/** A signed token is reused for this long, so a busy caller costs one HMAC per 30 s per backend. */
const REUSE_SECONDS = 30;
/** Clock skew allowed between gateway and backend. */
const CLOCK_TOLERANCE_SECONDS = 5;
/** Bound of the reuse cache; it is simply emptied when full (tokens are cheap to sign again). */
const MAX_CACHED = 10_000;
const ALGORITHM = 'HS256';

function cacheKey(identity: Pick<CallerIdentity, 'subject' | 'roles'>, audience: string): string {
  return `${audience}\n${identity.subject}\n${identity.roles.join(',')}`;
}

/**
 * Internal caller tokens: the credential with which a gateway tells a backend who the verified
 * caller of a call is. A token is an HS256 JWT with `sub` and `roles` of the caller, `iss` the
 * signing service, `aud` the backend service it is meant for, and `exp` at most 60 s after `iat`.
 * A backend trusts a caller identity only from a token it verifies with `aud` = its own name, so
 * a token captured for one backend is useless at another, and a caller that does not hold the
 * deployment secret cannot assert any identity. One instance per service app.
 * @publicApi
 */
export class CallerTokens {
  private readonly key: Uint8Array;
  private readonly cache = new Map<string, { token: string; renewAt: number }>();
  /**
   * Tokens this instance verified, until the second they would stop verifying: a gateway reuses
   * one token for 30 s, so a busy backend pays one HMAC per caller per 30 s instead of per call.
   * Emptied when full, as the signing cache.
   */
  private readonly verified = new Map<string, { identity: CallerIdentity; validUntil: number }>();

  /**
   * @param secret the deployment's `<PREFIX>_INTERNAL_AUTH_SECRET`.
   * @param serviceName this service as others address it: the `iss` of tokens it signs, the
   *   `aud` it accepts.
   */
  constructor(
    secret: string,
    readonly serviceName: string,
  ) {
    this.key = new TextEncoder().encode(secret);
  }

  /** A token asserting `identity` to the backend `audience` (reused while fresh). */
  async sign(
    identity: Pick<CallerIdentity, 'subject' | 'roles'>,
    audience: string,
  ): Promise<string> {
    const reusable = this.reusable(identity, audience);
    if (reusable !== undefined) return reusable;
    const now = Math.floor(Date.now() / 1000);
    const token = await new SignJWT({ roles: [...identity.roles] })
      .setProtectedHeader({ alg: ALGORITHM, typ: 'JWT' })
      .setSubject(identity.subject)
      .setIssuer(this.serviceName)
      .setAudience(audience)
      .setIssuedAt(now)
      .setExpirationTime(now + TOKEN_LIFETIME_SECONDS)
      .sign(this.key);
    if (this.cache.size >= MAX_CACHED) this.cache.clear();
    this.cache.set(cacheKey(identity, audience), { token, renewAt: now + REUSE_SECONDS });
    return token;
  }

  /**
   * The token `sign` would answer without signing (one signed for the same caller and audience
   * less than 30 s ago), else undefined: a proxy then adds it to the call without waiting a turn.
   */
  reusable(
    identity: Pick<CallerIdentity, 'subject' | 'roles'>,
    audience: string,
  ): string | undefined {
    const cached = this.cache.get(cacheKey(identity, audience));
    return cached !== undefined && cached.renewAt > Math.floor(Date.now() / 1000)
      ? cached.token
      : undefined;
  }

  /**
   * The caller a token addressed to this service asserts.
   * @throws InvalidTokenError when the signature, audience, lifetime or claims are wrong.
   */
  async verify(token: string): Promise<CallerIdentity> {
    return this.verifiedBefore(token) ?? this.verifyAndRemember(token);
  }

  /** The identity of a token this instance already verified and that is still valid, else undefined. */
  verifiedBefore(token: string): CallerIdentity | undefined {
    const entry = this.verified.get(token);
    if (entry === undefined) return undefined;
    if (Math.floor(Date.now() / 1000) < entry.validUntil) return entry.identity;
    this.verified.delete(token);
    return undefined;
  }

  private async verifyAndRemember(token: string): Promise<CallerIdentity> {
    const { identity, validUntil } = await this.verifyToken(token);
    if (this.verified.size >= MAX_CACHED) this.verified.clear();
    this.verified.set(token, { identity, validUntil });
    return identity;
  }

  private async verifyToken(
    token: string,
  ): Promise<{ identity: CallerIdentity; validUntil: number }> {
    try {
      const { payload } = await jwtVerify(token, this.key, {
        algorithms: [ALGORITHM],
        audience: this.serviceName,
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
        // A token signed with a longer life (or none) is refused, whatever its exp says.
        maxTokenAge: TOKEN_LIFETIME_SECONDS + CLOCK_TOLERANCE_SECONDS,
        requiredClaims: ['sub', 'exp', 'iat'],
      });
      // maxTokenAge bounds iat's age; this bounds the lifetime the signer chose.
      if ((payload.exp ?? 0) - (payload.iat ?? 0) > TOKEN_LIFETIME_SECONDS) {
        throw new InvalidTokenError('caller token lifetime too long');
      }
      const roles: unknown = payload.roles ?? [];
      if (
        typeof payload.sub !== 'string' ||
        payload.sub === '' ||
        !Array.isArray(roles) ||
        !roles.every((role) => typeof role === 'string')
      ) {
        throw new InvalidTokenError('caller token claims are malformed');
      }
      const identity: CallerIdentity = { subject: payload.sub, roles, expiresAt: payload.exp };
      // The first second in which jwtVerify would refuse it: exp passed, or iat too old.
      const validUntil = Math.min(
        payload.exp! + CLOCK_TOLERANCE_SECONDS,
        payload.iat! + TOKEN_LIFETIME_SECONDS + 2 * CLOCK_TOLERANCE_SECONDS + 1,
      );
      return { identity, validUntil };
    } catch (error) {
      if (error instanceof InvalidTokenError) throw error;
      throw new InvalidTokenError(
        error instanceof errors.JWTExpired
          ? 'caller token expired'
          : error instanceof errors.JWTClaimValidationFailed
            ? `caller token ${error.claim} claim not accepted`
            : 'caller token invalid',
      );
    }
  }
}
