/** The hits a fixed-window counter holds, and how long its window still runs. @publicApi */
export interface WindowCount {
  /** Hits in the current window, this one included. */
  count: number;
  /** Milliseconds until the window ends and the count starts again from zero. */
  ttlMs: number;
}

/**
 * A store of expiring string keys shared by every replica of a service: what the security
 * middlewares need from a Redis-like backend (the token deny-list, the rate-limit counters).
 * The toolkit names the operations; a plugin provides them under {@link getKeyValueStoreToken}
 * (the cache plugin, kind `redis`, does for each of its prefixes). Keys are relative: the
 * implementation scopes them (e.g. under the instance's key prefix). An unreachable backend
 * rejects; each caller decides whether that fails open or closed.
 * @publicApi
 */
export interface KeyValueStore {
  /** The value, or null when the key is absent or expired. */
  get(key: string): Promise<string | null>;
  /** Stores `value`; with `ttlMs` the key expires after that many milliseconds. */
  set(key: string, value: string, ttlMs?: number): Promise<void>;
  /**
   * Counts one hit on `key` in a fixed window of `windowMs`, atomically for every client of the
   * store: the first hit of a window starts it, later hits only count. A counter that somehow
   * lost its expiry gets one again, so a key can never stay over a budget for good.
   */
  hitWindow(key: string, windowMs: number): Promise<WindowCount>;
}

/** The plugin prefix the security middlewares read their store from. @publicApi */
export const DEFAULT_KEY_VALUE_STORE_PREFIX = 'cache';

/**
 * Injection token of the {@link KeyValueStore} of the plugin declared under `prefix`
 * (`toolkit:key-value-store:<prefix>`). A pure function: the toolkit and the plugin that provides
 * the store compute the same token without importing each other.
 * @publicApi
 */
export function getKeyValueStoreToken(prefix: string = DEFAULT_KEY_VALUE_STORE_PREFIX): string {
  return `toolkit:key-value-store:${prefix}`;
}
