import { randomUUID } from 'node:crypto';
import { LoggerService } from '@nestjs/common';
import { QueueEventMetrics, reportUnroutable } from '../queue.metrics';
import { QueueHandler, QueuePlugin, QueuePublishOptions } from '../queue.types';
import { RetryPolicy, subscriptionQueues } from '../retry-policy';
import { EmbeddedBroker, EmbeddedMessage, EmbeddedSubscription } from './embedded-broker';

export type { EmbeddedMessage } from './embedded-broker';

/**
 * One service instance's handle on the process-wide in-process broker (no host configured), with
 * the RabbitMQ client's semantics: one queue per service and event, fed by every service of the
 * process; replicas (several subscribers of one service) take turns; failures retry with the same
 * backoff, then land in `<service>.<event>.dlq`. Messages live in memory only.
 */
export class EmbeddedQueueClient implements QueuePlugin {
  private readonly subscriptions: EmbeddedSubscription[] = [];
  private consuming = true;

  constructor(
    private readonly broker: EmbeddedBroker,
    private readonly retry: RetryPolicy,
    private readonly prefetch: number,
    private readonly logger: LoggerService,
    private readonly metrics?: QueueEventMetrics,
  ) {}

  async publish(event: string, payload: object, options: QueuePublishOptions = {}): Promise<void> {
    const messageId = options.messageId ?? randomUUID();
    const routed = this.broker.publish({
      messageId,
      event,
      body: JSON.stringify(payload),
      retries: 0,
    });
    if (routed === 0) {
      reportUnroutable(
        { logger: this.logger, metrics: this.metrics },
        { routingKey: event, messageId, broker: 'the embedded broker' },
      );
    }
  }

  async subscribe(service: string, event: string, handler: QueueHandler): Promise<void> {
    if (!this.consuming) return;
    this.subscriptions.push(
      this.broker.addConsumer(subscriptionQueues(service, event).main, event, {
        handler,
        prefetch: this.prefetch,
        retry: this.retry,
        logger: this.logger,
        metrics: this.metrics,
      }),
    );
  }

  /** Messages dead-lettered for `<service>.<event>`, oldest first. */
  deadLetters(service: string, event: string): readonly EmbeddedMessage[] {
    return this.broker.deadLetters(subscriptionQueues(service, event).main);
  }

  /** The in-process broker is always up. */
  async check(): Promise<void> {}

  async stopConsuming(): Promise<void> {
    this.consuming = false;
    const subscriptions = this.subscriptions.splice(0);
    await Promise.all(subscriptions.map((subscription) => subscription.cancel()));
  }

  async close(): Promise<void> {
    await this.stopConsuming();
  }
}
