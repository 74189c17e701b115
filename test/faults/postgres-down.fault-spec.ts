import { randomBytes, randomUUID } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import { withPostgresStopped } from '../support/backends';
import { UserApp, startUserApp } from '../support/user-app';

jest.setTimeout(120_000);

/**
 * Stops the shared PostgreSQL under a running user-service: every call that needs it answers
 * 503 / UNAVAILABLE (never 500 / INTERNAL) on both transports, readiness turns 503, and within
 * 5 s of the restart the service is ready and answering again.
 */
describe('user-service with PostgreSQL stopped', () => {
  let app: UserApp;
  const figures: Record<string, unknown> = {};

  beforeAll(async () => {
    app = await startUserApp('fault_pg_down');
  });

  afterAll(async () => {
    console.log(`postgres-down figures: ${JSON.stringify(figures)}`);
    await app?.close();
  });

  const post = (name: string) =>
    fetch(`${app.running.httpUrl}/users`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name, email: `${randomBytes(4).toString('hex')}@example.com` }),
    });

  it('answers 503 UNAVAILABLE on HTTP and gRPC, not ready, then recovers within 5 s', async () => {
    expect((await post('before')).status).toBe(200);
    let restartedAt = 0;
    let readyAfterMs = Infinity;
    let answeringAfterMs = Infinity;
    await withPostgresStopped(
      async () => {
        const started = Date.now();
        const gets = await Promise.all(
          Array.from({ length: 20 }, () => fetch(`${app.running.httpUrl}/users/${randomUUID()}`)),
        );
        const creates = await Promise.all(Array.from({ length: 20 }, () => post('during')));
        figures.httpMs = Date.now() - started;
        const statuses = [...gets, ...creates].map((response) => response.status);
        expect(new Set(statuses)).toEqual(new Set([503]));
        const body = (await gets[0].json()) as Record<string, unknown>;
        expect(body).toMatchObject({ code: 503, status: 'Service Unavailable', details: [] });
        expect(String(body.message)).not.toMatch(/internal|postgres|ECONN/i);
        await Promise.all([...gets.slice(1), ...creates].map((response) => response.text()));

        const overGrpc = await Promise.all([
          app.grpc.call('GetUser', { user_id: randomUUID() }),
          app.grpc.call('CreateUser', {
            name: 'g',
            email: `${randomBytes(4).toString('hex')}@x.io`,
          }),
          app.grpc.call('ListUsers', { limit: 5, offset: 0 }),
        ]);
        for (const outcome of overGrpc) {
          expect(outcome).toMatchObject({ ok: false, code: grpc.status.UNAVAILABLE });
        }
        const readiness = await fetch(`${app.running.httpUrl}/_healthz/readiness`);
        expect(readiness.status).toBe(503);
        expect(await readiness.json()).toMatchObject({ status: 'unavailable' });
        figures.clientSaw = `HTTP ${[...new Set(statuses)].join(',')}, gRPC UNAVAILABLE`;
      },
      async () => {
        restartedAt = Date.now();
        while (Date.now() - restartedAt < 5_000) {
          const readiness = await fetch(`${app.running.httpUrl}/_healthz/readiness`);
          if (readiness.status === 200) {
            readyAfterMs = Date.now() - restartedAt;
            break;
          }
          await new Promise((resolve) => setTimeout(resolve, 25));
        }
        while (Date.now() - restartedAt < 5_000) {
          const created = await post('after');
          if (created.status === 200) {
            answeringAfterMs = Date.now() - restartedAt;
            break;
          }
          await new Promise((resolve) => setTimeout(resolve, 25));
        }
      },
    );
    figures.readyAfterRestartMs = readyAfterMs;
    figures.answeringAfterRestartMs = answeringAfterMs;
    expect(readyAfterMs).toBeLessThan(5_000);
    expect(answeringAfterMs).toBeLessThan(5_000);
  });
});
