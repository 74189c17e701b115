import { randomUUID } from 'node:crypto';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host';
import Redis from 'ioredis';
import { RedisCachePlugin } from '../cache.plugin';
import { SignJWT } from 'jose';
import { CallerAuthenticator } from '../../../toolkit/auth/caller-authenticator';
import { JwtVerifier } from '../../../toolkit/auth/jwt-verifier';
import { GrpcStatus } from '../../../toolkit/errors/grpc-status';
import { ToolkitError } from '../../../toolkit/errors/toolkit-error';
import { RateLimitGuard } from '../../../toolkit/rate-limit/rate-limit.guard';
import { RateLimiter, RateLimitOptions } from '../../../toolkit/rate-limit/rate-limiter';

const SECRET = new TextEncoder().encode('a-test-secret-that-is-long-enough-for-hs256');
const keyPrefix = `test:rate-limit:${randomUUID()}:`;
const clients: Redis[] = [];

function redis(): Redis {
  const client = new Redis({ host: '127.0.0.1', port: 6379, keyPrefix });
  clients.push(client);
  return client;
}

function limiter(options: Partial<RateLimitOptions> = {}): RateLimiter {
  return new RateLimiter(new RedisCachePlugin(redis()), {
    enabled: true,
    limit: 3,
    windowMs: 60_000,
    ...options,
  });
}

const authenticator = new CallerAuthenticator(
  new JwtVerifier({
    key: () => SECRET,
    algorithms: ['HS256'],
    clockToleranceSeconds: 0,
    rolesClaim: 'roles',
  }),
);

function token(sub: string): Promise<string> {
  return new SignJWT({ sub, jti: randomUUID(), exp: Math.floor(Date.now() / 1000) + 300 })
    .setProtectedHeader({ alg: 'HS256' })
    .sign(SECRET);
}

/** A Fastify-like request/reply pair: the guard only reads `headers`/`ip` and calls `reply.headers`. */
function httpCall(ip: string, authorization?: string) {
  const sent: Record<string, string> = {};
  const request = { ip, headers: authorization === undefined ? {} : { authorization } };
  const reply = { headers: (values: Record<string, string>) => Object.assign(sent, values) };
  const context = new ExecutionContextHost([request, reply]);
  context.setType('http');
  return { context, sent };
}

async function refusal(promise: Promise<unknown>): Promise<ToolkitError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(ToolkitError);
    return error as ToolkitError;
  }
  throw new Error('the call was let through');
}

afterAll(async () => {
  const keys = await clients[0].keys(`${keyPrefix}*`);
  const cleaner = new Redis({ host: '127.0.0.1', port: 6379 });
  if (keys.length > 0) await cleaner.del(...keys);
  cleaner.disconnect();
  for (const client of clients) client.disconnect();
});

describe('RateLimiter over the cache plugin (real Redis)', () => {
  it('counts requests down to zero, then refuses until the window resets', async () => {
    const limit = limiter();
    const key = randomUUID();
    const decisions = [];
    for (let i = 0; i < 4; i += 1) decisions.push(await limit.consume(key));
    expect(decisions.map((decision) => [decision.allowed, decision.remaining])).toEqual([
      [true, 2],
      [true, 1],
      [true, 0],
      [false, 0],
    ]);
    for (const decision of decisions) {
      expect(decision.limit).toBe(3);
      expect(decision.resetSeconds).toBeGreaterThanOrEqual(59);
      expect(decision.resetSeconds).toBeLessThanOrEqual(60);
    }
  });

  it('shares one budget between two limiter instances (replicas)', async () => {
    const key = randomUUID();
    const [first, second] = [limiter(), limiter()];
    expect((await first.consume(key)).remaining).toBe(2);
    expect((await second.consume(key)).remaining).toBe(1);
    expect((await first.consume(key)).remaining).toBe(0);
    expect((await second.consume(key)).allowed).toBe(false);
  });

  it('keeps separate budgets per caller key', async () => {
    const limit = limiter({ limit: 1 });
    expect((await limit.consume('alice')).allowed).toBe(true);
    expect((await limit.consume('bob')).allowed).toBe(true);
    expect((await limit.consume('alice')).allowed).toBe(false);
  });

  it('starts a fresh budget once the window has passed', async () => {
    const limit = limiter({ limit: 1, windowMs: 300 });
    const key = randomUUID();
    expect((await limit.consume(key)).allowed).toBe(true);
    expect((await limit.consume(key)).allowed).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect((await limit.consume(key)).allowed).toBe(true);
  });
});

