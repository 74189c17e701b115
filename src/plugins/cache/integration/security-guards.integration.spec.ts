import { randomUUID } from 'node:crypto';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host';
import Redis from 'ioredis';
import { RedisCachePlugin } from '../cache.plugin';
import { GrpcStatus } from '../../../toolkit/errors/grpc-status';
import { AdminOnlyGuard } from '../../../toolkit/auth/admin-only.guard';
import { AuthGuard } from '../../../toolkit/auth/auth.guard';
import { CallerAuthenticator, watchToken } from '../../../toolkit/auth/caller-authenticator';
import { getCallerIdentity } from '../../../toolkit/auth/caller-identity';
import { TokenRevocationService } from '../../../toolkit/auth/token-revocation.service';
import { RateLimitGuard } from '../../../toolkit/rate-limit/rate-limit.guard';
import { RateLimiter } from '../../../toolkit/rate-limit/rate-limiter';
import { ValidateTokenGuard } from '../../../toolkit/auth/validate-token.guard';
import {
  httpGuardContext,
  nowSeconds,
  refusal,
  rpcGuardContext,
  signTestToken,
  testJwtVerifier,
} from '../../../../test/support/guard-test-kit';

const verifier = testJwtVerifier();

describe('revocation on every authenticated guard, and TokenRevocationService, over the cache plugin (real Redis)', () => {
  const keyPrefix = `test:security-guards:${randomUUID()}:`;
  const redis = new Redis({
    host: '127.0.0.1',
    port: 6379,
    keyPrefix,
    lazyConnect: true,
    enableAutoPipelining: true,
  });
  const revocations = new TokenRevocationService(new RedisCachePlugin(redis), 30_000);
  const authenticator = () => new CallerAuthenticator(verifier, revocations);
  const guards = {
    auth: () => new AuthGuard(authenticator()),
    validate_token: () => new ValidateTokenGuard(authenticator()),
    admin_only: () => new AdminOnlyGuard(authenticator()),
  };

  beforeAll(() => redis.connect());
  afterAll(async () => {
    const cleaner = new Redis({ host: '127.0.0.1', port: 6379 });
    const keys = await cleaner.keys(`${keyPrefix}*`);
    if (keys.length > 0) await cleaner.del(...keys);
    cleaner.disconnect();
    redis.disconnect();
  });

  async function revokedToken(): Promise<string> {
    const token = await signTestToken({ sub: 'u', roles: ['admin'] });
    const context = httpGuardContext(`Bearer ${token}`);
    await guards.auth().canActivate(context);
    await revocations.revoke(getCallerIdentity(context)!);
    return token;
  }

  it('lets a valid, unrevoked token through every guard', async () => {
    for (const make of Object.values(guards)) {
      const context = httpGuardContext(
        `Bearer ${await signTestToken({ sub: 'u', roles: ['admin'] })}`,
      );
      await expect(make().canActivate(context)).resolves.toBe(true);
    }
  });

  it('refuses a revoked token with 401 on auth, validate_token and admin_only, both transports', async () => {
    const token = await revokedToken();
    for (const [name, make] of Object.entries(guards)) {
      for (const context of [
        httpGuardContext(`Bearer ${token}`),
        rpcGuardContext(`Bearer ${token}`),
      ]) {
        const error = await refusal(make().canActivate(context));
        expect({ name, code: error.code, message: error.message }).toEqual({
          name,
          code: GrpcStatus.UNAUTHENTICATED,
          message: 'token revoked',
        });
      }
    }
  });

  it('reads the deny-list once per call, in the same pipeline as the rate limit script', async () => {
    const shared = authenticator();
    const chain = [
      new RateLimitGuard(
        new RateLimiter(new RedisCachePlugin(redis), {
          enabled: true,
          limit: 100,
          windowMs: 60_000,
        }),
        shared,
        { log: () => undefined, warn: () => undefined },
      ),
      new AuthGuard(shared),
      new ValidateTokenGuard(shared),
      new AdminOnlyGuard(shared),
    ];
    const context = httpGuardContext(
      `Bearer ${await signTestToken({ sub: 'u', roles: ['admin'] })}`,
    );
    (context.switchToHttp().getResponse() as { headers?: () => void }).headers = () => undefined;
    const stream = (redis as unknown as { stream: { write: (chunk: unknown) => boolean } }).stream;
    const sent: string[] = [];
    const write = stream.write.bind(stream);
    const spy = jest.spyOn(stream, 'write').mockImplementation((chunk: unknown, ...rest) => {
      sent.push(String(chunk));
      return (write as (...args: unknown[]) => boolean)(chunk, ...rest);
    });
    const get = jest.spyOn(redis, 'get');
    // In order, each awaited, as the route's middleware chain runs them.
    for (const guard of chain) await guard.canActivate(context);
    spy.mockRestore();
    expect(get).toHaveBeenCalledTimes(1);
    get.mockRestore();
    expect(sent).toHaveLength(1);
    expect(sent[0]).toContain('auth:revoked:');
    expect(sent[0]).toContain('rate-limit:sub:u');
  });

  it('watchToken: the deadline of an admitted token, and a recheck that sees a later revocation', async () => {
    const exp = nowSeconds() + 120;
    const request = {
      headers: { authorization: `Bearer ${await signTestToken({ sub: 'w', exp })}` },
    };
    const context = new ExecutionContextHost([request, {}]);
    context.setType('http');
    expect(await watchToken(request)).toBeUndefined();
    await guards.auth().canActivate(context);
    const watch = await watchToken(request);
    expect(watch?.acceptedUntil).toBe(exp * 1000 + 30_000);
    await expect(watch!.recheck()).resolves.toBeUndefined();
    await revocations.revoke(watch!.identity);
    await expect(watch!.recheck()).rejects.toThrow('token revoked');
  });

  it('keeps the deny-list entry exactly until the token can no longer be accepted', async () => {
    const jti = randomUUID();
    const exp = nowSeconds() + 120;
    await revocations.revoke({ subject: 'u', roles: [], tokenId: jti, expiresAt: exp });
    const ttl = await redis.pttl(`auth:revoked:${jti}`);
    expect(ttl).toBeGreaterThan(140_000);
    expect(ttl).toBeLessThanOrEqual(150_000);
  });

  it('does not store already expired tokens', async () => {
    const jti = randomUUID();
    await revocations.revoke({
      subject: 'u',
      roles: [],
      tokenId: jti,
      expiresAt: nowSeconds() - 3600,
    });
    expect(await redis.exists(`auth:revoked:${jti}`)).toBe(0);
  });

  it('refuses a token without jti on every guard (it could never be revoked)', async () => {
    const error = await refusal(
      revocations.revoke({ subject: 'u', roles: [], expiresAt: nowSeconds() + 60 }),
    );
    expect(error.code).toBe(GrpcStatus.FAILED_PRECONDITION);
    for (const make of Object.values(guards)) {
      const refused = await refusal(
        make().canActivate(
          httpGuardContext(`Bearer ${await signTestToken({ sub: 'u', jti: undefined })}`),
        ),
      );
      expect(refused.code).toBe(GrpcStatus.UNAUTHENTICATED);
      expect(refused.message).toBe('token has no jti claim');
    }
  });

  it('still refuses a missing token with 401', async () => {
    expect((await refusal(guards.auth().canActivate(httpGuardContext()))).code).toBe(
      GrpcStatus.UNAUTHENTICATED,
    );
  });

  it('fails closed with 503 when Redis is unreachable', async () => {
    const dead = new Redis({
      host: '127.0.0.1',
      port: 1,
      lazyConnect: true,
      enableOfflineQueue: false,
      retryStrategy: () => null,
    });
    const offline = new AuthGuard(
      new CallerAuthenticator(verifier, new TokenRevocationService(new RedisCachePlugin(dead), 0)),
    );
    const error = await refusal(
      offline.canActivate(
        httpGuardContext(`Bearer ${await signTestToken({ sub: 'u', jti: 'x' })}`),
      ),
    );
    expect(error.code).toBe(GrpcStatus.UNAVAILABLE);
    expect(error.message).toBe('token revocation list unavailable');
    dead.disconnect();
  });
});
