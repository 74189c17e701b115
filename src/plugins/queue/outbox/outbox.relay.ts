import { LoggerService } from '@nestjs/common';
import { DataSource, EntitySubscriberInterface, TransactionCommitEvent } from 'typeorm';
import { backoffDelay } from '../../../toolkit/runtime/backoff';
import { outsideTrace, withTraceCarrier } from '../../../toolkit/tracing';
import { QueuePlugin } from '../queue.types';
import { quotedOutboxTable } from './outbox-table';
import { OutboxWriter } from './outbox.writer';

/** How the relay runs. */
export interface OutboxRelaySettings {
  /** Safety-net poll; commits through the writer wake the relay at once. */
  pollIntervalMs: number;
  batchSize: number;
  /** Longest pause after failed attempts (the broker being down). */
  maxBackoffMs: number;
}

interface PendingRow {
  id: string;
  message_id: string;
  event: string;
  payload: object;
  headers: Record<string, string> | null;
  trace_context: Record<string, string> | null;
}

/**
 * Publishes pending outbox rows in insertion order and marks them sent once the broker confirmed.
 * Each batch is read with `FOR UPDATE SKIP LOCKED` inside a transaction held until the rows are
 * marked, so replicas never publish the same row concurrently; a crash between confirm and commit
 * re-publishes with the same `message_id`, which consumers deduplicate.
 * @publicApi
 */
export class OutboxRelay {
  private readonly quotedTable: string;
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private wakeRequested = false;
  private stopped = true;
  private failures = 0;
  private pausedUntil = 0;
  private readonly commitSubscriber: EntitySubscriberInterface = {
    afterTransactionCommit: (event: TransactionCommitEvent) =>
      this.writer.transactionCommitted(event.queryRunner),
  };

  constructor(
    private readonly queue: QueuePlugin,
    private readonly dataSource: DataSource,
    private readonly writer: OutboxWriter,
    private readonly settings: OutboxRelaySettings,
    private readonly logger: LoggerService,
  ) {
    this.quotedTable = quotedOutboxTable(writer.table);
  }

  /** Starts polling and listening for commits; relays what is already pending. */
  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.dataSource.subscribers.push(this.commitSubscriber);
    this.writer.onCommit(() => this.wake());
    this.timer = setInterval(() => this.wake(), this.settings.pollIntervalMs);
    this.timer.unref();
    this.wake();
  }

  /** Runs a relay pass now, or right after the one in progress. */
  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.wakeRequested = true;
      return;
    }
    // A commit wakes the relay from inside the request that wrote the row; the pass serves every
    // pending row, so it runs outside that request's trace (each publish under its row's own).
    this.running = outsideTrace(() => this.drain()).finally(() => {
      this.running = undefined;
      if (this.wakeRequested) {
        this.wakeRequested = false;
        this.wake();
      }
    });
  }

  /** Stops scheduling and waits for the batch being published. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    const index = this.dataSource.subscribers.indexOf(this.commitSubscriber);
    if (index >= 0) this.dataSource.subscribers.splice(index, 1);
    await this.running;
  }

  /**
   * The last pass before exit: stops scheduling, then publishes every pending row while
   * `remainingMs()` (the shutdown grace period) allows. Rows left (the broker away) stay pending
   * for the next start: a delay, never a loss.
   */
  async flush(remainingMs: () => number): Promise<void> {
    await this.stop();
    while (remainingMs() > 0) {
      let timer: NodeJS.Timeout | undefined;
      const outOfTime = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), remainingMs());
      });
      try {
        const relayed = await Promise.race([this.relayBatch(), outOfTime]);
        if (relayed === 'timeout' || relayed < this.settings.batchSize) return;
      } catch (error) {
        this.logger.warn(
          `outbox ${this.writer.table}: flush before exit failed (${error instanceof Error ? error.message : String(error)}); pending rows wait for the next start`,
        );
        return;
      } finally {
        clearTimeout(timer);
      }
    }
  }

  private async drain(): Promise<void> {
    while (!this.stopped && Date.now() >= this.pausedUntil) {
      try {
        const relayed = await this.relayBatch();
        this.failures = 0;
        if (relayed < this.settings.batchSize) return;
      } catch (error) {
        this.failures += 1;
        const pause = backoffDelay(
          this.settings.pollIntervalMs,
          this.settings.maxBackoffMs,
          this.failures,
        );
        this.pausedUntil = Date.now() + pause;
        this.logger.warn(
          `outbox ${this.writer.table}: relay failed (${error instanceof Error ? error.message : String(error)}); next attempt in ${pause}ms`,
        );
        return;
      }
    }
  }

  /** One transaction: lock a batch, publish it with confirms, mark the confirmed rows. */
  private async relayBatch(): Promise<number> {
    const outcome = await this.dataSource.transaction(async (manager) => {
      const rows: PendingRow[] = await manager.query(
        `SELECT id, message_id, event, payload, headers, trace_context FROM ${this.quotedTable}
         WHERE sent_at IS NULL ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED`,
        [this.settings.batchSize],
      );
      if (rows.length === 0) return { relayed: 0 };
      const results = await Promise.allSettled(
        // Under the stored trace context, and with it in the headers: the publish (and so the
        // consumer) continues the trace of the request that wrote the row.
        rows.map((row) =>
          withTraceCarrier(row.trace_context, () =>
            this.queue.publish(row.event, row.payload, {
              messageId: row.message_id,
              headers: { ...row.headers, ...row.trace_context },
            }),
          ),
        ),
      );
      const sent = rows
        .filter((_, index) => results[index].status === 'fulfilled')
        .map((row) => row.id);
      if (sent.length > 0) {
        await manager.query(
          `UPDATE ${this.quotedTable} SET sent_at = now() WHERE id = ANY($1::bigint[])`,
          [sent],
        );
      }
      const failure = results.find((result) => result.status === 'rejected');
      // Thrown only after the commit, which keeps the confirmed rows marked.
      return failure
        ? {
            relayed: sent.length,
            error: new OutboxPublishError(sent.length, rows.length, failure.reason),
          }
        : { relayed: rows.length };
    });
    if (outcome.error) throw outcome.error;
    return outcome.relayed;
  }
}

/** Some rows of a batch were not confirmed; the confirmed ones are still marked sent. */
class OutboxPublishError extends Error {
  constructor(sent: number, total: number, cause: unknown) {
    super(
      `${total - sent} of ${total} events not confirmed: ${cause instanceof Error ? cause.message : String(cause)}`,
    );
  }
}
