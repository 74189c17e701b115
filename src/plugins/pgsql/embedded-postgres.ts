import { mkdir } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

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
  /** The ephemeral port the socket server bound. */
  readonly port: number;
  /** Stops the socket server, then closes PGlite (flushing `dataDir`). Safe to call twice. */
  stop(): Promise<void>;
}

/**
 * Connections the socket server accepts. PGlite has one backend session: pglite-socket's
 * multiplexer would interleave the extended-protocol messages (Parse/Bind/Execute) of two clients
 * in that session, so the pool that talks to it holds one connection. The second slot only lets a
 * reconnect in before the server has noticed that the previous socket closed.
 */
const MAX_SOCKET_CONNECTIONS = 2;

/**
 * Starts PGlite on `dataDir` (created if missing; `undefined` keeps it in memory) behind a
 * socket server on `127.0.0.1:<ephemeral port>`.
 * @publicApi
 */
export async function startEmbeddedPostgres(dataDir?: string): Promise<EmbeddedPostgres> {
  if (dataDir) await mkdir(dataDir, { recursive: true });
  const db = await PGlite.create({ dataDir });
  const server = new PGLiteSocketServer({
    db,
    host: '127.0.0.1',
    port: 0,
    maxConnections: MAX_SOCKET_CONNECTIONS,
  });
  try {
    await server.start();
  } catch (error) {
    await db.close();
    throw error;
  }
  const address = server.getServerConn();
  const port = Number(address.slice(address.lastIndexOf(':') + 1));
  let stopped: Promise<void> | undefined;
  return {
    host: '127.0.0.1',
    port,
    stop: () => {
      stopped ??= server.stop().then(() => db.close());
      return stopped;
    },
  };
}
