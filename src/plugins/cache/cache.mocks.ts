import type { Redis } from 'ioredis';
import { CachePlugin } from './cache.plugin';

/**
 * A jest mock of {@link CachePlugin}: a miss on `get`, success on `set` and `del` (0 keys), and an
 * empty `client` object to stub as needed. For jest only (uses the `jest` global).
 * @publicApi
 */
export function createCachePluginMock(): jest.Mocked<CachePlugin> {
  return {
    client: {} as Redis,
    get: jest.fn<Promise<string | null>, [string]>().mockResolvedValue(null),
    set: jest.fn<Promise<void>, [string, string, number?]>().mockResolvedValue(undefined),
    del: jest.fn<Promise<number>, string[]>().mockResolvedValue(0),
  } as jest.Mocked<CachePlugin>;
}
