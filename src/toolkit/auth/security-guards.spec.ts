import { randomUUID } from 'node:crypto';
import { Metadata } from '@grpc/grpc-js';
import { ExecutionContext } from '@nestjs/common';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host';
import { JWTPayload, SignJWT } from 'jose';
import { ToolkitError } from '../errors/toolkit-error';
import { GrpcStatus } from '../errors/grpc-status';
import { AdminOnlyGuard } from './admin-only.guard';
import { AuthGuard } from './auth.guard';
import { CallerAuthenticator } from './caller-authenticator';
import { getCallerIdentity, getRequestIdentity } from './caller-identity';
import { JwtVerifier } from './jwt-verifier';

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
