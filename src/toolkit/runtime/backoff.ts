/**
 * Delay before retry `retry` (1-based): `initialMs`, doubled each time, at most `maxMs`. The one
 * backoff of the toolkit: deadline-bounded retries, queue redeliveries, the outbox relay and
 * services' own retry schedules all pause this way.
 * @publicApi
 */
export function backoffDelay(initialMs: number, maxMs: number, retry: number): number {
  return Math.min(maxMs, initialMs * 2 ** Math.max(0, retry - 1));
}
