import type { Pool } from 'pg';
import type { Registry } from 'prom-client';
import type { DataSource } from 'typeorm';
import { MetricReading, sourcedGauge } from '../../toolkit/metrics';

type PrefixLabel = 'prefix';

/** node-postgres' pool behind a TypeORM `postgres` DataSource, when it has one (not yet closed). */
function poolOf(dataSource: DataSource): Pool | undefined {
  const master: unknown = Reflect.get(dataSource.driver, 'master');
  if (typeof master !== 'object' || master === null) return undefined;
  return typeof Reflect.get(master, 'totalCount') === 'number' ? (master as Pool) : undefined;
}

/**
 * Reports the connection pool of one pgsql instance (label `prefix`) at scrape time: connections
 * open, of which idle, and queries waiting for one (a pool too small for its load shows here
 * before it shows as timeouts). Returns the unregistration.
 * @internal
 */
export function watchPgsqlPool(
  registry: Registry,
  prefix: string,
  dataSource: DataSource,
): () => void {
  const reading = (count: (pool: Pool) => number) => (): MetricReading<PrefixLabel>[] => {
    const pool = poolOf(dataSource);
    return pool ? [{ labels: { prefix }, value: count(pool) }] : [];
  };
  const gauges: [string, string, (pool: Pool) => number][] = [
    [
      'toolkit_pgsql_pool_connections',
      'PostgreSQL pool connections open',
      (pool) => pool.totalCount,
    ],
    [
      'toolkit_pgsql_pool_idle_connections',
      'PostgreSQL pool connections open and idle',
      (pool) => pool.idleCount,
    ],
    [
      'toolkit_pgsql_pool_waiting_clients',
      'Queries waiting for a PostgreSQL pool connection',
      (pool) => pool.waitingCount,
    ],
  ];
  const removals = gauges.map(([name, help, count]) =>
    sourcedGauge<PrefixLabel>(registry, name, help, ['prefix']).addSource(reading(count)),
  );
  return () => removals.forEach((remove) => remove());
}
