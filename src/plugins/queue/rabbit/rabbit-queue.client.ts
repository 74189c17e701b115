import { randomUUID } from 'node:crypto';
import { LoggerService } from '@nestjs/common';
import { AmqpConnection } from '@golevelup/nestjs-rabbitmq';
import { ConfirmChannel, Message } from 'amqplib';
import { QueueHandler, QueuePlugin, QueuePublishOptions } from '../queue.types';
import { BrokerUnavailableError } from '../queue.errors';
import { QueueEventMetrics, reportUnroutable } from '../queue.metrics';
import { RetryPolicy, subscriptionQueues } from '../retry-policy';
import { DeliveryTarget, handleDelivery } from './delivery';

/** Everything the RabbitMQ client needs, resolved from the plugin's variables. */
export interface RabbitQueueSettings {
  url: string;
  /** Connection name in logs, e.g. `user-service/queue`. */
  name: string;
  exchange: string;
  prefetch: number;
  retry: RetryPolicy;
  reconnectInitialMs: number;
  reconnectMaxMs: number;
  publishTimeoutMs: number;
  heartbeatMs: number;
  /** Where delivery outcomes are counted; none when absent. */
  metrics?: QueueEventMetrics;
}

interface ActiveConsumer {
  channel: ConfirmChannel;
  consumerTag: string;
}

/**
 * `QueuePlugin` on RabbitMQ through @golevelup/nestjs-rabbitmq's `AmqpConnection` (managed
 * connection and confirm channel from amqp-connection-manager). Consumers are set up as channel
 * setup functions, so they come back after every reconnect; nothing waits for the broker at
 * start-up (golevelup's `@RabbitSubscribe` discovery would block app init until it connects).
 */
