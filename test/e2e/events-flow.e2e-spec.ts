import { randomBytes, randomUUID } from 'node:crypto';
import { INestApplicationContext, Injectable } from '@nestjs/common';
import { QueueMessageInfo, QueueSubscribe, queuePluginKind } from '../../src/plugins/queue';
import {
  NotificationApp,
  SmtpReceiver,
  startNotificationApp,
  startSmtpReceiver,
} from '../support/notification-app';
import { TestDatabase, createTestDatabase } from '../support/pg';
import { bootPluginApp } from '../support/rabbit-app';
import {
  RabbitProbe,
  rabbitEnv,
  subscriptionQueueNames,
  uniqueName,
  waitFor,
} from '../support/rabbit';
import { UserApp, startUserApp } from '../support/user-app';

const EVENTS = ['user.created', 'user.updated', 'order.completed'];

/** A second service that subscribes to user.created: it must get every event too. */
@Injectable()
class AuditLog {
  readonly received: { payload: unknown; messageId: string }[] = [];

  @QueueSubscribe('user.created')
  async onUserCreated(payload: unknown, message: QueueMessageInfo): Promise<void> {
    this.received.push({ payload, messageId: message.messageId });
  }
}

interface HistoryEntry {
  subject: string;
  message: string;
  status: string;
  sent_at: string | null;
}

/**
 * The whole path with real backends: user-service (HTTP create/update → users row + outbox row in
 * one transaction → relay → RabbitMQ) → two notification-service replicas sharing one queue and
 * database → SMTP; plus a second subscribing service with a queue of its own.
 */
