import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { InjectNotificationServicePgsql } from '../../gen/notificationservice/notification-service.toolkit';
import { PgsqlPlugin } from '../../plugins/pgsql';
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

  /** The stored preferences, or null for a user who never changed the defaults. */
  async find(userId: string, manager?: EntityManager): Promise<DeliveryPreferences | null> {
    const rows: PreferencesRow[] = await (manager ?? this.pgsql.dataSource).query(
      `SELECT email_enabled, sms_enabled, push_enabled, muted_types
       FROM notification_preferences WHERE user_id = $1`,
      [userId],
    );
    if (rows.length === 0) return null;
    const [row] = rows;
    return {
      emailEnabled: row.email_enabled,
      smsEnabled: row.sms_enabled,
      pushEnabled: row.push_enabled,
      mutedTypes: row.muted_types,
    };
  }

  /** Replaces the user's preferences. */
  async save(userId: string, preferences: DeliveryPreferences): Promise<void> {
    await this.pgsql.dataSource.query(
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
    );
  }
}
