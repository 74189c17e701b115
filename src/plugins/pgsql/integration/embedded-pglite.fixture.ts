// Run in a child process by pgsql.integration.spec.ts: PGlite loads its WebAssembly through a
// dynamic import(), which jest's module sandbox rejects without --experimental-vm-modules.
import 'reflect-metadata';
import { Global, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Column, Entity, MigrationInterface, PrimaryGeneratedColumn, QueryRunner } from 'typeorm';
import { ConfigLoader } from '../../../toolkit/config';
import { PluginStatusRegistry } from '../../../toolkit/plugins';
import { pgsqlConfigSection } from '../pgsql.config';
import { PgsqlModule } from '../pgsql.module';
import { PgsqlPlugin } from '../pgsql.plugin';
import { getPgsqlToken } from '../pgsql.tokens';

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
      'CREATE TABLE embedded_notes (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), text text NOT NULL)',
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
      PgsqlModule.register({
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
  const [status] = app.get(PluginStatusRegistry).list();
  await status.check();
  await app.close();
  process.stdout.write(
    JSON.stringify({
      saved,
      found,
      migrations,
      backend: status.backend,
      embedded: status.embedded,
    }),
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
