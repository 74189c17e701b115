import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { InjectNotificationServicePgsql } from '../../gen/notificationservice/notification-service.toolkit';
import { PgsqlPlugin } from '../../plugins/pgsql';
import { QueueMessageInfo, QueueSubscribe } from '../../plugins/queue';
import { ContactRepository } from './contact.repository';
import { orderConfirmation, welcomeNotification } from './event-notifications';
import {
  ORDER_COMPLETED,
  USER_CREATED,
  USER_UPDATED,
  parseOrderCompleted,
  parseUserEvent,
} from './event-payloads';
import { NotificationService } from './notification.service';
import { ProcessedMessageRepository } from './processed-message.repository';
import { ToolkitLogger } from '../../toolkit/runtime/toolkit-logger';

/**
 * Consumers of notification-service (`notification-service.<event>` queues). Each message is
 * handled once per AMQP `message_id`: its id is recorded in the same transaction as its effects,
 * and a message whose id is already recorded is acknowledged without effect. A handler that throws
 * (bad body, database down) has the message retried by the queue plugin, then dead-lettered.
 */
@Injectable()
export class NotificationEventsConsumer {
  private readonly logger: ToolkitLogger;

  constructor(
    @InjectNotificationServicePgsql() private readonly pgsql: PgsqlPlugin,
    private readonly processed: ProcessedMessageRepository,
    private readonly contacts: ContactRepository,
    private readonly notifications: NotificationService,
    logger: ToolkitLogger,
  ) {
    this.logger = logger.forContext(NotificationEventsConsumer.name);
  }

  /** Welcome email; also remembers the user's email for later notifications. */
  @QueueSubscribe(USER_CREATED)
  async onUserCreated(payload: unknown, message: QueueMessageInfo): Promise<void> {
    const user = parseUserEvent(USER_CREATED, payload);
    await this.once(message, async (manager) => {
      await this.contacts.remember(
        manager,
        { userId: user.user_id, name: user.name, email: user.email },
        false,
      );
      await this.notifications.record(welcomeNotification(user), manager);
    });
  }

  /**
   * No notification (a profile change is not worth an email): the user's new name and email replace the known
   * contact, so later emails (order confirmations) reach the new address.
   */
  @QueueSubscribe(USER_UPDATED)
  async onUserUpdated(payload: unknown, message: QueueMessageInfo): Promise<void> {
    const user = parseUserEvent(USER_UPDATED, payload);
    await this.once(message, (manager) =>
      this.contacts.remember(
        manager,
        { userId: user.user_id, name: user.name, email: user.email },
        true,
      ),
    );
  }

  /** Order confirmation email. */
  @QueueSubscribe(ORDER_COMPLETED)
  async onOrderCompleted(payload: unknown, message: QueueMessageInfo): Promise<void> {
    const order = parseOrderCompleted(payload);
    await this.once(message, async (manager) => {
      await this.notifications.record(orderConfirmation(order), manager);
    });
  }

  /** Runs `effects` in one transaction with recording the message id; skips a duplicate. */
  private async once(
    message: QueueMessageInfo,
    effects: (manager: EntityManager) => Promise<void>,
  ): Promise<void> {
    const fresh = await this.pgsql.transaction(async (manager) => {
      if (!(await this.processed.record(manager, message.messageId, message.event))) return false;
      await effects(manager);
      return true;
    });
    if (!fresh) {
      this.logger.log(`${message.event} ${message.messageId} already processed; skipped`);
      return;
    }
    this.notifications.deliverPending();
  }
}
