import { Global, INestApplicationContext, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import Redis from 'ioredis';
import { ConfigLoader } from '../../../toolkit/config';
import { PluginStatusRegistry } from '../../../toolkit/plugins';
import { getKeyValueStoreToken, KeyValueStore } from '../../../toolkit/ports';
import {
  TEST_REDIS,
  closedPort,
  deleteKeys,
  rawRedis,
  uniqueKeyPrefix,
} from '../../../../test/support/redis';
import { CacheConfig, cacheConfigSection } from '../cache.config';
import { CacheModule } from '../cache.module';
import { CachePlugin } from '../cache.plugin';
import { getCacheToken } from '../cache.tokens';
import { quietLogger } from '../../../../test/support/quiet-logger';

@Global()
@Module({ providers: [PluginStatusRegistry], exports: [PluginStatusRegistry] })
class StatusModule {}

function configFrom(env: Record<string, string>): CacheConfig {
  const loader = new ConfigLoader('SPEC', env);
  const config = loader.load(cacheConfigSection('cache', 'spec-service'));
  loader.assertValid();
  return config;
}

async function boot(config: CacheConfig): Promise<INestApplicationContext> {
  const moduleRef = await Test.createTestingModule({
    imports: [
      StatusModule,
      CacheModule.forRoot({
        prefix: 'cache',
        serviceName: 'spec-service',
        config,
        logger: quietLogger(),
      }),
    ],
  }).compile();
  return moduleRef.init();
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('cache plugin against the local Redis', () => {
  const keyPrefix = uniqueKeyPrefix('cache_plugin');
  let app: INestApplicationContext;
  let cache: CachePlugin;
  let raw: Redis;

  beforeAll(async () => {
    raw = rawRedis();
    app = await boot(
      configFrom({
        SPEC_CACHE_HOST: TEST_REDIS.host,
        SPEC_CACHE_PORT: String(TEST_REDIS.port),
        SPEC_CACHE_KEY_PREFIX: keyPrefix,
      }),
    );
    cache = app.get<CachePlugin>(getCacheToken('cache'));
  });

  afterAll(async () => {
    await app?.close();
    await deleteKeys(raw, keyPrefix);
    raw.disconnect();
  });

  it('stores every key under its key prefix, through the methods and the raw client', async () => {
    await cache.set('a', '1');
    await cache.client.set('b', '2');
    expect(await raw.get(`${keyPrefix}a`)).toBe('1');
    expect(await raw.get(`${keyPrefix}b`)).toBe('2');
    expect(await raw.get('a')).not.toBe('1');
    expect(await cache.get('a')).toBe('1');
  });

  it('expires a key after its TTL and keeps one without', async () => {
    await cache.set('short', 'x', 150);
    await cache.set('long', 'y');
    expect(await raw.pttl(`${keyPrefix}short`)).toBeGreaterThan(0);
    expect(await raw.pttl(`${keyPrefix}long`)).toBe(-1);
    await sleep(300);
    expect(await cache.get('short')).toBeNull();
    expect(await cache.get('long')).toBe('y');
  });

  it('deletes keys and counts the ones that existed', async () => {
    await cache.set('d1', '1');
    await cache.set('d2', '2');
    expect(await cache.del('d1', 'd2', 'missing')).toBe(2);
    expect(await cache.del()).toBe(0);
    expect(await cache.get('d1')).toBeNull();
  });

  it("is the toolkit's key-value store of its prefix: a shared fixed-window counter", async () => {
    const store = app.get<KeyValueStore>(getKeyValueStoreToken('cache'));
    expect(store).toBe(cache);
    const first = await store.hitWindow('window', 60_000);
    const second = await store.hitWindow('window', 60_000);
    expect([first.count, second.count]).toEqual([1, 2]);
    expect(second.ttlMs).toBeGreaterThan(59_000);
    expect(await raw.get(`${keyPrefix}window`)).toBe('2');
  });

  it('gives a counter that lost its expiry a fresh one, so it cannot block for good', async () => {
    await raw.set(`${keyPrefix}stuck`, '5');
    const hit = await app
      .get<KeyValueStore>(getKeyValueStoreToken('cache'))
      .hitWindow('stuck', 1000);
    expect(hit.count).toBe(6);
    expect(await raw.pttl(`${keyPrefix}stuck`)).toBeGreaterThan(0);
  });

  it('is ready while Redis answers PING', async () => {
    const [status] = app.get(PluginStatusRegistry).list();
    expect(status).toMatchObject({ prefix: 'cache', kind: 'redis', embedded: false });
    expect(status.backend).toContain(`${TEST_REDIS.host}:${TEST_REDIS.port}`);
    await expect(status.check()).resolves.toBeUndefined();
  });
});

describe('cache plugin with Redis unreachable', () => {
  let app: INestApplicationContext;

  beforeAll(async () => {
    const port = await closedPort();
    app = await boot(
      configFrom({
        SPEC_CACHE_HOST: '127.0.0.1',
        SPEC_CACHE_PORT: String(port),
        SPEC_CACHE_CONNECT_TIMEOUT: '300ms',
      }),
    );
  });

  afterAll(() => app?.close());

  it('still starts, reports not ready, and fails calls fast instead of queueing them', async () => {
    const [status] = app.get(PluginStatusRegistry).list();
    await expect(status.check()).rejects.toThrow();
    const cache = app.get<CachePlugin>(getCacheToken('cache'));
    const started = Date.now();
    await expect(cache.get('anything')).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(2000);
  });
});

describe('embedded cache (no HOST)', () => {
  let app: INestApplicationContext;

  beforeAll(async () => {
    app = await boot(configFrom({ SPEC_CACHE_KEY_PREFIX: uniqueKeyPrefix('cache_embedded') }));
  });

  afterAll(() => app?.close());

  it('keeps values in process with TTLs and is ready', async () => {
    const cache = app.get<CachePlugin>(getCacheToken('cache'));
    await cache.set('k', 'v', 100);
    await cache.set('kept', 'v');
    expect(await cache.get('k')).toBe('v');
    await sleep(200);
    expect(await cache.get('k')).toBeNull();
    expect(await cache.get('kept')).toBe('v');
    const store = app.get<KeyValueStore>(getKeyValueStoreToken('cache'));
    expect((await store.hitWindow('w', 1000)).count).toBe(1);
    expect(await store.hitWindow('w', 1000)).toMatchObject({ count: 2 });
    const [status] = app.get(PluginStatusRegistry).list();
    expect(status).toMatchObject({ embedded: true });
    await expect(status.check()).resolves.toBeUndefined();
  });

  it('refuses the embedded store in production, naming the variable to set', () => {
    const context = {
      serviceName: 'spec-service',
      envPrefix: 'SPEC',
      prefix: 'cache',
      config: new ConfigLoader('SPEC', {}),
      production: true,
      allowEmbedded: false,
      options: undefined,
      logger: quietLogger(),
    };
    expect(() => CacheModule.forPlugin(context)).toThrow(/SPEC_CACHE_HOST/);
  });
});

describe('two cache instances in one app', () => {
  let app: INestApplicationContext;

  beforeAll(async () => {
    const instance = (prefix: string) =>
      CacheModule.forRoot({
        prefix,
        serviceName: 'spec-service',
        config: configFrom({ SPEC_CACHE_KEY_PREFIX: uniqueKeyPrefix(prefix) }),
        logger: quietLogger(),
      });
    const moduleRef = await Test.createTestingModule({
      imports: [StatusModule, instance('cache'), instance('sessions')],
    }).compile();
    app = await moduleRef.init();
  });

  afterAll(() => app?.close());

  it('keeps each prefix its own options, client, store and readiness entry', async () => {
    const cache = app.get<CachePlugin>(getCacheToken('cache'));
    const sessions = app.get<CachePlugin>(getCacheToken('sessions'));
    expect(sessions).not.toBe(cache);
    expect(app.get(getKeyValueStoreToken('sessions'))).toBe(sessions);
    await cache.set('k', 'from cache');
    expect(await sessions.get('k')).toBeNull();
    expect(
      app
        .get(PluginStatusRegistry)
        .list()
        .map((status) => status.prefix)
        .sort(),
    ).toEqual(['cache', 'sessions']);
  });
});
