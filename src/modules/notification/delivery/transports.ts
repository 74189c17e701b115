import { Inject, Logger, Provider } from '@nestjs/common';
import { SERVICE_SETTINGS } from '../../../toolkit/runtime/tokens';
import { NotificationSettings } from '../notification.settings';
import { LogTransport } from './log.transport';
import {
  NOTIFICATION_TRANSPORTS,
  NotificationTransport,
  NotificationTransports,
} from './notification-transport';
import { SmtpTransport } from './smtp.transport';
import { WebhookTransport } from './webhook.transport';

/** The transport of each channel from the settings; an unset backend gets the log transport. */
export function createTransports(
  settings: NotificationSettings,
  logger: Logger,
): NotificationTransports {
  const log = new LogTransport(logger);
  const webhook = (url: string | undefined): NotificationTransport =>
    url === undefined ? log : new WebhookTransport(url, settings.DELIVERY_TIMEOUT);
  const transports: NotificationTransports = {
    email:
      settings.SMTP_HOST === undefined
        ? log
        : new SmtpTransport({
            host: settings.SMTP_HOST,
            port: settings.SMTP_PORT,
            secure: settings.SMTP_SECURE,
            user: settings.SMTP_USER,
            password: settings.SMTP_PASSWORD,
            from: settings.SMTP_FROM,
            timeoutMs: settings.DELIVERY_TIMEOUT,
          }),
    sms: webhook(settings.SMS_WEBHOOK_URL),
    push: webhook(settings.PUSH_WEBHOOK_URL),
  };
  for (const [channel, transport] of Object.entries(transports)) {
    logger.log(`${channel} notifications: ${transport.description}`);
  }
  return transports;
}

/** Provides `NOTIFICATION_TRANSPORTS` from the service settings. */
export const notificationTransportsProvider: Provider = {
  provide: NOTIFICATION_TRANSPORTS,
  useFactory: (settings: NotificationSettings) =>
    createTransports(settings, new Logger('NotificationDelivery')),
  inject: [SERVICE_SETTINGS],
};

/** Injects the channel → transport table. */
export const InjectNotificationTransports = (): ParameterDecorator =>
  Inject(NOTIFICATION_TRANSPORTS);
