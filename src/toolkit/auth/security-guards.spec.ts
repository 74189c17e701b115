import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host';
import { GrpcStatus } from '../errors/grpc-status';
import { AdminOnlyGuard } from './admin-only.guard';
import { AuthGuard } from './auth.guard';
import { CallerAuthenticator } from './caller-authenticator';
import { getCallerIdentity, getRequestIdentity } from './caller-identity';
import { JwtVerifier } from './jwt-verifier';
import { TokenRevocationService } from './token-revocation.service';
import { RateLimitGuard } from '../rate-limit/rate-limit.guard';
import { RateLimiter } from '../rate-limit/rate-limiter';
import {
  GUARD_TEST_SECRET,
  httpGuardContext,
  nowSeconds,
  refusal,
  rpcGuardContext,
  signTestToken,
  testJwtVerifier,
} from '../../../test/support/guard-test-kit';

const verifier = testJwtVerifier();

describe('AuthGuard', () => {
  const authenticator = new CallerAuthenticator(verifier);
  const guard = new AuthGuard(authenticator);

  it('lets a valid bearer token through and attaches the caller (http)', async () => {
    const context = httpGuardContext(
      `Bearer ${await signTestToken({ sub: 'user-1', roles: ['admin'], jti: 'j1' })}`,
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
    const context = rpcGuardContext(`Bearer ${await signTestToken({ sub: 'user-2' })}`);
    await expect(guard.canActivate(context)).resolves.toBe(true);
    expect(getCallerIdentity(context)).toMatchObject({ subject: 'user-2', roles: [] });
  });

  it('refuses a call without a token: 401 with a bare Bearer challenge', async () => {
    const error = await refusal(guard.canActivate(httpGuardContext()));
    expect(error.code).toBe(GrpcStatus.UNAUTHENTICATED);
    expect(error.message).toBe('missing bearer token');
    expect(error.headers).toEqual({ 'www-authenticate': 'Bearer' });
    expect((await refusal(guard.canActivate(rpcGuardContext()))).code).toBe(
      GrpcStatus.UNAUTHENTICATED,
    );
  });

  it('refuses another scheme, a malformed and a forged token with invalid_token', async () => {
    const forged = (await signTestToken({ sub: 'user-1' })).slice(0, -4) + 'AAAA';
    for (const [authorization, reason] of [
      ['Basic dXNlcjpwYXNz', 'authorization is not a bearer token'],
      ['Bearer not-a-jwt', 'malformed token'],
      [`Bearer ${forged}`, 'token signature invalid'],
    ]) {
      const error = await refusal(guard.canActivate(httpGuardContext(authorization)));
      expect(error.code).toBe(GrpcStatus.UNAUTHENTICATED);
      expect(error.message).toBe(reason);
      expect(error.headers['www-authenticate']).toBe(
        `Bearer error="invalid_token", error_description="${reason}"`,
      );
    }
  });

  it('refuses an expired token', async () => {
    const error = await refusal(
      guard.canActivate(
        httpGuardContext(`Bearer ${await signTestToken({ sub: 'u', exp: nowSeconds() - 10 })}`),
      ),
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
      key: () => GUARD_TEST_SECRET,
      algorithms: ['HS256'],
      clockToleranceSeconds: 0,
      rolesClaim: 'roles',
    });
    const verify = jest.spyOn(counting, 'verify');
    const shared = new CallerAuthenticator(counting);
    const context = httpGuardContext(
      `Bearer ${await signTestToken({ sub: 'user-1', roles: ['admin'] })}`,
    );
    await shared.identify(context);
    await new AuthGuard(shared).canActivate(context);
    await new AdminOnlyGuard(shared).canActivate(context);
    expect(verify).toHaveBeenCalledTimes(1);
  });
});

describe('AdminOnlyGuard', () => {
  const guard = new AdminOnlyGuard(new CallerAuthenticator(verifier));

  it('lets an admin through', async () => {
    const context = httpGuardContext(
      `Bearer ${await signTestToken({ sub: 'root', roles: ['user', 'admin'] })}`,
    );
    await expect(guard.canActivate(context)).resolves.toBe(true);
  });

  it('refuses a caller without the admin role with 403', async () => {
    const error = await refusal(
      guard.canActivate(
        httpGuardContext(`Bearer ${await signTestToken({ sub: 'u', roles: ['user'] })}`),
      ),
    );
    expect(error.code).toBe(GrpcStatus.PERMISSION_DENIED);
    expect(error.message).toBe('the admin role is required');
    expect(error.headers['www-authenticate']).toBe('Bearer error="insufficient_scope"');
    const rpcError = await refusal(
      guard.canActivate(rpcGuardContext(`Bearer ${await signTestToken({ sub: 'u' })}`)),
    );
    expect(rpcError.code).toBe(GrpcStatus.PERMISSION_DENIED);
  });

  it('refuses a caller without a token with 401', async () => {
    expect((await refusal(guard.canActivate(httpGuardContext()))).code).toBe(
      GrpcStatus.UNAUTHENTICATED,
    );
  });
});

