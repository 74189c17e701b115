import { DataSource } from 'typeorm';
import { PostgresConnectionOptions } from 'typeorm/driver/postgres/PostgresConnectionOptions';
import { EmbeddedDatabaseLease, EmbeddedPostgresClusters } from './embedded-postgres-clusters';

/** A DataSource that gives its database lease back once TypeORM has closed the pool. */
class EmbeddedPgsqlDataSource extends DataSource {
  constructor(
    options: PostgresConnectionOptions,
    private readonly lease: EmbeddedDatabaseLease,
  ) {
    super(options);
  }

  override async destroy(): Promise<void> {
    try {
      if (this.isInitialized) await super.destroy();
    } finally {
      await this.lease.release();
    }
  }
}

/** Where one pgsql instance's embedded database lives. @publicApi */
export interface EmbeddedPgsqlTarget {
  /** The shared clusters of the process. */
  clusters: EmbeddedPostgresClusters;
  /** The cluster directory; undefined: a temporary one (in memory, as far as the user sees). */
  dataDir: string | undefined;
  /** The instance's own database on it, e.g. `user_service`. */
  database: string;
}

/**
 * Leases `target.database` on the process's embedded PostgreSQL (starting it if this is the
 * first instance) and returns an initialized DataSource on it (migrations have run). `options`
 * are the instance's ordinary `postgres` options; only the connection target changes.
 * Destroying the DataSource releases the lease (the last release stops the server); a failed
 * start releases it too.
 * @publicApi
 */
export async function createEmbeddedPgsqlDataSource(
  options: PostgresConnectionOptions,
  target: EmbeddedPgsqlTarget,
): Promise<DataSource> {
  const lease = await target.clusters.lease(target.dataDir, target.database);
  const dataSource = new EmbeddedPgsqlDataSource(
    {
      ...options,
      host: lease.host,
      port: lease.port,
      username: lease.user,
      password: lease.password,
      database: lease.database,
      ssl: false,
    },
    lease,
  );
  try {
    return await dataSource.initialize();
  } catch (error) {
    await dataSource.destroy();
    throw error;
  }
}