describe('RateLimitGuard', () => {
  const quiet = { log: () => undefined, warn: () => undefined };
  it('sets RateLimit-* headers on every answer and refuses with 429 and Retry-After', async () => {
    const guard = new RateLimitGuard(limiter({ limit: 2 }), authenticator, quiet);
    const ip = `10.1.${randomUUID()}`;
    const first = httpCall(ip);
    await expect(guard.canActivate(first.context)).resolves.toBe(true);
    expect(first.sent).toEqual({
      'RateLimit-Limit': '2',
      'RateLimit-Remaining': '1',
      'RateLimit-Reset': '60',
    });
    await guard.canActivate(httpCall(ip).context);
    const third = httpCall(ip);
    const error = await refusal(guard.canActivate(third.context));
    expect(error.code).toBe(GrpcStatus.RESOURCE_EXHAUSTED);
    expect(error.headers).toMatchObject({ 'Retry-After': '60', 'RateLimit-Remaining': '0' });
    expect(third.sent).toMatchObject({ 'RateLimit-Limit': '2', 'RateLimit-Remaining': '0' });
  });

  it('counts a verified subject across addresses, and each subject on its own', async () => {
    const guard = new RateLimitGuard(limiter({ limit: 1 }), authenticator, quiet);
    const alice = `Bearer ${await token(`alice-${randomUUID()}`)}`;
    await guard.canActivate(httpCall('10.0.0.1', alice).context);
    await expect(
      refusal(guard.canActivate(httpCall('10.0.0.2', alice).context)),
    ).resolves.toBeInstanceOf(ToolkitError);
    const bob = `Bearer ${await token(`bob-${randomUUID()}`)}`;
    await expect(guard.canActivate(httpCall('10.0.0.1', bob).context)).resolves.toBe(true);
  });

  it('counts an invalid token against the client address, not its claimed subject', async () => {
    const guard = new RateLimitGuard(limiter({ limit: 1 }), authenticator, quiet);
    const ip = `10.2.${randomUUID()}`;
    const forged = (await token('victim')).slice(0, -4) + 'AAAA';
    await guard.canActivate(httpCall(ip, `Bearer ${forged}`).context);
    const error = await refusal(guard.canActivate(httpCall(ip).context));
    expect(error.code).toBe(GrpcStatus.RESOURCE_EXHAUSTED);
  });

  it('limits gRPC callers by peer address', async () => {
    const guard = new RateLimitGuard(limiter({ limit: 1 }), undefined, quiet);
    const peer = `ipv4:10.3.${randomUUID()}:5000`;
    const rpcCall = () => {
      const context = new ExecutionContextHost([{}, {}, { getPeer: () => peer }]);
      context.setType('rpc');
      return context;
    };
    await expect(guard.canActivate(rpcCall())).resolves.toBe(true);
    const error = await refusal(guard.canActivate(rpcCall()));
    expect(error.code).toBe(GrpcStatus.RESOURCE_EXHAUSTED);
    expect(error.headers['Retry-After']).toBe('60');
  });

  it('lets everything through when disabled', async () => {
    const guard = new RateLimitGuard(limiter({ limit: 1, enabled: false }), undefined, quiet);
    const ip = randomUUID();
    for (let i = 0; i < 3; i += 1) {
      const call = httpCall(ip);
      await expect(guard.canActivate(call.context)).resolves.toBe(true);
      expect(call.sent).toEqual({});
    }
  });

  it('fails open when Redis is unreachable, warning once per outage', async () => {
    const dead = new Redis({
      host: '127.0.0.1',
      port: 1,
      lazyConnect: true,
      enableOfflineQueue: false,
      retryStrategy: () => null,
    });
    const warn = jest.fn();
    const guard = new RateLimitGuard(
      new RateLimiter(new RedisCachePlugin(dead), { enabled: true, limit: 1, windowMs: 60_000 }),
      undefined,
      { log: () => undefined, warn },
    );
    for (let i = 0; i < 3; i += 1) {
      const call = httpCall('10.9.9.9');
      await expect(guard.canActivate(call.context)).resolves.toBe(true);
      expect(call.sent).toEqual({});
    }
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0][0]).toContain('rate limiting suspended');
    dead.disconnect();
  });
});
