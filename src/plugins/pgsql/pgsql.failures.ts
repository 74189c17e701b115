/**
 * SQLSTATEs meaning the server cannot serve now, whatever the statement: class 08 (connection
 * exceptions), 53300 too many connections, 57P01 admin shutdown, 57P02 crash shutdown, 57P03
 * cannot connect now (starting up or shutting down).
 */
const UNAVAILABLE_STATES = new Set(['53300', '57P01', '57P02', '57P03']);

/**
 * Messages node-postgres and TypeORM give without a SQLSTATE when the pool cannot hand out a
 * connection or a connection died under a query.
 */
const UNAVAILABLE_MESSAGES = [
  /timeout exceeded when trying to connect/i,
  /Connection terminated/i,
  /connection timeout/i,
  /Client has encountered a connection error/i,
  /Cannot use a pool after calling end/i,
  /Driver not Connected/i,
  /the database system is (starting up|shutting down)/i,
];

/** True when a pg or TypeORM error (one link of a cause chain) says PostgreSQL is unreachable. */
export function isPgsqlUnavailable(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code } = error as { code?: unknown };
  if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) {
    return code.startsWith('08') || UNAVAILABLE_STATES.has(code);
  }
  const message = error instanceof Error ? error.message : '';
  return UNAVAILABLE_MESSAGES.some((pattern) => pattern.test(message));
}
