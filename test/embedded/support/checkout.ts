import { ChildProcess, spawn } from 'node:child_process';
import { chmod, copyFile, mkdtemp, readFile, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..', '..');

/** What a clone has that `npm start` reads, copied (small) or linked (large, read-only). */
const COPIED = [
  'package.json',
  'nest-cli.json',
  'tsconfig.json',
  'tsconfig.build.json',
  '.swcrc',
  '.env',
];
const LINKED = ['src', 'proto', 'node_modules'];

/**
 * A fresh clone as far as `npm start` can tell, warm install included: its own dist/ and
 * data/ (so runs never touch the repository's), the sources and node_modules linked. Under the
 * system temp directory, searchable by everyone: run as root, the embedded PostgreSQL runs as
 * the `postgres` user, which must reach data/postgres.
 */
export async function scratchCheckout(): Promise<{ dir: string; remove(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'toolkit-checkout-'));
  await chmod(dir, 0o755);
  for (const file of COPIED) await copyFile(join(ROOT, file), join(dir, file));
  for (const entry of LINKED) await symlink(join(ROOT, entry), join(dir, entry));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** A process tree started in its own process group, with its output collected. */
export interface StartedTree {
  child: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
}

/**
 * `npm start` (or any command) in `dir` with exactly `env` plus PATH and HOME, in its own
 * process group so that the test can see (and, failing all else, end) everything it started.
 */
export function startIn(dir: string, command: string[], env: Record<string, string>): StartedTree {
  const child = spawn(command[0], command.slice(1), {
    cwd: dir,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { child, output: () => output, exited };
}

/** Waits until `text` appears in the output; fails early if the process exits. */
export async function waitForText(
  tree: StartedTree,
  text: string,
  timeoutMs: number,
): Promise<number> {
  const started = Date.now();
  while (!tree.output().includes(text)) {
    if (tree.child.exitCode !== null || tree.child.signalCode !== null) {
      throw new Error(`exited with ${tree.child.exitCode}:\n${tree.output().slice(-4000)}`);
    }
    if (Date.now() - started > timeoutMs) {
      throw new Error(`no "${text}" within ${timeoutMs}ms:\n${tree.output().slice(-4000)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return Date.now() - started;
}

/** PIDs of the processes in process group `pgid` (Linux /proc). */
export async function processGroup(pgid: number): Promise<number[]> {
  const { readdir } = await import('node:fs/promises');
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = await readFile(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[2]) === pgid && fields[0] !== 'Z') pids.push(Number(entry));
    } catch {
      // Gone meanwhile.
    }
  }
  return pids;
}

/** PIDs of running `postgres` servers whose data directory is under `dir`. */
export async function postgresUnder(dir: string): Promise<number[]> {
  const { readdir } = await import('node:fs/promises');
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const argv = (await readFile(`/proc/${entry}/cmdline`, 'utf8')).split('\0');
      if (argv[0].endsWith('postgres') && argv.some((arg) => arg.startsWith(dir))) {
        pids.push(Number(entry));
      }
    } catch {
      // Gone meanwhile.
    }
  }
  return pids;
}

/** SIGKILLs whatever is left of a process group (after a failed test). */
export function killGroup(tree: StartedTree): void {
  try {
    if (tree.child.pid) process.kill(-tree.child.pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}
