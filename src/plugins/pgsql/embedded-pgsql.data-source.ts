import { DataSource } from 'typeorm';
import { PostgresConnectionOptions } from 'typeorm/driver/postgres/PostgresConnectionOptions';
import { EmbeddedPostgres, startEmbeddedPostgres } from './embedded-postgres';

/** A DataSource that stops its embedded Postgres once TypeORM has closed the pool. */
class EmbeddedPgsqlDataSource extends DataSource {
  constructor(
    options: PostgresConnectionOptions,
    private readonly embedded: EmbeddedPostgres,
  ) {
    super(options);
  }

  override async destroy(): Promise<void> {
    try {
      await super.destroy();
    } finally {
      await this.embedded.stop();
    }
  }
}

/**
 * Starts a PGlite for one pgsql instance (`dataDir` undefined: in memory) and returns an
 * initialized DataSource on it (migrations have run). `options` are the instance's ordinary
 * `postgres` options; only the connection target changes. Destroying the DataSource stops
 * the database; a failed start stops it too.
 * @publicApi
 */
export async function createEmbeddedPgsqlDataSource(
  options: PostgresConnectionOptions,
  dataDir: string | undefined,
): Promise<DataSource> {
  const embedded = await startEmbeddedPostgres(dataDir);
  const dataSource = new EmbeddedPgsqlDataSource(
    {
      ...options,
      host: embedded.host,
      port: embedded.port,
      username: 'postgres',
      password: '',
      database: 'postgres',
      ssl: false,
    },
    embedded,
  );
  try {
    return await dataSource.initialize();
  } catch (error) {
    await embedded.stop();
    throw error;
  }
}
