import { randomUUID } from 'node:crypto';
import { GetMessage } from 'amqplib';
import {
  NotificationApp,
  SmtpReceiver,
  randomUserId,
  startNotificationApp,
  startSmtpReceiver,
} from '../support/notification-app';
import { RabbitProbe, subscriptionQueueNames, uniqueName, waitFor } from '../support/rabbit';

const EVENTS = ['user.created', 'user.updated', 'order.completed'];

interface Row extends Record<string, unknown> {
  id: string;
  subject: string;
  message: string;
  status: string;
  metadata: Record<string, string>;
}

/** notification-service's consumers against the real broker, with a real SMTP receiver. */
describe('notification-service event consumers', () => {
  const exchange = uniqueName('notification-events-e2e');
  const serviceName = uniqueName('notification-service');
  let app: NotificationApp;
  let smtp: SmtpReceiver;
  let probe: RabbitProbe;

  const publish = (event: string, body: unknown, messageId = randomUUID()) =>
    probe.publishRaw(
      exchange,
      event,
      typeof body === 'string' ? body : JSON.stringify(body),
      messageId,
    );

  const notificationsOf = (userId: string) =>
    app.database.query<Row>(
      'SELECT id, subject, message, status, metadata FROM notifications WHERE user_id = $1 ORDER BY seq',
      [userId],
    );

  const processed = async (messageId: string) =>
    (
      await app.database.query(
        'SELECT 1 FROM notification_processed_messages WHERE message_id = $1',
        [messageId],
      )
    ).length === 1;

  async function dlq(event: string, count: number): Promise<GetMessage[]> {
    const messages: GetMessage[] = [];
    await waitFor(async () => {
      messages.push(...(await probe.drain(`${serviceName}.${event}.dlq`)));
      return messages.length >= count;
    }, `${count} message(s) in the ${event} DLQ`);
    return messages;
  }

  beforeAll(async () => {
    smtp = await startSmtpReceiver();
    probe = await RabbitProbe.open();
    app = await startNotificationApp('notification_events', {
      exchange,
      serviceName,
      env: {
        NOTIFICATION_SERVICE_SMTP_HOST: '127.0.0.1',
        NOTIFICATION_SERVICE_SMTP_PORT: String(smtp.port),
      },
    });
    // Readiness turns 200 once every consumer (and so every subscription queue) is set up.
    await waitFor(
      async () => (await fetch(`${app.running.httpUrl}/_healthz/readiness`)).status === 200,
      'readiness',
    );
  });

  afterAll(async () => {
    await app?.close();
    await smtp?.close();
    await probe?.cleanUp(
      exchange,
      EVENTS.flatMap((event) => subscriptionQueueNames(serviceName, event)),
    );
    await probe?.close();
  });

  it('sends the welcome email for user.created and the exact confirmation for order.completed to the user’s email', async () => {
    const userId = randomUserId();
    const createdId = randomUUID();
    await publish(
      'user.created',
      { type: 'user.created', user_id: userId, name: 'Ann', email: 'ann.events@example.com' },
      createdId,
    );
    await waitFor(() => processed(createdId), 'user.created processed');
    await publish('order.completed', {
      type: 'order.completed',
      user_id: userId,
      order_id: 'ord-42',
      amount: 99.5,
      currency: 'USD',
    });

    await waitFor(
      async () => (await notificationsOf(userId)).filter((n) => n.status === 'sent').length === 2,
      'both notifications sent',
    );
    const [welcome, confirmation] = await notificationsOf(userId);
    expect(welcome).toMatchObject({
      subject: 'Welcome to our platform!',
      message: 'Hi Ann, welcome to our platform!',
      metadata: { event_type: 'user_created', email: 'ann.events@example.com' },
    });
    expect(confirmation).toMatchObject({
      subject: 'Order Confirmation',
      message: 'Your order #ord-42 for 99.50 USD has been completed!',
      metadata: { event_type: 'order_completed', order_id: 'ord-42' },
    });
    const received = smtp.emails.filter((email) => email.to.includes('ann.events@example.com'));
    expect(received.map((email) => [email.subject, email.text])).toEqual(
      expect.arrayContaining([
        ['Welcome to our platform!', 'Hi Ann, welcome to our platform!'],
        ['Order Confirmation', 'Your order #ord-42 for 99.50 USD has been completed!'],
      ]),
    );
  });

  it('formats amounts with two decimals', async () => {
    const userId = randomUserId();
    for (const [orderId, amount] of [
      ['a', 10],
      ['b', 0.1 + 0.2],
      ['c', 1234.567],
    ] as const) {
      await publish('order.completed', {
        type: 'order.completed',
        user_id: userId,
        order_id: orderId,
        amount,
        currency: 'EUR',
      });
    }
    await waitFor(async () => (await notificationsOf(userId)).length === 3, 'three confirmations');
    expect((await notificationsOf(userId)).map((n) => n.message).sort()).toEqual([
      'Your order #a for 10.00 EUR has been completed!',
      'Your order #b for 0.30 EUR has been completed!',
      'Your order #c for 1234.57 EUR has been completed!',
    ]);
  });

  it('sends later emails to the address of user.updated, without a notification of its own', async () => {
    const userId = randomUserId();
    await publish('user.created', {
      type: 'user.created',
      user_id: userId,
      name: 'B',
      email: 'old@example.com',
    });
    const updateId = randomUUID();
    await publish(
      'user.updated',
      { type: 'user.updated', user_id: userId, name: 'B', email: 'new@example.com' },
      updateId,
    );
    await waitFor(() => processed(updateId), 'user.updated processed');
    await publish('order.completed', {
      type: 'order.completed',
      user_id: userId,
      order_id: 'ord-7',
      amount: 5,
      currency: 'GBP',
    });

    await waitFor(
      () =>
        smtp.emails.some(
          (email) => email.subject === 'Order Confirmation' && email.to.includes('new@example.com'),
        ),
      'the confirmation at the new address',
    );
    expect((await notificationsOf(userId)).map((n) => n.subject)).toEqual([
      'Welcome to our platform!',
      'Order Confirmation',
    ]);
  });

  it('handles a message_id once, however often it is delivered', async () => {
    const userId = randomUserId();
    const messageId = randomUUID();
    const order = {
      type: 'order.completed',
      user_id: userId,
      order_id: 'dup',
      amount: 1,
      currency: 'USD',
    };
    await publish('order.completed', order, messageId);
    await publish('order.completed', order, messageId);
    await publish('order.completed', order, messageId);
    const marker = randomUUID();
    await publish('order.completed', { ...order, order_id: 'after' }, marker);

    await waitFor(() => processed(marker), 'the message after the duplicates');
    // The duplicates were delivered before the marker (one queue, in order) but may still be in
    // their handlers (prefetch > 1): give them time to commit anything they would.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const messages = (await notificationsOf(userId)).map((n) => n.message);
    expect(messages).toEqual([
      'Your order #dup for 1.00 USD has been completed!',
      'Your order #after for 1.00 USD has been completed!',
    ]);
  });

  it('dead-letters a body that is not JSON at once and keeps processing the next message', async () => {
    const userId = randomUserId();
    const poisonId = randomUUID();
    await publish('order.completed', '{"type":"order.completed", oops', poisonId);
    await publish('order.completed', {
      type: 'order.completed',
      user_id: userId,
      order_id: 'next',
      amount: 2,
      currency: 'USD',
    });

    const [dead] = await dlq('order.completed', 1);
    expect(dead.properties.messageId).toBe(poisonId);
    expect(dead.content.toString()).toBe('{"type":"order.completed", oops');
    expect(dead.properties.headers?.['x-death-reason']).toBe('invalid JSON');
    await waitFor(async () => (await notificationsOf(userId)).length === 1, 'the next message');
    expect(await processed(poisonId)).toBe(false);
  });

  it('dead-letters a message of the wrong shape on its first delivery (retrying cannot fix it)', async () => {
    const badId = randomUUID();
    await publish(
      'order.completed',
      {
        type: 'order.completed',
        user_id: randomUserId(),
        order_id: 'x',
        amount: 'lots',
        currency: 'USD',
      },
      badId,
    );

    const [dead] = await dlq('order.completed', 1);
    expect(dead.properties.messageId).toBe(badId);
    expect(dead.properties.headers?.['x-retry-count']).toBe(0);
    expect(dead.properties.headers?.['x-death-verdict']).toBe('unprocessable');
    expect(String(dead.properties.headers?.['x-death-reason'])).toContain(
      'amount must be a number',
    );
    expect(await processed(badId)).toBe(false);
  });
});
