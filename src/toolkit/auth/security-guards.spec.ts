import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host';
import { GrpcStatus } from '../errors/grpc-status';
import { AdminOnlyGuard } from './admin-only.guard';
import { AuthGuard } from './auth.guard';
import { CallerAuthenticator } from './caller-authenticator';
import { getCallerIdentity, getRequestIdentity } from './caller-identity';
import { JwtVerifier } from './jwt-verifier';
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
