import { SystemPorts, bearerFor, systemEnv } from '../../deploy/system';
import { StartedTree, postgresUnder, processGroup } from './checkout';

/** The grace period the runs here set for every service, so that a hang is seen quickly. */
export const GRACE_MS = 5000;

/**
 * What `npm start` reads beyond the committed .env: free ports (the machine is shared), a short
 * grace period, and a rate limit out of the way of the bulk creates (the limit has its own tests).
 */
export function newcomerEnv(ports: SystemPorts): Record<string, string> {
  const env: Record<string, string> = {
    ...systemEnv(ports),
    API_GATEWAY_RATE_LIMIT_REQUESTS: '1000000',
  };
  for (const prefix of ['USER_SERVICE', 'NOTIFICATION_SERVICE', 'CHAT_SERVICE', 'API_GATEWAY']) {
    env[`${prefix}_SHUTDOWN_GRACE_PERIOD`] = `${GRACE_MS}ms`;
  }
  return env;
}

export interface Answer {
  status: number;
  ms: number;
  body: Record<string, unknown>;
}

/** POST /api/v1/users through the gateway, timed. */
export async function createUser(gatewayUrl: string, email: string, name = 'Ada'): Promise<Answer> {
  const started = Date.now();
  const response = await fetch(`${gatewayUrl}/api/v1/users`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name, email, password: 'correct horse battery' }),
    signal: AbortSignal.timeout(30_000),
  });
  const body = (await response.json()) as Record<string, unknown>;
  return { status: response.status, ms: Date.now() - started, body };
}

/** `count` creates of one e-mail, all in flight at once. */
export function concurrentCreates(gatewayUrl: string, count: number): Promise<Answer[]> {
  const email = `same-${Date.now()}-${Math.random().toString(16).slice(2)}@example.com`;
  return Promise.all(Array.from({ length: count }, () => createUser(gatewayUrl, email)));
}

/** `total` users with distinct e-mails, created by `clients` concurrent clients in turn. */
export async function createFromClients(
  gatewayUrl: string,
  total: number,
  clients: number,
): Promise<Answer[]> {
  const run = `${Date.now()}-${Math.random().toString(16).slice(2)}`;
  const answers: Answer[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (next < total) {
        const index = next++;
        answers[index] = await createUser(
          gatewayUrl,
          `bulk-${run}-${index}@example.com`,
          `User ${index}`,
        );
      }
    }),
  );
  return answers;
}

/** How many welcome e-mails each user's notification history shows (sent or not). */
export async function welcomeCounts(
  gatewayUrl: string,
  userIds: string[],
): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (let start = 0; start < userIds.length; start += 10) {
    await Promise.all(
      userIds.slice(start, start + 10).map(async (userId) => {
        const response = await fetch(
          `${gatewayUrl}/api/v1/notifications/history/${userId}?limit=50`,
          { headers: { authorization: `Bearer ${await bearerFor(userId)}` } },
        );
        if (response.status !== 200) throw new Error(`history of ${userId}: ${response.status}`);
        const { notifications } = (await response.json()) as {
          notifications: { subject?: string; status?: string }[];
        };
        counts.set(
          userId,
          notifications.filter(
            (notification) => notification.subject === 'Welcome to our platform!',
          ).length,
        );
      }),
    );
  }
  return counts;
}

/**
 * SIGTERM to the process group, as a terminal or supervisor stopping `npm start` sends it, and the
 * time until every process of the tree, PostgreSQL included, is gone.
 */
export async function terminate(
  tree: StartedTree,
  dataDir: string,
  timeoutMs = GRACE_MS + 10_000,
): Promise<{ ms: number; left: number[]; postgresLeft: number[] }> {
  const pgid = tree.child.pid;
  if (!pgid) throw new Error('no pid');
  const started = Date.now();
  process.kill(-pgid, 'SIGTERM');
  let left = await processGroup(pgid);
  let postgresLeft = await postgresUnder(dataDir);
  while ((left.length > 0 || postgresLeft.length > 0) && Date.now() - started < timeoutMs) {
    await new Promise((resolve) => setTimeout(resolve, 25));
    left = await processGroup(pgid);
    postgresLeft = await postgresUnder(dataDir);
  }
  return { ms: Date.now() - started, left, postgresLeft };
}
