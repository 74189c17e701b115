import { LoggerService } from '@nestjs/common';
import { Delivery, NotificationTransport } from './notification-transport';

/**
 * The embedded default of a channel without a configured backend: the notification is
 * written to the log and counts as sent, so a bare `npm start` works end to end.
 */
export class LogTransport implements NotificationTransport {
  readonly description = 'log (embedded; no backend configured)';

  constructor(private readonly logger: LoggerService) {}

  async deliver(delivery: Delivery): Promise<void> {
    this.logger.log(
      `${delivery.channel} notification ${delivery.notificationId} to user ${delivery.userId}` +
        `${delivery.recipient === undefined ? '' : ` <${delivery.recipient}>`}: ${delivery.subject}`,
    );
  }
}
