import { Metadata } from '@grpc/grpc-js';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host';
import { SignJWT } from 'jose';
import { GrpcStatus, ToolkitError } from '../errors';
import { getCallerIdentity } from './caller-identity';
import { CallerTokenGuard } from './caller-token.guard';
import { CallerTokens } from './caller-tokens';
import { DEVELOPMENT_INTERNAL_AUTH_SECRET, internalAuthProblem } from './internal-auth.config';

const SECRET = 'unit-test-internal-auth-secret-0123456789';
const gateway = new CallerTokens(SECRET, 'api-gateway');
const chat = new CallerTokens(SECRET, 'chat-service');

function rpcContext(metadata: Metadata): ExecutionContextHost {
  const context = new ExecutionContextHost([{}, metadata]);
  context.setType('rpc');
  return context;
}

async function refusal(promise: Promise<unknown>): Promise<ToolkitError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(ToolkitError);
  return error as ToolkitError;
}

describe('CallerTokens', () => {
  it('round-trips the caller for the audience it was signed for, and reuses a fresh token', async () => {
    const token = await gateway.sign({ subject: 'u-1', roles: ['user', 'ops'] }, 'chat-service');
    await expect(chat.verify(token)).resolves.toMatchObject({
      subject: 'u-1',
      roles: ['user', 'ops'],
    });
    expect(await gateway.sign({ subject: 'u-1', roles: ['user', 'ops'] }, 'chat-service')).toBe(
      token,
    );
    expect(await gateway.sign({ subject: 'u-1', roles: ['user'] }, 'chat-service')).not.toBe(token);
  });

  it('offers a fresh token for reuse only to the same caller and audience', async () => {
    const signer = new CallerTokens(SECRET, 'api-gateway');
    const caller = { subject: 'u-9', roles: ['user'] };
    expect(signer.reusable(caller, 'chat-service')).toBeUndefined();
    const token = await signer.sign(caller, 'chat-service');
    expect(signer.reusable(caller, 'chat-service')).toBe(token);
    expect(signer.reusable(caller, 'user-service')).toBeUndefined();
    expect(signer.reusable({ subject: 'u-9', roles: [] }, 'chat-service')).toBeUndefined();
  });

  it('refuses another audience, another key and a lifetime over 60 s', async () => {
    const token = await gateway.sign({ subject: 'u-1', roles: [] }, 'user-service');
    await expect(chat.verify(token)).rejects.toThrow('caller token aud claim not accepted');
    const foreign = await new CallerTokens('another-key-that-is-long-enough-000000', 'x').sign(
      { subject: 'u-1', roles: [] },
      'chat-service',
    );
    await expect(chat.verify(foreign)).rejects.toThrow('caller token invalid');
    const longLived = await new SignJWT({ roles: [] })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('u-1')
      .setAudience('chat-service')
      .setIssuedAt()
      .setExpirationTime('10m')
      .sign(new TextEncoder().encode(SECRET));
    await expect(chat.verify(longLived)).rejects.toThrow('caller token lifetime too long');
  });

  it('accepts a verified token again without waiting, until its lifetime is over', async () => {
    const backend = new CallerTokens(SECRET, 'chat-service');
    const token = await gateway.sign({ subject: 'u-2', roles: ['user'] }, 'chat-service');
    expect(backend.verifiedBefore(token)).toBeUndefined();
    await backend.verify(token);
    expect(backend.verifiedBefore(token)).toMatchObject({ subject: 'u-2', roles: ['user'] });
    const now = Date.now();
    const later = jest.spyOn(Date, 'now').mockReturnValue(now + 70_000);
    try {
      expect(backend.verifiedBefore(token)).toBeUndefined();
    } finally {
      later.mockRestore();
    }
  });
});

describe('CallerTokenGuard', () => {
  const development = new CallerTokenGuard(chat, { production: false, allowEmbedded: false });
  const production = new CallerTokenGuard(chat, { production: true, allowEmbedded: false });

  it('attaches the identity a valid caller token asserts', async () => {
    const metadata = new Metadata();
    metadata.set(
      'x-caller-token',
      await gateway.sign({ subject: 'u-2', roles: [] }, 'chat-service'),
    );
    const context = rpcContext(metadata);
    await expect(production.canActivate(context)).resolves.toBe(true);
    expect(getCallerIdentity(context)).toMatchObject({ subject: 'u-2' });
  });

  it('refuses a caller token that does not verify with UNAUTHENTICATED', async () => {
    const metadata = new Metadata();
    metadata.set('x-caller-token', 'not.a.token');
    expect((await refusal(development.canActivate(rpcContext(metadata)))).code).toBe(
      GrpcStatus.UNAUTHENTICATED,
    );
  });

  it('never trusts bare identity headers: refused in production, ignored in development', async () => {
    const metadata = new Metadata();
    metadata.set('x-user-id', 'u-3');
    expect((await refusal(production.canActivate(rpcContext(metadata)))).code).toBe(
      GrpcStatus.UNAUTHENTICATED,
    );
    const context = rpcContext(metadata);
    await expect(development.canActivate(context)).resolves.toBe(true);
    expect(getCallerIdentity(context)).toBeUndefined();
  });

  it('reads the token from an HTTP request header too', async () => {
    const request = {
      headers: {
        'x-caller-token': await gateway.sign({ subject: 'u-4', roles: [] }, 'chat-service'),
      },
    };
    const context = new ExecutionContextHost([request, {}]);
    context.setType('http');
    await expect(production.canActivate(context)).resolves.toBe(true);
    expect(getCallerIdentity(context)).toMatchObject({ subject: 'u-4' });
  });
});

describe('internal auth configuration', () => {
  it('refuses the development key in production only, and short keys always', () => {
    const key = { SECRET: DEVELOPMENT_INTERNAL_AUTH_SECRET, AUDIENCE: undefined };
    expect(internalAuthProblem('CHAT_SERVICE', key, false)).toBeUndefined();
    expect(internalAuthProblem('CHAT_SERVICE', key, true)).toMatch(
      /CHAT_SERVICE_INTERNAL_AUTH_SECRET is the embedded development key/,
    );
    expect(internalAuthProblem('X', { SECRET: 'short', AUDIENCE: undefined }, false)).toMatch(
      /at least 32 bytes/,
    );
  });
});
