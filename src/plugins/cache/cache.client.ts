import { LoggerService } from '@nestjs/common';
import type { Redis, RedisOptions } from 'ioredis';
import { CacheConfig } from './cache.config';

/** Longest pause between two reconnection attempts. */
const MAX_RECONNECT_DELAY_MS = 2000;

/**
 * ioredis options that make a dead Redis fail fast instead of queueing: no offline queue, one
 * retry per command, bounded connect and command time; the connection itself keeps retrying in
 * the background with capped backoff, so the cache comes back on its own. Commands issued in the
 * same event-loop tick (concurrent requests) go out as one pipelined write instead of one socket
 * write each; replies and per-command errors stay per command.
 */
export function redisClientOptions(config: CacheConfig): RedisOptions {
  return {
    host: config.HOST,
    port: config.PORT,
    password: config.PASSWORD,
    db: config.DATABASE,
    keyPrefix: config.KEY_PREFIX,
    connectTimeout: config.CONNECT_TIMEOUT,
    commandTimeout: config.COMMAND_TIMEOUT,
    enableOfflineQueue: false,
    enableAutoPipelining: true,
    maxRetriesPerRequest: 1,
    retryStrategy: (attempt) => Math.min(attempt * 200, MAX_RECONNECT_DELAY_MS),
  };
}

/**
 * Logs connection trouble once per outage (ioredis emits an error on every reconnect attempt),
 * and the recovery. Also keeps ioredis from reporting "Unhandled error event".
 */
export function logConnectionState(client: Redis, logger: LoggerService, backend: string): void {
  let lastError: string | undefined;
  client.on('error', (error: Error) => {
    if (error.message === lastError) return;
    lastError = error.message;
    logger.warn(`${backend} unreachable: ${error.message}`);
  });
  client.on('ready', () => {
    if (lastError === undefined) return;
    lastError = undefined;
    logger.log(`${backend} reachable again`);
  });
}

/** Resolves once the client is ready, or after `ms` (whichever first); never rejects. */
export function waitUntilReady(client: Redis, ms: number): Promise<boolean> {
  if (client.status === 'ready') return Promise.resolve(true);
  return new Promise((resolve) => {
    const done = (ready: boolean) => {
      clearTimeout(timer);
      client.off('ready', onReady);
      resolve(ready);
    };
    const onReady = () => done(true);
    const timer = setTimeout(() => done(false), ms);
    client.on('ready', onReady);
  });
}

/**
 * ioredis' ways of saying Redis cannot be reached (offline queue disabled, connection closed,
 * command timed out, retries exhausted); for a call that needed the cache, that is UNAVAILABLE.
 */
export function isRedisUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  return (
    error.name === 'MaxRetriesPerRequestError' ||
    /Connection is closed|Stream isn't writeable|Command timed out|Reached the max retries/i.test(
      error.message,
    )
  );
}
