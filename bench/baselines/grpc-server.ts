import { randomUUID } from 'node:crypto';
import { sendUnaryData, Server, ServerCredentials, ServerUnaryCall, status } from '@grpc/grpc-js';
import {
  BaselineMetrics,
  CachedUser,
  createAccessLogger,
  intEnv,
  observabilityOn,
  stopOnSignal,
  timestampOf,
  UserMessage,
  UUID_PATTERN,
} from './common';
import { loadUserService } from './proto-loading';
import { UserStore } from './user-store';

/**
 * Plain baseline of user-service over gRPC: @grpc/grpc-js + proto-loader (same loader options),
 * the same cache-aside GetUser as the HTTP baseline, and (unless `BENCH_OBSERVABILITY=off`) one
 * access-log line and metrics per call.
 */
const observed = observabilityOn();
const logger = observed ? createAccessLogger('baseline-grpc') : undefined;
const metrics = observed ? new BaselineMetrics('baseline-grpc') : undefined;
const store = new UserStore();

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
    if (!metrics || !logger) return;
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
  store.find(id.toLowerCase()).then(
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
  await store.close();
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
