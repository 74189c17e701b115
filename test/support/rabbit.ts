import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { connect as connectTcp } from 'node:net';
import { promisify } from 'node:util';
import { ChannelModel, GetMessage, connect } from 'amqplib';

const run = promisify(execFile);

/** Where the shared test RabbitMQ is. */
export const TEST_RABBIT = {
  host: process.env.TEST_QUEUE_HOST ?? '127.0.0.1',
  port: Number(process.env.TEST_QUEUE_PORT ?? 5672),
  url: process.env.TEST_QUEUE_URL ?? 'amqp://guest:guest@127.0.0.1:5672/',
};

/** A name no other suite uses, e.g. `t-queue-e2e-1a2b3c4d`. */
export function uniqueName(suite: string): string {
  return `t-${suite.toLowerCase().replace(/[^a-z0-9]+/g, '-')}-${randomBytes(4).toString('hex')}`;
}

/**
 * `<envPrefix>_<SCOPE>_*` variables pointing a queue plugin at the test broker with an exchange of
 * its own and fast retries/reconnects, so suites stay isolated and quick.
 */
export function rabbitEnv(
  envPrefix: string,
  exchange: string,
  overrides: Record<string, string> = {},
  scope = 'QUEUE',
): Record<string, string> {
  const settings: Record<string, string> = {
    HOST: TEST_RABBIT.host,
    PORT: String(TEST_RABBIT.port),
    EXCHANGE: exchange,
    RETRY_BACKOFF: '50ms',
    RETRY_BACKOFF_MAX: '200ms',
    RECONNECT_INTERVAL: '200ms',
    RECONNECT_INTERVAL_MAX: '1s',
    ...overrides,
  };
  return Object.fromEntries(
    Object.entries(settings).map(([field, value]) => [`${envPrefix}_${scope}_${field}`, value]),
  );
}

/** A raw amqplib connection to the test broker, to publish malformed messages and inspect queues. */
export class RabbitProbe {
  private constructor(private readonly connection: ChannelModel) {}

  static async open(): Promise<RabbitProbe> {
    return new RabbitProbe(await connect(TEST_RABBIT.url));
  }

  /** Publishes raw bytes to `exchange` (declared durable topic, as the plugin declares it). */
  async publishRaw(
    exchange: string,
    routingKey: string,
    body: string,
    messageId?: string,
  ): Promise<void> {
    const channel = await this.connection.createConfirmChannel();
    try {
      await channel.assertExchange(exchange, 'topic', { durable: true });
      channel.publish(exchange, routingKey, Buffer.from(body), {
        contentType: 'application/json',
        messageId,
        persistent: true,
      });
      await channel.waitForConfirms();
    } finally {
      await channel.close();
    }
  }

  /** Takes every message currently in `queue` (acked), oldest first. */
  async drain(queue: string): Promise<GetMessage[]> {
    const channel = await this.connection.createChannel();
    try {
      const messages: GetMessage[] = [];
      for (;;) {
        const message = await channel.get(queue, { noAck: true });
        if (message === false) return messages;
        messages.push(message);
      }
    } finally {
      await channel.close();
    }
  }

  /** A queue of our own bound to `event` on `exchange`, to see messages exactly as published. */
  async tap(exchange: string, event: string): Promise<string> {
    const channel = await this.connection.createChannel();
    try {
      await channel.assertExchange(exchange, 'topic', { durable: true });
      const { queue } = await channel.assertQueue(uniqueName('tap'), { exclusive: true });
      await channel.bindQueue(queue, exchange, event);
      return queue;
    } finally {
      await channel.close();
    }
  }

  /** Deletes the queues and the exchange a suite created. */
  async cleanUp(exchange: string, queues: readonly string[]): Promise<void> {
    const channel = await this.connection.createChannel();
    for (const queue of queues) await channel.deleteQueue(queue);
    await channel.deleteExchange(exchange);
    await channel.close();
  }

  async close(): Promise<void> {
    await this.connection.close();
  }
}

/** Every queue of one subscription, for clean-up. */
export function subscriptionQueueNames(service: string, event: string): string[] {
  const main = `${service}.${event}`;
  return [main, `${main}.retry`, `${main}.dlq`];
}

/** Polls `condition` every 25ms until it holds or `timeoutMs` passed (then throws `what`). */
export async function waitFor(
  condition: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

function brokerAccepts(): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connectTcp(TEST_RABBIT.port, TEST_RABBIT.host);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * Stops the local broker's application (`rabbitmqctl stop_app`), runs `whileDown`, and ALWAYS starts
 * it again and waits until it accepts connections, even when `whileDown` throws.
 */
export async function withBrokerStopped<T>(whileDown: () => Promise<T>): Promise<T> {
  await run('rabbitmqctl', ['stop_app'], { timeout: 60_000 });
  try {
    return await whileDown();
  } finally {
    await run('rabbitmqctl', ['start_app'], { timeout: 60_000 });
    await run('rabbitmqctl', ['await_startup'], { timeout: 60_000 });
    await waitFor(brokerAccepts, 'the broker to accept connections', 30_000);
  }
}
