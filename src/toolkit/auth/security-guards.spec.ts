import { randomUUID } from 'node:crypto';
import { Metadata } from '@grpc/grpc-js';
import { ExecutionContext } from '@nestjs/common';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host';
import Redis from 'ioredis';
import { JWTPayload, SignJWT } from 'jose';
import { RedisCachePlugin } from '../../plugins/cache/cache.plugin';
import { ToolkitError } from '../errors/toolkit-error';
import { GrpcStatus } from '../errors/grpc-status';
import { AdminOnlyGuard } from './admin-only.guard';
import { AuthGuard } from './auth.guard';
import { CallerAuthenticator, watchToken } from './caller-authenticator';
import { getCallerIdentity, getRequestIdentity } from './caller-identity';
import { JwtVerifier } from './jwt-verifier';
import { TokenRevocationService } from './token-revocation.service';
import { RateLimitGuard } from '../rate-limit/rate-limit.guard';
import { RateLimiter } from '../rate-limit/rate-limiter';
import { ValidateTokenGuard } from './validate-token.guard';

const SECRET = new TextEncoder().encode('a-test-secret-that-is-long-enough-for-hs256');
const now = () => Math.floor(Date.now() / 1000);

function sign(payload: JWTPayload): Promise<string> {
  return new SignJWT({ exp: now() + 300, jti: randomUUID(), ...payload })
    .setProtectedHeader({ alg: 'HS256' })
    .sign(SECRET);
}

function httpContext(authorization?: string): ExecutionContext {
  const request = { headers: authorization === undefined ? {} : { authorization }, ip: '10.0.0.1' };
  const context = new ExecutionContextHost([request, {}]);
  context.setType('http');
  return context;
}

