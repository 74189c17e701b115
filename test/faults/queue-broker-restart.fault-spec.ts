import { INestApplicationContext, Injectable } from '@nestjs/common';
import { PgsqlPlugin, getPgsqlToken, pgsqlPluginKind } from '../../src/plugins/pgsql';
import {
  OutboxWriter,
  QueueMessageInfo,
  QueuePlugin,
  QueueSubscribe,
  createOutboxMigration,
  queuePluginKind,
  getOutboxWriterToken,
  getQueueToken,
} from '../../src/plugins/queue';
import { PluginStatusRegistry } from '../../src/toolkit/plugins';
import { TestDatabase, createTestDatabase } from '../support/pg';
import { bootPluginApp } from '../support/rabbit-app';
import {
  RabbitProbe,
  rabbitEnv,
  subscriptionQueueNames,
  uniqueName,
  waitFor,
  withBrokerStopped,
} from '../support/rabbit';

const EVENT = 'user.updated';
const TABLE = 'restart_outbox';

@Injectable()
class UserUpdatedLog {
  readonly messageIds: string[] = [];

  @QueueSubscribe(EVENT)
  async onUserUpdated(_payload: unknown, info: QueueMessageInfo): Promise<void> {
    this.messageIds.push(info.messageId);
  }
}

/**
 * Restarts the shared local broker (`rabbitmqctl stop_app` / `start_app`, restored in a finally)
 * under one service that both publishes through the outbox and consumes: events committed while
 * the broker is down are published once it is back, and the subscription survives the restart.
 */
describe('queue plugin across a broker restart', () => {
  const exchange = uniqueName('restart-e2e');
  const service = uniqueName('restart');
  let database: TestDatabase;
  let app: INestApplicationContext;

  beforeAll(async () => {
    database = await createTestDatabase('queue_restart');
    app = await bootPluginApp({
      serviceName: service,
      envPrefix: 'SPEC',
      env: {
        ...database.env('SPEC'),
        ...rabbitEnv('SPEC', exchange, { OUTBOX_POLL_INTERVAL: '100ms', PUBLISH_TIMEOUT: '1s' }),
      },
      plugins: {
        pgsql: [
          pgsqlPluginKind.module,
          { entities: [], migrations: [createOutboxMigration(TABLE)] },
        ],
        queue: [queuePluginKind.module, { outbox: { table: TABLE } }],
      },
      providers: [UserUpdatedLog],
    });
  });

  afterAll(async () => {
    await app?.close();
    const probe = await RabbitProbe.open();
    await probe.cleanUp(exchange, subscriptionQueueNames(service, EVENT));
    await probe.close();
    await database?.drop();
  });

  it('publishes what was committed during the outage and keeps consuming after it', async () => {
    const pgsql = app.get<PgsqlPlugin>(getPgsqlToken());
    const outbox = app.get<OutboxWriter>(getOutboxWriterToken());
    const queue = app.get<QueuePlugin>(getQueueToken());
    const log = app.get(UserUpdatedLog);
    const status = app
      .get(PluginStatusRegistry)
      .list()
      .find(({ kind }) => kind === 'rabbitmq');
    if (!status) throw new Error('the queue plugin did not register its readiness check');
    const ready = () =>
      status.check().then(
        () => true,
        () => false,
      );
    await waitFor(ready, 'the consumer');

    const before = await pgsql.transaction((manager) => outbox.add(manager, EVENT, { n: 0 }));
    await waitFor(() => log.messageIds.length === 1, 'the event before the outage');

    const during = await withBrokerStopped(async () => {
      await waitFor(async () => !(await ready()), 'the plugin to notice the outage');
      const ids: string[] = [];
      for (let n = 1; n <= 10; n += 1) {
        ids.push(await pgsql.transaction((manager) => outbox.add(manager, EVENT, { n })));
      }
      return ids;
    });

    await waitFor(ready, 'the reconnect', 30_000);
    await queue.publish(EVENT, { n: 11 }, { messageId: 'after-restart' });
    await waitFor(() => log.messageIds.length >= 12, 'every event', 30_000);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(new Set(log.messageIds)).toEqual(new Set([before, ...during, 'after-restart']));
    const [pending] = await database.query<{ count: string }>(
      `SELECT count(*) FROM ${TABLE} WHERE sent_at IS NULL`,
    );
    expect(Number(pending.count)).toBe(0);
  });
});