describe('events: user-service → broker → notification-service', () => {
  const exchange = uniqueName('events-flow-e2e');
  const notificationService = uniqueName('notification-service');
  const auditService = uniqueName('audit-service');
  let users: UserApp;
  let replicas: NotificationApp[] = [];
  let notificationDb: TestDatabase;
  let audit: INestApplicationContext;
  let auditLog: AuditLog;
  let smtp: SmtpReceiver;

  const uniqueEmail = (tag: string) => `${tag}-${randomBytes(5).toString('hex')}@example.com`;

  async function createUser(name: string, email: string): Promise<string> {
    const response = await fetch(`${users.running.httpUrl}/users`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name, email }),
    });
    expect(response.status).toBe(200);
    return ((await response.json()) as { user_id: string }).user_id;
  }

  async function history(userId: string, replica = 0): Promise<HistoryEntry[]> {
    const response = await fetch(
      `${replicas[replica].running.httpUrl}/notifications/history/${userId}?limit=100&offset=0`,
    );
    return ((await response.json()) as { notifications: HistoryEntry[] }).notifications;
  }

  beforeAll(async () => {
    smtp = await startSmtpReceiver();
    notificationDb = await createTestDatabase('events_flow_notifications');
    const smtpEnv = {
      NOTIFICATION_SERVICE_SMTP_HOST: '127.0.0.1',
      NOTIFICATION_SERVICE_SMTP_PORT: String(smtp.port),
    };
    // Two replicas of one service: same name (so one shared queue per event), same database.
    for (let n = 0; n < 2; n += 1) {
      replicas.push(
        await startNotificationApp('events_flow', {
          exchange,
          serviceName: notificationService,
          database: notificationDb,
          env: smtpEnv,
        }),
      );
    }
    audit = await bootPluginApp({
      serviceName: auditService,
      envPrefix: 'AUDIT',
      env: rabbitEnv('AUDIT', exchange),
      plugins: { queue: [queuePluginKind.module, undefined] },
      providers: [AuditLog],
    });
    auditLog = audit.get(AuditLog);
    users = await startUserApp('events_flow_users', {
      ...rabbitEnv('USER_SERVICE', exchange, { OUTBOX_POLL_INTERVAL: '200ms' }),
    });
    for (const replica of replicas) {
      await waitFor(
        async () => (await fetch(`${replica.running.httpUrl}/_healthz/readiness`)).status === 200,
        'notification-service readiness',
      );
    }
  });

  afterAll(async () => {
    await users?.close();
    for (const replica of replicas) await replica.close();
    replicas = [];
    await audit?.close();
    await notificationDb?.drop();
    await smtp?.close();
    const probe = await RabbitProbe.open();
    await probe.cleanUp(exchange, [
      ...EVENTS.flatMap((event) => subscriptionQueueNames(notificationService, event)),
      ...subscriptionQueueNames(auditService, 'user.created'),
    ]);
    await probe.close();
  });

  it('creating a user over HTTP sends the welcome email within seconds, and every subscriber gets the event', async () => {
    const email = uniqueEmail('welcome');
    const userId = await createUser('Grace Hopper', email);

    await waitFor(
      async () => (await history(userId)).some((entry) => entry.status === 'sent'),
      'the welcome notification to be sent',
      10_000,
    );
    const [welcome] = await history(userId, 1);
    expect(welcome).toMatchObject({
      subject: 'Welcome to our platform!',
      message: 'Hi Grace Hopper, welcome to our platform!',
      status: 'sent',
    });
    expect(typeof welcome.sent_at).toBe('string');
    await waitFor(() => smtp.emails.some((received) => received.to.includes(email)), 'the email');
    expect(smtp.emails.filter((received) => received.to.includes(email))).toEqual([
      expect.objectContaining({
        subject: 'Welcome to our platform!',
        text: 'Hi Grace Hopper, welcome to our platform!',
      }),
    ]);

    await waitFor(
      () =>
        auditLog.received.some(
          ({ payload }) => (payload as { user_id?: string }).user_id === userId,
        ),
      'the second subscriber',
    );
    const [event] = auditLog.received.filter(
      ({ payload }) => (payload as { user_id?: string }).user_id === userId,
    );
    expect(event.payload).toEqual({
      type: 'user.created',
      user_id: userId,
      name: 'Grace Hopper',
      email,
    });
    const [outboxRow] = await users.database.query<{ message_id: string; sent_at: Date | null }>(
      `SELECT message_id, sent_at FROM user_outbox WHERE payload->>'user_id' = $1`,
      [userId],
    );
    expect(outboxRow.message_id).toBe(event.messageId);
    expect(outboxRow.sent_at).not.toBeNull();
  });

  it('two notification-service replicas handle each event once; the second service gets every event', async () => {
    const count = 40;
    const emails = Array.from({ length: count }, (_, n) => uniqueEmail(`r${n}`));
    const created = await Promise.all(emails.map((email, n) => createUser(`User ${n}`, email)));
    const auditedUserIds = () =>
      new Set(auditLog.received.map(({ payload }) => (payload as { user_id?: string }).user_id));

    const welcomeCount = async () => {
      const [row] = await notificationDb.query<{ count: number }>(
        `SELECT count(*)::int AS count FROM notifications
         WHERE user_id = ANY($1::uuid[]) AND subject = 'Welcome to our platform!' AND status = 'sent'`,
        [created],
      );
      return row.count;
    };
    await waitFor(async () => (await welcomeCount()) === count, `${count} welcome emails`, 20_000);
    await waitFor(
      () => created.every((id) => auditedUserIds().has(id)),
      'the second service to get every event',
    );
    // Anything handled twice would show up by now.
    await new Promise((resolve) => setTimeout(resolve, 500));

    expect(await welcomeCount()).toBe(count);
    const [perUser] = await notificationDb.query<{ max: number }>(
      `SELECT max(n)::int AS max FROM (SELECT count(*) AS n FROM notifications
         WHERE user_id = ANY($1::uuid[]) GROUP BY user_id) counts`,
      [created],
    );
    expect(perUser.max).toBe(1);
    const delivered = smtp.emails.filter((received) => emails.includes(received.to[0]));
    expect(delivered).toHaveLength(count);
    expect(new Set(delivered.map((received) => received.to[0])).size).toBe(count);
  });

  it('user.updated from user-service redirects later emails to the new address', async () => {
    const userId = await createUser('Ada', uniqueEmail('ada-old'));
    await waitFor(async () => (await history(userId)).length === 1, 'the welcome notification');
    const newEmail = uniqueEmail('ada-new');
    const updated = await fetch(`${users.running.httpUrl}/users/${userId}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: newEmail }),
    });
    expect(updated.status).toBe(200);
    await waitFor(
      async () =>
        (
          await notificationDb.query(
            'SELECT 1 FROM notification_contacts WHERE user_id = $1 AND email = $2',
            [userId, newEmail],
          )
        ).length === 1,
      'the contact update',
    );

    const probe = await RabbitProbe.open();
    try {
      await probe.publishRaw(
        exchange,
        'order.completed',
        JSON.stringify({
          type: 'order.completed',
          user_id: userId,
          order_id: '1001',
          amount: 12,
          currency: 'USD',
        }),
        randomUUID(),
      );
    } finally {
      await probe.close();
    }
    await waitFor(
      () => smtp.emails.some((received) => received.to.includes(newEmail)),
      'the confirmation at the new address',
    );
    expect(smtp.emails.find((received) => received.to.includes(newEmail))?.text).toBe(
      'Your order #1001 for 12.00 USD has been completed!',
    );
    expect((await history(userId)).map((entry) => entry.subject)).toEqual([
      'Order Confirmation',
      'Welcome to our platform!',
    ]);
  });
});
