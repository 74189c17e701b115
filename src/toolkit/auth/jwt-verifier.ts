import { errors, jwtVerify, JWTPayload } from 'jose';
import { CallerIdentity } from './caller-identity';
import { InvalidTokenError } from './invalid-token.error';
import { JwtVerifierOptions } from './jwt-key-source';

/** Bound of the remembered tokens. */
const MAX_REMEMBERED = 10_000;

/**
 * Verifies compact JWS bearer tokens with jose: signature with the configured key, algorithm
 * pinned, `exp`, `sub` and `jti` required (a token without `jti` could never be revoked), `exp`,
 * `nbf`, issuer and audience checked with clock tolerance, and with a maximum lifetime `iat`
 * required and the token's age bounded.
 * @publicApi
 */
export class JwtVerifier {
  /**
   * Tokens verified with a fixed key, until the second jwtVerify would refuse them: a client
   * sends the same bearer token on every request, and its signature check is the costly part.
   * Emptied when full; revocation is checked per call elsewhere, after this.
   */
  private readonly verified = new Map<string, { identity: CallerIdentity; validUntil: number }>();

  constructor(private readonly options: JwtVerifierOptions) {}

  /** The caller the token proves; throws `InvalidTokenError` with a client-safe reason otherwise. */
  async verify(token: string): Promise<CallerIdentity> {
    if (!this.options.keyIsFixed) return (await this.verifyToken(token)).identity;
    const known = this.remembered(token);
    if (known !== undefined) return known;
    const fresh = await this.verifyToken(token);
    if (this.verified.size >= MAX_REMEMBERED) this.verified.clear();
    this.verified.set(token, fresh);
    return fresh.identity;
  }

  /**
   * The caller of a token this verifier already verified with a fixed key and that jose would
   * still accept, else undefined (then `verify` decides). Lets a caller skip a promise when the
   * answer is already known: the same bearer token comes with every request of a client.
   */
  remembered(token: string): CallerIdentity | undefined {
    const known = this.verified.get(token);
    if (known === undefined) return undefined;
    if (Math.floor(Date.now() / 1000) < known.validUntil) return known.identity;
    this.verified.delete(token);
    return undefined;
  }

  private async verifyToken(
    token: string,
  ): Promise<{ identity: CallerIdentity; validUntil: number }> {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.options.key, {
        algorithms: [...this.options.algorithms],
        issuer: this.options.issuer,
        audience: this.options.audience === undefined ? undefined : [...this.options.audience],
        clockTolerance: this.options.clockToleranceSeconds,
        maxTokenAge: this.options.maxLifetimeSeconds,
        requiredClaims:
          this.options.maxLifetimeSeconds === undefined
            ? ['exp', 'sub', 'jti']
            : ['exp', 'sub', 'jti', 'iat'],
      }));
    } catch (error) {
      throw new InvalidTokenError(rejectionReason(error));
    }
    return { identity: this.identityOf(payload), validUntil: this.validUntil(payload) };
  }

  /** The first second (epoch) in which jose would refuse `payload`: exp passed or iat too old. */
  private validUntil(payload: JWTPayload): number {
    const { clockToleranceSeconds: tolerance, maxLifetimeSeconds } = this.options;
    const expired = payload.exp! + tolerance;
    return maxLifetimeSeconds === undefined || payload.iat === undefined
      ? expired
      : Math.min(expired, payload.iat + maxLifetimeSeconds + tolerance + 1);
  }

  private identityOf(payload: JWTPayload): CallerIdentity {
    if (typeof payload.sub !== 'string' || payload.sub.length === 0) {
      throw new InvalidTokenError('token subject is empty');
    }
    const roles: unknown = payload[this.options.rolesClaim] ?? [];
    if (!Array.isArray(roles) || !roles.every((role) => typeof role === 'string')) {
      throw new InvalidTokenError(
        `token claim ${this.options.rolesClaim} is not a list of strings`,
      );
    }
    if (typeof payload.jti !== 'string' || payload.jti.length === 0) {
      throw new InvalidTokenError('token jti claim not accepted');
    }
    const { maxLifetimeSeconds } = this.options;
    // The moment the token stops being accepted, whichever of exp and the lifetime comes first:
    // open sockets close then, and a revocation need not outlive it.
    const expiresAt =
      maxLifetimeSeconds === undefined || payload.iat === undefined
        ? payload.exp
        : Math.min(payload.exp ?? Infinity, payload.iat + maxLifetimeSeconds);
    return { subject: payload.sub, roles, tokenId: payload.jti, expiresAt };
  }
}

/** Maps jose's error codes to reasons a client may see; anything else is a generic rejection. */
function rejectionReason(error: unknown): string {
  if (error instanceof errors.JWTExpired) return 'token expired';
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === 'nbf') return 'token not yet valid';
    if (error.reason === 'missing') return `token has no ${error.claim} claim`;
    return `token ${error.claim} claim not accepted`;
  }
  if (error instanceof errors.JOSEAlgNotAllowed || error instanceof errors.JOSENotSupported) {
    return 'token algorithm not allowed';
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'token signature invalid';
  if (
    error instanceof errors.JWKSNoMatchingKey ||
    error instanceof errors.JWKSMultipleMatchingKeys
  ) {
    return 'token signing key unknown';
  }
  if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid) {
    return 'malformed token';
  }
  return 'token rejected';
}
