import { randomUUID } from 'node:crypto';
import Fastify, { FastifyReply, FastifyRequest } from 'fastify';
import {
  BaselineMetrics,
  CachedUser,
  cachedFromRow,
  createAccessLogger,
  intEnv,
  observabilityOn,
  observeRequests,
  stopOnSignal,
  UserRow,
  UUID_PATTERN,
} from './common';
import { CACHE_TTL_SECONDS, errorBody, UserStore, userBody } from './user-store';

/**
 * Plain baseline of user-service over HTTP: Fastify + ioredis + pg, written the way one would by
 * hand. Same work per request as the project: uuid check, cache-aside `user:<id>` (JSON of the
 * row, 1 h TTL), the same JSON body, x-request-id echo, and (unless `BENCH_OBSERVABILITY=off`)
 * one access-log line and request metrics.
 * POST /users writes the user and its `user.created` outbox row in one transaction (no relay).
 */
const EMAIL_PATTERN = /^[^@]+@[^@]+\.[^@]+$/;

const store = new UserStore();
const outboxTable = process.env.BENCH_OUTBOX_TABLE ?? '';

async function createUser(name: string, email: string): Promise<CachedUser | undefined> {
  const client = await store.pool.connect();
  try {
    await client.query('BEGIN');
    const taken = await client.query('SELECT 1 FROM users WHERE email = $1', [email]);
    if (taken.rows.length > 0) {
      await client.query('ROLLBACK');
      return undefined;
    }
    const inserted = await client.query<UserRow>(
      'INSERT INTO users (name, email) VALUES ($1, $2) RETURNING id, name, email, created_at, updated_at',
      [name, email],
    );
    const row = inserted.rows[0];
    if (outboxTable !== '') {
      await client.query(
        `INSERT INTO ${outboxTable} (message_id, event, payload) VALUES ($1, $2, $3::jsonb)`,
        [
          randomUUID(),
          'user.created',
          JSON.stringify({ type: 'user.created', user_id: row.id, name, email }),
        ],
      );
    }
    await client.query('COMMIT');
    const user = cachedFromRow(row);
    await store.redis.set(`user:${user.id}`, JSON.stringify(user), 'EX', CACHE_TTL_SECONDS);
    return user;
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  } finally {
    client.release();
  }
}

const app = Fastify({ logger: false });

const metrics = observabilityOn() ? new BaselineMetrics('baseline-http') : undefined;
observeRequests(app, metrics && { metrics, logger: createAccessLogger('baseline-http') });
if (metrics) {
  app.get('/metrics', async (_request, reply) => {
    reply.type(metrics.registry.contentType);
    return metrics.registry.metrics();
  });
}

app.get('/_healthz/readiness', async () => ({ status: 'ok' }));

app.get(
  '/users/:user_id',
  async (request: FastifyRequest<{ Params: { user_id: string } }>, reply: FastifyReply) => {
    const id = request.params.user_id;
    reply.type('application/json');
    if (!UUID_PATTERN.test(id))
      return reply.code(400).send(errorBody('INVALID_ARGUMENT', 'user_id: must be a UUID'));
    const user = await store.find(id.toLowerCase());
    if (!user) return reply.code(404).send(errorBody('NOT_FOUND', `user ${id} not found`));
    return reply.send(userBody(user));
  },
);

app.post(
  '/users',
  async (
    request: FastifyRequest<{ Body: { name?: unknown; email?: unknown } }>,
    reply: FastifyReply,
  ) => {
    const { name, email } = request.body ?? {};
    reply.type('application/json');
    if (
      typeof name !== 'string' ||
      name.length < 1 ||
      name.length > 100 ||
      typeof email !== 'string' ||
      !EMAIL_PATTERN.test(email)
    ) {
      return reply.code(400).send(errorBody('INVALID_ARGUMENT', 'name or email invalid'));
    }
    const user = await createUser(name, email);
    if (!user)
      return reply
        .code(409)
        .send(errorBody('ALREADY_EXISTS', `user with email ${email} already exists`));
    return reply.send(JSON.stringify({ user_id: user.id, status: 'created' }));
  },
);

stopOnSignal(async () => {
  await app.close();
  await store.close();
});

app.listen({ host: '127.0.0.1', port: intEnv('BENCH_PORT', 0) }).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
