import type { Notification } from '../../gen/notificationservice/notification-service';
import type { Timestamp } from '../../gen/google/protobuf/timestamp';
import { StoredNotification } from './notification.types';

/** A Date as a google.protobuf.Timestamp message (seconds as a string: longs are strings). */
export function toTimestamp(date: Date): Timestamp {
  const millis = date.getTime();
  const seconds = Math.floor(millis / 1000);
  return { seconds: String(seconds), nanos: (millis - seconds * 1000) * 1_000_000 };
}

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
