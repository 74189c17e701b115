import { ConfigValues, defineConfig } from '../../toolkit/config';

/** Variables of one queue instance: `<ENV_PREFIX>_<PREFIX>_*`, e.g. `USER_SERVICE_QUEUE_HOST`. */
export function queueConfigSection(prefix: string) {
  return defineConfig(prefix, {
    HOST: {
      type: 'string',
      description: 'RabbitMQ host; with DSN also unset, an in-process broker is used',
    },
    PORT: { type: 'port', default: 5672, description: 'RabbitMQ port' },
    USERNAME: { type: 'string', default: 'guest', description: 'RabbitMQ user' },
    PASSWORD: { type: 'string', default: 'guest', secret: true, description: 'RabbitMQ password' },
    VHOST: { type: 'string', default: '/', description: 'RabbitMQ virtual host' },
    DSN: {
      type: 'string',
      secret: true,
      description: 'amqp:// URL; when set it replaces HOST, PORT, USERNAME, PASSWORD and VHOST',
    },
    EXCHANGE: {
      type: 'string',
      default: 'events',
      description: 'Durable topic exchange of events',
    },
    PREFETCH: {
      type: 'int',
      default: 10,
      min: 1,
      description: 'Unacknowledged messages per consumer',
    },
    RETRY_COUNT: {
      type: 'int',
      default: 3,
      min: 0,
      description: 'Retries of a failed handler before the message goes to <service>.<event>.dlq',
    },
    RETRY_BACKOFF: {
      type: 'duration',
      default: '1s',
      description: 'Delay before the first retry; doubles on each further retry',
    },
    RETRY_BACKOFF_MAX: {
      type: 'duration',
      default: '30s',
      description: 'Longest delay between retries',
    },
    RECONNECT_INTERVAL: {
      type: 'duration',
      default: '1s',
      description: 'First delay before reconnecting to the broker; doubles while it stays down',
    },
    RECONNECT_INTERVAL_MAX: {
      type: 'duration',
      default: '2s',
      description: 'Longest delay between reconnect attempts',
    },
    PUBLISH_TIMEOUT: {
      type: 'duration',
      default: '10s',
      description: 'How long publish waits for the broker (connection and confirm) before failing',
    },
    HEARTBEAT: { type: 'duration', default: '5s', description: 'AMQP heartbeat interval' },
  });
}

/** Parsed variables of one queue instance. */
export type QueueConfig = ConfigValues<ReturnType<typeof queueConfigSection>['fields']>;

/** Variables of the transactional outbox relay, loaded only when the outbox is enabled. */
export function outboxConfigSection(prefix: string) {
  return defineConfig(prefix, {
    OUTBOX_POLL_INTERVAL: {
      type: 'duration',
      default: '1s',
      description: 'Outbox relay safety-net polling interval (commits wake it at once)',
    },
    OUTBOX_BATCH_SIZE: {
      type: 'int',
      default: 100,
      min: 1,
      description: 'Outbox rows published per relay transaction',
    },
  });
}

/** Parsed outbox relay variables. */
export type OutboxConfig = ConfigValues<ReturnType<typeof outboxConfigSection>['fields']>;

/** The broker URL from DSN or from the separate parts. */
export function brokerUrl(config: QueueConfig): string {
  if (config.DSN !== undefined) return config.DSN;
  const user = encodeURIComponent(config.USERNAME);
  const password = encodeURIComponent(config.PASSWORD);
  const vhost = encodeURIComponent(config.VHOST);
  return `amqp://${user}:${password}@${config.HOST ?? '127.0.0.1'}:${config.PORT}/${vhost}`;
}

/** The broker URL for logs and probes: the password is removed. */
export function redactedBrokerUrl(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.password = '';
    return parsed.toString();
  } catch {
    return 'amqp://(unparseable DSN)';
  }
}

/** Whether the in-process broker is used: neither a host nor a DSN is configured. */
export function usesEmbeddedBroker(config: QueueConfig): boolean {
  return config.HOST === undefined && config.DSN === undefined;
}
