/**
 * Settles like `work`, or rejects with `message` once `ms` have passed, whichever comes first.
 * Backends that hang (a dropped connection, a full pool) must not hang a probe or a request.
 * @publicApi
 */
export function withTimeout<T>(work: Promise<T>, ms: number, message: string): Promise<T> {
  if (ms <= 0) return work;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
    timer.unref();
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
