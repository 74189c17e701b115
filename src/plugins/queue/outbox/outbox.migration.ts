import { MigrationInterface, QueryRunner } from 'typeorm';
import { DEFAULT_OUTBOX_TABLE, quotedOutboxTable } from './outbox-table';

const MIGRATION_TIMESTAMP = 1751500000000;
const TRACE_CONTEXT_MIGRATION_TIMESTAMP = 1764633600000;

/** `user_outbox` → `UserOutbox`, for migration class names. */
function pascalCase(table: string): string {
  return table.replace(/(^|_)([a-z0-9])/g, (_, __, c: string) => c.toUpperCase());
}

/**
 * A migration class creating the outbox table (and the partial index the relay reads through);
 * add it to the service's pgsql migrations. One per table name, so services sharing a database
 * each get their own table and migration entry.
 * @publicApi
 */
export function createOutboxMigration(
  table: string = DEFAULT_OUTBOX_TABLE,
): new () => MigrationInterface {
  const quoted = quotedOutboxTable(table);
  const pendingIndex = `"${table}_pending_idx"`;
  const migrationName = `CreateOutbox${pascalCase(table)}${MIGRATION_TIMESTAMP}`;

  class CreateOutboxTable implements MigrationInterface {
    readonly name = migrationName;

    async up(queryRunner: QueryRunner): Promise<void> {
      await queryRunner.query(
        `CREATE TABLE IF NOT EXISTS ${quoted} (
          id bigserial PRIMARY KEY,
          message_id varchar(255) NOT NULL UNIQUE,
          event varchar(255) NOT NULL,
          payload jsonb NOT NULL,
          headers jsonb NOT NULL DEFAULT '{}',
          created_at timestamptz NOT NULL DEFAULT now(),
          sent_at timestamptz NULL,
          trace_context jsonb NULL
        )`,
      );
      await queryRunner.query(
        `CREATE INDEX IF NOT EXISTS ${pendingIndex} ON ${quoted} (id) WHERE sent_at IS NULL`,
      );
    }

    async down(queryRunner: QueryRunner): Promise<void> {
      await queryRunner.query(`DROP TABLE IF EXISTS ${quoted}`);
    }
  }
  return CreateOutboxTable;
}

/**
 * A migration adding the nullable `trace_context` column (the W3C `traceparent`/`tracestate` of
 * the request that wrote the event, null when tracing is off), so the relay publishes the event
 * under the trace that caused it. List it after `createOutboxMigration(table)`: a table created
 * since has the column already (this is then a no-op), an older one gets it here.
 * @publicApi
 */
export function createOutboxTraceContextMigration(
  table: string = DEFAULT_OUTBOX_TABLE,
): new () => MigrationInterface {
  const quoted = quotedOutboxTable(table);
  const migrationName = `AddOutboxTraceContext${pascalCase(table)}${TRACE_CONTEXT_MIGRATION_TIMESTAMP}`;

  class AddOutboxTraceContext implements MigrationInterface {
    readonly name = migrationName;

    async up(queryRunner: QueryRunner): Promise<void> {
      await queryRunner.query(
        `ALTER TABLE ${quoted} ADD COLUMN IF NOT EXISTS trace_context jsonb NULL`,
      );
    }

    async down(queryRunner: QueryRunner): Promise<void> {
      await queryRunner.query(`ALTER TABLE ${quoted} DROP COLUMN IF EXISTS trace_context`);
    }
  }
  return AddOutboxTraceContext;
}
