import { promisify } from 'node:util';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import Redis from 'ioredis';
import { userServiceDefinition } from '../../src/modules/user/user.definition';
import { LOADER_OPTIONS, PROTO_ROOT } from '../../src/toolkit/runtime/proto-paths';
import { BootstrapOptions, RunningService } from '../../src/toolkit/runtime/bootstrap-service';
import { bootstrapService } from './bootstrap';
import { TestDatabase, createTestDatabase } from './pg';
import { TEST_REDIS, deleteKeys, rawRedis, uniqueKeyPrefix } from './redis';

/** A user-service booted on its own database and Redis key prefix, ports 0. */
export interface UserApp {
  running: RunningService;
  database: TestDatabase;
  /** Key prefix of the service's cache; `user:<id>` lives at `${keyPrefix}user:<id>`. */
  keyPrefix: string;
  redis: Redis;
  grpc: UserGrpcClient;
  close(): Promise<void>;
}

/** A gRPC outcome: the response, or the status code and message. */
export type GrpcOutcome =
  | { ok: true; response: Record<string, unknown> }
  | { ok: false; code: grpc.status; message: string };

/** Calls user-service methods by name through @grpc/grpc-js (independent of the generated client). */
export interface UserGrpcClient {
  call(method: string, request: Record<string, unknown>): Promise<GrpcOutcome>;
  raw: grpc.Client;
}

function userGrpcClient(target: string): UserGrpcClient {
  const definition = protoLoader.loadSync(
    `${PROTO_ROOT}/userservice/user-service.proto`,
    LOADER_OPTIONS,
  );
  const loaded = grpc.loadPackageDefinition(definition) as unknown as {
    userservice: { UserService: grpc.ServiceClientConstructor };
  };
  const client = new loaded.userservice.UserService(target, grpc.credentials.createInsecure());
  return {
    raw: client,
    call: async (method, request) => {
      const fn = (client as unknown as Record<string, grpc.requestCallback<unknown>>)[method];
      const invoke = promisify(
        (req: unknown, callback: (error: grpc.ServiceError | null, response: unknown) => void) =>
          (fn as unknown as (r: unknown, cb: typeof callback) => void).call(client, req, callback),
      );
      try {
        return { ok: true, response: (await invoke(request)) as Record<string, unknown> };
      } catch (error) {
        const serviceError = error as grpc.ServiceError;
        return { ok: false, code: serviceError.code, message: serviceError.details };
      }
    },
  };
}

/** Boots user-service against the local PostgreSQL (own database) and Redis (own key prefix). */
export async function startUserApp(
  suite: string,
  env: Record<string, string> = {},
  /** Where the app's log lines go; default stdout. */
  logDestination?: BootstrapOptions['logDestination'],
): Promise<UserApp> {
  const database = await createTestDatabase(suite);
  const keyPrefix = uniqueKeyPrefix(suite);
  const redis = rawRedis();
  let running: RunningService;
  try {
    running = await bootstrapService(userServiceDefinition, {
      env: {
        ...process.env,
        ...database.env('USER_SERVICE'),
        USER_SERVICE_CACHE_HOST: TEST_REDIS.host,
        USER_SERVICE_CACHE_PORT: String(TEST_REDIS.port),
        USER_SERVICE_CACHE_KEY_PREFIX: keyPrefix,
        ...env,
      },
      httpPort: 0,
      grpcPort: 0,
      logDestination,
    });
  } catch (error) {
    redis.disconnect();
    await database.drop();
    throw error;
  }
  const grpcClient = userGrpcClient(running.grpcTarget ?? '');
  return {
    running,
    database,
    keyPrefix,
    redis,
    grpc: grpcClient,
    close: async () => {
      grpcClient.raw.close();
      await running.close();
      await deleteKeys(redis, keyPrefix);
      redis.disconnect();
      await database.drop();
    },
  };
}
