import type { Redis } from 'ioredis';
import type { KeyValueStore, WindowCount } from '../../toolkit/ports';
import { withinDeadline } from '../../toolkit/runtime/deadline';
import type { CacheMetrics } from './cache.metrics';
import { hitWindow } from './window-counter';

/**
 * What a service gets from a redis plugin instance (`@InjectCache(prefix)`). Every key, through
 * these methods or `client`, is stored under the instance's key prefix (`<PREFIX>_CACHE_KEY_PREFIX`).
 * Against a dead Redis, calls fail fast (no offline queue, bounded command time, and never past
 * the current call's deadline); callers decide whether that matters.
 * @publicApi
 */
export interface CachePlugin {
  /** The ioredis client (real Redis, or the embedded in-process store). */
  readonly client: Redis;
  /** The value, or null when the key is absent or expired. */
  get(key: string): Promise<string | null>;
  /** Stores `value`; with `ttlMs` the key expires after that many milliseconds. */
  set(key: string, value: string, ttlMs?: number): Promise<void>;
  /** Deletes the keys; resolves to how many existed. */
  del(...keys: string[]): Promise<number>;
}

/**
 * The cache plugin instance, which is also the toolkit's {@link KeyValueStore} of its prefix.
 * @internal
 */
export class RedisCachePlugin implements CachePlugin, KeyValueStore {
  constructor(
    readonly client: Redis,
    private readonly metrics?: CacheMetrics,
  ) {}

  // Plain promise chains rather than async methods: a cached read is on the hot path of every
  // request that uses it, and each async layer costs two promises and their microtasks.
  get(key: string): Promise<string | null> {
    return withinDeadline(this.client.get(key), 'Redis').then((value) => {
      if (value === null) this.metrics?.miss();
      else this.metrics?.hit();
      return value;
    }, this.failed);
  }

  set(key: string, value: string, ttlMs?: number): Promise<void> {
    const written =
      ttlMs !== undefined && ttlMs > 0
        ? this.client.set(key, value, 'PX', ttlMs)
        : this.client.set(key, value);
    return withinDeadline(written, 'Redis').then(() => undefined, this.failed);
  }

  del(...keys: string[]): Promise<number> {
    if (keys.length === 0) return Promise.resolve(0);
    return this.counted(withinDeadline(this.client.del(...keys), 'Redis'));
  }

  /** `command`, with its failure counted. */
  private counted<T>(command: Promise<T>): Promise<T> {
    return command.then(undefined, this.failed);
  }

  /** Counts a failed command and passes its error on. */
  private readonly failed = (error: unknown): never => {
    this.metrics?.error();
    throw error;
  };

  hitWindow(key: string, windowMs: number): Promise<WindowCount> {
    return this.counted(hitWindow(this.client, key, windowMs));
  }
}
