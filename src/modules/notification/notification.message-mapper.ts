import type { Notification } from '../../gen/notificationservice/notification-service';
import { StoredNotification } from './notification.types';
import { toTimestamp } from '../../toolkit/protojson';

/** The `Notification` message of a stored notification; `sent_at` unset until it was sent. */
export function toNotificationMessage(notification: StoredNotification): Notification {
  return {
    notification_id: notification.id,
    user_id: notification.userId,
    type: notification.channel,
    subject: notification.subject,
    message: notification.message,
    status: notification.status,
    created_at: toTimestamp(notification.createdAt),
    sent_at: notification.sentAt === null ? undefined : toTimestamp(notification.sentAt),
  };
}
