import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import Redis from 'ioredis';

/** Where the shared test Redis is. */
export const TEST_REDIS = {
  host: process.env.TEST_CACHE_HOST ?? '127.0.0.1',
  port: Number(process.env.TEST_CACHE_PORT ?? 6379),
};

/** A key prefix no other suite uses, e.g. `t:user_e2e:1a2b3c4d:`. */
export function uniqueKeyPrefix(suite: string): string {
  return `t:${suite.toLowerCase().replace(/[^a-z0-9]+/g, '_')}:${randomBytes(4).toString('hex')}:`;
}

/** A raw client on the shared test Redis (no key prefix), to look at what a service stored. */
export function rawRedis(): Redis {
  return new Redis({ ...TEST_REDIS, lazyConnect: false, maxRetriesPerRequest: 1 });
}

/** Deletes every key under `prefix` (afterAll). */
export async function deleteKeys(redis: Redis, prefix: string): Promise<void> {
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length > 0) await redis.del(...keys);
}

/** A TCP port nothing listens on (bound, read, released), to play an unreachable backend. */
export async function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
