import { EmbeddedPostgresCluster, EmbeddedPostgresTarget } from './embedded-postgres-cluster';

/** One service's database on a shared embedded cluster; `release()` once the pool is closed. */
export interface EmbeddedDatabaseLease extends EmbeddedPostgresTarget {
  database: string;
  /** Where the cluster keeps its data (a temporary directory for in-memory use). */
  directory: string;
  /** Gives the lease back; the last one stops the server. Safe to call twice. */
  release(): Promise<void>;
}

/** The cluster of one directory, and how many leases hold it. */
interface ClusterEntry {
  cluster: EmbeddedPostgresCluster;
  started: Promise<EmbeddedPostgresTarget>;
  leases: number;
  /** Settles once the cluster has stopped (set when the last lease is released). */
  stopped?: Promise<void>;
}

/** Builds the cluster for a directory (tests pass a fake). */
export type ClusterFactory = (dataDir: string | undefined) => EmbeddedPostgresCluster;

/**
 * Ref-counted owner of the embedded PostgreSQL servers of a process: every pgsql instance of
 * every service that leases the same directory shares one server (each on its own database); the
 * server starts with the first lease and stops when the last is released, so a process that
 * closes all its services (or a test that boots and closes them repeatedly) leaves nothing
 * running. Keyed by directory because a directory can only ever serve one server (PostgreSQL
 * locks it with `postmaster.pid`); undefined (in memory) is one temporary cluster per process.
 * A lease taken while the previous server of its directory is still stopping waits for it.
 */
export class EmbeddedPostgresClusters {
  private readonly clusters = new Map<string, ClusterEntry>();

  constructor(
    private readonly createCluster: ClusterFactory = (dataDir) =>
      new EmbeddedPostgresCluster({ dataDir }),
  ) {}

  /** Starts the directory's server if needed, creates `database` if missing, and leases it. */
  async lease(dataDir: string | undefined, database: string): Promise<EmbeddedDatabaseLease> {
    const key = dataDir ?? ':temporary:';
    let entry = this.clusters.get(key);
    if (!entry || entry.stopped) {
      const previous = entry?.stopped ?? Promise.resolve();
      const cluster = this.createCluster(dataDir);
      const started = previous.then(() => cluster.start());
      entry = { cluster, started, leases: 0 };
      this.clusters.set(key, entry);
    }
    entry.leases += 1;
    const held = entry;
    let released = false;
    const release = async (): Promise<void> => {
      if (released) return;
      released = true;
      held.leases -= 1;
      if (held.leases > 0) return;
      held.stopped = held.started.then(
        () => held.cluster.stop(),
        () => undefined,
      );
      await held.stopped;
      if (this.clusters.get(key) === held) this.clusters.delete(key);
    };
    try {
      const target = await held.started;
      await held.cluster.ensureDatabase(database);
      return { ...target, database, directory: held.cluster.directory ?? '', release };
    } catch (error) {
      await release();
      throw error;
    }
  }

  /** How many servers are running or starting (for tests). */
  get size(): number {
    return [...this.clusters.values()].filter((entry) => !entry.stopped).length;
  }
}
