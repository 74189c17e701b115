import { randomUUID } from 'node:crypto';
import { Metadata } from '@grpc/grpc-js';
import { ExecutionContext } from '@nestjs/common';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host';
import { JWTPayload, SignJWT } from 'jose';
import { JwtVerifier } from '../../src/toolkit/auth/jwt-verifier';
import { ToolkitError } from '../../src/toolkit/errors/toolkit-error';

/** What the security guards' specs share: an HS256 key, tokens, execution contexts, a verifier. */
export const GUARD_TEST_SECRET = new TextEncoder().encode(
  'a-test-secret-that-is-long-enough-for-hs256',
);

export const nowSeconds = () => Math.floor(Date.now() / 1000);

/** A token valid for five minutes with a fresh jti, `payload` on top. */
export function signTestToken(payload: JWTPayload): Promise<string> {
  return new SignJWT({ exp: nowSeconds() + 300, jti: randomUUID(), ...payload })
    .setProtectedHeader({ alg: 'HS256' })
    .sign(GUARD_TEST_SECRET);
}

/** An `http` execution context whose request carries `authorization`, from 10.0.0.1. */
export function httpGuardContext(authorization?: string): ExecutionContext {
  const request = { headers: authorization === undefined ? {} : { authorization }, ip: '10.0.0.1' };
  const context = new ExecutionContextHost([request, {}]);
  context.setType('http');
  return context;
}

/** An `rpc` execution context whose metadata carries `authorization`. */
export function rpcGuardContext(authorization?: string): ExecutionContext {
  const metadata = new Metadata();
  if (authorization !== undefined) metadata.set('authorization', authorization);
  const context = new ExecutionContextHost([{}, metadata, {}]);
  context.setType('rpc');
  return context;
}

/** The ToolkitError `promise` rejects with; fails the test when it resolves. */
export async function refusal(promise: Promise<unknown>): Promise<ToolkitError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(ToolkitError);
    return error as ToolkitError;
  }
  throw new Error('the call was let through');
}

/** A verifier of `GUARD_TEST_SECRET` tokens, no clock tolerance, roles in `roles`. */
export function testJwtVerifier(): JwtVerifier {
  return new JwtVerifier({
    key: () => GUARD_TEST_SECRET,
    algorithms: ['HS256'],
    clockToleranceSeconds: 0,
    rolesClaim: 'roles',
  });
}
