import { INestApplicationContext, Injectable } from '@nestjs/common';
import {
  EmbeddedQueueClient,
  QueueMessageInfo,
  QueuePlugin,
  QueueSubscribe,
  queuePluginKind,
  getQueueToken,
} from '../../src/plugins/queue';
import { ConfigLoader } from '../../src/toolkit/config';
import { PluginStatusRegistry } from '../../src/toolkit/plugins';
import { bootPluginApp } from '../support/rabbit-app';
import {
  RabbitProbe,
  rabbitEnv,
  subscriptionQueueNames,
  uniqueName,
  waitFor,
} from '../support/rabbit';
import { closedPort } from '../support/redis';
import { quietLogger, recordingLogger } from '../support/quiet-logger';

interface Received {
  payload: unknown;
  info: QueueMessageInfo;
}

/** A service's event handler: records deliveries, fails while `failuresLeft` > 0. */
@Injectable()
class OrderEvents {
  readonly received: Received[] = [];
  failuresLeft = 0;

  @QueueSubscribe('order.completed')
  async onOrderCompleted(payload: unknown, info: QueueMessageInfo): Promise<void> {
    this.received.push({ payload, info });
    if (this.failuresLeft > 0) {
      this.failuresLeft -= 1;
      throw new Error('downstream unavailable');
    }
  }
}

const EVENT = 'order.completed';

