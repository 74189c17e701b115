import { randomBytes } from 'node:crypto';
import { UserApp, startUserApp } from '../support/user-app';
import { sampleValue } from '../support/prometheus-text';
import { closedPort } from '../support/redis';

describe('user-service with Redis unreachable', () => {
  let app: UserApp;

  beforeAll(async () => {
    const port = await closedPort();
    app = await startUserApp('user_cache_down', {
      USER_SERVICE_CACHE_PORT: String(port),
      USER_SERVICE_CACHE_CONNECT_TIMEOUT: '200ms',
    });
  });

  afterAll(() => app?.close());

  it('creates, reads, updates and deletes users from PostgreSQL on both transports', async () => {
    const email = `down-${randomBytes(4).toString('hex')}@example.com`;
    const created = await fetch(`${app.running.httpUrl}/users`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'No Cache', email }),
    });
    expect(created.status).toBe(200);
    const { user_id: id } = (await created.json()) as { user_id: string };

    const fetched = await fetch(`${app.running.httpUrl}/users/${id}`);
    expect(fetched.status).toBe(200);
    expect(await fetched.json()).toMatchObject({ user: { user_id: id, name: 'No Cache', email } });

    const overGrpc = await app.grpc.call('GetUser', { user_id: id });
    expect(overGrpc).toMatchObject({ ok: true, response: { user: { user_id: id } } });

    const updated = await fetch(`${app.running.httpUrl}/users/${id}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Still Works' }),
    });
    expect(updated.status).toBe(200);
    expect((await fetch(`${app.running.httpUrl}/users/${id}`, { method: 'DELETE' })).status).toBe(
      200,
    );
  });

  it('stays ready (the cache is optional) and says degraded, naming the cache', async () => {
    const readiness = await fetch(`${app.running.httpUrl}/_healthz/readiness`);
    expect(readiness.status).toBe(200);
    const body = (await readiness.json()) as { status: string; plugins: object[] };
    expect(body.status).toBe('degraded');
    expect(body.plugins).toContainEqual(
      expect.objectContaining({ prefix: 'cache', ok: false, required: false }),
    );
  });

  it('counts the cache commands that failed, and no hit or miss', async () => {
    const metrics = await (await fetch(`${app.running.httpUrl}/metrics`)).text();
    expect(sampleValue(metrics, 'toolkit_cache_errors_total', { prefix: 'cache' })).toBeGreaterThan(
      0,
    );
    expect(sampleValue(metrics, 'toolkit_cache_hits_total', { prefix: 'cache' })).toBe(0);
    expect(sampleValue(metrics, 'toolkit_cache_misses_total', { prefix: 'cache' })).toBe(0);
  });
});
