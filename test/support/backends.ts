import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { connect as connectTcp } from 'node:net';
import { promisify } from 'node:util';
import { TEST_PG } from './pg';
import { TEST_REDIS } from './redis';

const run = promisify(execFile);

/** Resolves true once `host:port` accepts a TCP connection. */
export function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connectTcp(port, host);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function until(condition: () => Promise<boolean>, what: string, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function pgVersion(): string {
  const [version] = readdirSync('/etc/postgresql');
  return version;
}

/**
 * Stops the local PostgreSQL (`pg_ctlcluster ... stop -m fast`: sessions get 57P01), runs
 * `whileDown`, and ALWAYS starts it again, even when `whileDown` throws. `afterRestart` runs
 * right after `start` returned, for timing the recovery.
 */
export async function withPostgresStopped<T>(
  whileDown: () => Promise<T>,
  afterRestart?: () => Promise<void>,
): Promise<T> {
  await run(
    'pg_ctlcluster',
    ['--skip-systemctl-redirect', pgVersion(), 'main', 'stop', '-m', 'fast'],
    {
      timeout: 60_000,
    },
  );
  try {
    return await whileDown();
  } finally {
    await run('pg_ctlcluster', ['--skip-systemctl-redirect', pgVersion(), 'main', 'start'], {
      timeout: 60_000,
    });
    await until(() => accepts(TEST_PG.host, TEST_PG.port), 'PostgreSQL to accept', 30_000);
    await afterRestart?.();
  }
}

/** Stops the local Redis (`SHUTDOWN NOSAVE`), runs `whileDown`, and ALWAYS starts it again. */
export async function withRedisStopped<T>(whileDown: () => Promise<T>): Promise<T> {
  await run('redis-cli', [
    '-h',
    TEST_REDIS.host,
    '-p',
    String(TEST_REDIS.port),
    'shutdown',
    'nosave',
  ]).catch(
    // redis-cli reports the closed connection of a successful SHUTDOWN as an error.
    () => undefined,
  );
  await until(
    async () => !(await accepts(TEST_REDIS.host, TEST_REDIS.port)),
    'Redis to stop',
    10_000,
  );
  try {
    return await whileDown();
  } finally {
    await run('redis-server', [
      '--daemonize',
      'yes',
      '--bind',
      '127.0.0.1',
      '-::1',
      '--port',
      String(TEST_REDIS.port),
      '--save',
      '',
      '--appendonly',
      'no',
      '--dir',
      '/var/lib/redis',
      '--logfile',
      '/var/log/redis/ci.log',
    ]);
    await until(() => accepts(TEST_REDIS.host, TEST_REDIS.port), 'Redis to accept', 30_000);
  }
}
