import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { InjectNotificationServicePgsql } from '../../gen/notificationservice/notification-service.toolkit';
import { PgsqlPlugin } from '../../plugins/pgsql';

/** A user's contact details as user-service announced them. */
export interface UserContact {
  userId: string;
  name: string;
  email: string;
}

/**
 * PostgreSQL access for `notification_contacts`: the only addresses email notifications go to.
 * Filled from `user.created` and `user.updated`.
 */
@Injectable()
export class ContactRepository {
  constructor(@InjectNotificationServicePgsql() private readonly pgsql: PgsqlPlugin) {}

  /**
   * Stores `contact`. With `replace` false an existing row wins: `user.created` must not undo a
   * `user.updated` that overtook it (a retried delivery can arrive after a later event).
   */
  async remember(manager: EntityManager, contact: UserContact, replace: boolean): Promise<void> {
    await manager.query(
      `INSERT INTO notification_contacts (user_id, name, email, updated_at)
       VALUES ($1, $2, $3, now())
       ON CONFLICT (user_id) DO ${
         replace
           ? 'UPDATE SET name = EXCLUDED.name, email = EXCLUDED.email, updated_at = now()'
           : 'NOTHING'
       }`,
      [contact.userId, contact.name, contact.email],
    );
  }

  /** The last email announced for the user, or null. */
  async email(userId: string): Promise<string | null> {
    const rows: { email: string }[] = await this.pgsql.dataSource.query(
      'SELECT email FROM notification_contacts WHERE user_id = $1',
      [userId],
    );
    return rows.length === 0 ? null : rows[0].email;
  }
}
