import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { LoadJob, LoadResult } from '../load/jobs';

const GENERATOR = join(__dirname, '..', 'load', 'generator.js');

/** Runs one job in a fresh load-generator process (never more than one at a time). */
export function runLoad(job: LoadJob): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [GENERATOR, JSON.stringify(job)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('exit', (code) => {
      if (code !== 0)
        return reject(new Error(`load generator failed (${code}): ${stderr.slice(-2000)}`));
      try {
        resolve(JSON.parse(stdout.trim().split('\n').pop() ?? '') as LoadResult);
      } catch (error) {
        reject(
          new Error(`load generator printed no result: ${stdout.slice(-500)} ${String(error)}`),
        );
      }
    });
  });
}
