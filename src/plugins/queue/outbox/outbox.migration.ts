import { MigrationInterface, QueryRunner } from 'typeorm';
import { DEFAULT_OUTBOX_TABLE, quotedOutboxTable } from './outbox-table';

const MIGRATION_TIMESTAMP = 1751500000000;

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
  const migrationName = `CreateOutbox${table.replace(/(^|_)([a-z0-9])/g, (_, __, c: string) => c.toUpperCase())}${MIGRATION_TIMESTAMP}`;

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
          sent_at timestamptz NULL
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
