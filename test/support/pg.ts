import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

/** Where the shared test PostgreSQL is (CI and developers: local, trust auth). */
export const TEST_PG = {
  host: process.env.TEST_PGSQL_HOST ?? '127.0.0.1',
  port: Number(process.env.TEST_PGSQL_PORT ?? 5432),
  user: process.env.TEST_PGSQL_USERNAME ?? 'postgres',
  password: process.env.TEST_PGSQL_PASSWORD ?? '',
};

/** A database that belongs to one suite; `drop()` in afterAll. */
export interface TestDatabase {
  name: string;
  /** `<envPrefix>_<SCOPE>_*` variables pointing a pgsql plugin at this database. */
  env(envPrefix: string, scope?: string): Record<string, string>;
  /** Runs one statement in this database (assertions, sabotage). */
  query<T extends Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  /** Drops the database, terminating whatever is still connected. */
  drop(): Promise<void>;
}

async function withAdmin<T>(
  work: (client: Client) => Promise<T>,
  database = 'postgres',
): Promise<T> {
  const client = new Client({ ...TEST_PG, database });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/**
 * Creates `t_<suite>_<random>` on the shared PostgreSQL, so suites running in parallel (ours and
 * other engineers') never see each other's rows.
 */
export async function createTestDatabase(suite: string): Promise<TestDatabase> {
  const slug = suite
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .slice(0, 30);
  const name = `t_${slug}_${randomBytes(4).toString('hex')}`;
  await withAdmin((client) => client.query(`CREATE DATABASE "${name}"`));
  return {
    name,
    env: (envPrefix, scope = 'PGSQL') => ({
      [`${envPrefix}_${scope}_HOST`]: TEST_PG.host,
      [`${envPrefix}_${scope}_PORT`]: String(TEST_PG.port),
      [`${envPrefix}_${scope}_USERNAME`]: TEST_PG.user,
      [`${envPrefix}_${scope}_PASSWORD`]: TEST_PG.password,
      [`${envPrefix}_${scope}_DATABASE`]: name,
      [`${envPrefix}_${scope}_SSL_MODE`]: 'disable',
    }),
    query: (sql, params) =>
      withAdmin(async (client) => (await client.query(sql, params)).rows, name),
    drop: () =>
      withAdmin((client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)).then(
        () => undefined,
      ),
  };
}
