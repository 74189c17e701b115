import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { InjectNotificationServicePgsql } from '../../gen/notificationservice/notification-service.toolkit';
import { DeadlineBound, PgsqlPlugin } from '../../plugins/pgsql';
import {
  NewNotification,
  NotificationChannel,
  NotificationStatus,
  StoredNotification,
} from './notification.types';

interface NotificationRow {
  id: string;
  user_id: string;
  type: NotificationChannel;
  subject: string;
  message: string;
  metadata: Record<string, string>;
  status: NotificationStatus;
  attempts: number;
  failure_reason: string | null;
  created_at: Date;
  sent_at: Date | null;
}

/** One page of a user's notifications and how many they have in total. */
export interface NotificationPage {
  notifications: StoredNotification[];
  total: number;
}

const COLUMNS =
  'id, user_id, type, subject, message, metadata, status, attempts, failure_reason, created_at, sent_at';

/**
 * PostgreSQL access for `notifications`: history, and the delivery queue the worker claims from.
 * Methods taking a `manager` run inside the caller's transaction.
 */
@Injectable()
export class NotificationRepository {
  constructor(@InjectNotificationServicePgsql() private readonly pgsql: PgsqlPlugin) {}

  async insert(
    notification: NewNotification,
    status: NotificationStatus,
    manager: EntityManager = this.pgsql.dataSource.manager,
  ): Promise<StoredNotification> {
    const rows: NotificationRow[] = await manager.query(
      `INSERT INTO notifications (user_id, type, subject, message, metadata, status)
       VALUES ($1, $2, $3, $4, $5::jsonb, $6) RETURNING ${COLUMNS}`,
      [
        notification.userId,
        notification.channel,
        notification.subject,
        notification.message,
        JSON.stringify(notification.metadata),
        status,
      ],
    );
    return fromRow(rows[0]);
  }

  /** Newest first; notifications created in one transaction keep their insertion order reversed. */
  async history(
    userId: string,
    limit: number,
    offset: number,
    bound?: DeadlineBound,
  ): Promise<NotificationPage> {
    const [rows, counted] = await this.pgsql.read(
      () => this.historyOnce(userId, limit, offset),
      bound,
    );
    return { notifications: rows.map(fromRow), total: counted[0].total };
  }

  private historyOnce(
    userId: string,
    limit: number,
    offset: number,
  ): Promise<[NotificationRow[], { total: number }[]]> {
    const manager = this.pgsql.dataSource.manager;
    return Promise.all([
      manager.query(
        `SELECT ${COLUMNS} FROM notifications WHERE user_id = $1
         ORDER BY created_at DESC, seq DESC LIMIT $2 OFFSET $3`,
        [userId, limit, offset],
      ) as Promise<NotificationRow[]>,
      manager.query('SELECT count(*)::int AS total FROM notifications WHERE user_id = $1', [
        userId,
      ]) as Promise<{ total: number }[]>,
    ]);
  }

  /**
   * Claims up to `limit` queued notifications that are due and not claimed by another worker, for
   * `leaseMs`. `SKIP LOCKED` keeps concurrent workers (replicas) off each other's rows; a worker
   * that dies leaves its claim to expire, and the rows are delivered again.
   */
  async claimDue(limit: number, leaseMs: number): Promise<StoredNotification[]> {
    // Wrapped in a SELECT: TypeORM answers a bare UPDATE ... RETURNING as [rows, count].
    const rows: NotificationRow[] = await this.pgsql.dataSource.query(
      `WITH claimed AS (
         UPDATE notifications SET claimed_until = now() + $2::int * interval '1 millisecond'
         WHERE id IN (
           SELECT id FROM notifications
           WHERE status = 'queued' AND next_attempt_at <= now()
             AND (claimed_until IS NULL OR claimed_until < now())
           ORDER BY next_attempt_at, seq LIMIT $1
           FOR UPDATE SKIP LOCKED)
         RETURNING ${COLUMNS})
       SELECT * FROM claimed`,
      [limit, Math.round(leaseMs)],
    );
    return rows.map(fromRow);
  }

  async markSent(id: string): Promise<void> {
    await this.pgsql.dataSource.query(
      `UPDATE notifications SET status = 'sent', sent_at = now(), attempts = attempts + 1,
         claimed_until = NULL, failure_reason = NULL
       WHERE id = $1 AND status = 'queued'`,
      [id],
    );
  }

  /** Records a failed attempt; the notification is due again after `delayMs`. */
  async markRetry(id: string, delayMs: number, reason: string): Promise<void> {
    await this.pgsql.dataSource.query(
      `UPDATE notifications SET attempts = attempts + 1, failure_reason = $3, claimed_until = NULL,
         next_attempt_at = now() + $2::int * interval '1 millisecond'
       WHERE id = $1 AND status = 'queued'`,
      [id, Math.round(delayMs), reason],
    );
  }

  async markFailed(id: string, reason: string): Promise<void> {
    await this.pgsql.dataSource.query(
      `UPDATE notifications SET status = 'failed', attempts = attempts + 1, failure_reason = $2,
         claimed_until = NULL
       WHERE id = $1 AND status = 'queued'`,
      [id, reason],
    );
  }
}

function fromRow(row: NotificationRow): StoredNotification {
  return {
    id: row.id,
    userId: row.user_id,
    channel: row.type,
    subject: row.subject,
    message: row.message,
    metadata: row.metadata,
    status: row.status,
    attempts: row.attempts,
    failureReason: row.failure_reason,
    createdAt: new Date(row.created_at),
    sentAt: row.sent_at === null ? null : new Date(row.sent_at),
  };
}
