/** Reads the SQLSTATE of a PostgreSQL error (TypeORM's QueryFailedError or a pg error). */
export function sqlState(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, driverError } = error as { code?: unknown; driverError?: unknown };
  if (typeof code === 'string') return code;
  return sqlState(driverError);
}

/** 23505: the unique email constraint caught a concurrent insert or update. */
export function isUniqueViolation(error: unknown): boolean {
  return sqlState(error) === '23505';
}

const NETWORK_ERRORS = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT']);

/**
 * Failures worth another attempt. `write` narrows them to those PostgreSQL guarantees it rolled
 * back (serialization failure, deadlock): a write whose connection dropped may have committed.
 */
export function isTransientDatabaseError(error: unknown, write: boolean): boolean {
  const state = sqlState(error);
  if (state === '40001' || state === '40P01') return true;
  if (write) return false;
  if (
    state !== undefined &&
    (state.startsWith('08') || state === '57P01' || NETWORK_ERRORS.has(state))
  )
    return true;
  return error instanceof Error && /Connection terminated/i.test(error.message);
}
