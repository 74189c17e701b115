/**
 * The iterator's next result, or a rejection with `signal.reason` if the signal aborts first, so
 * a handler that ignores its signal still cannot keep a cancelled or expired stream open.
 * @internal
 */
export function nextOrAbort<T>(
  iterator: AsyncIterator<T>,
  signal: AbortSignal,
): Promise<IteratorResult<T>> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    iterator.next().then(
      (result) => {
        signal.removeEventListener('abort', onAbort);
        resolve(result);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/**
 * Ends the handler's iteration without waiting for it: a generator suspended in an `await` only
 * runs its `finally` once that await settles (the abort signal is what wakes it).
 * @internal
 */
export function stopIterator(iterator: AsyncIterator<unknown>): void {
  iterator.return?.().catch(() => undefined);
}
