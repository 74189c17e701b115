import Redis from 'ioredis';
import { Pool } from 'pg';
import { CachedUser, cachedFromRow, requiredEnv, rfc3339, timestampOf, UserRow } from './common';

/**
 * The cache-aside user lookup every user-service baseline does (plain Fastify, stock Nest, plain
 * grpc-js): Redis `user:<id>` (JSON of the row, 1 h TTL), PostgreSQL on a miss. One module so that
 * the baselines cannot drift apart in the work they do.
 */
export const CACHE_TTL_SECONDS = 3600;

export class UserStore {
  readonly redis = new Redis({
    host: '127.0.0.1',
    port: 6379,
    keyPrefix: requiredEnv('BENCH_REDIS_PREFIX'),
  });
  readonly pool = new Pool({
    host: '127.0.0.1',
    user: 'postgres',
    database: requiredEnv('BENCH_PG_DATABASE'),
    max: 10,
  });

  async find(id: string): Promise<CachedUser | undefined> {
    const raw = await this.redis.get(`user:${id}`);
    if (raw !== null) return JSON.parse(raw) as CachedUser;
    const result = await this.pool.query<UserRow>(
      'SELECT id, name, email, created_at, updated_at FROM users WHERE id = $1',
      [id],
    );
    if (result.rows.length === 0) return undefined;
    const user = cachedFromRow(result.rows[0]);
    await this.redis.set(`user:${id}`, JSON.stringify(user), 'EX', CACHE_TTL_SECONDS);
    return user;
  }

  async close(): Promise<void> {
    await this.pool.end();
    this.redis.disconnect();
  }
}

/** `GetUserResponse` as protojson, exactly what user-service answers. */
export function userBody(user: CachedUser): string {
  return JSON.stringify({
    user: {
      user_id: user.id,
      name: user.name,
      email: user.email,
      created_at: rfc3339(timestampOf(user.createdAt)),
      updated_at: rfc3339(timestampOf(user.updatedAt)),
    },
  });
}

/** The project's HTTP error body. */
export function errorBody(code: string, message: string): string {
  return JSON.stringify({ code, message, details: [] });
}
