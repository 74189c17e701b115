import { ConfigValues, defineConfig } from '../../toolkit/config';

/**
 * notification-service's own variables (`NOTIFICATION_SERVICE_<NAME>`): delivery transports and
 * their retry policy, and the preferences cache. A transport whose variable is unset is replaced by
 * the log transport (the embedded default: the notification is written to the log and counts as sent).
 */
export const notificationSettingsSection = defineConfig('', {
  SMTP_HOST: {
    type: 'string',
    description: 'SMTP server for email notifications; unset: emails go to the log transport',
  },
  SMTP_PORT: { type: 'port', default: 587, description: 'SMTP port' },
  SMTP_USER: { type: 'string', description: 'SMTP user; unset: no authentication' },
  SMTP_PASSWORD: { type: 'string', secret: true, description: 'SMTP password' },
  SMTP_FROM: {
    type: 'string',
    default: 'notifications@localhost',
    description: 'From address of email notifications',
  },
  SMTP_SECURE: {
    type: 'bool',
    default: false,
    description: 'TLS from the first byte (port 465); false upgrades with STARTTLS when offered',
  },
  SMS_WEBHOOK_URL: {
    type: 'string',
    description: 'URL sms notifications are POSTed to as JSON; unset: the log transport',
  },
  PUSH_WEBHOOK_URL: {
    type: 'string',
    description: 'URL push notifications are POSTed to as JSON; unset: the log transport',
  },
  DELIVERY_MAX_ATTEMPTS: {
    type: 'int',
    default: 3,
    min: 1,
    max: 20,
    description: 'Delivery attempts of a notification before it is marked failed',
  },
  DELIVERY_RETRY_BACKOFF: {
    type: 'duration',
    default: '2s',
    description: 'Delay before the second delivery attempt; doubles on each further attempt',
  },
  DELIVERY_TIMEOUT: {
    type: 'duration',
    default: '10s',
    description: 'How long one delivery attempt (SMTP send or webhook POST) may take',
  },
  DELIVERY_POLL_INTERVAL: {
    type: 'duration',
    default: '1s',
    description:
      'Delivery worker safety-net polling for due notifications (new ones wake it at once)',
  },
  DELIVERY_CONCURRENCY: {
    type: 'int',
    default: 10,
    min: 1,
    max: 100,
    description: 'Notifications one instance delivers at the same time',
  },
  PREFERENCES_CACHE_TIMEOUT: {
    type: 'duration',
    default: '1h',
    description: 'How long the preferences of a user stay in the cache',
  },
});

/** Parsed notification-service settings (inject with `@InjectServiceSettings()`). */
export type NotificationSettings = ConfigValues<(typeof notificationSettingsSection)['fields']>;
