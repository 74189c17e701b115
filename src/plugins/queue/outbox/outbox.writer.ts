import { randomUUID } from 'node:crypto';
import { EntityManager, QueryRunner } from 'typeorm';
import { activeTraceCarrier } from '../../../toolkit/tracing';
import { DEFAULT_OUTBOX_TABLE, quotedOutboxTable } from './outbox-table';

/**
 * Writes events into the outbox table inside the caller's own transaction, so the event exists
 * exactly when the state change it describes was committed. The relay publishes it afterwards.
 * @publicApi
 */
export class OutboxWriter {
  private readonly quotedTable: string;
  /** Query runners of open transactions that wrote events; the relay is woken when they commit. */
  private readonly pendingTransactions = new WeakSet<QueryRunner>();
  private commitListener?: () => void;

  constructor(readonly table: string = DEFAULT_OUTBOX_TABLE) {
    this.quotedTable = quotedOutboxTable(table);
  }

  /**
   * Adds `event` with `payload` (the bare event JSON) through `manager`, normally the manager of
   * `dataSource.transaction(...)`. Returns the event's AMQP `message_id` (`messageId` or a new UUID).
   * The active trace context is stored with the row, for the relay to publish under it.
   */
  async add(
    manager: EntityManager,
    event: string,
    payload: object,
    messageId?: string,
  ): Promise<string> {
    const id = messageId ?? randomUUID();
    const traceContext = activeTraceCarrier();
    await manager.query(
      `INSERT INTO ${this.quotedTable} (message_id, event, payload, trace_context)
       VALUES ($1, $2, $3::jsonb, $4::jsonb)`,
      [
        id,
        event,
        JSON.stringify(payload),
        traceContext === null ? null : JSON.stringify(traceContext),
      ],
    );
    const runner = manager.queryRunner;
    if (runner?.isTransactionActive === true) this.pendingTransactions.add(runner);
    else this.commitListener?.();
    return id;
  }

  /** @internal The relay listens here to publish right after a commit. */
  onCommit(listener: () => void): void {
    this.commitListener = listener;
  }

  /** @internal Called after any transaction commit of the data source. */
  transactionCommitted(runner: QueryRunner): void {
    if (runner.isTransactionActive || !this.pendingTransactions.has(runner)) return;
    this.pendingTransactions.delete(runner);
    this.commitListener?.();
  }
}