describe('queue plugin (RabbitMQ)', () => {
  const exchange = uniqueName('queue-e2e');
  const services: string[] = [];
  const apps: INestApplicationContext[] = [];
  let probe: RabbitProbe;

  async function bootService(
    serviceName: string,
    env: Record<string, string> = {},
  ): Promise<{ app: INestApplicationContext; queue: QueuePlugin; events: OrderEvents }> {
    services.push(serviceName);
    const app = await bootPluginApp({
      serviceName,
      envPrefix: 'SPEC',
      env: rabbitEnv('SPEC', exchange, env),
      plugins: { queue: [queuePluginKind.module, undefined] },
      providers: [OrderEvents],
    });
    apps.push(app);
    const queue = app.get<QueuePlugin>(getQueueToken('queue'));
    await waitFor(() => isReady(app), 'the queue plugin to connect');
    return { app, queue, events: app.get(OrderEvents) };
  }

  beforeAll(async () => {
    probe = await RabbitProbe.open();
  });

  afterAll(async () => {
    await Promise.all(apps.map((app) => app.close()));
    await probe.cleanUp(
      exchange,
      services.flatMap((service) => subscriptionQueueNames(service, EVENT)),
    );
    await probe.close();
  });

  it('publishes bare JSON with confirms, message id, type and persistence, and delivers it to the subscriber', async () => {
    const { queue, events } = await bootService(uniqueName('svc'));
    const tap = await probe.tap(exchange, EVENT);
    const payload = { type: 'order_completed', order_id: 'o-1', amount: 12.5, currency: 'EUR' };

    await queue.publish(EVENT, payload, { messageId: 'msg-1', headers: { 'x-request-id': 'r-1' } });

    await waitFor(() => events.received.length === 1, 'the delivery');
    expect(events.received[0]).toEqual({
      payload,
      info: { messageId: 'msg-1', event: EVENT, redelivered: false, attempt: 1 },
    });
    const [raw] = await probe.drain(tap);
    expect(JSON.parse(raw.content.toString())).toEqual(payload);
    expect(raw.properties).toMatchObject({
      contentType: 'application/json',
      messageId: 'msg-1',
      type: EVENT,
      deliveryMode: 2,
      headers: { 'x-request-id': 'r-1' },
    });
  });

  it('gives a message id to events published without one', async () => {
    const { queue, events } = await bootService(uniqueName('svc'));
    await queue.publish(EVENT, { n: 1 });
    await queue.publish(EVENT, { n: 2 });
    await waitFor(() => events.received.length === 2, 'both deliveries');
    const [first, second] = events.received.map(({ info }) => info.messageId);
    expect(first).toMatch(/^[0-9a-f-]{36}$/);
    expect(second).not.toBe(first);
  });

  it('delivers every event to each subscribing service', async () => {
    const billing = await bootService(uniqueName('billing'));
    const mailer = await bootService(uniqueName('mailer'));
    for (let n = 0; n < 5; n += 1) await billing.queue.publish(EVENT, { n });
    await waitFor(
      () => billing.events.received.length === 5 && mailer.events.received.length === 5,
      `five deliveries to each service (${billing.events.received.length}, ${mailer.events.received.length})`,
    );
    const numbers = (events: OrderEvents) =>
      events.received.map(({ payload }) => (payload as { n: number }).n).sort();
    expect(numbers(billing.events)).toEqual([0, 1, 2, 3, 4]);
    expect(numbers(mailer.events)).toEqual([0, 1, 2, 3, 4]);
  });

  it('shares one service queue between its replicas: each event is handled once', async () => {
    const service = uniqueName('replicated');
    const first = await bootService(service, { PREFETCH: '1' });
    const second = await bootService(service, { PREFETCH: '1' });
    for (let n = 0; n < 20; n += 1) await first.queue.publish(EVENT, { n });
    await waitFor(
      () => first.events.received.length + second.events.received.length === 20,
      'twenty deliveries',
    );
    await new Promise((resolve) => setTimeout(resolve, 200));
    const all = [...first.events.received, ...second.events.received].map(
      ({ payload }) => (payload as { n: number }).n,
    );
    expect(new Set(all).size).toBe(20);
    expect(all).toHaveLength(20);
    expect(first.events.received.length).toBeGreaterThan(0);
    expect(second.events.received.length).toBeGreaterThan(0);
  });

  it('retries a failing handler with backoff, then dead-letters the message to <service>.<event>.dlq', async () => {
    const service = uniqueName('failing');
    const { queue, events } = await bootService(service, { RETRY_COUNT: '2' });
    events.failuresLeft = Number.MAX_SAFE_INTEGER;

    await queue.publish(EVENT, { order_id: 'o-9' }, { messageId: 'doomed' });

    const dlq = `${service}.${EVENT}.dlq`;
    let dead: Awaited<ReturnType<RabbitProbe['drain']>> = [];
    await waitFor(async () => {
      dead = dead.length > 0 ? dead : await probe.drain(dlq);
      return dead.length > 0;
    }, 'the dead letter');
    expect(events.received.map(({ info }) => info.attempt)).toEqual([1, 2, 3]);
    expect(new Set(events.received.map(({ info }) => info.messageId))).toEqual(new Set(['doomed']));
    expect(dead).toHaveLength(1);
    expect(JSON.parse(dead[0].content.toString())).toEqual({ order_id: 'o-9' });
    expect(dead[0].properties.messageId).toBe('doomed');
    expect(dead[0].properties.headers).toMatchObject({
      'x-death-reason': 'downstream unavailable',
    });
  });

  it('acknowledges a message whose retry succeeds, leaving the DLQ empty', async () => {
    const service = uniqueName('flaky');
    const { queue, events } = await bootService(service, { RETRY_COUNT: '3' });
    events.failuresLeft = 1;
    await queue.publish(EVENT, { order_id: 'o-2' }, { messageId: 'flaky-1' });
    await waitFor(() => events.received.length === 2, 'the retried delivery');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(events.received.map(({ info }) => info.attempt)).toEqual([1, 2]);
    expect(await probe.drain(`${service}.${EVENT}.dlq`)).toHaveLength(0);
    expect(await probe.drain(`${service}.${EVENT}`)).toHaveLength(0);
  });

  it('dead-letters a message that is not JSON at once and goes on with the next one', async () => {
    const service = uniqueName('poisoned');
    const { events } = await bootService(service, { RETRY_COUNT: '5' });

    await probe.publishRaw(exchange, EVENT, '{not json', 'poison-1');
    await probe.publishRaw(exchange, EVENT, JSON.stringify({ order_id: 'o-3' }), 'good-1');

    await waitFor(() => events.received.length === 1, 'the valid message');
    expect(events.received[0].info.messageId).toBe('good-1');
    const dead = await probe.drain(`${service}.${EVENT}.dlq`);
    expect(dead.map((message) => message.content.toString())).toEqual(['{not json']);
    expect(dead[0].properties.headers).toMatchObject({ 'x-death-reason': 'invalid JSON' });
  });

  it('warns when an event reaches no queue (no subscriber bound yet): the broker drops it, loudly', async () => {
    const { logger, lines } = recordingLogger();
    const app = await bootPluginApp({
      serviceName: uniqueName('publisher'),
      envPrefix: 'SPEC',
      env: rabbitEnv('SPEC', exchange),
      plugins: { queue: [queuePluginKind.module, undefined] },
      logger,
    });
    apps.push(app);
    await waitFor(() => isReady(app), 'the queue plugin to connect');
    const queue = app.get<QueuePlugin>(getQueueToken('queue'));
    // Nobody subscribes to this routing key: the publish is confirmed all the same.
    await expect(
      queue.publish('order.nobody-listens', { n: 1 }, { messageId: 'lonely-1' }),
    ).resolves.toBeUndefined();
    const unroutable = () =>
      lines.find((line) => line.level === 40 && line.msg.includes('order.nobody-listens'));
    await waitFor(() => unroutable() !== undefined, 'the unroutable warning');
    const warning = unroutable();
    expect(warning?.msg).toContain('message lonely-1');
    expect(warning?.msg).toContain(`exchange "${exchange}"`);
    // A routed event raises no such warning.
    const { queue: subscribed, events } = await bootService(uniqueName('svc'));
    await subscribed.publish(EVENT, { n: 2 });
    await queue.publish(EVENT, { n: 3 });
    await waitFor(() => events.received.length === 2, 'both deliveries');
    expect(lines.filter((line) => line.msg.includes('reached no queue'))).toHaveLength(1);
  });

  it('starts without a broker, reports not ready, and fails publishes after the timeout', async () => {
    const port = await closedPort();
    const started = Date.now();
    const app = await bootPluginApp({
      serviceName: uniqueName('offline'),
      envPrefix: 'SPEC',
      env: rabbitEnv('SPEC', exchange, { PORT: String(port), PUBLISH_TIMEOUT: '300ms' }),
      plugins: { queue: [queuePluginKind.module, undefined] },
      providers: [OrderEvents],
    });
    apps.push(app);
    expect(Date.now() - started).toBeLessThan(5_000);
    const [status] = app.get(PluginStatusRegistry).list();
    expect(status).toMatchObject({ prefix: 'queue', kind: 'rabbitmq', embedded: false });
    expect(status.backend).toContain(`127.0.0.1:${port}`);
    expect(status.backend).not.toContain('guest:guest');
    await expect(status.check()).rejects.toThrow(/not connected/);
    await expect(app.get<QueuePlugin>(getQueueToken()).publish(EVENT, {})).rejects.toThrow(
      /timeout/,
    );
  });
});

