import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * One address is one user whatever its case (`Vic@x.org` and `vic@x.org` reach one mailbox): the
 * unique constraint moves from `email` to `lower(email)`, which also serves the case-insensitive
 * lookup. Fails on a database that already holds two spellings of one address; merge them first.
 */
export class EmailCaseInsensitive1764547200000 implements MigrationInterface {
  name = 'EmailCaseInsensitive1764547200000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query('CREATE UNIQUE INDEX users_email_lower_key ON users (lower(email))');
    await runner.query('ALTER TABLE users DROP CONSTRAINT users_email_key');
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email)');
    await runner.query('DROP INDEX users_email_lower_key');
  }
}
