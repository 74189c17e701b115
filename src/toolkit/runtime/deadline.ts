import { ToolkitError } from '../errors';
import { backoffDelay } from './backoff';
import { settleWithin } from './settle-within';

/** Milliseconds left before `deadline` (epoch ms); Infinity without one. @publicApi */
export function remainingMs(deadline?: number): number {
  return deadline === undefined ? Infinity : deadline - Date.now();
}

/**
 * Settles like `work`, or rejects with DEADLINE_EXCEEDED when `deadline` (epoch ms, usually a
 * `CallContext`'s) passes first (the backend named in the cause). Without a deadline, `work`
 * itself.
 * @publicApi
 */
export function withinDeadline<T>(
  work: Promise<T>,
  backend: string,
  deadline?: number,
): Promise<T> {
  const left = remainingMs(deadline);
  if (!Number.isFinite(left)) return work;
  if (left <= 0) {
    work.catch(() => undefined);
    return Promise.reject(ToolkitError.deadlineExceeded());
  }
  return settleWithin(work, left, () =>
    ToolkitError.deadlineExceeded(undefined, {
      cause: new Error(`${backend} did not answer before the deadline`),
    }),
  );
}

/** How {@link retryWithinDeadline} retries. @publicApi */
export interface DeadlineRetryOptions {
  /** Retries after the first attempt. */
  retries: number;
  /** Only errors this accepts are retried; the caller vouches that the work is idempotent. */
  isRetryable(error: unknown): boolean;
  /** First pause, doubled on each further retry. */
  initialDelayMs: number;
  maxDelayMs: number;
  /** Named in the deadline error. */
  backend: string;
  /** Epoch ms bounding every attempt and pause; none: only `retries` bounds the work. */
  deadline?: number;
}

/**
 * Runs idempotent `work`, each attempt bounded by the deadline, retrying failures `isRetryable`
 * accepts while the pause still fits before the deadline. The last error is thrown as it is, so
 * the exception filter maps it (an unreachable backend: UNAVAILABLE).
 * @publicApi
 */
export async function retryWithinDeadline<T>(
  work: () => Promise<T>,
  options: DeadlineRetryOptions,
): Promise<T> {
  const { deadline } = options;
  for (let retry = 1; ; retry += 1) {
    try {
      return await withinDeadline(work(), options.backend, deadline);
    } catch (error) {
      const pause = backoffDelay(options.initialDelayMs, options.maxDelayMs, retry);
      if (
        retry > options.retries ||
        !options.isRetryable(error) ||
        remainingMs(deadline) <= pause * 2
      ) {
        throw error;
      }
      await new Promise((resolve) => setTimeout(resolve, pause));
    }
  }
}
