import { randomUUID } from 'node:crypto';
import { LoggerService } from '@nestjs/common';
import { QueueHandler, QueuePlugin, QueuePublishOptions } from '../queue.types';
import { RetryPolicy, retryDelay, subscriptionQueues } from '../retry-policy';

/** A message as the in-process broker keeps it: the serialized body, like on the wire. */
export interface EmbeddedMessage {
  messageId: string;
  event: string;
  body: string;
  retries: number;
  /** Why it was dead-lettered, for messages in a DLQ. */
  reason?: string;
}

interface EmbeddedQueue {
  event: string;
  name: string;
  messages: EmbeddedMessage[];
  consumers: QueueHandler[];
  nextConsumer: number;
  busy: number;
  dlq: EmbeddedMessage[];
}

/**
 * In-process broker for development (no host configured) with the RabbitMQ client's semantics:
 * one queue per service and event, replicas (several subscribers of one service) take turns,
 * failures retry with the same backoff, then land in `<service>.<event>.dlq`. Messages live in
 * memory only.
 */
export class EmbeddedQueueClient implements QueuePlugin {
  private readonly queues = new Map<string, EmbeddedQueue>();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly retryTimers = new Set<NodeJS.Timeout>();
  private consuming = true;

  constructor(
    private readonly retry: RetryPolicy,
    private readonly prefetch: number,
    private readonly logger: LoggerService,
  ) {}

  async publish(event: string, payload: object, options: QueuePublishOptions = {}): Promise<void> {
    const message = {
      messageId: options.messageId ?? randomUUID(),
      event,
      body: JSON.stringify(payload),
      retries: 0,
    };
    for (const queue of this.queues.values()) {
      if (queue.event !== event) continue;
      queue.messages.push({ ...message });
      this.pump(queue);
    }
  }

  async subscribe(service: string, event: string, handler: QueueHandler): Promise<void> {
    const name = subscriptionQueues(service, event).main;
    let queue = this.queues.get(name);
    if (!queue) {
      queue = { event, name, messages: [], consumers: [], nextConsumer: 0, busy: 0, dlq: [] };
      this.queues.set(name, queue);
    }
    queue.consumers.push(handler);
    this.pump(queue);
  }

  /** Messages dead-lettered for `<service>.<event>`, oldest first. */
  deadLetters(service: string, event: string): readonly EmbeddedMessage[] {
    return this.queues.get(subscriptionQueues(service, event).main)?.dlq ?? [];
  }

  /** The in-process broker is always up. */
  async check(): Promise<void> {}

  async stopConsuming(): Promise<void> {
    this.consuming = false;
    for (const timer of this.retryTimers) clearTimeout(timer);
    this.retryTimers.clear();
    await Promise.allSettled([...this.inFlight]);
  }

  async close(): Promise<void> {
    await this.stopConsuming();
  }

  private pump(queue: EmbeddedQueue): void {
    const capacity = queue.consumers.length * this.prefetch;
    while (this.consuming && queue.messages.length > 0 && queue.busy < capacity) {
      const message = queue.messages.shift() as EmbeddedMessage;
      const handler = queue.consumers[queue.nextConsumer % queue.consumers.length];
      queue.nextConsumer += 1;
      queue.busy += 1;
      const delivery = this.deliver(queue, handler, message).finally(() => {
        queue.busy -= 1;
        this.inFlight.delete(delivery);
        this.pump(queue);
      });
      this.inFlight.add(delivery);
    }
  }

  private async deliver(
    queue: EmbeddedQueue,
    handler: QueueHandler,
    message: EmbeddedMessage,
  ): Promise<void> {
    try {
      await handler(JSON.parse(message.body), {
        messageId: message.messageId,
        event: message.event,
        redelivered: false,
        attempt: message.retries + 1,
      });
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      if (message.retries >= this.retry.maxRetries) {
        this.logger.error(
          `${queue.name}: message ${message.messageId} failed after ${message.retries + 1} attempts: ${reason}; dead-lettered`,
        );
        queue.dlq.push({ ...message, reason });
        return;
      }
      const delay = retryDelay(this.retry, message.retries + 1);
      this.logger.warn(
        `${queue.name}: message ${message.messageId} failed: ${reason}; retrying in ${delay}ms`,
      );
      const timer = setTimeout(() => {
        this.retryTimers.delete(timer);
        queue.messages.push({ ...message, retries: message.retries + 1 });
        this.pump(queue);
      }, delay);
      this.retryTimers.add(timer);
    }
  }
}
