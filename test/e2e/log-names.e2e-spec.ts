import { randomBytes } from 'node:crypto';
import { Metadata, ServiceError } from '@grpc/grpc-js';
import { NotificationApp, startNotificationApp } from '../support/notification-app';
import {
  RabbitProbe,
  rabbitEnv,
  subscriptionQueueNames,
  uniqueName,
  waitFor,
} from '../support/rabbit';
import { UserApp, startUserApp } from '../support/user-app';

interface LogLine {
  name?: string;
  context?: string;
  msg?: string;
  request_id?: string;
  transport?: string;
  rpc?: string;
}

/** One app's log destination: every JSON line it wrote, parsed. */
function destination(): { lines: LogLine[]; write(line: string): void } {
  const lines: LogLine[] = [];
  return { lines, write: (line) => void lines.push(JSON.parse(line) as LogLine) };
}

const EVENTS = ['user.created', 'user.updated', 'order.completed'];

/**
 * user-service and notification-service in one process, as `npm start` runs them, with real
 * PostgreSQL, Redis and RabbitMQ: HTTP and gRPC calls, the outbox relay, a queue event and the
 * delivery timer each write lines, and each line must reach the destination of the service whose
 * work produced it, named after it, with no request id but its own request's.
 */
describe('log lines of two services in one process', () => {
  const exchange = uniqueName('log-names-e2e');
  const notificationName = uniqueName('notification-service');
  const userLog = destination();
  const notificationLog = destination();
  const tag = randomBytes(4).toString('hex');
  const createId = `create-${tag}`;
  const getId = `grpc-get-${tag}`;
  const sendId = `send-${tag}`;
  let users: UserApp;
  let notifications: NotificationApp;
  let userId = '';
  let sentId = '';

  beforeAll(async () => {
    notifications = await startNotificationApp('log_names', {
      exchange,
      serviceName: notificationName,
      env: { NOTIFICATION_SERVICE_LOG_LEVEL: 'info' },
      logDestination: notificationLog,
    });
    users = await startUserApp(
      'log_names_users',
      {
        ...rabbitEnv('USER_SERVICE', exchange, { OUTBOX_POLL_INTERVAL: '200ms' }),
        USER_SERVICE_LOG_LEVEL: 'info',
      },
      userLog,
    );
    await waitFor(
      async () =>
        (await fetch(`${notifications.running.httpUrl}/_healthz/readiness`)).status === 200,
      'notification-service readiness',
    );

    // HTTP on user-service: the row and its outbox event in one transaction, relayed later.
    const created = await fetch(`${users.running.httpUrl}/users`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': createId },
      body: JSON.stringify({ name: 'Ada', email: `ada-${tag}@example.com` }),
    });
    expect(created.status).toBe(200);
    userId = ((await created.json()) as { user_id: string }).user_id;

    // gRPC on user-service.
    const metadata = new Metadata();
    metadata.set('x-request-id', getId);
    await new Promise<void>((resolve, reject) =>
      (
        users.grpc.raw as unknown as {
          GetUser(
            request: unknown,
            metadata: Metadata,
            callback: (error: ServiceError | null) => void,
          ): void;
        }
      ).GetUser({ user_id: userId }, metadata, (error) => (error ? reject(error) : resolve())),
    );

    // The event reaches notification-service's consumer, which records the welcome email; its
    // delivery timer then sends it through the log transport (no SMTP configured).
    await waitFor(
      () =>
        notificationLog.lines.some(
          (line) => line.context === 'NotificationDelivery' && line.msg?.includes(userId),
        ),
      'the welcome email delivered by notification-service',
      20_000,
    );

    // HTTP on notification-service (its proto names no `logging`: the handler's line only).
    const sent = await fetch(`${notifications.running.httpUrl}/notifications`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': sendId },
      body: JSON.stringify({ user_id: userId, type: 'sms', subject: 'hi', message: 'hello' }),
    });
    expect(sent.status).toBe(200);
    sentId = ((await sent.json()) as { notification_id: string }).notification_id;
  }, 60_000);

  afterAll(async () => {
    await users?.close();
    await notifications?.close();
    const probe = await RabbitProbe.open();
    await probe.cleanUp(
      exchange,
      EVENTS.flatMap((event) => subscriptionQueueNames(notificationName, event)),
    );
    await probe.close();
  });

  it('names the service on every line of each destination', () => {
    expect(userLog.lines.length).toBeGreaterThan(0);
    expect(notificationLog.lines.length).toBeGreaterThan(0);
    expect(userLog.lines.filter((line) => line.name !== 'user-service')).toEqual([]);
    expect(notificationLog.lines.filter((line) => line.name !== notificationName)).toEqual([]);
  });

  it("sends each service's Nest start-up lines to that service", () => {
    for (const lines of [userLog.lines, notificationLog.lines]) {
      expect(lines.some((line) => line.context === 'InstanceLoader')).toBe(true);
    }
  });

  it('logs each HTTP and gRPC call in the service that served it, with its own request id', () => {
    const requestIds = (lines: LogLine[]) => [
      ...new Set(lines.flatMap((line) => line.request_id ?? [])),
    ];
    expect(requestIds(userLog.lines).sort()).toEqual([createId, getId].sort());
    expect(requestIds(notificationLog.lines)).toEqual([sendId]);
    const send = notificationLog.lines.find((line) => line.msg?.includes(sentId));
    expect(send).toMatchObject({
      context: 'NotificationService',
      name: notificationName,
      request_id: sendId,
    });
    const grpcLine = userLog.lines.find((line) => line.request_id === getId);
    expect(grpcLine).toMatchObject({ transport: 'grpc', msg: 'request completed' });
  });

  it('logs the queue consumer and the delivery timer in notification-service, without a request id', () => {
    const consumed = notificationLog.lines.filter(
      (line) =>
        line.context === 'NotificationService' &&
        line.msg?.startsWith('email notification') &&
        line.msg.includes(userId),
    );
    const delivered = notificationLog.lines.filter(
      (line) => line.context === 'NotificationDelivery' && line.msg?.includes(userId),
    );
    expect(consumed).toHaveLength(1);
    expect(delivered.length).toBeGreaterThan(0);
    const background = [...consumed, ...delivered];
    for (const line of background) expect(line.request_id).toBeUndefined();
    expect(userLog.lines.filter((line) => line.msg?.includes(' notification '))).toEqual([]);
  });

  it("tags a handler's own lines with the request that caused them", () => {
    const created = userLog.lines.find(
      (line) => line.context === 'UserService' && line.msg === `user ${userId} created`,
    );
    expect(created).toMatchObject({ request_id: createId });
    const accessLine = userLog.lines.find(
      (line) => line.request_id === createId && line.msg === 'request completed',
    );
    expect(accessLine).toBeDefined();
  });
});
