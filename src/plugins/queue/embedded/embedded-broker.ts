import { LoggerService } from '@nestjs/common';
import { QueueHandler } from '../queue.types';
import { isUnprocessable } from '../queue.errors';
import type { QueueEventMetrics } from '../queue.metrics';
import { RetryPolicy, retryDelay } from '../retry-policy';

/** A message as the in-process broker keeps it: the serialized body, like on the wire. */
export interface EmbeddedMessage {
  messageId: string;
  event: string;
  body: string;
  retries: number;
  /** Why it was dead-lettered, for messages in a DLQ. */
  reason?: string;
}

/** One subscriber of a queue, with the settings of the service instance that registered it. */
export interface EmbeddedConsumer {
  handler: QueueHandler;
  prefetch: number;
  retry: RetryPolicy;
  logger: LoggerService;
  /** Where delivery outcomes are counted (the subscribing app's registry). */
  metrics?: QueueEventMetrics;
}

interface ConsumerState extends EmbeddedConsumer {
  busy: number;
  running: Set<Promise<void>>;
}

/** A consumer's registration; cancelling waits for the deliveries it is running. */
export interface EmbeddedSubscription {
  cancel(): Promise<void>;
}

interface BrokerQueue {
  event: string;
  name: string;
  messages: EmbeddedMessage[];
  consumers: ConsumerState[];
  nextConsumer: number;
  dlq: EmbeddedMessage[];
}

/**
 * The in-process stand-in for one RabbitMQ exchange, shared by every service of the process (as
 * the real exchange is shared by every service of a deployment): a published event lands in each
 * `<service>.<event>` queue bound to it, whichever service published it. Queues outlive their
 * consumers, as durable queues do, so messages wait for a consumer. Memory only.
 * @internal
 */
export class EmbeddedBroker {
  private readonly queues = new Map<string, BrokerQueue>();

  /** Copies `message` into every queue bound to its event; how many queues took it. */
  publish(message: EmbeddedMessage): number {
    let routed = 0;
    for (const queue of this.queues.values()) {
      if (queue.event !== message.event) continue;
      queue.messages.push({ ...message });
      routed += 1;
      this.pump(queue);
    }
    return routed;
  }

  /** Declares `name` (bound to `event`) if needed and adds a consumer; replicas take turns. */
  addConsumer(name: string, event: string, consumer: EmbeddedConsumer): EmbeddedSubscription {
    let queue = this.queues.get(name);
    if (!queue) {
      queue = { event, name, messages: [], consumers: [], nextConsumer: 0, dlq: [] };
      this.queues.set(name, queue);
    }
    const bound = queue;
    const state: ConsumerState = { ...consumer, busy: 0, running: new Set() };
    bound.consumers.push(state);
    this.pump(bound);
    return {
      cancel: async () => {
        bound.consumers = bound.consumers.filter((candidate) => candidate !== state);
        await Promise.allSettled([...state.running]);
      },
    };
  }

  /** Messages dead-lettered from queue `name`, oldest first. */
  deadLetters(name: string): readonly EmbeddedMessage[] {
    return this.queues.get(name)?.dlq ?? [];
  }

  private pump(queue: BrokerQueue): void {
    for (;;) {
      const consumer = queue.messages.length > 0 ? this.nextFreeConsumer(queue) : undefined;
      if (!consumer) return;
      const message = queue.messages.shift() as EmbeddedMessage;
      consumer.busy += 1;
      const delivery = this.deliver(queue, consumer, message).finally(() => {
        consumer.busy -= 1;
        consumer.running.delete(delivery);
        this.pump(queue);
      });
      consumer.running.add(delivery);
    }
  }

  /** Round robin over the consumers that have prefetch left. */
  private nextFreeConsumer(queue: BrokerQueue): ConsumerState | undefined {
    for (let step = 0; step < queue.consumers.length; step += 1) {
      const index = (queue.nextConsumer + step) % queue.consumers.length;
      const consumer = queue.consumers[index];
      if (consumer.busy < consumer.prefetch) {
        queue.nextConsumer = (index + 1) % queue.consumers.length;
        return consumer;
      }
    }
    return undefined;
  }

  private async deliver(
    queue: BrokerQueue,
    consumer: ConsumerState,
    message: EmbeddedMessage,
  ): Promise<void> {
    try {
      await consumer.handler(JSON.parse(message.body), {
        messageId: message.messageId,
        event: message.event,
        redelivered: false,
        attempt: message.retries + 1,
      });
      consumer.metrics?.consumed(message.event);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      const unprocessable = isUnprocessable(error);
      if (unprocessable || message.retries >= consumer.retry.maxRetries) {
        consumer.logger.error(
          `${queue.name}: message ${message.messageId} failed after ${message.retries + 1} attempts: ${reason}; dead-lettered`,
        );
        queue.dlq.push({ ...message, reason });
        consumer.metrics?.deadLettered(
          message.event,
          unprocessable ? 'unprocessable' : 'retries_exhausted',
        );
        return;
      }
      consumer.metrics?.retried(message.event);
      const delay = retryDelay(consumer.retry, message.retries + 1);
      consumer.logger.warn(
        `${queue.name}: message ${message.messageId} failed: ${reason}; retrying in ${delay}ms`,
      );
      // The message waits in the broker, not in the consumer: it is retried by whichever
      // consumer the queue has then, and never keeps the process alive on its own.
      setTimeout(() => {
        queue.messages.push({ ...message, retries: message.retries + 1 });
        this.pump(queue);
      }, delay).unref();
    }
  }
}

const brokers = new Map<string, EmbeddedBroker>();

/**
 * The process-wide broker standing in for `exchange`: every service of the process that has no
 * broker host configured publishes and consumes through it, so events flow between them exactly
 * as through RabbitMQ.
 * @internal
 */
export function embeddedBroker(exchange: string): EmbeddedBroker {
  let broker = brokers.get(exchange);
  if (!broker) {
    broker = new EmbeddedBroker();
    brokers.set(exchange, broker);
  }
  return broker;
}
