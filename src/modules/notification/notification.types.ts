/** Channels a notification goes out on (the request's `type`). */
export const NOTIFICATION_CHANNELS = ['email', 'sms', 'push'] as const;
export type NotificationChannel = (typeof NOTIFICATION_CHANNELS)[number];

/**
 * `queued` until the delivery worker settles it as `sent` (with `sent_at`) or `failed` (after
 * DELIVERY_MAX_ATTEMPTS, or at once when it cannot ever succeed); `suppressed` when the user's
 * preferences disable its channel or mute its type.
 */
export type NotificationStatus = 'queued' | 'sent' | 'failed' | 'suppressed';

/** What a caller asks to send (an rpc or an event consumer). */
export interface NewNotification {
  userId: string;
  channel: NotificationChannel;
  subject: string;
  message: string;
  metadata: Readonly<Record<string, string>>;
}

/** A notification as stored. */
export interface StoredNotification extends NewNotification {
  id: string;
  status: NotificationStatus;
  /** Delivery attempts made so far. */
  attempts: number;
  /** Why the last attempt failed, or why the notification failed for good. */
  failureReason: string | null;
  createdAt: Date;
  sentAt: Date | null;
}

/** A user's delivery preferences; a user who never set any gets every channel enabled and nothing muted, so the welcome email reaches a new user. */
export interface DeliveryPreferences {
  emailEnabled: boolean;
  smsEnabled: boolean;
  pushEnabled: boolean;
  /** Matched against a notification's channel and its `metadata.event_type`. */
  mutedTypes: readonly string[];
}

/** The preferences of a user who never changed them. */
export const DEFAULT_PREFERENCES: DeliveryPreferences = Object.freeze({
  emailEnabled: true,
  smsEnabled: true,
  pushEnabled: true,
  mutedTypes: Object.freeze([]),
});

export function isNotificationChannel(value: string): value is NotificationChannel {
  return (NOTIFICATION_CHANNELS as readonly string[]).includes(value);
}

/** Whether `preferences` stop `notification`: its channel is off, or its type or event type muted. */
export function isSuppressed(
  preferences: DeliveryPreferences,
  notification: Pick<NewNotification, 'channel' | 'metadata'>,
): boolean {
  const enabled = {
    email: preferences.emailEnabled,
    sms: preferences.smsEnabled,
    push: preferences.pushEnabled,
  }[notification.channel];
  if (!enabled) return true;
  const eventType = notification.metadata.event_type;
  return preferences.mutedTypes.some(
    (muted) => muted === notification.channel || (eventType !== undefined && muted === eventType),
  );
}