export class RabbitQueueClient implements QueuePlugin {
  private readonly amqp: AmqpConnection;
  private started?: Promise<void>;
  private consuming = true;
  private readonly consumers = new Set<ActiveConsumer>();
  private subscriptions = 0;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly settings: RabbitQueueSettings,
    private readonly logger: LoggerService,
  ) {
    this.amqp = new AmqpConnection({
      name: settings.name,
      uri: settings.url,
      prefetchCount: settings.prefetch,
      exchanges: [{ name: settings.exchange, type: 'topic', options: { durable: true } }],
      enableDirectReplyTo: false,
      registerHandlers: false,
      // Their lines are an error with a stack per disconnect and a warning per attempt; this
      // client logs one warning per outage instead (see `watchConnection`).
      connectionInitOptions: {
        wait: false,
        skipDisconnectFailedLogging: true,
        skipConnectionFailedLogging: true,
      },
      connectionManagerOptions: {
        heartbeatIntervalInSeconds: Math.max(1, Math.round(settings.heartbeatMs / 1000)),
        reconnectTimeInSeconds: settings.reconnectInitialMs / 1000,
      },
      logger,
    });
  }

  /** Starts connecting in the background; idempotent, never waits for the broker. */
  start(): Promise<void> {
    this.started ??= this.amqp.init().then(() => {
      this.watchConnection();
      return this.reportReturnedEvents();
    });
    return this.started;
  }

  /** True while a connection to the broker is open. */
  get connected(): boolean {
    return this.started !== undefined && this.amqp.managedConnection?.isConnected() === true;
  }

  async publish(event: string, payload: object, options: QueuePublishOptions = {}): Promise<void> {
    await this.start();
    const content = Buffer.from(JSON.stringify(payload));
    try {
      await this.amqp.managedChannel.publish(this.settings.exchange, event, content, {
        contentType: 'application/json',
        messageId: options.messageId ?? randomUUID(),
        type: event,
        persistent: true,
        // The broker returns an event no queue is bound to (see `reportReturnedEvents`).
        mandatory: true,
        timestamp: Math.floor(Date.now() / 1000),
        headers: options.headers,
        timeout: this.settings.publishTimeoutMs,
      });
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      if (!this.connected || /^(timeout|Channel closed|Not connected\.?)$/.test(reason)) {
        throw new BrokerUnavailableError(
          `${this.settings.name}: publish of ${event} failed: ${reason}`,
          {
            cause: error,
          },
        );
      }
      throw error;
    }
  }

  async subscribe(service: string, event: string, handler: QueueHandler): Promise<void> {
    await this.start();
    const target: DeliveryTarget = {
      event,
      queues: subscriptionQueues(service, event),
      handler,
      retry: this.settings.retry,
      logger: this.logger,
      metrics: this.settings.metrics,
    };
    this.subscriptions += 1;
    await this.amqp.managedChannel.addSetup((channel: ConfirmChannel) =>
      this.consume(channel, target),
    );
  }

  /** Readiness: connected, and every subscription has its queues bound and a consumer. */
  async check(): Promise<void> {
    if (!this.connected) throw new Error(`not connected to ${this.settings.name} broker`);
    if (this.consuming && this.consumers.size < this.subscriptions) {
      throw new Error(`${this.consumers.size} of ${this.subscriptions} consumers set up`);
    }
  }

  /** Cancels every consumer and waits for the handlers already running. */
  async stopConsuming(): Promise<void> {
    this.consuming = false;
    const consumers = [...this.consumers];
    this.consumers.clear();
    await Promise.allSettled(
      consumers.map(({ channel, consumerTag }) => channel.cancel(consumerTag)),
    );
    await Promise.allSettled([...this.inFlight]);
  }

  /** Stops consuming, drains handlers, then closes channels and the connection. */
  async close(): Promise<void> {
    await this.stopConsuming();
    if (this.started === undefined) return;
    await this.started;
    await this.amqp.close();
  }

  /** Channel setup of one subscription: declares its queues, then consumes the main queue. */
  private async consume(channel: ConfirmChannel, target: DeliveryTarget): Promise<void> {
    if (!this.consuming) return;
    const { main, retry, dlq } = target.queues;
    await channel.assertExchange(this.settings.exchange, 'topic', { durable: true });
    await channel.assertQueue(dlq, { durable: true });
    await channel.assertQueue(retry, {
      durable: true,
      deadLetterExchange: '',
      deadLetterRoutingKey: main,
    });
    await channel.assertQueue(main, { durable: true });
    await channel.bindQueue(main, this.settings.exchange, target.event);
    await channel.prefetch(this.settings.prefetch);
    const consumer: ActiveConsumer = { channel, consumerTag: '' };
    const { consumerTag } = await channel.consume(main, (message) => {
      if (message === null) return;
      const handling = handleDelivery(channel, message, target).catch((error: unknown) =>
        this.logger.error(`${main}: delivery handling failed: ${String(error)}`),
      );
      this.inFlight.add(handling);
      void handling.finally(() => this.inFlight.delete(handling));
    });
    consumer.consumerTag = consumerTag;
    this.consumers.add(consumer);
    channel.once('close', () => this.consumers.delete(consumer));
  }

  /**
   * A mandatory publish that matched no binding comes back as basic.return (before its confirm,
   * so the publish itself succeeds). The listener goes on every channel the manager opens, since
   * a reconnect replaces the channel.
   */
  private reportReturnedEvents(): Promise<void> {
    return this.amqp.managedChannel.addSetup((channel: ConfirmChannel) => {
      channel.on('return', (message: Message) =>
        reportUnroutable(
          { logger: this.logger, metrics: this.settings.metrics },
          {
            routingKey: message.fields.routingKey,
            messageId: String(message.properties.messageId ?? 'without id'),
            broker: `exchange "${this.settings.exchange}"`,
          },
        ),
      );
    });
  }

  /**
   * amqp-connection-manager waits a fixed time between attempts: double it while the broker is
   * down, up to RECONNECT_INTERVAL_MAX. An outage is one warning (no stack: a broker going away
   * is an operational event, not a bug) and its end one line with how long it lasted.
   */
  private watchConnection(): void {
    const manager = this.amqp.managedConnection;
    const initial = this.settings.reconnectInitialMs / 1000;
    const max = this.settings.reconnectMaxMs / 1000;
    let downSince: number | undefined;
    const wentDown = (reason: string) => {
      if (downSince !== undefined) return;
      downSince = Date.now();
      this.logger.warn(`${this.settings.name}: broker unreachable (${reason}); reconnecting`);
    };
    manager.on('disconnect', ({ err }: { err?: Error }) =>
      wentDown(err?.message ?? 'connection closed'),
    );
    manager.on('connectFailed', ({ err }: { err?: Error }) => {
      wentDown(err?.message ?? 'connection failed');
      manager.reconnectTimeInSeconds = Math.min(max, manager.reconnectTimeInSeconds * 2);
    });
    manager.on('connect', () => {
      manager.reconnectTimeInSeconds = initial;
      if (downSince === undefined) return;
      this.logger.log(
        `${this.settings.name}: broker reachable again after ${Date.now() - downSince}ms`,
      );
      downSince = undefined;
    });
  }
}
