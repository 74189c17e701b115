import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { runUserFlow } from '../deploy/flow';
import {
  MainProcess,
  freeSystemPorts,
  spawnMain,
  systemEnv,
  waitForOutput,
} from '../deploy/system';
import { TestDatabase, createTestDatabase } from '../support/pg';
import { TEST_RABBIT, uniqueName } from '../support/rabbit';
import { TEST_REDIS, deleteKeys, rawRedis, uniqueKeyPrefix } from '../support/redis';

const run = promisify(execFile);

// The same flow as test/embedded/flow.embedded-spec.ts, with every plugin on the real local
// PostgreSQL, Redis and RabbitMQ: a database per service, own key and channel prefixes, and a
// RabbitMQ vhost of its own (queue names are per service, so they would meet other suites').
describe('real backends: the four services in one process', () => {
  const databases: TestDatabase[] = [];
  const keyPrefix = uniqueKeyPrefix('deploy-flow');
  const vhost = uniqueName('deploy-flow');
  let main: MainProcess;
  let gatewayPort: number;

  beforeAll(async () => {
    await run('rabbitmqctl', ['add_vhost', vhost], { timeout: 60_000 });
    await run('rabbitmqctl', ['set_permissions', '-p', vhost, 'guest', '.*', '.*', '.*'], {
      timeout: 60_000,
    });
    const backendEnv: Record<string, string> = {};
    for (const prefix of ['USER_SERVICE', 'NOTIFICATION_SERVICE', 'CHAT_SERVICE', 'API_GATEWAY']) {
      if (prefix !== 'API_GATEWAY') {
        const database = await createTestDatabase(`deploy_flow_${prefix}`);
        databases.push(database);
        Object.assign(backendEnv, database.env(prefix));
      }
      Object.assign(backendEnv, {
        [`${prefix}_CACHE_HOST`]: TEST_REDIS.host,
        [`${prefix}_CACHE_PORT`]: String(TEST_REDIS.port),
        [`${prefix}_CACHE_KEY_PREFIX`]: `${keyPrefix}${prefix}:`,
      });
    }
    for (const prefix of ['USER_SERVICE', 'NOTIFICATION_SERVICE']) {
      Object.assign(backendEnv, {
        [`${prefix}_QUEUE_HOST`]: TEST_RABBIT.host,
        [`${prefix}_QUEUE_PORT`]: String(TEST_RABBIT.port),
        [`${prefix}_QUEUE_VHOST`]: vhost,
      });
    }
    Object.assign(backendEnv, {
      CHAT_SERVICE_REALTIME_HOST: TEST_REDIS.host,
      CHAT_SERVICE_REALTIME_PORT: String(TEST_REDIS.port),
      CHAT_SERVICE_REALTIME_CHANNEL_PREFIX: `${keyPrefix}realtime:`,
    });
    const ports = await freeSystemPorts();
    gatewayPort = ports.gateway;
    main = spawnMain({ NODE_ENV: 'development', ...systemEnv(ports), ...backendEnv });
    await waitForOutput(main, 'api-gateway listening', 120_000);
  }, 180_000);

  afterAll(async () => {
    await main?.stop();
    await Promise.all(databases.map((database) => database.drop()));
    const redis = rawRedis();
    await deleteKeys(redis, keyPrefix);
    redis.disconnect();
    await run('rabbitmqctl', ['delete_vhost', vhost], { timeout: 60_000 }).catch(() => undefined);
  }, 120_000);

  it('names the real backend of every plugin in the start-up log', () => {
    const output = main.output();
    expect(output).not.toMatch(/plugin \w+ \(\w+\): embedded/);
    expect(output).toContain('plugin pgsql (postgres_gorm): postgres ');
    expect(output).toContain('plugin queue (rabbitmq): rabbitmq ');
  });

  it('serves the whole flow through the gateway: user, welcome notification, chat over WebSocket', async () => {
    await runUserFlow(gatewayPort);
  }, 60_000);
});
