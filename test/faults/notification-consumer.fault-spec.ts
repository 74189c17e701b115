import { randomUUID } from 'node:crypto';
import { GetMessage } from 'amqplib';
import { NotificationApp, randomUserId, startNotificationApp } from '../support/notification-app';
import { RabbitProbe, subscriptionQueueNames, uniqueName, waitFor } from '../support/rabbit';

jest.setTimeout(120_000);

const EVENTS = ['user.created', 'user.updated', 'order.completed'];

/**
 * notification-service's consumers under the two loads that used to hurt: a burst (handlers
 * held a pooled connection and asked for a second one, starving a pool as large as the
 * prefetch) and poison (a message of the wrong shape was retried although it can never succeed).
 * RETRY_COUNT=0 sends any failed delivery to the DLQ, so an empty DLQ means no handler failed.
 */
describe('notification-service consumers: burst and poison', () => {
  const exchange = uniqueName('fault-consumer');
  const serviceName = uniqueName('notification-fault');
  const figures: Record<string, unknown> = {};
  let app: NotificationApp;
  let probe: RabbitProbe;

  const publish = (event: string, body: unknown, messageId = randomUUID()) =>
    probe.publishRaw(
      exchange,
      event,
      typeof body === 'string' ? body : JSON.stringify(body),
      messageId,
    );

  async function dlq(event: string): Promise<GetMessage[]> {
    return probe.drain(`${serviceName}.${event}.dlq`);
  }

  beforeAll(async () => {
    probe = await RabbitProbe.open();
    app = await startNotificationApp('fault_consumer', {
      exchange,
      serviceName,
      env: {
        // The setting: prefetch as large as the pool.
        NOTIFICATION_SERVICE_QUEUE_PREFETCH: '10',
        NOTIFICATION_SERVICE_PGSQL_POOL_SIZE: '10',
        NOTIFICATION_SERVICE_PGSQL_CONNECT_TIMEOUT: '2s',
        NOTIFICATION_SERVICE_QUEUE_RETRY_COUNT: '0',
      },
    });
    await waitFor(
      async () => (await fetch(`${app.running.httpUrl}/_healthz/readiness`)).status === 200,
      'readiness',
    );
  });

  afterAll(async () => {
    console.log(`notification-consumer figures: ${JSON.stringify(figures)}`);
    await app?.close();
    await probe?.cleanUp(
      exchange,
      EVENTS.flatMap((event) => subscriptionQueueNames(serviceName, event)),
    );
    await probe?.close();
  });

  it('handles a burst of 500 user.created with no pool timeout', async () => {
    const users = Array.from({ length: 500 }, () => randomUserId());
    const started = Date.now();
    await Promise.all(
      users.map((userId, index) =>
        publish('user.created', { user_id: userId, name: `U${index}`, email: `u${index}@x.io` }),
      ),
    );
    await waitFor(
      async () => {
        const [{ count }] = await app.database.query<{ count: string }>(
          'SELECT count(*) AS count FROM notification_processed_messages',
        );
        return Number(count) >= 500;
      },
      '500 handled events',
      60_000,
    );
    figures.burst500Ms = Date.now() - started;
    const [{ count }] = await app.database.query<{ count: string }>(
      'SELECT count(DISTINCT user_id) AS count FROM notifications',
    );
    expect(Number(count)).toBe(500);
    expect(await dlq('user.created')).toHaveLength(0);
  });

  it('dead-letters poison on its first delivery with the reason in its headers', async () => {
    const poisonId = randomUUID();
    const started = Date.now();
    await publish('user.created', { user_id: 'not-a-uuid', name: '', email: 1 }, poisonId);
    const dead: GetMessage[] = [];
    await waitFor(async () => {
      dead.push(...(await dlq('user.created')));
      return dead.length > 0;
    }, 'the poison message in the DLQ');
    figures.poisonToDlqMs = Date.now() - started;
    expect(dead).toHaveLength(1);
    expect(dead[0].properties.messageId).toBe(poisonId);
    expect(dead[0].properties.headers).toMatchObject({
      'x-retry-count': 0,
      'x-death-verdict': 'unprocessable',
    });
    expect(String(dead[0].properties.headers?.['x-death-reason'])).toContain(
      'user_id must be a UUID',
    );
  });
});
