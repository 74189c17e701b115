import { randomUUID } from 'node:crypto';
import { sendUnaryData, Server, ServerCredentials, ServerUnaryCall, status } from '@grpc/grpc-js';
import Redis from 'ioredis';
import { Pool } from 'pg';
import {
  BaselineMetrics,
  CachedUser,
  cachedFromRow,
  createAccessLogger,
  intEnv,
  requiredEnv,
  stopOnSignal,
  timestampOf,
  UserMessage,
  UserRow,
  UUID_PATTERN,
} from './common';
import { loadUserService } from './proto-loading';

/**
 * Plain baseline of user-service over gRPC: @grpc/grpc-js + proto-loader (same loader options),
 * the same cache-aside GetUser as the HTTP baseline, one access-log line and metrics per call.
 */
const CACHE_TTL_SECONDS = 3600;
const logger = createAccessLogger('baseline-grpc');
const metrics = new BaselineMetrics('baseline-grpc');
const redis = new Redis({
  host: '127.0.0.1',
  port: 6379,
  keyPrefix: requiredEnv('BENCH_REDIS_PREFIX'),
});
const pool = new Pool({
  host: '127.0.0.1',
  user: 'postgres',
  database: requiredEnv('BENCH_PG_DATABASE'),
  max: 10,
});

async function findUser(id: string): Promise<CachedUser | undefined> {
  const raw = await redis.get(`user:${id}`);
  if (raw !== null) return JSON.parse(raw) as CachedUser;
  const result = await pool.query<UserRow>(
    'SELECT id, name, email, created_at, updated_at FROM users WHERE id = $1',
    [id],
  );
  if (result.rows.length === 0) return undefined;
  const user = cachedFromRow(result.rows[0]);
  await redis.set(`user:${id}`, JSON.stringify(user), 'EX', CACHE_TTL_SECONDS);
  return user;
}

function toMessage(user: CachedUser): UserMessage {
  return {
    user_id: user.id,
    name: user.name,
    email: user.email,
    created_at: timestampOf(user.createdAt),
    updated_at: timestampOf(user.updatedAt),
  };
}

function getUser(
  call: ServerUnaryCall<{ user_id: string }, { user: UserMessage }>,
  callback: sendUnaryData<{ user: UserMessage }>,
): void {
  const started = process.hrtime.bigint();
  const incoming = call.metadata.get('x-request-id')[0];
  const requestId = typeof incoming === 'string' && incoming !== '' ? incoming : randomUUID();
  const finish = (code: string): void => {
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    metrics.observe('GetUser', code, seconds);
    logger.info(
      { request_id: requestId, rpc: 'GetUser', code, duration_ms: Math.round(seconds * 1e6) / 1e3 },
      'request completed',
    );
  };
  const id = call.request.user_id;
  if (!UUID_PATTERN.test(id)) {
    finish('INVALID_ARGUMENT');
    callback({ code: status.INVALID_ARGUMENT, details: 'user_id: must be a UUID' });
    return;
  }
  findUser(id.toLowerCase()).then(
    (user) => {
      if (!user) {
        finish('NOT_FOUND');
        callback({ code: status.NOT_FOUND, details: `user ${id} not found` });
        return;
      }
      finish('OK');
      callback(null, { user: toMessage(user) });
    },
    (error: unknown) => {
      finish('INTERNAL');
      callback({
        code: status.INTERNAL,
        details: error instanceof Error ? error.message : String(error),
      });
    },
  );
}

const server = new Server();
server.addService(loadUserService().service, { GetUser: getUser });

stopOnSignal(async () => {
  await new Promise<void>((resolve) => server.tryShutdown(() => resolve()));
  await pool.end();
  redis.disconnect();
});

server.bindAsync(
  `127.0.0.1:${intEnv('BENCH_PORT', 0)}`,
  ServerCredentials.createInsecure(),
  (error) => {
    if (error) {
      console.error(error);
      process.exit(1);
    }
  },
);
