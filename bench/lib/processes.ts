import { ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync, rmSync } from 'node:fs';
import { createServer, Socket } from 'node:net';
import { join } from 'node:path';

/** A server process the bench started, with what was measured about it. */
export interface ServerProcess {
  name: string;
  child: ChildProcess;
  /** From spawn until the readiness check first passed. */
  startupMs: number;
  /** File its stdout (the JSON log) goes to. */
  logFile: string;
}

/** A free TCP port on 127.0.0.1 (bound to 0, read, released). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function httpReady(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(1000) });
    return response.ok;
  } catch {
    return false;
  }
}

function tcpReady(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.connect(port, '127.0.0.1');
  });
}

/** How the bench knows a server is up: an HTTP URL answering 2xx, or a TCP port accepting. */
export type Readiness = { httpUrl: string } | { tcpPort: number };

/**
 * Starts `node <script>` with `env`, stdout (the JSON logs) into a file in `logDirectory`, stderr
 * kept for the failure message, and waits until `readiness` passes (polling every 20 ms).
 */
export async function startServer(options: {
  name: string;
  script: string;
  env: NodeJS.ProcessEnv;
  readiness: Readiness;
  logDirectory: string;
  nodeArgs?: string[];
  timeoutMs?: number;
}): Promise<ServerProcess> {
  const logFile = join(options.logDirectory, `${options.name}.log`);
  const out = openSync(logFile, 'w');
  const startedAt = process.hrtime.bigint();
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), options.script], {
    env: options.env,
    stdio: ['ignore', out, 'pipe'],
  });
  closeSync(out);
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  while (Date.now() < deadline) {
    if (child.exitCode !== null) break;
    const ready =
      'httpUrl' in options.readiness
        ? await httpReady(options.readiness.httpUrl)
        : await tcpReady(options.readiness.tcpPort);
    if (ready) {
      const startupMs = Number(process.hrtime.bigint() - startedAt) / 1e6;
      return { name: options.name, child, startupMs, logFile };
    }
    await sleep(20);
  }
  child.kill('SIGKILL');
  const tail = readFileSync(logFile, 'utf8').slice(-2000);
  throw new Error(`${options.name} did not become ready:\n${stderr}\n${tail}`);
}

/** Resident set size of a running process, in MiB (Linux /proc). */
export function rssMiB(server: ServerProcess): number {
  const status = readFileSync(`/proc/${server.child.pid}/status`, 'utf8');
  const match = /VmRSS:\s+(\d+) kB/.exec(status);
  return match ? Number(match[1]) / 1024 : Number.NaN;
}

/** Number of log lines the server wrote (proof that logging really ran), then removes the file. */
export function countLogLines(server: ServerProcess, keep: boolean): number {
  let lines = 0;
  const content = readFileSync(server.logFile);
  for (const byte of content) if (byte === 10) lines += 1;
  if (!keep) rmSync(server.logFile, { force: true });
  return lines;
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves when the process is gone. */
export function stopServer(server: ServerProcess, graceMs = 10_000): Promise<void> {
  const { child } = server;
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const killer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(killer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** Clock ticks per second of /proc/<pid>/stat's CPU times (USER_HZ; 100 on Linux builds). */
const CLOCK_TICKS_PER_SECOND = 100;

/**
 * CPU time (user + system, every thread) the process has used so far, in seconds, from
 * /proc/<pid>/stat; 10 ms resolution, so only differences over whole measured runs are meaningful.
 */
export function cpuSeconds(server: ServerProcess): number {
  const stat = readFileSync(`/proc/${server.child.pid}/stat`, 'utf8');
  // Fields after the command name (which may contain spaces) start at state, field 3.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const userTicks = Number(fields[11]);
  const systemTicks = Number(fields[12]);
  return (userTicks + systemTicks) / CLOCK_TICKS_PER_SECOND;
}
