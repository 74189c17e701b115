import { randomBytes } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { connect } from 'amqplib';
import { NotificationApp, startNotificationApp } from '../support/notification-app';
import {
  RabbitProbe,
  TEST_RABBIT,
  rabbitEnv,
  subscriptionQueueNames,
  uniqueName,
  waitFor,
  withBrokerStopped,
} from '../support/rabbit';
import { UserApp, startUserApp } from '../support/user-app';

const TOTAL = 1_000;
const CONCURRENCY = 10;
const EVENTS = ['user.created', 'user.updated', 'order.completed'];

/**
 * 1,000 user creates over HTTP with the shared broker stopped (`rabbitmqctl stop_app`) and started
 * again in the middle: every committed user yields exactly one welcome notification. Emails use
 * the log transport (no SMTP here): the subject is the outbox/broker/consumer path, not SMTP.
 */
describe('events across a broker restart', () => {
  const exchange = uniqueName('events-restart-e2e');
  const notificationService = uniqueName('notification-service');
  const tapQueue = uniqueName('events-restart-tap');
  let users: UserApp;
  let notifications: NotificationApp;

  beforeAll(async () => {
    notifications = await startNotificationApp('events_restart', {
      exchange,
      serviceName: notificationService,
      // The shipped reconnect backoff (1 s doubling to 2 s), not the suites' faster one.
      env: rabbitEnv('NOTIFICATION_SERVICE', exchange, {
        RECONNECT_INTERVAL: '1s',
        RECONNECT_INTERVAL_MAX: '2s',
      }),
    });
    users = await startUserApp('events_restart_users', {
      ...rabbitEnv('USER_SERVICE', exchange, {
        OUTBOX_POLL_INTERVAL: '200ms',
        PUBLISH_TIMEOUT: '2s',
        RECONNECT_INTERVAL: '1s',
        RECONNECT_INTERVAL_MAX: '2s',
      }),
    });
    // A durable queue of the test's own, bound like a subscriber: counts every copy published.
    const connection = await connect(TEST_RABBIT.url);
    const channel = await connection.createChannel();
    await channel.assertExchange(exchange, 'topic', { durable: true });
    await channel.assertQueue(tapQueue, { durable: true });
    await channel.bindQueue(tapQueue, exchange, 'user.created');
    await connection.close();
    await waitFor(
      async () =>
        (await fetch(`${notifications.running.httpUrl}/_healthz/readiness`)).status === 200,
      'notification-service readiness',
    );
  });

  afterAll(async () => {
    await users?.close();
    await notifications?.close();
    const probe = await RabbitProbe.open();
    await probe.cleanUp(exchange, [
      tapQueue,
      ...EVENTS.flatMap((event) => subscriptionQueueNames(notificationService, event)),
    ]);
    await probe.close();
  });

  it('turns 1,000 creates into exactly 1,000 welcome notifications', async () => {
    const skipped = jest.spyOn(Logger.prototype, 'log');
    const run = randomBytes(4).toString('hex');
    let next = 0;
    let created = 0;
    const failures: string[] = [];
    const createAll = async () => {
      for (let n = next++; n < TOTAL; n = next++) {
        const response = await fetch(`${users.running.httpUrl}/users`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ name: `User ${n}`, email: `restart-${run}-${n}@example.com` }),
        });
        if (response.status === 200) created += 1;
        else failures.push(`${n}: ${response.status} ${await response.text()}`);
      }
    };
    const creating = Promise.all(Array.from({ length: CONCURRENCY }, createAll));

    await waitFor(() => created >= TOTAL * 0.3, '300 creates', 60_000);
    let duringOutage = 0;
    await withBrokerStopped(async () => {
      const atStop = created;
      // Keep the outage short (the broker is shared): 200 more creates or 4 seconds.
      await waitFor(() => created >= atStop + 200, 'creates during the outage', 4_000).catch(
        () => undefined,
      );
      duringOutage = created - atStop;
    });
    // The broker is back: what was committed by now must be published and consumed within 5 s
    // (reconnect backoff capped at RECONNECT_INTERVAL_MAX, no pool starvation in the consumer).
    const returnedAt = Date.now();
    const createdAtReturn = created;
    const [{ last }] = await users.database.query<{ last: string }>(
      'SELECT coalesce(max(id), 0)::text AS last FROM user_outbox',
    );
    await waitFor(
      async () => {
        const [{ pending }] = await users.database.query<{ pending: number }>(
          'SELECT count(*)::int AS pending FROM user_outbox WHERE sent_at IS NULL AND id <= $1',
          [last],
        );
        return pending === 0;
      },
      'the outbox to drain after the broker returned',
      5_000,
    );
    const outboxDrainedMs = Date.now() - returnedAt;
    await waitFor(
      async () => {
        const [{ total }] = await notifications.database.query<{ total: number }>(
          `SELECT count(*)::int AS total FROM notifications WHERE subject = 'Welcome to our platform!'`,
        );
        return total >= createdAtReturn;
      },
      'the consumer to catch up after the broker returned',
      5_000,
    );
    const consumerCaughtUpMs = Date.now() - returnedAt;
    console.log(
      `broker return: outbox drained in ${outboxDrainedMs}ms, consumer caught up in ${consumerCaughtUpMs}ms`,
    );
    await creating;
    expect(failures).toEqual([]);
    expect(created).toBe(TOTAL);

    const welcomes = async () => {
      const [row] = await notifications.database.query<{ total: number; sent: number }>(
        `SELECT count(*)::int AS total, count(*) FILTER (WHERE status = 'sent')::int AS sent
         FROM notifications WHERE subject = 'Welcome to our platform!'`,
      );
      return row;
    };
    await waitFor(
      async () => (await welcomes()).sent === TOTAL,
      '1,000 welcome notifications sent',
      120_000,
    );
    // Late duplicates (a re-published row, a redelivery) would arrive now; none may add a row.
    await new Promise((resolve) => setTimeout(resolve, 1_000));

    const final = await welcomes();
    const [outbox] = await users.database.query<{ rows: number; sent: number }>(
      `SELECT count(*)::int AS rows, count(sent_at)::int AS sent FROM user_outbox WHERE event = 'user.created'`,
    );
    const probe = await RabbitProbe.open();
    const copies = await probe.drain(tapQueue);
    await probe.close();
    const distinct = new Set(copies.map((copy) => copy.properties.messageId as string)).size;
    const consumerSkips = skipped.mock.calls.filter(([message]) =>
      String(message).includes('already processed'),
    ).length;
    skipped.mockRestore();

    console.log(
      `broker restart: ${TOTAL} users created (${duringOutage} while the broker was down); ` +
        `outbox rows ${outbox.rows}, marked sent ${outbox.sent}; published copies ${copies.length} ` +
        `(${distinct} distinct message ids, ${copies.length - distinct} re-published duplicates); ` +
        `welcome notifications ${final.total} (sent ${final.sent}); duplicates skipped by the consumer ${consumerSkips}`,
    );
    expect(final).toEqual({ total: TOTAL, sent: TOTAL });
    expect(outbox).toEqual({ rows: TOTAL, sent: TOTAL });
    expect(distinct).toBe(TOTAL);
  }, 300_000);
});
