import { randomBytes } from 'node:crypto';
import { Agent, request } from 'node:http';
import { RabbitProbe, rabbitEnv, uniqueName } from '../support/rabbit';
import { UserApp, startUserApp } from '../support/user-app';

jest.setTimeout(120_000);

interface Tally {
  ok: number;
  otherStatus: number;
  /** Connection reset or closed under an accepted request: what must never happen. */
  resets: number;
  /** Refused at connect: the listener had stopped, nothing was accepted. */
  refused: number;
  errors: string[];
}

function post(agent: Agent, url: URL, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const outgoing = request(
      url,
      {
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode ?? 0));
        response.on('error', reject);
      },
    );
    outgoing.on('error', (error) =>
      reject(Object.assign(error, { reused: outgoing.reusedSocket })),
    );
    outgoing.end(body);
  });
}

/**
 * `close()` is what the SIGTERM handler runs. Under 20 keep-alive clients creating users: no
 * request is reset once the server accepted it (in-flight calls finish, idle sockets are closed
 * between requests, the last answers say `connection: close`), and every user committed during
 * the drain has its `user.created` published before the app is gone (no outbox row left).
 */
describe('user-service SIGTERM under load', () => {
  const exchange = uniqueName('fault-sigterm');
  let app: UserApp;
  let probe: RabbitProbe;
  const figures: Record<string, unknown> = {};

  beforeAll(async () => {
    probe = await RabbitProbe.open();
    app = await startUserApp('fault_sigterm', {
      ...rabbitEnv('USER_SERVICE', exchange, { OUTBOX_POLL_INTERVAL: '5s' }),
    });
  });

  afterAll(async () => {
    console.log(`sigterm figures: ${JSON.stringify(figures)}`);
    await app?.close();
    await probe?.cleanUp(exchange, []);
    await probe?.close();
  });

  it('resets nothing it accepted and leaves no outbox row unsent', async () => {
    const url = new URL(`${app.running.httpUrl}/users`);
    const tally: Tally = { ok: 0, otherStatus: 0, resets: 0, refused: 0, errors: [] };
    let stopped = false;
    const client = async () => {
      const agent = new Agent({ keepAlive: true, maxSockets: 1 });
      while (!stopped) {
        const body = JSON.stringify({
          name: 'Load',
          email: `${randomBytes(6).toString('hex')}@example.com`,
        });
        try {
          const status = await post(agent, url, body);
          if (status === 200) tally.ok += 1;
          else tally.otherStatus += 1;
        } catch (error) {
          const code = (error as { code?: string }).code ?? String(error);
          if (code === 'ECONNREFUSED') {
            tally.refused += 1;
            break;
          }
          tally.resets += 1;
          tally.errors.push(`${code} reused=${String((error as { reused?: boolean }).reused)}`);
        }
      }
      agent.destroy();
    };
    const clients = Array.from({ length: 20 }, () => client());
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const closing = Date.now();
    await app.running.close();
    figures.closeMs = Date.now() - closing;
    stopped = true;
    await Promise.all(clients);
    Object.assign(figures, { ...tally, errors: [...new Set(tally.errors)] });

    expect(tally.ok).toBeGreaterThan(20);
    expect(tally.resets).toBe(0);
    const [{ pending }] = await app.database.query<{ pending: string }>(
      'SELECT count(*) AS pending FROM user_outbox WHERE sent_at IS NULL',
    );
    const [{ users }] = await app.database.query<{ users: string }>(
      'SELECT count(*) AS users FROM users',
    );
    figures.usersCommitted = Number(users);
    figures.outboxPending = Number(pending);
    expect(Number(pending)).toBe(0);
    expect(Number(users)).toBeGreaterThanOrEqual(tally.ok);
  });
});
