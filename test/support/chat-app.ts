import { randomBytes } from 'node:crypto';
import { AddressInfo } from 'node:net';
import Redis from 'ioredis';
import { createChatServiceClient } from '../../src/gen/chatservice/chat-service.toolkit';
import { chatServiceDefinition } from '../../src/modules/chat/chat.definition';
import { RunningService } from '../../src/toolkit/runtime/bootstrap-service';
import { bootstrapService } from './bootstrap';
import { callerHeaders } from './caller';
import { TestDatabase, createTestDatabase } from './pg';
import { TEST_REDIS, deleteKeys, rawRedis, uniqueKeyPrefix } from './redis';

/**
 * What chat-service instances of one suite share: a database, a cache key prefix and a realtime
 * channel prefix (instances sharing it share fan-out).
 */
export interface ChatBackends {
  database: TestDatabase;
  /** Prefix of the cache keys; active members live at `${keyPrefix}room:<id>:active`. */
  keyPrefix: string;
  channelPrefix: string;
  /** Raw client on the test Redis, to look at what the service stored. */
  redis: Redis;
  /** Drops the database and deletes the keys (after every app is closed). */
  release(): Promise<void>;
}

/** One booted chat-service instance (ports 0). */
export interface ChatApp {
  running: RunningService;
  httpPort: number;
  grpc: ReturnType<typeof createChatServiceClient>;
  /** A JSON HTTP call with extra `headers` (e.g. `as(...).metadata`); `body` is the parsed JSON answer. */
  http(
    method: string,
    path: string,
    json?: unknown,
    headers?: Record<string, string>,
  ): Promise<{ status: number; body: unknown }>;
  /** gRPC call options (caller token metadata) with which `userId` calls, as via the gateway. */
  as(userId: string, roles?: readonly string[]): Promise<{ metadata: Record<string, string> }>;
  close(): Promise<void>;
}

export async function createChatBackends(suite: string): Promise<ChatBackends> {
  const database = await createTestDatabase(suite);
  const keyPrefix = uniqueKeyPrefix(suite);
  const channelPrefix = `t:${suite}:${randomBytes(4).toString('hex')}:rt:`;
  const redis = rawRedis();
  return {
    database,
    keyPrefix,
    channelPrefix,
    redis,
    release: async () => {
      await deleteKeys(redis, keyPrefix);
      redis.disconnect();
      await database.drop();
    },
  };
}

/** Boots chat-service on `backends` (real PostgreSQL and Redis for pgsql, cache and realtime). */
export async function startChatApp(
  backends: ChatBackends,
  env: Record<string, string> = {},
): Promise<ChatApp> {
  const running = await bootstrapService(chatServiceDefinition, {
    env: {
      ...process.env,
      ...backends.database.env('CHAT_SERVICE'),
      CHAT_SERVICE_CACHE_HOST: TEST_REDIS.host,
      CHAT_SERVICE_CACHE_PORT: String(TEST_REDIS.port),
      CHAT_SERVICE_CACHE_KEY_PREFIX: backends.keyPrefix,
      CHAT_SERVICE_REALTIME_HOST: TEST_REDIS.host,
      CHAT_SERVICE_REALTIME_PORT: String(TEST_REDIS.port),
      CHAT_SERVICE_REALTIME_CHANNEL_PREFIX: backends.channelPrefix,
      ...env,
    },
    httpPort: 0,
    grpcPort: 0,
  });
  const grpc = createChatServiceClient(running.grpcTarget ?? '');
  return {
    running,
    httpPort: (running.app.getHttpServer().address() as AddressInfo).port,
    grpc,
    as: async (userId, roles = []) => ({
      metadata: await callerHeaders('chat-service', userId, roles),
    }),
    http: async (method, path, json, headers = {}) => {
      const response = await fetch(`${running.httpUrl}${path}`, {
        method,
        headers: {
          ...(json === undefined ? {} : { 'content-type': 'application/json' }),
          ...headers,
        },
        body: json === undefined ? undefined : JSON.stringify(json),
      });
      const text = await response.text();
      return { status: response.status, body: text === '' ? undefined : JSON.parse(text) };
    },
    close: async () => {
      grpc.close();
      await running.close();
    },
  };
}
