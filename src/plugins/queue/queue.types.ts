/** What a handler learns about the delivery besides the payload. @publicApi */
export interface QueueMessageInfo {
  /** AMQP `message_id`: stable across retries and re-publishes; deduplicate on it. */
  messageId: string;
  /** Event name (the routing key), e.g. `user.created`. */
  event: string;
  /** The broker delivered this message before (a consumer died before acking it). */
  redelivered: boolean;
  /** 1 on the first delivery, 2 on the first retry, and so on. */
  attempt: number;
}

/** A subscriber: resolve to acknowledge, throw to have the message retried (then dead-lettered). @publicApi */
export type QueueHandler = (payload: unknown, message: QueueMessageInfo) => Promise<void>;

/** @publicApi */
export interface QueuePublishOptions {
  /** AMQP `message_id`; a fresh UUID when absent. Re-publishing with the same id lets consumers deduplicate. */
  messageId?: string;
  headers?: Record<string, string>;
}

/**
 * The `rabbitmq` plugin as services use it: events go to one durable topic exchange
 * with the event name as routing key; every subscribing service owns `<service>.<event>`.
 * @publicApi
 */
export interface QueuePlugin {
  /** Publishes the bare event JSON; resolves once the broker confirmed it (persistent). */
  publish(event: string, payload: object, options?: QueuePublishOptions): Promise<void>;
  /**
   * Consumes `event` through the durable queue `<service>.<event>`; replicas of one service share
   * it, other services get their own copy. Resolves once the consumer is set up, or at once while
   * the broker is unreachable (the consumer starts when it connects, and again after every reconnect).
   */
  subscribe(service: string, event: string, handler: QueueHandler): Promise<void>;
}

/** The queue plugin's part of a service's plugin options. @publicApi */
export interface QueuePluginOptions {
  /** Enables the transactional outbox for this queue instance. */
  outbox?: OutboxPluginOptions;
}

/** @publicApi */
export interface OutboxPluginOptions {
  /** Prefix of the service's `postgres_gorm` plugin holding the outbox table. @default 'pgsql' */
  pgsqlPrefix?: string;
  /** Table name; give each service its own when several share a database. @default 'outbox' */
  table?: string;
}
