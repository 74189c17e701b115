/**
 * Settles like `work`, or rejects with `timeoutError()` once `ms` have passed, whichever comes
 * first. One promise and one (unref'd) timer: it runs on every bounded backend call, and each
 * extra promise also pays the request context's async hooks.
 * @publicApi
 */
export function settleWithin<T>(
  work: Promise<T>,
  ms: number,
  timeoutError: () => Error,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(timeoutError()), ms);
    timer.unref();
    work.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

/**
 * Settles like `work`, or rejects with `message` once `ms` have passed, whichever comes first
 * (`ms` ≤ 0: `work` itself). Backends that hang (a dropped connection, a full pool, a mail
 * server that never answers) must not hang a probe, a request or a worker.
 * @publicApi
 */
export function withTimeout<T>(work: Promise<T>, ms: number, message: string): Promise<T> {
  if (ms <= 0) return work;
  return settleWithin(work, ms, () => new Error(message));
}
