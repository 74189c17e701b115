import type { KeyValueStore } from '../ports';

const KEY_PREFIX = 'rate-limit:';

/** @publicApi */
export interface RateLimitOptions {
  enabled: boolean;
  /** Requests allowed per window. */
  limit: number;
  windowMs: number;
}

/** The outcome of one request against a caller's budget. @publicApi */
export interface RateLimitDecision {
  allowed: boolean;
  limit: number;
  /** Requests left in the current window (0 once exceeded). */
  remaining: number;
  /** Seconds until the window resets (at least 1). */
  resetSeconds: number;
}

/**
 * Counts requests per caller key in a fixed window of the service's {@link KeyValueStore}, so
 * that every replica using the same store (Redis and key prefix) draws from one budget.
 * @publicApi
 */
export class RateLimiter {
  constructor(
    private readonly store: Pick<KeyValueStore, 'hitWindow'>,
    readonly options: RateLimitOptions,
  ) {}

  /** Counts one request for `callerKey`; rejects when the store does not answer. */
  consume(callerKey: string): Promise<RateLimitDecision> {
    // Sent in the caller's turn (no await before it), so it can share a write with the other
    // commands of that turn.
    return this.store
      .hitWindow(KEY_PREFIX + callerKey, this.options.windowMs)
      .then(({ count, ttlMs }) => ({
        allowed: count <= this.options.limit,
        limit: this.options.limit,
        remaining: Math.max(0, this.options.limit - count),
        resetSeconds: Math.max(1, Math.ceil(ttlMs / 1000)),
      }));
  }
}
