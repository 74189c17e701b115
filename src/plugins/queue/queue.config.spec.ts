import { ConfigLoader } from '../../toolkit/config';
import {
  brokerUrl,
  queueConfigSection,
  redactedBrokerUrl,
  usesEmbeddedBroker,
} from './queue.config';
import { retryDelay, subscriptionQueues } from './retry-policy';

function load(env: Record<string, string>) {
  const loader = new ConfigLoader('USER_SERVICE', env);
  const config = loader.load(queueConfigSection('queue'));
  loader.assertValid();
  return config;
}

describe('queue config', () => {
  it('builds the URL from the parts, escaping credentials and the vhost', () => {
    const config = load({
      USER_SERVICE_QUEUE_HOST: 'mq',
      USER_SERVICE_QUEUE_USERNAME: 'svc',
      USER_SERVICE_QUEUE_PASSWORD: 'p@ss/word',
      USER_SERVICE_QUEUE_VHOST: '/',
    });
    expect(brokerUrl(config)).toBe('amqp://svc:p%40ss%2Fword@mq:5672/%2F');
    expect(redactedBrokerUrl(brokerUrl(config))).toBe('amqp://svc@mq:5672/%2F');
    expect(usesEmbeddedBroker(config)).toBe(false);
  });

  it('lets the DSN replace the parts, and uses the in-process broker when neither is set', () => {
    const dsn = 'amqps://a:b@broker.example:5671/prod';
    expect(
      brokerUrl(load({ USER_SERVICE_QUEUE_HOST: 'ignored', USER_SERVICE_QUEUE_DSN: dsn })),
    ).toBe(dsn);
    expect(usesEmbeddedBroker(load({}))).toBe(true);
  });

  it('reports every invalid variable at once', () => {
    expect(() =>
      load({ USER_SERVICE_QUEUE_PREFETCH: '0', USER_SERVICE_QUEUE_RETRY_BACKOFF: 'soon' }),
    ).toThrow(/USER_SERVICE_QUEUE_PREFETCH[\s\S]*USER_SERVICE_QUEUE_RETRY_BACKOFF/);
  });
});

describe('retry policy', () => {
  it('doubles the delay per retry up to the maximum', () => {
    const policy = { maxRetries: 5, initialDelayMs: 100, maxDelayMs: 350 };
    expect([1, 2, 3, 4].map((retry) => retryDelay(policy, retry))).toEqual([100, 200, 350, 350]);
  });

  it('names the queues of a subscription after the service and the event', () => {
    expect(subscriptionQueues('notification-service', 'user.created')).toEqual({
      main: 'notification-service.user.created',
      retry: 'notification-service.user.created.retry',
      dlq: 'notification-service.user.created.dlq',
    });
  });
});
