import { ToolkitError } from '../errors/toolkit-error';
import type { KeyValueStore } from '../ports';
import { CallerIdentity } from './caller-identity';

const REVOKED_KEY = 'auth:revoked:';

/**
 * The deny-list of revoked tokens, in the service's shared {@link KeyValueStore} (its redis
 * plugin) so that every replica sees a revocation at once. An entry lives exactly as long as the token could still be accepted
 * (its `exp` plus the clock tolerance), so the list never outgrows the live tokens.
 *
 * Redis unreachable → UNAVAILABLE (503), never "not revoked": a revoked token must not get through
 * because the deny-list could not be read (fail closed).
 * @publicApi
 */
export class TokenRevocationService {
  constructor(
    private readonly store: Pick<KeyValueStore, 'get' | 'set'>,
    /** Clock skew allowed on `exp`: a token stays acceptable, and its entry lives, that much longer. */
    readonly clockToleranceMs: number,
  ) {}

  /**
   * Revokes the token `identity` was proven by, until it expires. The token must carry `jti`
   * (FAILED_PRECONDITION otherwise); revoking an expired token is a no-op.
   */
  async revoke(identity: CallerIdentity, now: number = Date.now()): Promise<void> {
    if (identity.tokenId === undefined || identity.expiresAt === undefined) {
      throw ToolkitError.failedPrecondition('token has no jti claim; it cannot be revoked');
    }
    const ttlMs = identity.expiresAt * 1000 + this.clockToleranceMs - now;
    if (ttlMs <= 0) return;
    try {
      await this.store.set(REVOKED_KEY + identity.tokenId, '1', ttlMs);
    } catch (error) {
      throw ToolkitError.unavailable('token revocation list unavailable', { cause: error });
    }
  }

  /** Whether the token `identity` was proven by is revoked; UNAVAILABLE when Redis cannot say. */
  isRevoked(identity: CallerIdentity): Promise<boolean> {
    // Verified tokens always carry jti; an identity without one cannot be cleared.
    if (identity.tokenId === undefined) return Promise.resolve(true);
    let read: Promise<string | null>;
    try {
      read = this.store.get(REVOKED_KEY + identity.tokenId);
    } catch (error) {
      read = Promise.reject(error as Error);
    }
    // One reaction instead of an async function's await: this runs on every authenticated call.
    return read.then(
      (value) => value !== null,
      (error: unknown) => {
        throw ToolkitError.unavailable('token revocation list unavailable', { cause: error });
      },
    );
  }
}
