import { mkdir } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import { EmbeddedPostgresServer } from './embedded-postgres-server';

/**
 * One PGlite (embedded Postgres) served on a loopback port, so that TypeORM reaches it through its
 * ordinary `postgres` driver (node-postgres): the same driver, pool, transactions and migrations
 * code as against a real server. Each pgsql instance owns one, so services in one process never
 * share a database or close each other's.
 * @publicApi
 */
export interface EmbeddedPostgres {
  /** Always `127.0.0.1`. */
  readonly host: string;
  /** The ephemeral port the server bound. */
  readonly port: number;
  /** Closes the server's connections, then PGlite (flushing `dataDir`). Safe to call twice. */
  stop(): Promise<void>;
}

/**
 * Starts PGlite on `dataDir` (created if missing; `undefined` keeps it in memory) behind a
 * PostgreSQL wire-protocol server on `127.0.0.1:<ephemeral port>`.
 * @publicApi
 */
export async function startEmbeddedPostgres(dataDir?: string): Promise<EmbeddedPostgres> {
  if (dataDir) await mkdir(dataDir, { recursive: true });
  const db = await PGlite.create({ dataDir });
  const server = new EmbeddedPostgresServer(db);
  let port: number;
  try {
    port = await server.listen();
  } catch (error) {
    await db.close();
    throw error;
  }
  let stopped: Promise<void> | undefined;
  return {
    host: '127.0.0.1',
    port,
    stop: () => {
      stopped ??= server.close().then(() => db.close());
      return stopped;
    },
  };
}
