import { randomUUID } from 'node:crypto';
import { apiGatewayDefinition } from '../../src/modules/gateway/gateway.definition';
import { RunningService } from '../../src/toolkit/runtime';
import { bootstrapService } from '../support/bootstrap';
import { freePort, MainProcess, spawnMain, waitForOutput } from '../deploy/system';
import { closedPort, deleteKeys, rawRedis, TEST_REDIS, uniqueKeyPrefix } from '../support/redis';
import { startUserApp, UserApp } from '../support/user-app';

jest.setTimeout(180_000);

/**
 * Two user-service replicas behind the gateway (`user-service` named twice in
 * RESOLVER_ENDPOINTS): calls go to both, and when one is killed (SIGKILL, no drain) under load
 * the gateway skips it: after the first second no call fails. A blackholed-style dead address
 * (a port nobody listens on) in the list costs nothing either.
 */
describe('api-gateway with a user-service replica killed under load', () => {
  const keyPrefix = uniqueKeyPrefix('fault_gateway');
  const figures: Record<string, unknown> = {};
  let first: UserApp;
  let second: MainProcess;
  let gateway: RunningService;

  beforeAll(async () => {
    first = await startUserApp('fault_gateway_users', { USER_SERVICE_LOG_LEVEL: 'silent' });
    const [grpcPort, httpPort] = [await freePort(), await freePort()];
    second = spawnMain({
      SERVICES: 'user-service',
      ...first.database.env('USER_SERVICE'),
      USER_SERVICE_GRPC_SERVER_PORT: String(grpcPort),
      USER_SERVICE_SERVER_PORT: String(httpPort),
      USER_SERVICE_SERVER_HOST: '127.0.0.1',
      USER_SERVICE_CACHE_HOST: TEST_REDIS.host,
      USER_SERVICE_CACHE_PORT: String(TEST_REDIS.port),
      USER_SERVICE_CACHE_KEY_PREFIX: first.keyPrefix,
      USER_SERVICE_LOG_LEVEL: 'info',
    });
    await waitForOutput(second, 'listening', 90_000);
    const unused = await closedPort();
    gateway = await bootstrapService(apiGatewayDefinition, {
      env: {
        API_GATEWAY_LOG_LEVEL: 'silent',
        API_GATEWAY_CACHE_HOST: TEST_REDIS.host,
        API_GATEWAY_CACHE_PORT: String(TEST_REDIS.port),
        API_GATEWAY_CACHE_KEY_PREFIX: keyPrefix,
        API_GATEWAY_AUTH_JWT_SECRET: 'fault-gateway-secret-that-is-long-enough-for-hs256',
        API_GATEWAY_RATE_LIMIT_REQUESTS: '1000000',
        API_GATEWAY_REQUEST_TIMEOUT: '5s',
        API_GATEWAY_RESOLVER_ENDPOINTS: [
          `user-service=${first.running.grpcTarget}`,
          `user-service=127.0.0.1:${grpcPort}`,
          `notification-service=127.0.0.1:${unused}`,
          `chat-service=127.0.0.1:${unused}`,
        ].join(','),
        API_GATEWAY_RESOLVER_HTTP_ENDPOINTS: `chat-service=127.0.0.1:${unused}`,
      },
      httpPort: 0,
    });
  });

  afterAll(async () => {
    console.log(`gateway-replica figures: ${JSON.stringify(figures)}`);
    await gateway?.close();
    if (second && second.child.exitCode === null && second.child.signalCode === null) {
      second.child.kill('SIGKILL');
    }
    await first?.close();
    const redis = rawRedis();
    await deleteKeys(redis, keyPrefix);
    redis.disconnect();
  });

  it('balances over both, then skips the killed one: 0 failed calls after the first second', async () => {
    const outcomes: { at: number; ok: boolean; detail: string }[] = [];
    let stopped = false;
    const client = async () => {
      while (!stopped) {
        const response = await fetch(`${gateway.httpUrl}/api/v1/users`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ name: 'Replica', email: `r-${randomUUID()}@example.com` }),
        }).catch((error: unknown) => ({ status: 0, text: async () => String(error) }));
        const ok = response.status === 200;
        outcomes.push({
          at: Date.now(),
          ok,
          detail: ok ? '' : `${response.status} ${await response.text()}`,
        });
        if (ok) await (response as Response).arrayBuffer?.();
      }
    };
    const clients = Array.from({ length: 10 }, () => client());
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const servedBySecond = (second.output().match(/ created/g) ?? []).length;
    const beforeKill = outcomes.length;
    const killedAt = Date.now();
    second.child.kill('SIGKILL');
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    stopped = true;
    await Promise.all(clients);

    const after = outcomes.filter((outcome) => outcome.at > killedAt);
    const firstSecond = after.filter((outcome) => outcome.at <= killedAt + 1_000);
    const later = after.filter((outcome) => outcome.at > killedAt + 1_000);
    Object.assign(figures, {
      callsBeforeKill: beforeKill,
      servedBySecondBeforeKill: servedBySecond,
      failedBeforeKill: outcomes.slice(0, beforeKill).filter((outcome) => !outcome.ok).length,
      failedInFirstSecond: firstSecond.filter((outcome) => !outcome.ok).length,
      callsAfterFirstSecond: later.length,
      failedAfterFirstSecond: later.filter((outcome) => !outcome.ok).length,
      failures: [...new Set(after.filter((o) => !o.ok).map((o) => o.detail.slice(0, 120)))],
    });
    // Both replicas took calls before the kill.
    expect(servedBySecond).toBeGreaterThan(0);
    expect(servedBySecond).toBeLessThan(beforeKill);
    expect(outcomes.slice(0, beforeKill).every((outcome) => outcome.ok)).toBe(true);
    expect(later.length).toBeGreaterThan(10);
    expect(later.filter((outcome) => !outcome.ok)).toEqual([]);
  });
});
