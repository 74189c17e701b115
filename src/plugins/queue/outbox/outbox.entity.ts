import { EntitySchema } from 'typeorm';
import { DEFAULT_OUTBOX_TABLE, quotedOutboxTable } from './outbox-table';

/** One event waiting in (or already relayed from) the outbox. @publicApi */
export interface OutboxRow {
  /** Insertion order; the relay publishes in this order. Postgres bigint, as a string. */
  id: string;
  /** AMQP `message_id` of the event: the same on every (re-)publish, so consumers deduplicate. */
  messageId: string;
  event: string;
  payload: unknown;
  headers: Record<string, string>;
  createdAt: Date;
  /** W3C trace context of the request that wrote the event; null when tracing is off. */
  traceContext: Record<string, string> | null;
  /** When the broker confirmed the event; null while pending. */
  sentAt: Date | null;
}

/**
 * The TypeORM entity of an outbox table, for services that list it in their pgsql entities (to
 * query or inspect it). The table itself comes from `createOutboxMigration(table)`.
 * @publicApi
 */
export function createOutboxEntity(table: string = DEFAULT_OUTBOX_TABLE): EntitySchema<OutboxRow> {
  quotedOutboxTable(table);
  return new EntitySchema<OutboxRow>({
    name: `outbox:${table}`,
    tableName: table,
    columns: {
      id: { type: 'bigint', primary: true, generated: 'increment' },
      messageId: { name: 'message_id', type: 'varchar', length: 255, unique: true },
      event: { type: 'varchar', length: 255 },
      payload: { type: 'jsonb' },
      headers: { type: 'jsonb', default: () => "'{}'" },
      createdAt: { name: 'created_at', type: 'timestamptz', createDate: true },
      traceContext: { name: 'trace_context', type: 'jsonb', nullable: true },
      sentAt: { name: 'sent_at', type: 'timestamptz', nullable: true },
    },
  });
}
