import {
  Injectable,
  OnApplicationBootstrap,
  OnApplicationShutdown,
  OnModuleDestroy,
} from '@nestjs/common';
import { withTimeout } from '../../../toolkit/runtime/settle-within';
import { backoffDelay } from '../../../toolkit/runtime/backoff';
import { InjectServiceSettings } from '../../../toolkit/runtime/tokens';
import { ContactRepository } from '../contact.repository';
import { NotificationRepository } from '../notification.repository';
import { NotificationSettings } from '../notification.settings';
import { StoredNotification } from '../notification.types';
import { errorReason } from '../../../toolkit/errors';
import { Delivery, NotificationTransports, PermanentDeliveryError } from './notification-transport';
import { InjectNotificationTransports } from './transports';
import { ToolkitLogger } from '../../../toolkit/runtime/toolkit-logger';

/** Extra lease beyond one attempt's timeout before another worker may take a claimed row. */
const LEASE_MARGIN_MS = 5_000;

/**
 * Delivers queued notifications asynchronously, so SendNotification and event handlers only write
 * a row. The queue is the `notifications` table itself: due rows are claimed with a lease
 * (`FOR UPDATE SKIP LOCKED`, so replicas share the work), sent through their channel's transport
 * with DELIVERY_TIMEOUT, then marked `sent`, retried with doubling backoff, or `failed` after
 * DELIVERY_MAX_ATTEMPTS (at once for permanent failures). New rows wake the worker at once; a poll
 * every DELIVERY_POLL_INTERVAL picks up retries and rows committed by other instances. Delivery is
 * at least once: a process dying between a send and its mark re-sends after the lease.
 */
@Injectable()
export class DeliveryWorker
  implements OnApplicationBootstrap, OnModuleDestroy, OnApplicationShutdown
{
  private readonly logger: ToolkitLogger;
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private wakeRequested = false;
  private stopped = true;

  constructor(
    private readonly notifications: NotificationRepository,
    private readonly contacts: ContactRepository,
    @InjectNotificationTransports() private readonly transports: NotificationTransports,
    @InjectServiceSettings() private readonly settings: NotificationSettings,
    logger: ToolkitLogger,
  ) {
    this.logger = logger.forContext(DeliveryWorker.name);
  }

  onApplicationBootstrap(): void {
    this.stopped = false;
    this.timer = setInterval(() => this.wake(), this.settings.DELIVERY_POLL_INTERVAL);
    this.timer.unref();
    this.wake();
  }

  /** Before the data source closes: no new claims, and the deliveries in flight finish. */
  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.running;
  }

  onApplicationShutdown(): void {
    for (const transport of new Set(Object.values(this.transports))) transport.close?.();
  }

  /** Runs a delivery pass now, or right after the one in progress. */
  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.wakeRequested = true;
      return;
    }
    this.running = this.drain()
      .catch((error: unknown) =>
        this.logger.warn(`delivery pass failed: ${errorReason(error)}; next poll retries`),
      )
      .finally(() => {
        this.running = undefined;
        if (this.wakeRequested) {
          this.wakeRequested = false;
          this.wake();
        }
      });
  }

  private async drain(): Promise<void> {
    const batch = this.settings.DELIVERY_CONCURRENCY;
    const lease = this.settings.DELIVERY_TIMEOUT + LEASE_MARGIN_MS;
    while (!this.stopped) {
      const due = await this.notifications.claimDue(batch, lease);
      await Promise.all(due.map((notification) => this.deliver(notification)));
      if (due.length < batch) return;
    }
  }

  private async deliver(notification: StoredNotification): Promise<void> {
    const attempt = notification.attempts + 1;
    try {
      const delivery = await this.prepare(notification);
      await withTimeout(
        this.transports[notification.channel].deliver(delivery),
        this.settings.DELIVERY_TIMEOUT,
        `delivery timed out after ${this.settings.DELIVERY_TIMEOUT}ms`,
      );
    } catch (error) {
      await this.settleFailure(notification, attempt, error);
      return;
    }
    await this.notifications.markSent(notification.id);
  }

  private async prepare(notification: StoredNotification): Promise<Delivery> {
    const delivery: Delivery = {
      notificationId: notification.id,
      userId: notification.userId,
      channel: notification.channel,
      subject: notification.subject,
      message: notification.message,
      metadata: notification.metadata,
    };
    if (notification.channel !== 'email') return delivery;
    // Only the address user-service announced for the user: whatever a request's metadata says,
    // it never chooses where an e-mail goes (no open relay).
    const recipient = await this.contacts.email(notification.userId);
    if (recipient === null) {
      throw new PermanentDeliveryError(
        `no e-mail address known for user ${notification.userId} (no user.created or user.updated seen)`,
      );
    }
    return { ...delivery, recipient };
  }

  private async settleFailure(
    notification: StoredNotification,
    attempt: number,
    error: unknown,
  ): Promise<void> {
    const reason = errorReason(error).slice(0, 500);
    if (error instanceof PermanentDeliveryError || attempt >= this.settings.DELIVERY_MAX_ATTEMPTS) {
      this.logger.warn(
        `notification ${notification.id} failed after ${attempt} attempt(s): ${reason}`,
      );
      await this.notifications.markFailed(notification.id, reason);
      return;
    }
    const delay = backoffDelay(this.settings.DELIVERY_RETRY_BACKOFF, Infinity, attempt);
    this.logger.warn(
      `notification ${notification.id} attempt ${attempt} failed: ${reason}; retry in ${delay}ms`,
    );
    await this.notifications.markRetry(notification.id, delay, reason);
  }
}
