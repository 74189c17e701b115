import { INestApplicationContext, Injectable } from '@nestjs/common';
import { PgsqlPlugin, getPgsqlToken, pgsqlPluginKind } from '../../src/plugins/pgsql';
import {
  OutboxWriter,
  QueueMessageInfo,
  QueueSubscribe,
  createOutboxMigration,
  queuePluginKind,
  getOutboxWriterToken,
} from '../../src/plugins/queue';
import { TestDatabase, createTestDatabase } from '../support/pg';
import { bootPluginApp } from '../support/rabbit-app';
import {
  RabbitProbe,
  rabbitEnv,
  subscriptionQueueNames,
  uniqueName,
  waitFor,
} from '../support/rabbit';
import { closedPort } from '../support/redis';

const EVENT = 'user.created';
const TABLE = 'spec_outbox';

/** The consuming side: records every delivery of `user.created`. */
@Injectable()
class UserCreatedLog {
  readonly received: { payload: unknown; messageId: string }[] = [];

  @QueueSubscribe(EVENT)
  async onUserCreated(payload: unknown, info: QueueMessageInfo): Promise<void> {
    this.received.push({ payload, messageId: info.messageId });
  }
}

describe('transactional outbox', () => {
  const exchange = uniqueName('outbox-e2e');
  const consumerService = uniqueName('consumer');
  const apps: INestApplicationContext[] = [];
  let database: TestDatabase;
  let probe: RabbitProbe;
  let consumer: UserCreatedLog;

  /** A publishing service: pgsql (with the outbox migration) + queue with the outbox enabled. */
  async function bootPublisher(queueEnv: Record<string, string> = {}): Promise<{
    app: INestApplicationContext;
    pgsql: PgsqlPlugin;
    outbox: OutboxWriter;
  }> {
    const app = await bootPluginApp({
      serviceName: 'publisher',
      envPrefix: 'SPEC',
      env: {
        ...database.env('SPEC'),
        ...rabbitEnv('SPEC', exchange, { OUTBOX_POLL_INTERVAL: '100ms', ...queueEnv }),
      },
      plugins: {
        pgsql: [
          pgsqlPluginKind.module,
          { entities: [], migrations: [createOutboxMigration(TABLE)] },
        ],
        queue: [queuePluginKind.module, { outbox: { pgsqlPrefix: 'pgsql', table: TABLE } }],
      },
    });
    apps.push(app);
    return {
      app,
      pgsql: app.get<PgsqlPlugin>(getPgsqlToken()),
      outbox: app.get<OutboxWriter>(getOutboxWriterToken()),
    };
  }

  async function pendingCount(): Promise<number> {
    const [row] = await database.query<{ count: string }>(
      `SELECT count(*) FROM ${TABLE} WHERE sent_at IS NULL`,
    );
    return Number(row.count);
  }

  beforeAll(async () => {
    database = await createTestDatabase('queue_outbox');
    probe = await RabbitProbe.open();
    const app = await bootPluginApp({
      serviceName: consumerService,
      envPrefix: 'SPEC',
      env: rabbitEnv('SPEC', exchange),
      plugins: { queue: [queuePluginKind.module, undefined] },
      providers: [UserCreatedLog],
    });
    apps.push(app);
    consumer = app.get(UserCreatedLog);
  });

  beforeEach(() => {
    consumer.received.length = 0;
  });

  afterAll(async () => {
    for (const app of apps.reverse()) await app.close();
    await probe.cleanUp(exchange, subscriptionQueueNames(consumerService, EVENT));
    await probe.close();
    await database.drop();
  });

  it('publishes rows right after the commit, in order, with the row message id, and marks them sent', async () => {
    // Polling once an hour: only the in-process wake-up after commit can deliver these in time.
    const { app, pgsql, outbox } = await bootPublisher({ OUTBOX_POLL_INTERVAL: '1h' });
    const ids = await pgsql.transaction(async (manager) => {
      const written: string[] = [];
      for (let n = 0; n < 3; n += 1) {
        written.push(await outbox.add(manager, EVENT, { type: 'user.created', user_id: `u-${n}` }));
      }
      return written;
    });

    await waitFor(() => consumer.received.length === 3, 'three events');
    expect(consumer.received.map(({ messageId }) => messageId)).toEqual(ids);
    expect(consumer.received.map(({ payload }) => payload)).toEqual(
      [0, 1, 2].map((n) => ({
        type: 'user.created',
        user_id: `u-${n}`,
      })),
    );
    await waitFor(async () => (await pendingCount()) === 0, 'rows marked sent');
    await app.close();
  });

  it('publishes nothing for a rolled-back transaction', async () => {
    const { app, pgsql, outbox } = await bootPublisher();
    await expect(
      pgsql.transaction(async (manager) => {
        await outbox.add(manager, EVENT, { user_id: 'ghost' });
        throw new Error('state change failed');
      }),
    ).rejects.toThrow('state change failed');
    await pgsql.transaction((manager) => outbox.add(manager, EVENT, { user_id: 'real' }));

    await waitFor(() => consumer.received.length === 1, 'the committed event');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(consumer.received.map(({ payload }) => payload)).toEqual([{ user_id: 'real' }]);
    const rows = await database.query(
      `SELECT payload FROM ${TABLE} WHERE payload->>'user_id' = 'ghost'`,
    );
    expect(rows).toHaveLength(0);
    await app.close();
  });

  it('keeps events committed while the broker is unreachable and publishes them once it is reachable', async () => {
    const port = await closedPort();
    const offline = await bootPublisher({ PORT: String(port), PUBLISH_TIMEOUT: '200ms' });
    const ids = await offline.pgsql.transaction(async (manager) => [
      await offline.outbox.add(manager, EVENT, { user_id: 'while-down-1' }),
      await offline.outbox.add(manager, EVENT, { user_id: 'while-down-2' }),
    ]);
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(await pendingCount()).toBe(2);
    await offline.app.close();

    await bootPublisher();
    await waitFor(() => consumer.received.length === 2, 'the two events');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(consumer.received.map(({ messageId }) => messageId)).toEqual(ids);
    expect(await pendingCount()).toBe(0);
  });

  it('two relays on one table publish every row exactly once', async () => {
    const first = await bootPublisher();
    await bootPublisher();
    const written = await Promise.all(
      Array.from({ length: 5 }, (_, batch) =>
        first.pgsql.transaction(async (manager) => {
          const ids: string[] = [];
          for (let n = 0; n < 20; n += 1) {
            ids.push(await first.outbox.add(manager, EVENT, { batch, n }));
          }
          return ids;
        }),
      ),
    );
    await waitFor(() => consumer.received.length >= 100, 'a hundred events');
    await new Promise((resolve) => setTimeout(resolve, 500));
    const received = consumer.received.map(({ messageId }) => messageId);
    expect(received).toHaveLength(100);
    expect(new Set(received)).toEqual(new Set(written.flat()));
  });
});
