import { randomUUID } from 'node:crypto';
import { connect as connectAmqp } from 'amqplib';
import Redis from 'ioredis';
import { Client } from 'pg';

/** Names this run owns on the shared backends, so that it never touches anyone else's data. */
export interface BenchNamespace {
  /** PostgreSQL database created for the run and dropped after it. */
  database: string;
  /** Redis key prefix under which every server of the run keeps its keys. */
  redisPrefix: string;
  /** RabbitMQ exchange user-service publishes its events to. */
  exchange: string;
}

const ADMIN_DATABASE = 'test';

function adminClient(database = ADMIN_DATABASE): Client {
  return new Client({ host: '127.0.0.1', port: 5432, user: 'postgres', database });
}

export async function createNamespace(): Promise<BenchNamespace> {
  const suffix = randomUUID().replace(/-/g, '').slice(0, 10);
  const namespace = {
    database: `bench_${suffix}`,
    redisPrefix: `bench-${suffix}:`,
    exchange: `bench-${suffix}`,
  };
  const client = adminClient();
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${namespace.database}`);
  } finally {
    await client.end();
  }
  return namespace;
}

/**
 * Inserts `count` users straight into the `users` table (created by user-service's migrations)
 * and returns their ids; one statement, so seeding costs about nothing.
 */
export async function seedUsers(namespace: BenchNamespace, count: number): Promise<string[]> {
  const client = adminClient(namespace.database);
  await client.connect();
  try {
    const result = await client.query<{ id: string }>(
      `INSERT INTO users (name, email)
       SELECT 'Seed User ' || n, 'seed-' || n || '@bench.example' FROM generate_series(1, $1) AS n
       RETURNING id`,
      [count],
    );
    return result.rows.map((row) => row.id);
  } finally {
    await client.end();
  }
}

/** Whether user-service's migrations created the outbox table (the POST baseline mirrors it). */
export async function tableExists(namespace: BenchNamespace, table: string): Promise<boolean> {
  const client = adminClient(namespace.database);
  await client.connect();
  try {
    const result = await client.query('SELECT to_regclass($1) AS found', [table]);
    return result.rows[0]?.found !== null;
  } finally {
    await client.end();
  }
}

/** Drops the database, deletes the run's Redis keys and its exchange; never throws. */
export async function dropNamespace(namespace: BenchNamespace): Promise<string[]> {
  const problems: string[] = [];
  const client = adminClient();
  try {
    await client.connect();
    await client.query(`DROP DATABASE IF EXISTS ${namespace.database} WITH (FORCE)`);
  } catch (error) {
    problems.push(`dropping ${namespace.database}: ${String(error)}`);
  } finally {
    await client.end().catch(() => undefined);
  }
  const redis = new Redis({ host: '127.0.0.1', port: 6379, lazyConnect: true });
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(
        cursor,
        'MATCH',
        `${namespace.redisPrefix}*`,
        'COUNT',
        1000,
      );
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
  } catch (error) {
    problems.push(`deleting Redis keys ${namespace.redisPrefix}*: ${String(error)}`);
  } finally {
    redis.disconnect();
  }
  try {
    const connection = await connectAmqp('amqp://guest:guest@127.0.0.1:5672');
    const channel = await connection.createChannel();
    await channel.deleteExchange(namespace.exchange);
    await connection.close();
  } catch (error) {
    problems.push(`deleting exchange ${namespace.exchange}: ${String(error)}`);
  }
  return problems;
}
