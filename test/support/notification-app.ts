import { randomBytes } from 'node:crypto';
import { createServer as createHttpServer } from 'node:http';
import { AddressInfo } from 'node:net';
import Redis from 'ioredis';
import { SMTPServer } from 'smtp-server';
import { notificationServiceDefinition } from '../../src/modules/notification/notification.definition';
import { BootstrapOptions, RunningService } from '../../src/toolkit/runtime/bootstrap-service';
import { bootstrapService } from './bootstrap';
import { TestDatabase, createTestDatabase } from './pg';
import { rabbitEnv } from './rabbit';
import { TEST_REDIS, deleteKeys, rawRedis, uniqueKeyPrefix } from './redis';

/** One email the test SMTP server accepted. */
export interface ReceivedEmail {
  from: string;
  to: string[];
  subject: string;
  /** The text body, quoted-printable soft line breaks undone. */
  text: string;
  raw: string;
}

/** A real SMTP server (smtp-server) on a free port that keeps what it receives. */
export interface SmtpReceiver {
  port: number;
  emails: ReceivedEmail[];
  /** Recipients whose mail is refused with 550 (a permanent failure). */
  refuse: Set<string>;
  close(): Promise<void>;
}

export async function startSmtpReceiver(): Promise<SmtpReceiver> {
  const emails: ReceivedEmail[] = [];
  const refuse = new Set<string>();
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo(address, _session, callback) {
      if (refuse.has(address.address)) {
        callback(Object.assign(new Error('mailbox unavailable'), { responseCode: 550 }));
        return;
      }
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const [head, ...body] = raw.split(/\r?\n\r?\n/);
        const subject = /^Subject: (.*)$/im.exec(head)?.[1] ?? '';
        emails.push({
          from: session.envelope.mailFrom === false ? '' : session.envelope.mailFrom.address,
          to: session.envelope.rcptTo.map((recipient) => recipient.address),
          subject,
          text: body
            .join('\n\n')
            .replace(/=\r?\n/g, '')
            .trim(),
          raw,
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    port,
    emails,
    refuse,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** One POST the webhook receiver got. */
export interface ReceivedWebhook {
  path: string;
  body: Record<string, unknown>;
}

/** A local HTTP server playing the SMS gateway / push relay. */
export interface WebhookReceiver {
  url: string;
  received: ReceivedWebhook[];
  /** Status answered per path (default 200); e.g. `status.set('/sms', 503)`. */
  status: Map<string, number>;
  close(): Promise<void>;
}

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = [];
  const status = new Map<string, number>();
  const server = createHttpServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const path = request.url ?? '/';
      received.push({
        path,
        body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>,
      });
      response.statusCode = status.get(path) ?? 200;
      response.end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    status,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A notification-service booted on its own database, Redis prefix and queue names. */
export interface NotificationApp {
  running: RunningService;
  database: TestDatabase;
  keyPrefix: string;
  redis: Redis;
  /** The service name its queues are named after: `<serviceName>.<event>`. */
  serviceName: string;
  close(): Promise<void>;
}

export interface NotificationAppOptions {
  /** The suite's exchange on the test broker. */
  exchange: string;
  /**
   * Queue names are `<service>.<event>` and do not depend on the exchange, so a suite gives the
   * service a name of its own; replicas of one suite pass the same name (and `database`).
   */
  serviceName: string;
  /** Share a database between replicas; by default the app creates (and drops) its own. */
  database?: TestDatabase;
  env?: Record<string, string>;
  /** Where the app's log lines go; default stdout. */
  logDestination?: BootstrapOptions['logDestination'];
}

/** Fast delivery retries and polling, so failures show within a test's patience. */
export const FAST_DELIVERY_ENV = {
  NOTIFICATION_SERVICE_DELIVERY_RETRY_BACKOFF: '50ms',
  NOTIFICATION_SERVICE_DELIVERY_POLL_INTERVAL: '100ms',
  NOTIFICATION_SERVICE_DELIVERY_TIMEOUT: '2s',
};

export async function startNotificationApp(
  suite: string,
  options: NotificationAppOptions,
): Promise<NotificationApp> {
  const database = options.database ?? (await createTestDatabase(suite));
  const ownsDatabase = options.database === undefined;
  const keyPrefix = uniqueKeyPrefix(suite);
  const redis = rawRedis();
  let running: RunningService;
  try {
    running = await bootstrapService(
      { ...notificationServiceDefinition, name: options.serviceName },
      {
        env: {
          ...process.env,
          ...database.env('NOTIFICATION_SERVICE'),
          ...rabbitEnv('NOTIFICATION_SERVICE', options.exchange),
          NOTIFICATION_SERVICE_CACHE_HOST: TEST_REDIS.host,
          NOTIFICATION_SERVICE_CACHE_PORT: String(TEST_REDIS.port),
          NOTIFICATION_SERVICE_CACHE_KEY_PREFIX: keyPrefix,
          ...FAST_DELIVERY_ENV,
          ...options.env,
        },
        httpPort: 0,
        grpcPort: 0,
        logDestination: options.logDestination,
      },
    );
  } catch (error) {
    redis.disconnect();
    if (ownsDatabase) await database.drop();
    throw error;
  }
  return {
    running,
    database,
    keyPrefix,
    redis,
    serviceName: options.serviceName,
    close: async () => {
      await running.close();
      await deleteKeys(redis, keyPrefix);
      redis.disconnect();
      if (ownsDatabase) await database.drop();
    },
  };
}

/** A random v4-shaped UUID for a user the services never saw. */
export function randomUserId(): string {
  const hex = randomBytes(16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
