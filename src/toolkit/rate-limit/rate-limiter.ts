import type { Redis } from 'ioredis';

/**
 * Fixed window, atomically: the first hit of a window creates the counter with the window as its
 * TTL, later hits only increment it. A counter found without TTL (e.g. restored from a snapshot)
 * gets one, so a caller can never be locked out for good.
 */
const HIT_SCRIPT = `
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {count, ttl}
`;

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
 * Counts requests per caller key in Redis, so that every replica using the same Redis (and key
 * prefix) draws from one budget.
 * @publicApi
 */
export class RateLimiter {
  constructor(
    private readonly redis: Pick<Redis, 'eval'>,
    readonly options: RateLimitOptions,
  ) {}

  /** Counts one request for `callerKey`; rejects when Redis does not answer. */
  async consume(callerKey: string): Promise<RateLimitDecision> {
    const reply = await this.redis.eval(
      HIT_SCRIPT,
      1,
      KEY_PREFIX + callerKey,
      this.options.windowMs,
    );
    const [count, ttlMs] = parseReply(reply);
    return {
      allowed: count <= this.options.limit,
      limit: this.options.limit,
      remaining: Math.max(0, this.options.limit - count),
      resetSeconds: Math.max(1, Math.ceil(ttlMs / 1000)),
    };
  }
}

function parseReply(reply: unknown): [number, number] {
  if (Array.isArray(reply) && reply.length === 2) {
    const [count, ttl] = reply.map(Number);
    if (Number.isFinite(count) && Number.isFinite(ttl)) return [count, ttl];
  }
  throw new Error(`unexpected rate limit script reply: ${JSON.stringify(reply)}`);
}
