import { settleWithin } from '../../toolkit/runtime/settle-within';

/**
 * Settles like `work`, or rejects with `message` once `ms` have passed, whichever comes first.
 * Backends that hang (a dropped connection, a full pool) must not hang a probe or a request.
 * @publicApi
 */
export function withTimeout<T>(work: Promise<T>, ms: number, message: string): Promise<T> {
  if (ms <= 0) return work;
  return settleWithin(work, ms, () => new Error(message));
}
