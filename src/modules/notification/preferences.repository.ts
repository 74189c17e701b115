import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { InjectNotificationServicePgsql } from '../../gen/notificationservice/notification-service.toolkit';
import { DeadlineBound, PgsqlPlugin } from '../../plugins/pgsql';
import { DeliveryPreferences } from './notification.types';

interface PreferencesRow {
  email_enabled: boolean;
  sms_enabled: boolean;
  push_enabled: boolean;
  muted_types: string[];
}

/** PostgreSQL access for `notification_preferences`. */
@Injectable()
export class PreferencesRepository {
  constructor(@InjectNotificationServicePgsql() private readonly pgsql: PgsqlPlugin) {}

  /**
   * The stored preferences, or null for a user who never changed the defaults. With `manager` the
   * read is part of the caller's transaction (which alone may be repeated), else it is retried
   * within `bound`.
   */
  async find(
    userId: string,
    manager?: EntityManager,
    bound?: DeadlineBound,
  ): Promise<DeliveryPreferences | null> {
    const select = (source: EntityManager): Promise<PreferencesRow[]> =>
      source.query(
        `SELECT email_enabled, sms_enabled, push_enabled, muted_types
         FROM notification_preferences WHERE user_id = $1`,
        [userId],
      );
    const rows = manager
      ? await select(manager)
      : await this.pgsql.read(() => select(this.pgsql.dataSource.manager), bound);
    if (rows.length === 0) return null;
    const [row] = rows;
    return {
      emailEnabled: row.email_enabled,
      smsEnabled: row.sms_enabled,
      pushEnabled: row.push_enabled,
      mutedTypes: row.muted_types,
    };
  }

  /**
   * Replaces the user's preferences, in a transaction of its own so that it is repeated (within
   * `bound`) when PostgreSQL rolled it back.
   */
  async save(
    userId: string,
    preferences: DeliveryPreferences,
    bound?: DeadlineBound,
  ): Promise<void> {
    await this.pgsql.transaction(
      (manager) =>
        manager.query(
          `INSERT INTO notification_preferences
         (user_id, email_enabled, sms_enabled, push_enabled, muted_types, updated_at)
       VALUES ($1, $2, $3, $4, $5::text[], now())
       ON CONFLICT (user_id) DO UPDATE SET email_enabled = EXCLUDED.email_enabled,
         sms_enabled = EXCLUDED.sms_enabled, push_enabled = EXCLUDED.push_enabled,
         muted_types = EXCLUDED.muted_types, updated_at = now()`,
          [
            userId,
            preferences.emailEnabled,
            preferences.smsEnabled,
            preferences.pushEnabled,
            [...preferences.mutedTypes],
          ],
        ),
      bound,
    );
  }
}
