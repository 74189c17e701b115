const TABLE_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** Checks an outbox table name (lower-case SQL identifier) and returns it double-quoted. */
export function quotedOutboxTable(table: string): string {
  if (!TABLE_NAME.test(table)) {
    throw new Error(
      `outbox table name "${table}" must be a lower-case SQL identifier (a-z, 0-9, _)`,
    );
  }
  return `"${table}"`;
}

/** @default 'outbox' */
export const DEFAULT_OUTBOX_TABLE = 'outbox';
