import { apiGatewayDefinition } from '../../src/modules/gateway/gateway.definition';
import { RunningService } from '../../src/toolkit/runtime/bootstrap-service';
import { bootstrapService } from './bootstrap';
import { deleteKeys, rawRedis, TEST_REDIS, uniqueKeyPrefix } from './redis';
import { startUserApp, UserApp } from './user-app';

/** The development-grade secret the suites sign tokens with (>= 32 bytes, HS256). */
export const GATEWAY_TEST_SECRET = 'gateway-test-secret-that-is-long-enough-for-hs256';

/** The gateway in front of a real user-service (own database, Redis prefix); ports 0. */
export interface GatewayWithUsers {
  user: UserApp;
  gateway: RunningService;
  /** Boots another gateway on the same backends with extra variables (closed by `close`). */
  startGateway(overrides?: Record<string, string>): Promise<RunningService>;
  close(): Promise<void>;
}

/**
 * Boots user-service and the gateway pointed at it. Notification and chat routes point at a port
 * nothing listens on: suites using this helper call only user routes.
 */
export async function startGatewayWithUsers(
  suite: string,
  overrides: Record<string, string> = {},
): Promise<GatewayWithUsers> {
  const keyPrefix = uniqueKeyPrefix(suite);
  const user = await startUserApp(suite);
  const started: RunningService[] = [];
  const startGateway = async (extra: Record<string, string> = {}) => {
    const gateway = await bootstrapService(apiGatewayDefinition, {
      env: {
        API_GATEWAY_LOG_LEVEL: process.env.API_GATEWAY_LOG_LEVEL ?? 'silent',
        API_GATEWAY_CACHE_HOST: TEST_REDIS.host,
        API_GATEWAY_CACHE_PORT: String(TEST_REDIS.port),
        API_GATEWAY_CACHE_KEY_PREFIX: keyPrefix,
        API_GATEWAY_AUTH_JWT_SECRET: GATEWAY_TEST_SECRET,
        API_GATEWAY_RESOLVER_ENDPOINTS: [
          `user-service=${user.running.grpcTarget}`,
          'notification-service=127.0.0.1:9',
          'chat-service=127.0.0.1:9',
        ].join(','),
        ...overrides,
        ...extra,
      },
      httpPort: 0,
    });
    started.push(gateway);
    return gateway;
  };
  let gateway: RunningService;
  try {
    gateway = await startGateway();
  } catch (error) {
    await user.close();
    throw error;
  }
  return {
    user,
    gateway,
    startGateway,
    close: async () => {
      for (const running of started.reverse()) await running.close();
      await user.close();
      const redis = rawRedis();
      await deleteKeys(redis, keyPrefix);
      redis.disconnect();
    },
  };
}
