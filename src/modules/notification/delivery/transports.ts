import { Inject, LoggerService, Provider } from '@nestjs/common';
import { assertEmbeddedAllowed } from '../../../toolkit/runtime/deployment-mode';
import { DeploymentMode } from '../../../toolkit/runtime/deployment-mode';
import { ServiceDefinition } from '../../../toolkit/runtime/define-service';
import {
  DEPLOYMENT_MODE,
  SERVICE_DEFINITION,
  SERVICE_SETTINGS,
} from '../../../toolkit/runtime/tokens';
import { NotificationSettings } from '../notification.settings';
import { LogTransport } from './log.transport';
import {
  NOTIFICATION_TRANSPORTS,
  NotificationTransport,
  NotificationTransports,
} from './notification-transport';
import { SmtpTransport } from './smtp.transport';
import { WebhookTransport } from './webhook.transport';
import { ToolkitLogger } from '../../../toolkit/runtime/toolkit-logger';

/** Which service the transports are for, to name its variables and apply the embedded policy. */
export interface TransportsOwner extends DeploymentMode {
  serviceName: string;
  envPrefix: string;
}

/**
 * The transport of each channel from the settings; an unset backend gets the log transport, which
 * is embedded delivery: refused in production (naming the variable to set) unless allowed.
 * @throws StartupError in production for an unset backend without `TOOLKIT_ALLOW_EMBEDDED=true`.
 */
export function createTransports(
  settings: NotificationSettings,
  owner: TransportsOwner,
  logger: LoggerService,
): NotificationTransports {
  const log = new LogTransport(logger);
  const logFor = (variable: string): NotificationTransport => {
    assertEmbeddedAllowed(owner, 'log transport', `${owner.envPrefix}_${variable}`);
    return log;
  };
  const webhook = (url: string | undefined, variable: string): NotificationTransport =>
    url === undefined ? logFor(variable) : new WebhookTransport(url, settings.DELIVERY_TIMEOUT);
  const transports: NotificationTransports = {
    email:
      settings.SMTP_HOST === undefined
        ? logFor('SMTP_HOST')
        : new SmtpTransport({
            host: settings.SMTP_HOST,
            port: settings.SMTP_PORT,
            secure: settings.SMTP_SECURE,
            user: settings.SMTP_USER,
            password: settings.SMTP_PASSWORD,
            from: settings.SMTP_FROM,
            timeoutMs: settings.DELIVERY_TIMEOUT,
          }),
    sms: webhook(settings.SMS_WEBHOOK_URL, 'SMS_WEBHOOK_URL'),
    push: webhook(settings.PUSH_WEBHOOK_URL, 'PUSH_WEBHOOK_URL'),
  };
  for (const [channel, transport] of Object.entries(transports)) {
    logger.log(`${channel} notifications: ${transport.description}`);
  }
  return transports;
}

/** Provides `NOTIFICATION_TRANSPORTS` from the service settings. */
export const notificationTransportsProvider: Provider = {
  provide: NOTIFICATION_TRANSPORTS,
  useFactory: (
    settings: NotificationSettings,
    definition: ServiceDefinition,
    deployment: DeploymentMode,
    logger: ToolkitLogger,
  ) =>
    createTransports(
      settings,
      { ...deployment, serviceName: definition.name, envPrefix: definition.envPrefix },
      logger.forContext('NotificationDelivery'),
    ),
  inject: [SERVICE_SETTINGS, SERVICE_DEFINITION, DEPLOYMENT_MODE, ToolkitLogger],
};

/** Injects the channel → transport table. */
export const InjectNotificationTransports = (): ParameterDecorator =>
  Inject(NOTIFICATION_TRANSPORTS);