describe('token guards and rate_limit on one call', () => {
  /**
   * A store that records what it is asked; once `hold()` is called, its replies wait until
   * `release()`, so a test sees which commands were issued before any of them answered.
   */
  function heldStore(revoked: boolean) {
    const asked: string[] = [];
    let held: Promise<void> | undefined;
    let release = (): void => undefined;
    const hold = () => {
      asked.length = 0;
      held = new Promise<void>((resolve) => (release = resolve));
    };
    const reply = <T>(value: T): Promise<T> => (held ?? Promise.resolve()).then(() => value);
    const store = {
      get: (key: string) => {
        asked.push(`GET ${key}`);
        return reply(revoked && held !== undefined ? '1' : null);
      },
      set: () => Promise.resolve(),
      hitWindow: (key: string) => {
        asked.push(`HIT ${key}`);
        return reply({ count: 1, ttlMs: 60_000 });
      },
    };
    return { store, asked, hold, release: () => release() };
  }

  /** A verifier with a fixed key, which remembers the tokens it verified. */
  const fixedKeyVerifier = () =>
    new JwtVerifier({
      key: () => GUARD_TEST_SECRET,
      keyIsFixed: true,
      algorithms: ['HS256'],
      clockToleranceSeconds: 0,
      rolesClaim: 'roles',
    });

  async function guardsOf(revoked: boolean) {
    const held = heldStore(revoked);
    const authenticator = new CallerAuthenticator(
      fixedKeyVerifier(),
      new TokenRevocationService(held.store, 0),
    );
    const rateLimit = new RateLimitGuard(
      new RateLimiter(held.store, { enabled: true, limit: 10, windowMs: 60_000 }),
      authenticator,
      { log: () => undefined, warn: () => undefined },
    );
    const token = `Bearer ${await signTestToken({ sub: 'user-1', jti: 'jti-1' })}`;
    // The client's earlier request: its token is verified (and remembered) then.
    await new AuthGuard(authenticator).canActivate(httpGuardContext(token));
    held.hold();
    return { ...held, authenticator, rateLimit, token };
  }

  it('sends the deny-list read and the rate-limit count in the same turn for a known token', async () => {
    const { asked, release, authenticator, rateLimit, token } = await guardsOf(false);
    const context = httpGuardContext(token);
    (context.switchToHttp().getResponse() as { headers: unknown }).headers = () => undefined;
    const counted = rateLimit.canActivate(context);
    const admitted = new AuthGuard(authenticator).canActivate(context);
    // Nothing awaited yet: both commands were issued synchronously, so they share one write.
    expect(asked).toEqual(['GET auth:revoked:jti-1', 'HIT rate-limit:sub:user-1']);
    release();
    await expect(counted).resolves.toBe(true);
    await expect(admitted).resolves.toBe(true);
  });

  it('still refuses a revoked token, after counting it against the budget', async () => {
    const { asked, release, authenticator, rateLimit, token } = await guardsOf(true);
    const context = httpGuardContext(token);
    (context.switchToHttp().getResponse() as { headers: unknown }).headers = () => undefined;
    const counted = rateLimit.canActivate(context);
    const admitted = new AuthGuard(authenticator).canActivate(context);
    release();
    await expect(counted).resolves.toBe(true);
    const error = await refusal(admitted);
    expect(error.code).toBe(GrpcStatus.UNAUTHENTICATED);
    expect(error.message).toBe('token revoked');
    expect(asked).toContain('HIT rate-limit:sub:user-1');
  });

  it('answers 503 when the deny-list cannot be read', async () => {
    const authenticator = new CallerAuthenticator(
      fixedKeyVerifier(),
      new TokenRevocationService(
        {
          get: () => Promise.reject(new Error('connection refused')),
          set: () => Promise.resolve(),
        },
        0,
      ),
    );
    const token = `Bearer ${await signTestToken({ sub: 'user-1' })}`;
    const error = await refusal(new AuthGuard(authenticator).canActivate(httpGuardContext(token)));
    expect(error.code).toBe(GrpcStatus.UNAVAILABLE);
  });
});
