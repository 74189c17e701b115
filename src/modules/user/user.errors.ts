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