function rpcContext(authorization?: string): ExecutionContext {
  const metadata = new Metadata();
  if (authorization !== undefined) metadata.set('authorization', authorization);
  const context = new ExecutionContextHost([{}, metadata, {}]);
  context.setType('rpc');
  return context;
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

const verifier = new JwtVerifier({
  key: () => SECRET,
  algorithms: ['HS256'],
  clockToleranceSeconds: 0,
  rolesClaim: 'roles',
});

describe('AuthGuard', () => {
  const authenticator = new CallerAuthenticator(verifier);
  const guard = new AuthGuard(authenticator);

  it('lets a valid bearer token through and attaches the caller (http)', async () => {
    const context = httpContext(
      `Bearer ${await sign({ sub: 'user-1', roles: ['admin'], jti: 'j1' })}`,
    );
    await expect(guard.canActivate(context)).resolves.toBe(true);
    expect(getCallerIdentity(context)).toMatchObject({
      subject: 'user-1',
      roles: ['admin'],
      tokenId: 'j1',
    });
    expect(getRequestIdentity(context.switchToHttp().getRequest())).toMatchObject({
      subject: 'user-1',
    });
  });

  it('reads the token from gRPC metadata (rpc)', async () => {
    const context = rpcContext(`Bearer ${await sign({ sub: 'user-2' })}`);
    await expect(guard.canActivate(context)).resolves.toBe(true);
    expect(getCallerIdentity(context)).toMatchObject({ subject: 'user-2', roles: [] });
  });

  it('refuses a call without a token: 401 with a bare Bearer challenge', async () => {
    const error = await refusal(guard.canActivate(httpContext()));
    expect(error.code).toBe(GrpcStatus.UNAUTHENTICATED);
    expect(error.message).toBe('missing bearer token');
    expect(error.headers).toEqual({ 'www-authenticate': 'Bearer' });
    expect((await refusal(guard.canActivate(rpcContext()))).code).toBe(GrpcStatus.UNAUTHENTICATED);
  });

  it('refuses another scheme, a malformed and a forged token with invalid_token', async () => {
    const forged = (await sign({ sub: 'user-1' })).slice(0, -4) + 'AAAA';
    for (const [authorization, reason] of [
      ['Basic dXNlcjpwYXNz', 'authorization is not a bearer token'],
      ['Bearer not-a-jwt', 'malformed token'],
      [`Bearer ${forged}`, 'token signature invalid'],
    ]) {
      const error = await refusal(guard.canActivate(httpContext(authorization)));
      expect(error.code).toBe(GrpcStatus.UNAUTHENTICATED);
      expect(error.message).toBe(reason);
      expect(error.headers['www-authenticate']).toBe(
        `Bearer error="invalid_token", error_description="${reason}"`,
      );
    }
  });

  it('refuses an expired token', async () => {
    const error = await refusal(
      guard.canActivate(httpContext(`Bearer ${await sign({ sub: 'u', exp: now() - 10 })}`)),
    );
    expect(error.message).toBe('token expired');
  });

  it('lets queue handlers through untouched', async () => {
    const context = new ExecutionContextHost([{}]);
    context.setType('rmq');
    await expect(guard.canActivate(context)).resolves.toBe(true);
  });

  it('verifies a call once, however many middlewares ask', async () => {
    const counting = new JwtVerifier({
      key: () => SECRET,
      algorithms: ['HS256'],
      clockToleranceSeconds: 0,
      rolesClaim: 'roles',
    });
    const verify = jest.spyOn(counting, 'verify');
    const shared = new CallerAuthenticator(counting);
    const context = httpContext(`Bearer ${await sign({ sub: 'user-1', roles: ['admin'] })}`);
    await shared.identify(context);
    await new AuthGuard(shared).canActivate(context);
    await new AdminOnlyGuard(shared).canActivate(context);
    expect(verify).toHaveBeenCalledTimes(1);
  });
});

describe('AdminOnlyGuard', () => {
  const guard = new AdminOnlyGuard(new CallerAuthenticator(verifier));

  it('lets an admin through', async () => {
    const context = httpContext(`Bearer ${await sign({ sub: 'root', roles: ['user', 'admin'] })}`);
    await expect(guard.canActivate(context)).resolves.toBe(true);
  });

  it('refuses a caller without the admin role with 403', async () => {
    const error = await refusal(
      guard.canActivate(httpContext(`Bearer ${await sign({ sub: 'u', roles: ['user'] })}`)),
    );
    expect(error.code).toBe(GrpcStatus.PERMISSION_DENIED);
    expect(error.message).toBe('the admin role is required');
    expect(error.headers['www-authenticate']).toBe('Bearer error="insufficient_scope"');
    const rpcError = await refusal(
      guard.canActivate(rpcContext(`Bearer ${await sign({ sub: 'u' })}`)),
    );
    expect(rpcError.code).toBe(GrpcStatus.PERMISSION_DENIED);
  });

  it('refuses a caller without a token with 401', async () => {
    expect((await refusal(guard.canActivate(httpContext()))).code).toBe(GrpcStatus.UNAUTHENTICATED);
  });
});

describe('revocation on every authenticated guard, and TokenRevocationService (real Redis)', () => {
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
    const token = await sign({ sub: 'u', roles: ['admin'] });
    const context = httpContext(`Bearer ${token}`);
    await guards.auth().canActivate(context);
    await revocations.revoke(getCallerIdentity(context)!);
    return token;
  }

  it('lets a valid, unrevoked token through every guard', async () => {
    for (const make of Object.values(guards)) {
      const context = httpContext(`Bearer ${await sign({ sub: 'u', roles: ['admin'] })}`);
      await expect(make().canActivate(context)).resolves.toBe(true);
    }
  });

  it('refuses a revoked token with 401 on auth, validate_token and admin_only, both transports', async () => {
    const token = await revokedToken();
    for (const [name, make] of Object.entries(guards)) {
      for (const context of [httpContext(`Bearer ${token}`), rpcContext(`Bearer ${token}`)]) {
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
        new RateLimiter(redis, { enabled: true, limit: 100, windowMs: 60_000 }),
        shared,
        { log: () => undefined, warn: () => undefined },
      ),
      new AuthGuard(shared),
      new ValidateTokenGuard(shared),
      new AdminOnlyGuard(shared),
    ];
    const context = httpContext(`Bearer ${await sign({ sub: 'u', roles: ['admin'] })}`);
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
    const exp = now() + 120;
    const request = { headers: { authorization: `Bearer ${await sign({ sub: 'w', exp })}` } };
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
    const exp = now() + 120;
    await revocations.revoke({ subject: 'u', roles: [], tokenId: jti, expiresAt: exp });
    const ttl = await redis.pttl(`auth:revoked:${jti}`);
    expect(ttl).toBeGreaterThan(140_000);
    expect(ttl).toBeLessThanOrEqual(150_000);
  });

  it('does not store already expired tokens', async () => {
    const jti = randomUUID();
    await revocations.revoke({ subject: 'u', roles: [], tokenId: jti, expiresAt: now() - 3600 });
    expect(await redis.exists(`auth:revoked:${jti}`)).toBe(0);
  });

  it('refuses a token without jti on every guard (it could never be revoked)', async () => {
    const error = await refusal(
      revocations.revoke({ subject: 'u', roles: [], expiresAt: now() + 60 }),
    );
    expect(error.code).toBe(GrpcStatus.FAILED_PRECONDITION);
    for (const make of Object.values(guards)) {
      const refused = await refusal(
        make().canActivate(httpContext(`Bearer ${await sign({ sub: 'u', jti: undefined })}`)),
      );
      expect(refused.code).toBe(GrpcStatus.UNAUTHENTICATED);
      expect(refused.message).toBe('token has no jti claim');
    }
  });

  it('still refuses a missing token with 401', async () => {
    expect((await refusal(guards.auth().canActivate(httpContext()))).code).toBe(
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
      offline.canActivate(httpContext(`Bearer ${await sign({ sub: 'u', jti: 'x' })}`)),
    );
    expect(error.code).toBe(GrpcStatus.UNAVAILABLE);
    expect(error.message).toBe('token revocation list unavailable');
    dead.disconnect();
  });
});
