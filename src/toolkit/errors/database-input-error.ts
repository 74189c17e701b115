import { ToolkitError } from './toolkit-error';

/**
 * SQLSTATEs by which PostgreSQL rejects a value the client sent (not a fault of the service): a
 * string or number too large for its column, a byte sequence it cannot store (NUL), text that is
 * not a valid uuid/number, an index row too large for a btree (54000 program_limit_exceeded).
 */
const INPUT_SQLSTATES: Readonly<Record<string, string>> = {
  '22001': 'a value is too long for its field',
  '22003': 'a number is out of range',
  '22021': 'a value contains a character that cannot be stored',
  '22P02': 'a value has an invalid format',
  '22P05': 'a value contains a character that cannot be stored',
  '54000': 'a value is too large',
};

/** The SQLSTATE of a PostgreSQL error (pg's error, or TypeORM's QueryFailedError around it). */
function postgresState(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, driverError } = error as { code?: unknown; driverError?: unknown };
  if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
  return driverError === undefined ? undefined : postgresState(driverError);
}

/**
 * A database error caused by the request's input, as INVALID_ARGUMENT (400) with a message that
 * names the problem but not the SQL; undefined for any other error. Used by the toolkit's error
 * mapping, so a value PostgreSQL refuses is a client error on every route.
 * @publicApi
 */
export function databaseInputError(error: unknown): ToolkitError | undefined {
  const state = postgresState(error);
  const reason = state === undefined ? undefined : INPUT_SQLSTATES[state];
  return reason === undefined
    ? undefined
    : ToolkitError.invalidArgument(`invalid request: ${reason}`, { cause: error });
}
