import { randomBytes } from 'node:crypto';
import { withRedisStopped } from '../support/backends';
import { UserApp, startUserApp } from '../support/user-app';

jest.setTimeout(120_000);

/**
 * Stops the shared Redis under a running user-service: the cache is optional, so every read is
 * served from PostgreSQL and the instance stays ready, saying `degraded`.
 */
describe('user-service with Redis stopped', () => {
  let app: UserApp;
  const figures: Record<string, unknown> = {};

  beforeAll(async () => {
    app = await startUserApp('fault_redis_down', { USER_SERVICE_CACHE_CONNECT_TIMEOUT: '200ms' });
  });

  afterAll(async () => {
    console.log(`redis-down figures: ${JSON.stringify(figures)}`);
    await app?.close();
  });

  it('serves 100 % of GETs and stays ready (degraded)', async () => {
    const created = await fetch(`${app.running.httpUrl}/users`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Cached', email: `${randomBytes(4).toString('hex')}@x.io` }),
    });
    const { user_id: id } = (await created.json()) as { user_id: string };
    await withRedisStopped(async () => {
      const statuses: number[] = [];
      for (let round = 0; round < 10; round += 1) {
        const answers = await Promise.all(
          Array.from({ length: 20 }, () => fetch(`${app.running.httpUrl}/users/${id}`)),
        );
        for (const answer of answers) {
          statuses.push(answer.status);
          await answer.text();
        }
      }
      figures.gets = statuses.length;
      figures.ok = statuses.filter((status) => status === 200).length;
      expect(statuses.every((status) => status === 200)).toBe(true);
      const readiness = await fetch(`${app.running.httpUrl}/_healthz/readiness`);
      expect(readiness.status).toBe(200);
      const body = (await readiness.json()) as { status: string; plugins: object[] };
      expect(body.status).toBe('degraded');
      expect(body.plugins).toContainEqual(
        expect.objectContaining({ prefix: 'cache', ok: false, required: false }),
      );
    });
    const started = Date.now();
    for (;;) {
      const readiness = (await (
        await fetch(`${app.running.httpUrl}/_healthz/readiness`)
      ).json()) as { status: string };
      if (readiness.status === 'ok') break;
      if (Date.now() - started > 10_000) throw new Error('cache did not come back');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    figures.okAgainAfterRestartMs = Date.now() - started;
  });
});
