/**
 * Node's codes for a peer that cannot be reached or dropped the connection. Whatever client
 * library raised them (pg, ioredis, amqplib, fetch), the call failed because a dependency is
 * unreachable, not because of a bug or of the request.
 */
const NETWORK_ERROR_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'EAI_AGAIN',
  'ENOTCONN',
]);

/** Recognizes the errors of one dependency that mean "unreachable right now". @publicApi */
export interface DependencyFailureMatcher {
  /** Named in logs, e.g. `PostgreSQL user-service/pgsql`; never shown to clients. */
  dependency: string;
  /** True when `error` (one link of the cause chain) says the dependency is unreachable. */
  matches(error: unknown): boolean;
}

/** What {@link DependencyFailures.classify} found. @publicApi */
export interface DependencyFailure {
  dependency: string;
  reason: string;
}

/**
 * The one mapping from infrastructure failures to UNAVAILABLE. Each plugin registers how its
 * client library reports an unreachable backend (PostgreSQL admin shutdown, pool exhaustion,
 * a closed Redis connection...); network errors are recognized for every dependency. The
 * exception filter asks it before falling back to INTERNAL, so no service maps these itself.
 * One instance per app, provided by the toolkit core module.
 * @publicApi
 */
export class DependencyFailures {
  private readonly matchers: DependencyFailureMatcher[] = [];

  register(matcher: DependencyFailureMatcher): void {
    this.matchers.push(matcher);
  }

  /** The failed dependency, when `thrown` or one of its causes says a dependency is unreachable. */
  classify(thrown: unknown): DependencyFailure | undefined {
    for (const error of causeChain(thrown)) {
      for (const matcher of this.matchers) {
        if (matcher.matches(error))
          return { dependency: matcher.dependency, reason: reasonOf(error) };
      }
    }
    for (const error of causeChain(thrown)) {
      if (isNetworkFailure(error)) return { dependency: 'a dependency', reason: reasonOf(error) };
    }
    return undefined;
  }
}

/** A Node network error code (`ECONNREFUSED`, `ECONNRESET`...) on `error` itself. @publicApi */
export function isNetworkFailure(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, errno } = error as { code?: unknown; errno?: unknown };
  return (
    (typeof code === 'string' && NETWORK_ERROR_CODES.has(code)) ||
    (typeof errno === 'string' && NETWORK_ERROR_CODES.has(errno))
  );
}

/** `thrown`, its `cause`, TypeORM's `driverError`, an AggregateError's errors; cycles stop. */
export function causeChain(thrown: unknown): unknown[] {
  const chain: unknown[] = [];
  const pending: unknown[] = [thrown];
  while (pending.length > 0 && chain.length < 16) {
    const error = pending.shift();
    if (error === undefined || error === null || chain.includes(error)) continue;
    chain.push(error);
    if (typeof error !== 'object') continue;
    const { cause, driverError, errors } = error as {
      cause?: unknown;
      driverError?: unknown;
      errors?: unknown;
    };
    pending.push(cause, driverError);
    if (Array.isArray(errors)) pending.push(...errors);
  }
  return chain;
}

function reasonOf(error: unknown): string {
  if (error instanceof Error) {
    const { code } = error as { code?: unknown };
    return typeof code === 'string' && !error.message.includes(code)
      ? `${code} ${error.message}`
      : error.message;
  }
  return String(error);
}
