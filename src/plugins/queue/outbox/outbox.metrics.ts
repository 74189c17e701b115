import type { Registry } from 'prom-client';
import type { DataSource } from 'typeorm';
import { MetricReading, sourcedGauge } from '../../../toolkit/metrics';
import { withTimeout } from '../../../toolkit/runtime/settle-within';
import { quotedOutboxTable } from './outbox-table';

/** A scrape must not hang on a slow database; past this the outbox series are left out. */
const SCRAPE_QUERY_TIMEOUT_MS = 2000;

type TableLabel = 'table';

interface PendingSummary {
  pending: string;
  oldest_age_seconds: number | string | null;
}

/**
 * Reports one outbox table (label `table`) at scrape time: rows not yet published, and how long
 * the oldest of them has waited (0 when none). Both come from one query on the pending-rows
 * index (count, and the first pending id's `created_at`), so a scrape costs one cheap round trip.
 * Every replica reports the same table: aggregate with `max`, not `sum`.
 * Returns the unregistration.
 * @internal
 */
export function watchOutbox(registry: Registry, dataSource: DataSource, table: string): () => void {
  const quoted = quotedOutboxTable(table);
  const query = `SELECT
      (SELECT count(*) FROM ${quoted} WHERE sent_at IS NULL) AS pending,
      (SELECT EXTRACT(EPOCH FROM now() - created_at) FROM ${quoted}
        WHERE sent_at IS NULL ORDER BY id LIMIT 1) AS oldest_age_seconds`;
  let inFlight: Promise<PendingSummary | undefined> | undefined;
  // Both gauges are read on the same scrape: one query serves both.
  const summary = (): Promise<PendingSummary | undefined> => {
    inFlight ??= withTimeout(
      dataSource.query<PendingSummary[]>(query),
      SCRAPE_QUERY_TIMEOUT_MS,
      `outbox ${table}: no answer within ${SCRAPE_QUERY_TIMEOUT_MS}ms`,
    )
      .then((rows) => rows[0])
      .finally(() => (inFlight = undefined));
    return inFlight;
  };
  const labels = { table };
  const pending = sourcedGauge<TableLabel>(
    registry,
    'toolkit_outbox_pending_rows',
    'Outbox rows not yet published to the broker',
    ['table'],
  ).addSource(async (): Promise<MetricReading<TableLabel>[]> => {
    const row = await summary();
    return row ? [{ labels, value: Number(row.pending) }] : [];
  });
  const age = sourcedGauge<TableLabel>(
    registry,
    'toolkit_outbox_oldest_pending_age_seconds',
    'Age of the oldest outbox row not yet published, 0 when none is pending',
    ['table'],
  ).addSource(async (): Promise<MetricReading<TableLabel>[]> => {
    const row = await summary();
    return row ? [{ labels, value: Math.max(0, Number(row.oldest_age_seconds ?? 0)) }] : [];
  });
  return () => {
    pending();
    age();
  };
}
