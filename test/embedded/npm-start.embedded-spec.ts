import { join } from 'node:path';
import { bearerFor, freeSystemPorts } from '../deploy/system';
import {
  StartedTree,
  killGroup,
  postgresUnder,
  scratchCheckout,
  startIn,
  waitForText,
} from './support/checkout';
import {
  GRACE_MS,
  concurrentCreates,
  createFromClients,
  createUser,
  newcomerEnv,
  terminate,
  welcomeCounts,
} from './support/newcomer';

// `npm ci && npm start` as a newcomer runs it, on a checkout of its own (fresh dist/ and data/):
// SWC build, the four services in one process on one real embedded PostgreSQL, then concurrent
// writes, the create → outbox → broker → welcome e-mail flow, SIGTERM, restart, and a SIGKILLed run.
describe('npm start with no backend configured: one embedded PostgreSQL under concurrent writes', () => {
  let checkout: { dir: string; remove(): Promise<void> };
  let env: Record<string, string>;
  let gatewayUrl: string;
  let dataDir: string;
  let tree: StartedTree | undefined;
  /** Every tree started, so that a failed test leaves nothing running. */
  const trees: StartedTree[] = [];
  let firstUserId: string | undefined;

  async function npmStart(): Promise<StartedTree> {
    const started = startIn(checkout.dir, ['npm', 'start'], env);
    tree = started;
    trees.push(started);
    await waitForText(started, 'api-gateway listening', 120_000);
    return started;
  }

  beforeAll(async () => {
    checkout = await scratchCheckout();
    dataDir = join(checkout.dir, 'data', 'postgres');
    const ports = await freeSystemPorts();
    env = newcomerEnv(ports);
    gatewayUrl = `http://127.0.0.1:${ports.gateway}`;
    await npmStart();
  }, 150_000);

  afterAll(async () => {
    trees.forEach(killGroup);
    for (const pid of await postgresUnder(checkout.dir)) process.kill(pid, 'SIGKILL');
    await checkout?.remove();
  });

  it('builds with SWC and names the backend of every plugin in the start-up log', () => {
    const output = tree!.output();
    expect(output).toMatch(/Successfully compiled: \d+ files with swc/);
    for (const service of ['user-service', 'notification-service', 'chat-service']) {
      expect(output).toContain(
        `"context":"${service}","msg":"plugin pgsql (postgres_gorm): embedded PostgreSQL ${dataDir}, database ${service.replace('-', '_')}"`,
      );
    }
    expect(output).toContain('plugin queue (rabbitmq): embedded in-process broker');
    expect(output).toContain('plugin cache (redis): embedded in-process cache');
    expect(output).toContain('plugin realtime (centrifuge): embedded in-process fan-out');
    // One server for the process, whatever the number of services on it.
    return expect(postgresUnder(dataDir)).resolves.toHaveLength(1);
  });

  it.each([6, 50])(
    '%i concurrent creates of one e-mail: exactly one 200, the rest 409, none slower than 2 s',
    async (count) => {
      const answers = await concurrentCreates(gatewayUrl, count);
      const statuses = answers.map((answer) => answer.status).sort();
      expect(statuses).toEqual([200, ...Array<number>(count - 1).fill(409)]);
      // A bound against hangs (the old embedded database left some forever), not a benchmark.
      expect(Math.max(...answers.map((answer) => answer.ms))).toBeLessThan(2000);
      firstUserId ??= String(answers.find((answer) => answer.status === 200)!.body.user_id);
    },
    60_000,
  );

  it('200 creates from 10 clients: 200 welcome e-mails, none missing, none sent twice', async () => {
    const answers = await createFromClients(gatewayUrl, 200, 10);
    expect(answers.filter((answer) => answer.status !== 200)).toEqual([]);
    const userIds = answers.map((answer) => String(answer.body.user_id));
    expect(new Set(userIds).size).toBe(200);
    const deadline = Date.now() + 60_000;
    let counts = await welcomeCounts(gatewayUrl, userIds);
    while ([...counts.values()].some((count) => count === 0) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      counts = await welcomeCounts(gatewayUrl, userIds);
    }
    const missing = userIds.filter((id) => counts.get(id) === 0);
    const duplicated = userIds.filter((id) => (counts.get(id) ?? 0) > 1);
    expect({ missing, duplicated }).toEqual({ missing: [], duplicated: [] });
  }, 120_000);

  it('SIGTERM: every process of npm start, PostgreSQL included, is gone within the grace period + 2 s', async () => {
    const stopped = await terminate(tree!, dataDir);
    expect(stopped).toMatchObject({ left: [], postgresLeft: [] });
    expect(stopped.ms).toBeLessThan(GRACE_MS + 2000);
    expect(tree!.output()).toContain('SIGTERM: draining 4 service(s)');
    expect(tree!.output()).not.toContain('shutdown failed');
  }, 30_000);

  it('a restart keeps the data: the user is still there and its e-mail still taken', async () => {
    const restarted = await npmStart();
    const token = await bearerFor(firstUserId!);
    const found = await fetch(`${gatewayUrl}/api/v1/users/${firstUserId}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(found.status).toBe(200);
    const body = (await found.json()) as { user?: { user_id?: string; email?: string } };
    expect(body.user?.user_id).toBe(firstUserId);
    const again = await createUser(gatewayUrl, String(body.user?.email));
    expect(again.status).toBe(409);
    const stopped = await terminate(restarted, dataDir);
    expect(stopped).toMatchObject({ left: [], postgresLeft: [] });
    expect(stopped.ms).toBeLessThan(GRACE_MS + 2000);
  }, 150_000);

  it('a run killed with SIGKILL leaves its server behind; the next start stops it and goes on with the data', async () => {
    // The app itself (what nest start runs), killed where no handler can run.
    const killed = startIn(checkout.dir, ['node', 'dist/main.js'], env);
    trees.push(killed);
    await waitForText(killed, 'api-gateway listening', 60_000);
    process.kill(killed.child.pid!, 'SIGKILL');
    await killed.exited;
    const orphans = await postgresUnder(dataDir);
    expect(orphans).toHaveLength(1);

    const next = await npmStart();
    const running = await postgresUnder(dataDir);
    expect(running).toHaveLength(1);
    expect(running).not.toEqual(orphans);
    const again = await createUser(gatewayUrl, `fresh-${Date.now()}@example.com`);
    expect(again.status).toBe(200);
    const stopped = await terminate(next, dataDir);
    expect(stopped).toMatchObject({ left: [], postgresLeft: [] });
    expect(stopped.ms).toBeLessThan(GRACE_MS + 2000);
  }, 150_000);
});
