import type { LoggerService } from '@nestjs/common';
import type { ConfirmChannel, ConsumeMessage } from 'amqplib';
import { Registry } from 'prom-client';
import { RETRY_COUNT_HEADER } from '../queue.constants';
import { UnprocessableMessageError } from '../queue.errors';
import { QueueEventMetrics } from '../queue.metrics';
import { subscriptionQueues } from '../retry-policy';
import { DeliveryTarget, handleDelivery } from './delivery';

const SILENT: LoggerService = {
  log: () => undefined,
  error: () => undefined,
  warn: () => undefined,
};

/** A confirm channel that records what the delivery did; `confirms` false: the broker refuses copies. */
function fakeChannel(confirms = true) {
  const published: string[] = [];
  const settled: string[] = [];
  const channel = {
    publish: (
      _exchange: string,
      queue: string,
      _content: Buffer,
      _options: unknown,
      done: (error?: Error) => void,
    ) => {
      published.push(queue);
      done(confirms ? undefined : new Error('nack'));
      return true;
    },
    ack: () => settled.push('ack'),
    nack: () => settled.push('nack'),
  };
  return { channel: channel as unknown as ConfirmChannel, published, settled };
}

function message(body: string, retries = 0): ConsumeMessage {
  return {
    content: Buffer.from(body),
    fields: { routingKey: 'user.created', redelivered: false, deliveryTag: 1 },
    properties: { messageId: 'm-1', headers: { [RETRY_COUNT_HEADER]: retries } },
  } as unknown as ConsumeMessage;
}

describe('handleDelivery counts each outcome by routing key', () => {
  let registry: Registry;
  let target: (handler: DeliveryTarget['handler']) => DeliveryTarget;

  beforeEach(() => {
    registry = new Registry();
    const metrics = new QueueEventMetrics(registry);
    target = (handler) => ({
      event: 'user.created',
      queues: subscriptionQueues('svc', 'user.created'),
      handler,
      retry: { maxRetries: 2, initialDelayMs: 10, maxDelayMs: 100 },
      logger: SILENT,
      metrics,
    });
  });

  const value = async (name: string, labels: Record<string, string> = {}): Promise<number> => {
    const metric = await registry.getSingleMetric(name)!.get();
    return metric.values
      .filter((sample) => Object.entries(labels).every(([key, v]) => sample.labels[key] === v))
      .reduce((sum, sample) => sum + sample.value, 0);
  };

  it('a handled delivery is consumed', async () => {
    const { channel, settled } = fakeChannel();
    await handleDelivery(
      channel,
      message('{"a":1}'),
      target(async () => undefined),
    );
    expect(settled).toEqual(['ack']);
    expect(
      await value('toolkit_queue_events_consumed_total', { routing_key: 'user.created' }),
    ).toBe(1);
  });

  it('a failure with retries left is retried; the last one is dead-lettered as retries_exhausted', async () => {
    const failing = target(async () => {
      throw new Error('SMTP down');
    });
    const { channel, published } = fakeChannel();
    await handleDelivery(channel, message('{}', 0), failing);
    await handleDelivery(channel, message('{}', 2), failing);
    expect(published).toEqual(['svc.user.created.retry', 'svc.user.created.dlq']);
    expect(await value('toolkit_queue_events_retried_total')).toBe(1);
    expect(
      await value('toolkit_queue_events_dead_lettered_total', { reason: 'retries_exhausted' }),
    ).toBe(1);
    expect(await value('toolkit_queue_events_consumed_total')).toBe(0);
  });

  it('an unprocessable message and a body that is not JSON are dead-lettered with their reason', async () => {
    const { channel } = fakeChannel();
    await handleDelivery(
      channel,
      message('{}'),
      target(async () => {
        throw new UnprocessableMessageError('no user_id');
      }),
    );
    await handleDelivery(
      channel,
      message('not json'),
      target(async () => undefined),
    );
    expect(
      await value('toolkit_queue_events_dead_lettered_total', { reason: 'unprocessable' }),
    ).toBe(1);
    expect(
      await value('toolkit_queue_events_dead_lettered_total', { reason: 'invalid_json' }),
    ).toBe(1);
  });

  it('counts nothing when the broker does not confirm the copy (the redelivery will be counted)', async () => {
    const { channel, settled } = fakeChannel(false);
    await handleDelivery(
      channel,
      message('{}'),
      target(async () => {
        throw new Error('transient');
      }),
    );
    expect(settled).toEqual(['nack']);
    expect(await value('toolkit_queue_events_retried_total')).toBe(0);
    expect(await value('toolkit_queue_events_dead_lettered_total')).toBe(0);
  });
});
