import type { Redis } from 'ioredis';
import type { WindowCount } from '../../toolkit/ports';

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

/**
 * Counts one hit on `key` (under the client's key prefix) in a window of `windowMs`. The script
 * is sent in the caller's event-loop turn, so with auto-pipelining it shares one write with the
 * other commands of that turn (the deny-list read of the same request).
 */
export async function hitWindow(
  client: Pick<Redis, 'eval'>,
  key: string,
  windowMs: number,
): Promise<WindowCount> {
  return parseReply(await client.eval(HIT_SCRIPT, 1, key, windowMs));
}

function parseReply(reply: unknown): WindowCount {
  if (Array.isArray(reply) && reply.length === 2) {
    const [count, ttlMs] = reply.map(Number);
    if (Number.isFinite(count) && Number.isFinite(ttlMs)) return { count, ttlMs };
  }
  throw new Error(`unexpected rate limit script reply: ${JSON.stringify(reply)}`);
}