describe('queue plugin (embedded in-process broker)', () => {
  it('keeps the same semantics across the services of the process: per-service fan-out, shared replicas, retries then DLQ', async () => {
    // One exchange per test run: the embedded broker is process-wide, like the real exchange.
    const exchange = uniqueName('embedded-e2e');
    const apps = await Promise.all(
      ['mailer', 'billing'].map((serviceName) =>
        bootPluginApp({
          serviceName,
          envPrefix: 'SPEC',
          env: {
            SPEC_QUEUE_EXCHANGE: exchange,
            SPEC_QUEUE_RETRY_COUNT: '1',
            SPEC_QUEUE_RETRY_BACKOFF: '10ms',
          },
          plugins: { queue: [queuePluginKind.module, undefined] },
          providers: [OrderEvents],
        }),
      ),
    );
    try {
      const [mailer, billing] = apps.map((app) => ({
        queue: app.get<EmbeddedQueueClient>(getQueueToken()),
        events: app.get(OrderEvents),
      }));
      // A second mailer replica shares mailer's queue.
      const replica: Received[] = [];
      await mailer.queue.subscribe('mailer', EVENT, async (payload, info) => {
        replica.push({ payload, info });
      });
      const [status] = apps[0].get(PluginStatusRegistry).list();
      expect(status).toMatchObject({ embedded: true });
      await expect(status.check()).resolves.toBeUndefined();

      for (let n = 0; n < 4; n += 1)
        await mailer.queue.publish(EVENT, { n }, { messageId: `m-${n}` });
      await waitFor(
        () => mailer.events.received.length + replica.length === 4,
        'four deliveries shared by the replicas',
      );
      await waitFor(() => billing.events.received.length === 4, 'billing gets its own copy');
      expect(mailer.events.received.length).toBe(2);
      expect(replica.length).toBe(2);
      expect(billing.events.received.map(({ info }) => info.messageId)).toEqual([
        'm-0',
        'm-1',
        'm-2',
        'm-3',
      ]);

      billing.events.failuresLeft = 10;
      await mailer.queue.publish(EVENT, { n: 9 }, { messageId: 'doomed' });
      await waitFor(
        () => billing.queue.deadLetters('billing', EVENT).length === 1,
        'the dead letter',
      );
      expect(
        billing.events.received
          .filter(({ info }) => info.messageId === 'doomed')
          .map(({ info }) => info.attempt),
      ).toEqual([1, 2]);
      expect(billing.queue.deadLetters('billing', EVENT)[0]).toMatchObject({
        messageId: 'doomed',
        reason: 'downstream unavailable',
      });
      expect(mailer.queue.deadLetters('mailer', EVENT)).toEqual([]);
    } finally {
      await Promise.all(apps.map((app) => app.close()));
    }
  });

  it('keeps messages for a service whose consumers stopped, and stops delivering to a closed app', async () => {
    const exchange = uniqueName('embedded-e2e');
    const boot = (serviceName: string) =>
      bootPluginApp({
        serviceName,
        envPrefix: 'SPEC',
        env: { SPEC_QUEUE_EXCHANGE: exchange },
        plugins: { queue: [queuePluginKind.module, undefined] },
        providers: [OrderEvents],
      });
    const publisher = await boot('publisher');
    const first = await boot('audit');
    try {
      const firstEvents = first.get(OrderEvents);
      await first.close();
      await publisher.get<QueuePlugin>(getQueueToken()).publish(EVENT, { n: 1 });
      const second = await boot('audit');
      try {
        const secondEvents = second.get(OrderEvents);
        await waitFor(() => secondEvents.received.length === 1, 'the waiting message');
        expect(firstEvents.received).toEqual([]);
      } finally {
        await second.close();
      }
    } finally {
      await publisher.close();
    }
  });

  it('warns when an event reaches no queue, as with RabbitMQ', async () => {
    const { logger, lines } = recordingLogger();
    const app = await bootPluginApp({
      serviceName: uniqueName('publisher'),
      envPrefix: 'SPEC',
      env: { SPEC_QUEUE_EXCHANGE: uniqueName('embedded-e2e') },
      plugins: { queue: [queuePluginKind.module, undefined] },
      logger,
    });
    try {
      await app.get<QueuePlugin>(getQueueToken()).publish(
        'order.nobody-listens',
        {},
        {
          messageId: 'lonely-2',
        },
      );
      expect(lines.filter((line) => line.level === 40).map((line) => line.msg)).toEqual([
        expect.stringMatching(
          /^event order\.nobody-listens \(message lonely-2\) reached no queue: none is bound to it on the embedded broker/,
        ),
      ]);
    } finally {
      await app.close();
    }
  });

  it('is refused in production unless explicitly allowed, naming the variable', () => {
    const context = {
      serviceName: 'user-service',
      envPrefix: 'USER_SERVICE',
      prefix: 'queue',
      config: new ConfigLoader('USER_SERVICE', {}),
      production: true,
      allowEmbedded: false,
      options: undefined,
      logger: quietLogger(),
    };
    expect(() => queuePluginKind.module(context)).toThrow(/USER_SERVICE_QUEUE_HOST/);
    expect(() => queuePluginKind.module({ ...context, allowEmbedded: true })).not.toThrow();
  });
});

async function isReady(app: INestApplicationContext): Promise<boolean> {
  const [status] = app.get(PluginStatusRegistry).list();
  return status
    .check()
    .then(() => true)
    .catch(() => false);
}
