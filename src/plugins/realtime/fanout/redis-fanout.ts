import Redis, { RedisOptions } from 'ioredis';
import { withTimeout } from '../../../toolkit/runtime/settle-within';
import { RealtimeUnavailableError } from '../realtime.errors';
import { FanoutBus, FanoutDelivery } from './fanout-bus';

/** Connection settings of the fan-out's own Redis connections. */
export interface RedisFanoutOptions {
  host: string;
  port: number;
  password?: string;
  database: number;
  /** Every channel `c` is the Redis channel `<channelPrefix><c>`. */
  channelPrefix: string;
  /** Connect and readiness PING timeout, ms. */
  timeoutMs: number;
  /** Called once per outage (not per reconnect attempt) and once when Redis is back. */
  log: (level: 'warn' | 'log', message: string) => void;
}

/**
 * Cross-instance fan-out over Redis pub/sub with two dedicated connections: a publisher and a
 * pattern subscriber on `<channelPrefix>*`. Every instance, the publishing one included, delivers
 * from its subscription only, so all instances see one channel's frames in the order Redis
 * received them. Pub/sub is at-most-once: frames published while an instance is disconnected
 * are not replayed to it (readiness reports the outage meanwhile).
 */
export class RedisFanout implements FanoutBus {
  readonly backend: string;
  readonly embedded = false;
  private publisher: Redis | undefined;
  private subscriber: Redis | undefined;
  private readonly pattern: string;

  constructor(private readonly options: RedisFanoutOptions) {
    this.backend = `redis ${options.host}:${options.port} channels ${options.channelPrefix}*`;
    this.pattern = `${escapeGlob(options.channelPrefix)}*`;
  }

  async start(deliver: FanoutDelivery): Promise<void> {
    const base: RedisOptions = {
      host: this.options.host,
      port: this.options.port,
      password: this.options.password,
      db: this.options.database,
      connectTimeout: this.options.timeoutMs,
      retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
    };
    // Publishing while disconnected must fail at once with a clear error, not queue up.
    this.publisher = this.watch(
      new Redis({
        ...base,
        connectionName: 'realtime-pub',
        enableOfflineQueue: false,
        maxRetriesPerRequest: 0,
      }),
      'publisher',
    );
    // The subscription is queued until the first connection and renewed by ioredis on reconnect.
    this.subscriber = this.watch(
      new Redis({ ...base, connectionName: 'realtime-sub' }),
      'subscriber',
    );
    const prefixLength = this.options.channelPrefix.length;
    this.subscriber.on('pmessage', (_pattern: string, channel: string, message: string) => {
      deliver(channel.slice(prefixLength), message);
    });
    await withTimeout(
      Promise.all([this.subscriber.psubscribe(this.pattern), once(this.publisher, 'ready')]),
      this.options.timeoutMs,
      `connect timed out after ${this.options.timeoutMs}ms`,
    ).catch((error: unknown) => {
      throw new RealtimeUnavailableError(this.backend, reasonOf(error));
    });
  }

  async publish(channel: string, frameJson: string): Promise<void> {
    const publisher = this.publisher;
    if (!publisher) throw new RealtimeUnavailableError(this.backend, 'not started');
    try {
      await publisher.publish(`${this.options.channelPrefix}${channel}`, frameJson);
    } catch (error) {
      throw new RealtimeUnavailableError(this.backend, reasonOf(error));
    }
  }

  async check(): Promise<void> {
    if (!this.publisher || !this.subscriber) throw new Error('not started');
    if (this.subscriber.status !== 'ready') {
      throw new Error(`subscriber connection is ${this.subscriber.status}`);
    }
    await withTimeout(
      this.publisher.ping(),
      this.options.timeoutMs,
      `PING timed out after ${this.options.timeoutMs}ms`,
    );
  }

  async close(): Promise<void> {
    await Promise.all(
      [this.publisher, this.subscriber].map(async (client) => {
        if (!client) return;
        // A client that is not connected would queue QUIT until it reconnects.
        if (client.status !== 'ready') return client.disconnect();
        try {
          await client.quit();
        } catch {
          client.disconnect();
        }
      }),
    );
  }

  private watch(client: Redis, role: string): Redis {
    let down = false;
    client.on('error', (error: Error) => {
      if (down) return;
      down = true;
      this.options.log(
        'warn',
        `realtime ${role}: ${this.backend} unreachable (${error.message}); retrying`,
      );
    });
    client.on('ready', () => {
      if (!down) return;
      down = false;
      this.options.log('log', `realtime ${role}: ${this.backend} reconnected`);
    });
    return client;
  }
}

function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, (char) => `\\${char}`);
}

function once(client: Redis, event: 'ready'): Promise<void> {
  if (client.status === event) return Promise.resolve();
  return new Promise((resolve) => client.once(event, () => resolve()));
}

function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
