import { execFile, spawnSync } from 'node:child_process';

/** Where `promtool` is (Debian's `prometheus` package), or undefined when it is not installed. */
export function findPromtool(): string | undefined {
  const found = spawnSync('sh', ['-c', 'command -v promtool'], { encoding: 'utf8' });
  const path = found.stdout.trim();
  return found.status === 0 && path !== '' ? path : undefined;
}

/** A promtool run: its exit code and everything it printed. */
export interface PromtoolOutcome {
  code: number;
  output: string;
}

/** Runs `promtool ...args`, feeding `stdin` when given. */
export function promtool(path: string, args: string[], stdin?: string): Promise<PromtoolOutcome> {
  return new Promise((resolve, reject) => {
    const child = execFile(path, args, { encoding: 'utf8' }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      if (error && typeof error.code !== 'number') reject(error);
      else resolve({ code, output: `${stdout}${stderr}` });
    });
    child.stdin?.end(stdin ?? '');
  });
}
