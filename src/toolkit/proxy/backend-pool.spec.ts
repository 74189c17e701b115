import { CallerTokens } from '../auth/caller-tokens';
import type { ToolkitLogger } from '../runtime/toolkit-logger';
import { BackendPool } from './backend-pool';

const SECRET = 'unit-test-internal-auth-secret-0123456789';
const logger = { forContext: () => ({ warn: () => undefined }) } as unknown as ToolkitLogger;

function pool(callerTokens?: CallerTokens): BackendPool {
  return new BackendPool(
    {
      backends: [],
      grpcEndpoints: new Map(),
      keepaliveTimeMs: 30_000,
      keepaliveTimeoutMs: 10_000,
      maxReconnectBackoffMs: 2_000,
      healthTimeoutMs: 1_000,
      callerTokens,
    },
    logger,
  );
}

describe('BackendPool.withCallerToken', () => {
  const chat = new CallerTokens(SECRET, 'chat-service');

  it('replaces a caller token the client sent with one signed for the verified caller', async () => {
    const signed = await pool(new CallerTokens(SECRET, 'api-gateway')).withCallerToken(
      'chat-service',
      {
        'x-caller-token': 'forged-by-the-client',
        'x-user-id': 'u-1',
        'x-user-roles': 'user,ops',
        'x-request-id': 'r-1',
      },
    );
    expect(signed['x-caller-token']).not.toBe('forged-by-the-client');
    await expect(chat.verify(signed['x-caller-token'])).resolves.toMatchObject({
      subject: 'u-1',
      roles: ['user', 'ops'],
    });
    expect(signed).toMatchObject({ 'x-user-id': 'u-1', 'x-request-id': 'r-1' });
  });

  it('drops a client caller token and signs none without a verified caller', async () => {
    const metadata = { 'x-caller-token': 'forged', 'x-request-id': 'r-2' };
    const signed = await pool(new CallerTokens(SECRET, 'api-gateway')).withCallerToken(
      'chat-service',
      metadata,
    );
    expect(signed).toEqual({ 'x-request-id': 'r-2' });
    expect(metadata['x-caller-token']).toBe('forged');
  });

  it('reuses the token of the previous call of the same caller', async () => {
    const backends = pool(new CallerTokens(SECRET, 'api-gateway'));
    const metadata = { 'x-user-id': 'u-3' };
    const first = await backends.withCallerToken('chat-service', metadata);
    const second = await backends.withCallerToken('chat-service', metadata);
    expect(second['x-caller-token']).toBe(first['x-caller-token']);
  });
});
